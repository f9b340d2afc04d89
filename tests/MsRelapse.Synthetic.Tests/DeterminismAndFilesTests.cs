using System.Security.Cryptography;
using MsRelapse.Synthetic;

namespace MsRelapse.Synthetic.Tests;

/// <summary>The same seed gives the same bytes; files split at the limit on line boundaries.</summary>
public sealed class DeterminismAndFilesTests
{
    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.GetFiles(folder, "*.ndjson").ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void Same_seed_gives_byte_identical_files_whatever_the_number_of_threads()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        using var c = new TempFolder();
        Export.Generate(a.Path, 700, seed: 5, threads: 1);
        Export.Generate(b.Path, 700, seed: 5, threads: 2);
        Export.Generate(c.Path, 700, seed: 6, threads: 2);

        var ha = Hashes(a.Path);
        Assert.Equal(ha, Hashes(b.Path));
        Assert.NotEqual(ha["Patient.000.ndjson"], Hashes(c.Path)["Patient.000.ndjson"]);
    }

    [Fact]
    public void Births_of_the_last_year_add_breastfeeding_observations_and_change_no_other_line()
    {
        // PostpartumShare draws from a stream of its own: without births, every other line is the same.
        using var with = new TempFolder();
        using var without = new TempFolder();
        Export.Generate(with.Path, 1_500, seed: 5);
        Export.Generate(without.Path, 1_500, seed: 5, parameters: CohortParameters.Default with { PostpartumShare = 0 });
        static List<string> Lines(string folder) =>
            [.. Directory.GetFiles(folder, "*.ndjson").Order(StringComparer.Ordinal).SelectMany(File.ReadLines)];

        var added = Lines(with.Path);
        foreach (var line in Lines(without.Path))
        {
            Assert.True(added.Remove(line), "a line of the export without births is missing or changed: " + line[..Math.Min(200, line.Length)]);
        }

        Assert.NotEmpty(added);
        Assert.All(added, line => Assert.Contains("\"63895-7\"", line, StringComparison.Ordinal));
        Assert.Contains(added, line => line.Contains("\"10828004\"", StringComparison.Ordinal)); // breastfeeding: positive
        Assert.Contains(added, line => line.Contains("\"260385009\"", StringComparison.Ordinal)); // not breastfeeding
    }

    [Fact]
    public void Files_split_at_the_size_limit_on_line_boundaries_and_hold_the_same_lines_as_one_file()
    {
        using var whole = new TempFolder();
        using var split = new TempFolder();
        const long limit = 64 * 1024;
        var one = Export.Generate(whole.Path, 300, seed: 3);
        var many = Export.Generate(split.Path, 300, seed: 3, limit: limit);

        Assert.Equal(one.Resources, many.Resources);
        Assert.Equal(one.Bytes, many.Bytes);
        Assert.True(many.Files.Count(f => f.Type == SynthResourceType.Observation) > 3, "Observations span several files");
        foreach (var type in Enum.GetValues<SynthResourceType>())
        {
            var parts = Directory.GetFiles(split.Path, $"{type}.*.ndjson").Order(StringComparer.Ordinal).ToList();
            var single = Path.Combine(whole.Path, $"{type}.000.ndjson");
            if (!File.Exists(single))
            {
                Assert.Empty(parts);
                continue;
            }

            // Numbered 000, 001, … with no gap; each within the limit and ending with a complete line.
            Assert.Equal(parts.Select((_, i) => $"{type}.{i:000}.ndjson"), parts.Select(Path.GetFileName));
            foreach (var part in parts)
            {
                var bytes = File.ReadAllBytes(part);
                Assert.True(bytes.Length <= limit, $"{Path.GetFileName(part)} is {bytes.Length} bytes");
                Assert.Equal((byte)'\n', bytes[^1]);
            }

            Assert.Equal(File.ReadAllBytes(single), parts.SelectMany(File.ReadAllBytes).ToArray());
        }
    }

    [Fact]
    public void Nothing_is_dated_after_the_export_date_except_the_planned_end_of_an_active_order()
    {
        using var folder = new TempFolder();
        Export.Generate(folder.Path, 400, seed: 9);
        var late = new List<string>();
        foreach (var line in Directory.GetFiles(folder.Path, "*.ndjson").SelectMany(File.ReadLines))
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(line);
                Walk(doc.RootElement, string.Empty, late);
            }
            catch (System.Text.Json.JsonException)
            {
                // the deliberately truncated lines
            }
        }

        Assert.DoesNotContain(late, path => !path.EndsWith("boundsPeriod.end", StringComparison.Ordinal));
    }

    private static void Walk(System.Text.Json.JsonElement e, string path, List<string> late)
    {
        switch (e.ValueKind)
        {
            case System.Text.Json.JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value, path + "." + p.Name, late);
                }

                break;
            case System.Text.Json.JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, path, late);
                }

                break;
            case System.Text.Json.JsonValueKind.String:
                var s = e.GetString()!;
                if (s.Length >= 10 && s[4] == '-' && s[7] == '-' && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", out var date) && date > Export.AsOf)
                {
                    late.Add(path);
                }

                break;
        }
    }
}
