using System.Net;

namespace MsRelapse.BulkData;

/// <summary>
/// How long the client waits before it asks again: the polls of the status URL, the answers that ask it to wait
/// (429 Too Many Requests, 503 Service Unavailable), transient errors and cut-short downloads. The Bulk Data IG asks
/// clients to honour <c>Retry-After</c> and otherwise to back off exponentially; a server that says <c>Retry-After: 0</c>
/// or a date in the past must not get a request every few milliseconds, so no wait is shorter than a floor, and a
/// <c>Retry-After</c> under the floor counts as none (back-off instead). Shared by the export and the token endpoint.
/// </summary>
/// <param name="Floor">The shortest wait, whatever the server says (1 s).</param>
/// <param name="FirstBackoff">The first back-off step when there is no usable Retry-After; it doubles at each attempt.</param>
/// <param name="MaxBackoff">The longest back-off step.</param>
/// <param name="Ceiling">The longest wait accepted from a Retry-After.</param>
public sealed record RetryTiming(TimeSpan Floor, TimeSpan FirstBackoff, TimeSpan MaxBackoff, TimeSpan Ceiling)
{
    /// <summary>1 s floor; back-off 2 s, 4 s … 1 minute; Retry-After honoured up to 2 minutes.</summary>
    public static RetryTiming Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1 (attempt = 1 after the first refusal): the answer's
    /// Retry-After when it is at least the floor (at most the ceiling), else the back-off step.
    /// </summary>
    public TimeSpan Wait(HttpResponseMessage? response, TimeProvider clock, int attempt)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (response is not null && Throttling.RetryAfter(response, clock) is { } asked && asked >= Floor)
        {
            return asked > Ceiling ? Ceiling : asked;
        }

        return Backoff(attempt);
    }

    /// <summary>The back-off step for attempt 1, 2, …: FirstBackoff × 2^(attempt − 1), within [Floor, MaxBackoff].</summary>
    public TimeSpan Backoff(int attempt)
    {
        var step = FirstBackoff * Math.Pow(2, Math.Clamp(attempt, 1, 30) - 1);
        return step > MaxBackoff ? MaxBackoff : step < Floor ? Floor : step;
    }
}

/// <summary>The answers a client waits out, and the Retry-After they carry.</summary>
internal static class Throttling
{
    /// <summary>True for the answers a client waits out and retries.</summary>
    public static bool AsksToWait(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>The wait <c>Retry-After</c> asks for (seconds or a date; negative for a date past); null without the header.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock)
    {
        var header = response.Headers.RetryAfter;
        return header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);
    }
}
