using System.Diagnostics;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server;

/// <summary>What one evaluation produced: the contract JSON, or the errors that stopped it.</summary>
/// <param name="RecommendationJson">The recommendation document (byte-identical to <c>msrelapse evaluate --json</c>), or null.</param>
/// <param name="PrimaryAction">The primary action code, when evaluated.</param>
/// <param name="Urgency">The urgency code, when evaluated.</param>
/// <param name="Errors">Input errors (empty when evaluated).</param>
/// <param name="Unreadable">True when the input could not be read as a FHIR Bundle at all (parse error).</param>
public sealed record EvaluationOutcome(string? RecommendationJson, string? PrimaryAction, string? Urgency, IReadOnlyList<ProblemError> Errors, bool Unreadable)
{
    /// <summary>
    /// From <see cref="Evaluator.EvaluateUtf8"/> only: the document as UTF-8 bytes followed by '\n' (then
    /// <see cref="RecommendationJson"/> is empty, not null: null still means "not evaluated").
    /// </summary>
#pragma warning disable CA1819 // A response body handed to the socket as it is; copying it into a read-only wrapper is what this avoids.
    public byte[]? RecommendationUtf8 { get; init; }
#pragma warning restore CA1819
}

/// <summary>
/// Runs the FHIR adapter and the engine exactly as the CLI does (<see cref="FhirEvaluation.Evaluate(string, DateOnly)"/>, then
/// <see cref="RecommendationJson.Serialize"/>), and counts the result on the MsRelapse meter.
/// </summary>
public sealed partial class Evaluator(ServerMetrics metrics, Microsoft.Extensions.Logging.ILogger<Evaluator> logger)
{
    /// <summary>Evaluates one bundle at <paramref name="asOf"/>. Never throws on bad input.</summary>
    public EvaluationOutcome Evaluate(string bundleJson, DateOnly asOf) =>
        Finish(Stopwatch.GetTimestamp(), Run(() => FhirEvaluation.Evaluate(bundleJson, asOf)), utf8: false);

    /// <summary>
    /// Evaluates one bundle given as UTF-8 JSON (valid UTF-8, no byte-order mark: a request body checked by
    /// <see cref="FhirBody"/>) at <paramref name="asOf"/>, for POST /api/evaluate: the document comes back as
    /// <see cref="EvaluationOutcome.RecommendationUtf8"/> (newline-terminated UTF-8, the bytes of
    /// <c>msrelapse evaluate --json</c>) and <see cref="EvaluationOutcome.RecommendationJson"/> is left empty.
    /// The body is not decoded to text and the document not built as text (≈ 2 copies of 10 kB fewer per request).
    /// </summary>
    public EvaluationOutcome EvaluateUtf8(byte[] utf8BundleJson, DateOnly asOf) =>
        Finish(Stopwatch.GetTimestamp(), Run(() => FhirEvaluation.Evaluate(utf8BundleJson, asOf)), utf8: true);

    private FhirEvaluationOutcome Run(Func<FhirEvaluationOutcome> evaluate)
    {
        try
        {
            return evaluate();
        }
#pragma warning disable CA1031 // Defence in depth: the adapter promises never to throw on input; if it does, the input is still the client's problem (never a 500), and the type is logged for us.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            LogAdapterThrew(logger, ex.GetType().FullName ?? ex.GetType().Name);
            return new FhirEvaluationOutcome(null, [Unreadable(ex)], null);
        }
    }

    private EvaluationOutcome Finish(long started, FhirEvaluationOutcome outcome, bool utf8)
    {
        EvaluationOutcome result;
        if (outcome.Recommendation is { } recommendation)
        {
            // Primary and urgency from the object, not by parsing the document back (that cost ≈ 50 µs a request).
            var primary = WireNames.Of(recommendation.Advice.Primary);
            var urgency = WireNames.Of(recommendation.Advice.Urgency);
            metrics.CountEvaluation(primary);
            result = utf8
                ? new("", primary, urgency, [], false) { RecommendationUtf8 = RecommendationJson.SerializeUtf8Line(recommendation) }
                : new(RecommendationJson.Serialize(recommendation), primary, urgency, [], false);
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

}
