using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;

namespace MsRelapse.Benchmarks;

/// <summary>
/// The pathway engine alone versus the whole FHIR path (parse + map + evaluate), for a typical record (the
/// steroid-refractory example) and a long one (10 years of EDSS every 3 months plus labs). The goal:
/// evaluation alone under 5 % of the parse time.
/// </summary>
[MemoryDiagnoser]
public class PathwayBenchmarks
{
    private static readonly DateOnly AsOf = new(2026, 5, 11);

    private string typicalJson = null!;
    private string longJson = null!;
    private PatientRecord typicalRecord = null!;
    private PatientRecord longRecord = null!;
    private Recommendation typicalRecommendation = null!;

    [GlobalSetup]
    public void Setup()
    {
        typicalJson = File.ReadAllText(SharedExample("steroid-refractory-relapse.json"));
        longJson = LongBundle();
        typicalRecord = FhirRecordReader.Read(typicalJson).Record ?? throw new InvalidOperationException("typical bundle did not read");
        longRecord = FhirRecordReader.Read(longJson).Record ?? throw new InvalidOperationException("long bundle did not read");
        if (!PathwayEngine.Evaluate(longRecord, AsOf).IsValid || !PathwayEngine.Evaluate(typicalRecord, AsOf).IsValid)
        {
            throw new InvalidOperationException("benchmark records must evaluate without errors");
        }

        typicalRecommendation = PathwayEngine.Evaluate(typicalRecord, AsOf).Recommendation!;
    }

    [Benchmark(Description = "typical: engine only")]
    public EvaluationResult TypicalEngine() => PathwayEngine.Evaluate(typicalRecord, AsOf);

    [Benchmark(Description = "typical: contract JSON (UTF-8, as the service)")]
    public byte[] TypicalJson() => MsRelapse.Core.Contract.RecommendationJson.SerializeUtf8Line(typicalRecommendation);

    [Benchmark(Description = "typical: FHIR parse + map")]
    public FhirReadResult TypicalRead() => FhirRecordReader.Read(typicalJson);

    [Benchmark(Description = "typical: FHIR parse + map + engine")]
    public FhirEvaluationOutcome TypicalAll() => FhirEvaluation.Evaluate(typicalJson, AsOf);

    [Benchmark(Description = "long: engine only")]
    public EvaluationResult LongEngine() => PathwayEngine.Evaluate(longRecord, AsOf);

    [Benchmark(Description = "long: FHIR parse + map")]
    public FhirReadResult LongRead() => FhirRecordReader.Read(longJson);

    [Benchmark(Description = "long: FHIR parse + map + engine")]
    public FhirEvaluationOutcome LongAll() => FhirEvaluation.Evaluate(longJson, AsOf);

    /// <summary>
    /// 10 years (2016-05 → 2026-05) of EDSS every 3 months (40), with weight, height, hematocrit, calcium and
    /// fibrinogen at each visit (200 labs), an MS diagnosis, a relapse on 2026-04-23 with IV methylprednisolone ×
    /// 5 days: about 250 resources.
    /// </summary>
    private static string LongBundle()
    {
        var entries = new List<string>
        {
            """{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-06-01"}""",
            """{"resourceType":"Condition","id":"ms","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"426373005"}]},"subject":{"reference":"Patient/p1"},"onsetDateTime":"2012-03-01"}""",
            """{"resourceType":"Condition","id":"r1","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"192929006"}]},"subject":{"reference":"Patient/p1"},"onsetDateTime":"2026-04-23"}""",
        };
        var visit = new DateOnly(2016, 5, 1);
        for (var i = 0; visit < new DateOnly(2026, 4, 20); i++, visit = visit.AddMonths(3))
        {
            var d = visit.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            entries.Add(Obs($"edss{i}", "http://snomed.info/sct", "273554001", d, 2.0 + (i % 2 * 0.5), "{score}"));
            entries.Add(Obs($"w{i}", "http://loinc.org", "29463-7", d, 70 + (i % 5), "kg"));
            entries.Add(Obs($"h{i}", "http://loinc.org", "8302-2", d, 168, "cm"));
            entries.Add(Obs($"hct{i}", "http://loinc.org", "4544-3", d, 40 + (i % 3), "%"));
            entries.Add(Obs($"ca{i}", "http://loinc.org", "17861-6", d, 2.3, "mmol/L"));
            entries.Add(Obs($"fib{i}", "http://loinc.org", "3255-7", d, 3.1, "g/L"));
        }

        entries.Add(Obs("edss-nadir", "http://snomed.info/sct", "273554001", "2026-04-24", 6.0, "{score}"));
        for (var day = 25; day <= 29; day++)
        {
            var dd = day.ToString(CultureInfo.InvariantCulture);
            entries.Add("{\"resourceType\":\"MedicationAdministration\",\"id\":\"mp" + dd + "\",\"status\":\"completed\",\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"6902\"}]},\"subject\":{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2026-04-" + dd + "\",\"dosage\":{\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"47625008\"}]},\"dose\":{\"value\":1000,\"system\":\"http://unitsofmeasure.org\",\"code\":\"mg\"}}}");
        }

        entries.Add(Obs("edss-late", "http://snomed.info/sct", "273554001", "2026-05-09", 6.0, "{score}"));
        return new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[")
            .AppendJoin(',', entries.Select(e => "{\"resource\":" + e + "}")).Append("]}").ToString();
    }

    private static string Obs(string id, string system, string code, string date, double value, string unit) =>
        $$$"""{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"coding":[{"system":"{{{system}}}","code":"{{{code}}}"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"{{{date}}}","valueQuantity":{"value":{{{value.ToString(CultureInfo.InvariantCulture)}}},"system":"http://unitsofmeasure.org","code":"{{{unit}}}"}}""";

    /// <summary>The shared examples folder beside the repository (found from the running assembly upwards).</summary>
    private static string SharedExample(string name)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared", "examples", name);
                if (File.Exists(Path.Combine(dir.FullName, "MsRelapse.slnx")) && File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new FileNotFoundException($"shared example {name} not found beside the repository");
    }
}
