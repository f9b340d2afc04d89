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

    // F8: a governance committee signs the book off: roles with signature lines, the knowledge base, the engine and the
    // build (with the commit the build recorded), and the generation date passed in (the generator reads no clock).
    [Fact]
    public void Book_has_an_approval_section_with_roles_signature_lines_versions_and_the_date_passed_in()
    {
        var html = PathwayBook.Render(new DateOnly(2026, 12, 5));
        var approval = Section(html, "approval");
        Assert.Contains("<h2>Approval</h2>", approval, StringComparison.Ordinal);
        Assert.All(PathwayBook.SignOffRoles, role => Assert.Contains($"<tr><td>{System.Net.WebUtility.HtmlEncode(role)}</td><td></td><td></td><td></td><td></td></tr>", approval, StringComparison.Ordinal));
        Assert.Contains("<th>signature</th>", approval, StringComparison.Ordinal);
        Assert.Contains($"<b>{KnowledgeBase.Current.Version}</b>", approval, StringComparison.Ordinal);
        Assert.Contains(PathwayEngine.EngineVersion, approval, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(PathwayBook.BuildIdentifier), approval, StringComparison.Ordinal);
        Assert.Contains("<tr><th>Book generated on</th><td>2026-12-05</td></tr>", approval, StringComparison.Ordinal);
        Assert.Contains("not given", Section(Html.Value, "approval"), StringComparison.Ordinal);
        Assert.Equal(html, PathwayBook.Render(new DateOnly(2026, 12, 5)));
    }

    // F8: every ruling of docs/pathway.md (A1–A49) with its summary and whether 2026.2 settled it, so that "(A49)" in a
    // criterion links to an explanation.
    [Fact]
    public void Book_lists_every_ruling_and_links_the_criteria_that_cite_them()
    {
        Assert.Equal(Enumerable.Range(1, 49).Select(i => $"A{i}"), Rulings.All.Select(r => r.Id));
        Assert.All(Rulings.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Summary), r.Id));
        Assert.Contains(Rulings.All, r => r.Id == "A34" && r.Settled && r.Status.StartsWith("changed", StringComparison.Ordinal));
        Assert.Contains(Rulings.All, r => r.Id == "A3" && r.Settled && r.Status == "engine's reading");
        Assert.Contains(Rulings.All, r => r.Id == "A49" && !r.Settled && r.Summary.StartsWith("R3.1 \"After first-line treatment R6/R7 decide\"", StringComparison.Ordinal));
        var rulings = Section(Html.Value, "rulings");
        Assert.Equal(49, Regex.Count(rulings, "<tr id=\"ruling-A[0-9]+\">"));
        Assert.Contains("not settled by 2026.2: remains the engine's reading", rulings, StringComparison.Ordinal);
        var r31 = Html.Value[Html.Value.IndexOf("<section class=\"rule\" id=\"R3.1\">", StringComparison.Ordinal)..];
        Assert.Contains("(<a href=\"#ruling-A49\">A49</a>)", r31[..r31.IndexOf("</section>", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    // F8: the apheresis response factors, the plasma exchange formulas with their constants and the tpe-volume-check
    // wording, the EDSS conversions and the recovery classes, each from the code that computes them.
    [Fact]
    public void Book_shows_the_response_factors_formulas_volume_check_edss_conversion_and_recovery_classes_from_the_code()
    {
        var html = Html.Value;
        var factors = Section(html, "response-factors");
        foreach (var f in ResponseFactorCatalog.All)
        {
            Assert.Contains($"<td><code>{WireNames.Of(f.Factor)}</code></td>", factors, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(f.Effect), factors, StringComparison.Ordinal);
        }

        var tpe = Section(html, "tpe-arithmetic");
        Assert.Contains("men 0.3669·H³ + 0.03219·W + 0.6041 L; women 0.3561·H³ + 0.03308·W + 0.1833 L", tpe, StringComparison.Ordinal);
        Assert.Contains("Under 25 kg: 70 mL/kg", tpe, StringComparison.Ordinal);
        Assert.Contains("plasma volume = 0.065 × W × (1 − Hct) L", tpe, StringComparison.Ordinal);
        Assert.Contains("grams = 0.05 g/mL × exchange volume; vials of 12.5 g", tpe, StringComparison.Ordinal);
        Assert.Contains("45 % intravascular", tpe, StringComparison.Ordinal);
        Assert.Contains("18.8 % after 5 × 1 plasma volume", tpe, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Core.Apheresis.PlasmaExchangePlanner.VolumeCheckMessage("N", "higher (or lower)", "X", "Y")), tpe, StringComparison.Ordinal);
        Assert.Contains($"by more than {Thresholds.TpeVolumeCheckPercent} % of Nadler's", tpe, StringComparison.Ordinal);

        var edss = Section(html, "edss");
        Assert.Contains("<h4>Visual FS, raw → converted</h4><table class=\"conv\"><tr><th>from</th><td>0</td><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td></tr><tr><th>to</th><td>0</td><td>1</td><td>2</td><td>2</td><td>3</td><td>3</td><td>4</td></tr></table>", edss, StringComparison.Ordinal);
        Assert.Contains("<tr><th>to</th><td>0</td><td>1</td><td>2</td><td>3</td><td>3</td><td>4</td><td>5</td></tr>", edss, StringComparison.Ordinal);
        Assert.Contains("<td>none (the FS decide)</td><td>2.0</td><td>4.5</td><td>5.0</td><td>5.5</td><td>6.0</td><td>6.0</td><td>6.0</td><td>6.5</td><td>6.5</td><td>7.0</td>", edss, StringComparison.Ordinal);

        var recovery = Section(html, "recovery");
        Assert.Contains("<td><code>complete</code></td><td>", recovery, StringComparison.Ordinal);
        Assert.Contains("latest ≤ baseline", recovery, StringComparison.Ordinal);
        Assert.Contains("<td><code>RecoveryMonth3Days</code></td><td class=\"num\">91</td>", recovery, StringComparison.Ordinal);
        Assert.Contains("engine choice</span>", recovery, StringComparison.Ordinal);
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<article class=\"v\" id=\"v[0-9]+\">")]
    private static partial Regex VignetteEntry();
}
