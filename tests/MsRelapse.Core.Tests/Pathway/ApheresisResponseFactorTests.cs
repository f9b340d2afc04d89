using FsCheck.Xunit;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>
/// 2026.2 "Apheresis response factors" (clinical.md): seven factors, in the table's order, present exactly when an
/// apheresis plan is present and neither NMOSD nor MOGAD is suspected; informational only (property tests).
/// </summary>
public sealed class ApheresisResponseFactorTests
{
    /// <summary>Severe attack 30 days ago, IV course days −28…−24, no improvement: plasma exchange is the primary.</summary>
    private static RecordBuilder SteroidRefractory(int age = 44) =>
        RecordBuilder.Adult(Sex.Male, age).Attack(-30, 2.5, 6.0).Steroids(-28).Edss(-12, 6.0).Body(82, 181, 44);

    private static ApheresisResponseFactor Factor(Recommendation r, ResponseFactor f) => r.ApheresisResponseFactors.Single(x => x.Factor == f);

    [Fact]
    public void Steroid_refractory_relapse_with_mri_and_reflexes_lists_the_seven_factors_in_order()
    {
        var r = SteroidRefractory()
            .Finding(FindingKind.GadoliniumEnhancingLesions, -29)
            .Finding(FindingKind.DeepTendonReflexes, -12, positive: true)
            .Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(
            [ResponseFactor.TimeToApheresis, ResponseFactor.Age, ResponseFactor.DiseaseCourse, ResponseFactor.MriActivity,
             ResponseFactor.Reflexes, ResponseFactor.DiseaseDuration, ResponseFactor.DisabilityAtAttack],
            r.ApheresisResponseFactors.Select(f => f.Factor));

        // Planned first exchange asOf + 1 = day 31 after onset; continuous, contested (E-MAGANA-2011 found no timing effect).
        var time = Factor(r, ResponseFactor.TimeToApheresis);
        Assert.Equal((31.0, "days", Favours.Continuous, true), (time.Number!.Value, time.Unit!, time.Favours, time.Contested));
        Assert.Equal(44, Factor(r, ResponseFactor.Age).Number);
        Assert.Equal(("relapsing", Favours.Response), (Factor(r, ResponseFactor.DiseaseCourse).Word!, Factor(r, ResponseFactor.DiseaseCourse).Favours));
        Assert.Equal(("present", Favours.Response), (Factor(r, ResponseFactor.MriActivity).Word!, Factor(r, ResponseFactor.MriActivity).Favours));
        Assert.Equal(("preserved", Favours.Response), (Factor(r, ResponseFactor.Reflexes).Word!, Factor(r, ResponseFactor.Reflexes).Favours));
        // MS diagnosis 2,000 days before asOf: 2000 / 365.25 = 5.48 → 5.5 years.
        Assert.Equal(5.5, Factor(r, ResponseFactor.DiseaseDuration).Number);
        var disability = Factor(r, ResponseFactor.DisabilityAtAttack);
        Assert.Equal((6.0, Favours.Response, true), (disability.Number!.Value, disability.Favours, disability.Contested));
        Assert.All(r.ApheresisResponseFactors, f => Assert.NotEmpty(f.Evidence));
        Assert.Contains("E-KEEGAN-2002", Factor(r, ResponseFactor.Reflexes).Evidence);
        Assert.Contains(r.Evidence, e => e.Id == "E-MARRODAN-2025");
    }

