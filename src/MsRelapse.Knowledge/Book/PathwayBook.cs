using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Evidence;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;

namespace MsRelapse.Knowledge.Book;

/// <summary>One vignette evaluated now by the engine: its case, and the recommendation or the errors.</summary>
/// <param name="Index">Position in the catalogue (the anchor of its appendix entry).</param>
/// <param name="Case">The vignette's input.</param>
/// <param name="Outcome">What the engine answers today.</param>
public sealed record EvaluatedVignette(int Index, VignetteCase Case, FhirEvaluationOutcome Outcome)
{
    /// <summary>The rules this evaluation exercised: the rules that fired, or R0 when the input was refused.</summary>
    public IReadOnlyList<string> Rules => Outcome.Recommendation is { } r
        ? [.. r.FiredRules, .. r.Rationale.Select(x => x.Rule)]
        : Outcome.Errors.Count > 0 && Outcome.Record is not null ? ["R0"] : [];
}

/// <summary>
/// The pathway book: a self-contained HTML document for a governance committee. Every rule in evaluation order
/// with its criteria, thresholds (with the "choice" marks), actions, urgency and evidence with grades, and under
/// each rule the vignettes that exercise it, evaluated by the engine when the book is rendered; a change log by
/// knowledge-base version; the thresholds and the evidence in full. Built only from the rule descriptors,
/// <see cref="Thresholds"/>, the knowledge artifacts and the vignette catalogue: it cannot drift from the engine.
/// </summary>
public static partial class PathwayBook
{
    /// <summary>The roles that sign the book off (the approval section's signature lines).</summary>
    public static IReadOnlyList<string> SignOffRoles { get; } =
    [
        "Clinical lead, neurology (MS service)",
        "Clinical safety officer",
        "Pharmacist (medicines)",
        "Lead of the apheresis unit",
        "Chair of the clinical governance committee",
    ];

    /// <summary>
    /// The build the book describes: the engine assembly's informational version, which the build stamps with the
    /// source commit when it is built from a git checkout ("0.1.0+50989c7…"); the engine version alone otherwise.
    /// </summary>
    public static string BuildIdentifier { get; } =
        typeof(PathwayEngine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { Length: > 0 } v ? v : PathwayEngine.EngineVersion;

    /// <summary>Every catalogue vignette evaluated now.</summary>
    public static IReadOnlyList<EvaluatedVignette> EvaluateVignettes() =>
        [.. VignetteCatalogue.All.Select((c, i) => new EvaluatedVignette(i, c, FhirEvaluation.Evaluate(c.BundleJson, c.AsOf)))];

    /// <summary>The vignettes that exercise a rule (a leaf rule by its id; a parent rule by itself or any sub-rule).</summary>
    public static IReadOnlyList<EvaluatedVignette> Exercising(RuleDescriptor rule, IReadOnlyList<EvaluatedVignette> vignettes)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(vignettes);
        return [.. vignettes.Where(v => v.Rules.Contains(rule.Id, StringComparer.Ordinal))];
    }

    /// <summary>The book as one HTML document, with no generation date (the approval section says it was not given).</summary>
    public static string Render() => Render(null);

