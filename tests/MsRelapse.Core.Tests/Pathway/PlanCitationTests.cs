using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>
/// clinical.md intro: "every rule has an id and every statement of evidence an id: the output cites both". Each
/// plan cites the sources of its regimen or formulas (in the plan, in the rationale under the rule that chose the
/// treatment, and in the evidence list), and R9 explains itself whenever it changes or annotates the result.
/// </summary>
public sealed class PlanCitationTests
{
    private static RecordBuilder RefractorySevere() =>
        RecordBuilder.Adult(Sex.Male).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Body(82, 181, 44);

    private static IEnumerable<string> Cited(Recommendation r) => r.Evidence.Select(e => e.Id);

    [Trait("Ruling", "A39")]
    [Fact]
    public void Plasma_exchange_plan_cites_nadler_kaplan_asfa_and_reverberi_under_the_rule_that_chose_it()
    {
        var r = RefractorySevere().Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        string[] formulas = ["E-ASFA-2023", "E-KAPLAN-1990", "E-NADLER-1962", "E-REVERBERI-2007"];
        Assert.Equal(formulas, r.Plan.PlasmaExchange!.Evidence.ToArray());
        var entry = Assert.Single(r.Rationale, x => x.Text.StartsWith("Plasma exchange plan", StringComparison.Ordinal));
        Assert.Equal("R6.4", entry.Rule);
        Assert.Equal(formulas, entry.Evidence.ToArray());
        Assert.Superset(formulas.ToHashSet(), Cited(r).ToHashSet());
    }

    [Fact]
    public void Immunoadsorption_alternative_plan_cites_the_ulm_trial()
    {
        var r = RefractorySevere().Recommend();
        Assert.Contains(ActionCode.Immunoadsorption, r.AlternativeActions());
        Assert.Equal(["E-IA-DORST-2019"], r.Plan.Immunoadsorption!.Evidence.ToArray());
        Assert.Contains(r.Rationale, x => x.Rule == "R6.4" && x.Text.StartsWith("Immunoadsorption plan", StringComparison.Ordinal) && x.Evidence.Contains("E-IA-DORST-2019"));
        Assert.Contains("E-IA-DORST-2019", Cited(r));
    }

    [Fact]
    public void Plasma_exchange_plan_without_body_data_still_cites_its_formulas()
    {
        var r = RecordBuilder.Adult(Sex.Male).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Recommend();
        Assert.Null(r.Plan.PlasmaExchange!.TotalBloodVolumeMl);
        Assert.Contains(r.Rationale, x => x.Text.StartsWith("Plasma exchange plan: volumes not computed", StringComparison.Ordinal) && x.Evidence.Contains("E-NADLER-1962"));
    }

