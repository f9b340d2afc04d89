using System.Diagnostics.Metrics;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// CDS Hooks instruments on the MsRelapse meter: calls by service and status, cards by indicator, and feedback
/// by outcome and override reason (what a CDS governance committee reviews). Tags are codes, never patient data.
/// </summary>
internal sealed class CdsHooksMetrics
{
    private readonly Counter<long> _calls;
    private readonly Counter<long> _cards;
    private readonly Counter<long> _feedback;
    private readonly Histogram<double> _replayCheck;

    public CdsHooksMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ServerMetrics.MeterName);
        _calls = meter.CreateCounter<long>("msrelapse.cds.calls", "{call}", "CDS Hooks calls, by service and HTTP status.");
        _cards = meter.CreateCounter<long>("msrelapse.cds.cards", "{card}", "CDS Hooks cards returned, by service and indicator.");
        _feedback = meter.CreateCounter<long>("msrelapse.cds.feedback", "{feedback}", "CDS Hooks feedback stored, by outcome (accepted/overridden) and override reason.");
        _replayCheck = meter.CreateHistogram<double>(
            "msrelapse.cds.token_replay_check.duration",
            "s",
            "Time a CDS Hooks call waited for its token id to be recorded in the replay store: the queue of its group commit and the durable commit (an fsync on SQLite). Every authenticated call waits for it, so a slow disk shows here first.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ServerMetrics.SecondsBuckets });
    }

    public void ReplayCheck(TimeSpan waited) => _replayCheck.Record(waited.TotalSeconds);

    public void Call(string service, int status) =>
        _calls.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("status", status));

    public void Card(string service, string indicator) =>
        _cards.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("indicator", indicator));

    public void Feedback(string service, string outcome, string? reason) =>
        _feedback.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("override_reason", reason ?? "none"));
}
