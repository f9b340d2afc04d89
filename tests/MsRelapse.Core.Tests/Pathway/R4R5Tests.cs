using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R4 (severity) and R5 (first line).</summary>
public sealed class R4R5Tests
{
    [Theory]
    [InlineData(2.0, 2.0, AttackSeverity.Mild)] // rise 0
    [InlineData(2.0, 2.5, AttackSeverity.Mild)] // rise 0.5
    [InlineData(2.0, 3.0, AttackSeverity.Moderate)] // rise 1.0
    [InlineData(2.0, 3.5, AttackSeverity.Moderate)] // rise 1.5
    [InlineData(2.0, 4.0, AttackSeverity.Severe)] // rise 2.0
    [InlineData(5.5, 6.0, AttackSeverity.Severe)] // rise 0.5 but newly cannot walk 100 m
    [InlineData(6.5, 7.0, AttackSeverity.Severe)] // newly wheelchair-bound
    [InlineData(6.0, 6.5, AttackSeverity.Mild)] // already ≥ 6.0, under 7.0
    public void Severity_follows_the_EDSS_rise(double baseline, double nadir, AttackSeverity expected)
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, baseline).Edss(-4, nadir).Recommend();
        Assert.Equal(expected, r.Episode.Severity);
    }

    [Fact]
    public void A_mild_grade_at_baseline_6_or_more_notes_that_EDSS_may_under_state_the_attack()
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 6.0).Edss(-4, 6.5).Recommend();
        Assert.Contains(r.Rationale, x => x.Rule == "R4" && x.Text.Contains("under-state", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-730, 2.0)]
    [InlineData(-731, null)]
    public void Baseline_is_the_latest_assessment_before_onset_within_730_days(int offsetFromOnset, double? expected)
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-5 + offsetFromOnset, 2.0).Edss(-4, 3.0).Recommend();
        Assert.Equal(expected, r.Episode.Edss.Baseline);
        Assert.Equal(expected is null ? AttackSeverity.Unknown : AttackSeverity.Moderate, r.Episode.Severity);
    }

    [Theory]
    [InlineData(30, null)] // 30 days after the previous attack's onset: excluded
    [InlineData(31, 2.0)]
    public void Baseline_is_not_taken_within_30_days_after_a_previous_attack(int daysAfterPrevious, double? expected)
    {
        var previous = -200;
        var r = RecordBuilder.Adult().Relapse(previous).Edss(previous + daysAfterPrevious, 2.0).Relapse(-5).Edss(-4, 3.0).Recommend();
        Assert.Equal(expected, r.Episode.Edss.Baseline);
    }

    [Trait("Ruling", "A1")]
    [Fact]
    public void Several_assessments_on_one_date_without_times_use_the_highest_and_say_so()
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).Edss(-4, 3).Edss(-4, 4).Recommend();
        Assert.Equal(4.0, r.Episode.Edss.Nadir);
        Assert.Contains(r.Rationale, x => x.Text.Contains("highest", StringComparison.Ordinal));
    }

    [Fact]
    public void Several_timed_assessments_on_one_date_use_the_later_time()
    {
        var day = RecordBuilder.Day(-4);
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2)
            .EdssAt(new ClinicalTime(day, new TimeOnly(9, 0)), 4.0).EdssAt(new ClinicalTime(day, new TimeOnly(17, 0)), 3.0).Recommend();
        Assert.Equal(3.0, r.Episode.Edss.Latest);
    }

    [Fact]
    public void Recorded_total_differing_from_the_computed_EDSS_uses_the_computed_value_and_flags_it()
    {
        // Pyramidal 3 alone: n3 = 1, n2 = 0 → 3.0; the recorded total says 4.0.
        var fs = new RawFunctionalSystems(0, 0, 3, 0, 0, 0, 0, 0);
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).EdssAt(ClinicalTime.On(RecordBuilder.Day(-4)), 4.0, fs).Recommend();
        Assert.Equal(3.0, r.Episode.Edss.Nadir);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.EdssInconsistent).Severity);
    }

    [Fact]
    public void Unknown_severity_is_treated_as_moderate_with_missing_data()
    {
        var r = RecordBuilder.Adult().Relapse(-5).Recommend();
        Assert.Equal(AttackSeverity.Unknown, r.Episode.Severity);
        Assert.Equal(ActionCode.OralMethylprednisolone, r.Advice.Primary);
        Assert.Contains(MissingItem.EdssBaseline, r.MissingItems());
        Assert.Contains(MissingItem.EdssSinceOnset, r.MissingItems());
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.MissingData).Severity);
    }

    [Fact]
    public void Mild_relapse_is_observed_with_oral_steroids_as_an_alternative()
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).Edss(-4, 2.5).Recommend();
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        var alt = Assert.Single(r.Advice.Alternatives);
        Assert.Equal(ActionCode.OralMethylprednisolone, alt.Action);
        Assert.Contains("daily activities", alt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Moderate_relapse_gets_oral_methylprednisolone_500_mg_for_5_days_soon_with_the_equivalent_noted()
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).Edss(-4, 3).Recommend();
        Assert.Equal(ActionCode.OralMethylprednisolone, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        var plan = r.Plan.Steroids!;
        Assert.Equal(PlannedRoute.Oral, plan.Route);
        Assert.Equal(500, plan.DoseMgPerDay);
        Assert.Equal(2500, plan.TotalDoseMg);
        Assert.Equal(3125, plan.PrednisoneEquivalentMg); // 2,500 × 5/4
        Assert.Contains(plan.Notes, n => n.Contains("1,000 mg/day for 3 days", StringComparison.Ordinal));
        Assert.Null(plan.Taper);
        Assert.Null(plan.Infusion);
    }

    [Theory]
    [InlineData(ConditionKind.Diabetes)]
    [InlineData(ConditionKind.PsychiatricHistory)]
    public void Diabetes_or_psychiatric_history_switches_oral_to_IV_with_a_caution(ConditionKind kind)
    {
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).Edss(-4, 3).Condition(kind, -3000).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Contains(kind == ConditionKind.Diabetes ? FlagCode.SteroidCautionDiabetes : FlagCode.SteroidCautionPsychiatric, r.FlagCodes());
    }

    [Theory]
    [InlineData(-14, false)]
    [InlineData(-15, true)]
    [InlineData(-42, true)]
    public void Late_for_steroids_is_flagged_from_15_days(int onset, bool flagged)
    {
        var r = RecordBuilder.Adult().Relapse(onset).Edss(onset - 100, 2).Edss(onset + 1, 3).Recommend();
        Assert.Equal(flagged, r.FlagCodes().Contains(FlagCode.LateForSteroids));
        Assert.Equal(ActionCode.OralMethylprednisolone, r.Advice.Primary);
    }

    [Theory]
    [InlineData(3.0, Urgency.Soon)]
    [InlineData(4.0, Urgency.Urgent)]
    public void More_than_42_days_after_onset_steroids_become_an_alternative_of_specialist_review(double nadir, Urgency urgency)
    {
        var r = RecordBuilder.Adult().Relapse(-43).Edss(-143, 2).Edss(-42, nadir).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(urgency, r.Advice.Urgency); // a severe attack keeps urgent
        Assert.Contains(r.AlternativeActions(), a => a is ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone);
        Assert.DoesNotContain(FlagCode.LateForSteroids, r.FlagCodes());
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // Audit ruling A43 (docs/pathway.md): no-episode has no severity data.
    [Trait("Ruling", "A43")]
    [Trait("Source", "audit")]
    [Fact]
    public void A_deceased_patient_with_an_attack_and_no_baseline_names_no_missing_edss()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-1, 5).Deceased().Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Equal(AttackSeverity.NotApplicable, r.Episode.Severity);
        Assert.Empty(r.MissingData);
        Assert.DoesNotContain(FlagCode.MissingData, r.FlagCodes());
    }

    // Audit ruling A43 (docs/pathway.md): no-episode has no severity data.
    [Trait("Source", "audit")]
    [Fact]
    public void An_attack_resolved_long_ago_without_any_edss_names_no_missing_edss()
    {
        var r = RecordBuilder.Adult().Relapse(-300, -280).Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.DoesNotContain(MissingItem.EdssBaseline, r.MissingItems());
        Assert.DoesNotContain(MissingItem.EdssSinceOnset, r.MissingItems());
        Assert.DoesNotContain(FlagCode.MissingData, r.FlagCodes());
    }

    // Audit ruling A43 (docs/pathway.md): no-episode has no severity data.
    [Trait("Source", "audit")]
    [Fact]
    public void A_recently_resolved_attack_is_a_relapse_and_still_names_its_missing_baseline()
    {
        // R2.2 within 180 days: status relapse, severity computed (unknown without a baseline) → edss-baseline named.
        var r = RecordBuilder.Adult().Relapse(-30, -10).Edss(-29, 3).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Contains(MissingItem.EdssBaseline, r.MissingItems());
    }

    // Audit ruling A12 (docs/pathway.md): R5 after 42 days, every severity.
    [Trait("Ruling", "A12")]
    [Trait("Source", "audit")]
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

    // Audit ruling A12 (docs/pathway.md): R5 after 42 days, every severity.
    [Trait("Source", "audit")]
    [Fact]
    public void Mild_attack_42_days_after_onset_is_still_observed_and_late_for_steroids()
    {
        var r = RecordBuilder.Adult().Attack(-42, 2.0, 2.5).Recommend();
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Equal(Urgency.Routine, r.Advice.Urgency);
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.LateForSteroids).Severity);
    }

    // Audit ruling A12 (docs/pathway.md): R5 after 42 days, every severity.
    [Trait("Source", "audit")]
    [Fact]
    public void Mild_attack_in_a_diabetic_after_42_days_keeps_the_iv_steroid_as_the_alternative()
    {
        var r = RecordBuilder.Adult().Condition(ConditionKind.Diabetes, -3000).Attack(-50, 2.0, 2.5).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Equal([ActionCode.IvMethylprednisolone], r.AlternativeActions());
    }

    // Audit ruling A12 (docs/pathway.md): R5 after 42 days, every severity.
    [Trait("Source", "audit")]
    [Fact]
    public void Severe_attack_after_42_days_keeps_urgent_review()
    {
        var r = RecordBuilder.Adult().Attack(-50, 2.0, 4.5).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal(ActionCode.IvMethylprednisolone, r.AlternativeActions().First());
    }
}