    // R5 moderate: oral methylprednisolone 500 mg/day × 5 (E-NICE-2022), 1,000 mg × 3 equivalent (E-COPOUSEP-2015).
    [Fact]
    public void Oral_steroid_plan_cites_nice_and_the_copousep_equivalent_under_R5()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 3).Recommend();
        Assert.Equal(ActionCode.OralMethylprednisolone, r.Advice.Primary);
        Assert.Equal(["E-COPOUSEP-2015", "E-NICE-2022"], r.Plan.Steroids!.Evidence.ToArray());
        var entry = Assert.Single(r.Rationale, x => x.Text.StartsWith("Steroid plan", StringComparison.Ordinal));
        Assert.Equal("R5", entry.Rule);
        Assert.Contains("500 mg/day for 5 days", entry.Text, StringComparison.Ordinal);
        Assert.Contains("E-COPOUSEP-2015", Cited(r));
    }

    [Fact]
    public void IV_steroid_plan_for_a_severe_attack_cites_nice()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 1.5).Edss(-2, 4).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Equal(["E-NICE-2022"], r.Plan.Steroids!.Evidence.ToArray());
        Assert.Contains(r.Rationale, x => x.Rule == "R5" && x.Text.Contains("1,000 mg/day for 5 days", StringComparison.Ordinal));
    }

    // R9: 14-year-old, 31.7 kg × 30 = 951 → 950 mg/day (rounded down to 10 mg).
    [Fact]
    public void Child_steroid_plan_is_explained_by_R9_with_the_per_kg_arithmetic()
    {
        var r = RecordBuilder.Adult(ageYears: 14).Relapse(-3).Edss(-100, 2).Edss(-2, 3).Measure(MeasurementKind.WeightKg, -1, 31.7).Recommend();
        Assert.Equal(["E-PEDS-2021"], r.Plan.Steroids!.Evidence.ToArray());
        var entry = Assert.Single(r.Rationale, x => x.Text.StartsWith("Steroid plan for a child", StringComparison.Ordinal));
        Assert.Equal("R9", entry.Rule);
        Assert.Contains("31.7 kg", entry.Text, StringComparison.Ordinal);
        Assert.Contains("950 mg/day", entry.Text, StringComparison.Ordinal);
        Assert.Contains(r.Rationale, x => x.Rule == "R9" && x.Text.StartsWith("Under 18", StringComparison.Ordinal));
    }

    [Fact]
    public void Child_not_responding_to_iv_steroids_is_told_by_R9_that_escalated_doses_are_not_used()
    {
        var r = RecordBuilder.Adult(Sex.Male, ageYears: 12).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Body(40, 150, 38).Recommend();
        Assert.Contains(ActionCode.EscalatedIvMethylprednisolone, r.NotRecommendedActions());
        Assert.Contains(r.Rationale, x => x.Rule == "R9" && x.Text.Contains("escalated steroid doses are not used", StringComparison.Ordinal) && x.Evidence.Contains("E-PEDS-2021"));
    }

    [Fact]
    public void Escalated_steroids_are_not_planned_but_cited_as_an_alternative_for_adults()
    {
        var r = RefractorySevere().Recommend();
        Assert.Contains(ActionCode.EscalatedIvMethylprednisolone, r.AlternativeActions());
        Assert.Null(r.Plan.Steroids);
        Assert.Contains("E-PFEUFFER-2020", Cited(r));
    }

    [Fact]
    public void A_relapse_cites_R9_for_the_dmt_review()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 3).Recommend();
        Assert.Contains(r.Rationale, x => x.Rule == "R9" && x.Evidence.Contains("E-GALEA-2015"));
    }

    [Fact]
    public void No_episode_has_no_dmt_review_and_no_R9_rationale()
    {
        var r = RecordBuilder.Adult().Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.DoesNotContain(r.Rationale, x => x.Rule == "R9");
    }

    [Fact]
    public void Pregnancy_breastfeeding_and_older_age_are_each_explained_by_R9()
    {
        var pregnant = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 3).Finding(FindingKind.Pregnancy, -20).Recommend();
        Assert.Contains(pregnant.Rationale, x => x.Rule == "R9" && x.Text.StartsWith("Pregnancy", StringComparison.Ordinal));

        var nursing = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 3).Finding(FindingKind.Breastfeeding, -20).Recommend();
        Assert.Contains(nursing.Rationale, x => x.Rule == "R9" && x.Evidence.Contains("E-BOZ-2018"));

        var older = RecordBuilder.Adult(ageYears: 70).Relapse(-3).Edss(-100, 2).Edss(-2, 3).Recommend();
        Assert.Contains(older.Rationale, x => x.Rule == "R9" && x.Evidence.Contains("E-BLECHINGER-2021"));
    }

    [Fact]
    public void Missing_data_are_listed_by_R9_in_the_rationale()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-2, 3).Recommend();
        Assert.Contains(MissingItem.EdssBaseline, r.MissingItems());
        Assert.Contains(r.Rationale, x => x.Rule == "R9" && x.Text.StartsWith("Missing data", StringComparison.Ordinal) && x.Text.Contains("edss-baseline", StringComparison.Ordinal));
    }
}
