using System.Globalization;
using MsRelapse.Core.Model;
using MsRelapse.Testing;

namespace MsRelapse.Fhir.Tests;

/// <summary>Small FHIR bundles written as JSON literals: one Patient p1 plus the resources given.</summary>
internal static class TestBundles
{
    public const string PatientP1 = """{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1985-03-14"}""";

    public static string Bundle(params string[] resources) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" +
        string.Join(",", new[] { PatientP1 }.Concat(resources).Select(r => "{\"resource\":" + r + "}")) + "]}";

    public static string BundleWithoutPatient(params string[] resources) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" +
        string.Join(",", resources.Select(r => "{\"resource\":" + r + "}")) + "]}";

    public static PatientRecord ReadValid(string bundleJson)
    {
        // Every test bundle read here is also read by the UTF-8 reader, which must give the same record, and its
        // resources as lines both ways of reading an Observation (ObservationLinesTests).
        ReaderDifferential.AssertSame(bundleJson);
        ObservationLinesTests.AssertSameBothWays(SharedData.ResourceLines(bundleJson), bundleJson);
        var result = FhirRecordReader.Read(bundleJson);
        Assert.True(result.Errors.Count == 0, string.Join("; ", result.Errors));
        Assert.NotNull(result.Record);
        return result.Record!;
    }

    public static string Q(double value, string? ucumCode, string? unit = null)
    {
        var parts = new List<string> { "\"value\":" + value.ToString("R", CultureInfo.InvariantCulture) };
        if (ucumCode is not null)
        {
            parts.Add("\"system\":\"http://unitsofmeasure.org\",\"code\":\"" + ucumCode + "\"");
        }

        if (unit is not null)
        {
            parts.Add("\"unit\":\"" + unit + "\"");
        }

        return "{" + string.Join(",", parts) + "}";
    }

    public static string Obs(string id, string system, string code, string date, string valueJson, string valueKind = "valueQuantity") =>
        $$"""{"resourceType":"Observation","id":"{{id}}","status":"final","code":{"coding":[{"system":"{{system}}","code":"{{code}}"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"{{date}}","{{valueKind}}":{{valueJson}}}""";

    public static string Loinc(string id, string code, string date, string quantityJson) => Obs(id, "http://loinc.org", code, date, quantityJson);

    public static string Condition(string id, string system, string code, string? onset = null, string? clinicalStatus = "active", string? extra = null, string? display = null, string? text = null)
    {
        var status = clinicalStatus is null ? "" : $$""","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"{{clinicalStatus}}"}]}""";
        var onsetJson = onset is null ? "" : $",\"onsetDateTime\":\"{onset}\"";
        var displayJson = display is null ? "" : $",\"display\":\"{display}\"";
        var textJson = text is null ? "" : $",\"text\":\"{text}\"";
        return $$"""{"resourceType":"Condition","id":"{{id}}"{{status}},"code":{"coding":[{"system":"{{system}}","code":"{{code}}"{{displayJson}}}]{{textJson}}},"subject":{"reference":"Patient/p1"}{{onsetJson}}{{extra ?? ""}}}""";
    }

    public static string TextCondition(string id, string text, string? onset) =>
        $$"""{"resourceType":"Condition","id":"{{id}}","code":{"text":"{{text}}"},"subject":{"reference":"Patient/p1"}{{(onset is null ? "" : $",\"onsetDateTime\":\"{onset}\"")}}}""";
}
