using System.Globalization;
using System.Text;
using MsRelapse.Core.Contract;
using MsRelapse.Fhir;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;

namespace MsRelapse.Vignettes.Tests;

/// <summary>
/// The golden-output guard: every vignette evaluation, the four shared examples (as of 2026-05-11, their README) and
/// the seven demo patients of the service (as of <c>DemoPatients.ReferenceDate</c>, 2026-05-11, the date they were
/// written for) are evaluated and compared, byte for byte, with the committed outputs under <c>Golden/</c>: for each,
/// <c>NAME.json</c> is exactly what <c>msrelapse evaluate --json</c> writes and <c>NAME.fhir.json</c> what
/// <c>msrelapse evaluate --fhir</c> writes (the same calls as <c>EvaluateCommand</c>: <see cref="FhirEvaluation"/>,
/// then <see cref="RecommendationJson.Serialize"/> or <see cref="RecommendationFhirWriter.Serialize"/>, then a line end).
/// <para>
/// A refactoring must leave every file identical. A change that alters an output ON PURPOSE regenerates them:
/// <c>MSRELAPSE_UPDATE_GOLDEN=1 dotnet test tests/MsRelapse.Vignettes.Tests -c Release --filter GoldenOutputTests</c>,
/// then review <c>git diff tests/MsRelapse.Vignettes.Tests/Golden</c> and explain the change in the commit message.
/// Regeneration also deletes the files of evaluations that no longer exist. It is refused under <c>CI=true</c>.
/// </para>
/// </summary>
public sealed class GoldenOutputTests
{
    /// <summary>The environment flag that rewrites the golden files instead of comparing with them.</summary>
    public const string UpdateFlag = "MSRELAPSE_UPDATE_GOLDEN";

    private static readonly DateOnly DemoAsOf = new(2026, 5, 11);

    private static string GoldenRoot => Path.Combine(RepoPaths.Root, "tests", "MsRelapse.Vignettes.Tests", "Golden");

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateFlag) is "1" or "true";

    [Fact]
    public void Every_vignette_gives_its_golden_json_and_fhir_output() =>
        Check("vignettes", VignetteRuns.All.Select(v => (v.Key, v.Run.BundleJson, v.Run.AsOf)));

    [Fact]
    public void Every_shared_example_gives_its_golden_json_and_fhir_output() =>
        Check("examples", SharedExamples.Names.Select(n => (n, SharedExamples.Load(n), SharedExamples.AsOf)));

    [Fact]
    public void Every_demo_patient_gives_its_golden_json_and_fhir_output()
    {
        var folder = Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients");
        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(7, files.Count);
        Check("demo", files.Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f), DemoAsOf)));
    }

    /// <summary>A mismatch must be caught and shown as a diff of the first differing lines (the guard cannot be vacuous).</summary>
    [Fact]
    public void A_changed_output_is_reported_with_its_first_differing_lines()
    {
        var expected = "{\n  \"a\": 1,\n  \"b\": \"x\",\n  \"c\": 3\n}\n";
        var actual = "{\n  \"a\": 1,\n  \"b\": \"y\",\n  \"c\": 3\n}\n";
        var diff = FirstDifference(expected, actual);
        Assert.Contains("line 3", diff, StringComparison.Ordinal);
        Assert.Contains("-   \"b\": \"x\",", diff, StringComparison.Ordinal);
        Assert.Contains("+   \"b\": \"y\",", diff, StringComparison.Ordinal);
        Assert.Null(FirstDifference(expected, expected));
    }

    private static void Check(string group, IEnumerable<(string Name, string BundleJson, DateOnly AsOf)> cases)
    {
        var folder = Path.Combine(GoldenRoot, group);
        var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, bundleJson, asOf) in cases)
        {
            var outcome = FhirEvaluation.Evaluate(bundleJson, asOf);
            Assert.True(outcome.IsValid, $"{group}/{name}: expected a recommendation, got {string.Join("; ", outcome.Errors.Select(e => e.Code))}");
            // Exactly what EvaluateCommand writes: the serialised document, then WriteLine's line end.
            var recommendation = outcome.Recommendation!;
            Assert.True(outputs.TryAdd(name + ".json", RecommendationJson.Serialize(recommendation) + Environment.NewLine), $"duplicate golden name {name}");
            outputs.Add(name + ".fhir.json", RecommendationFhirWriter.Serialize(recommendation) + Environment.NewLine);
        }

        Assert.NotEmpty(outputs);
        if (Updating)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{UpdateFlag} is refused under CI=true: regenerate locally and commit");
            Directory.CreateDirectory(folder);
            foreach (var stale in Directory.GetFiles(folder).Where(f => !outputs.ContainsKey(Path.GetFileName(f))))
            {
                File.Delete(stale);
            }

            foreach (var (file, text) in outputs)
            {
                File.WriteAllText(Path.Combine(folder, file), text, new UTF8Encoding(false));
            }

            return;
        }

        var failures = new List<string>();
        var existing = Directory.Exists(folder) ? Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal) : [];
        foreach (var (file, actual) in outputs)
        {
            if (!existing.Contains(file))
            {
                failures.Add($"{group}/{file}: no golden file");
                continue;
            }

            var expected = File.ReadAllText(Path.Combine(folder, file), Encoding.UTF8);
            if (FirstDifference(expected, actual) is { } diff)
            {
                failures.Add($"{group}/{file}: {diff}");
            }
        }

        failures.AddRange(existing.Where(f => !outputs.ContainsKey(f)).Order(StringComparer.Ordinal).Select(f => $"{group}/{f}: golden file of an evaluation that no longer exists"));
        Assert.True(
            failures.Count == 0,
            $"{failures.Count} golden output(s) differ. If the change is on purpose, regenerate with {UpdateFlag}=1 and review the diff " +
            $"(tests/README.md). The first ones:\n\n{string.Join("\n\n", failures.Take(8))}");
    }

    /// <summary>Null when equal; otherwise the first differing line with two lines of context, as a small unified diff.</summary>
    internal static string? FirstDifference(string expected, string actual)
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return null;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var i = 0;
        while (i < e.Length && i < a.Length && string.Equals(e[i], a[i], StringComparison.Ordinal))
        {
            i++;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"first difference at line {i + 1} (golden {e.Length} lines, now {a.Length})\n");
        for (var k = Math.Max(0, i - 2); k < i; k++)
        {
            text.Append("  ").Append(e[k]).Append('\n');
        }

        foreach (var line in e.Skip(i).Take(4))
        {
            text.Append("- ").Append(line).Append('\n');
        }

        foreach (var line in a.Skip(i).Take(4))
        {
            text.Append("+ ").Append(line).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
