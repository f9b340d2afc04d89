using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>
/// The lead's rulings on the clinical audit (docs/pathway.md names each): the spec read literally for R7's session
/// count, R6.5 and NMOSD, R8.3 item 2, R2.5, no-episode severity data, R5 after 42 days, R7.3 without a baseline and
/// a missing birth date; and the rationale texts that must say what the engine assumed.
/// </summary>
public sealed class AuditRulingTests
{
    private static DateOnly Day(int offset) => RecordBuilder.Day(offset);

    // ---------------------------------------------------------------- Ruling 1: R7 sessions count together

    [Fact]
    public void Immunoadsorption_then_plasma_exchange_plans_only_the_two_sessions_left_of_five()
    {
        // Moderate attack (2.0 → 3.5) 10 days ago; IA on −5 and −3, then an exchange on −1: 3 sessions in all.
        // Remaining = 5 − 3 = 2: next = max(−1 + 2, asOf + 1) = Day 1, then Day 3; reassessOn = Day 3.
        var r = RecordBuilder.Adult().Body().Attack(-10, 2.0, 3.5)
            .Sessions(-5, 2, ApheresisKind.Immunoadsorption).Sessions(-1, 1, ApheresisKind.PlasmaExchange).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        var plan = r.Plan.PlasmaExchange!;
        Assert.Equal(5, plan.Exchanges);
        Assert.Equal(3, plan.Schedule.Count(s => s.Done));
        Assert.Equal([Day(1), Day(3)], plan.Schedule.Where(s => !s.Done).Select(s => s.Date));
        // 2026.2 "a course in progress": startDate stays the course's first session (given); each given session is
        // marked with its kind; the course ends on the last remaining session.
        Assert.Equal(Day(-5), plan.StartDate);
        Assert.Equal([ActionCode.Immunoadsorption, ActionCode.Immunoadsorption, ActionCode.PlasmaExchange], plan.Schedule.Where(s => s.Done).Select(s => s.Kind!.Value));
        Assert.Equal(Day(3), plan.CourseEndsOn);
        Assert.Equal(Day(31), plan.LateReassessOn);
        Assert.Equal($"session 4 of 5 on {Day(1):yyyy-MM-dd}, then every other day to {Day(3):yyyy-MM-dd} (2 sessions remaining)", plan.Summary);
        Assert.Equal(Day(3), r.Advice.ReassessOn);
        Assert.Contains(r.Rationale, x => x.Text.Contains("count together: 3 given, 2 remaining (5 in all).", StringComparison.Ordinal));
    }

    [Fact]
    public void One_session_left_is_said_in_the_singular()
    {
        // Four exchanges on −7, −5, −3, −1: 5 − 4 = 1 remaining, on Day 1 (= reassessOn).
        var r = RecordBuilder.Adult().Body().Attack(-10, 2.0, 3.5).Sessions(-7, 4).Recommend();
        Assert.Equal([Day(1)], r.Plan.PlasmaExchange!.Schedule.Where(s => !s.Done).Select(s => s.Date));
        Assert.Equal(Day(1), r.Advice.ReassessOn);
        Assert.Contains(r.Rationale, x => x.Rule == "R7.1" && x.Text.Contains("the 1 remaining session.", StringComparison.Ordinal));
    }

    [Fact]
    public void Hypotension_during_a_course_keeps_only_the_remaining_exchanges_as_the_alternative_plan()
    {
        // Three exchanges given (−5, −3, −1), systolic 80 mmHg today → R8.3 item 1: specialist review, emergency;
        // plasma exchange an alternative whose plan still counts the 3 given: 2 remaining (Day 1, Day 3).
        var r = RecordBuilder.Adult().Body().Attack(-10, 2.0, 3.5).Sessions(-5, 3).Measure(MeasurementKind.SystolicMmHg, 0, 80).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
        Assert.Contains(ActionCode.PlasmaExchange, r.AlternativeActions());
        Assert.Equal([Day(1), Day(3)], r.Plan.PlasmaExchange!.Schedule.Where(s => !s.Done).Select(s => s.Date));
    }

    [Fact]
    public void Without_sessions_since_onset_a_full_course_of_five_exchanges_is_planned()
    {
        // No session since onset: R7 does not govern; R6.4 after a failed IV course plans 5 new exchanges from Day 1.
        var r = RecordBuilder.Adult().Body().Attack(-30, 2.0, 4.5).Steroids(-28).Edss(-2, 4.5).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal([Day(1), Day(3), Day(5), Day(7), Day(9)], r.Plan.PlasmaExchange!.Schedule.Select(s => s.Date));
        Assert.DoesNotContain(r.Plan.PlasmaExchange.Schedule, s => s.Done);
    }

