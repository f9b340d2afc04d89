using Hl7.Fhir.Model;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>R6 — response to a steroid course: too early, early worsening, responded, inadequate, escalation, delay;
/// and what counts as a course (Conventions).</summary>
public sealed class R6SteroidResponseVignettes
{
    // R6.4 "after an IV course, or in a severe attack → primary plasma-exchange (E-AAN-2011, E-ASFA-2023,
    // E-WEINSHENKER-1999), urgent if severe; alternatives in this order: immunoadsorption (E-IA-DORST-2019),
    // escalated-iv-methylprednisolone (E-PFEUFFER-2020), ivig (E-IVIG-2004); not recommended oral-methylprednisolone and
    // symptomatic-therapy". TPE plan: 5 exchanges every other day from asOf + 1; reassessOn = last planned session.
    [Fact]
    public void Severe_relapse_not_improving_ten_days_after_IV_steroids_gets_plasma_exchange()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5));
        Expect.Status(r, "relapse");
        Expect.Severity(r, "severe");
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "inadequate");
        Expect.ApheresisResponse(r, "not-applicable");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.NotRecommended(r, "symptomatic-therapy");
        Expect.Disjoint(r);
        var schedule = r.PlasmaExchangePlan().Schedule().Select(s => s.Date).ToList();
        Assert.Equal([Out.Iso(Day(1)), Out.Iso(Day(3)), Out.Iso(Day(5)), Out.Iso(Day(7)), Out.Iso(Day(9))], schedule);
        Expect.ReassessOn(r, Day(9));
        Expect.Rule(r, "R6");
        Expect.Evidence(r, "E-AAN-2011", "E-ASFA-2023", "E-WEINSHENKER-1999", "E-IA-DORST-2019", "E-PFEUFFER-2020", "E-IVIG-2004");
    }

    // R6.4 "not recommended: oral-methylprednisolone (repeating a failed course)" (A47): after a failed IV course the
    // reason names the IV course, not an oral one; after a failed oral course, the oral one.
    [Trait("Ruling", "A47")]
    [Theory]
    [InlineData(true, "Repeating a failed IV course.")]
    [InlineData(false, "Repeating a failed oral course.")]
    public void Oral_steroids_after_a_failed_course_are_not_recommended_naming_the_route_that_failed(bool intravenous, string reason)
    {
        var r = Evaluate.Run(intravenous ? RefractoryAfterIv(4.5) : ModerateAfterOral());
        var oral = (r["recommendation"]?["notRecommended"] as System.Text.Json.Nodes.JsonArray ?? []).Single(n => Out.Str(n?["action"]) == "oral-methylprednisolone");
        Expect.True(r, Out.Str(oral?["reason"]) == reason, $"the reason for oral-methylprednisolone is \"{reason}\"");
    }

    // R6.4: after an IV course a moderate attack also escalates to plasma exchange, but "soon".
    [Fact]
    public void Moderate_relapse_not_improving_after_iv_steroids_gets_plasma_exchange_soon()
    {
        var r = Evaluate.Run(RefractoryAfterIv(3.5));
        Expect.Severity(r, "moderate");
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "soon");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
    }

    // R6.1: "Fewer than 7 days after course end → too-early, await-response, routine, reassessOn course end + 10"
    // (E-STOPPE-2017); at 7 days R6.2 judges on the assessment dated ≥ course end + 7 (no improvement → R6.4).
    [Theory]
    [InlineData(6, "too-early", "await-response", "routine")]
    [InlineData(7, "inadequate", "plasma-exchange", "urgent")]
    public void Response_to_steroids_is_judged_from_seven_days_after_the_course(int courseEndedDaysAgo, string response, string primary, string urgency)
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(14, 4.5).IvMethylprednisolone(Day(-courseEndedDaysAgo - 4)).Edss(Day(0), 4.5));
        Expect.SteroidResponse(r, response);
        Expect.Decision(r, primary, urgency);
        if (response == "too-early")
        {
            Expect.ReassessOn(r, Day(-courseEndedDaysAgo + 10));
            Expect.Evidence(r, "E-STOPPE-2017");
        }
    }

    // R6.1: "Unless EDSS has risen ≥ 0.5 above the value at course end ...: severe attack → escalate now as R6.4" —
    // 4.0 during the course, 5.0 the day after → inadequate; after an IV course → plasma exchange, urgent.
    [Fact]
    public void Severe_relapse_worsening_right_after_iv_steroids_escalates_now()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(8, 4.0).IvMethylprednisolone(Day(-6)).Edss(Day(-1), 5.0));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
    }

    // R6.1: early worsening in an attack that is not severe (3.0 → 3.5; rise 1.5, moderate) → specialist-review,
    // soon, inadequate.
    [Fact]
    public void Moderate_relapse_worsening_right_after_steroids_gets_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(8, 3.0).IvMethylprednisolone(Day(-6)).Edss(Day(-1), 3.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "specialist-review", "soon");
    }

    // R6.2: "None → steroidResponse unknown, await-response, soon, missing data edss-after-steroids, reassess on
    // asOf"; R9: missing-data is a warning when it blocks a response judgement.
    [Fact]
    public void No_edss_a_week_after_steroids_leaves_the_response_unknown()
    {
        var r = Evaluate.Run(Woman().Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-8), 4.5));
        Expect.SteroidResponse(r, "unknown");
        Expect.Decision(r, "await-response", "soon");
        Expect.Missing(r, "edss-after-steroids");
        Expect.ReassessOn(r, Day(0));
        Expect.Flag(r, "missing-data", "warning");
    }

    // R6.3: "responded when latest ≤ baseline + 0.5 ... → rehabilitation if latest > baseline, else observe; routine".
    [Theory]
    [InlineData(2.5, "rehabilitation")]
    [InlineData(2.0, "observe")]
    public void Relapse_back_near_baseline_after_steroids_has_responded(double latest, string primary)
    {
        var r = Evaluate.Run(Woman().Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), latest));
        Expect.SteroidResponse(r, "responded");
        Expect.Decision(r, primary, "routine");
        Expect.NoApheresisOffered(r);
    }

    // R6.3: "or the improvement from nadir is ≥ 1.0 and ≥ half of the rise": baseline 2.0, nadir 5.0 (rise 3.0):
    // latest 3.5 improves 1.5 = half → responded (rehabilitation); latest 4.0 improves 1.0 < 1.5 → inadequate.
    [Theory]
    [InlineData(3.5, "responded", "rehabilitation")]
    [InlineData(4.0, "inadequate", "plasma-exchange")]
    public void Improvement_of_half_the_rise_counts_as_a_response(double latest, string response, string primary)
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 5.0).IvMethylprednisolone(Day(-16)).Edss(Day(-2), latest));
        Expect.SteroidResponse(r, response);
        Expect.Primary(r, primary);
    }

    // R6.3 "Without a baseline: responded if the improvement from nadir is ≥ 1.0, else steroidResponse unknown,
    // primary specialist-review, soon, plasma-exchange as an alternative, missing data edss-baseline".
    [Theory]
    [InlineData(4.0, "responded")]
    [InlineData(4.5, "unknown")]
    public void Without_a_baseline_a_one_point_improvement_is_a_response(double latest, string response)
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().WithBody().Attack(18, 5.0).IvMethylprednisolone(Day(-16)).Edss(Day(-2), latest));
        Expect.SteroidResponse(r, response);
        Expect.Missing(r, "edss-baseline");
        if (response == "unknown")
        {
            Expect.Decision(r, "specialist-review", "soon");
            Expect.Alternative(r, "plasma-exchange");
        }
        else
        {
            Expect.Urgency(r, "routine");
        }
    }

    // R6.4 "after an oral course in an attack that is not severe → iv-methylprednisolone 1,000 mg/day × 5 days,
    // soon; alternatives plasma-exchange, immunoadsorption"; not recommended: repeating oral, symptomatic therapy.
    [Fact]
    public void Moderate_relapse_not_improving_after_oral_steroids_gets_iv_steroids()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 3.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 3.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Alternative(r, "immunoadsorption");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.NotRecommended(r, "symptomatic-therapy");
        Expect.Near(r, 1000, Out.Num(r.SteroidPlan()?["doseMgPerDay"]), 0.001, "doseMgPerDay");
    }

    // R6.4 "... or in a severe attack → plasma-exchange": a severe attack after an oral course goes to TPE, urgent.
    [Fact]
    public void Severe_relapse_not_improving_after_oral_steroids_gets_plasma_exchange()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 4.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
    }

    // Conventions: a course's "route is the route of its last dose": IV × 3 then oral 1,000 mg × 2 → an oral course →
    // R6.4 oral branch (moderate) → IV methylprednisolone.
    [Fact]
    public void Course_that_ended_orally_counts_as_an_oral_course()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 3.5)
            .IvMethylprednisolone(Day(-16), days: 3).OralMethylprednisolone(Day(-13), days: 2, mgPerDay: 1000).Edss(Day(-2), 3.5));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
    }

    // R6.5: apheresis chosen by R6.4 "more than 42 days after onset → flag apheresis-delayed (warning,
    // E-BLECHINGER-2021)".
    [Theory]
    [InlineData(42, false)]
    [InlineData(43, true)]
    public void Plasma_exchange_more_than_six_weeks_after_onset_is_flagged_delayed(int onsetDaysAgo, bool delayed)
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(onsetDaysAgo, 4.5).IvMethylprednisolone(Day(-onsetDaysAgo + 2)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
        if (delayed)
        {
            Expect.Flag(r, "apheresis-delayed", "warning");
            Expect.Evidence(r, "E-BLECHINGER-2021");
        }
        else
        {
            Expect.NoFlag(r, "apheresis-delayed");
        }
    }

    // R6.5: "more than 90 days → primary specialist-review, soon, apheresis as an alternative"; Evaluation order 5:
    // the demotion keeps urgent for a severe attack.
    [Theory]
    [InlineData(90, "plasma-exchange")]
    [InlineData(91, "specialist-review")]
    public void Plasma_exchange_more_than_ninety_days_after_onset_is_left_to_the_specialist(int onsetDaysAgo, string primary)
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(onsetDaysAgo, 4.5).IvMethylprednisolone(Day(-onsetDaysAgo + 2)).Edss(Day(-2), 4.5));
        Expect.Status(r, "relapse");
        Expect.Decision(r, primary, "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
        if (primary == "specialist-review")
        {
            Expect.Alternative(r, "plasma-exchange");
        }
    }

    // Conventions: "Lower doses (maintenance, other diseases) are reported but are not relapse treatment":
    // methylprednisolone 250 mg/day × 5 is no course → untreated → R5 severe.
    [Fact]
    public void Low_dose_methylprednisolone_is_not_a_relapse_course()
    {
        var r = Evaluate.Run(Woman().Attack(6, 4.5).IvMethylprednisolone(Day(-5), mgPerDay: 250));
        Expect.Stage(r, "untreated");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }

    // Conventions: a course is "prednisone or prednisolone ≥ 625 mg": 625 mg/day counts (oral course, no
    // improvement → R6.4 IV), 600 mg/day does not (untreated → R5 moderate, oral).
    [Theory]
    [InlineData(625, "steroids-given", "iv-methylprednisolone")]
    [InlineData(600, "untreated", "oral-methylprednisolone")]
    public void Prednisone_counts_as_a_course_from_625_mg(double mgPerDay, string stage, string primary)
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 3.5).OralPrednisone(Day(-16), 5, mgPerDay).Edss(Day(-2), 3.5));
        Expect.Stage(r, stage);
        Expect.Decision(r, primary, "soon");
    }

    // Conventions: "A course counts for an attack when at least one of its doses is dated on or after the attack's
    // onset": a course started 2 days before onset and still running counts (R6.1 too early, reassess end + 10);
    // a course that ended before onset does not (untreated → R5 severe).
    [Theory]
    [InlineData(-4, 2, "steroids-given")]
    [InlineData(-10, 3, "untreated")]
    public void Course_counts_for_the_attack_only_with_a_dose_on_or_after_onset(int courseStart, int onsetDaysAgo, string stage)
    {
        var r = Evaluate.Run(Woman().Attack(onsetDaysAgo, 4.5).IvMethylprednisolone(Day(courseStart)));
        Expect.Stage(r, stage);
        if (stage == "steroids-given")
        {
            Expect.Decision(r, "await-response", "routine");
            Expect.ReassessOn(r, Day(courseStart + 4 + 10));
        }
        else
        {
            Expect.Decision(r, "iv-methylprednisolone", "urgent");
        }
    }

    // fhir-profile: a MedicationRequest intent=order, status completed: first day = boundsPeriod.start, days =
    // repeat.count → oral 500 mg × 5 is an oral course → no improvement, moderate → R6.4 IV.
    [Fact]
    public void Completed_oral_steroid_order_counts_as_a_course()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 3.5)
            .SteroidOrder(FhirCodes.Methylprednisolone, Day(-16), 5, 500, FhirCodes.RouteOral).Edss(Day(-2), 3.5));
        Expect.Stage(r, "steroids-given");
        Expect.Decision(r, "iv-methylprednisolone", "soon");
    }

    // fhir-profile: "Only days ≤ asOf count": an active IV order from 2 days ago for 5 days has given 3 doses; the
    // course ends today → R6.1 too early, reassess today + 10.
    [Fact]
    public void Running_steroid_order_counts_only_the_days_up_to_asOf()
    {
        var r = Evaluate.Run(Woman().Attack(4, 4.5)
            .SteroidOrder(FhirCodes.Methylprednisolone, Day(-2), 5, 1000, FhirCodes.RouteIv, status: "active"));
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "too-early");
        Expect.ReassessOn(r, Day(10));
    }
    // Choice kept by the lead (docs/pathway.md #4): a course whose last dose has no route is read as oral — and the R6
    // rationale says "route not recorded: read as oral" so a clinician sees the assumption. Moderate (2.0 → 3.5),
    // 5 × 1,000 mg from day −16 without a route, still 3.5 on day −2 → R6.4's oral branch: IV methylprednisolone.
    [Fact]
    public void Course_without_a_route_is_read_as_oral_and_the_rationale_says_so()
    {
        var b = Woman().WithBody().Attack(18, 3.5);
        for (var day = -16; day <= -12; day++)
        {
            b = b.SteroidDose(FhirCodes.Methylprednisolone, Day(day), 1000, route: null);
        }

        var r = Evaluate.Run(b.Edss(Day(-2), 3.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.True(r, r.RationaleText().Contains("route not recorded: read as oral", StringComparison.Ordinal), "rationale names the assumed route");
    }

    // Choice kept by the lead (docs/pathway.md #5): a dose without an amount is not relapse treatment, and the R6
    // rationale names its date. The only dose since onset (day −3) has no amount → untreated, R5 moderate → oral.
    [Fact]
    public void Dose_without_an_amount_is_not_counted_and_the_rationale_names_its_date()
    {
        var r = Evaluate.Run(Woman().Attack(6, 3.5).SteroidDose(FhirCodes.Methylprednisolone, Day(-3), null, FhirCodes.RouteIv));
        Expect.Stage(r, "untreated");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
        Expect.True(r, r.RationaleText().Contains($"A methylprednisolone dose without an amount on {Out.Iso(Day(-3))} was not counted as relapse treatment", StringComparison.Ordinal),
            "rationale names the uncounted dose");
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // R6: "Course end = the end of the last course since the attack's onset": an oral course then an IV course, no
    // improvement → the IV branch of R6.4 (plasma exchange; moderate → soon), not the oral branch.
    [Trait("Source", "audit")]
    [Fact]
    public void Second_course_given_iv_decides_the_escalation_branch()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(32, 3.5).OralMethylprednisolone(Day(-30)).IvMethylprednisolone(Day(-20)).Edss(Day(-5), 3.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "soon");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
    }

    // Conventions: a course is methylprednisolone ≥ 500 mg/day; a dose written as 1 g (UCUM g) is 1,000 mg: IV 1 g
    // yesterday → steroids-given, too early (reassess course end + 10 = Day 9).
    [Trait("Source", "audit")]
    [Fact]
    public void Methylprednisolone_dose_written_in_grams_counts_as_a_course()
    {
        var dose = new MedicationAdministration
        {
            Id = "mp-grams",
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept(FhirCodes.RxNorm, FhirCodes.Methylprednisolone),
            Subject = RawFhir.Subject,
            Effective = new FhirDateTime("2026-05-10"),
            Dosage = new MedicationAdministration.DosageComponent
            {
                Route = new CodeableConcept(FhirCodes.Snomed, FhirCodes.RouteIv),
                Dose = new Quantity { Value = 1, System = FhirCodes.Ucum, Code = "g", Unit = "g" },
            },
        };
        var r = Evaluate.Run(RawFhir.With(Woman().Attack(3, 4.5), dose), AsOf);
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "too-early");
        Expect.Decision(r, "await-response", "routine");
        Expect.ReassessOn(r, Day(9));
    }

    // R6.5: "Apheresis chosen by R6.1, R6.4 or R8.1 … more than 90 days → primary specialist-review … apheresis as
    // an alternative. (NMOSD apheresis under R3.1 gets the flag only, never the demotion.)" After a failed IV course
    // it is R6.4, not R3.1, that chose plasma exchange in this AQP4-positive patient, 100 days after onset → demoted
    // (lead's ruling; docs/pathway.md #34); urgent by R3.1's "after treatment … at least urgent".
    [Trait("Source", "audit")]
    [Fact]
    public void Nmosd_attack_escalated_after_steroids_more_than_ninety_days_after_onset_goes_to_specialist_review()
    {
        var r = Evaluate.Run(Aqp4Woman().Attack(100, 4.5).IvMethylprednisolone(Day(-98)).Edss(Day(-2), 4.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "apheresis-delayed", "warning");
    }

    // R6.5 > 90 days, severe: "Demotions to specialist-review … keep urgent for a severe attack"; the displaced
    // plasma exchange is an alternative, the rest of R6.4's alternatives follow in their order.
    [Trait("Source", "audit")]
    [Fact]
    public void Severe_refractory_attack_after_ninety_days_keeps_urgent_specialist_review_with_all_alternatives()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(95, 4.5).IvMethylprednisolone(Day(-93)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Disjoint(r);
    }

    // R6.5 > 42 days + R8.3.3: the delay flag is about apheresis chosen by R6.4; the albumin allergy then swaps
    // plasma exchange for immunoadsorption — both flags present, urgency urgent (severe).
    [Trait("Source", "audit")]
    [Fact]
    public void Delayed_apheresis_with_albumin_allergy_is_immunoadsorption_flagged_delayed()
    {
        var r = Evaluate.Run(Woman().WithBody().AlbuminAllergy().Attack(50, 4.5).IvMethylprednisolone(Day(-48)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "immunoadsorption", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
    }

    // R6.1 early worsening in a severe attack "escalate now as R6.4" more than 42 days after onset → apheresis-delayed.
    [Trait("Source", "audit")]
    [Fact]
    public void Early_escalation_more_than_six_weeks_after_onset_is_flagged_delayed()
    {
        var r = Evaluate.Run(Woman().WithBody().Relapse(Day(-50)).Edss(Day(-49), 4.0)
            .IvMethylprednisolone(Day(-7)).Edss(Day(-3), 4.0).Edss(Day(-1), 4.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
    }

    // R6.1: "(the latest assessment from onset to course end; none → no early escalation)": no EDSS between onset and
    // course end (day −4), EDSS 5.0 after → too-early, await-response, routine, reassess course end + 10 = day 6.
    [Trait("Source", "audit")]
    [Fact]
    public void No_edss_before_the_course_ended_means_no_early_escalation()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-10)).IvMethylprednisolone(Day(-8)).Edss(Day(-1), 5.0));
        Expect.Severity(r, "severe");
        Expect.SteroidResponse(r, "too-early");
        Expect.Decision(r, "await-response", "routine");
        Expect.ReassessOn(r, Day(6));
    }

    // R6.1 severe early worsening (4.0 at course end → 4.5): "escalate now as R6.4" → plasma exchange, urgent, with
    // R6.4's alternatives in order and not-recommended list; reassessOn = last planned exchange = asOf + 9.
    [Trait("Source", "audit")]
    [Fact]
    public void Severe_early_worsening_escalates_with_the_full_r64_lists()
    {
        var r = Evaluate.Run(Woman().WithBody().Relapse(Day(-10)).Edss(Day(-9), 4.0)
            .IvMethylprednisolone(Day(-8)).Edss(Day(-4), 4.0).Edss(Day(-1), 4.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.True(r, r.Alternatives().SequenceEqual(["immunoadsorption", "escalated-iv-methylprednisolone", "ivig"]), "R6.4 alternatives in order");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.NotRecommended(r, "symptomatic-therapy");
        Expect.ReassessOn(r, Day(9));
    }

    // R6.2: the only post-course EDSS is 5 days after the course (course end day −9, EDSS day −4; asOf is 9 days
    // after) → unknown, await-response, soon, reassess on asOf; edss-after-steroids blocks a response judgement →
    // missing-data warning.
    [Trait("Source", "audit")]
    [Fact]
    public void Edss_only_five_days_after_the_course_cannot_judge_the_response()
    {
        var r = Evaluate.Run(Woman().Attack(20, 3.5).IvMethylprednisolone(Day(-13)).Edss(Day(-4), 3.5));
        Expect.SteroidResponse(r, "unknown");
        Expect.Decision(r, "await-response", "soon");
        Expect.ReassessOn(r, AsOf);
        Expect.Missing(r, "edss-after-steroids");
        Expect.Flag(r, "missing-data", "warning");
    }

    // R6.3 without a baseline, improvement 0.5 (< 1.0) → steroidResponse unknown, specialist-review, soon,
    // plasma-exchange alternative (its plan filled), missing edss-baseline (blocks the judgement → warning). R8.3
    // applies to the alternative: an ACE inhibitor raises its caution and starts the plan at asOf + 2.
    [Trait("Source", "audit")]
    [Fact]
    public void Response_without_baseline_goes_to_specialist_review_with_plasma_exchange_alternative()
    {
        var r = Evaluate.Run(NoBaselineWoman().Ramipril().Attack(20, 4.0).IvMethylprednisolone(Day(-18)).Edss(Day(-2), 3.5));
        Expect.Severity(r, "unknown");
        Expect.SteroidResponse(r, "unknown");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Missing(r, "edss-baseline");
        Expect.Flag(r, "missing-data", "warning");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Assert.Equal(Out.Iso(Day(2)), r.PlasmaExchangePlan().Schedule()[0].Date);
    }

    // R6.4 "after an oral course in an attack that is not severe → iv-methylprednisolone …, soon; alternatives
    // plasma-exchange, immunoadsorption" (that order); reassessOn = planned IV end (asOf + 4) + 10.
    [Trait("Source", "audit")]
    [Fact]
    public void Moderate_relapse_failing_oral_steroids_gets_iv_with_apheresis_alternatives_in_order()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(18, 3.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 3.5));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.True(r, r.Alternatives().SequenceEqual(["plasma-exchange", "immunoadsorption"]), "alternatives plasma-exchange, immunoadsorption");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.ReassessOn(r, Day(14));
    }

    // R6.4 + R8.1: IV MP primary after a failed oral course, steroid allergy, not severe → specialist-review, soon,
    // plasma-exchange and immunoadsorption alternatives; IV MP not recommended; no steroid plan.
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergy_after_a_failed_oral_course_goes_to_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().SteroidAllergy().Attack(18, 3.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 3.5));
        Expect.Decision(r, "specialist-review", "soon");
        Expect.True(r, r.Alternatives().SequenceEqual(["plasma-exchange", "immunoadsorption"]), "alternatives plasma-exchange, immunoadsorption");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.True(r, r.SteroidPlan() is null, "no steroid plan");
        Expect.Disjoint(r);
    }
}
