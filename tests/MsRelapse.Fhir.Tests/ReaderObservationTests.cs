using MsRelapse.Core.Model;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>fhir-profile.md "Read": observations, units and their conversions (clinical.md, Conventions).</summary>
public sealed class ReaderObservationTests
{
    private static Measurement OneMeasurement(string observation)
    {
        var record = ReadValid(Bundle(observation));
        return Assert.Single(record.Measurements);
    }

    [Theory]
    // weight: 82 kg as is; 82000 g ÷ 1000 = 82 kg; 180 lb × 0.45359237 = 81.6466266 kg
    [InlineData("29463-7", 82, "kg", MeasurementKind.WeightKg, 82)]
    [InlineData("29463-7", 82000, "g", MeasurementKind.WeightKg, 82)]
    [InlineData("29463-7", 180, "[lb_av]", MeasurementKind.WeightKg, 81.646627)]
    // height: 1.81 m × 100 = 181 cm; 70 in × 2.54 = 177.8 cm
    [InlineData("8302-2", 181, "cm", MeasurementKind.HeightCm, 181)]
    [InlineData("8302-2", 1.81, "m", MeasurementKind.HeightCm, 181)]
    [InlineData("8302-2", 70, "[in_i]", MeasurementKind.HeightCm, 177.8)]
    // hematocrit: 44 % as is; fraction 0.44 × 100 = 44 % (UCUM "1" or "L/L")
    [InlineData("4544-3", 44, "%", MeasurementKind.HematocritPercent, 44)]
    [InlineData("4544-3", 0.44, "1", MeasurementKind.HematocritPercent, 44)]
    [InlineData("4544-3", 0.44, "L/L", MeasurementKind.HematocritPercent, 44)]
    // temperature: 38.4 Cel as is; (100.4 − 32) × 5/9 = 38.0 °C; (98.6 − 32) × 5/9 = 37.0 °C
    [InlineData("8310-5", 38.4, "Cel", MeasurementKind.TemperatureCelsius, 38.4)]
    [InlineData("8310-5", 100.4, "[degF]", MeasurementKind.TemperatureCelsius, 38.0)]
    [InlineData("8310-5", 98.6, "[degF]", MeasurementKind.TemperatureCelsius, 37.0)]
    // systolic alone (8480-6)
    [InlineData("8480-6", 120, "mm[Hg]", MeasurementKind.SystolicMmHg, 120)]
    // calcium: 2.2 mmol/L × 4.008 = 8.8176 mg/dL
    [InlineData("17861-6", 9.2, "mg/dL", MeasurementKind.CalciumMgPerDl, 9.2)]
    [InlineData("17861-6", 2.2, "mmol/L", MeasurementKind.CalciumMgPerDl, 8.8176)]
    // fibrinogen: 2.5 g/L × 100 = 250 mg/dL; IgG: 9.8 g/L × 100 = 980 mg/dL
    [InlineData("3255-7", 2.5, "g/L", MeasurementKind.FibrinogenMgPerDl, 250)]
    [InlineData("3255-7", 250, "mg/dL", MeasurementKind.FibrinogenMgPerDl, 250)]
    [InlineData("2465-3", 9.8, "g/L", MeasurementKind.IgGMgPerDl, 980)]
    [InlineData("2465-3", 980, "mg/dL", MeasurementKind.IgGMgPerDl, 980)]
    [InlineData("4548-4", 6.1, "%", MeasurementKind.HbA1cPercent, 6.1)]
    public void Observation_values_are_converted_to_canonical_units(string loinc, double value, string ucum, MeasurementKind kind, double expected)
    {
        var m = OneMeasurement(Loinc("o1", loinc, "2026-05-10", Q(value, ucum)));
        Assert.Equal(kind, m.Kind);
        Assert.Equal(expected, m.Value, 6);
        Assert.Null(m.UnitProblem);
        Assert.Equal(ucum, m.SourceUnit);
        Assert.Equal("Observation/o1", m.Source.Resource);
    }

    [Fact]
    public void Without_UCUM_system_the_free_unit_text_is_used()
    {
        // Quantity.unit "lb" (no system): 200 lb × 0.45359237 = 90.718474 kg.
        var m = OneMeasurement(Loinc("o1", "29463-7", "2026-05-10", Q(200, null, "lb")));
        Assert.Equal(90.718474, m.Value, 6);
        Assert.Null(m.UnitProblem);
    }

