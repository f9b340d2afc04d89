using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Request logging that never carries a patient id or free text: the route template
/// (<c>/api/patients/{id}</c>), never the raw path or query. The framework's own request logs, which print raw
/// paths, are filtered out in <see cref="MsRelapseServer"/>.
/// </summary>
public sealed partial class RouteTemplateRequestLogging(RequestDelegate next, ILogger<RouteTemplateRequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            // Successful requests at Debug: one console line per request costs more CPU than an evaluation on a
            // small machine (benchmarks/README.md, "Service load"); refusals and failures stay visible by default.
            var status = context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Warning : status >= 400 ? LogLevel.Information : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                LogRequest(logger, level, context.Request.Method, RouteTemplate(context), status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    /// <summary>The matched route template, or a fixed word: never the path the client sent.</summary>
    /// <remarks>
    /// The exception handler clears the endpoint before it re-executes; the one that threw is kept in its feature, so
    /// a 500 is logged with the route that failed, not "(unmatched)".
    /// </remarks>
    public static string RouteTemplate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return (endpoint as RouteEndpoint)?.RoutePattern.RawText is { } raw ? "/" + raw.TrimStart('/') : "(unmatched)";
    }

    [LoggerMessage(EventId = 1, Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs);
}

/// <summary>
/// The last line of defence: an unexpected exception becomes a 500 problem, logged by type and route only
/// (exception messages may quote input). Bad input never gets here; each endpoint validates first.
/// </summary>
public sealed partial class SafeExceptionHandler(ILogger<SafeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is BadHttpRequestException bad)
        {
            // Transport-level problems (body too large, bad framing) are the client's, not ours.
            var code = ProblemCodes.ForStatus(bad.StatusCode);
            await Problems.Create(bad.StatusCode, code, "The request could not be read.").ExecuteAsync(httpContext).ConfigureAwait(false);
            return true;
        }

        LogUnhandled(logger, exception.GetType().FullName ?? exception.GetType().Name, RouteTemplateRequestLogging.RouteTemplate(httpContext));
        if (StorageFault(exception) is { } fault)
        {
            // The database is unreachable or its disk is full: not our bug and not the client's; say so, fast.
            if (fault.Status == StatusCodes.Status503ServiceUnavailable)
            {
                httpContext.Response.Headers.RetryAfter = "5";
            }

            await Problems.Create(fault.Status, fault.Code, fault.Title, fault.Detail).ExecuteAsync(httpContext).ConfigureAwait(false);
            return true;
        }

        await Problems.Create(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError, "Internal error.",
            "The service failed to handle this request; the error is logged with its trace id.").ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A storage fault somewhere in the exception chain: the database unreachable (a transient database error, a
    /// socket error, a timeout; benchmarks/soak/run.sh db-outage) → 503 <c>unavailable</c>; SQLite's disk full
    /// (SQLITE_FULL) → 507 <c>insufficient-storage</c> (run.sh full-disk). Null for anything else.
    /// </summary>
    internal static (int Status, string Code, string Title, string Detail)? StorageFault(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 })
            {
                return (StatusCodes.Status507InsufficientStorage, "insufficient-storage", "The database's disk is full.",
                    "Nothing was written. Free disk space for the database, then retry.");
            }

            if (e is System.Net.Sockets.SocketException or TimeoutException or System.Data.Common.DbException { IsTransient: true })
            {
                return (StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable, "The database is unavailable.",
                    "Nothing was written. Retry later; /health/ready says when the database is back.");
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Route}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string route);
}
