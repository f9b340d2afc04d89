using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>R0: impossible input is rejected with a stable code, the source, and no recommendation.</summary>
public sealed class R0ValidationTests
{
    private static InputError SingleError(RecordBuilder b)
    {
        var result = b.Evaluate();
        Assert.False(result.IsValid);
        Assert.Null(result.Recommendation);
        return Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData(10.5, "value-out-of-range")]
    [InlineData(-1, "value-out-of-range")]
    [InlineData(3.3, "not-a-kurtzke-step")]
    [InlineData(0.5, "not-a-kurtzke-step")]
    public void Impossible_EDSS_totals_are_rejected(double edss, string code)
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).Edss(-3, edss));
        Assert.Equal(code, error.Code);
        Assert.NotNull(error.Source);
        Assert.StartsWith("Observation/", error.Source!.Resource, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_EDSS_assessment_is_still_judged()
    {
        // Every EDSS assessment is judged, however old (R0).
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).Edss(-3000, 11));
        Assert.Equal("value-out-of-range", error.Code);
    }

    [Theory]
    [InlineData(7.0, "value-out-of-range")]
    [InlineData(2.5, "not-an-integer")]
    public void A_functional_system_that_is_not_an_integer_in_its_range_is_rejected(double pyramidal, string code)
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).EdssAt(ClinicalTime.On(RecordBuilder.Day(-1)), null, new RawFunctionalSystems(Pyramidal: pyramidal)));
        Assert.Equal(code, error.Code);
        Assert.Contains("pyramidal", error.Source!.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Ambulation_above_16_is_rejected()
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).EdssAt(ClinicalTime.On(RecordBuilder.Day(-1)), null, new RawFunctionalSystems(Ambulation: 17)));
        Assert.Equal("value-out-of-range", error.Code);
    }

    [Theory]
    [InlineData(MeasurementKind.WeightKg, 1.5)]
    [InlineData(MeasurementKind.WeightKg, 401)]
    [InlineData(MeasurementKind.HeightCm, 39)]
    [InlineData(MeasurementKind.HeightCm, 251)]
    [InlineData(MeasurementKind.HematocritPercent, 9)]
    [InlineData(MeasurementKind.HematocritPercent, 71)]
    [InlineData(MeasurementKind.TemperatureCelsius, 29.9)]
    [InlineData(MeasurementKind.TemperatureCelsius, 45.1)]
    [InlineData(MeasurementKind.SystolicMmHg, 39)]
    [InlineData(MeasurementKind.SystolicMmHg, 301)]
    public void Recent_values_outside_their_plausible_range_are_rejected(MeasurementKind kind, double value)
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).Measure(kind, 0, value));
        Assert.Equal("value-out-of-range", error.Code);
    }

    [Theory]
    [InlineData(MeasurementKind.WeightKg, 2)]
    [InlineData(MeasurementKind.WeightKg, 400)]
    [InlineData(MeasurementKind.HeightCm, 40)]
    [InlineData(MeasurementKind.HeightCm, 250)]
    [InlineData(MeasurementKind.HematocritPercent, 10)]
    [InlineData(MeasurementKind.HematocritPercent, 70)]
    [InlineData(MeasurementKind.TemperatureCelsius, 30)]
    [InlineData(MeasurementKind.TemperatureCelsius, 45)]
    [InlineData(MeasurementKind.SystolicMmHg, 40)]
    [InlineData(MeasurementKind.SystolicMmHg, 300)]
    public void Range_limits_themselves_are_accepted(MeasurementKind kind, double value)
    {
        Assert.True(RecordBuilder.Adult().Relapse(-5).Measure(kind, 0, value).Evaluate().IsValid);
    }

    [Fact]
    public void A_hematocrit_given_as_a_fraction_where_percent_is_expected_is_named_as_such()
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).Measure(MeasurementKind.HematocritPercent, -1, 0.44));
        Assert.Equal("fraction-not-percent", error.Code);
        Assert.Contains("fraction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hematocrit_older_than_30_days_is_not_judged()
    {
        // Hematocrit counts only in the last 30 days; an older impossible value is missing data, not an error.
        Assert.True(RecordBuilder.Adult().Relapse(-5).Measure(MeasurementKind.HematocritPercent, -31, 0.44).Evaluate().IsValid);
        Assert.False(RecordBuilder.Adult().Relapse(-5).Measure(MeasurementKind.HematocritPercent, -30, 0.44).Evaluate().IsValid);
    }

    [Fact]
    public void Blood_pressure_older_than_2_days_is_not_judged()
    {
        Assert.True(RecordBuilder.Adult().Relapse(-5).Measure(MeasurementKind.SystolicMmHg, -3, 20).Evaluate().IsValid);
        Assert.False(RecordBuilder.Adult().Relapse(-5).Measure(MeasurementKind.SystolicMmHg, -2, 20).Evaluate().IsValid);
    }

    [Fact]
    public void An_unknown_unit_on_a_recent_value_is_rejected()
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5).Measure(MeasurementKind.WeightKg, -1, 70, "unknown unit 'stone'"));
        Assert.Equal("unknown-unit", error.Code);
    }

    [Fact]
    public void Abatement_before_onset_is_a_date_order_error()
    {
        var error = SingleError(RecordBuilder.Adult().Relapse(-5, abatement: -7));
        Assert.Equal("date-order", error.Code);
        Assert.Equal("Condition.abatement", error.Source?.Path);
    }

    // The error points at the abatement, not at the element the fact was read from (a relapse's onset, a condition's code:
    // what the FHIR readers put in the source).
    [Fact]
    public void A_date_order_error_points_at_the_abatement_whatever_the_source_names()
    {
        var infection = new ConditionFact(ConditionKind.Infection, ClinicalTime.On(RecordBuilder.Day(-10)), ClinicalTime.On(RecordBuilder.Day(-12)), false, false, false, new SourceRef("Condition/infection", "Condition.code"));
        var error = SingleError(RecordBuilder.Adult().With(x => x with { Conditions = x.Conditions.Add(infection) }));
        Assert.Equal(new SourceRef("Condition/infection", "Condition.abatement"), error.Source);
    }

    // A45: Conventions, "Dates are compared as calendar dates". When either value is date-only, an abatement on the onset's
    // date is not before it; only two times on one date are compared as instants.
    [Trait("Ruling", "A45")]
    [Fact]
    public void A_date_only_abatement_on_the_date_of_a_timed_onset_is_not_before_it()
    {
        var onset = ClinicalTime.At(RecordBuilder.Day(-3).ToDateTime(new TimeOnly(8, 0)));
        Assert.True(RecordBuilder.Adult().RelapseAt(onset, ClinicalTime.On(RecordBuilder.Day(-3))).Evaluate().IsValid);
        Assert.True(RecordBuilder.Adult().RelapseAt(ClinicalTime.On(RecordBuilder.Day(-3)), onset).Evaluate().IsValid);
    }

    // A45: an old infection of that shape (timed onset, date-only abatement the same day) must not block a current relapse.
    [Trait("Ruling", "A45")]
    [Fact]
    public void An_old_infection_with_a_date_only_abatement_on_its_timed_onset_date_does_not_block_a_current_relapse()
    {
        var day = RecordBuilder.Day(-400);
        var infection = new ConditionFact(ConditionKind.Infection, ClinicalTime.At(day.ToDateTime(new TimeOnly(8, 0))), ClinicalTime.On(day), false, false, false, new SourceRef("Condition/old-infection"));
        var r = RecordBuilder.Adult().Attack(-2, 2, 3.5).With(x => x with { Conditions = x.Conditions.Add(infection) }).Recommend();
        Assert.Equal(ActionCode.OralMethylprednisolone, r.Advice.Primary);
    }

    // A45: still rejected — a date-only abatement on an earlier date than a timed onset, and two times on one date in the wrong order.
    [Trait("Ruling", "A45")]
    [Theory]
    [InlineData(-4, null, 8)] // date-only, the day before the timed onset
    [InlineData(-3, 7, 8)]    // 07:00 before 08:00 on the same date
    public void An_abatement_before_its_onset_is_still_a_date_order_error(int abatementDay, int? abatementHour, int onsetHour)
    {
        var onset = ClinicalTime.At(RecordBuilder.Day(-3).ToDateTime(new TimeOnly(onsetHour, 0)));
        var abatement = abatementHour is { } h ? ClinicalTime.At(RecordBuilder.Day(abatementDay).ToDateTime(new TimeOnly(h, 0))) : ClinicalTime.On(RecordBuilder.Day(abatementDay));
        Assert.Equal("date-order", SingleError(RecordBuilder.Adult().RelapseAt(onset, abatement)).Code);
        var infection = new ConditionFact(ConditionKind.Infection, onset, abatement, false, false, false, new SourceRef("Condition/infection"));
        Assert.Equal("date-order", SingleError(RecordBuilder.Adult().With(x => x with { Conditions = x.Conditions.Add(infection) })).Code);
    }

    [Fact]
    public void A_birth_date_after_as_of_is_rejected()
    {
        var error = SingleError(RecordBuilder.Adult().BornOn(RecordBuilder.Day(1)));
        Assert.Equal("birth-date-after-as-of", error.Code);
    }

    [Trait("Ruling", "A28")]
    [Trait("Ruling", "A42")]
    [Fact]
    public void Resources_of_another_patient_are_rejected()
    {
        var error = SingleError(RecordBuilder.Adult().With(r => r with { ForeignSubjects = [new SourceRef("Observation/x", "Observation.subject")] }));
        Assert.Equal("multiple-patients", error.Code);
    }

    [Fact]
    public void Impossible_values_dated_after_as_of_are_ignored()
    {
        Assert.True(RecordBuilder.Adult().Relapse(-5).Edss(3, 12).Measure(MeasurementKind.WeightKg, 2, 900).Evaluate().IsValid);
    }

    [Fact]
    public void A_dose_without_a_unit_is_read_as_mg_and_the_rationale_says_so()
    {
        var r = RecordBuilder.Adult().Relapse(-10).Edss(-100, 2).Edss(-9, 4).Steroids(-9, 5, 1000, unitAssumed: true).Recommend();
        Assert.Equal(TreatmentStage.SteroidsGiven, r.Episode.TreatmentStage);
        Assert.Contains(r.Rationale, x => x.Rule == "R0" && x.Text.Contains("read as mg", StringComparison.Ordinal));
    }

    // R0: "an unknown or missing unit on a value the engine uses". Steroid doses are read for courses from 365 days
    // before the current attack's onset (the frequent-courses window of R8.4) to asOf: in that window a dose whose
    // unit is neither mg nor g is rejected, naming the resource and its dose element.
    [Fact]
    public void A_steroid_dose_in_an_unknown_unit_since_the_attack_is_rejected()
    {
        var error = SingleError(RecordBuilder.Adult().Attack(-10, 2, 4).SteroidsWithUnknownUnit(-9));
        Assert.Equal("unknown-unit", error.Code);
        Assert.StartsWith("MedicationRequest/", error.Source!.Resource, StringComparison.Ordinal);
        Assert.Contains("dose", error.Source.Path, StringComparison.Ordinal);
        Assert.Contains("'mL'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_five_day_order_in_an_unknown_unit_gives_one_error_for_its_resource()
    {
        var result = RecordBuilder.Adult().Attack(-10, 2, 4).SteroidsWithUnknownUnit(-9, days: 5).Evaluate();
        Assert.Null(result.Recommendation);
        Assert.Equal("unknown-unit", Assert.Single(result.Errors).Code);
    }

    // Onset day −10: the window opens 365 days earlier, on day −375 (judged); day −376 is outside (not judged).
    [Trait("Ruling", "A38")]
    [Theory]
    [InlineData(-375, false)]
    [InlineData(-376, true)]
    public void A_steroid_dose_in_an_unknown_unit_is_judged_from_365_days_before_the_attacks_onset(int doseDay, bool valid)
    {
        Assert.Equal(valid, RecordBuilder.Adult().Attack(-10, 2, 4).SteroidsWithUnknownUnit(doseDay).Evaluate().IsValid);
    }

    // Without an attack the window is the 365 days before asOf: day −365 is judged, day −366 is not.
    [Theory]
    [InlineData(-365, false)]
    [InlineData(-366, true)]
    public void Without_an_attack_doses_in_an_unknown_unit_are_judged_over_the_last_365_days(int doseDay, bool valid)
    {
        Assert.Equal(valid, RecordBuilder.Adult().SteroidsWithUnknownUnit(doseDay).Evaluate().IsValid);
    }

    [Fact]
    public void A_dose_in_an_unknown_unit_dated_after_as_of_is_not_yet_known()
    {
        Assert.True(RecordBuilder.Adult().Attack(-10, 2, 4).SteroidsWithUnknownUnit(1).Evaluate().IsValid);
    }

    // The FHIR reader reports multiple-patients itself; a record built by another adapter (or by hand) with resources
    // of another subject must still be rejected by R0, one error per foreign resource, whatever else it holds.
    [Fact]
    public void A_complete_record_with_resources_of_two_other_subjects_is_rejected_once_per_resource()
    {
        var result = RecordBuilder.Adult().Attack(-10, 2, 4).Body()
            .With(r => r with { ForeignSubjects = [new SourceRef("Observation/b", "Observation.subject"), new SourceRef("Condition/a", "Condition.subject")] })
            .Evaluate();
        Assert.Null(result.Recommendation);
        Assert.Equal(["Condition/a", "Observation/b"], result.Errors.Select(e => e.Source!.Resource));
        Assert.All(result.Errors, e => Assert.Equal("multiple-patients", e.Code));
    }

    // A46: a height is read at any date only when the patient was 18 or over when it was measured; a height measured
    // before 18 counts for 90 days, and R0 judges it only there. A 20-year-old's impossible height from age 10 is not judged.
    [Trait("Ruling", "A46")]
    [Fact]
    public void A_height_measured_before_18_and_older_than_90_days_is_not_judged()
    {
        Assert.True(RecordBuilder.Adult(ageYears: 20).Relapse(-5).Measure(MeasurementKind.HeightCm, -3650, 30).Evaluate().IsValid);
        Assert.False(RecordBuilder.Adult(ageYears: 20).Relapse(-5).Measure(MeasurementKind.HeightCm, -700, 30).Evaluate().IsValid);
    }

    // A27: temperatures are judged in the last 3 days and in R2.3's window around the attack's onset (onset − 14 to
    // onset + 3): an impossible value 10 days ago (in the window) is rejected, one 40 days ago is not judged.
    [Trait("Ruling", "A27")]
    [Fact]
    public void An_impossible_temperature_is_judged_only_where_a_rule_reads_temperatures()
    {
        Assert.False(RecordBuilder.Adult().Attack(-2, 2.0, 3.5).Temperature(-10, 55).Evaluate().IsValid);
        Assert.True(RecordBuilder.Adult().Attack(-2, 2.0, 3.5).Temperature(-40, 55).Evaluate().IsValid);
    }
}
