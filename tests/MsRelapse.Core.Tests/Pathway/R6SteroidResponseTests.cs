using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R6: response to a steroid course since onset. Onset day −30, course days −28..−24 (end −24) unless stated.</summary>
public sealed class R6SteroidResponseTests
{
    private static RecordBuilder Treated(double baseline, double nadir, DoseRoute route = DoseRoute.Intravenous, int courseStart = -28, int onset = -30) =>
        RecordBuilder.Adult().Relapse(onset).Edss(onset - 100, baseline).Edss(onset + 1, nadir).Steroids(courseStart, 5, route == DoseRoute.Oral ? 500 : 1000, route);

    [Fact]
    public void Fewer_than_7_days_after_the_course_is_too_early()
    {
        var expected = ResponseStatus.TooEarly;
        // Course −10..−6, end −6: 6 days ago.
        var r = RecordBuilder.Adult().Relapse(-12).Edss(-100, 2).Edss(-11, 4).Steroids(-10).Recommend();
        Assert.Equal(expected, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.AwaitResponse, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        Assert.Equal(RecordBuilder.Day(-6 + 10), r.Advice.ReassessOn); // course end + 10 days
    }

    [Fact]
    public void Seven_days_after_the_course_the_response_is_judged()
    {
        // Course −11..−7, end −7: exactly 7 days ago; no EDSS since → unknown, assess now.
        var r = RecordBuilder.Adult().Relapse(-13).Edss(-100, 2).Edss(-12, 4).Steroids(-11).Recommend();
        Assert.Equal(ResponseStatus.Unknown, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.AwaitResponse, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Equal(RecordBuilder.AsOf, r.Advice.ReassessOn);
        Assert.Contains(MissingItem.EdssAfterSteroids, r.MissingItems());
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.MissingData).Severity); // it blocks a response judgement
    }

    [Fact]
    public void Worsening_by_half_a_point_soon_after_the_course_in_a_severe_attack_escalates_now()
    {
        var r = RecordBuilder.Adult().Relapse(-12).Edss(-100, 2).Edss(-11, 4).Steroids(-10).Edss(-6, 4).Edss(-1, 4.5).Recommend();
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
    }

    [Fact]
    public void Worsening_soon_after_the_course_in_an_attack_that_is_not_severe_gets_specialist_review()
    {
        var r = RecordBuilder.Adult().Relapse(-12).Edss(-100, 2).Edss(-11, 3).Steroids(-10).Edss(-1, 3.5).Recommend();
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
    }

