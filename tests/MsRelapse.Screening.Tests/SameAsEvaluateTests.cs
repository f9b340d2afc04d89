using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Core.Contract;
using MsRelapse.Fhir;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;

namespace MsRelapse.Screening.Tests;

/// <summary>
/// The same patient gives exactly what <c>msrelapse evaluate</c> gives for a Bundle of the same resources: the whole
/// recommendation (contract JSON), or the same errors — for every vignette and every shared example.
/// </summary>
public sealed class SameAsEvaluateTests
{
    [Fact]
    public void Every_vignette_screened_from_its_resources_gives_the_recommendation_evaluate_gives()
    {
        var runs = VignetteRuns.All;
        Assert.True(runs.Count > 200, $"only {runs.Count} vignette runs");
        foreach (var run in runs)
        {
            Assert.Equal(Render(FhirEvaluation.Evaluate(run.Run.BundleJson, run.Run.AsOf)), Render(PartitionScreener.EvaluatePatient(Lines(run.Run.BundleJson), run.Run.AsOf)));
        }
    }

    [Fact]
    public void The_shared_examples_screened_as_an_export_give_the_rows_evaluate_gives()
    {
        var bundles = SharedExamples.Names.Select(SharedExamples.Load).ToList();
        // The four examples share the patient id p1: one export per example.
        foreach (var bundle in bundles)
        {
            var export = ExportFixture.ExportOf([bundle]);
            var output = ExportFixture.TempDirectory();
            try
            {
                ScreenRun.Run(new ScreenOptions(export, output, SharedExamples.AsOf, PartitionCount: 4));
                var csv = File.ReadAllLines(Path.Combine(output, "patients.csv"));
                var expected = PartitionScreener.RowOf("p1", FhirEvaluation.Evaluate(bundle, SharedExamples.AsOf), SharedExamples.AsOf);
                Assert.Equal(string.Join(',', ScreenResultMerger.CsvCells(expected)), Assert.Single(csv.Skip(1)));
                Assert.Null(expected.Error);
            }
            finally
            {
                Directory.Delete(export, true);
                Directory.Delete(output, true);
            }
        }
    }

    private static string Render(FhirEvaluationOutcome outcome) =>
        outcome.Recommendation is { } r
            ? RecommendationJson.Serialize(r)
            : string.Join("\n", outcome.Errors.Select(e => $"{e.Code} @ {e.Source?.Resource}"));

    private static List<ReadOnlyMemory<byte>> Lines(string bundleJson) =>
        [.. (JsonNode.Parse(bundleJson)!["entry"]?.AsArray() ?? []).Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e!["resource"]!.ToJsonString()))];
}
