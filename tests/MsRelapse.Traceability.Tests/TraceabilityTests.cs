using System.Text;
using System.Text.RegularExpressions;
using MsRelapse.Testing;

namespace MsRelapse.Traceability.Tests;

/// <summary>
/// Issue #12 item 7. The rule ids (R0…R9 and their sub-rules, e.g. R6.3) and the evidence ids (E-ASFA-2023, …) of
/// the specification (shared/clinical.md, shared/clinical-evidence.md), linked rule → evidence by the section of
/// clinical.md that defines the rule, and → the test files that name them (every tests/**/*.cs but this project).
/// <c>MSRELAPSE_UPDATE_TRACEABILITY=1</c> writes the table to docs/traceability.md; the test fails when a rule or an
/// evidence id is named by no test.
/// </summary>
public sealed partial class TraceabilityTests
{
    [Fact]
    public void Every_rule_and_every_evidence_id_is_exercised_by_a_test_and_the_table_is_generated()
    {
        var model = Build();
        Assert.True(model.Rules.Count >= 10, $"only {model.Rules.Count} rule ids found in clinical.md");
        Assert.True(model.Evidence.Count >= 10, $"only {model.Evidence.Count} evidence ids found");
        if (Environment.GetEnvironmentVariable("MSRELAPSE_UPDATE_TRACEABILITY") == "1")
        {
            File.WriteAllText(Path.Combine(RepoPaths.Root, "docs", "traceability.md"), Render(model));
        }

        var known = KnownGaps();
        var untested = model.Rules.Where(r => model.TestsOf(r).Count == 0).Concat(model.Evidence.Where(e => model.TestsOf(e).Count == 0)).ToList();
        var unexplained = untested.Where(id => !known.ContainsKey(id)).ToList();
        Assert.True(unexplained.Count == 0, "ids no test names (add a test, or a line with the reason to known-gaps.txt): " + string.Join(", ", unexplained));
    }

    [Fact]
    public void Ids_are_read_the_way_the_specification_writes_them()
    {
        Assert.Equal(["R6.3", "R6"], RuleIds("see R6.3 (and R60 is not a rule; nor is AR6)").ToArray());
        Assert.Equal(["E-ASFA-2023", "E-IA-DORST-2019"], EvidenceIds("E-ASFA-2023, E-IA-DORST-2019; not XE-FOO-1").ToArray());
    }

