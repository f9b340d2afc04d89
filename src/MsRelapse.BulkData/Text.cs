using System.Text;
using System.Text.RegularExpressions;

namespace MsRelapse.BulkData;

/// <summary>Text that came from a server, made fit for one line of a message.</summary>
internal static partial class Text
{
    /// <summary>
    /// Control characters (line breaks, escapes that could rewrite a terminal) become spaces, runs of spaces one, and
    /// the text is cut to <paramref name="max"/> characters with an ellipsis.
    /// </summary>
    public static string Printable(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, max + 1));
        foreach (var c in text)
        {
            var printable = char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' ? ' ' : c;
            if (printable == ' ' && (builder.Length == 0 || builder[^1] == ' '))
            {
                continue;
            }

            builder.Append(printable);
            if (builder.Length > max)
            {
                break;
            }
        }

        var line = builder.ToString().TrimEnd();
        return line.Length > max ? line[..max].TrimEnd() + "…" : line;
    }

    /// <summary>
    /// A server's diagnostics with the FHIR references in it (<c>Patient/123</c>, <c>Observation/abc</c>) reduced to
    /// their type: an error file's message is reported and recorded, a patient's id in it is not.
    /// </summary>
    public static string WithoutIds(string text) => Reference().Replace(text, "$1/…");

    [GeneratedRegex(@"\b([A-Z][A-Za-z]{1,63})/[A-Za-z0-9\-\.]{1,64}")]
    private static partial Regex Reference();
}
