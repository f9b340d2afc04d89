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

    private readonly Counter<long> evaluations;
    private readonly Counter<long> errors;
    private readonly Histogram<double> evaluationDuration;

    public ServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        evaluations = meter.CreateCounter<long>("msrelapse.evaluations", "{evaluation}", "Evaluations completed, by primary action.");
        errors = meter.CreateCounter<long>("msrelapse.errors", "{error}", "Problem responses, by stable error code.");
        evaluationDuration = meter.CreateHistogram<double>("msrelapse.evaluation.duration", "s", "Time to read a bundle and evaluate it.");
    }

    public void CountEvaluation(string primaryAction) =>
        evaluations.Add(1, new KeyValuePair<string, object?>("primary_action", primaryAction));

    public void CountError(string code) => errors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void RecordEvaluationDuration(TimeSpan elapsed, string outcome) =>
        evaluationDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