    /// <summary>known-gaps.txt: id → why no test names it yet.</summary>
    internal static Dictionary<string, string> KnownGaps() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "MsRelapse.Traceability.Tests", "known-gaps.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    internal sealed record Model(IReadOnlyList<string> Rules, IReadOnlyList<string> Evidence, IReadOnlyDictionary<string, IReadOnlyList<string>> RuleEvidence,
        IReadOnlyDictionary<string, IReadOnlyList<string>> Mentions)
    {
        public IReadOnlyList<string> TestsOf(string id) => Mentions.TryGetValue(id, out var files) ? files : [];
    }

    internal static Model Build()
    {
        var clinical = File.ReadAllLines(RepoPaths.SharedFile("clinical.md"));
        var evidenceDoc = File.ReadAllText(RepoPaths.SharedFile("clinical-evidence.md"));
        var rules = clinical.SelectMany(RuleIds).Distinct().Order(RuleOrder.Instance).ToList();
        var evidence = EvidenceIds(evidenceDoc).Concat(clinical.SelectMany(EvidenceIds)).Distinct().Order(StringComparer.Ordinal).ToList();

        // Rule → evidence: the lines of the rule's own section ("## R6 — …") that name it (a sub-rule), or the whole section.
        var ruleEvidence = new Dictionary<string, IReadOnlyList<string>>();
        string? section = null;
        var sections = new Dictionary<string, List<string>>();
        foreach (var line in clinical)
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = SectionRule().Match(line) is { Success: true } m ? m.Groups[1].Value : null;
                if (section is not null)
                {
                    sections[section] = [];
                }
            }

            if (section is not null)
            {
                sections[section].Add(line);
            }
        }

        foreach (var rule in rules)
        {
            var top = rule.Split('.')[0];
            if (!sections.TryGetValue(top, out var lines))
            {
                ruleEvidence[rule] = [];
                continue;
            }

            var own = rule == top ? lines : lines.Where(l => RuleIds(l).Contains(rule)).ToList();
            var ids = own.SelectMany(EvidenceIds).Distinct().Order(StringComparer.Ordinal).ToList();
            ruleEvidence[rule] = ids.Count > 0 || rule == top ? ids : lines.SelectMany(EvidenceIds).Distinct().Order(StringComparer.Ordinal).ToList();
        }

        var mentions = new Dictionary<string, SortedSet<string>>();
        var testsRoot = Path.Combine(RepoPaths.Root, "tests");
        foreach (var file in Directory.EnumerateFiles(testsRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("MsRelapse.Traceability.Tests", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            foreach (var id in RuleIds(text).Concat(EvidenceIds(text)).Distinct())
            {
                if (!mentions.TryGetValue(id, out var set))
                {
                    mentions[id] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(relative);
            }
        }

        return new Model(rules, evidence, ruleEvidence, mentions.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value]));
    }

    /// <summary>Rule ids in <paramref name="text"/>; a sub-rule (R6.3) also counts for its rule (R6).</summary>
    internal static IEnumerable<string> RuleIds(string text) =>
        RuleId().Matches(text).SelectMany(m => m.Groups[2].Success ? new[] { m.Value, m.Groups[1].Value } : [m.Value]).Distinct();

    internal static IEnumerable<string> EvidenceIds(string text) => EvidenceId().Matches(text).Select(m => m.Value).Distinct();

    private static string Render(Model model)
    {
        var doc = new StringBuilder();
        doc.AppendLine("# Traceability: rules → evidence → tests");
        doc.AppendLine();
        doc.AppendLine("Generated by `tests/MsRelapse.Traceability.Tests` (`MSRELAPSE_UPDATE_TRACEABILITY=1 dotnet test tests/MsRelapse.Traceability.Tests`);");
        doc.AppendLine("do not edit by hand. Rules and their evidence come from `shared/clinical.md` (the evidence ids named in the rule's");
        doc.AppendLine("section, or on the sub-rule's own lines), evidence ids also from `shared/clinical-evidence.md`; a test \"exercises\" an");
        doc.AppendLine("id when its source names it (vignettes carry the rule ids they expect to fire, plan tests the evidence they cite).");
        doc.AppendLine("The same test fails when any rule or evidence id is named by no test.");
        doc.AppendLine();
        doc.AppendLine("## Rules");
        doc.AppendLine();
        doc.AppendLine("| rule | evidence | tests (files) |");
        doc.AppendLine("|---|---|---|");
        foreach (var rule in model.Rules)
        {
            doc.AppendLine($"| {rule} | {string.Join(", ", model.RuleEvidence[rule])} | {Files(model.TestsOf(rule), rule)} |");
        }

        doc.AppendLine();
        doc.AppendLine("## Evidence");
        doc.AppendLine();
        doc.AppendLine("| evidence | rules citing it | tests (files) |");
        doc.AppendLine("|---|---|---|");
        foreach (var id in model.Evidence)
        {
            var rules = model.Rules.Where(r => model.RuleEvidence[r].Contains(id)).ToList();
            doc.AppendLine($"| {id} | {(rules.Count == 0 ? "(plans, calculators)" : string.Join(", ", rules))} | {Files(model.TestsOf(id), id)} |");
        }

        return doc.ToString();
    }

    private static string Files(IReadOnlyList<string> files, string id) =>
        files.Count == 0 ? $"**none** ({(KnownGaps().TryGetValue(id, out var why) ? why : "unexplained")})" : string.Join("<br>", files.Select(f => $"`{f.Replace("tests/", "", StringComparison.Ordinal)}`"));

    [GeneratedRegex(@"(?<![A-Za-z0-9.])(R\d)(\.\d+)?(?![0-9])")]
    private static partial Regex RuleId();

    [GeneratedRegex(@"(?<![A-Za-z0-9-])E-[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")]
    private static partial Regex EvidenceId();

    [GeneratedRegex(@"^## (R\d)\b")]
    private static partial Regex SectionRule();

    private sealed class RuleOrder : IComparer<string>
    {
        public static readonly RuleOrder Instance = new();

        public int Compare(string? x, string? y) => Key(x).CompareTo(Key(y));

        private static (int, int) Key(string? id)
        {
            var parts = (id ?? "R0").TrimStart('R').Split('.');
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
        }
    }
}
