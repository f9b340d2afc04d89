using System.Globalization;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// The <c>--as-of</c> value of <c>evaluate</c>, <c>screen</c> and <c>synth</c>, read one way: YYYY-MM-DD, today when
/// absent, and within the dates the command can work with — a date outside them is bad input (exit 2 and one line),
/// never an internal failure half-way through a run.
/// </summary>
internal static class AsOfDate
{
    /// <summary>The dates the engine evaluates (<c>evaluate</c>, <c>screen</c>): it looks a few weeks ahead of the date.</summary>
    public static readonly (DateOnly Min, DateOnly Max, string Text) Evaluation =
        (Server.Infrastructure.QueryParameters.MinDate, Server.Infrastructure.QueryParameters.MaxDate, Server.Infrastructure.QueryParameters.DateRangeText);

    /// <summary>
    /// The export dates of a synthetic cohort (<c>synth</c>): its histories reach a century before the date, and it works
    /// with dates past it (then keeps only what is on or before it) — a newborn's 46th birthday, for one, the end of the
    /// childbearing years it draws pregnancies from.
    /// </summary>
    public static readonly (DateOnly Min, DateOnly Max, string Text) Synthetic = (new DateOnly(1900, 1, 1), new DateOnly(9900, 12, 31), "1900-01-01…9900-12-31");

    /// <summary>The date given, or today in the local time zone; <see cref="CliInputException"/> when it is not a date in <paramref name="range"/>.</summary>
    public static DateOnly Parse(string? text, TimeProvider clock, (DateOnly Min, DateOnly Max, string Text) range)
    {
        if (text is null)
        {
            return DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new CliInputException($"--as-of '{text}' is not a date (expected YYYY-MM-DD, e.g. 2026-05-11)");
        }

        return date >= range.Min && date <= range.Max ? date : throw new CliInputException($"--as-of {text} is outside {range.Text}");
    }
}
