using System.Net;

namespace MsRelapse.BulkData;

/// <summary>
/// How the client waits out a server that asks it to (429 Too Many Requests, 503 Service Unavailable): as the
/// answer's <c>Retry-After</c> says (seconds or a date), within a ceiling; without one, by exponential back-off.
/// Shared by the export's requests and the SMART token endpoint.
/// </summary>
internal static class Throttling
{
    /// <summary>True for the answers a client waits out and retries.</summary>
    public static bool AsksToWait(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>The wait <c>Retry-After</c> asks for, between zero and <paramref name="ceiling"/>; null without the header.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock, TimeSpan ceiling)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);
        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > ceiling ? ceiling : wait;
    }

    /// <summary>The wait before retry <paramref name="attempt"/> (1, 2, …) when the server gave no Retry-After: 2, 4 … 30 s.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Clamp(attempt, 1, 5)));
}