    // ---------------------------------------------------------------- Ruling 2: R6.5 and NMOSD

    [Fact]
    public void Nmosd_apheresis_chosen_by_r6_4_more_than_90_days_after_onset_is_demoted_to_urgent_review()
    {
        // AQP4-positive, moderate (2.0 → 3.5), IV course −98..−94 failed (3.5 at −2): R6.4 plasma exchange; 100 days
        // > 90 → R6.5: specialist review, plasma exchange an alternative; R3.1's floor after treatment keeps urgent.
        var r = RecordBuilder.Adult().Body().Finding(FindingKind.Aqp4IgG, -500).Attack(-100, 2.0, 3.5).Steroids(-98).Edss(-2, 3.5).Recommend();
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal(ActionCode.PlasmaExchange, r.AlternativeActions().First());
        Assert.Empty(r.Advice.Concurrent); // specialist review is the primary now, not concurrent as well
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.ApheresisDelayed).Severity);
        Assert.Contains("R6.5", r.FiredRules);
    }

    [Fact]
    public void Untreated_nmosd_attack_more_than_90_days_after_onset_is_a_specialist_decision()
    {
        // Was ruling A34 ("flag only, never the demotion"); 2026.2 R3.1 settles it: after 90 days primary
        // specialist-review, urgent, plasma exchange and IV methylprednisolone as alternatives; after 42 days the flag.
        var r = RecordBuilder.Adult().Body().Finding(FindingKind.Aqp4IgG, -500).Attack(-100, 2.0, 3.5).Recommend();
        Assert.Equal((ActionCode.SpecialistReview, Urgency.Urgent), (r.Advice.Primary, r.Advice.Urgency));
        Assert.Equal([ActionCode.PlasmaExchange, ActionCode.IvMethylprednisolone], r.Advice.Alternatives.Select(a => a.Action));
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.ApheresisDelayed).Severity);
    }

    [Theory]
    [InlineData(42, Urgency.Emergency, false)]
    [InlineData(43, Urgency.Urgent, true)]
    [InlineData(90, Urgency.Urgent, true)]
    public void Untreated_nmosd_attack_is_urgent_after_42_days_with_the_delay_flag(int days, Urgency urgency, bool flagged)
    {
        // 2026.2 R3.1: "more than 42 days after onset the urgency is urgent and flag apheresis-delayed is raised".
        var r = RecordBuilder.Adult().Body().Finding(FindingKind.Aqp4IgG, -500).Attack(-days, 2.0, 3.5).Recommend();
        Assert.Equal((ActionCode.PlasmaExchange, urgency), (r.Advice.Primary, r.Advice.Urgency));
        Assert.Equal(flagged, r.FlagCodes().Contains(FlagCode.ApheresisDelayed));
    }

    // ---------------------------------------------------------------- Ruling 3: R8.3 item 2

    [Fact]
    public void Infection_before_plasma_exchange_in_a_severe_attack_is_urgent_without_a_concurrent_review()
    {
        // Severe (2.0 → 4.5), IV course failed, infection 3 days ago: R8.3 item 2 → treat-trigger, soon raised to the
        // step 5 floor (urgent, severe); no concurrent action; plasma exchange once infection is controlled.
        var r = RecordBuilder.Adult().Body().Attack(-18, 2.0, 4.5).Steroids(-16).Edss(-2, 4.5).Infection(-3).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Empty(r.Advice.Concurrent);
        Assert.Equal(ActionCode.PlasmaExchange, r.AlternativeActions().First());
    }

    [Fact]
    public void Infection_before_plasma_exchange_in_a_moderate_attack_is_soon()
    {
        var r = RecordBuilder.Adult().Body().Attack(-18, 2.0, 3.5).Steroids(-16).Edss(-2, 3.5).Infection(-3).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Empty(r.Advice.Concurrent);
    }

    // ---------------------------------------------------------------- Ruling 4: R2.5

    [Fact]
    public void Possible_progression_lists_plasma_exchange_and_the_steroids_as_not_recommended_and_nothing_else()
    {
        var r = RecordBuilder.Adult().Attack(-100, 2.0, 3.0).Recommend();
        Assert.Equal(EpisodeStatus.PossibleProgression, r.Episode.Status);
        Assert.Equal([ActionCode.PlasmaExchange, ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone], r.NotRecommendedActions());
    }

    // ---------------------------------------------------------------- Ruling 5: no-episode has no severity data

    [Fact]
    public void A_deceased_patient_with_an_attack_and_no_baseline_names_no_missing_edss()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-1, 5).Deceased().Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Equal(AttackSeverity.NotApplicable, r.Episode.Severity);
        Assert.Empty(r.MissingData);
        Assert.DoesNotContain(FlagCode.MissingData, r.FlagCodes());
    }

    [Fact]
    public void An_attack_resolved_long_ago_without_any_edss_names_no_missing_edss()
    {
        var r = RecordBuilder.Adult().Relapse(-300, -280).Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.DoesNotContain(MissingItem.EdssBaseline, r.MissingItems());
        Assert.DoesNotContain(MissingItem.EdssSinceOnset, r.MissingItems());
        Assert.DoesNotContain(FlagCode.MissingData, r.FlagCodes());
    }

    [Fact]
    public void A_recently_resolved_attack_is_a_relapse_and_still_names_its_missing_baseline()
    {
        // R2.2 within 180 days: status relapse, severity computed (unknown without a baseline) → edss-baseline named.
        var r = RecordBuilder.Adult().Relapse(-30, -10).Edss(-29, 3).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Contains(MissingItem.EdssBaseline, r.MissingItems());
    }

    // ---------------------------------------------------------------- Ruling 6: R5 after 42 days, every severity

    [Fact]
    public void Mild_attack_43_days_after_onset_goes_to_specialist_review_soon_with_the_oral_steroid()
    {
        // 2.0 → 2.5 (rise 0.5): mild; 43 > 42 days.
        var r = RecordBuilder.Adult().Attack(-43, 2.0, 2.5).Recommend();
        Assert.Equal(AttackSeverity.Mild, r.Episode.Severity);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        var alternative = Assert.Single(r.Advice.Alternatives);
        Assert.Equal(ActionCode.OralMethylprednisolone, alternative.Action);
        Assert.Contains("if the relapse impairs daily activities", alternative.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ActionCode.Observe, r.AlternativeActions());
        Assert.DoesNotContain(FlagCode.LateForSteroids, r.FlagCodes());
        Assert.Null(r.Plan.Steroids);
    }

    [Fact]
    public void Mild_attack_42_days_after_onset_is_still_observed_and_late_for_steroids()
    {
        var r = RecordBuilder.Adult().Attack(-42, 2.0, 2.5).Recommend();
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.LateForSteroids).Severity);
    }

    [Fact]
    public void Mild_attack_in_a_diabetic_after_42_days_keeps_the_iv_steroid_as_the_alternative()
    {
        var r = RecordBuilder.Adult().Condition(ConditionKind.Diabetes, -3000).Attack(-50, 2.0, 2.5).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Equal([ActionCode.IvMethylprednisolone], r.AlternativeActions());
    }

    [Fact]
    public void Severe_attack_after_42_days_keeps_urgent_review()
    {
        var r = RecordBuilder.Adult().Attack(-50, 2.0, 4.5).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal(ActionCode.IvMethylprednisolone, r.AlternativeActions().First());
    }

    // ---------------------------------------------------------------- Ruling 7: R7.3 as R6.3 without a baseline

    [Fact]
    public void Completed_apheresis_without_baseline_and_half_a_point_better_is_unknown_and_reviewed_from_day_28()
    {
        // No baseline; nadir 4.5 (day −59); 5 exchanges −36..−28; EDSS 4.0 on −1 → improvement 0.5 < 1.0, and the last
        // session 28 days ago → unknown (2026.2: "otherwise R7.3's timing holds").
        var r = RecordBuilder.Adult().Body().Relapse(-60).Edss(-59, 4.5).Sessions(-36, 5).Edss(-1, 4.0).Recommend();
        Assert.Equal(TreatmentStage.ApheresisCompleted, r.Episode.TreatmentStage);
        Assert.Equal(ResponseStatus.Unknown, r.Episode.ApheresisResponse);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Empty(r.Advice.Alternatives);
        Assert.Null(r.Plan.PlasmaExchange);
        var missing = Assert.Single(r.MissingData, m => m.Item == MissingItem.EdssBaseline);
        Assert.True(missing.Blocking);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.MissingData).Severity);
    }

    [Fact]
    public void Completed_apheresis_without_baseline_and_half_a_point_better_is_too_early_before_day_28()
    {
        // 2026.2 (R7 clarification, changes A16): the last session 12 days ago → too-early, await-response, routine,
        // reassess on the last session + 28 days.
        var r = RecordBuilder.Adult().Body().Relapse(-30).Edss(-29, 4.5).Sessions(-20, 5).Edss(-1, 4.0).Recommend();
        Assert.Equal(ResponseStatus.TooEarly, r.Episode.ApheresisResponse);
        Assert.Equal(ActionCode.AwaitResponse, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        Assert.Equal(Day(16), r.Advice.ReassessOn);
    }

    [Fact]
    public void Completed_apheresis_without_baseline_and_a_full_point_better_responded()
    {
        // 4.5 → 3.5: improvement 1.0 ≥ 1.0 → responded; 2026.2 (R6.3 clarification, R7.3 "as R6.3"): latest above 0 →
        // rehabilitation.
        var r = RecordBuilder.Adult().Body().Relapse(-30).Edss(-29, 4.5).Sessions(-20, 5).Edss(-1, 3.5).Recommend();
        Assert.Equal(ResponseStatus.Responded, r.Episode.ApheresisResponse);
        Assert.Equal(ActionCode.Rehabilitation, r.Advice.Primary);
    }

    // ---------------------------------------------------------------- Ruling 8: missing birth date

    [Fact]
    public void Missing_birth_date_blocks_the_dose_choice_and_makes_the_missing_data_flag_a_warning()
    {
        var r = RecordBuilder.Adult().BornOn(null).Attack(-3, 2.0, 3.5).Recommend();
        var missing = Assert.Single(r.MissingData);
        Assert.Equal(MissingItem.BirthDate, missing.Item);
        Assert.True(missing.Blocking);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.MissingData).Severity);
        Assert.Contains(r.Rationale, x => x.Rule == "R9" && x.Text.Contains("per-kg child dose", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_birth_date_without_any_treatment_listed_is_named_as_info()
    {
        // A resolved attack (R2.2) lists no steroid or apheresis: 2026.2 (R9 clarification) "birth-date is always
        // named when missing, … else info" (2026.1: not named).
        var r = RecordBuilder.Adult().BornOn(null).Relapse(-30, -10).Edss(-100, 2).Edss(-29, 3).Recommend();
        var missing = Assert.Single(r.MissingData, m => m.Item == MissingItem.BirthDate);
        Assert.False(missing.Blocking);
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.MissingData).Severity);
    }

    // ---------------------------------------------------------------- Ruling 9: the assumptions are said

    [Fact]
    public void A_course_without_a_route_is_read_as_oral_and_the_rationale_says_so()
    {
        var r = RecordBuilder.Adult().Attack(-30, 2.0, 3.5).Steroids(-28, route: DoseRoute.Unknown).Edss(-2, 3.5).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary); // R6.4 oral branch, not severe
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.Contains("route not recorded: read as oral", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dose_without_an_amount_is_not_counted_and_the_rationale_names_its_date()
    {
        // The only dose since onset has no amount: no course → R5 moderate → oral steroid; R6 says why.
        var r = RecordBuilder.Adult().Attack(-6, 2.0, 3.5)
            .With(x => x with { SteroidDoses = x.SteroidDoses.Add(new SteroidDose(SteroidDrug.Methylprednisolone, Day(-3), null, DoseRoute.Intravenous, false, new SourceRef("MedicationAdministration/m1"))) })
            .Recommend();
        Assert.Equal(TreatmentStage.Untreated, r.Episode.TreatmentStage);
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.Contains($"methylprednisolone dose without an amount on {Day(-3):yyyy-MM-dd} was not counted as relapse treatment", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- Ruling 10: articles and plurals

    [Fact]
    public void An_iv_course_is_written_with_an_and_days_in_the_plural()
    {
        var r = RecordBuilder.Adult().Attack(-30, 2.0, 4.5).Steroids(-28).Edss(-2, 4.5).Recommend();
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.StartsWith($"An IV course of 5 days ended {Day(-24):yyyy-MM-dd}, 24 days ago", StringComparison.Ordinal));
    }

    [Fact]
    public void An_oral_course_ended_yesterday_reads_one_day_ago()
    {
        var r = RecordBuilder.Adult().Attack(-8, 2.0, 3.5).Steroids(-5, mg: 500, route: DoseRoute.Oral).Recommend();
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.StartsWith($"An oral course of 5 days ended {Day(-1):yyyy-MM-dd}, 1 day ago.", StringComparison.Ordinal));
    }
}
