using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The request-line and header limits, enforced here so that an over-long URL or header block gets a problem document
/// with a code (414 <c>uri-too-long</c>, 431 <c>headers-too-large</c>) instead of Kestrel's empty answer. Kestrel's own
/// limits are set to <see cref="KestrelFactor"/> times these, as the hard stop for anything grosser.
/// </summary>
public sealed class RequestLimits(RequestDelegate next)
{
    /// <summary>Longest request target (path and query), bytes.</summary>
    public const int MaxTargetBytes = 8 * 1024;

    /// <summary>Largest header block, bytes (names, values and separators).</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Kestrel's limits, as multiples of ours.</summary>
    public const int KestrelFactor = 4;

    /// <summary>Sets Kestrel's hard limits above ours.</summary>
    public static void ConfigureKestrel(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxRequestLineSize = KestrelFactor * MaxTargetBytes;
        limits.MaxRequestHeadersTotalSize = KestrelFactor * MaxHeaderBytes;
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var targetLength = string.IsNullOrEmpty(raw)
            ? (context.Request.PathBase + context.Request.Path).ToUriComponent().Length + (context.Request.QueryString.Value?.Length ?? 0)
            : raw.Length;
        if (targetLength > MaxTargetBytes)
        {
            return Problems.Create(StatusCodes.Status414UriTooLong, ProblemCodes.UriTooLong, "The URL is too long.",
                $"The path and query may hold at most {MaxTargetBytes} bytes.").ExecuteAsync(context);
        }

        var size = 0;
        foreach (var header in context.Request.Headers)
        {
            size += header.Key.Length + 4;
            foreach (var value in header.Value)
            {
                size += value?.Length ?? 0;
            }
        }

        if (size > MaxHeaderBytes)
        {
            return Problems.Create(StatusCodes.Status431RequestHeaderFieldsTooLarge, ProblemCodes.HeadersTooLarge, "The request headers are too large.",
                $"The headers may hold at most {MaxHeaderBytes} bytes.").ExecuteAsync(context);
        }

        return next(context);
    }
}
