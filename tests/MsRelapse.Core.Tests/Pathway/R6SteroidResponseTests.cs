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
        Assert.Equal("R6.1", r.Advice.PrimaryRule); // worsening within the early window after the course
    }

    [Trait("Ruling", "A14")]
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

    // A47: R6.4 "not recommended: oral-methylprednisolone (repeating a failed course)": the reason names the route of the
    // course that failed, and no route when none was recorded (A4 reads it as oral for the branch, but does not assert it).
    [Trait("Ruling", "A47")]
    [Theory]
    [InlineData(DoseRoute.Intravenous, 3.0, "Repeating a failed IV course.")]
    [InlineData(DoseRoute.Intravenous, 6.0, "Repeating a failed IV course.")]
    [InlineData(DoseRoute.Oral, 3.0, "Repeating a failed oral course.")]
    [InlineData(DoseRoute.Oral, 6.0, "Repeating a failed oral course.")]
    [InlineData(DoseRoute.Unknown, 3.0, "Repeating a failed course.")]
    public void Oral_steroids_after_a_failed_course_are_not_recommended_with_the_route_that_failed(DoseRoute route, double nadir, string reason)
    {
        var r = Treated(2.0, nadir, route).Edss(-2, nadir).Recommend();
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        var oral = Assert.Single(r.Advice.NotRecommended, a => a.Action == ActionCode.OralMethylprednisolone);
        Assert.Equal(reason, oral.Reason);
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

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // Audit ruling A34 (docs/pathway.md): R6.5 and NMOSD.
    [Trait("Ruling", "A34")]
    [Trait("Source", "audit")]
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

    // Audit ruling A34 (docs/pathway.md): R6.5 and NMOSD.
    [Trait("Source", "audit")]
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

    // Audit ruling A34 (docs/pathway.md): R6.5 and NMOSD.
    [Trait("Source", "audit")]
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

    // Audit ruling A4, A5 (docs/pathway.md): the assumptions are said.
    [Trait("Ruling", "A4")]
    [Trait("Source", "audit")]
    [Fact]
    public void A_course_without_a_route_is_read_as_oral_and_the_rationale_says_so()
    {
        var r = RecordBuilder.Adult().Attack(-30, 2.0, 3.5).Steroids(-28, route: DoseRoute.Unknown).Edss(-2, 3.5).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary); // R6.4 oral branch, not severe
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.Contains("route not recorded: read as oral", StringComparison.Ordinal));
    }

    // Audit ruling A4, A5 (docs/pathway.md): the assumptions are said.
    [Trait("Ruling", "A5")]
    [Trait("Source", "audit")]
    [Fact]
    public void A_dose_without_an_amount_is_not_counted_and_the_rationale_names_its_date()
    {
        // The only dose since onset has no amount: no course → R5 moderate → oral steroid; R6 says why.
        var r = RecordBuilder.Adult().Attack(-6, 2.0, 3.5)
            .With(x => x with { SteroidDoses = x.SteroidDoses.Add(new SteroidDose(SteroidDrug.Methylprednisolone, RecordBuilder.Day(-3), null, DoseRoute.Intravenous, false, new SourceRef("MedicationAdministration/m1"))) })
            .Recommend();
        Assert.Equal(TreatmentStage.Untreated, r.Episode.TreatmentStage);
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.Contains($"methylprednisolone dose without an amount on {RecordBuilder.Day(-3):yyyy-MM-dd} was not counted as relapse treatment", StringComparison.Ordinal));
    }

    // Audit ruling A44 (docs/pathway.md): articles and plurals.
    [Trait("Ruling", "A44")]
    [Trait("Source", "audit")]
    [Fact]
    public void An_iv_course_is_written_with_an_and_days_in_the_plural()
    {
        var r = RecordBuilder.Adult().Attack(-30, 2.0, 4.5).Steroids(-28).Edss(-2, 4.5).Recommend();
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.StartsWith($"An IV course of 5 days ended {RecordBuilder.Day(-24):yyyy-MM-dd}, 24 days ago", StringComparison.Ordinal));
    }

    // Audit ruling A44 (docs/pathway.md): articles and plurals.
    [Trait("Source", "audit")]
    [Fact]
    public void An_oral_course_ended_yesterday_reads_one_day_ago()
    {
        var r = RecordBuilder.Adult().Attack(-8, 2.0, 3.5).Steroids(-5, mg: 500, route: DoseRoute.Oral).Recommend();
        Assert.Contains(r.Rationale, x => x.Rule == "R6" && x.Text.StartsWith($"An oral course of 5 days ended {RecordBuilder.Day(-1):yyyy-MM-dd}, 1 day ago.", StringComparison.Ordinal));
    }

    // A6: a day qualifies when one dose reaches the threshold; doses of one day are not summed (an order and an
    // administration of the same dose would double count): two 300 mg doses a day are no course, one 500 mg dose is.
    [Trait("Ruling", "A6")]
    [Fact]
    public void Two_doses_of_300_mg_on_one_day_are_not_summed_into_a_course()
    {
        var split = RecordBuilder.Adult().Attack(-8, 2.0, 3.5).Steroids(-6, mg: 300).Steroids(-6, mg: 300).Recommend();
        Assert.Equal(TreatmentStage.Untreated, split.Episode.TreatmentStage);
        var whole = RecordBuilder.Adult().Attack(-8, 2.0, 3.5).Steroids(-6, mg: 500).Recommend();
        Assert.Equal(TreatmentStage.SteroidsGiven, whole.Episode.TreatmentStage);
    }
}
