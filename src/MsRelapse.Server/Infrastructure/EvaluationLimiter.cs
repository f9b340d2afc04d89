using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Bounds the evaluation work in flight. An evaluation of a large record holds its body, the parsed FHIR model and
/// the engine's facts at once (a 4.7 MB bundle ≈ 50 MB of live objects); 32 at once took the process past 1.7 GB
/// and the heap stayed there. So at most <see cref="ServerOptions.MaxConcurrentEvaluations"/> run, a queue of
/// <see cref="ServerOptions.EvaluationQueueLength"/> waits (bodies not yet read), and past it the answer is 503
/// <c>too-busy</c> with <c>Retry-After</c>. Every route that evaluates is under it: <c>POST /api/evaluate</c>,
/// <c>POST /api/patients/{id}/evaluations</c>, the CDS Hooks service calls and <c>$apply</c> (<see cref="Policy"/>),
/// and <c>GET /api/worklist</c> (<see cref="WorklistPolicy"/>: one slot of the same bound for the whole call, its
/// records evaluated one after another).
/// </summary>
/// <remarks>
/// The worklist shares the slots but not the long queue: it waits only while fewer than
/// <see cref="ServerOptions.WorklistQueueLength"/> requests (of any route) are waiting ahead of it, and is otherwise
/// refused at once like any request past the queue. A worklist call evaluates up to 500 records, so a queue of them
/// drains slowly: under a review's load the 256th waited 259 s, long after its client (a browser, a proxy at 30–60 s)
/// had given up, while the server still did the work for nobody. A prompt 503 with Retry-After lets the page say so
/// and the client choose. The per-record routes keep the long queue: each holds its slot for milliseconds.
/// </remarks>
public static class EvaluationLimiter
{
    /// <summary>The rate-limiter policy of the per-record evaluation routes (the long queue).</summary>
    public const string Policy = "evaluation";

    /// <summary>The rate-limiter policy of <c>GET /api/worklist</c>: the same slots, a short queue.</summary>
    public const string WorklistPolicy = "evaluation-worklist";

    /// <summary>Seconds a refused client is asked to wait.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>True for either policy: the endpoint is under the evaluation limit (and may answer 503 <c>too-busy</c>).</summary>
    public static bool IsEvaluationPolicy(string? policyName) => policyName is Policy or WorklistPolicy;

    /// <summary>Registers the concurrency limiter: one set of slots, two ways of waiting for them.</summary>
    public static IServiceCollection AddEvaluationLimiter(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // One instance per service provider (each test host has its own), disposed with it.
        services.AddSingleton(_ => new EvaluationSlots(options.MaxConcurrentEvaluations, options.EvaluationQueueLength, options.WorklistQueueLength));
        return services.AddRateLimiter(r =>
        {
            r.AddPolicy(Policy, context => Partition(context, Policy, s => s.Evaluations));
            r.AddPolicy(WorklistPolicy, context => Partition(context, WorklistPolicy, s => s.Worklist));
            r.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            r.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.Busy, "Too many evaluations at once.",
                    $"The service is evaluating as many records as it may at once; retry after {RetryAfterSeconds} s.").ExecuteAsync(context.HttpContext));
            };
        });
    }

    /// <summary>One partition per policy: the limiter is made once (the factory runs on the first request) and never reaped.</summary>
    private static RateLimitPartition<string> Partition(HttpContext context, string policy, Func<EvaluationSlots, RateLimiter> limiter)
    {
        var slots = context.RequestServices.GetRequiredService<EvaluationSlots>();
        return RateLimitPartition.Get(policy, _ => limiter(slots));
    }

    /// <summary>Puts a per-record evaluation endpoint under the evaluation limit (the long queue).</summary>
    public static TBuilder LimitEvaluations<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(Policy);

    /// <summary>Puts the worklist under the evaluation limit with its short queue (<see cref="ServerOptions.WorklistQueueLength"/>).</summary>
    public static TBuilder LimitWorklistEvaluations<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(WorklistPolicy);
}

/// <summary>
/// The evaluation slots of one service: a concurrency limiter (oldest waiter first), seen through two limiters that
/// never dispose it and never report themselves idle (the rate-limiting middleware disposes a partition's limiter
/// after 10 s idle and would dispose the shared one under the other policy's feet). A singleton of the service.
/// </summary>
public sealed class EvaluationSlots : IDisposable
{
    private readonly ConcurrencyLimiter _slots;

    internal EvaluationSlots(int maxConcurrent, int queueLength, int worklistQueueLength)
    {
        _slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrent,
            QueueLimit = queueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        Evaluations = new SharedSlots(_slots);
        Worklist = new ShortQueue(_slots, worklistQueueLength);
    }

    /// <summary>Requests waiting for a slot now, of every route (what a worklist call would wait behind).</summary>
    public long Waiting => _slots.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>The per-record routes: a slot, or a place in the whole queue.</summary>
    internal RateLimiter Evaluations { get; }

    /// <summary>The worklist: a slot, or a place in the queue while fewer than the worklist's bound are waiting.</summary>
    internal RateLimiter Worklist { get; }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    /// <summary>The shared slots as they are.</summary>
    private class SharedSlots(ConcurrencyLimiter slots) : RateLimiter
    {
        protected ConcurrencyLimiter Slots => slots;

        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => slots.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => slots.AttemptAcquire(permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            slots.AcquireAsync(permitCount, cancellationToken);

        // The slots belong to EvaluationSlots: nothing to release here.
        protected override void Dispose(bool disposing)
        {
        }

        protected override ValueTask DisposeAsyncCore() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// The shared slots with a short queue: a request waits only when fewer than <c>queueLength</c> requests are already
    /// waiting (of any route; checked as it arrives, so racing arrivals may pass the bound by a few) and fewer than
    /// <c>queueLength</c> of its own kind wait (exact). Otherwise it is refused at once (503 too-busy, Retry-After).
    /// </summary>
    private sealed class ShortQueue(ConcurrencyLimiter slots, int queueLength) : SharedSlots(slots)
    {
        private int _waiting;

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            var now = Slots.AttemptAcquire(permitCount);
            if (now.IsAcquired)
            {
                return now;
            }

            now.Dispose();
            try
            {
                if (Interlocked.Increment(ref _waiting) > queueLength || (Slots.GetStatistics()?.CurrentQueuedCount ?? 0) >= queueLength)
                {
                    return Refused.Lease;
                }

                return await Slots.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>A refusal without waiting.</summary>
    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Lease = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
