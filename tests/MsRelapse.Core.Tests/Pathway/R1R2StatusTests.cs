using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R1 (the attack) and R2 (is it a relapse?).</summary>
public sealed class R1R2StatusTests
{
    [Fact]
    public void No_relapse_record_means_no_episode_observe_routine()
    {
        var r = RecordBuilder.Adult().Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        Assert.Equal(AttackSeverity.NotApplicable, r.Episode.Severity);
    }

    [Fact]
    public void A_deceased_patient_gets_no_episode_and_no_treatment()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 1).Edss(-1, 5).Deceased().Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Null(r.Plan.Steroids);
    }

    [Fact]
    public void A_relapse_record_without_onset_is_ignored_and_named_in_missing_data()
    {
        var r = RecordBuilder.Adult().RelapseAt(null).Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Contains(MissingItem.RelapseOnset, r.MissingItems());
    }

    [Theory]
    [InlineData(29, true)]
    [InlineData(30, false)]
    public void Records_less_than_30_days_apart_form_one_attack(int gap, bool chained)
    {
        var r = RecordBuilder.Adult().Relapse(-10 - gap).Relapse(-10).Edss(-200, 2).Edss(-9, 3).Recommend();
        Assert.Equal(chained, r.FlagCodes().Contains(FlagCode.WithinThirtyDaysOfPreviousAttack));
        Assert.Equal(RecordBuilder.Day(chained ? -10 - gap : -10), r.Episode.Onset);
    }

    [Fact]
    public void Only_a_transient_record_within_30_days_is_not_a_relapse()
    {
        var r = RecordBuilder.Adult().RelapseAt(new ClinicalTime(RecordBuilder.Day(-5), new TimeOnly(8, 0)), new ClinicalTime(RecordBuilder.Day(-4), new TimeOnly(7, 59))).Recommend();
        Assert.Equal(EpisodeStatus.NotARelapse, r.Episode.Status);
        Assert.Contains(FlagCode.TransientUnder24Hours, r.FlagCodes());
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(AttackSeverity.NotApplicable, r.Episode.Severity);
    }

    [Fact]
    public void Exactly_24_hours_is_not_transient()
    {
        var r = RecordBuilder.Adult().RelapseAt(new ClinicalTime(RecordBuilder.Day(-5), new TimeOnly(8, 0)), new ClinicalTime(RecordBuilder.Day(-4), new TimeOnly(8, 0))).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status); // resolved ≥ 24 h → R2.2
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Contains(FlagCode.DmtReview, r.FlagCodes());
    }

    [Fact]
    public void A_transient_record_older_than_30_days_is_no_episode()
    {
        var r = RecordBuilder.Adult().Relapse(-31, abatement: -31).Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
    }

    [Fact]
    public void A_transient_record_after_an_attack_adds_an_info_flag_and_the_attack_is_evaluated()
    {
        var r = RecordBuilder.Adult().Relapse(-10).Edss(-100, 2).Edss(-9, 3).Relapse(-2, abatement: -2).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(RecordBuilder.Day(-10), r.Episode.Onset);
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.TransientUnder24Hours).Severity);
    }

    [Theory]
    [InlineData(-180, EpisodeStatus.Relapse)]
    [InlineData(-181, EpisodeStatus.NoEpisode)]
    public void A_resolved_attack_is_no_episode_after_180_days(int abated, EpisodeStatus expected)
    {
        var r = RecordBuilder.Adult().Relapse(-200, abatement: abated).Recommend();
        Assert.Equal(expected, r.Episode.Status);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
    }

    [Fact]
    public void A_recently_resolved_attack_above_baseline_gets_rehabilitation_and_dmt_review()
    {
        var r = RecordBuilder.Adult().Relapse(-40, abatement: -10).Edss(-100, 2).Edss(-35, 4).Edss(-5, 3).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(ActionCode.Rehabilitation, r.Advice.Primary);
        Assert.Contains(FlagCode.DmtReview, r.FlagCodes());
        Assert.Null(r.Plan.Steroids);
        Assert.Null(r.Plan.PlasmaExchange);
    }

    [Fact]
    public void Onset_today_is_unconfirmed_and_reassessed_tomorrow()
    {
        var r = RecordBuilder.Adult().Relapse(0).Edss(-100, 2).Edss(0, 3).Recommend();
        Assert.Equal(EpisodeStatus.Unconfirmed, r.Episode.Status);
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        Assert.Equal(RecordBuilder.Day(1), r.Advice.ReassessOn);
    }

    [Fact]
    public void Onset_today_with_a_severe_deficit_needs_same_day_specialist_review()
    {
        var r = RecordBuilder.Adult().Relapse(0).Edss(-100, 2).Edss(0, 6.5).Recommend();
        Assert.Equal(EpisodeStatus.Unconfirmed, r.Episode.Status);
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
    }

    [Theory]
    [InlineData(-90, EpisodeStatus.Relapse)]
    [InlineData(-91, EpisodeStatus.PossibleProgression)]
    public void Untreated_symptoms_for_more_than_90_days_are_possible_progression(int onset, EpisodeStatus expected)
    {
        var r = RecordBuilder.Adult().Relapse(onset).Edss(onset - 100, 2).Edss(onset + 1, 3).Recommend();
        Assert.Equal(expected, r.Episode.Status);
        if (expected == EpisodeStatus.PossibleProgression)
        {
            Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
            Assert.Equal(Urgency.Soon, r.Advice.Urgency);
            Assert.Contains(ActionCode.PlasmaExchange, r.NotRecommendedActions());
            Assert.Contains(ActionCode.OralMethylprednisolone, r.NotRecommendedActions());
            Assert.Contains(r.Advice.NotRecommended, x => x.Action == ActionCode.IvMethylprednisolone && x.Reason.Contains("except after specialist review", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void NMOSD_is_never_possible_progression()
    {
        var r = RecordBuilder.Adult().Relapse(-120).Edss(-300, 2).Edss(-119, 3).Finding(FindingKind.Aqp4IgG, -500).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        // 2026.2 R3.1: more than 90 days after onset an untreated NMOSD attack is a specialist decision.
        Assert.Equal((ActionCode.SpecialistReview, Urgency.Urgent), (r.Advice.Primary, r.Advice.Urgency));
        Assert.Contains(FlagCode.ApheresisDelayed, r.FlagCodes());
    }

    [Fact]
    public void A_progressive_course_adds_an_info_flag_whatever_the_status()
    {
        var r = RecordBuilder.Adult().Ms(MsCourse.SecondaryProgressive).Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.ProgressiveCourse).Severity);
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // Audit ruling A8 (docs/pathway.md): R2.5.
    [Trait("Ruling", "A8")]
    [Trait("Source", "audit")]
    [Fact]
    public void Possible_progression_lists_plasma_exchange_and_the_steroids_as_not_recommended_and_nothing_else()
    {
        var r = RecordBuilder.Adult().Attack(-100, 2.0, 3.0).Recommend();
        Assert.Equal(EpisodeStatus.PossibleProgression, r.Episode.Status);
        Assert.Equal([ActionCode.PlasmaExchange, ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone], r.NotRecommendedActions());
    }
}
