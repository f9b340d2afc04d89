using System.Globalization;
using System.Text.RegularExpressions;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// FHIR date, dateTime and instant literals → <see cref="ClinicalTime"/>, as written: the local date and time of
/// the literal, the time-zone offset dropped without conversion (clinical.md, Conventions: "no time-zone
/// conversion"). Partial dates are read as their first day ("2020-05" → 2020-05-01, "2020" → 2020-01-01): the
/// earliest day the literal allows, so a partial onset never makes an attack look more recent than it can be.
/// </summary>
internal static partial class FhirDates
{
    [GeneratedRegex(@"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<min>\d{2})(:(?<s>\d{2})(?<f>\.\d+)?)?(?<z>Z|[+-]\d{2}:\d{2})?)?)?)?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Literal();

    /// <summary>Parses a FHIR date/dateTime literal; false when it is not one.</summary>
    public static bool TryParse(string? literal, out ClinicalTime value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(literal))
        {
            return false;
        }

        var m = Literal().Match(literal.Trim());
        if (!m.Success)
        {
            return false;
        }

        var year = Int(m.Groups["y"].Value);
        var month = m.Groups["m"].Success ? Int(m.Groups["m"].Value) : 1;
        var day = m.Groups["d"].Success ? Int(m.Groups["d"].Value) : 1;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var date = new DateOnly(year, month, day);
        if (!m.Groups["h"].Success)
        {
            value = ClinicalTime.On(date);
            return true;
        }

        var hour = Int(m.Groups["h"].Value);
        var minute = Int(m.Groups["min"].Value);
        var second = m.Groups["s"].Success ? Int(m.Groups["s"].Value) : 0;
        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new ClinicalTime(date, new TimeOnly(hour, minute, second));
        return true;
    }

    private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a date-typed FHIR element (dateTime, date, instant, or the start of a Period — its end first when
    /// <paramref name="periodEnd"/>). Null when the element is absent or of another type; throws
    /// <see cref="UnreadableValueException"/> when it is present but not a valid literal (the caller turns that into
    /// an error naming the resource and path).
    /// </summary>
    public static ClinicalTime? Read(IChoiceView? element, string path, bool periodEnd = false) => element?.TypeName switch
    {
        null => null,
        "dateTime" => Parse(element.AsString(), path + "DateTime"),
        "date" => Parse(element.AsString(), path),
        "instant" => element.AsInstant(),
        "Period" => periodEnd
            ? Parse(element.PeriodEnd(), path + "Period.end") ?? Parse(element.PeriodStart(), path + "Period.start")
            : Parse(element.PeriodStart(), path + "Period.start"),
        _ => null,
    };

    /// <summary>Parses a literal that may be absent (null) but must be valid when present.</summary>
    public static ClinicalTime? Parse(string? literal, string path)
    {
        if (literal is null)
        {
            return null;
        }

        return TryParse(literal, out var value)
            ? value
            : throw new UnreadableValueException(path, "is not a valid FHIR date or dateTime (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)");
    }
}

/// <summary>A value the pathway needs is present but unreadable; reported as an error naming the resource and path.</summary>
internal sealed class UnreadableValueException(string path, string problem, string code = FhirErrorCodes.InvalidValue) : Exception($"{path} {problem}")
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;

    /// <summary>The error code reported (<see cref="FhirErrorCodes.InvalidValue"/> unless said otherwise).</summary>
    public string Code { get; } = code;
}
