using System.Globalization;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// Rationale wording: counts with the right plural ("1 day", "5 days") and the right indefinite article ("an IV
/// course", "a steroid course"), so no text reads "day(s)" or "A IV" (A44); numbers and dates as the rationale writes them.
/// Invariant culture. An infrastructure file: <see cref="Number"/> and <see cref="Date"/> run on every rationale line,
/// so they avoid format parsing (docs/pathway.md, Performance rules).
/// </summary>
internal static class Text
{
    /// <summary>"1 day", "0 days", "5 days" (the plural adds "s" unless <paramref name="plural"/> is given).</summary>
    public static string Count(int n, string singular, string? plural = null) =>
        string.Concat(n.ToString(CultureInfo.InvariantCulture), " ", n == 1 ? singular : plural ?? singular + "s");

    /// <summary>"a" or "an" before <paramref name="word"/>: "an" before a vowel sound (vowels, and the letter names "IV", "MRI").</summary>
    public static string Article(string word) =>
        word.Length > 0 && ("aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) || word.StartsWith("IV", StringComparison.Ordinal) || word.StartsWith("MRI", StringComparison.Ordinal))
            ? "an"
            : "a";

    /// <summary>The text with its first letter in upper case.</summary>
    public static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>A number as the rationale writes it ("0.0##", invariant).</summary>
    public static string Number(double value)
    {
        // Most numbers are EDSS steps and rises (halves from −10 to 10): their text is made once, by the same format.
        var twice = value * 2;
        if (twice >= -2 * HalvesLimit && twice <= 2 * HalvesLimit && twice == Math.Floor(twice) && !(value == 0 && double.IsNegative(value)))
        {
            return Halves[(int)twice + (2 * HalvesLimit)];
        }

        return value.ToString("0.0##", CultureInfo.InvariantCulture);
    }

    /// <summary>A dose in mg as the rationale writes it ("1,000", "412.5"; "#,0.##", invariant).</summary>
    public static string Milligrams(double mg) => mg.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>A date as "yyyy-MM-dd" (the same text as the invariant format, without parsing the pattern each time).</summary>
    public static string Date(DateOnly date) => string.Create(10, date, static (span, d) =>
    {
        Digits(span[..4], d.Year);
        span[4] = '-';
        Digits(span.Slice(5, 2), d.Month);
        span[7] = '-';
        Digits(span.Slice(8, 2), d.Day);
    });

    private static void Digits(Span<char> span, int value)
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    private const int HalvesLimit = 10;

    private static readonly string[] Halves = [.. Enumerable.Range(0, (4 * HalvesLimit) + 1).Select(i => ((i - (2 * HalvesLimit)) / 2.0).ToString("0.0##", CultureInfo.InvariantCulture))];
}
