using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Query-string parsing shared by the endpoints: strict invariant-culture numbers and ISO dates, a bounded echo of a
/// bad value, and the evaluation date <c>asOf</c> with its range. Each parser returns an <see cref="Outcome{T}"/>
/// whose problem is 400 <c>invalid-parameter</c> naming the parameter.
/// </summary>
public static class QueryParameters
{
    /// <summary>
    /// Earliest evaluation date the engine can work with: its look-backs (years of relapse history) stay inside the
    /// calendar from here on.
    /// </summary>
    public static readonly DateOnly MinDate = new(2, 1, 1);

    /// <summary>
    /// Latest evaluation or plan start date: the engine and the planners look ahead (follow-up visits, recovery
    /// milestones, exchange schedules) by up to about five weeks, which must stay inside the calendar.
    /// </summary>
    public static readonly DateOnly MaxDate = new(9999, 11, 23);

    /// <summary>The date range as text, for messages.</summary>
    public const string DateRangeText = "0002-01-01…9999-11-23";

    /// <summary>Today in the server's clock and time zone (as the CLI): the default for dates the caller leaves out.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
    }

    /// <summary>Strict ISO date (YYYY-MM-DD).</summary>
    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A finite number in invariant culture.</summary>
    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>Echo at most <paramref name="max"/> characters (40 by default) of a bad value (messages stay short; garbage stays out of them).</summary>
    public static string Shorten(string text, int max = 40)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }

    /// <summary>
    /// A date parameter (YYYY-MM-DD within <see cref="MinDate"/>…<see cref="MaxDate"/>), or <paramref name="fallback"/>
    /// when absent; a message naming <paramref name="name"/> when invalid.
    /// </summary>
    public static string? TryDate(string name, string? text, DateOnly fallback, out DateOnly date)
    {
        date = fallback;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!TryParseDate(text, out date))
        {
            date = fallback;
            return $"{name} '{Shorten(text)}' is not a date (expected YYYY-MM-DD)";
        }

        if (date < MinDate || date > MaxDate)
        {
            var bad = date;
            date = fallback;
            return $"{name} {bad:yyyy-MM-dd} is outside {DateRangeText}";
        }

        return null;
    }

    /// <summary><c>?asOf=YYYY-MM-DD</c>, default today from the injected clock.</summary>
    public static Outcome<DateOnly> AsOf(HttpRequest request, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TryDate("asOf", request.Query["asOf"], Today(clock), out var asOf) is { } message
            ? Problems.InvalidParameter("asOf", message)
            : Outcome<DateOnly>.Ok(asOf);
    }

    /// <summary>An optional integer parameter within <paramref name="min"/>…<paramref name="max"/>.</summary>
    public static Outcome<int> Integer(HttpRequest request, string name, int fallback, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query[name].ToString() is not { Length: > 0 } text)
        {
            return Outcome<int>.Ok(fallback);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? Outcome<int>.Ok(value)
            : Problems.InvalidParameter(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be an integer {min}–{max}"));
    }
}
