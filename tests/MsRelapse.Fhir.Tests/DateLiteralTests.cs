using System.Globalization;
using System.Text.RegularExpressions;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// The date literals the reader accepts, read by hand (FhirDates) since the screen showed the regular expression
/// (with its timeout) costing more than the rest of the mapping: the hand-written parser must accept exactly what
/// the FHIR grammar's expression accepts (the expression is kept here as the oracle) and give the same day and time.
/// Checked through the public reader on a Patient's birthDate and an Observation's effectiveDateTime.
/// </summary>
public sealed partial class DateLiteralTests
{
    [GeneratedRegex(@"^(?<y>[0-9]{4})(-(?<m>[0-9]{2})(-(?<d>[0-9]{2})(T(?<h>[0-9]{2}):(?<min>[0-9]{2})(:(?<s>[0-9]{2})(?<f>\.[0-9]+)?)?(?<z>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Oracle();

    /// <summary>The oracle's reading: the date and time, or null when the literal is not a valid FHIR date/dateTime.</summary>
    private static ClinicalTime? Expected(string literal)
    {
        var m = Oracle().Match(literal.Trim());
        if (!m.Success)
        {
            return null;
        }

        static int Int(Group g, int absent) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : absent;
        var (y, mo, d) = (Int(m.Groups["y"], 1), Int(m.Groups["m"], 1), Int(m.Groups["d"], 1));
        if (y < 1 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo))
        {
            return null;
        }

        var date = new DateOnly(y, mo, d);
        if (!m.Groups["h"].Success)
        {
            return ClinicalTime.On(date);
        }

        var (h, mi, s) = (Int(m.Groups["h"], 0), Int(m.Groups["min"], 0), Int(m.Groups["s"], 0));
        return h > 23 || mi > 59 || s > 59 ? null : new ClinicalTime(date, new TimeOnly(h, mi, s));
    }

    private static readonly string[] Seeds =
    [
        "2026", "2026-05", "2026-05-11", "2026-05-11T08:30", "2026-05-11T08:30:15", "2026-05-11T08:30:15.123",
        "2026-05-11T08:30:15.123+02:00", "2026-05-11T08:30:15Z", "2026-05-11T08:30Z", "2024-02-29", "2025-02-29",
        "2026-02-30", "0000-01-01", "2026-13-01", "2026-00-10", "2026-05-11T24:00:00", "2026-05-11T23:60", "2026-05-11T23:59:60",
        " 2026-05-11 ", "2026-05-11T", "2026-05-11T08", "2026-05-11T08:30:", "2026-05-11T08:30:15.", "2026-05-11T08:30:15+0200",
        "2026-05-11T08:30:15+02:00Z", "2026-5-11", "26-05-11", "2026/05/11", "2026-05-11 08:30", "20260511", "", "  ", "2026-05T10:00",
        "２０２６-05-11", "2026-05-11T08:30:15.123456789-11:30", "2026-05-11\n",
    ];

    [Fact]
    public void Hand_written_parser_agrees_with_the_grammar_on_chosen_and_mutated_literals()
    {
        var random = new Random(11);
        const string alphabet = "0123456789-:TZ+. x";
        var literals = new List<string>(Seeds);
        for (var i = 0; i < 3000; i++)
        {
            var chars = Seeds[random.Next(Seeds.Length)].ToCharArray().ToList();
            var edits = random.Next(1, 3);
            for (var e = 0; e < edits && chars.Count > 0; e++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: chars.RemoveAt(at); break;
                    default: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }

            literals.Add(new string([.. chars]));
        }

        var checkedValid = 0;
        foreach (var literal in literals)
        {
            var expected = Expected(literal);
            checkedValid += expected is null ? 0 : 1;
            var json = System.Text.Json.JsonSerializer.Serialize(literal);
            var bundle =
                """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-01-01"}},"""
                + """{"resource":{"resourceType":"Observation","id":"w","status":"final","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"""
                + json
                + ""","valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}}]}""";
            var result = Utf8RecordReader.Read(System.Text.Encoding.UTF8.GetBytes(bundle));
            if (expected is { } when)
            {
                Assert.True(result.Record is not null, $"'{literal}' should read: {string.Join("; ", result.Errors.Select(x => x.Message))}");
                Assert.Equal(when, Assert.Single(result.Record!.Measurements).When);
            }
            else
            {
                Assert.True(result.Record is null || result.Record.Measurements.Length == 0, $"'{literal}' should not read as a date");
            }
        }

        Assert.True(checkedValid > 100, $"only {checkedValid} valid literals were generated");
    }
}
