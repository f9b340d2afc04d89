using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// FHIR date, dateTime and instant literals → <see cref="ClinicalTime"/>, as written: the local date and time of
/// the literal, the time-zone offset dropped without conversion (clinical.md, Conventions: "no time-zone
/// conversion"). Partial dates are read as their first day ("2020-05" → 2020-05-01, "2020" → 2020-01-01): the
/// earliest day the literal allows, so a partial onset never makes an attack look more recent than it can be.
/// </summary>
internal static class FhirDates
{
    /// <summary>
    /// Parses a FHIR date/dateTime literal (surrounding blanks ignored); false when it is not one. The grammar is
    /// <c>YYYY(-MM(-DD(Thh:mm(:ss(.f+)?)?(Z|(+|-)hh:mm)?)?)?)?</c>, digits ASCII, read by hand: this runs for every
    /// dated resource of a screen, and a regular expression (with the timeout untrusted input needs) cost more
    /// than the rest of the mapping together.
    /// </summary>
    public static bool TryParse(string? literal, out ClinicalTime value)
    {
        value = default;
        if (literal is null)
        {
            return false;
        }

        var s = literal.AsSpan().Trim();
        if (s.Length < 4 || !Digits(s, 0, 4, out var year))
        {
            return false;
        }

        var month = 1;
        var day = 1;
        var at = 4;
        if (s.Length > at)
        {
            if (s[at] != '-' || !Digits(s, at + 1, 2, out month))
            {
                return false;
            }

            at += 3;
            if (s.Length > at && (s[at] != '-' || !Digits(s, at + 1, 2, out day)))
            {
                return false;
            }

            at = s.Length > at ? at + 3 : at;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var date = new DateOnly(year, month, day);
        if (s.Length == at)
        {
            value = ClinicalTime.On(date);
            return true;
        }

        // A time needs a full date: "Thh:mm", then optional ":ss" and ".f+", then an optional zone.
        if (at != 10 || s[at] != 'T' || !Digits(s, at + 1, 2, out var hour) || s.Length <= at + 3 || s[at + 3] != ':' || !Digits(s, at + 4, 2, out var minute))
        {
            return false;
        }

        at += 6;
        var second = 0;
        if (s.Length > at && s[at] == ':')
        {
            if (!Digits(s, at + 1, 2, out second))
            {
                return false;
            }

            at += 3;
            if (s.Length > at && s[at] == '.')
            {
                var fraction = at + 1;
                while (s.Length > fraction && char.IsAsciiDigit(s[fraction]))
                {
                    fraction++;
                }

                if (fraction == at + 1)
                {
                    return false;
                }

                at = fraction;
            }
        }

        if (s.Length > at)
        {
            var zone = s[at..];
            var isZone = zone is "Z" ||
                (zone.Length == 6 && zone[0] is '+' or '-' && zone[3] == ':' && Digits(zone, 1, 2, out _) && Digits(zone, 4, 2, out _));
            if (!isZone)
            {
                return false;
            }
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new ClinicalTime(date, new TimeOnly(hour, minute, second));
        return true;
    }

    /// <summary>Exactly <paramref name="count"/> ASCII digits at <paramref name="start"/>, as a number.</summary>
    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int number)
    {
        number = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            number = (number * 10) + (s[i] - '0');
        }

        return true;
    }

    /// <summary>
    /// Reads a date-typed FHIR element (dateTime, date, instant, or the start of a Period — its end first when
    /// <paramref name="periodEnd"/>). Null when the element is absent or of another type; throws
    /// <see cref="UnreadableValueException"/> when it is present but not a valid literal (the caller turns that into
    /// an error naming the resource and path).
    /// </summary>
    public static ClinicalTime? Read(IChoiceView? element, string path, bool periodEnd = false) => element?.TypeName switch
    {
        null => null,
        "dateTime" => Parse(element.AsString(), path, "DateTime"),
        "date" => Parse(element.AsString(), path),
        "instant" => element.AsInstant(),
        "Period" => periodEnd
            ? Parse(element.PeriodEnd(), path, "Period.end") ?? Parse(element.PeriodStart(), path, "Period.start")
            : Parse(element.PeriodStart(), path, "Period.start"),
        _ => null,
    };

    /// <summary>Parses a literal that may be absent (null) but must be valid when present.</summary>
    public static ClinicalTime? Parse(string? literal, string path) => Parse(literal, path, "");

    /// <summary>
    /// <see cref="Parse(string?, string)"/> for the element at <paramref name="path"/> + <paramref name="suffix"/>
    /// (<c>Observation.effective</c> + <c>DateTime</c>), the path written out only for an error: every dated resource
    /// of a record comes through here.
    /// </summary>
    private static ClinicalTime? Parse(string? literal, string path, string suffix)
    {
        if (literal is null)
        {
            return null;
        }

        return TryParse(literal, out var value)
            ? value
            : throw new UnreadableValueException(path + suffix, "is not a valid FHIR date or dateTime (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss)");
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
