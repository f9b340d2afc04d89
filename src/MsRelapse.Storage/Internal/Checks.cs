using System.Text;
using System.Text.Json;

namespace MsRelapse.Storage.Internal;

/// <summary>Input validation and normalisation. Messages name the parameter and the expected form, never the value
/// (values can be patient ids or clinical text).</summary>
internal static class Checks
{
    public const string Anonymous = "anonymous";

    public static void PatientId(string? patientId, string parameter = "patientId")
    {
        if (patientId is null || patientId.Length is 0 or > MsRelapseDbContext.PatientIdMaxLength || !patientId.All(IsFhirIdChar))
        {
            throw new ArgumentException($"{parameter} must be a FHIR id: 1 to {MsRelapseDbContext.PatientIdMaxLength} characters from A-Z, a-z, 0-9, '-' and '.'.", parameter);
        }
    }

    public static void JsonObject(string? json, string parameter)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ArgumentException($"{parameter} must be a JSON object; it is empty.", parameter);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{parameter} must be a JSON object; it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.", parameter);
            }
        }
        catch (JsonException)
        {
            throw new ArgumentException($"{parameter} must be a JSON object; it is not valid JSON.", parameter);
        }
    }

    public static void ExpectedVersion(long? expectedVersion, bool required)
    {
        if (required ? expectedVersion is null or < 1 : expectedVersion is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), required
                ? "expectedVersion must be 1 or more: a merged bundle replaces the version it was read from."
                : "expectedVersion must be null (unconditional), 0 (create only) or a current version (1 or more).");
        }
    }

    public static string SearchText(string? searchText)
    {
        var text = searchText?.Trim() ?? string.Empty;
        if (text.Length > MsRelapseDbContext.SearchTextMaxLength)
        {
            throw new ArgumentException($"searchText must be at most {MsRelapseDbContext.SearchTextMaxLength} characters.", nameof(searchText));
        }

        return text;
    }

    public static string User(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return Anonymous;
        }

        var trimmed = user.Trim();
        if (trimmed.Length > MsRelapseDbContext.UserMaxLength || trimmed.Any(char.IsControl))
        {
            throw new ArgumentException($"user must be an identity subject of at most {MsRelapseDbContext.UserMaxLength} characters without control characters.", nameof(user));
        }

        return trimmed;
    }

    /// <summary>Audit and evaluation codes: lower-case, dotted or dashed. This is what keeps free text out of the log.</summary>
    public static void Code(string? code, string parameter)
    {
        if (code is null || code.Length is 0 or > MsRelapseDbContext.CodeMaxLength || code[0] is < 'a' or > 'z'
            || !code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
        {
            throw new ArgumentException($"{parameter} must be a code: 1 to {MsRelapseDbContext.CodeMaxLength} characters from a-z, 0-9, '.', '-' and '_', starting with a letter.", parameter);
        }
    }

    public static void VersionText(string? version, string parameter)
    {
        if (string.IsNullOrWhiteSpace(version) || version.Length > MsRelapseDbContext.VersionTextMaxLength || version.Any(char.IsControl))
        {
            throw new ArgumentException($"{parameter} must be 1 to {MsRelapseDbContext.VersionTextMaxLength} printable characters.", parameter);
        }
    }

    // Base letters of U+00C0..U+017F (Latin-1 Supplement and Latin Extended-A: the accented letters of European
    // names). '*' = two letters (see Fold), '=' = not a letter (× ÷), kept. Written out because the build uses
    // InvariantGlobalization, under which string.Normalize(FormD) does nothing.
    private const string LatinBase =
        "aaaaaa*ceeeeiiiidnooooo=ouuuuy**aaaaaa*ceeeeiiiidnooooo=ouuuuy*y"
        + "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

    /// <summary>Folds text for matching: lower case, accents removed ("García" → "garcia", "Łukasz" → "lukasz",
    /// "Straße" → "strasse"), combining marks dropped, whitespace collapsed to single spaces.</summary>
    public static string SearchKey(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is >= '\u0300' and <= '\u036F')
            {
                continue; // combining diacritical marks (text that arrives decomposed)
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(Fold(c));
        }

        return builder.ToString();
    }

    private static string Fold(char c)
    {
        if (c is < '\u00C0' or > '\u017F')
        {
            return char.ToLowerInvariant(c).ToString();
        }

        return LatinBase[c - '\u00C0'] switch
        {
            '=' => c.ToString(),
            '*' => c switch
            {
                'Æ' or 'æ' => "ae",
                'Þ' or 'þ' => "th",
                'ß' => "ss",
                'Ĳ' or 'ĳ' => "ij",
                _ => "oe", // Œ œ
            },
            var letter => letter.ToString(),
        };
    }

    private static bool IsFhirIdChar(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.';
}
