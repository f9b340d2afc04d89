using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R7: apheresis given since onset governs. Onset −40, baseline 2.0, nadir 6.0, IV course −38..−34.</summary>
public sealed class R7ApheresisTests
{
    private static RecordBuilder Refractory() =>
        RecordBuilder.Adult(Sex.Male).Relapse(-40).Edss(-140, 2).Edss(-39, 6).Steroids(-38).Body(82, 181, 44);

    [Fact]
    public void Fewer_than_5_sessions_the_last_within_3_days_continues_the_course_with_the_remaining_sessions_planned()
    {
        // Sessions −6, −4, −2 (3 given); remaining 2 from asOf + 1 (= last + 3 ≥ last + 2).
        var r = Refractory().Sessions(-6, 3).Recommend();
        Assert.Equal(TreatmentStage.ApheresisInProgress, r.Episode.TreatmentStage);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency); // severe
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse); // apheresis followed a steroid course
        Assert.Equal(ResponseStatus.NotApplicable, r.Episode.ApheresisResponse);
        var schedule = r.Plan.PlasmaExchange!.Schedule;
        Assert.Equal([true, true, true, false, false], schedule.Select(s => s.Done));
        Assert.Equal(RecordBuilder.Day(1), schedule[3].Date);
        Assert.Equal(RecordBuilder.Day(3), schedule[4].Date);
        Assert.Equal(RecordBuilder.Day(3), r.Advice.ReassessOn); // last planned session
    }

    [Fact]
    public void Immunoadsorption_in_progress_continues_as_immunoadsorption()
    {
        var r = Refractory().Sessions(-3, 2, ApheresisKind.Immunoadsorption).Recommend();
        Assert.Equal(ActionCode.Immunoadsorption, r.Advice.Primary);
        Assert.NotNull(r.Plan.Immunoadsorption);
        Assert.Equal(2, r.Plan.Immunoadsorption!.Schedule.Count(s => s.Done));
    }

    [Fact]
    public void A_course_interrupted_for_more_than_3_days_gets_specialist_review()
    {
        var r = Refractory().Sessions(-10, 3).Recommend(); // last session −6
        Assert.Equal(TreatmentStage.ApheresisInProgress, r.Episode.TreatmentStage);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Contains(r.Rationale, x => x.Rule == "R7.2" && x.Text.Contains("3 session", StringComparison.Ordinal));
    }

    [Fact]
    public void Completed_course_without_EDSS_since_needs_an_assessment_now()
    {
        var r = Refractory().Sessions(-12, 5).Recommend();
        Assert.Equal(TreatmentStage.ApheresisCompleted, r.Episode.TreatmentStage);
        Assert.Equal(ResponseStatus.Unknown, r.Episode.ApheresisResponse);
        Assert.Equal(ActionCode.AwaitResponse, r.Advice.Primary);
        Assert.Contains(MissingItem.EdssAfterApheresis, r.MissingItems());
        Assert.Equal(RecordBuilder.AsOf, r.Advice.ReassessOn);
    }

    [Fact]
    public void Completed_course_with_a_response_moves_to_rehabilitation()
    {
        var r = Refractory().Sessions(-12, 5).Edss(-1, 3.5).Recommend();
        Assert.Equal(ResponseStatus.Responded, r.Episode.ApheresisResponse);
        Assert.Equal(ActionCode.Rehabilitation, r.Advice.Primary);
        Assert.Equal(RecoveryClass.Partial, r.Episode.RecoveryClass);
    }

    [Theory]
    [InlineData(-27, ResponseStatus.TooEarly, ActionCode.AwaitResponse)]
    [InlineData(-28, ResponseStatus.Inadequate, ActionCode.SpecialistReview)]
    public void No_response_is_too_early_until_28_days_after_the_last_session(int lastSession, ResponseStatus expected, ActionCode primary)
    {
        var r = Refractory().Sessions(lastSession - 8, 5).Edss(-1, 6).Recommend();
        Assert.Equal(expected, r.Episode.ApheresisResponse);
        Assert.Equal(primary, r.Advice.Primary);
        if (expected == ResponseStatus.TooEarly)
        {
            Assert.Equal(RecordBuilder.Day(lastSession + 28), r.Advice.ReassessOn);
        }
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // Audit ruling A17 (docs/pathway.md): R7 sessions count together.
    [Trait("Ruling", "A17")]
    [Trait("Source", "audit")]
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
        Assert.Equal([RecordBuilder.Day(1), RecordBuilder.Day(3)], plan.Schedule.Where(s => !s.Done).Select(s => s.Date));
        Assert.Equal(RecordBuilder.Day(1), plan.StartDate);
        Assert.Equal(RecordBuilder.Day(3), r.Advice.ReassessOn);
        Assert.Contains(r.Rationale, x => x.Text.Contains("count together: 3 given, 2 remaining (5 in all).", StringComparison.Ordinal));
    }

    // Audit ruling A17 (docs/pathway.md): R7 sessions count together.
    [Trait("Source", "audit")]
    [Fact]
    public void One_session_left_is_said_in_the_singular()
    {
        // Four exchanges on −7, −5, −3, −1: 5 − 4 = 1 remaining, on Day 1 (= reassessOn).
        var r = RecordBuilder.Adult().Body().Attack(-10, 2.0, 3.5).Sessions(-7, 4).Recommend();
        Assert.Equal([RecordBuilder.Day(1)], r.Plan.PlasmaExchange!.Schedule.Where(s => !s.Done).Select(s => s.Date));
        Assert.Equal(RecordBuilder.Day(1), r.Advice.ReassessOn);
        Assert.Contains(r.Rationale, x => x.Rule == "R7.1" && x.Text.Contains("the 1 remaining session.", StringComparison.Ordinal));
    }

    // Audit ruling A17 (docs/pathway.md): R7 sessions count together.
    [Trait("Source", "audit")]
    [Fact]
    public void Hypotension_during_a_course_keeps_only_the_remaining_exchanges_as_the_alternative_plan()
    {
        // Three exchanges given (−5, −3, −1), systolic 80 mmHg today → R8.3 item 1: specialist review, emergency;
        // plasma exchange an alternative whose plan still counts the 3 given: 2 remaining (Day 1, Day 3).
        var r = RecordBuilder.Adult().Body().Attack(-10, 2.0, 3.5).Sessions(-5, 3).Measure(MeasurementKind.SystolicMmHg, 0, 80).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
        Assert.Contains(ActionCode.PlasmaExchange, r.AlternativeActions());
        Assert.Equal([RecordBuilder.Day(1), RecordBuilder.Day(3)], r.Plan.PlasmaExchange!.Schedule.Where(s => !s.Done).Select(s => s.Date));
    }

    // Audit ruling A17 (docs/pathway.md): R7 sessions count together.
    [Trait("Source", "audit")]
    [Fact]
    public void Without_sessions_since_onset_a_full_course_of_five_exchanges_is_planned()
    {
        // No session since onset: R7 does not govern; R6.4 after a failed IV course plans 5 new exchanges from Day 1.
        var r = RecordBuilder.Adult().Body().Attack(-30, 2.0, 4.5).Steroids(-28).Edss(-2, 4.5).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal([RecordBuilder.Day(1), RecordBuilder.Day(3), RecordBuilder.Day(5), RecordBuilder.Day(7), RecordBuilder.Day(9)], r.Plan.PlasmaExchange!.Schedule.Select(s => s.Date));
        Assert.DoesNotContain(r.Plan.PlasmaExchange.Schedule, s => s.Done);
    }

    // Audit ruling A16 (docs/pathway.md): R7.3 as R6.3 without a baseline.
    [Trait("Ruling", "A16")]
    [Trait("Source", "audit")]
    [Fact]
    public void Completed_apheresis_without_baseline_and_half_a_point_better_is_unknown_and_reviewed()
    {
        // No baseline; nadir 4.5 (day −29); 5 exchanges −20..−12; EDSS 4.0 on −1 → improvement 0.5 < 1.0 → unknown.
        var r = RecordBuilder.Adult().Body().Relapse(-30).Edss(-29, 4.5).Sessions(-20, 5).Edss(-1, 4.0).Recommend();
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

    // Audit ruling A16 (docs/pathway.md): R7.3 as R6.3 without a baseline.
    [Trait("Source", "audit")]
    [Fact]
    public void Completed_apheresis_without_baseline_and_a_full_point_better_responded()
    {
        // 4.5 → 3.5: improvement 1.0 ≥ 1.0 → responded; no baseline to be above → observe.
        var r = RecordBuilder.Adult().Body().Relapse(-30).Edss(-29, 4.5).Sessions(-20, 5).Edss(-1, 3.5).Recommend();
        Assert.Equal(ResponseStatus.Responded, r.Episode.ApheresisResponse);
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
    }
}