    // clinical-evidence.md gives the reflexes only as "preserved deep tendon reflexes (about 4-fold)" (Magaña) and
    // "preserved reflexes (p = 0.019)" (Keegan): never restated as a likelihood of response the sheet does not give.
    [Fact]
    public void Reflex_effect_is_worded_as_the_evidence_sheet_states_it()
    {
        var effect = Factor(SteroidRefractory().Finding(FindingKind.DeepTendonReflexes, -12, positive: true).Recommend(), ResponseFactor.Reflexes).Effect;
        Assert.DoesNotContain("likely", effect, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("preserved deep tendon reflexes predicted response (about 4-fold, E-MAGANA-2011)", effect, StringComparison.Ordinal);
        Assert.Contains("E-KEEGAN-2002", effect, StringComparison.Ordinal);
    }

    // The result's factors carry the catalogue's effect, contested mark and evidence (one source for the engine and the book).
    [Fact]
    public void Every_factor_carries_its_catalogue_definition()
    {
        var r = SteroidRefractory().Finding(FindingKind.GadoliniumEnhancingLesions, -29).Recommend();
        Assert.Equal(ResponseFactorCatalog.All.Select(d => d.Factor), r.ApheresisResponseFactors.Select(f => f.Factor));
        foreach (var (definition, factor) in ResponseFactorCatalog.All.Zip(r.ApheresisResponseFactors))
        {
            Assert.Equal((definition.Effect, definition.Contested), (factor.Effect, factor.Contested));
            Assert.Equal(definition.Evidence, factor.Evidence);
        }
    }

    // The CLI summary and the FHIR note show each factor with its direction and its published effect, not a bare
    // "favours continuous" or "favours Unknown".
    [Fact]
    public void A_factor_line_shows_its_value_direction_and_effect()
    {
        var r = SteroidRefractory().Recommend();
        var age = ResponseFactorWords.Line(Factor(r, ResponseFactor.Age));
        Assert.StartsWith("age: 44 years — graded effect, no validated cut-off; effect: younger is better: odds of response × 0.5 per 5 years older", age, StringComparison.Ordinal);
        Assert.EndsWith("[E-BLECHINGER-2021]", age, StringComparison.Ordinal);
        var mri = ResponseFactorWords.Line(Factor(r, ResponseFactor.MriActivity));
        Assert.StartsWith("mri-activity: unknown — not known from the record; effect: enhancing lesions OR 3.2", mri, StringComparison.Ordinal);
        Assert.Contains("; to know it, record an MRI with gadolinium", mri, StringComparison.Ordinal);
        Assert.Contains("disability-at-attack: EDSS 6.0 — favours a better response; effect: EDSS ≥ 7.5", ResponseFactorWords.Line(Factor(r, ResponseFactor.DisabilityAtAttack)), StringComparison.Ordinal);
        Assert.Contains("; contested (studies disagree)", ResponseFactorWords.Line(Factor(r, ResponseFactor.TimeToApheresis)), StringComparison.Ordinal);
        Assert.All(r.ApheresisResponseFactors.Select(ResponseFactorWords.Line), line => Assert.DoesNotContain("favours Unknown", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_factors_name_what_to_record_and_never_enter_missing_data()
    {
        var r = SteroidRefractory().Recommend();
        var mri = Factor(r, ResponseFactor.MriActivity);
        Assert.Equal((Favours.Unknown, (double?)null, (string?)null), (mri.Favours, mri.Number, mri.Word));
        Assert.False(string.IsNullOrEmpty(mri.Missing));
        Assert.False(string.IsNullOrEmpty(Factor(r, ResponseFactor.Reflexes).Missing));
        Assert.DoesNotContain(r.MissingData, m => m.NeededFor.Contains("MRI", StringComparison.OrdinalIgnoreCase));
    }

    // "less-response only when every MRI in the window shows none"; "the latest date decides, and on that date any lost counts".
    [Fact]
    public void Enhancement_on_any_scan_counts_and_lost_reflexes_on_the_latest_date_count()
    {
        var r = SteroidRefractory()
            .Finding(FindingKind.GadoliniumEnhancingLesions, -40) // onset − 10: inside the window (onset − 14)
            .Finding(FindingKind.GadoliniumEnhancingLesions, -5, positive: false)
            .Finding(FindingKind.DeepTendonReflexes, -20, positive: false)
            .Finding(FindingKind.DeepTendonReflexes, -3, positive: true)
            .Finding(FindingKind.DeepTendonReflexes, -3, positive: false)
            .Recommend();
        Assert.Equal("present", Factor(r, ResponseFactor.MriActivity).Word);
        Assert.Equal(("lost", Favours.LessResponse), (Factor(r, ResponseFactor.Reflexes).Word!, Factor(r, ResponseFactor.Reflexes).Favours));

        var none = SteroidRefractory().Finding(FindingKind.GadoliniumEnhancingLesions, -50).Finding(FindingKind.GadoliniumEnhancingLesions, -5, positive: false).Recommend();
        Assert.Equal(("absent", Favours.LessResponse), (Factor(none, ResponseFactor.MriActivity).Word!, Factor(none, ResponseFactor.MriActivity).Favours));
    }

    [Fact]
    public void Progressive_course_and_disability_of_seven_and_a_half_point_to_less_response()
    {
        var r = RecordBuilder.Adult(Sex.Female, 50).Ms(MsCourse.SecondaryProgressive).Attack(-30, 5.5, 7.5).Steroids(-28).Edss(-12, 7.5).Body().Recommend();
        Assert.Equal(("progressive", Favours.LessResponse), (Factor(r, ResponseFactor.DiseaseCourse).Word!, Factor(r, ResponseFactor.DiseaseCourse).Favours));
        Assert.Equal(Favours.LessResponse, Factor(r, ResponseFactor.DisabilityAtAttack).Favours);
    }

    [Fact]
    public void No_factors_without_an_apheresis_plan_or_with_nmosd_or_mogad()
    {
        Assert.Empty(RecordBuilder.Adult().Attack(-3, 2.0, 4.5).Recommend().ApheresisResponseFactors); // IV steroids first
        Assert.Empty(SteroidRefractory().Finding(FindingKind.Aqp4IgG, -100).Recommend().ApheresisResponseFactors);
        Assert.Empty(SteroidRefractory().Finding(FindingKind.MogIgG, -100).Recommend().ApheresisResponseFactors);
    }

    /// <summary>A generated record with a severe or moderate attack, some steroid courses, some apheresis, some antibodies.</summary>
    private static RecordBuilder Generate(int onsetSeed, int severitySeed, int treatmentSeed, int antibodySeed)
    {
        var onset = -(Math.Abs(onsetSeed) % 120) - 3;
        var b = RecordBuilder.Adult(Math.Abs(severitySeed) % 2 == 0 ? Sex.Male : Sex.Female, 20 + (Math.Abs(severitySeed) % 50))
            .Attack(onset, 2.0, (Math.Abs(severitySeed) % 3) switch { 0 => 3.0, 1 => 4.5, _ => 7.5 }).Body();
        var t = Math.Abs(treatmentSeed) % 4;
        if (t >= 1 && onset <= -10)
        {
            b = b.Steroids(onset + 1, 5, 1000, t == 1 ? DoseRoute.Oral : DoseRoute.Intravenous).Edss(0, 4.5);
        }

        if (t == 3 && onset <= -20)
        {
            b = b.Sessions(onset + 10, 1 + (Math.Abs(onsetSeed) % 6));
        }

        return (Math.Abs(antibodySeed) % 5) switch
        {
            0 => b.Finding(FindingKind.Aqp4IgG, onset - 30),
            1 => b.Finding(FindingKind.MogIgG, onset - 30),
            _ => b,
        };
    }

    // "They change no action, urgency or flag": adding the factors' inputs (MRI, reflexes) to any record leaves the
    // recommendation, byte for byte, as it was apart from the factors' own values.
    [Property(MaxTest = 200)]
    public void The_factors_inputs_never_change_an_action_an_urgency_or_a_flag(int a, int b, int c, int d, bool enhancing, bool preserved)
    {
        var plain = Generate(a, b, c, d).Recommend();
        var withFactors = Generate(a, b, c, d)
            .Finding(FindingKind.GadoliniumEnhancingLesions, -2, enhancing)
            .Finding(FindingKind.DeepTendonReflexes, -1, preserved)
            .Recommend();
        Assert.Equal(
            RecommendationJson.Serialize(plain with { ApheresisResponseFactors = [] }),
            RecommendationJson.Serialize(withFactors with { ApheresisResponseFactors = [] }));
        Assert.Equal(plain.ApheresisResponseFactors.Length, withFactors.ApheresisResponseFactors.Length);
    }

    // "Present exactly when an apheresis plan is present and NMOSD/MOGAD not suspected"; never summed: no member
    // carries a score, a count or a probability (the contract has none), and each factor stands alone.
    [Property(MaxTest = 200)]
    public void Factors_are_present_exactly_with_an_apheresis_plan_and_no_nmosd_or_mogad(int a, int b, int c, int d)
    {
        var r = Generate(a, b, c, d).Recommend();
        var plan = r.Plan.PlasmaExchange is not null || r.Plan.Immunoadsorption is not null;
        var antibody = r.Flags.Any(f => f.Code is FlagCode.PossibleNmosd or FlagCode.PossibleMogad);
        Assert.Equal(plan && !antibody ? 7 : 0, r.ApheresisResponseFactors.Length);
        var json = RecommendationJson.ToJson(r);
        Assert.DoesNotContain("score", json.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }
}
