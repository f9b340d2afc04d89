using System.Text.Json.Nodes;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Fhir;
using MsRelapse.Testing;

namespace MsRelapse.Vignettes.Tests;

/// <summary>
/// The single entry point to the system under test: FHIR JSON in (<see cref="FhirEvaluation.Evaluate(string, DateOnly)"/>),
/// the contract JSON out (<see cref="RecommendationJson.ToJson"/>, shared/contract/recommendation.schema.json). Every
/// vignette goes through here, so the contract tests can collect every output (see <see cref="Recorder"/>).
/// </summary>
public static class Evaluate
{
    /// <summary>
    /// When set (by <see cref="Support.VignetteRuns"/> for the contract and golden tests), every call of
    /// <see cref="Run(string, DateOnly)"/> is added here: its input and its output.
    /// </summary>
    public static AsyncLocal<List<RecordedRun>?> Recorder { get; } = new();

    /// <summary>When set (by the pathway book's catalogue test), every input of every evaluation (accepted or refused) is added here.</summary>
    public static AsyncLocal<List<(string BundleJson, DateOnly AsOf)>?> InputRecorder { get; } = new();

    /// <summary>Evaluates a bundle that must be accepted, and returns the recommendation as contract JSON.</summary>
    public static JsonObject Run(string bundleJson, DateOnly asOf)
    {
        InputRecorder.Value?.Add((bundleJson, asOf));
        var outcome = FhirEvaluation.Evaluate(bundleJson, asOf);
        Assert.True(
            outcome.Recommendation is not null && outcome.Errors.Count == 0,
            "expected a recommendation, got errors:\n" + string.Join("\n", outcome.Errors.Select(e => $"{e.Code}: {e}")));
        var json = RecommendationJson.ToJson(outcome.Recommendation!);
        Recorder.Value?.Add(new RecordedRun(bundleJson, asOf, json));
        return json;
    }

    /// <summary>Evaluates the builder's bundle at its own as-of date.</summary>
    public static JsonObject Run(PatientBundle bundle) => Run(bundle.ToJson(), bundle.AsOf);

    /// <summary>Evaluates a bundle that R0 must reject: errors, and no recommendation.</summary>
    public static IReadOnlyList<InputError> RunExpectingErrors(string bundleJson, DateOnly asOf)
    {
        InputRecorder.Value?.Add((bundleJson, asOf));
        var outcome = FhirEvaluation.Evaluate(bundleJson, asOf);
        Assert.True(outcome.Errors.Count > 0, "expected R0 errors, got none");
        Assert.True(outcome.Recommendation is null, "expected no recommendation when the input is rejected");
        return outcome.Errors;
    }

    public static IReadOnlyList<InputError> RunExpectingErrors(PatientBundle bundle) => RunExpectingErrors(bundle.ToJson(), bundle.AsOf);
}

/// <summary>One call of <see cref="Evaluate.Run(string, DateOnly)"/>: the bundle, the date and the contract JSON.</summary>
public sealed record RecordedRun(string BundleJson, DateOnly AsOf, JsonObject Output);
