using System.Globalization;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// Rationale wording: counts with the right plural ("1 day", "5 days") and the right indefinite article ("an IV
/// course", "a steroid course"), so no text reads "day(s)" or "A IV". Invariant culture; no tables, no state.
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
}