    [Fact]
    public void With_UCUM_system_the_code_wins_over_the_display_unit()
    {
        // unit text says "pounds" but the UCUM code is kg: the code is the unit (clinical.md R0).
        var m = OneMeasurement(Loinc("o1", "29463-7", "2026-05-10", Q(80, "kg", "pounds")));
        Assert.Equal(80, m.Value);
        Assert.Null(m.UnitProblem);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("[stone_av]", null)]
    [InlineData(null, "furlongs")]
    public void Unknown_or_missing_unit_keeps_the_raw_value_and_says_so(string? ucum, string? unit)
    {
        var m = OneMeasurement(Loinc("o1", "29463-7", "2026-05-10", Q(13, ucum, unit)));
        Assert.Equal(13, m.Value);
        Assert.NotNull(m.UnitProblem);
        Assert.Contains("kg", m.UnitProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void Hematocrit_fraction_written_in_percent_is_left_for_R0_to_name()
    {
        var m = OneMeasurement(Loinc("o1", "4544-3", "2026-05-10", Q(0.44, "%")));
        Assert.Equal(0.44, m.Value);
        Assert.Null(m.UnitProblem);
    }

    [Fact]
    public void Blood_pressure_panel_gives_the_systolic_component()
    {
        var panel = """
            {"resourceType":"Observation","id":"bp","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-10T08:15:00",
             "component":[
               {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":60,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
               {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":85,"system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}
            """;
        var m = OneMeasurement(panel);
        Assert.Equal(MeasurementKind.SystolicMmHg, m.Kind);
        Assert.Equal(85, m.Value);
        Assert.Equal(new ClinicalTime(new DateOnly(2026, 5, 10), new TimeOnly(8, 15)), m.When);
        Assert.Equal("Observation.component[1].valueQuantity", m.Source.Path);
    }

    [Fact]
    public void Observation_entered_in_error_is_ignored()
    {
        var obs = Loinc("o1", "29463-7", "2026-05-10", Q(82, "kg")).Replace("\"final\"", "\"entered-in-error\"", StringComparison.Ordinal);
        Assert.Empty(ReadValid(Bundle(obs)).Measurements);
    }

    [Fact]
    public void Edss_total_is_read_unitless_as_recorded()
    {
        var record = ReadValid(Bundle(Obs("e1", "http://snomed.info/sct", "273554001", "2026-04-24", Q(6.0, "{score}"))));
        var a = Assert.Single(record.EdssAssessments);
        Assert.Equal(6.0, a.RecordedTotal);
        Assert.True(a.FunctionalSystems.IsEmpty);
        Assert.Equal(ClinicalTime.On(new DateOnly(2026, 4, 24)), a.When);
    }

    [Fact]
    public void Edss_by_MSR_code_with_impossible_total_is_kept_raw_for_R0()
    {
        var record = ReadValid(Bundle(Obs("e1", "http://msrelapse.org/fhir/CodeSystem/msrelapse", "edss", "2026-04-24", "{\"value\":11.5}")));
        Assert.Equal(11.5, Assert.Single(record.EdssAssessments).RecordedTotal);
    }

    [Theory]
    // clinical.md R0: EDSS is unitless. No unit, UCUM 1, the annotation {score} or the text "points" is a score.
    [InlineData("{\"value\":3.5}")]
    [InlineData("{\"value\":3.5,\"system\":\"http://unitsofmeasure.org\",\"code\":\"1\"}")]
    [InlineData("{\"value\":3.5,\"system\":\"http://unitsofmeasure.org\",\"code\":\"{score}\"}")]
    [InlineData("{\"value\":3.5,\"unit\":\"points\"}")]
    [InlineData("{\"value\":3.5,\"unit\":\"Score\"}")]
    public void Edss_total_without_a_physical_unit_is_read_as_a_score(string quantity)
    {
        var record = ReadValid(Bundle(Obs("e1", "http://snomed.info/sct", "273554001", "2026-04-24", quantity)));
        Assert.Equal(3.5, Assert.Single(record.EdssAssessments).RecordedTotal);
    }

    [Theory]
    // A weight or a pressure recorded under the EDSS code is not a score: R0 rejects it, naming the unit element.
    [InlineData("{\"value\":3.5,\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}", "kg")]
    [InlineData("{\"value\":3.5,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}", "mm[Hg]")]
    [InlineData("{\"value\":3.5,\"unit\":\"cm\"}", "cm")]
    // the UCUM code wins over the display unit when the system is UCUM (R0)
    [InlineData("{\"value\":3.5,\"unit\":\"score\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"%\"}", "%")]
    public void Edss_total_with_a_physical_unit_is_an_unknown_unit_error(string quantity, string unit)
    {
        var result = FhirRecordReader.Read(Bundle(Obs("e1", "http://snomed.info/sct", "273554001", "2026-04-24", quantity)));
        Assert.Null(result.Record);
        var error = Assert.Single(result.Errors);
        Assert.Equal("unknown-unit", error.Code);
        Assert.Equal(new SourceRef("Observation/e1", "Observation.valueQuantity.code"), error.Source);
        Assert.Contains($"'{unit}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("EDSS is unitless", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edss_assessed_years_ago_with_a_physical_unit_is_still_rejected_because_R0_judges_every_EDSS()
    {
        var quantity = "{\"value\":2,\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}";
        var outcome = FhirEvaluation.Evaluate(Bundle(Obs("e0", "http://snomed.info/sct", "273554001", "2011-01-10", quantity)), new DateOnly(2026, 5, 11));
        Assert.Null(outcome.Recommendation);
        Assert.Equal("unknown-unit", Assert.Single(outcome.Errors).Code);
    }

    [Theory]
    [InlineData("pyramidal", "The pyramidal functional system score")]
    [InlineData("ambulation", "The ambulation score")]
    public void Functional_system_or_ambulation_component_with_a_physical_unit_is_an_unknown_unit_error_at_its_component(string system, string what)
    {
        var obs = $$$"""
            {"resourceType":"Observation","id":"e3","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"273554001"}]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-09",
             "component":[{"code":{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"visual"}]},"valueQuantity":{"value":1,"system":"http://unitsofmeasure.org","code":"1"}},
                          {"code":{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"{{{system}}}"}]},"valueQuantity":{"value":3,"unit":"kg"}}]}
            """;
        var error = Assert.Single(FhirRecordReader.Read(Bundle(obs)).Errors);
        Assert.Equal("unknown-unit", error.Code);
        Assert.Equal("Observation.component[1].valueQuantity.code", error.Source?.Path);
        Assert.StartsWith("Observation.component[1].valueQuantity.code 'kg' is not a unit of a score: " + what + " is unitless", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edss_components_are_read_as_raw_functional_systems()
    {
        static string C(string code, string value) =>
            $$"""{"code":{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"{{code}}"}]},{{value}}}""";
        var obs = $$"""
            {"resourceType":"Observation","id":"e2","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"273554001"}]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-09",
             "component":[{{C("visual", "\"valueInteger\":1")}},{{C("brainstem", "\"valueInteger\":0")}},{{C("pyramidal", "\"valueInteger\":4")}},
               {{C("cerebellar", "\"valueInteger\":0")}},{{C("sensory", "\"valueQuantity\":{\"value\":2}")}},{{C("bowel-bladder", "\"valueInteger\":3")}},
               {{C("cerebral", "\"valueInteger\":0")}},{{C("ambulation", "\"valueInteger\":5")}}]}
            """;
        var a = Assert.Single(ReadValid(Bundle(obs)).EdssAssessments);
        Assert.Null(a.RecordedTotal);
        Assert.Equal(new RawFunctionalSystems(1, 0, 4, 0, 2, 3, 0, 5), a.FunctionalSystems);
        Assert.True(a.FunctionalSystems.IsComplete);
    }

    [Fact]
    public void A_functional_system_given_twice_keeps_its_last_score_and_other_components_are_skipped()
    {
        static string C(string system, string code, int value) =>
            $$"""{"code":{"coding":[{"system":"{{system}}","code":"{{code}}"}]},"valueInteger":{{value}}}""";
        const string Msr = "http://msrelapse.org/fhir/CodeSystem/msrelapse", Loinc = "http://loinc.org";
        var obs = $$"""
            {"resourceType":"Observation","id":"e4","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"273554001"}]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-09","valueQuantity":{"value":4.0},
             "component":[{{C(Msr, "pyramidal", 2)}},{{C(Loinc, "8480-6", 120)}},{{C(Msr, "sensory", 1)}},{{C(Msr, "pyramidal", 3)}}]}
            """;

        // Both readers (ReadValid runs the differential): the later pyramidal score wins, the LOINC component is no FS.
        var a = Assert.Single(ReadValid(Bundle(obs)).EdssAssessments);
        Assert.Equal(4.0, a.RecordedTotal);
        Assert.Equal(new RawFunctionalSystems(Pyramidal: 3, Sensory: 1), a.FunctionalSystems);
        Assert.False(a.FunctionalSystems.IsComplete);
    }

    [Fact]
    public void Codings_components_and_interpretations_written_as_nested_arrays_or_with_nulls_read_as_Firely_reads_them()
    {
        // Firely flattens a nested array and keeps a null item of a list as null (a null coding is left out): the
        // UTF-8 reader takes a slower path for these shapes than for the flat lists nearly every export writes.
        const string Msr = "http://msrelapse.org/fhir/CodeSystem/msrelapse";
        var edss = $$"""
            {"resourceType":"Observation","id":"e5","status":"final",
             "code":{"coding":[null,[{"system":"http://snomed.info/sct","code":"273554001"}]]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-09","valueQuantity":{"value":4.5},
             "component":[[{"code":{"coding":[{"system":"{{Msr}}","code":"pyramidal"}]},"valueInteger":3}],
                          {"code":{"coding":[[{"system":"{{Msr}}","code":"sensory"}]]},"valueInteger":2}]}
            """;
        var aqp4 = """
            {"resourceType":"Observation","id":"f1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"68548-7"}]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueString":"see report",
             "interpretation":[null,[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"POS"}]}]]}
            """;

        // ReadValid runs the differential: both readers give this record.
        var record = ReadValid(Bundle(edss, aqp4));
        var a = Assert.Single(record.EdssAssessments);
        Assert.Equal(4.5, a.RecordedTotal);
        Assert.Equal(new RawFunctionalSystems(Pyramidal: 3, Sensory: 2), a.FunctionalSystems);
        var f = Assert.Single(record.Findings);
        Assert.Equal(FindingKind.Aqp4IgG, f.Kind);
        Assert.True(f.Positive);
    }

    [Theory]
    [InlineData("5802-4", FindingKind.UrineNitrite)]
    [InlineData("68548-7", FindingKind.Aqp4IgG)]
    [InlineData("63439-4", FindingKind.Aqp4IgG)]
    [InlineData("46718-3", FindingKind.Aqp4IgG)]
    [InlineData("91545-4", FindingKind.MogIgG)]
    [InlineData("63895-7", FindingKind.Breastfeeding)]
    public void Positive_findings_by_SNOMED_positive_value(string loinc, FindingKind kind)
    {
        var value = """{"coding":[{"system":"http://snomed.info/sct","code":"10828004"}]}""";
        var f = Assert.Single(ReadValid(Bundle(Obs("f", "http://loinc.org", loinc, "2026-05-01", value, "valueCodeableConcept"))).Findings);
        Assert.Equal(kind, f.Kind);
        Assert.True(f.Positive);
    }

    [Fact]
    public void Positive_by_interpretation_POS_and_negative_by_another_value()
    {
        var pos = """
            {"resourceType":"Observation","id":"f","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"68548-7"}]},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueString":"see report",
             "interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"POS"}]}]}
            """;
        Assert.True(Assert.Single(ReadValid(Bundle(pos)).Findings).Positive);

        var negative = """{"coding":[{"system":"http://snomed.info/sct","code":"260385009"}]}""";
        Assert.False(Assert.Single(ReadValid(Bundle(Obs("f", "http://loinc.org", "5802-4", "2026-05-01", negative, "valueCodeableConcept"))).Findings).Positive);
    }

    [Fact]
    public void Pregnancy_observation_is_positive_with_SNOMED_pregnant()
    {
        var pregnant = """{"coding":[{"system":"http://snomed.info/sct","code":"77386006"}]}""";
        var f = Assert.Single(ReadValid(Bundle(Obs("f", "http://loinc.org", "82810-3", "2026-03-01", pregnant, "valueCodeableConcept"))).Findings);
        Assert.Equal(FindingKind.Pregnancy, f.Kind);
        Assert.True(f.Positive);
        var notPregnant = """{"coding":[{"system":"http://snomed.info/sct","code":"60001007"}]}""";
        Assert.False(Assert.Single(ReadValid(Bundle(Obs("f", "http://loinc.org", "82810-3", "2026-03-01", notPregnant, "valueCodeableConcept"))).Findings).Positive);
    }

    [Fact]
    public void MSR_breastfeeding_observation_without_value_states_breastfeeding()
    {
        var obs = """{"resourceType":"Observation","id":"bf","status":"final","code":{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"breastfeeding"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-04-01"}""";
        var f = Assert.Single(ReadValid(Bundle(obs)).Findings);
        Assert.Equal(FindingKind.Breastfeeding, f.Kind);
        Assert.True(f.Positive);
    }
}
