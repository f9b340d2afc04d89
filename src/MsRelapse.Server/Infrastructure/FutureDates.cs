using Microsoft.AspNetCore.Http;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// An evaluation date after today (the server's clock) is allowed — planning, replaying a record — but never silent:
/// the response says so in a header, the page shows a banner, stored evaluations carry <c>asOfInFuture</c>.
/// </summary>
public static class FutureDates
{
    /// <summary>The response header, <c>true</c> when asOf is after the server's date.</summary>
    public const string Header = "MsRelapse-AsOf-Future";

    /// <summary>Adds <see cref="Header"/> when <paramref name="asOf"/> is after today.</summary>
    public static void Mark(HttpResponse response, DateOnly asOf, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (asOf > QueryParameters.Today(clock))
        {
            response.Headers[Header] = "true";
        }
    }
}