    /// <summary>
    /// The book as one HTML document. Pure: the generation date is passed in (the caller's clock), never read here;
    /// the same code and date give the same document.
    /// </summary>
    /// <param name="generatedOn">The date the book is generated, printed in the approval section; null when not given.</param>
    public static string Render(DateOnly? generatedOn)
    {
        var kb = KnowledgeBase.Current;
        var vignettes = EvaluateVignettes();
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>MS relapse pathway — knowledge base {E(kb.Version)}</title>
            <style>{Css}</style></head><body>
            <header><h1>MS relapse pathway</h1>
            <p class="sub">Knowledge base <b>{E(kb.Version)}</b> · engine {E(PathwayEngine.EngineVersion)} · build {E(BuildIdentifier)} · {RuleCatalog.All.Count()} rules · {ThresholdCatalog.All.Count} thresholds · {kb.Entries.Count} evidence statements · {vignettes.Count} vignette evaluations</p>
            <p>For the clinical governance committee. This document is generated from the code the engine runs: the rule files'
            descriptors, the <code>Thresholds</code> class, the steroid regimens, the evidence table and the clinical vignettes
            (each evaluated by the engine while this book was made). It recommends; the clinician decides.
            Thresholds marked <span class="choice">choice</span> are the knowledge base's decisions where the evidence gives no number;
            those marked <span class="choice engine">engine choice</span> are numbers the engine needed where the specification names none.</p>
            </header><nav><h2>Contents</h2><ol><li><a href="#approval">Approval</a></li>
            """);
        foreach (var rule in RuleCatalog.InEvaluationOrder)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#{rule.Id}\">{E(rule.Id)} — {E(rule.Title)}</a>");
            if (!rule.SubRules.IsEmpty)
            {
                html.Append("<ol>");
                foreach (var sub in rule.SubRules)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#{sub.Id}\">{E(sub.Id)} — {E(sub.Title)}</a></li>");
                }

                html.Append("</ol>");
            }

            html.Append("</li>");
        }

        html.Append("<li><a href=\"#rulings\">Rulings (A1–A")
            .Append(Rulings.All.Count.ToString(CultureInfo.InvariantCulture))
            .Append(")</a></li><li><a href=\"#response-factors\">Apheresis response factors</a></li><li><a href=\"#tpe-arithmetic\">Plasma exchange arithmetic</a></li><li><a href=\"#edss\">EDSS conversion</a></li><li><a href=\"#recovery\">Recovery classes</a></li>")
            .Append("<li><a href=\"#changes\">Change log</a></li><li><a href=\"#thresholds\">All thresholds</a></li><li><a href=\"#evidence\">Evidence</a></li><li><a href=\"#activities\">Orderable actions</a></li><li><a href=\"#vignettes\">Vignettes in full</a></li></ol></nav><main>");
        Approval(html, kb, generatedOn, vignettes.Count);
        html.Append("<section><h2>Evaluation order</h2><p>R0 validation → R1 the attack → R2 its status → R4 severity → R3 differential (flags) → the treatment stage picks one of R3 first line, R5, R6, R7 → modifiers: R3 concurrent actions, R8 safety, R9 people. Urgency: <b>routine</b> (weeks) · <b>soon</b> (days) · <b>urgent</b> (24–48 h) · <b>emergency</b> (same day).</p></section>");

        foreach (var rule in RuleCatalog.InEvaluationOrder)
        {
            Rule(html, rule, vignettes, 2);
        }

        RulingList(html);
        ResponseFactors(html);
        TpeArithmetic(html);
        EdssConversion(html);
        RecoveryClasses(html);
        Changes(html, kb);
        ThresholdTable(html);
        EvidenceTable(html, kb);
        Activities(html);
        VignetteAppendix(html, vignettes);
        html.Append("</main></body></html>\n");
        return html.ToString();
    }

    private static void Rule(StringBuilder html, RuleDescriptor rule, IReadOnlyList<EvaluatedVignette> vignettes, int level)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"rule\" id=\"{rule.Id}\"><h{level}><span class=\"id\">{E(rule.Id)}</span> {E(rule.Title)}</h{level}>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{Linked(rule.Description)}</p>");
        if (!rule.Criteria.IsEmpty)
        {
            html.Append("<h4>Criteria</h4><ul class=\"criteria\">");
            foreach (var c in rule.Criteria)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{Linked(c.Text)}");
                if (FhirPathCriteria.ById.TryGetValue(c.Id, out var fhirPath))
                {
                    html.Append(CultureInfo.InvariantCulture, $"<details><summary>FHIRPath ({E(c.Id)}; checked against the engine on every vignette)</summary><code class=\"fp\">{E(fhirPath)}</code></details>");
                }

                html.Append("</li>");
            }

            html.Append("</ul>");
        }

        if (!rule.Thresholds.IsEmpty)
        {
            html.Append("<h4>Thresholds</h4><table><tr><th>name</th><th>value</th><th>meaning</th></tr>");
            foreach (var t in rule.Thresholds.Select(ThresholdCatalog.Get))
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(t.Name)}</code></td><td class=\"num\">{E(t.ValueText)}</td><td>{E(t.Documentation)}{ChoiceMark(t)}</td></tr>");
            }

            html.Append("</table>");
        }

        if (!rule.Actions.IsEmpty || !rule.NotRecommended.IsEmpty || rule.Urgency.Length > 0)
        {
            html.Append("<h4>Actions</h4><p>");
            html.Append(string.Join(" ", rule.Actions.Select(a => KnowledgeArtifacts.ActivityDefinitionId(a) is { } id
                ? $"<a class=\"act\" href=\"#ad-{id}\">{E(WireNames.Of(a))}</a>"
                : $"<span class=\"act\">{E(WireNames.Of(a))}</span>")));
            if (!rule.NotRecommended.IsEmpty)
            {
                html.Append(" · not recommended: ").Append(string.Join(" ", rule.NotRecommended.Select(a => $"<span class=\"act no\">{E(WireNames.Of(a))}</span>")));
            }

            if (rule.Urgency.Length > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<br>Urgency: <b>{E(rule.Urgency)}</b>");
            }

            html.Append("</p>");
        }

        if (!rule.Evidence.IsEmpty)
        {
            html.Append("<h4>Evidence</h4><ul class=\"evidence\">");
            foreach (var e in rule.Evidence.Select(KnowledgeBase.Current.Get))
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"#{e.Id}\">{E(e.Id)}</a> — <i>{E(e.Grade)}</i>: {E(e.Supports)}</li>");
            }

            html.Append("</ul>");
        }

        foreach (var change in rule.Changes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"change\">Changed in {E(change.Version)}: {E(change.Text)} <small>(clinical.md: {E(change.Clause)})</small></p>");
        }

        if (rule.SubRules.IsEmpty)
        {
            var exercising = Exercising(rule, vignettes);
            html.Append(CultureInfo.InvariantCulture, $"<h4>Vignettes that exercise {E(rule.Id)} ({exercising.Count})</h4>");
            if (exercising.Count == 0)
            {
                html.Append("<p class=\"warn\">No vignette exercises this rule.</p>");
            }
            else
            {
                html.Append("<table class=\"vig\"><tr><th>vignette</th><th>as of</th><th>outcome</th></tr>");
                foreach (var v in exercising)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"#v{v.Index}\">{E(Humane(v.Case.Vignette))}</a>{(v.Case.Row.Length > 0 ? $" <small>({E(v.Case.Row)})</small>" : string.Empty)}</td><td>{v.Case.AsOf:yyyy-MM-dd}</td><td>{Headline(v)}</td></tr>");
                }

                html.Append("</table>");
            }
        }

        foreach (var sub in rule.SubRules)
        {
            Rule(html, sub, vignettes, Math.Min(level + 1, 4));
        }

        html.Append("</section>");
    }

    /// <summary>The choice mark of a number: the spec's "(choice)" or the engine's "(engine choice)".</summary>
    private static string ChoiceMark(ThresholdEntry t) =>
        t.IsChoice ? " <span class=\"choice\">choice</span>" : t.IsEngineChoice ? " <span class=\"choice engine\">engine choice</span>" : string.Empty;

    /// <summary>Encodes a text and links each ruling it cites ("(A49)", "A40:") to the rulings list.</summary>
    private static string Linked(string text) =>
        RulingCitation().Replace(E(text), m => Rulings.All.Any(r => r.Id == m.Value) ? $"<a href=\"#ruling-{m.Value}\">{m.Value}</a>" : m.Value);

    /// <summary>A ruling id as texts cite it: "(A49)", "(engine choice, A40: …", "A10, A12".</summary>
    [GeneratedRegex(@"(?<=(\(|, ))A[0-9]{1,2}(?=[),:;])", RegexOptions.CultureInvariant)]
    private static partial Regex RulingCitation();

    private static void Approval(StringBuilder html, KnowledgeBase kb, DateOnly? generatedOn, int vignetteCount)
    {
        var commit = BuildIdentifier.Contains('+', StringComparison.Ordinal) ? BuildIdentifier[(BuildIdentifier.IndexOf('+', StringComparison.Ordinal) + 1)..] : null;
        html.Append("<section id=\"approval\"><h2>Approval</h2><table class=\"ident\">");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Knowledge base</th><td><b>{E(kb.Version)}</b> (PlanDefinition <code>{E(KnowledgeArtifacts.PlanDefinitionUrl)}|{E(kb.Version)}</code>)</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Engine</th><td>{E(PathwayEngine.EngineVersion)}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Build</th><td><code>{E(BuildIdentifier)}</code>{(commit is null ? " (no source commit was recorded when the engine was built)" : $" (source commit <code>{E(commit)}</code>, recorded when the engine was built)")}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Book generated on</th><td>{(generatedOn is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "not given (the generator was not passed a date)")}</td></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th>Content</th><td>{RuleCatalog.All.Count()} rules, {ThresholdCatalog.All.Count} numbers, {kb.Entries.Count} evidence statements, {Rulings.All.Count} rulings, {vignetteCount} vignette evaluations</td></tr></table>");
        html.Append(CultureInfo.InvariantCulture, $"<p>By signing, each reviewer approves (or not) this pathway as described in this book for knowledge base {E(kb.Version)} and build <code>{E(BuildIdentifier)}</code> only: a book generated from another build needs its own approval.</p>");
        html.Append("<table class=\"sign\"><tr><th>role</th><th>name</th><th>decision (approved / approved with changes / not approved)</th><th>date</th><th>signature</th></tr>");
        foreach (var role in SignOffRoles)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(role)}</td><td></td><td></td><td></td><td></td></tr>");
        }

        html.Append("</table><p>Conditions or changes requested:</p><div class=\"lines\"></div></section>");
    }

    private static void RulingList(StringBuilder html)
    {
        html.Append("<section id=\"rulings\"><h2>Rulings</h2><p>Where clinical.md allowed two readings, the engine's documented choice (docs/pathway.md, \"Where clinical.md was ambiguous and what we chose\"; this list is read from that document). A criterion that cites a ruling links here. Knowledge base 2026.2 states the reading of some of them (\"settled\"); the others remain the engine's reading.</p>");
        html.Append("<table><tr><th>ruling</th><th>summary</th><th>2026.2</th></tr>");
        foreach (var r in Rulings.All)
        {
            var status = r.Settled
                ? $"settled by clinical.md 2026.2 — {E(r.SettledBy)}; {E(r.Status)}"
                : "not settled by 2026.2: remains the engine's reading";
            html.Append(CultureInfo.InvariantCulture, $"<tr id=\"ruling-{r.Id}\"><td><b>{E(r.Id)}</b></td><td>{E(r.Summary)}</td><td>{status}</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void ResponseFactors(StringBuilder html)
    {
        html.Append("<section id=\"response-factors\"><h2>Apheresis response factors</h2><p>Shown when a plasma exchange or immunoadsorption plan is present and neither possible-nmosd nor possible-mogad is raised: the published predictors of response to apheresis after a steroid-refractory relapse, each as found in the patient's record. Informational: they change no action, urgency or flag, and are never combined into a score, a count or a probability. The table is the engine's own (<code>ResponseFactorCatalog</code>).</p>");
        html.Append("<table><tr><th>factor</th><th>value from the record</th><th>points to a better response when</th><th>effect as published</th><th>contested</th><th>evidence</th></tr>");
        foreach (var f in ResponseFactorCatalog.All)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(WireNames.Of(f.Factor))}</code></td><td>{E(f.ValueFromRecord)}</td><td>{E(f.BetterWhen)}</td><td>{E(f.Effect)}</td><td>{(f.Contested ? "yes" : "no")}</td><td>{string.Join(" ", f.Evidence.Select(id => $"<a href=\"#{id}\">{E(id)}</a>"))}</td></tr>");
        }

        html.Append("</table>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Which way a value points: {string.Join("; ", Enum.GetValues<Favours>().Select(v => $"<code>{E(WireNames.Of(v))}</code> — {E(ResponseFactorWords.Direction(v))}"))}.</p></section>");
    }

    private static void TpeArithmetic(StringBuilder html)
    {
        static string N(double v) => v.ToString("0.##########", CultureInfo.InvariantCulture);
        var igg = PlasmaExchangePlanner.PredictIgG(Thresholds.PlasmaVolumesPerExchange, Thresholds.ApheresisCourseSessions)[^1].TotalBodyFractionAfter;
        html.Append("<section id=\"tpe-arithmetic\"><h2>Plasma exchange arithmetic</h2><p>The formulas the plasma exchange plan (and the <code>tpe-plan</code> calculator) computes, with the constants the code uses (<code>PlasmaExchangePlanner</code>, <code>Thresholds</code>).</p><ul>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Total blood volume, Nadler (<a href=\"#E-NADLER-1962\">E-NADLER-1962</a>; H in m, W in kg): men {N(PlasmaExchangePlanner.NadlerMaleHeightCubedLitres)}·H³ + {N(PlasmaExchangePlanner.NadlerMaleWeightLitresPerKg)}·W + {N(PlasmaExchangePlanner.NadlerMaleConstantLitres)} L; women {N(PlasmaExchangePlanner.NadlerFemaleHeightCubedLitres)}·H³ + {N(PlasmaExchangePlanner.NadlerFemaleWeightLitresPerKg)}·W + {N(PlasmaExchangePlanner.NadlerFemaleConstantLitres)} L.</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Under {N(PlasmaExchangePlanner.WeightBasedBelowKg)} kg: {N(PlasmaExchangePlanner.ChildBloodVolumeMlPerKg)} mL/kg × W (height and sex not needed).</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Plasma volume = total blood volume × (1 − Hct); exchange volume = plasma volume × n, n = {N(Thresholds.PlasmaVolumesPerExchange)} by default (allowed {N(PlasmaExchangePlanner.MinimumPlasmaVolumesPerExchange)}–{N(PlasmaExchangePlanner.MaximumPlasmaVolumesPerExchange)}); {Thresholds.ApheresisCourseSessions} exchanges (allowed {PlasmaExchangePlanner.MinimumExchanges}–{PlasmaExchangePlanner.MaximumExchanges}), one every {Thresholds.ApheresisIntervalDays} days{EveryOtherDay(Thresholds.ApheresisIntervalDays)}.</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Kaplan's cross-check (<a href=\"#E-KAPLAN-1990\">E-KAPLAN-1990</a>), shown beside it: plasma volume = {N(PlasmaExchangePlanner.KaplanBloodVolumeLitresPerKg)} × W × (1 − Hct) L.</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Replacement: 5 % albumin, volume = exchange volume; grams = {N(PlasmaExchangePlanner.AlbuminGramsPerMl)} g/mL × exchange volume; vials of {N(PlasmaExchangePlanner.AlbuminGramsPerVial)} g, rounded up.</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Predicted IgG (<a href=\"#E-REVERBERI-2007\">E-REVERBERI-2007</a>; two compartments, {N(PlasmaExchangePlanner.IntravascularIgGFraction * 100)} % intravascular, full re-equilibration between sessions, no synthesis): plasma IgG right after an exchange = e^(−n) of its value before; total-body IgG left after k sessions = (1 − {N(PlasmaExchangePlanner.IntravascularIgGFraction)}·(1 − e^(−n)))^k — {(igg * 100).ToString("0.0", CultureInfo.InvariantCulture)} % after {Thresholds.ApheresisCourseSessions} × {N(Thresholds.PlasmaVolumesPerExchange)} plasma volume.</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Warning <code>tpe-volume-check</code> (2026.2), when the volume is by Nadler and the weight-based estimate ({N(PlasmaExchangePlanner.KaplanBloodVolumeLitresPerKg)} L/kg × W) differs from Nadler's total blood volume by more than {Thresholds.TpeVolumeCheckPercent} % of Nadler's (percent rounded to a whole number; the volumes stay Nadler's): \"{E(PlasmaExchangePlanner.VolumeCheckMessage("N", "higher (or lower)", "X", "Y"))}\"</li>");
        html.Append("</ul></section>");
    }

    private static string EveryOtherDay(int intervalDays) => intervalDays == 2 ? " (every other day)" : string.Empty;

    private static void EdssConversion(StringBuilder html)
    {
        html.Append("<section id=\"edss\"><h2>EDSS conversion</h2><p>From the engine's EDSS calculator (<code>EdssCalculator</code>; <a href=\"#E-KURTZKE-1983\">E-KURTZKE-1983</a>, Neurostatus 0–16 ambulation coding). EDSS = the higher of the functional-system step and the ambulation step; the converted scores count only for the step.</p>");
        Conversion(html, "Visual FS, raw → converted", Enumerable.Range(0, 7).Select(raw => (raw.ToString(CultureInfo.InvariantCulture), EdssCalculator.ConvertVisual(raw).ToString(CultureInfo.InvariantCulture))));
        Conversion(html, "Bowel-bladder FS, raw → converted", Enumerable.Range(0, 7).Select(raw => (raw.ToString(CultureInfo.InvariantCulture), EdssCalculator.ConvertBowelBladder(raw).ToString(CultureInfo.InvariantCulture))));
        Conversion(html, "Cerebral FS, raw → counted as", Enumerable.Range(0, 6).Select(raw => (raw.ToString(CultureInfo.InvariantCulture), EdssCalculator.ConvertCerebral(raw).ToString(CultureInfo.InvariantCulture))));
        Conversion(html, "Ambulation score → EDSS step", Enumerable.Range(0, Thresholds.AmbulationMax + 1).Select(a => (a.ToString(CultureInfo.InvariantCulture), EdssCalculator.AmbulationStep(a) is { } step ? step.ToString("0.0", CultureInfo.InvariantCulture) : "none (the FS decide)")));
        FunctionalSystemSteps(html);
        html.Append("</section>");
    }

    /// <summary>The FS step table (clinical.md, section EDSS) from the rows the calculator computes with.</summary>
    private static void FunctionalSystemSteps(StringBuilder html)
    {
        html.Append("<h4>Functional systems → EDSS step</h4><p>nK = the number of the seven systems at converted grade K (cerebral 1 counted as 0); exactly one row applies to any set of scores. The rows are the calculator's own (<code>FunctionalSystemStepTable</code>), in the order of clinical.md; the condition is the one the calculator prints in its result. Rows marked <span class=\"choice\">choice</span> are the knowledge base's decision where published calculators differ.</p>");
        html.Append("<table><tr><th>condition</th><th>meaning</th><th>FS step</th></tr>");
        foreach (var row in FunctionalSystemStepTable.Rows)
        {
            var choice = row.Choice is { } c ? $" <span class=\"choice\">choice</span> <small>{E(c)}</small>" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(row.Condition)}</code></td><td>{E(row.Meaning)}{choice}</td><td class=\"num\">{row.Step.ToString("0.0", CultureInfo.InvariantCulture)}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void Conversion(StringBuilder html, string title, IEnumerable<(string From, string To)> rows)
    {
        var list = rows.ToList();
        html.Append(CultureInfo.InvariantCulture, $"<h4>{E(title)}</h4><table class=\"conv\"><tr><th>from</th>{string.Concat(list.Select(r => $"<td>{E(r.From)}</td>"))}</tr><tr><th>to</th>{string.Concat(list.Select(r => $"<td>{E(r.To)}</td>"))}</tr></table>");
    }

    private static void RecoveryClasses(StringBuilder html)
    {
        html.Append("<section id=\"recovery\"><h2>Recovery classes</h2><p>Outcome tracking (clinical.md, Recovery): the class at the latest assessment since onset, against the baseline and the nadir. Deliberately stricter than R6.3's \"responded\", which decides escalation, not outcome.</p><table><tr><th>class</th><th>meaning</th></tr>");
        foreach (var c in Enum.GetValues<RecoveryClass>())
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(WireNames.Of(c))}</code></td><td>{Linked(ThresholdCatalog.Documentation($"F:{typeof(RecoveryClass).FullName}.{c}"))}</td></tr>");
        }

        html.Append("</table><table><tr><th>number</th><th>value</th><th>meaning</th></tr>");
        foreach (var t in new[] { nameof(Thresholds.RecoveryPartialImprovement), nameof(Thresholds.RecoveryMonth1Days), nameof(Thresholds.RecoveryMonth3Days), nameof(Thresholds.RecoveryMonth6Days) }.Select(ThresholdCatalog.Get))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(t.Name)}</code></td><td class=\"num\">{E(t.ValueText)}</td><td>{Linked(t.Documentation)}{ChoiceMark(t)}</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void Changes(StringBuilder html, KnowledgeBase kb)
    {
        // Built from KnowledgeBaseChanges (MsRelapse.Core), the same list that fills each rule's "Changed in" notes.
        html.Append("<section id=\"changes\"><h2>Change log</h2>");
        var changes = KnowledgeBaseChanges.All.GroupBy(c => c.Version).OrderByDescending(g => g.Key, StringComparer.Ordinal).ToList();
        if (changes.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>No rule records a change up to knowledge base {E(kb.Version)}.</p>");
        }

        foreach (var version in changes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>Knowledge base {E(version.Key)}</h3><table class=\"changes\"><tr><th>rule</th><th>what changed</th><th>clause</th><th>vignettes</th></tr>");
            foreach (var change in version)
            {
                var rule = RuleCatalog.Find(change.Rule);
                var where = rule is null ? E(change.Rule) : $"<a href=\"#{rule.Id}\">{E(rule.Id)}</a> {E(rule.Title)}";
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"change-entry\" data-rule=\"{E(change.Rule)}\"><td>{where}</td><td>{E(change.Text)}</td><td>{E(change.Clause)}</td><td>{string.Join(", ", change.Vignettes.Select(v => E(Humane(v))))}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</section>");
    }

    private static void ThresholdTable(StringBuilder html)
    {
        html.Append("<section id=\"thresholds\"><h2>All thresholds</h2><p>Every number of the pathway (the Library <code>ms-relapse-thresholds</code>), and the rules that read it.</p><table><tr><th>name</th><th>value</th><th>meaning</th><th>rules</th></tr>");
        foreach (var t in ThresholdCatalog.All)
        {
            var rules = RuleCatalog.All.Where(r => r.Thresholds.Contains(t.Name)).Select(r => $"<a href=\"#{r.Id}\">{E(r.Id)}</a>");
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(t.Name)}</code></td><td class=\"num\">{E(t.ValueText)}</td><td>{E(t.Documentation)}{ChoiceMark(t)}</td><td>{string.Join(" ", rules)}</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void EvidenceTable(StringBuilder html, KnowledgeBase kb)
    {
        html.Append("<section id=\"evidence\"><h2>Evidence</h2><table><tr><th>id</th><th>grade</th><th>supports</th><th>source</th><th>cited by</th></tr>");
        foreach (var e in kb.Entries.Values)
        {
            var rules = RuleCatalog.All.Where(r => r.Evidence.Contains(e.Id)).Select(r => $"<a href=\"#{r.Id}\">{E(r.Id)}</a>");
            html.Append(CultureInfo.InvariantCulture, $"<tr id=\"{e.Id}\"><td><b>{E(e.Id)}</b></td><td>{E(e.Grade)}</td><td>{E(e.Supports)}</td><td>{E(e.Citation)}</td><td>{string.Join(" ", rules)}</td></tr>");
        }

        html.Append("</table></section>");
    }

    private static void Activities(StringBuilder html)
    {
        html.Append("<section id=\"activities\"><h2>Orderable actions</h2><p>The ActivityDefinitions of the FHIR publication, coded as the recommendation's FHIR output codes them.</p><dl>");
        foreach (var definition in KnowledgeArtifacts.All().OfType<ActivityDefinition>())
        {
            var codes = string.Join(", ", (definition.Code?.Coding ?? []).Select(c => $"{c.System}#{c.Code}"));
            var dosage = string.Join("; ", definition.Dosage.Select(d => d.Text));
            html.Append(CultureInfo.InvariantCulture, $"<dt id=\"ad-{definition.Id}\">{E(definition.Title ?? string.Empty)} <small>({E(definition.Kind?.ToString() ?? string.Empty)})</small></dt><dd>{E(definition.Description ?? string.Empty)}{(dosage.Length > 0 ? $"<br>Dosage: {E(dosage)}" : string.Empty)}<br><small>{E(codes)}</small></dd>");
        }

        html.Append("</dl></section>");
    }

    private static void VignetteAppendix(StringBuilder html, IReadOnlyList<EvaluatedVignette> vignettes)
    {
        html.Append("<section id=\"vignettes\"><h2>Vignettes in full</h2><p>Each vignette's input (the resources of its FHIR Bundle) and the engine's answer now.</p>");
        foreach (var v in vignettes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<article class=\"v\" id=\"v{v.Index}\"><h4>{E(Humane(v.Case.Vignette))}{(v.Case.Row.Length > 0 ? $" <small>({E(v.Case.Row)})</small>" : string.Empty)}</h4>");
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">{E(v.Case.Vignette.Split('.')[0])} · as of {v.Case.AsOf:yyyy-MM-dd} · rules {E(string.Join(", ", v.Rules.Distinct(StringComparer.Ordinal)))}</p>");
            html.Append("<div class=\"io\"><div><b>Input</b><ul>");
            foreach (var line in InputLines(v.Case.BundleJson))
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(line)}</li>");
            }

            html.Append("</ul></div><div><b>Output</b>");
            Output(html, v);
            html.Append("</div></div></article>");
        }

        html.Append("</section>");
    }

    private static void Output(StringBuilder html, EvaluatedVignette v)
    {
        if (v.Outcome.Recommendation is not { } r)
        {
            html.Append("<ul>");
            foreach (var error in v.Outcome.Errors)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li class=\"err\">{E(error.Code)}: {E(error.Message)}</li>");
            }

            html.Append("</ul>");
            return;
        }

        var a = r.Advice;
        html.Append("<ul>");
        html.Append(CultureInfo.InvariantCulture, $"<li>status <b>{E(WireNames.Of(r.Episode.Status))}</b>, severity {E(WireNames.Of(r.Episode.Severity))}, stage {E(WireNames.Of(r.Episode.TreatmentStage))}</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>primary <b>{E(WireNames.Of(a.Primary))}</b>, urgency <b>{E(WireNames.Of(a.Urgency))}</b>{(a.ReassessOn is { } re ? $", reassess on {re:yyyy-MM-dd}" : string.Empty)}</li>");
        if (!a.Concurrent.IsEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>concurrent: {E(string.Join(", ", a.Concurrent.Select(WireNames.Of)))}</li>");
        }

        foreach (var alt in a.Alternatives)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>alternative {E(WireNames.Of(alt.Action))}: {E(alt.Reason)}</li>");
        }

        foreach (var no in a.NotRecommended)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>not recommended {E(WireNames.Of(no.Action))}: {E(no.Reason)}</li>");
        }

        if (!r.Flags.IsEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>flags: {E(string.Join(", ", r.Flags.Select(f => $"{WireNames.Of(f.Code)} ({WireNames.Of(f.Severity)})")))}</li>");
        }

        if (!r.MissingData.IsEmpty)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>missing: {E(string.Join(", ", r.MissingData.Select(m => WireNames.Of(m.Item))))}</li>");
        }

        html.Append("</ul>");
    }

    private static string Headline(EvaluatedVignette v) => v.Outcome.Recommendation is { } r
        ? $"{E(WireNames.Of(r.Episode.Status))} → <b>{E(WireNames.Of(r.Advice.Primary))}</b>, {E(WireNames.Of(r.Advice.Urgency))}"
        : $"<span class=\"err\">refused: {E(string.Join(", ", v.Outcome.Errors.Select(e => e.Code).Distinct(StringComparer.Ordinal)))}</span>";

    /// <summary>"R5FirstLineVignettes.Moderate_relapse_gets_…" → "Moderate relapse gets …".</summary>
    private static string Humane(string vignette) => vignette[(vignette.IndexOf('.', StringComparison.Ordinal) + 1)..].Replace('_', ' ');

    /// <summary>One line per resource of the Bundle: type, what it is, its value and its date.</summary>
    public static IReadOnlyList<string> InputLines(string bundleJson)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bundleJson);
        }
        catch (System.Text.Json.JsonException)
        {
            return ["(not JSON)"];
        }

        var lines = new List<string>();
        foreach (var entry in root?["entry"] as JsonArray ?? [])
        {
            if (entry?["resource"] is not JsonObject resource)
            {
                continue;
            }

            var type = Str(resource["resourceType"]) ?? "?";
            var parts = new List<string> { type };
            var what = Concept(resource["code"]) ?? Concept(resource["medicationCodeableConcept"]);
            if (what is not null)
            {
                parts.Add(what);
            }

            if (type == "Patient")
            {
                parts.Add(string.Join(", ", new[] { Str(resource["gender"]), Str(resource["birthDate"]) is { } b ? $"born {b}" : null, resource["deceasedBoolean"] is not null || resource["deceasedDateTime"] is not null ? "deceased" : null }.OfType<string>()));
            }

            if (Value(resource) is { } value)
            {
                parts.Add("= " + value);
            }

            foreach (var component in resource["component"] as JsonArray ?? [])
            {
                if (component is JsonObject c && Concept(c["code"]) is { } name && Value(c) is { } cv)
                {
                    parts.Add($"{name} {cv}");
                }
            }

            if (resource["dosage"]?["dose"] is JsonObject dose)
            {
                parts.Add($"{Str(dose["value"]) ?? dose["value"]?.ToJsonString()} {Str(dose["unit"]) ?? Str(dose["code"])}");
            }

            if (Concept(resource["dosage"]?["route"]) is { } route)
            {
                parts.Add(route);
            }

            foreach (var (member, label) in new[] { ("clinicalStatus", "status"), ("verificationStatus", "verification") })
            {
                if (resource[member]?["coding"] is JsonArray { Count: > 0 } codings && Str(codings[0]?["code"]) is { } code)
                {
                    parts.Add($"{label} {code}");
                }
            }

            if (Str(resource["status"]) is { } status && type is not "Patient")
            {
                parts.Add(status);
            }

            foreach (var (member, label) in new[]
                     {
                         ("onsetDateTime", "onset"), ("abatementDateTime", "abated"), ("effectiveDateTime", "on"), ("performedDateTime", "on"),
                         ("authoredOn", "authored"), ("recordedDate", "recorded"),
                     })
            {
                if (Str(resource[member]) is { } date)
                {
                    parts.Add($"{label} {date}");
                }
            }

            if (resource["effectivePeriod"] is JsonObject period)
            {
                parts.Add($"from {Str(period["start"])} to {Str(period["end"])}");
            }

            lines.Add(string.Join(" · ", parts.Where(p => p.Length > 0)));
        }

        return lines;
    }

    private static string? Value(JsonObject resource)
    {
        if (resource["valueQuantity"] is JsonObject q)
        {
            return $"{q["value"]?.ToJsonString()} {Str(q["unit"]) ?? Str(q["code"])}".Trim();
        }

        if (Concept(resource["valueCodeableConcept"]) is { } concept)
        {
            return concept;
        }

        foreach (var member in new[] { "valueBoolean", "valueInteger", "valueString" })
        {
            if (resource[member] is JsonValue v)
            {
                return v.ToJsonString().Trim('"');
            }
        }

        return resource["interpretation"] is JsonArray { Count: > 0 } i ? Concept(i[0]) : null;
    }

    private static string? Concept(JsonNode? node)
    {
        if (node is not JsonObject concept)
        {
            return null;
        }

        if (Str(concept["text"]) is { } text)
        {
            return text;
        }

        var coding = (concept["coding"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return coding is null ? null : Str(coding["display"]) ?? Str(coding["code"]);
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fff}
        header,nav,main{max-width:1100px;margin:0 auto;padding:0 24px}
        header{padding-top:24px;border-bottom:3px solid #1f4e79}
        h1{color:#1f4e79;margin:0 0 4px} .sub{color:#555;margin:0 0 8px}
        h2{color:#1f4e79;border-bottom:1px solid #c8d3df;padding-bottom:2px;margin-top:36px}
        h3,h4{margin:18px 0 6px} h4{font-size:14px;color:#333;text-transform:uppercase;letter-spacing:.03em}
        .rule{border-left:4px solid #1f4e79;padding:2px 0 8px 16px;margin:20px 0} .rule .rule{border-left-color:#7fa7cf}
        .id{display:inline-block;background:#1f4e79;color:#fff;border-radius:4px;padding:0 8px;margin-right:6px;font-size:.85em}
        table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px} th,td{border:1px solid #d7dde3;padding:4px 6px;vertical-align:top;text-align:left}
        th{background:#eef3f8} td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        .choice{background:#fff1c2;border:1px solid #e0b100;border-radius:3px;padding:0 4px;font-size:11px;text-transform:uppercase}
        .act{display:inline-block;background:#e9f2e9;border:1px solid #9cc39c;border-radius:12px;padding:0 8px;margin:2px 2px;text-decoration:none;color:#1d4d1d;font-size:13px}
        .act.no{background:#f8e6e6;border-color:#d9a0a0;color:#7a1f1f}
        code.fp{display:block;white-space:pre-wrap;word-break:break-all;font-size:11px;background:#f6f8fa;padding:6px}
        .warn,.err{color:#a00} .change{background:#eef6ff;border-left:3px solid #3a7bd5;padding:4px 8px}
        .v{border-top:1px solid #e3e7eb;padding:6px 0} .v h4{text-transform:none;letter-spacing:0;font-size:14px}
        .meta{color:#666;font-size:12px;margin:0} .io{display:grid;grid-template-columns:1fr 1fr;gap:16px;font-size:12.5px}
        .io ul{margin:4px 0;padding-left:18px} small{color:#666} nav>ol{columns:2} nav li{break-inside:avoid}
        .choice.engine{background:#e8eef7;border-color:#7fa7cf}
        table.sign td{height:36px} .lines{height:96px;border-bottom:1px solid #999;background:repeating-linear-gradient(#fff 0 31px,#999 31px 32px)}
        table.conv td,table.conv th{text-align:center;width:auto}
        @media print{nav{display:none} .v{break-inside:avoid} #approval{break-after:page}}
        """;
}
