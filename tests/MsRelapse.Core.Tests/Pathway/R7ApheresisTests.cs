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
}
