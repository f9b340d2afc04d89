using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Testing.Dates;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>
/// clinical.md "Changes in 2026.2", the clarifications: one vignette (or theory) per sentence, each quoting it. Where
/// the engine already followed the sentence the vignette pins it; where it did not (R1 deceased, R6.3 without a
/// baseline, R7's overlap and R7.3 without a baseline, R8.1 off the attack path, R8.3 same-date labs, R9 child weight
/// and birth date, the disease-duration factor without an onset) the engine was changed with it.
/// </summary>
public sealed class Clarifications2026Vignettes
{
    private static PatientBundle NoBaseline() => new PatientBundle(AsOf).Female(31).Ms().WithBody();

    // Course (Conventions), under 18: "a course day is methylprednisolone ≥ 500 mg or ≥ 20 mg/kg/day (the per-kg test
    // only with a weight from the last 30 days)": a 20 kg child given 400 mg/day (20 mg/kg) has had a course; with a
    // weight 40 days old only the adult threshold applies and the child is untreated.
    [Theory]
    [InlineData(-5, "steroids-given")]
    [InlineData(-40, "untreated")]
    public void Child_dose_of_twenty_mg_per_kg_is_a_course_only_with_a_recent_weight(int weighedOnDay, string stage)
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(8).Ms().Edss(BaselineDate, 1.0).Weight(Day(weighedOnDay), 20)
            .Attack(20, 3.0).IvMethylprednisolone(Day(-18), days: 3, mgPerDay: 400));
        Expect.Stage(r, stage);
    }

    // R1: "a deceased patient gets no flags and no missing data" — not the progressive course, the NMOSD antibody,
    // the steroid allergy, the missing birth date nor the relapse record without an onset.
    [Fact]
    public void Deceased_patient_gets_no_flags_and_no_missing_data()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(50).NoBirthDate().Deceased().Ms(Core.Model.MsCourse.SecondaryProgressive)
            .Aqp4Positive(Day(-100)).SteroidAllergy().Natalizumab().RelapseWithoutOnset().Attack(10, 4.0));
        Expect.Status(r, "no-episode");
        Expect.Decision(r, "observe", "routine");
        Expect.True(r, r.Flags().Count == 0, "no flags");
        Expect.True(r, r.MissingItems().Count == 0, "no missing data");
    }

    // R2.2: "a record resolved without an abatement date is resolved at its own onset (for the 180-day test)".
    [Theory]
    [InlineData(180, "relapse")]
    [InlineData(181, "no-episode")]
    public void Record_resolved_without_a_date_is_resolved_at_its_own_onset(int onsetDaysAgo, string status)
    {
        var r = Evaluate.Run(Woman().RelapseResolvedWithoutDate(Day(-onsetDaysAgo)).Edss(Day(-onsetDaysAgo + 1), 3.0));
        Expect.Status(r, status);
        Expect.NoSteroidOffered(r);
    }

    // R1: "when both carry a time, 'a transient record more recent than the attack' compares times on the same day".
    [Theory]
    [InlineData(10, true)]
    [InlineData(6, false)]
    public void Transient_record_on_the_attack_day_is_more_recent_only_by_its_time(int transientHour, bool flagged)
    {
        var r = Evaluate.Run(Woman().Relapse(At(Day(-5), 8)).Edss(Day(-4), 3.5)
            .Relapse(At(Day(-5), transientHour), At(Day(-5), transientHour + 2)));
        Expect.Status(r, "relapse");
        if (flagged)
        {
            Expect.Flag(r, "transient-under-24h", "info");
        }
        else
        {
            Expect.NoFlag(r, "transient-under-24h");
        }
    }

    // R2.3: "'steroids under notRecommended' means every steroid action (oral, IV and escalated IV)".
    [Fact]
    public void Suspected_pseudo_relapse_lists_every_steroid_action_as_not_recommended()
    {
        var r = Evaluate.Run(Woman().Attack(5, 3.5).Temperature(Day(-3), 38.6));
        Expect.Status(r, "pseudo-relapse-suspected");
        foreach (var steroid in Out.SteroidActions)
        {
            Expect.NotRecommended(r, steroid);
        }
    }

    // R3: "the concurrent specialist review for possible-nmosd and natalizumab applies under every status in which an
    // attack is evaluated (… an attack resolved under R2.2 included), at least urgent" — here natalizumab.
    [Fact]
    public void Resolved_attack_on_natalizumab_still_gets_an_urgent_specialist_review()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Relapse(Day(-40), Day(-20)).Edss(Day(-39), 3.5));
        Expect.Status(r, "relapse");
        Expect.Concurrent(r, "specialist-review");
        Expect.Urgency(r, "urgent");
        Expect.Flag(r, "pml-risk", "warning");
    }

    // R4: "edss-inconsistent is raised for any assessment read (dated ≤ asOf within the windows), whether or not it is
    // the one used": an inconsistent assessment 400 days before onset (a later baseline is used) raises it; one 800
    // days before onset (outside onset − 730 days) does not.
    [Theory]
    [InlineData(400, true)]
    [InlineData(800, false)]
    public void Inconsistent_assessment_not_used_still_raises_the_flag_within_the_window(int daysBeforeOnset, bool flagged)
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().EdssFs(Day(-10 - daysBeforeOnset), new Fs(Pyramidal: 4), total: 3.0)
            .Edss(BaselineDate, 2.0).Attack(10, 3.5));
        Expect.Severity(r, "moderate");
        if (flagged)
        {
            Expect.Flag(r, "edss-inconsistent", "warning");
        }
        else
        {
            Expect.NoFlag(r, "edss-inconsistent");
        }
    }

    // R4: "no-episode and not-a-relapse name no EDSS missing data": a transient record without any EDSS.
    [Fact]
    public void Not_a_relapse_names_no_edss_missing_data()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().Relapse(At(Day(-3), 8), At(Day(-3), 12)));
        Expect.Status(r, "not-a-relapse");
        Expect.NotMissing(r, "edss-baseline");
        Expect.NotMissing(r, "edss-since-onset");
    }

    // R5: "late-for-steroids is raised for 15–42 days only; 'more than 42 days → specialist-review' applies to every
    // severity" — a mild attack (2.0 → 2.5).
    [Theory]
    [InlineData(14, false, "observe")]
    [InlineData(15, true, "observe")]
    [InlineData(42, true, "observe")]
    [InlineData(43, false, "specialist-review")]
    public void Late_for_steroids_is_flagged_from_day_fifteen_to_forty_two(int days, bool flagged, string primary)
    {
        var r = Evaluate.Run(Woman().Attack(days, 2.5));
        Expect.Severity(r, "mild");
        Expect.Primary(r, primary);
        if (flagged)
        {
            Expect.Flag(r, "late-for-steroids", "info");
        }
        else
        {
            Expect.NoFlag(r, "late-for-steroids");
        }
    }

    // R6 (route): "a course whose last dose has no route is read as oral; the rationale says 'route not recorded: read
    // as oral (check it)', and apheresis is listed among the alternatives".
    [Fact]
    public void Course_without_a_route_lists_apheresis_among_the_alternatives()
    {
        var b = Woman().WithBody().Attack(18, 3.5);
        for (var day = -16; day <= -12; day++)
        {
            b = b.SteroidDose(FhirCodes.Methylprednisolone, Day(day), 1000, route: null);
        }

        var r = Evaluate.Run(b.Edss(Day(-2), 3.5));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.True(r, r.RationaleText().Contains("route not recorded: read as oral (check it", StringComparison.Ordinal), "rationale names the assumed route");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Alternative(r, "immunoadsorption");
    }

    // Conventions (2026.2): "its route is the route of its last dose that records one". Four IV doses, then a fifth whose
    // route is not recorded: an IV course, so a failed response leads to plasma exchange (R6.4 after an IV course), not
    // to a repeat of the IV course that has failed — which reading the last dose alone as oral gave (clinical review).
    [Fact]
    public void A_course_whose_last_dose_has_no_route_takes_the_route_of_the_last_dose_that_records_one()
    {
        var b = Woman().WithBody().Attack(18, 3.5);
        for (var day = -16; day <= -13; day++)
        {
            b = b.SteroidDose(FhirCodes.Methylprednisolone, Day(day), 1000, route: FhirCodes.RouteIv);
        }

        var r = Evaluate.Run(b.SteroidDose(FhirCodes.Methylprednisolone, Day(-12), 1000, route: null).Edss(Day(-2), 3.5));
        Expect.Decision(r, "plasma-exchange", "soon");
        Expect.True(r, !r.RationaleText().Contains("route not recorded", StringComparison.Ordinal), "no route assumed");
        Expect.NotRecommended(r, "oral-methylprednisolone");
    }

    // R6.3: "without a baseline, responded: rehabilitation when the latest EDSS is above 0, else observe".
    [Theory]
    [InlineData(4.0, 2.5, "rehabilitation")]
    [InlineData(1.5, 0.0, "observe")]
    public void Steroid_response_without_a_baseline_rehabilitates_a_deficit_left(double nadir, double latest, string primary)
    {
        var r = Evaluate.Run(NoBaseline().Attack(20, nadir).IvMethylprednisolone(Day(-18)).Edss(Day(-2), latest));
        Expect.SteroidResponse(r, "responded");
        Expect.Decision(r, primary, "routine");
    }

    // R7: "steroidResponse is inadequate when a steroid course ended before the first apheresis session's date,
    // unknown when a course ran into the first session (started on or before its date and ended on or after it), else
    // not-applicable". IV course days −12…−8; first session on −7, −8 or −13 (the course after it).
    [Theory]
    [InlineData(-7, "inadequate")]
    [InlineData(-8, "unknown")]
    [InlineData(-13, "not-applicable")]
    public void Steroid_response_under_apheresis_depends_on_how_the_course_met_the_first_session(int firstSession, string response)
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(15, 4.5).IvMethylprednisolone(Day(-12))
            .PlasmaExchangeSessions(Day(firstSession), Day(-3), Day(-1)));
        Expect.Stage(r, "apheresis-in-progress");
        Expect.SteroidResponse(r, response);
    }

    // R7.3 without a baseline: "apheresisResponse is responded when the improvement from nadir is ≥ 1.0; otherwise
    // R7.3's timing holds (< 28 days after the last session → too-early, await-response, routine; ≥ 28 days →
    // unknown, specialist-review, soon, missing data edss-baseline, no plasma-exchange alternative)".
    [Theory]
    [InlineData(10, "too-early", "await-response", "routine")]
    [InlineData(28, "unknown", "specialist-review", "soon")]
    public void Completed_apheresis_without_a_baseline_waits_twenty_eight_days_before_calling_it_unknown(int lastDaysAgo, string response, string primary, string urgency)
    {
        var r = Evaluate.Run(NoBaseline().Attack(lastDaysAgo + 30, 5.0).IvMethylprednisolone(Day(-lastDaysAgo - 28))
            .PlasmaExchangeSessions(Day(-lastDaysAgo - 8), Day(-lastDaysAgo - 6), Day(-lastDaysAgo - 4), Day(-lastDaysAgo - 2), Day(-lastDaysAgo))
            .Edss(Day(-1), 4.5));
        Expect.ApheresisResponse(r, response);
        Expect.Decision(r, primary, urgency);
        Expect.NoAlternative(r, "plasma-exchange");
        if (response == "unknown")
        {
            Expect.Missing(r, "edss-baseline");
        }
        else
        {
            Expect.ReassessOn(r, Day(-lastDaysAgo + 28));
        }
    }

    // R8.1: "steroid-allergy is raised whenever an attack is evaluated (every status except no-episode)".
    [Theory]
    [InlineData("pseudo-relapse-suspected", true)]
    [InlineData("unconfirmed", true)]
    [InlineData("possible-progression", true)]
    [InlineData("not-a-relapse", true)]
    [InlineData("relapse", true)]
    [InlineData("no-episode", false)]
    public void Steroid_allergy_is_flagged_under_every_status_but_no_episode(string status, bool flagged)
    {
        var b = Woman().SteroidAllergy();
        b = status switch
        {
            "pseudo-relapse-suspected" => b.Attack(5, 3.5).Temperature(Day(-3), 38.6),
            "unconfirmed" => b.Relapse(Day(0)).Edss(Day(0), 3.5),
            "possible-progression" => b.Attack(100, 3.5),
            "not-a-relapse" => b.Relapse(At(Day(-3), 8), At(Day(-3), 12)),
            "relapse" => b.Relapse(Day(-40), Day(-20)).Edss(Day(-39), 3.5),
            _ => b.Relapse(Day(-300), Day(-250)).Edss(Day(-299), 3.5),
        };
        var r = Evaluate.Run(b);
        Expect.Status(r, status);
        if (flagged)
        {
            Expect.Flag(r, "steroid-allergy", "warning");
        }
        else
        {
            Expect.NoFlag(r, "steroid-allergy");
        }
    }

    // R8.3 (labs): "the latest date decides, and any value on that date below the threshold raises the caution": a
    // low calcium in the morning is not hidden by a normal one the same afternoon; an older low value is superseded.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Low_calcium_on_the_latest_date_raises_the_caution_whatever_its_time(bool sameDay)
    {
        var r = Evaluate.Run(RefractoryAfterIv().Calcium(At(sameDay ? Day(-1) : Day(-3), 8), 7.4).Calcium(At(Day(-1), 15), 8.6));
        Expect.Primary(r, "plasma-exchange");
        if (sameDay)
        {
            Expect.Flag(r, "tpe-caution-hypocalcemia", "warning");
        }
        else
        {
            Expect.NoFlag(r, "tpe-caution-hypocalcemia");
        }
    }

    // Step 5: "a primary displaced by a modifier goes to the front of alternatives": plasma exchange displaced by
    // hypotension (R8.3 item 1) comes before immunoadsorption, escalated IV and IVIG.
    [Fact]
    public void Displaced_plasma_exchange_goes_to_the_front_of_the_alternatives()
    {
        var r = Evaluate.Run(RefractoryAfterIv().SystolicBp(Day(0), 82));
        Expect.Decision(r, "specialist-review", "emergency");
        Expect.True(r, r.Alternatives().Count > 1 && r.Alternatives()[0] == "plasma-exchange", $"plasma-exchange first (found {string.Join(",", r.Alternatives())})");
    }

    // R9: "a child's steroid that is listed (primary, concurrent or alternative) without a weight names weight
    // (blocking: warning)": a mild attack in a child, the IV steroid only an alternative.
    [Fact]
    public void Child_with_a_steroid_alternative_and_no_weight_names_the_weight_as_blocking()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(10).Ms().Edss(BaselineDate, 1.0).Attack(5, 1.5));
        Expect.Decision(r, "observe", "routine");
        Expect.Alternative(r, "iv-methylprednisolone");
        Expect.Missing(r, "weight");
        Expect.Flag(r, "missing-data", "warning");
    }

    // R9: "birth-date is always named when missing, blocking (warning) when a steroid or apheresis is listed, else
    // info": a suspected pseudo-relapse (steroids not recommended, nothing listed) without a birth date.
    [Fact]
    public void Missing_birth_date_is_named_as_info_when_no_treatment_is_listed()
    {
        var r = Evaluate.Run(Woman().NoBirthDate().Attack(5, 3.5).Temperature(Day(-3), 38.6));
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Missing(r, "birth-date");
        Expect.Flag(r, "missing-data", "info");
    }

    // R9: "children get escalated-iv-methylprednisolone under notRecommended ('adults only') wherever R6.4 would list
    // it for an adult": a 12-year-old after a failed IV course.
    [Fact]
    public void Child_after_a_failed_iv_course_is_not_offered_escalated_steroids()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(12).Ms().Edss(BaselineDate, 1.0).Weight(Day(-1), 40).Height(Day(-1), 150).Hematocrit(Day(-1), 38)
            .Attack(18, 4.0).IvMethylprednisolone(Day(-16), mgPerDay: 1000).Edss(Day(-2), 4.0));
        Expect.Primary(r, "plasma-exchange");
        Expect.NotRecommended(r, "escalated-iv-methylprednisolone");
        Expect.NoAlternative(r, "escalated-iv-methylprednisolone");
    }

    // Apheresis response factors, disease-duration: "from the earliest MS diagnosis condition's onset to asOf (no onset
    // → unknown)" — a diagnosis with only a recordedDate gives an unknown duration naming what to record (the recorded
    // date is when it was entered, not when the disease began).
    [Fact]
    public void Disease_duration_without_a_diagnosis_onset_is_unknown()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).MsRecordedWithoutOnset(Day(-30)).Edss(BaselineDate, 2.0).WithBody()
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        Expect.Primary(r, "plasma-exchange");
        var factor = (r["apheresisResponseFactors"] as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>()
            .Single(f => Out.Str(f["factor"]) == "disease-duration");
        Expect.True(r, factor["value"] is null && Out.Str(factor["favours"]) == "unknown" && Out.Str(factor["missing"]) == "the onset date of the MS diagnosis",
            $"disease-duration unknown with its missing item (found {factor.ToJsonString()})");
    }
}
