using System.Diagnostics;
using System.Text.Json;
using MsRelapse.Core.Contract;
using MsRelapse.Fhir;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server;

/// <summary>What one evaluation produced: the contract JSON, or the errors that stopped it.</summary>
/// <param name="RecommendationJson">The recommendation document (byte-identical to <c>msrelapse evaluate --json</c>), or null.</param>
/// <param name="PrimaryAction">The primary action code, when evaluated.</param>
/// <param name="Urgency">The urgency code, when evaluated.</param>
/// <param name="Errors">Input errors (empty when evaluated).</param>
/// <param name="Unreadable">True when the input could not be read as a FHIR Bundle at all (parse error).</param>
public sealed record EvaluationOutcome(string? RecommendationJson, string? PrimaryAction, string? Urgency, IReadOnlyList<ProblemError> Errors, bool Unreadable);

/// <summary>
/// Runs the FHIR adapter and the engine exactly as the CLI does (<see cref="FhirEvaluation.Evaluate(string, DateOnly)"/>, then
/// <see cref="RecommendationJson.Serialize"/>), and counts the result on the MsRelapse meter.
/// </summary>
public sealed partial class Evaluator(ServerMetrics metrics, Microsoft.Extensions.Logging.ILogger<Evaluator> logger)
{
    /// <summary>Evaluates one bundle at <paramref name="asOf"/>. Never throws on bad input.</summary>
    public EvaluationOutcome Evaluate(string bundleJson, DateOnly asOf)
    {
        var started = Stopwatch.GetTimestamp();
        FhirEvaluationOutcome outcome;
        try
        {
            outcome = FhirEvaluation.Evaluate(bundleJson, asOf);
        }
#pragma warning disable CA1031 // Defence in depth: the adapter promises never to throw on input; if it does, the input is still the client's problem (never a 500), and the type is logged for us.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            LogAdapterThrew(logger, ex.GetType().FullName ?? ex.GetType().Name);
            outcome = new FhirEvaluationOutcome(null, [Unreadable(ex)], null);
        }

        EvaluationOutcome result;
        if (outcome.Recommendation is { } recommendation)
        {
            var json = RecommendationJson.Serialize(recommendation);
            var (primary, urgency) = PrimaryAndUrgency(json);
            metrics.CountEvaluation(primary);
            result = new(json, primary, urgency, [], false);
        }
        else
        {
            result = new(null, null, null, [.. outcome.Errors.Select(ProblemError.From)], outcome.Record is null);
        }

        metrics.RecordEvaluationDuration(Stopwatch.GetElapsedTime(started), result.RecommendationJson is null ? "error" : "ok");
        return result;
    }

    /// <summary>Reads a bundle with the FHIR adapter, turning an exception into a parse error (see <see cref="Evaluate"/>).</summary>
    public FhirReadResult Read(string bundleJson)
    {
        try
        {
            return FhirRecordReader.Read(bundleJson);
        }
#pragma warning disable CA1031 // As in Evaluate: bad input is never a 500.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            LogAdapterThrew(logger, ex.GetType().FullName ?? ex.GetType().Name);
            return new FhirReadResult(null, [Unreadable(ex)]);
        }
    }

    private static Core.Model.InputError Unreadable(Exception ex) =>
        new(FhirErrorCodes.ParseError, $"The input could not be read as a FHIR R4 Bundle ({ex.GetType().Name}).", new Core.Model.SourceRef("Bundle"));

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 20, Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "The FHIR adapter threw {ExceptionType} on a request body; answered as a parse error")]
    private static partial void LogAdapterThrew(Microsoft.Extensions.Logging.ILogger logger, string exceptionType);

    /// <summary>recommendation.primary and recommendation.urgency, read back from the contract document.</summary>
    private static (string Primary, string Urgency) PrimaryAndUrgency(string json)
    {
        using var document = JsonDocument.Parse(json);
        var advice = document.RootElement.GetProperty("recommendation");
        return (advice.GetProperty("primary").GetString() ?? "", advice.GetProperty("urgency").GetString() ?? "");
    }
}