    [Theory]
    [InlineData(2.5)] // ≤ baseline + 0.5
    [InlineData(4.0)] // improved 2.0 from 6.0: ≥ 1.0 and ≥ half the rise of 4.0
    public void Responded_when_back_within_half_a_point_of_baseline_or_improved_by_half_the_rise(double latest)
    {
        var r = Treated(2.0, 6.0).Edss(-2, latest).Recommend();
        Assert.Equal(ResponseStatus.Responded, r.Episode.SteroidResponse);
        Assert.Equal(latest > 2.0 ? ActionCode.Rehabilitation : ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
    }

    [Fact]
    public void Improvement_of_1_point_that_is_less_than_half_the_rise_is_inadequate()
    {
        // Rise 6.5 − 2.0 = 4.5; improvement 1.0 < 2.25.
        var r = Treated(2.0, 6.5).Edss(-2, 5.5).Recommend();
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
    }

    [Fact]
    public void Inadequate_response_to_an_oral_course_in_a_moderate_attack_gets_IV_steroids()
    {
        var r = Treated(2.0, 3.0, DoseRoute.Oral).Edss(-2, 3.0).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Equal([ActionCode.PlasmaExchange, ActionCode.Immunoadsorption], r.AlternativeActions());
        Assert.Contains(ActionCode.OralMethylprednisolone, r.NotRecommendedActions());
        Assert.Contains(ActionCode.SymptomaticTherapy, r.NotRecommendedActions());
    }

    [Fact]
    public void Inadequate_response_to_an_IV_course_in_a_moderate_attack_gets_plasma_exchange_soon_with_the_MENACTRIMS_caveat()
    {
        var r = Treated(2.0, 3.0).Edss(-2, 3.0).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Contains(r.Rationale, x => x.Text.Contains("MENACTRIMS", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_baseline_too_little_improvement_is_unknown_with_specialist_review_and_plasma_exchange_as_alternative()
    {
        var r = RecordBuilder.Adult().Relapse(-30).Edss(-29, 5).Steroids(-28).Edss(-2, 4.5).Recommend();
        Assert.Equal(ResponseStatus.Unknown, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Contains(ActionCode.PlasmaExchange, r.AlternativeActions());
        Assert.Contains(MissingItem.EdssBaseline, r.MissingItems());
    }

    [Fact]
    public void Without_baseline_an_improvement_of_1_point_is_a_response()
    {
        var r = RecordBuilder.Adult().Relapse(-30).Edss(-29, 5).Steroids(-28).Edss(-2, 4).Recommend();
        Assert.Equal(ResponseStatus.Responded, r.Episode.SteroidResponse);
    }

    [Theory]
    [InlineData(-42, false)]
    [InlineData(-43, true)]
    public void Apheresis_chosen_more_than_42_days_after_onset_is_flagged_delayed(int onset, bool delayed)
    {
        var r = Treated(2.0, 6.0, onset: onset, courseStart: onset + 2).Edss(-1, 6.0).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(delayed, r.FlagCodes().Contains(FlagCode.ApheresisDelayed));
    }

    [Fact]
    public void Apheresis_chosen_more_than_90_days_after_onset_is_demoted_to_specialist_review()
    {
        var r = Treated(2.0, 6.0, onset: -91, courseStart: -89).Edss(-1, 6.0).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency); // severe keeps urgent
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Alternatives[0].Action);
    }

    [Fact]
    public void Doses_at_most_2_days_apart_are_one_course_and_lower_doses_are_not_treatment()
    {
        // 1,000 mg on −20 and −18 (2 days apart: one course); 32 mg maintenance on −10 does not count.
        var r = RecordBuilder.Adult().Relapse(-22).Edss(-100, 2).Edss(-21, 4)
            .Steroids(-20, 1).Steroids(-18, 1).Steroids(-10, 1, 32, DoseRoute.Oral).Edss(-2, 4).Recommend();
        Assert.Equal(TreatmentStage.SteroidsGiven, r.Episode.TreatmentStage);
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Contains(r.Rationale, x => x.Text.Contains("below relapse-treatment doses", StringComparison.Ordinal));
    }

    [Fact]
    public void Prednisone_below_625_mg_is_not_a_course()
    {
        var r = RecordBuilder.Adult().Relapse(-20).Edss(-100, 2).Edss(-19, 3).Steroids(-18, 5, 600, DoseRoute.Oral, SteroidDrug.Prednisone).Recommend();
        Assert.Equal(TreatmentStage.Untreated, r.Episode.TreatmentStage);
        var s = RecordBuilder.Adult().Relapse(-20).Edss(-100, 2).Edss(-19, 3).Steroids(-18, 5, 625, DoseRoute.Oral, SteroidDrug.Prednisone).Recommend();
        Assert.Equal(TreatmentStage.SteroidsGiven, s.Episode.TreatmentStage);
    }

    [Fact]
    public void A_course_ending_before_onset_does_not_count_for_the_attack()
    {
        var r = RecordBuilder.Adult().Relapse(-10).Edss(-100, 2).Edss(-9, 3).Steroids(-60).Recommend();
        Assert.Equal(TreatmentStage.Untreated, r.Episode.TreatmentStage);
    }

    [Fact]
    public void Two_courses_in_the_year_before_onset_are_flagged_frequent()
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).Edss(-4, 3).Steroids(-300).Steroids(-150).Recommend();
        Assert.Contains(FlagCode.FrequentSteroidCourses, r.FlagCodes());
    }
}
