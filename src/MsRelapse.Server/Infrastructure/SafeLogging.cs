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
        await Problems.Create(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError, "Internal error.",
            "The service failed to handle this request; the error is logged with its trace id.").ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} on {Route}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string route);
}
