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
/// and the heap stayed there. So at most <see cref="ServerOptions.MaxConcurrentEvaluations"/> run, a short queue
/// waits (bodies not yet read), and past it the answer is 503 <c>too-busy</c> with <c>Retry-After</c>. Every route
/// that evaluates is under it: <c>POST /api/evaluate</c>, <c>POST /api/patients/{id}/evaluations</c>,
/// <c>GET /api/worklist</c> (one slot for the whole call, its records evaluated one after another), the CDS Hooks
/// service calls and <c>$apply</c>.
/// </summary>
public static class EvaluationLimiter
{
    /// <summary>The rate-limiter policy name.</summary>
    public const string Policy = "evaluation";

    /// <summary>Seconds a refused client is asked to wait.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Registers the concurrency limiter.</summary>
    public static IServiceCollection AddEvaluationLimiter(this IServiceCollection services, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddRateLimiter(r =>
        {
            r.AddConcurrencyLimiter(Policy, c =>
            {
                c.PermitLimit = options.MaxConcurrentEvaluations;
                c.QueueLimit = options.EvaluationQueueLength;
                c.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            r.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            r.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.Busy, "Too many evaluations at once.",
                    $"The service is evaluating as many records as it may at once; retry after {RetryAfterSeconds} s.").ExecuteAsync(context.HttpContext));
            };
        });
    }

    /// <summary>Puts the endpoint under the evaluation limit.</summary>
    public static TBuilder LimitEvaluations<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(Policy);
}
