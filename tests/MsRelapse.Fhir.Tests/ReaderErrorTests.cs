using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>Input the reader must refuse, each with a stable code, the resource and the element path.</summary>
public sealed class ReaderErrorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[ {"resource":{"resourceType":"Patient","id":"p1"}} """)]
    [InlineData("""{"resourceType":"Bundle",, "type":"collection"}""")]
    public void Malformed_JSON_is_a_parse_error(string input)
    {
        var result = FhirRecordReader.Read(input);
        Assert.Null(result.Record);
        var error = Assert.Single(result.Errors);
        Assert.Equal("fhir-parse-error", error.Code);
    }

    [Fact]
    public void Parse_error_names_the_line_and_position_reported_by_the_parser()
    {
        var error = Assert.Single(FhirRecordReader.Read("{\n  \"resourceType\": \"Bundle\",\n  ,\n}").Errors);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"p1"}""", "Patient")]
    [InlineData("""{"id":"p1"}""", "resourceType")]
    [InlineData("""[1,2,3]""", "")]
    public void JSON_that_is_not_a_Bundle_is_refused(string input, string mentioned)
    {
        var result = FhirRecordReader.Read(input);
        Assert.Null(result.Record);
        var error = Assert.Single(result.Errors);
        Assert.True(error.Code is "not-a-bundle" or "fhir-parse-error", error.Code);
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resources_of_two_patients_are_refused_naming_the_resources()
    {
        var other = Condition("c9", "http://snomed.info/sct", "192929006", "2026-05-01").Replace("Patient/p1", "Patient/p2", StringComparison.Ordinal);
        var result = FhirRecordReader.Read(Bundle(other));
        Assert.Null(result.Record);
        var error = Assert.Single(result.Errors);
        Assert.Equal("multiple-patients", error.Code);
        Assert.Contains("Condition/c9", error.Message, StringComparison.Ordinal);
        Assert.Contains("Patient/p1", error.Message, StringComparison.Ordinal);
        // Each patient with the first resource that names it, and the error on the stray resource — not on the Bundle's
        // last resource, whoever it belonged to (a CLI review found it pointing at one of p1's).
        Assert.Contains("p1: Patient/p1; p2: Condition/c9", error.Message, StringComparison.Ordinal);
        Assert.Equal("Condition/c9", error.Source?.Resource);

        var middle = FhirRecordReader.Read(Bundle(other, Condition("c10", "http://snomed.info/sct", "192929006", "2026-05-02")));
        Assert.Equal("Condition/c9", Assert.Single(middle.Errors).Source?.Resource);
    }

    [Fact]
    public void A_weight_without_a_unit_is_refused_saying_once_which_units_are_accepted()
    {
        // The reader listed the units it accepts and R0 added its own list after it: "(expected one of …) (expected …)".
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(MsRelapse.Testing.SharedExamples.Load("steroid-refractory-relapse"))!;
        var weight = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["resourceType"] == "Observation" && (string?)r["valueQuantity"]?["code"] == "kg");
        weight["valueQuantity"]!.AsObject().Remove("code");
        weight["valueQuantity"]!.AsObject().Remove("unit");
        var error = Assert.Single(FhirEvaluation.Evaluate(bundle.ToJsonString(), new DateOnly(2026, 5, 11)).Errors);
        Assert.Equal("unknown-unit", error.Code);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, @"\(expected"));
        Assert.Contains("no unit (expected one of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_Patient_resources_are_refused()
    {
        var result = FhirRecordReader.Read(Bundle("""{"resourceType":"Patient","id":"p2"}"""));
        Assert.Equal("multiple-patients", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void References_by_absolute_url_and_urn_uuid_to_the_same_patient_are_one_patient()
    {
        var json = """
            {"resourceType":"Bundle","type":"searchset","entry":[
             {"fullUrl":"urn:uuid:aaaa","resource":{"resourceType":"Patient","id":"p1"}},
             {"resource":{"resourceType":"Condition","id":"c1","code":{"text":"x"},"subject":{"reference":"urn:uuid:aaaa"}}},
             {"resource":{"resourceType":"Condition","id":"c2","code":{"text":"x"},"subject":{"reference":"https://ehr.example.org/fhir/Patient/p1/_history/3"}}},
             {"resource":{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"x"},"subject":{"reference":"Group/g1"}}}]}
            """;
        Assert.Empty(FhirRecordReader.Read(json).Errors);
    }

    [Fact]
    public void A_bundle_without_a_Patient_is_refused_with_no_patient_even_when_its_resources_name_one()
    {
        // fhir-profile.md: a Bundle with no Patient is an error (no one to evaluate); it used to read as "observe".
        var result = FhirRecordReader.Read(BundleWithoutPatient(Condition("c1", "http://snomed.info/sct", "192929006", "2026-05-01")));
        var error = Assert.Single(result.Errors);
        Assert.Equal("no-patient", error.Code);
        Assert.Equal("p1", result.Record?.PatientId);
        Assert.False(result.IsValid);

        var empty = FhirEvaluation.Evaluate("""{"resourceType":"Bundle","type":"collection","entry":[]}""", new DateOnly(2026, 5, 11));
        Assert.Null(empty.Recommendation);
        Assert.Equal("no-patient", Assert.Single(empty.Errors).Code);
    }

    [Theory]
    [InlineData("[]", "a JSON array")]
    [InlineData("[1,2,3]", "a JSON array")]
    [InlineData("\"a Bundle\"", "a JSON string")]
    [InlineData("42", "a JSON number")]
    [InlineData("null", "JSON null")]
    public void JSON_that_is_not_an_object_says_what_it_is_in_words(string input, string what)
    {
        // Firely throws on such a root: the message named its exception (InvalidOperationException) instead.
        foreach (var result in new[] { FhirRecordReader.Read(input), Utf8RecordReader.Read(System.Text.Encoding.UTF8.GetBytes(input)) })
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("not-a-bundle", error.Code);
            Assert.Equal($"Expected a FHIR R4 Bundle (a JSON object): found {what}.", error.Message);
        }
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"p1","gender":"female","birthDate":1990}""", "Patient/p1", "Patient.birthDate", "integer 1990 is not the right type of literal for a date")]
    [InlineData("""{"resourceType":"Condition","id":"r1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"192929006"}]},"onsetDateTime":5}""", "Condition/r1", "Condition.onset", "integer 5 is not the right type of literal for a dateTime")]
    public void A_value_of_the_wrong_JSON_type_is_named_by_its_path_in_words(string resource, string label, string path, string words)
    {
        // These named the exception before ("Patient: could not be read (CodedValidationException)").
        var bundle = resource.StartsWith("""{"resourceType":"Patient""", StringComparison.Ordinal) ? BundleWithoutPatient(resource) : Bundle(resource);
        foreach (var result in new[] { FhirRecordReader.Read(bundle), Utf8RecordReader.Read(System.Text.Encoding.UTF8.GetBytes(bundle)) })
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("fhir-invalid-value", error.Code);
            Assert.Equal(label, error.Source!.Resource);
            Assert.Equal($"{path}: {words}.", error.Message);
        }
    }

    [Fact]
    public void An_invalid_date_on_a_fact_the_pathway_reads_is_an_error_with_resource_and_path()
    {
        var result = FhirRecordReader.Read(Bundle(Condition("r1", "http://snomed.info/sct", "192929006", "2026-13-45")));
        var error = Assert.Single(result.Errors);
        Assert.Equal("fhir-invalid-value", error.Code);
        Assert.Equal("Condition/r1", error.Source!.Resource);
        Assert.Equal("Condition.onsetDateTime", error.Source.Path);
    }

    [Fact]
    public void A_non_numeric_value_on_a_measurement_is_an_error_with_resource_and_path()
    {
        var obs = """{"resourceType":"Observation","id":"w1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-10","valueQuantity":{"value":"heavy","system":"http://unitsofmeasure.org","code":"kg"}}""";
        var error = Assert.Single(FhirRecordReader.Read(Bundle(obs)).Errors);
        Assert.Equal("fhir-invalid-value", error.Code);
        Assert.Equal("Observation/w1", error.Source!.Resource);
        Assert.StartsWith("Observation.value", error.Source.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_values_in_resources_the_pathway_does_not_read_are_tolerated()
    {
        // An Encounter with a bad date and an unknown element, an Observation we do not read with a bad number,
        // and an unknown element on a Patient (US Core style): none of it matters to the pathway.
        var record = ReadValid(Bundle(
            """{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"AMB"},"period":{"start":"yesterday"},"madeUp":1,"subject":{"reference":"Patient/p1"}}""",
            """{"resourceType":"Observation","id":"o9","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2093-3"}]},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":"n/a"}}"""));
        Assert.Empty(record.Measurements);
    }

    [Fact]
    public void Unknown_unit_is_not_a_reading_error_the_engine_decides()
    {
        var result = FhirRecordReader.Read(Bundle(Loinc("o1", "8310-5", "2026-05-10", Q(38.5, "K"))));
        Assert.Empty(result.Errors);
        Assert.NotNull(Assert.Single(result.Record!.Measurements).UnitProblem);
    }

    [Fact]
    public void Every_truncation_of_a_real_bundle_is_refused_cleanly_never_thrown()
    {
        // Cut the steroid-refractory example at every 37th character: each prefix is malformed JSON (or, at the
        // very end, the whole bundle); the reader must answer with an error or a record, never an exception.
        var json = File.ReadAllText(Path.Combine(SharedData.Examples, "steroid-refractory-relapse.json")).TrimEnd();
        for (var length = 0; length < json.Length; length += 37)
        {
            var result = FhirRecordReader.Read(json[..length]);
            Assert.Null(result.Record);
            Assert.Contains(result.Errors, e => e.Code is "fhir-parse-error" or "not-a-bundle");
        }

        Assert.Empty(FhirRecordReader.Read(json).Errors);
    }

    [Theory]
    [InlineData("\"effectiveDateTime\":\"2026-05-10\"", "\"effectiveDateTime\":17")]
    [InlineData("\"valueQuantity\":{", "\"valueQuantity\":[1],\"x\":{")]
    [InlineData("\"code\":{\"coding\"", "\"code\":\"weight\",\"c2\":{\"coding\"")]
    public void Wrongly_typed_elements_never_crash_the_reader(string from, string to)
    {
        var obs = Loinc("w1", "29463-7", "2026-05-10", Q(80, "kg")).Replace(from, to, StringComparison.Ordinal);
        var result = FhirRecordReader.Read(Bundle(obs));
        Assert.True(result.Record is not null || result.Errors.Count > 0);
        Assert.All(result.Errors, e => Assert.Equal("Observation/w1", e.Source?.Resource));
    }
}
