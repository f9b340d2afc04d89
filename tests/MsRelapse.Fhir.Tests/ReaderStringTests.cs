using System.Text;
using MsRelapse.Core.Model;
using MsRelapse.Testing;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// The fast reader makes each distinct short string once (Utf8StringCache): whatever it keeps, every value must read
/// exactly as the JSON says — escaped or not, non-ASCII, longer than what it keeps, the same bytes as an escaped value
/// read just before — and text that is not UTF-8 must be refused as before, however often it comes.
/// </summary>
public sealed class ReaderStringTests
{
    private static readonly string LongUnit = new('x', 70);

    [Fact]
    public void Units_read_as_written_whether_escaped_non_ASCII_long_or_repeated()
    {
        // Weight (LOINC 29463-7) in units spelt many ways, each twice, alternating with their escaped spellings.
        (string Json, string Read)[] units =
        [
            ("kg", "kg"), ("k\\u0067", "kg"), ("kg", "kg"), ("\\u006b\\u0067", "kg"),
            ("[lb_av]", "[lb_av]"), ("\\u00b5g", "µg"), ("µg", "µg"), (LongUnit, LongUnit), (LongUnit, LongUnit),
        ];
        var resources = units.Select((u, i) => Loinc($"w{i}", "29463-7", $"2026-01-{i + 1:D2}", $$"""{"value":80,"unit":"{{u.Json}}"}""")).ToArray();
        var json = Bundle(resources);

        ReaderDifferential.AssertSame(json);
        for (var round = 0; round < 2; round++)
        {
            var record = Utf8RecordReader.Read(Encoding.UTF8.GetBytes(json)).Record!;
            Assert.Equal(units.Select(u => u.Read), record.Measurements.Where(m => m.Kind == MeasurementKind.WeightKg).OrderBy(m => m.When.Date).Select(m => m.SourceUnit));
        }
    }

    [Fact]
    public void A_unit_that_is_not_UTF_8_is_refused_each_time_it_comes()
    {
        var json = Encoding.UTF8.GetBytes(Bundle(Loinc("w1", "29463-7", "2026-01-01", """{"value":80,"unit":"kXg"}""")));
        json[Array.IndexOf(json, (byte)'X')] = 0xFF;

        var first = Utf8RecordReader.Read(json);
        var second = Utf8RecordReader.Read(json);

        Assert.Null(first.Record);
        Assert.NotEmpty(first.Errors);
        Assert.Equal(ReaderDifferential.Render(first), ReaderDifferential.Render(second));
    }
}
