using System.Diagnostics.Metrics;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The service's own instruments on the meter <c>MsRelapse</c>: evaluations by primary action, errors by code,
/// and how long an evaluation takes. Tags carry codes only, never a patient id.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>The meter name (what an exporter subscribes to).</summary>
    public const string MeterName = "MsRelapse";

    /// <summary>
    /// Histogram boundaries for durations in seconds, from half a millisecond to 10 s: the SDK's default boundaries
    /// (0, 5, 10, 25 … 10,000) are for milliseconds and would put every call of this service in the first bucket. 0.02 s
    /// is there because it is the CDS Hooks p99 goal (issue 9).
    /// </summary>
    public static readonly IReadOnlyList<double> SecondsBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

    private readonly Counter<long> evaluations;
    private readonly Counter<long> errors;
    private readonly Histogram<double> evaluationDuration;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        evaluations = meter.CreateCounter<long>("msrelapse.evaluations", "{evaluation}", "Evaluations completed, by primary action.");
        errors = meter.CreateCounter<long>("msrelapse.errors", "{error}", "Problem responses, by stable error code.");
        evaluationDuration = meter.CreateHistogram<double>("msrelapse.evaluation.duration", "s", "Time to read a bundle and evaluate it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    public void CountEvaluation(string primaryAction) =>
        evaluations.Add(1, new KeyValuePair<string, object?>("primary_action", primaryAction));

    public void CountError(string code) => errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void RecordEvaluationDuration(TimeSpan elapsed, string outcome) =>
        evaluationDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
