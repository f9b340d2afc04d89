using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
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
public static class PathwayBook
{
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

    /// <summary>The book as one HTML document.</summary>
    public static string Render()
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
            <p class="sub">Knowledge base <b>{E(kb.Version)}</b> · engine {E(PathwayEngine.EngineVersion)} · {RuleCatalog.All.Count()} rules · {ThresholdCatalog.All.Count} thresholds · {kb.Entries.Count} evidence statements · {vignettes.Count} vignette evaluations</p>
            <p>For the clinical governance committee. This document is generated from the code the engine runs: the rule files'
            descriptors, the <code>Thresholds</code> class, the steroid regimens, the evidence table and the clinical vignettes
            (each evaluated by the engine while this book was made). It recommends; the clinician decides.
            Thresholds marked <span class="choice">choice</span> are the knowledge base's decisions where the evidence gives no number.</p>
            </header><nav><h2>Contents</h2><ol>
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

        html.Append("<li><a href=\"#changes\">Change log</a></li><li><a href=\"#thresholds\">All thresholds</a></li><li><a href=\"#evidence\">Evidence</a></li><li><a href=\"#activities\">Orderable actions</a></li><li><a href=\"#vignettes\">Vignettes in full</a></li></ol></nav><main>");
        html.Append("<section><h2>Evaluation order</h2><p>R0 validation → R1 the attack → R2 its status → R4 severity → R3 differential (flags) → the treatment stage picks one of R3 first line, R5, R6, R7 → modifiers: R3 concurrent actions, R8 safety, R9 people. Urgency: <b>routine</b> (weeks) · <b>soon</b> (days) · <b>urgent</b> (24–48 h) · <b>emergency</b> (same day).</p></section>");

        foreach (var rule in RuleCatalog.InEvaluationOrder)
        {
            Rule(html, rule, vignettes, 2);
        }

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
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(rule.Description)}</p>");
        if (!rule.Criteria.IsEmpty)
        {
            html.Append("<h4>Criteria</h4><ul class=\"criteria\">");
            foreach (var c in rule.Criteria)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(c.Text)}");
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
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(t.Name)}</code></td><td class=\"num\">{E(t.ValueText)}</td><td>{E(t.Documentation)}{(t.IsChoice ? " <span class=\"choice\">choice</span>" : string.Empty)}</td></tr>");
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
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(t.Name)}</code></td><td class=\"num\">{E(t.ValueText)}</td><td>{E(t.Documentation)}{(t.IsChoice ? " <span class=\"choice\">choice</span>" : string.Empty)}</td><td>{string.Join(" ", rules)}</td></tr>");
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
        @media print{nav{display:none} .v{break-inside:avoid}}
        """;
}
