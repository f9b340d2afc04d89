using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>The four sample patients of shared/examples/README.md, rebuilt as records (as-of 2026-05-11).</summary>
public sealed class SampleVignetteTests
{
    [Fact]
    public void Severe_untreated_relapse_gets_IV_methylprednisolone_1000_mg_for_5_days_urgently()
    {
        // Woman, 31; EDSS 1.5 → 4.0 (rise 2.5 ≥ 2.0: severe), onset 2 days ago, untreated.
        var r = RecordBuilder.Adult(Sex.Female, 31).Relapse(-2).Edss(-120, 1.5).Edss(-1, 4.0).Recommend();

        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(AttackSeverity.Severe, r.Episode.Severity);
        Assert.Equal(2.5, r.Episode.Edss.Rise);
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Contains(FlagCode.DmtReview, r.FlagCodes());
        var plan = r.Plan.Steroids!;
        Assert.Equal(PlannedRoute.Intravenous, plan.Route);
        Assert.Equal(1000, plan.DoseMgPerDay);
        Assert.Equal(5, plan.Days);
        Assert.Equal(5000, plan.TotalDoseMg);
        Assert.Equal(6250, plan.PrednisoneEquivalentMg); // 5,000 mg × 5/4
        // Course 2026-05-11..05-15; reassess at end + 10 days = 2026-05-25.
        Assert.Equal(new DateOnly(2026, 5, 25), r.Advice.ReassessOn);
        Assert.Equal(TreatmentStage.Untreated, r.Episode.TreatmentStage);
        Assert.Equal(ResponseStatus.NotApplicable, r.Episode.SteroidResponse);
    }

    [Fact]
    public void Severe_relapse_not_improving_twelve_days_after_IV_steroids_gets_plasma_exchange()
    {
        var r = RecordBuilder.Adult(Sex.Male, 44)
            .Relapse(-18).Edss(-250, 2.5).Edss(-17, 6.0)
            .Steroids(-16, 5, 1000, DoseRoute.Intravenous)
            .Edss(-2, 6.0)
            .Medication(MedicationClass.AceInhibitor, "ramipril")
            .Body(weightKg: 82, heightCm: 181, hematocritPercent: 44)
            .Recommend();

        Assert.Equal(AttackSeverity.Severe, r.Episode.Severity);
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Equal(TreatmentStage.SteroidsGiven, r.Episode.TreatmentStage);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal([ActionCode.Immunoadsorption, ActionCode.EscalatedIvMethylprednisolone, ActionCode.Ivig], r.AlternativeActions());
        Assert.Contains(FlagCode.TpeCautionAceInhibitor, r.FlagCodes());

        var tpe = r.Plan.PlasmaExchange!;
        // Nadler (man): 0.3669 × 1.81³ + 0.03219 × 82 + 0.6041 = 2.1756 + 2.6396 + 0.6041 = 5.4193 L.
        Assert.Equal(5419, tpe.TotalBloodVolumeMl);
        // PV = 5,419.3 × (1 − 0.44) = 3,034.8 mL.
        Assert.Equal(3035, tpe.PlasmaVolumeMl);
        Assert.Equal(3035, tpe.ExchangeVolumeMl);
        Assert.Equal(5, tpe.Exchanges);
        // asOf + 2 with an ACE inhibitor (held ≥ 24 h), every other day.
        Assert.Equal(new DateOnly(2026, 5, 13), tpe.StartDate);
        Assert.Equal([new DateOnly(2026, 5, 13), new DateOnly(2026, 5, 15), new DateOnly(2026, 5, 17), new DateOnly(2026, 5, 19), new DateOnly(2026, 5, 21)], tpe.Schedule.Select(s => s.Date));
        // 3,034.8 mL × 0.05 g/mL = 151.7 g → 13 vials of 12.5 g (12.14 rounded up).
        Assert.Equal(151.7, tpe.AlbuminGramsPerExchange);
        Assert.Equal(13, tpe.AlbuminVialsPerExchange);
        Assert.Equal(new DateOnly(2026, 5, 21), r.Advice.ReassessOn);
        Assert.NotNull(r.Plan.Immunoadsorption);
        r.AssertDisjoint();
    }

    [Fact]
    public void Fever_today_with_an_active_urinary_infection_is_a_suspected_pseudo_relapse()
    {
        var r = RecordBuilder.Adult(Sex.Female, 39)
            .Relapse(-1).Edss(-200, 2.0).Edss(0, 3.0)
            .Temperature(0, 38.4)
            .Infection(-2)
            .Recommend();

        Assert.Equal(EpisodeStatus.PseudoRelapseSuspected, r.Episode.Status);
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Contains(FlagCode.Fever, r.FlagCodes());
        Assert.Contains(FlagCode.Infection, r.FlagCodes());
        Assert.Contains(ActionCode.OralMethylprednisolone, r.NotRecommendedActions());
        Assert.Contains(ActionCode.IvMethylprednisolone, r.NotRecommendedActions());
        Assert.Null(r.Plan.Steroids);
        Assert.Equal(RecordBuilder.Day(3), r.Advice.ReassessOn);
        Assert.DoesNotContain(FlagCode.DmtReview, r.FlagCodes());
    }

    [Fact]
    public void AQP4_positive_myelitis_gets_plasma_exchange_with_concurrent_steroids_the_same_day()
    {
        // FS only. Before: pyramidal 1, sensory 1 → n1 = 2 → 1.5. Now: pyramidal 4, bowel-bladder 3 (→ 3), sensory 2,
        // ambulation 5 → ambulation step 6.0, which beats the FS step (n4 = 1, n3 = 1 → 4.5): EDSS 6.0.
        var before = new RawFunctionalSystems(0, 0, 1, 0, 1, 0, 0, 0);
        var now = new RawFunctionalSystems(0, 0, 4, 0, 2, 3, 0, 5);
        var r = RecordBuilder.Adult(Sex.Female, 48)
            .Relapse(-3).EdssAt(ClinicalTime.On(RecordBuilder.Day(-300)), null, before).EdssAt(ClinicalTime.On(RecordBuilder.Day(-1)), null, now)
            .Finding(FindingKind.Aqp4IgG, -2)
            .Recommend();

        Assert.Equal(1.5, r.Episode.Edss.Baseline);
        Assert.Equal(6.0, r.Episode.Edss.Nadir);
        Assert.Equal(AttackSeverity.Severe, r.Episode.Severity);
        Assert.Equal(FlagSeverity.Critical, r.Flag(FlagCode.PossibleNmosd).Severity);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal([ActionCode.IvMethylprednisolone, ActionCode.SpecialistReview], r.Advice.Concurrent.AsEnumerable());
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
        Assert.NotNull(r.Plan.Steroids!.Taper);
        Assert.NotNull(r.Plan.PlasmaExchange);
    }

    [Fact]
    public void Every_sample_serialises_with_the_evidence_it_cites()
    {
        var r = RecordBuilder.Adult().Relapse(-2).Edss(-120, 1.5).Edss(-1, 4.0).Recommend();
        var json = RecommendationJson.ToJson(r);
        Assert.Equal("2026.2", (string?)json["engine"]!["knowledgeBase"]);
        Assert.Equal("iv-methylprednisolone", (string?)json["recommendation"]!["primary"]);
        var cited = r.Flags.SelectMany(f => f.Evidence).Concat(r.Rationale.SelectMany(x => x.Evidence)).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(cited, r.Evidence.Select(e => e.Id));
    }
}
