using System.Text.Json.Nodes;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>
/// Independent audit of the pathway stages (R1, R2, R4, R5, R6, R7, R9), the reassessOn rules of Evaluation order
/// step 5, plan numbers and missing-data severities, written from clinical.md alone. Ambiguous clauses accept the
/// engine's documented reading (docs/pathway.md) and say so; the disagreements the audit raised have been ruled on by
/// the lead and are now implemented (docs/pathway.md names each ruling).
/// </summary>
public sealed class AuditPathwayVignettes
{
    private static PatientBundle NoBaselineWoman() => new PatientBundle(AsOf).Female(31).Ms().WithBody();

    private static PatientBundle Child(int age, double baseline = 1.0) =>
        new PatientBundle(AsOf).Male(age).Ms().Edss(BaselineDate, baseline);

    private static double? Num(JsonObject? o, string member) => Out.Num(o?[member]);

    // ------------------------------------------------------------------ R2

    // R2.4: onset = asOf → unconfirmed, observe, routine, "reassess the next day"; Step 6: severity is computed
    // (2.0 → 3.0 moderate); dmt-review only for status relapse.
    [Fact]
    public void Moderate_symptoms_that_began_today_are_unconfirmed_and_reassessed_tomorrow()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(0)).Edss(Day(0), 3.0));
        Expect.Status(r, "unconfirmed");
        Expect.Severity(r, "moderate");
        Expect.Decision(r, "observe", "routine");
        Expect.ReassessOn(r, Day(1));
        Expect.NoFlag(r, "dmt-review");
        Expect.Stage(r, "untreated");
        Expect.SteroidResponse(r, "not-applicable");
    }

    // R2.3: a positive urine nitrite 7 days ago, in the window (onset − 14 … onset + 3) and still current ("the
    // nitrite in the last 7 days") → pseudo-relapse, infection (warning), treat-trigger, soon, reassess asOf + 3.
    [Fact]
    public void Nitrite_seven_days_ago_is_still_a_current_trigger()
    {
        var r = Evaluate.Run(Woman().Attack(6, 3.0).UrineNitrite(Day(-7)));
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Flag(r, "infection", "warning");
        Expect.Decision(r, "treat-trigger", "soon");
        Expect.ReassessOn(r, Day(3));
        Expect.SteroidsNotRecommended(r);
    }

    // R2.3: a nitrite 8 days ago is in the window but no longer current → kept as an info flag and the attack is
    // evaluated (moderate → oral MP). R8.2 reads fever and infection conditions only, so the flag stays info.
    [Fact]
    public void Nitrite_eight_days_ago_is_kept_as_info_and_the_relapse_is_treated()
    {
        var r = Evaluate.Run(Woman().Attack(6, 3.0).UrineNitrite(Day(-8)));
        Expect.Status(r, "relapse");
        Expect.Flag(r, "infection", "info");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // R2.3: an infection with onset 15 days ago lies in the window of an attack that began 2 days ago (onset − 14 =
    // day −16) but is not current (onset not in the last 14 days) → info flag; relapse; R8.2 does not fire either.
    [Fact]
    public void Infection_that_began_fifteen_days_ago_is_in_the_window_but_not_current()
    {
        var r = Evaluate.Run(Woman().Attack(2, 3.0).Pneumonia(Day(-15)));
        Expect.Status(r, "relapse");
        Expect.Flag(r, "infection", "info");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
        Expect.NoFlag(r, "apheresis-contraindication-infection");
    }

    // R2.3 severe + sepsis: emergency (sepsis), concurrent specialist-review, reassess in 1 day, infection critical.
    [Fact]
    public void Severe_pseudo_relapse_with_sepsis_is_an_emergency_reassessed_tomorrow()
    {
        var r = Evaluate.Run(Woman().Attack(2, 4.5).Sepsis(Day(-1)));
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Decision(r, "treat-trigger", "emergency");
        Expect.Concurrent(r, "specialist-review");
        Expect.ReassessOn(r, Day(1));
        Expect.Flag(r, "infection", "critical");
        Expect.SteroidsNotRecommended(r);
    }

    // R2.5: possible progression; severity still computed (Step 6); no dmt-review (not status relapse); plasma
    // exchange and the steroids not recommended.
    [Fact]
    public void Untreated_symptoms_for_a_hundred_days_are_possible_progression_without_dmt_review()
    {
        var r = Evaluate.Run(Woman().Attack(100, 3.0));
        Expect.Status(r, "possible-progression");
        Expect.Severity(r, "moderate");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.NotRecommended(r, "plasma-exchange");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.NoFlag(r, "dmt-review");
    }

    // R2.5 names plasma-exchange and the steroids as not recommended (E-AAN-2011 Level A; E-NICE-2022), not
    // immunoadsorption (lead's ruling on the audit; docs/pathway.md #8).
    [Fact]
    public void Possible_progression_lists_only_plasma_exchange_and_steroids_as_not_recommended()
    {
        var r = Evaluate.Run(Woman().Attack(100, 3.0));
        Expect.True(r, !r.NotRecommended().Contains("immunoadsorption"), "immunoadsorption not listed");
    }

    // R2.5 excludes only possible-nmosd: a MOG-IgG positive patient with 100 days of untreated symptoms is still
    // possible progression (flag possible-mogad raised, R3.2's first line not applied).
    [Fact]
    public void Mog_positive_patient_with_a_hundred_days_of_untreated_symptoms_is_possible_progression()
    {
        var r = Evaluate.Run(Woman().MogPositive(Day(-200)).Attack(100, 3.0));
        Expect.Status(r, "possible-progression");
        Expect.Flag(r, "possible-mogad", "warning");
        Expect.Decision(r, "specialist-review", "soon");
    }

    // Step 2: "an attack resolved under R2.2: R2's action stands (R3 and R9 flags still apply)": a resolved attack
    // in an AQP4-positive patient → observe, flag possible-nmosd; no plasma exchange. 2026.2 (changed): R3's
    // concurrent specialist review applies under every status in which an attack is evaluated, "an attack resolved
    // under R2.2 included", at least urgent; and no dmt-review beside possible-nmosd (R9).
    [Fact]
    public void Resolved_attack_in_an_aqp4_positive_patient_is_observed_with_the_nmosd_flag()
    {
        var r = Evaluate.Run(Woman().Aqp4Positive(Day(-200)).Relapse(Day(-30), Day(-10)).Edss(Day(-29), 3.0).Edss(Day(-5), 2.0));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "observe", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.NoFlag(r, "dmt-review");
        Expect.NoApheresisOffered(r);
        Expect.NoSteroidOffered(r);
    }

    // Step 2 for statuses other than relapse: "R2's action stands (R3 and R9 flags still apply)". AMBIGUOUS: the
    // engine also adds R3's concurrent specialist-review and "at least urgent" (docs/pathway.md #10). A literal
    // reading gives treat-trigger, soon, no concurrent action. Accepting the engine's documented reading.
    [Fact]
    public void Pseudo_relapse_in_an_aqp4_positive_patient_adds_urgent_specialist_review_engine_reading()
    {
        var r = Evaluate.Run(Woman().Aqp4Positive(Day(-40)).Attack(2, 3.0).Temperature(Day(0), 38.5));
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Primary(r, "treat-trigger");
        Expect.Urgency(r, "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.ReassessOn(r, Day(3));
    }

    // Same ambiguity (docs #10) for unconfirmed on natalizumab: observe stays primary, reassess tomorrow; the engine
    // adds concurrent specialist-review and urgent (literal: observe, routine, flag pml-risk only).
    [Fact]
    public void Symptoms_today_on_natalizumab_are_unconfirmed_with_urgent_specialist_review_engine_reading()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Relapse(Day(0)).Edss(Day(0), 3.0));
        Expect.Status(r, "unconfirmed");
        Expect.Primary(r, "observe");
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Urgency(r, "urgent");
        Expect.ReassessOn(r, Day(1));
    }

    // R1/R2.2: a relapse record "resolved" without an abatement date is "resolved at an unknown date (≥ 24 h)".
    // AMBIGUOUS for "more than 180 days ago": the engine dates the resolution at the onset (docs #3): onset 200
    // days ago → no-episode. (Reading it as "unknown, maybe recent" would give a resolved relapse with dmt-review.)
    [Fact]
    public void Relapse_resolved_without_a_date_two_hundred_days_after_onset_is_no_episode_engine_reading()
    {
        var r = Evaluate.Run(Woman().RelapseResolvedWithoutDate(Day(-200)).Edss(Day(-199), 3.0));
        Expect.Status(r, "no-episode");
        Expect.Severity(r, "not-applicable");
        Expect.Decision(r, "observe", "routine");
    }

    // R1: records < 30 days apart chain even when the first has abated (≥ 24 h): the attack dates from the earlier
    // onset (50 days) → R5 "more than 42 days" → specialist review (moderate: soon) with the steroid as alternative;
    // flag within-30-days-of-previous-attack (info).
    [Fact]
    public void Chained_attack_is_dated_from_its_first_record_for_the_42_day_rule()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-50), Day(-45)).Relapse(Day(-25)).Edss(Day(-24), 3.0));
        Expect.Onset(r, Day(-50));
        Expect.Flag(r, "within-30-days-of-previous-attack", "info");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.Alternative(r, "oral-methylprednisolone");
        Expect.NoFlag(r, "late-for-steroids");
    }

    // ------------------------------------------------------------------ R4 baseline

    // R4: baseline "not within 30 days after a previous attack's onset" (windows include both ends). Previous attack
    // onset day −100 (abated day −80); an EDSS 3.0 exactly 30 days after it (day −70) is skipped → baseline 2.0
    // (2025-11-02) → rise 2.0 → severe → IV MP urgent. At 31 days (day −69) it is the baseline → rise 1.0 → moderate.
    [Theory]
    [InlineData(-70, 2.0, "severe", "iv-methylprednisolone", "urgent")]
    [InlineData(-69, 3.0, "moderate", "oral-methylprednisolone", "soon")]
    public void Baseline_skips_assessments_up_to_and_including_thirty_days_after_a_previous_onset(int edssDay, double baseline, string severity, string primary, string urgency)
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-100), Day(-80)).Edss(Day(edssDay), 3.0).Attack(5, 4.0));
        Expect.True(r, r.Baseline() == baseline, $"baseline {baseline}");
        Expect.Severity(r, severity);
        Expect.Decision(r, primary, urgency);
    }

    // R4: nadir = the highest EDSS from onset to asOf, not the latest: 2.0 → 4.5 (day −4) → 3.0 today: severe.
    [Fact]
    public void Severity_uses_the_highest_edss_since_onset_not_the_latest()
    {
        var r = Evaluate.Run(Woman().Attack(5, 4.5).Edss(Day(0), 3.0));
        Expect.Severity(r, "severe");
        Expect.True(r, r.Nadir() == 4.5, "nadir 4.5");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }

    // ------------------------------------------------------------------ R5 plans and reassessOn

    // R5 moderate: oral MP 500 mg/day × 5 (total 2,500 mg; prednisone equivalent 2,500 × 5/4 = 3,125 mg), the
    // 1,000 mg × 3 oral equivalent noted; planned from asOf to asOf + 4 → reassessOn = end + 10 = asOf + 14.
    [Fact]
    public void Moderate_relapse_plan_totals_and_reassessment_date()
    {
        var r = Evaluate.Run(Woman().Attack(2, 3.0));
        var s = r.SteroidPlan();
        Expect.True(r, Out.Str(s?["route"]) == "oral" && Num(s, "doseMgPerDay") == 500 && Num(s, "days") == 5, "oral 500 mg × 5");
        Expect.True(r, Num(s, "totalDoseMg") == 2500 && Num(s, "prednisoneEquivalentMg") == 3125, "2,500 mg = 3,125 mg prednisone");
        Expect.True(r, (s?["notes"] as JsonArray ?? []).Any(n => Out.Str(n)?.Contains("1,000 mg/day for 3 days", StringComparison.Ordinal) == true), "1 g × 3 days noted");
        Expect.ReassessOn(r, Day(14));
        Expect.True(r, Out.Str(s?["taper"]) is null, "no taper for MS");
    }

    // R5 severe: IV MP 1,000 mg × 5 = 5,000 mg (6,250 mg prednisone), an infusion instruction, reassess asOf + 14.
    [Fact]
    public void Severe_relapse_plan_totals_and_reassessment_date()
    {
        var r = Evaluate.Run(Woman().Attack(2, 4.5));
        var s = r.SteroidPlan();
        Expect.True(r, Out.Str(s?["route"]) == "intravenous" && Num(s, "doseMgPerDay") == 1000, "IV 1,000 mg");
        Expect.True(r, Num(s, "totalDoseMg") == 5000 && Num(s, "prednisoneEquivalentMg") == 6250, "5,000 mg = 6,250 mg prednisone");
        Expect.True(r, Out.Str(s?["infusion"]) is not null, "infusion instruction");
        Expect.ReassessOn(r, Day(14));
    }

    // R5: 42 days is still "15–42" → recommendation stands with late-for-steroids (info); psychiatric history → IV
    // instead of oral, same urgency (soon), with steroid-caution-psychiatric (warning).
    [Fact]
    public void Moderate_relapse_on_day_42_with_psychiatric_history_gets_iv_steroids_flagged_late()
    {
        var r = Evaluate.Run(Woman().PsychiatricHistory(clinicalStatus: "inactive").Attack(42, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Flag(r, "late-for-steroids", "info");
        Expect.Flag(r, "steroid-caution-psychiatric", "warning");
        Expect.ReassessOn(r, Day(14));
    }

    // R5 > 42 days, severe, diabetic: demoted to specialist-review, urgent (Step 5: severe keeps urgent), IV MP as the
    // alternative; R8.4 cautions only when a steroid is primary or concurrent → no diabetes caution; no late flag.
    [Fact]
    public void Severe_relapse_on_day_43_in_a_diabetic_is_urgent_specialist_review_without_steroid_cautions()
    {
        var r = Evaluate.Run(Woman().Diabetes().Attack(43, 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.Alternative(r, "iv-methylprednisolone");
        Expect.NoFlag(r, "steroid-caution-diabetes");
        Expect.NoFlag(r, "late-for-steroids");
        Expect.True(r, r.SteroidPlan() is null, "no steroid planned now");
    }

    // R5 "More than 42 days → primary specialist-review, soon, with the steroid as an alternative" applies to every
    // severity (lead's ruling; docs/pathway.md #12): a mild attack 50 days after onset (rise 2.5 − 2.0 = 0.5) →
    // specialist-review, soon; the oral steroid stays an alternative with its reason; observe is not listed.
    [Fact]
    public void Mild_relapse_after_six_weeks_goes_to_specialist_review_with_the_oral_steroid_as_alternative()
    {
        var r = Evaluate.Run(Woman().Attack(50, 2.5));
        Expect.Severity(r, "mild");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.Alternative(r, "oral-methylprednisolone");
        Expect.NoAlternative(r, "observe");
        Expect.True(r, (r["recommendation"]?["alternatives"] as JsonArray ?? []).OfType<JsonObject>().Any(a => (string?)a["action"] == "oral-methylprednisolone" && ((string?)a["reason"] ?? string.Empty).Contains("impairs daily activities", StringComparison.Ordinal)),
            "the steroid alternative keeps its reason");
        Expect.NoFlag(r, "late-for-steroids");
        Expect.Disjoint(r);
    }

    // R5 + R8.1 after 42 days: R5 demotes first (specialist-review, urgent for severe), so no steroid is primary when
    // R8.1 runs and it does not substitute plasma exchange; the IV steroid becomes not recommended.
    [Fact]
    public void Steroid_allergic_severe_relapse_after_six_weeks_gets_urgent_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().SteroidAllergy().Attack(50, 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.NoSteroidOffered(r);
        Expect.Flag(r, "steroid-allergy", "warning");
    }

    // R8.2: "A steroid that is only an alternative keeps its place with that condition (sepsis: notRecommended)":
    // mild attack 20 days ago (late-for-steroids), sepsis yesterday (outside R2.3's window) → observe stays primary,
    // oral MP not recommended, infection critical.
    [Fact]
    public void Sepsis_in_a_mild_relapse_makes_the_oral_alternative_not_recommended()
    {
        var r = Evaluate.Run(Woman().Attack(20, 2.5).Sepsis(Day(-1)));
        Expect.Status(r, "relapse");
        Expect.Primary(r, "observe");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.Flag(r, "infection", "critical");
        Expect.Flag(r, "late-for-steroids", "info");
    }

    // ------------------------------------------------------------------ R6

    // R6.1: "(the latest assessment from onset to course end; none → no early escalation)": no EDSS between onset and
    // course end (day −4), EDSS 5.0 after → too-early, await-response, routine, reassess course end + 10 = day 6.
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

    // ------------------------------------------------------------------ R7

    // R7.2 interrupted: specialist-review, "soon" — even in a severe attack (R7.2 sets soon; no "at least" applies).
    [Fact]
    public void Interrupted_apheresis_in_a_severe_attack_is_reviewed_soon()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(20, 4.5).PlasmaExchangeSessions(Day(-10), Day(-8)));
        Expect.Stage(r, "apheresis-in-progress");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.ApheresisResponse(r, "not-applicable");
    }

    // R7.3 completed, 28 days after the last session, EDSS above baseline + 0.5 with improvement < 1.0 →
    // inadequate, specialist-review soon; steroidResponse inadequate (apheresis followed an IV course).
    [Fact]
    public void Completed_exchanges_without_response_after_28_days_go_to_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(70, 4.5).IvMethylprednisolone(Day(-68)).Edss(Day(-50), 4.5)
            .PlasmaExchangeSessions(Day(-36), Day(-34), Day(-32), Day(-30), Day(-28)).Edss(Day(-1), 4.0));
        Expect.Stage(r, "apheresis-completed");
        Expect.SteroidResponse(r, "inadequate");
        Expect.ApheresisResponse(r, "inadequate");
        Expect.Decision(r, "specialist-review", "soon");
    }

    // R7.3 "judge … as R6.3" without a baseline. 2026.1 (docs/pathway.md A16): improvement < 1.0 → unknown,
    // specialist review at once. 2026.2 (R7 clarification) changes the answer: "otherwise R7.3's timing holds" — nadir
    // 4.5, EDSS 4.0 the day before asOf (improvement 0.5), last session 12 days ago (< 28) → too-early,
    // await-response, routine, reassess on the last session + 28 days; no plasma-exchange alternative. (At ≥ 28 days:
    // unknown, specialist review, edss-baseline — Clarifications2026Vignettes.)
    [Fact]
    public void Completed_exchanges_without_baseline_and_little_improvement_are_awaited_until_day_twenty_eight()
    {
        var r = Evaluate.Run(NoBaselineWoman().Attack(30, 4.5).PlasmaExchangeSessions(Day(-20), Day(-18), Day(-16), Day(-14), Day(-12)).Edss(Day(-1), 4.0));
        Expect.Stage(r, "apheresis-completed");
        Expect.ApheresisResponse(r, "too-early");
        Expect.Decision(r, "await-response", "routine");
        Expect.ReassessOn(r, Day(16));
        Expect.NoAlternative(r, "plasma-exchange");
        Expect.NoApheresisOffered(r);
    }

    // R7.3 as R6.3 without a baseline: an improvement of at least 1.0 from the nadir is a response (4.5 → 3.5 = 1.0).
    // 2026.2 (R6.3 clarification, which R7.3 follows): "rehabilitation when the latest EDSS is above 0, else observe"
    // — 3.5 is above 0, so rehabilitation (2026.1 said observe).
    [Fact]
    public void Completed_exchanges_without_baseline_and_an_improvement_of_one_point_responded_with_a_deficit_left()
    {
        var r = Evaluate.Run(NoBaselineWoman().Attack(30, 4.5).PlasmaExchangeSessions(Day(-20), Day(-18), Day(-16), Day(-14), Day(-12)).Edss(Day(-1), 3.5));
        Expect.ApheresisResponse(r, "responded");
        Expect.Decision(r, "rehabilitation", "routine");
    }

    // ------------------------------------------------------------------ R8.3 item 2, literal concurrent list

    // R8.3 item 2 lists: flag, primary treat-trigger, urgency soon (floor: urgent when severe), apheresis to the
    // alternatives. Unlike R8.2 it does not add concurrent specialist-review (lead's ruling; docs/pathway.md #20).
    [Fact]
    public void Pneumonia_before_plasma_exchange_adds_no_concurrent_action_literal_reading()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).Pneumonia(Day(-3)));
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.True(r, r.Concurrent().Count == 0, "no concurrent action");
    }

    // ------------------------------------------------------------------ R9

    // R9: children get IV "in every branch" — the mild attack's steroid alternative is IV methylprednisolone, not
    // oral; flag pediatric (info).
    [Fact]
    public void Mild_relapse_in_a_child_offers_iv_not_oral_steroids()
    {
        var r = Evaluate.Run(Child(12).Weight(Day(-2), 40).Attack(3, 1.5));
        Expect.Decision(r, "observe", "routine");
        Expect.Alternative(r, "iv-methylprednisolone");
        Expect.NoAlternative(r, "oral-methylprednisolone");
        Expect.Flag(r, "pediatric", "info");
    }

    // R9: child with a moderate attack and no weight: IV MP (soon), mg/kg 30 but no mg dose; missing weight blocks a
    // dose → missing-data warning.
    [Fact]
    public void Child_without_weight_gets_a_per_kg_plan_without_mg_dose_and_a_warning()
    {
        var r = Evaluate.Run(Child(12).Attack(3, 2.5));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        var s = r.SteroidPlan();
        Expect.True(r, Num(s, "doseMgPerDay") is null && Num(s, "doseMgPerKgPerDay") == 30, "no mg dose, 30 mg/kg");
        Expect.Missing(r, "weight");
        Expect.Flag(r, "missing-data", "warning");
    }

    // R9 + plan: a 7-year-old of 20 kg (< 25 kg → 70 mL/kg), hematocrit 36 %, severe attack failing IV steroids →
    // plasma exchange, urgent; TBV 70 × 20 = 1,400 mL; PV 1,400 × 0.64 = 896 mL; Kaplan 0.065 × 20 × 0.64 = 0.832 L
    // = 832 mL; exchange 896 mL (1.0 PV); albumin 896 × 0.05 = 44.8 g → 4 vials of 12.5 g; no escalated IV
    // (adults only).
    [Fact]
    public void Child_under_25_kg_gets_weight_based_plasma_exchange_volumes()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(7).Ms().Edss(BaselineDate, 1.0)
            .Weight(Day(-1), 20).Height(Day(-1), 120).Hematocrit(Day(-1), 36)
            .Attack(18, 4.0).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.0));
        Expect.Decision(r, "plasma-exchange", "urgent");
        var p = r.PlasmaExchangePlan();
        Expect.True(r, Out.Str(p?["method"]) == "weight-based", "weight-based method");
        Expect.Near(r, 1400, Num(p, "totalBloodVolumeMl"), 1, "TBV mL");
        Expect.Near(r, 896, Num(p, "plasmaVolumeMl"), 1, "PV mL");
        Expect.Near(r, 832, Num(p, "kaplanPlasmaVolumeMl"), 1, "Kaplan PV mL");
        Expect.Near(r, 896, Num(p, "exchangeVolumeMl"), 1, "exchange mL");
        Expect.Near(r, 44.8, Num(p, "albuminGramsPerExchange"), 0.1, "albumin g");
        Expect.True(r, Num(p, "albuminVialsPerExchange") == 4, "4 vials");
        Expect.NoAlternative(r, "escalated-iv-methylprednisolone");
        Expect.Flag(r, "pediatric", "info");
    }

    // R9: older-age (≥ 65, info) and breastfeeding (observed in the last 365 days, info) are flags only; the
    // breastfeeding note goes with an IV plan.
    [Fact]
    public void Breastfeeding_mother_with_a_severe_relapse_gets_the_nursing_note_on_the_iv_plan()
    {
        var r = Evaluate.Run(Woman().Breastfeeding(Day(-30)).Attack(3, 4.5));
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Flag(r, "breastfeeding", "info");
        Expect.True(r, (r.SteroidPlan()?["notes"] as JsonArray ?? []).Any(n => Out.Str(n)?.Contains("2–4 hours", StringComparison.Ordinal) == true), "nursing note");
    }

    // Plasma exchange plan: "Missing … hematocrit → no volumes, missing data named; the schedule still stands" — a
    // missing volume input blocks a volume → missing-data warning; the primary is unchanged.
    [Fact]
    public void Plasma_exchange_without_hematocrit_keeps_its_schedule_and_warns()
    {
        var r = Evaluate.Run(Woman().Weight(Day(-1), 64).Height(Day(-1), 168).Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
        var p = r.PlasmaExchangePlan();
        Expect.True(r, Num(p, "plasmaVolumeMl") is null && Num(p, "exchangeVolumeMl") is null, "no volumes");
        Expect.True(r, p.Schedule().Count == 5, "5 sessions scheduled");
        Expect.Missing(r, "hematocrit");
        Expect.Flag(r, "missing-data", "warning");
    }

    // Missing baseline only (severity unknown, R5 first line, treated as moderate): nothing blocks a dose, volume or
    // response judgement → missing-data info.
    [Fact]
    public void Missing_baseline_before_first_line_is_info_only()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().Attack(3, 3.5));
        Expect.Severity(r, "unknown");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
        Expect.Missing(r, "edss-baseline");
        Expect.Flag(r, "missing-data", "info");
    }
}
