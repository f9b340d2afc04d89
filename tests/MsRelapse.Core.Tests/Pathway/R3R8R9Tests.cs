using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R3 (differential), R8 (safety modifiers) and R9 (people).</summary>
public sealed class R3R8R9Tests
{
    private static RecordBuilder Severe() => RecordBuilder.Adult().Relapse(-3).Edss(-100, 1.5).Edss(-2, 4.0);

    private static RecordBuilder Moderate() => RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 3);

    private static RecordBuilder RefractorySevere() =>
        RecordBuilder.Adult(Sex.Male).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Body(82, 181, 44);

    [Fact]
    public void Mild_NMOSD_attack_still_gets_plasma_exchange_as_an_emergency()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 2.5).Condition(ConditionKind.Nmosd, -2000).Recommend();
        Assert.Equal(AttackSeverity.Mild, r.Episode.Severity);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
    }

    [Fact]
    public void NMOSD_on_natalizumab_is_flagged_harmful()
    {
        var r = Severe().Finding(FindingKind.Aqp4IgG, -50).Medication(MedicationClass.Natalizumab).Recommend();
        Assert.Equal(FlagSeverity.Critical, r.Flag(FlagCode.DmtHarmfulInNmosd).Severity);
        Assert.Contains(FlagCode.PmlRisk, r.FlagCodes());
    }

    [Fact]
    public void NMOSD_after_steroids_keeps_specialist_review_and_at_least_urgent()
    {
        var r = RecordBuilder.Adult().Relapse(-30).Edss(-130, 2).Edss(-29, 3).Steroids(-28).Edss(-2, 2.0).Finding(FindingKind.Aqp4IgG, -29).Recommend();
        Assert.Equal(ResponseStatus.Responded, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Contains(ActionCode.SpecialistReview, r.Advice.Concurrent);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
    }

    [Theory]
    [InlineData(3.0, Urgency.Soon)]
    [InlineData(4.0, Urgency.Urgent)]
    public void MOGAD_gets_IV_methylprednisolone_with_a_slow_taper_and_specialist_review(double nadir, Urgency urgency)
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, nadir).Finding(FindingKind.MogIgG, -2).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Equal(urgency, r.Advice.Urgency);
        Assert.Contains(ActionCode.SpecialistReview, r.Advice.Concurrent);
        Assert.NotNull(r.Plan.Steroids!.Taper);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.PossibleMogad).Severity);
    }

    [Fact]
    public void Natalizumab_raises_pml_risk_specialist_review_at_least_urgent_and_steroids_after_MRI()
    {
        var r = Moderate().Medication(MedicationClass.Natalizumab).Recommend();
        Assert.Equal(ActionCode.OralMethylprednisolone, r.Advice.Primary);
        Assert.Contains(ActionCode.SpecialistReview, r.Advice.Concurrent);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.True(r.Plan.Steroids!.AfterMriExcludesPml);
    }

    [Fact]
    public void Steroid_allergy_in_a_severe_attack_gives_plasma_exchange_urgently()
    {
        var r = Severe().Allergy(AllergyKind.Steroid).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Contains(ActionCode.IvMethylprednisolone, r.NotRecommendedActions());
        Assert.Null(r.Plan.Steroids);
        Assert.NotNull(r.Plan.PlasmaExchange);
    }

    [Fact]
    public void Steroid_allergy_in_a_moderate_attack_gives_specialist_review_with_apheresis_alternatives()
    {
        var r = Moderate().Allergy(AllergyKind.Steroid).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Equal([ActionCode.PlasmaExchange, ActionCode.Immunoadsorption], r.AlternativeActions());
        Assert.Contains(r.Advice.NotRecommended, x => x.Action == ActionCode.OralMethylprednisolone && x.Reason == "Documented allergy.");
    }

    [Fact]
    public void Steroid_allergy_removes_the_concurrent_steroid_of_NMOSD()
    {
        var r = Severe().Finding(FindingKind.Aqp4IgG, -2).Allergy(AllergyKind.Steroid).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.DoesNotContain(ActionCode.IvMethylprednisolone, r.Advice.Concurrent);
        Assert.Contains(ActionCode.IvMethylprednisolone, r.NotRecommendedActions());
        r.AssertDisjoint();
    }

    [Fact]
    public void Fever_after_onset_displaces_the_steroid_until_the_infection_is_treated()
    {
        // Onset −5: a fever today lies outside R2.3's window, so the status stays relapse; R8.2 applies.
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-100, 2).Edss(-4, 3).Temperature(0, 38.6).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        var alt = Assert.Single(r.Advice.Alternatives);
        Assert.Equal(ActionCode.OralMethylprednisolone, alt.Action);
        Assert.Contains("infection is treated", alt.Reason, StringComparison.Ordinal);
        Assert.Equal(RecordBuilder.Day(3), r.Advice.ReassessOn);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.Fever).Severity);
    }

    [Fact]
    public void Infection_in_a_severe_attack_keeps_urgent_with_specialist_review()
    {
        var r = RecordBuilder.Adult().Relapse(-20).Edss(-100, 1.5).Edss(-19, 4.0).Infection(-2).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Contains(ActionCode.SpecialistReview, r.Advice.Concurrent);
    }

    [Fact]
    public void Sepsis_puts_the_steroid_under_not_recommended()
    {
        var r = RecordBuilder.Adult().Relapse(-20).Edss(-100, 2).Edss(-19, 3).Infection(-2, sepsis: true).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
        Assert.Contains(ActionCode.OralMethylprednisolone, r.NotRecommendedActions());
        Assert.Equal(FlagSeverity.Critical, r.Flag(FlagCode.Infection).Severity);
    }

    [Fact]
    public void Infection_with_NMOSD_lowers_urgency_no_further_than_urgent()
    {
        var r = RecordBuilder.Adult().Relapse(-20).Edss(-100, 2).Edss(-19, 2.5).Finding(FindingKind.Aqp4IgG, -19).Infection(-2).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Contains(ActionCode.PlasmaExchange, r.AlternativeActions());
        Assert.Contains(FlagCode.ApheresisContraindicationInfection, r.FlagCodes());
        r.AssertDisjoint();
    }

    [Fact]
    public void Hypotension_contraindicates_apheresis_and_calls_for_same_day_review()
    {
        var r = RefractorySevere().Measure(MeasurementKind.SystolicMmHg, -1, 85).Recommend();
        Assert.Equal(ActionCode.SpecialistReview, r.Advice.Primary);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Alternatives[0].Action);
        Assert.Equal(FlagSeverity.Critical, r.Flag(FlagCode.ApheresisContraindicationHemodynamic).Severity);
    }

    [Fact]
    public void Systolic_90_is_not_hypotension()
    {
        var r = RefractorySevere().Measure(MeasurementKind.SystolicMmHg, -1, 90).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
    }

    [Fact]
    public void Infection_with_plasma_exchange_primary_treats_the_trigger_first_never_below_urgent_when_severe()
    {
        var r = RefractorySevere().Infection(-1).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Contains(r.Advice.Alternatives, a => a.Action == ActionCode.PlasmaExchange && a.Reason.Contains("infection is controlled", StringComparison.Ordinal));
        Assert.Contains(FlagCode.Infection, r.FlagCodes());
    }

    [Trait("Ruling", "A21")]
    [Fact]
    public void Albumin_allergy_switches_plasma_exchange_to_immunoadsorption()
    {
        var r = RefractorySevere().Allergy(AllergyKind.Albumin).Recommend();
        Assert.Equal(ActionCode.Immunoadsorption, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Alternatives[0].Action);
        r.AssertDisjoint();
    }

    [Theory]
    [InlineData(MeasurementKind.CalciumMgPerDl, 7.9, FlagCode.TpeCautionHypocalcemia)]
    [InlineData(MeasurementKind.FibrinogenMgPerDl, 99, FlagCode.TpeCautionLowFibrinogen)]
    public void Low_calcium_or_fibrinogen_in_the_last_30_days_is_a_caution(MeasurementKind kind, double value, FlagCode flag)
    {
        Assert.Contains(flag, RefractorySevere().Measure(kind, -30, value).Recommend().FlagCodes());
        Assert.DoesNotContain(flag, RefractorySevere().Measure(kind, -31, value).Recommend().FlagCodes());
    }

    [Fact]
    public void Anticoagulant_is_a_plasma_exchange_caution_and_a_GI_steroid_caution()
    {
        Assert.Contains(FlagCode.TpeCautionAnticoagulant, RefractorySevere().Medication(MedicationClass.Anticoagulant).Recommend().FlagCodes());
        Assert.Contains(FlagCode.SteroidCautionGi, Moderate().Medication(MedicationClass.Anticoagulant).Recommend().FlagCodes());
    }

    [Fact]
    public void A_child_gets_IV_30_mg_per_kg_rounded_down_to_10_mg_even_for_a_moderate_attack()
    {
        // 33.3 kg × 30 = 999 mg → 990 mg/day.
        var r = RecordBuilder.Adult(ageYears: 12).Relapse(-3).Edss(-100, 1).Edss(-2, 2).Measure(MeasurementKind.WeightKg, -5, 33.3).Recommend();
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Contains(FlagCode.Pediatric, r.FlagCodes());
        Assert.Equal(990, r.Plan.Steroids!.DoseMgPerDay);
        Assert.Equal(30, r.Plan.Steroids.DoseMgPerKgPerDay);
    }

    [Fact]
    public void A_child_without_a_weight_in_the_last_30_days_gets_no_mg_dose_and_a_blocking_missing_weight()
    {
        var r = RecordBuilder.Adult(ageYears: 12).Relapse(-3).Edss(-100, 1).Edss(-2, 2).Measure(MeasurementKind.WeightKg, -31, 33).Recommend();
        Assert.Null(r.Plan.Steroids!.DoseMgPerDay);
        Assert.Contains(MissingItem.Weight, r.MissingItems());
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.MissingData).Severity);
    }

    [Fact]
    public void A_child_failing_steroids_is_not_offered_escalated_steroids()
    {
        var r = RecordBuilder.Adult(ageYears: 15).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23, 5, 900).Edss(-2, 6).Measure(MeasurementKind.WeightKg, -5, 45).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.DoesNotContain(ActionCode.EscalatedIvMethylprednisolone, r.AlternativeActions());
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public void Older_age_is_flagged_from_65(int age, bool flagged)
    {
        Assert.Equal(flagged, RecordBuilder.Adult(ageYears: age).Relapse(-3).Recommend().FlagCodes().Contains(FlagCode.OlderAge));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(-301, false)]
    public void Pregnancy_counts_when_observed_in_the_last_300_days(int day, bool flagged)
    {
        Assert.Equal(flagged, Moderate().Finding(FindingKind.Pregnancy, day).Recommend().FlagCodes().Contains(FlagCode.Pregnancy));
    }

    [Fact]
    public void Breastfeeding_adds_the_nursing_interval_to_an_IV_plan()
    {
        var r = Severe().Finding(FindingKind.Breastfeeding, -10).Recommend();
        Assert.Contains(FlagCode.Breastfeeding, r.FlagCodes());
        Assert.Contains(r.Plan.Steroids!.Notes, n => n.Contains("2–4 hours", StringComparison.Ordinal));
    }

    [Fact]
    public void Plasma_exchange_without_recent_weight_has_a_schedule_but_no_volumes()
    {
        var r = RecordBuilder.Adult(Sex.Male).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Measure(MeasurementKind.HeightCm, -1000, 180).Recommend();
        var tpe = r.Plan.PlasmaExchange!;
        Assert.Null(tpe.TotalBloodVolumeMl);
        Assert.Equal(5, tpe.Schedule.Length);
        Assert.Equal(RecordBuilder.Day(1), tpe.StartDate);
        Assert.Contains(MissingItem.Weight, r.MissingItems());
        Assert.Contains(MissingItem.Hematocrit, r.MissingItems());
        Assert.DoesNotContain(MissingItem.Height, r.MissingItems()); // adult height counts any time
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // Audit ruling A20 (docs/pathway.md): R8.3 item 2.
    [Trait("Ruling", "A20")]
    [Trait("Source", "audit")]
    [Fact]
    public void Infection_before_plasma_exchange_in_a_severe_attack_is_urgent_without_a_concurrent_review()
    {
        // Severe (2.0 → 4.5), IV course failed, infection 3 days ago: R8.3 item 2 → treat-trigger, soon raised to the
        // step 5 floor (urgent, severe); no concurrent action; plasma exchange once infection is controlled.
        var r = RecordBuilder.Adult().Body().Attack(-18, 2.0, 4.5).Steroids(-16).Edss(-2, 4.5).Infection(-3).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Empty(r.Advice.Concurrent);
        Assert.Equal(ActionCode.PlasmaExchange, r.AlternativeActions().First());
    }

    // Audit ruling A20 (docs/pathway.md): R8.3 item 2.
    [Trait("Source", "audit")]
    [Fact]
    public void Infection_before_plasma_exchange_in_a_moderate_attack_is_soon()
    {
        var r = RecordBuilder.Adult().Body().Attack(-18, 2.0, 3.5).Steroids(-16).Edss(-2, 3.5).Infection(-3).Recommend();
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Equal(Urgency.Soon, r.Advice.Urgency);
        Assert.Empty(r.Advice.Concurrent);
    }

    // Audit ruling A15 (docs/pathway.md): missing birth date.
    [Trait("Ruling", "A15")]
    [Trait("Source", "audit")]
    [Fact]
    public void Missing_birth_date_blocks_the_dose_choice_and_makes_the_missing_data_flag_a_warning()
    {
        var r = RecordBuilder.Adult().BornOn(null).Attack(-3, 2.0, 3.5).Recommend();
        var missing = Assert.Single(r.MissingData);
        Assert.Equal(MissingItem.BirthDate, missing.Item);
        Assert.True(missing.Blocking);
        Assert.Equal(FlagSeverity.Warning, r.Flag(FlagCode.MissingData).Severity);
        Assert.Contains(r.Rationale, x => x.Rule == "R9" && x.Text.Contains("per-kg child dose", StringComparison.Ordinal));
    }

    // Audit ruling A15 (docs/pathway.md): missing birth date.
    [Trait("Source", "audit")]
    [Fact]
    public void Missing_birth_date_without_any_treatment_listed_is_not_named()
    {
        // A resolved attack (R2.2) lists no steroid or apheresis, so no dose depends on the age.
        var r = RecordBuilder.Adult().BornOn(null).Relapse(-30, -10).Edss(-100, 2).Edss(-29, 3).Recommend();
        Assert.DoesNotContain(MissingItem.BirthDate, r.MissingItems());
    }

    // A11: AQP4-IgG and MOG-IgG both positive → NMOSD governs (R3.1: plasma exchange first line); both flags shown.
    [Trait("Ruling", "A11")]
    [Fact]
    public void Aqp4_and_mog_both_positive_follow_the_nmosd_pathway_with_both_flags()
    {
        var r = RecordBuilder.Adult().Body().Finding(FindingKind.Aqp4IgG, -40).Finding(FindingKind.MogIgG, -40).Attack(-3, 2.0, 3.5).Recommend();
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Contains(r.Flags, f => f.Code == FlagCode.PossibleNmosd);
        Assert.Contains(r.Flags, f => f.Code == FlagCode.PossibleMogad);
    }

    // A18: a steroid course and apheresis both planned now (R3.1) → reassessOn is the earlier date, the last planned
    // exchange, not the steroid course's end + 10 days.
    [Trait("Ruling", "A18")]
    [Fact]
    public void Nmosd_attack_with_exchange_and_steroids_planned_is_reassessed_at_the_last_exchange()
    {
        var r = RecordBuilder.Adult().Body().Finding(FindingKind.Aqp4IgG, -40).Attack(-3, 2.0, 3.5).Recommend();
        Assert.NotNull(r.Plan.Steroids);
        Assert.Equal(r.Plan.PlasmaExchange!.Schedule[^1].Date, r.Advice.ReassessOn);
        Assert.True(r.Advice.ReassessOn < r.Plan.Steroids!.ReassessOn);
    }

    // A24: the steroid plan is filled only for a steroid planned now (primary or concurrent): a mild attack's steroid
    // alternative carries its regimen in its reason, and there is no steroid plan.
    [Trait("Ruling", "A24")]
    [Fact]
    public void A_steroid_that_is_only_an_alternative_gets_no_steroid_plan()
    {
        var r = RecordBuilder.Adult().Attack(-6, 2.0, 2.5).Recommend();
        Assert.Equal(ActionCode.Observe, r.Advice.Primary);
        Assert.Contains(r.Advice.Alternatives, a => a.Action == ActionCode.OralMethylprednisolone);
        Assert.Null(r.Plan.Steroids);
    }

    // A25: pregnancy recorded as a condition without an onset is not counted (the 300-day rule cannot be applied);
    // with an onset in the last 300 days it is.
    [Trait("Ruling", "A25")]
    [Fact]
    public void Pregnancy_condition_without_an_onset_is_not_counted()
    {
        var undated = RecordBuilder.Adult().Condition(ConditionKind.Pregnancy, null).Attack(-3, 2.0, 3.5).Recommend();
        Assert.DoesNotContain(undated.Flags, f => f.Code == FlagCode.Pregnancy);
        var dated = RecordBuilder.Adult().Condition(ConditionKind.Pregnancy, -30).Attack(-3, 2.0, 3.5).Recommend();
        Assert.Contains(dated.Flags, f => f.Code == FlagCode.Pregnancy);
    }
}
