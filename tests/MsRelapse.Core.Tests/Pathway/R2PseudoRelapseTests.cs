using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R2.3: fever or infection around the onset and still current.</summary>
public sealed class R2PseudoRelapseTests
{
    private static RecordBuilder Moderate(int onset = -5) => RecordBuilder.Adult().Relapse(onset).Edss(onset - 100, 2).Edss(onset + 1, 3);

    [Trait("Ruling", "A9")]
    [Theory]
    [InlineData(-3, true)] // in the last 3 days
    [InlineData(-4, false)] // settled
    public void Fever_counts_while_measured_in_the_last_3_days(int feverDay, bool pseudo)
    {
        var r = Moderate().Temperature(feverDay, 38.5).Recommend();
        Assert.Equal(pseudo ? EpisodeStatus.PseudoRelapseSuspected : EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(pseudo ? FlagSeverity.Warning : FlagSeverity.Info, r.Flag(FlagCode.Fever).Severity);
    }

    [Theory]
    [InlineData(37.9, false)]
    [InlineData(38.0, true)]
    public void Fever_is_a_temperature_of_at_least_38_degrees(double celsius, bool pseudo)
    {
        var r = Moderate().Temperature(-3, celsius).Recommend(); // onset −5: the window runs to onset + 3 = day −2
        Assert.Equal(pseudo, r.Episode.Status == EpisodeStatus.PseudoRelapseSuspected);
    }

    [Theory]
    [InlineData(-19, false)] // onset −5: window opens at −19 … but −19 is 14 days before onset: in the window, yet not current (> 14 days)
    [InlineData(-14, true)]
    public void An_infection_counts_from_14_days_before_onset_while_current(int infectionOnset, bool pseudo)
    {
        var r = Moderate().Infection(infectionOnset).Recommend();
        Assert.Equal(pseudo, r.Episode.Status == EpisodeStatus.PseudoRelapseSuspected);
    }

    [Fact]
    public void An_infection_more_than_14_days_before_onset_is_outside_the_window()
    {
        var r = Moderate(-2).Infection(-17).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
    }

    [Fact]
    public void An_abated_infection_is_kept_as_an_info_flag()
    {
        var r = Moderate().Infection(-6, abatement: -1).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(FlagSeverity.Info, r.Flag(FlagCode.Infection).Severity);
    }

    [Fact]
    public void A_positive_urine_nitrite_in_the_last_7_days_raises_infection()
    {
        var r = Moderate().Finding(FindingKind.UrineNitrite, -7).Recommend();
        Assert.Equal(EpisodeStatus.PseudoRelapseSuspected, r.Episode.Status);
        Assert.Contains(FlagCode.Infection, r.FlagCodes());
        Assert.Equal(EpisodeStatus.Relapse, Moderate(-6).Finding(FindingKind.UrineNitrite, -8).Recommend().Episode.Status);
    }

    [Trait("Ruling", "A33")]
    [Fact]
    public void Sepsis_is_an_emergency_with_critical_flags()
    {
        var r = Moderate().Infection(-3, sepsis: true).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
        Assert.Equal(FlagSeverity.Critical, r.Flag(FlagCode.Infection).Severity);
    }

    [Fact]
    public void A_severe_pseudo_relapse_adds_specialist_review_urgently_and_reassessment_tomorrow()
    {
        var r = RecordBuilder.Adult().Relapse(-2).Edss(-100, 1.5).Edss(-1, 4.5).Temperature(0, 39).Recommend();
        Assert.Equal(EpisodeStatus.PseudoRelapseSuspected, r.Episode.Status);
        Assert.Equal(AttackSeverity.Severe, r.Episode.Severity);
        Assert.Contains(ActionCode.SpecialistReview, r.Advice.Concurrent);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal(RecordBuilder.Day(1), r.Advice.ReassessOn);
    }

    [Trait("Ruling", "A26")]
    [Fact]
    public void An_infection_without_a_date_raises_a_warning_and_missing_data_not_pseudo_relapse()
    {
        var r = Moderate().Infection(null).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.Infection).Severity);
        Assert.Contains(MissingItem.InfectionDate, r.MissingItems());
    }

    [Fact]
    public void A_fever_condition_is_dated_by_its_onset()
    {
        var r = Moderate().Condition(ConditionKind.Fever, -2).Recommend();
        Assert.Equal(EpisodeStatus.PseudoRelapseSuspected, r.Episode.Status);
    }
}
