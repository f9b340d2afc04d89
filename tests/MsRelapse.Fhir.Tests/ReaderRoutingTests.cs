using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Testing;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// Resources the reader does not map are not parsed by Firely (pre-scan), yet they still count for what the reader
/// needs of them: the one-patient check and reference targets. And a Bundle parsed by the caller reads the same.
/// </summary>
public sealed class ReaderRoutingTests
{
    [Fact]
    public void An_unmapped_resource_of_another_patient_is_still_refused_as_a_second_patient()
    {
        var encounter = """{"resourceType":"Encounter","id":"enc9","status":"finished","subject":{"reference":"Patient/p2"}}""";
        var error = Assert.Single(FhirRecordReader.Read(Bundle(encounter)).Errors);
        Assert.Equal("multiple-patients", error.Code);
        Assert.Contains("Encounter/enc9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subject_that_is_a_Group_in_the_bundle_is_not_a_second_patient()
    {
        var group = """{"resourceType":"Group","id":"g1","type":"person","actual":true}""";
        var encounter = """{"resourceType":"Encounter","id":"enc1","status":"finished","subject":{"reference":"Group/g1"}}""";
        Assert.True(FhirRecordReader.Read(Bundle(group, encounter)).IsValid);
    }

    [Fact]
    public void Unknown_resource_types_are_ignored_even_when_they_name_another_patient()
    {
        // Not a FHIR R4 resource type: Firely drops it, so does the pre-scan (fhir-profile.md: unknown resources).
        var unknown = """{"resourceType":"NoSuchThing","id":"x","subject":{"reference":"Patient/p2"}}""";
        Assert.True(FhirRecordReader.Read(Bundle(unknown)).IsValid);
    }

    [Fact]
    public void A_Bundle_parsed_by_the_caller_reads_as_the_same_JSON_does()
    {
        foreach (var name in SharedExamples.Names)
        {
            var json = SharedExamples.Load(name);
            var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(json);
            var fromJson = FhirRecordReader.Read(json);
            var fromBundle = FhirRecordReader.Read(bundle);
            Assert.Equal(fromJson.Errors, fromBundle.Errors);
            Assert.Equivalent(fromJson.Record, fromBundle.Record, strict: true);
        }
    }

    [Fact]
    public void A_value_of_the_wrong_JSON_type_in_a_mapped_resource_is_named_with_its_element()
    {
        // Firely's validator runs only on this error path: it names the element and what is wrong with it.
        var obs = """{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":12}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":70,"unit":"kg"}}""";
        var error = Assert.Single(FhirRecordReader.Read(Bundle(obs)).Errors);
        Assert.Equal("fhir-invalid-value", error.Code);
        Assert.Equal("Observation.code.coding[0].code", error.Source?.Path);
        Assert.Contains("integer 12", error.Message, StringComparison.Ordinal);
    }
}
