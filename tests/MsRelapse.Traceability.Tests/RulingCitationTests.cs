using System.Text.RegularExpressions;
using MsRelapse.Testing;

namespace MsRelapse.Traceability.Tests;

/// <summary>
/// Issue #7 item 6: the rulings of docs/pathway.md ("Where clinical.md was ambiguous", stable ids A1, A2, …) are cited
/// by the code that implements them (a comment naming the id in src/MsRelapse.Core/Pathway) and by at least one test
/// that exercises them (<c>[Trait("Ruling", "A17")]</c>, so <c>--filter Ruling=A17</c> runs them). A ruling added to
/// the document without a test, or a test deleted, fails here.
/// </summary>
public sealed partial class RulingCitationTests
{
    [Fact]
    public void Every_ruling_of_pathway_md_is_cited_by_a_test()
    {
        var rulings = Rulings();
        var cited = TestFiles().SelectMany(f => RulingTrait().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var uncited = rulings.Where(a => !cited.Contains(a)).ToList();
        Assert.True(uncited.Count == 0, "rulings of docs/pathway.md no test cites with [Trait(\"Ruling\", \"A…\")]: " + string.Join(", ", uncited));
        var unknown = cited.Where(a => !rulings.Contains(a)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, "tests cite rulings docs/pathway.md does not define: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_ruling_of_pathway_md_is_cited_in_the_engine()
    {
        var engine = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Core", "Pathway"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadAllLines(f))
            .Select(l => l.IndexOf("//", StringComparison.Ordinal) is var i and >= 0 ? l[i..] : string.Empty)
            .SelectMany(comment => RulingId().Matches(comment).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);
        var uncited = Rulings().Where(a => !engine.Contains(a)).ToList();
        Assert.True(uncited.Count == 0, "rulings of docs/pathway.md no comment in src/MsRelapse.Core/Pathway names: " + string.Join(", ", uncited));
    }

    [Fact]
    public void The_rulings_are_numbered_from_A1_without_gaps()
    {
        var rulings = Rulings();
        Assert.True(rulings.Count >= 44, $"only {rulings.Count} rulings found in docs/pathway.md");
        Assert.Equal(Enumerable.Range(1, rulings.Count).Select(i => $"A{i}"), rulings);
    }

    /// <summary>The ruling ids as docs/pathway.md defines them ("1. **A1** — …"), in order.</summary>
    private static List<string> Rulings() =>
        [.. RulingDefinition().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "pathway.md"))).Select(m => m.Groups[1].Value).Distinct()];

    private static IEnumerable<string> TestFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains("MsRelapse.Traceability.Tests", StringComparison.Ordinal));

    [GeneratedRegex(@"^\d+\. \*\*(A\d+)\*\*", RegexOptions.Multiline)]
    private static partial Regex RulingDefinition();

    [GeneratedRegex(@"Trait\(\s*""Ruling""\s*,\s*""(A\d+)""\s*\)")]
    private static partial Regex RulingTrait();

    [GeneratedRegex(@"\bA\d{1,2}\b")]
    private static partial Regex RulingId();
}
