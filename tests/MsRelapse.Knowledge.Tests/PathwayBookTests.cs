using System.Text.RegularExpressions;
using MsRelapse.Core.Evidence;
using MsRelapse.Core.Pathway;
using MsRelapse.Knowledge.Book;

namespace MsRelapse.Knowledge.Tests;

/// <summary>The pathway book: every rule in evaluation order with its vignettes, built from the code.</summary>
public sealed partial class PathwayBookTests
{
    private static readonly Lazy<IReadOnlyList<EvaluatedVignette>> Evaluated = new(PathwayBook.EvaluateVignettes);

    private static readonly Lazy<string> Html = new(PathwayBook.Render);

    public static TheoryData<string> LeafRules() => [.. RuleCatalog.Leaves.Select(r => r.Id)];

    // A rule no vignette exercises is a rule whose behaviour no one has checked: the book would show it bare.
    [Theory]
    [MemberData(nameof(LeafRules))]
    public void Every_rule_is_exercised_by_at_least_one_vignette(string ruleId)
    {
        var rule = RuleCatalog.Find(ruleId)!;
        Assert.True(PathwayBook.Exercising(rule, Evaluated.Value).Count > 0, $"no vignette exercises {ruleId}: add one to tests/MsRelapse.Vignettes.Tests and regenerate the catalogue");
    }

    // Issue 8: "a change log between knowledge-base versions (what changed in 2026.2)", built from the code
    // (KnowledgeBaseChanges): one row per change with its rule, what changed and its clause; each names a rule of the
    // catalogue or a section of clinical.md, and each vignette it cites is one the book runs.
    [Fact]
    public void Change_log_lists_every_2026_2_change_with_its_rule_clause_and_vignettes()
    {
        var html = Html.Value;
        var log = html[html.IndexOf("<section id=\"changes\">", StringComparison.Ordinal)..];
        log = log[..log.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("<h3>Knowledge base 2026.2</h3>", log, StringComparison.Ordinal);
        Assert.DoesNotContain("No rule records a change", log, StringComparison.Ordinal);
        var changes = KnowledgeBaseChanges.All.Where(c => c.Version == "2026.2").ToList();
        Assert.True(changes.Count >= 20, $"2026.2 lists the new rules, the plan changes and the clarifications ({changes.Count})");
        Assert.Equal(changes.Count, Regex.Count(log, "class=\"change-entry\""));
        var vignettes = VignetteCatalogue.All.Select(v => v.Vignette[(v.Vignette.IndexOf('.', StringComparison.Ordinal) + 1)..]).ToHashSet(StringComparer.Ordinal);
        foreach (var c in changes)
        {
            Assert.True(RuleCatalog.Find(c.Rule) is not null || KnowledgeBaseChanges.Sections.Contains(c.Rule), $"{c.Rule} is neither a rule nor a section");
            Assert.False(string.IsNullOrWhiteSpace(c.Text) || string.IsNullOrWhiteSpace(c.Clause), $"{c.Rule}: text and clause");
            Assert.NotEmpty(c.Vignettes);
            Assert.All(c.Vignettes, v => Assert.True(vignettes.Contains(v), $"{c.Rule}: vignette {v} is not in the catalogue"));
            Assert.Contains($"data-rule=\"{c.Rule}\"", log, StringComparison.Ordinal);
        }

        // The rule sections carry their own changes too (RuleDescriptor.Changes reads the same list).
        Assert.Contains(RuleCatalog.Find("R7.1")!.Changes, c => c.Version == "2026.2" && c.Clause.Contains("course in progress", StringComparison.Ordinal));
        Assert.Contains("Changed in 2026.2", html[html.IndexOf("<section class=\"rule\" id=\"R8.1\">", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public void The_coverage_check_fails_for_a_rule_no_vignette_fires()
    {
        var invented = new RuleDescriptor { Id = "R99", Title = "Invented", Description = "A rule the engine does not have." };
        Assert.Empty(PathwayBook.Exercising(invented, Evaluated.Value));
    }

    [Fact]
    public void Book_lists_every_rule_in_evaluation_order_with_its_vignettes()
    {
        var html = Html.Value;
        var positions = RuleCatalog.All.Select(r => html.IndexOf($"<section class=\"rule\" id=\"{r.Id}\">", StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.DoesNotContain("No vignette exercises this rule", html, StringComparison.Ordinal);
        foreach (var leaf in RuleCatalog.Leaves)
        {
            Assert.Contains($"Vignettes that exercise {leaf.Id} (", html, StringComparison.Ordinal);
        }

        // Every vignette evaluation has its entry, and the engine's answer in it.
        Assert.Equal(VignetteCatalogue.All.Count, VignetteEntry().Matches(html).Count);
        Assert.True(VignetteCatalogue.All.Count > 200);
    }

    [Fact]
    public void Book_shows_thresholds_with_their_values_and_choice_marks_and_evidence_with_grades()
    {
        var html = Html.Value;
        Assert.Contains($"<td><code>SteroidsTooLateDays</code></td><td class=\"num\">{Thresholds.SteroidsTooLateDays}</td>", html, StringComparison.Ordinal);
        var choices = ThresholdCatalog.All.Where(t => t.IsChoice).ToList();
        Assert.NotEmpty(choices);
        Assert.Contains("<span class=\"choice\">choice</span>", html, StringComparison.Ordinal);
        foreach (var e in KnowledgeBase.Current.Entries.Values)
        {
            Assert.Contains($"<tr id=\"{e.Id}\"><td><b>{e.Id}</b></td><td>{System.Net.WebUtility.HtmlEncode(e.Grade)}</td>", html, StringComparison.Ordinal);
        }

        Assert.Contains("id=\"changes\"", html, StringComparison.Ordinal);
    }

    // The outputs are the engine's now: a vignette's line shows what FhirEvaluation answers for its input.
    [Fact]
    public void Vignette_outputs_are_the_engines_answers()
    {
        var v = Evaluated.Value.First(x => x.Outcome.Recommendation is not null && x.Case.Vignette.StartsWith("R5FirstLineVignettes.", StringComparison.Ordinal));
        var r = v.Outcome.Recommendation!;
        Assert.Contains($"<li>primary <b>{WireNames.Of(r.Advice.Primary)}</b>, urgency <b>{WireNames.Of(r.Advice.Urgency)}</b>", Html.Value, StringComparison.Ordinal);
        Assert.Contains("R5", v.Rules);
    }

    // A governance committee reads a theory row's arguments by name, a flag as yes or no: "accepted: no", not "False".
    [Fact]
    public void A_vignette_row_names_its_arguments_in_words()
    {
        Assert.Contains("Hematocrit is accepted from ten to seventy percent</a> <small>(value: 9.5, unit: %, accepted: no)</small>", Html.Value, StringComparison.Ordinal);
        Assert.Contains("<small>(onset days ago: 91, primary: specialist-review)</small>", Html.Value, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<small>\([^)]*\b(True|False)\b", Html.Value);
    }

    [GeneratedRegex("<article class=\"v\" id=\"v[0-9]+\">")]
    private static partial Regex VignetteEntry();
}
