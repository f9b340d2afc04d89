using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;

namespace MsRelapse.Screening;

/// <summary>
/// report.html: a self-contained page (no external asset, no script from elsewhere) that a quality lead can show at a
/// governance meeting, or print: the key figures, the primary actions by episode status, urgency, steroid response and
/// flags as charts (ScottPlot, inline SVG) each with its table of exact counts, the time from steroid failure to
/// apheresis, the data that could not be screened, and the worklist of patients needing action now, sortable by any
/// column.
/// </summary>
/// <remarks>
/// Charts are horizontal bars, so that every code is written out in full beside its bar (vertical bars' rotated labels
/// were cut off), with the count at the end of the bar; the tables under them say the same for a screen reader or a
/// spreadsheet. Categories keep the clinical order of their codes (recommendation.schema.json) where there is one.
/// </remarks>
public static class ScreenReport
{
    /// <summary>Rows shown in the worklist (every row is in patients.csv).</summary>
    public const int WorklistLimit = 5000;

    /// <summary>The font the charts are measured and drawn in (Debian's fonts-dejavu-core), then the browser's fall-backs.</summary>
    private const string ChartFont = "DejaVu Sans";

    private const string ChartFontFallbacks = "'DejaVu Sans', Verdana, Arial, sans-serif";

    /// <summary>Chart width in pixels: two charts side by side on a 72rem page.</summary>
    private const int ChartWidth = 560;

    // Codes in the order of recommendation.schema.json (most to least pressing where the schema has an order).
    private static readonly string[] StatusOrder = ["relapse", "unconfirmed", "pseudo-relapse-suspected", "not-a-relapse", "possible-progression", "no-episode"];
    private static readonly string[] UrgencyOrder = ["emergency", "urgent", "soon", "routine"];
    private static readonly string[] ResponseOrder = ["inadequate", "too-early", "responded", "unknown", "not-applicable"];

    private static readonly Dictionary<string, Color> StatusColors = new(StringComparer.Ordinal)
    {
        ["relapse"] = Color.FromHex("#b2182b"),
        ["unconfirmed"] = Color.FromHex("#ef8a62"),
        ["pseudo-relapse-suspected"] = Color.FromHex("#e6ab02"),
        ["not-a-relapse"] = Color.FromHex("#67a9cf"),
        ["possible-progression"] = Color.FromHex("#7b3294"),
        ["no-episode"] = Color.FromHex("#9e9e9e"),
    };

    private static readonly Dictionary<string, Color> UrgencyColors = new(StringComparer.Ordinal)
    {
        ["emergency"] = Color.FromHex("#8b0000"),
        ["urgent"] = Color.FromHex("#d9480f"),
        ["soon"] = Color.FromHex("#e6ab02"),
        ["routine"] = Color.FromHex("#9e9e9e"),
    };

    private static readonly Color BarColor = Color.FromHex("#1f5f8b");
    private static readonly Color OtherColor = Color.FromHex("#555555");

    /// <summary>
    /// The worklist rows the page shows: emergencies first, then by patient id, at most <see cref="WorklistLimit"/> —
    /// so that when the worklist is longer than the page, what is left to patients.csv is never an emergency while an
    /// urgent row is shown.
    /// </summary>
    public static IEnumerable<PatientRow> WorklistShown(IEnumerable<PatientRow> worklist) =>
        worklist.OrderBy(r => r.Urgency == "emergency" ? 0 : 1).ThenBy(r => r.PatientId, StringComparer.Ordinal).Take(WorklistLimit);

    /// <summary>Writes the report.</summary>
    public static void Write(string path, ScreenSummary summary, IEnumerable<PatientRow> worklist) =>
        File.WriteAllText(path, Html(summary, worklist), new UTF8Encoding(false));

    /// <summary>The report's HTML.</summary>
    public static string Html(ScreenSummary summary, IEnumerable<PatientRow> worklist)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(worklist);
        var t = summary.Tally;
        var e = summary.Escalation;
        var worklistRows = worklist as IReadOnlyCollection<PatientRow> ?? [.. worklist];
        var html = new StringBuilder();
        html.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>MS relapse screen</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem;max-width:72rem;color:#222;line-height:1.4}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
            .note{color:#555;font-size:.9rem}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
            .card{border:1px solid #ccc;border-radius:.5rem;padding:.6rem 1rem;min-width:9rem}.card b{display:block;font-size:1.5rem}
            .card.alert{border-color:#b2182b;background:#fdf3f2}.card a{color:inherit}
            .charts{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}figure{margin:0;max-width:100%}
            figure svg{max-width:100%;height:auto}figcaption{font-weight:600;margin-bottom:.3rem}
            details{margin:.3rem 0 0}summary{cursor:pointer;color:#1f5f8b}
            table{border-collapse:collapse;margin:.4rem 0}th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead th{background:#f4f4f4}
            #worklist{width:100%}button.sort{all:inherit;cursor:pointer}button.sort:focus-visible{outline:2px solid #1f5f8b}
            .emergency{color:#a00;font-weight:bold}.warning{border:1px solid #b2182b;background:#fdf3f2;border-radius:.5rem;padding:.6rem 1rem}
            @media print{body{margin:0;max-width:none}summary{display:none}tr,figure{break-inside:avoid}}</style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>MS relapse screen as of {summary.AsOf:yyyy-MM-dd}</h1>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"note\">Decision support: every line is a recommendation for a clinician to review, not a decision. {N(t.Patients)} patients from {N(summary.Export.InputFiles.Length)} files ({Megabytes(summary.Export.Bytes)}); every patient's row is in patients.csv, the counts in summary.json.</p>");

        UnresolvedMedications(html, t);

        var inadequate = t.BySteroidResponse.GetValueOrDefault("inadequate");
        html.Append("<div class=\"cards\">");
        Card(html, t.Patients, "patients screened");
        Card(html, t.NeedingActionNow, "<a href=\"#worklist-section\">needing action now</a>", alert: t.NeedingActionNow > 0, labelIsHtml: true);
        Card(html, t.ByUrgency.GetValueOrDefault("emergency"), "emergencies", alert: t.ByUrgency.GetValueOrDefault("emergency") > 0);
        Card(html, t.ByStatus.GetValueOrDefault("relapse"), "in a relapse");
        Card(html, inadequate, "not responding to steroids");
        Card(html, t.ByFlag.GetValueOrDefault("apheresis-delayed"), "apheresis delayed (chosen over 42 days after onset)");
        Card(html, e.Median is { } m ? $"{m:0.#} days" : "—", "median, steroid failure → apheresis");
        Card(html, t.RejectedByReason.Values.Sum(), "records rejected");
        Card(html, summary.Export.MalformedByFile.Values.Sum(), "malformed lines skipped");
        html.Append("</div>");

        ActionsByStatus(html, t);

        html.Append("<h2>Urgency, steroid response and flags</h2><div class=\"charts\">");
        html.Append(Bars("Urgency", "patients by urgency", InOrder(t.ByUrgency, UrgencyOrder), c => UrgencyColors.GetValueOrDefault(c, OtherColor)));
        html.Append(Bars("Steroid response", "patients by steroid response to the attack's glucocorticoid course", InOrder(t.BySteroidResponse, ResponseOrder), _ => BarColor));
        html.Append(Bars("Flags", "patients with each flag (a patient counts once per flag, and may have several)", ByCount(t.ByFlag), _ => BarColor));
        html.Append("</div>");

        html.Append("<h2>Time from steroid failure to apheresis</h2>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>Days from the last steroid dose of the attack to the first apheresis session after it, for patients whose steroid response is inadequate: {Count(e.Count, "patient")}");
        if (e.Median is { } median)
        {
            html.Append(CultureInfo.InvariantCulture, $", median {median:0.#} days (IQR {e.Q1:0.#}–{e.Q3:0.#})");
        }

        var notEscalated = inadequate - e.Count;
        html.Append(CultureInfo.InvariantCulture,
            $". {Count(notEscalated, "patient")} with an inadequate response {(notEscalated == 1 ? "has" : "have")} no apheresis session recorded after the steroid course; those who need action now are on the worklist.</p>");
        html.Append("<div class=\"charts\">");
        html.Append(Histogram(t.SteroidFailureToApheresisDays, e));
        EscalationByQuarter(html, t.SteroidFailureToApheresisDaysByOnsetQuarter);
        html.Append("</div>");

        DataQuality(html, summary);
        Worklist(html, worklistRows);

        html.Append("""
            <script>
            // Printed, every table of counts is shown.
            window.addEventListener('beforeprint', () => document.querySelectorAll('details').forEach(d => { d.open = true; }));
            document.querySelectorAll('#worklist th').forEach((th, i) => th.addEventListener('click', () => {
              const body = th.closest('table').tBodies[0];
              const asc = th.dataset.asc !== 'true'; th.dataset.asc = asc;
              th.closest('tr').querySelectorAll('th').forEach(h => h.removeAttribute('aria-sort'));
              th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
              const key = r => r.cells[i].textContent;
              const num = s => s !== '' && !isNaN(s);
              [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
                const c = num(x) && num(y) ? x - y : x.localeCompare(y); return asc ? c : -c; })
                .forEach(r => body.appendChild(r));
            }));
            </script></body></html>
            """);
        return html.ToString();
    }

    /// <summary>Primary action by episode status: a stacked bar per action, and the table of counts (the issue's "actions by status").</summary>
    private static void ActionsByStatus(StringBuilder html, ScreenTally t)
    {
        html.Append("<h2>Primary actions by episode status</h2>");
        var actions = t.ByPrimaryActionAndStatus
            .Select(a => (Action: a.Key, Total: a.Value.Values.Sum(), ByStatus: a.Value))
            .OrderByDescending(a => a.Total).ThenBy(a => a.Action, StringComparer.Ordinal).ToList();
        if (actions.Count == 0)
        {
            html.Append("<p>No patient was screened without error.</p>");
            return;
        }

        var statuses = InOrder(t.ByStatus, StatusOrder).Select(s => s.Key).ToList();
        var plot = NewPlot();
        var segments = new List<Bar>();
        for (var i = 0; i < actions.Count; i++)
        {
            double from = 0;
            var position = actions.Count - 1 - i; // the largest on top
            foreach (var status in statuses)
            {
                if (actions[i].ByStatus.GetValueOrDefault(status) is var count and > 0)
                {
                    segments.Add(new Bar { Position = position, ValueBase = from, Value = from + count, Size = 0.7, FillColor = StatusColors.GetValueOrDefault(status, OtherColor), LineWidth = 0 });
                    from += count;
                }
            }

            var total = plot.Add.Text(N(actions[i].Total), from, position);
            total.LabelFontName = ChartFont;
            total.LabelFontSize = 12;
            total.LabelAlignment = Alignment.MiddleLeft;
            total.OffsetX = 4;
        }

        plot.Add.Bars(segments).Horizontal = true;
        foreach (var status in statuses)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = status, FillColor = StatusColors.GetValueOrDefault(status, OtherColor) });
        }

        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontName = ChartFont;
        CategoryAxis(plot, actions.Select(a => a.Action).ToList(), actions.Max(a => a.Total));
        html.Append("<div class=\"charts\">");
        html.Append(Figure("Primary action, by episode status", "patients by primary action, each bar divided by episode status", plot, ChartWidth + 160, HeightFor(actions.Count) + 40));

        // The table: actions down, statuses across, totals on both margins.
        html.Append("<table><caption class=\"note\">Patients by primary action (rows) and episode status (columns)</caption><thead><tr><th scope=\"col\">primary action</th>");
        foreach (var status in statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\" class=\"n\">{H(status)}</th>");
        }

        html.Append("<th scope=\"col\" class=\"n\">total</th></tr></thead><tbody>");
        foreach (var (action, total, byStatus) in actions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{H(action)}</th>");
            foreach (var status in statuses)
            {
                var count = byStatus.GetValueOrDefault(status);
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{(count > 0 ? N(count) : "")}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\"><b>{N(total)}</b></td></tr>");
        }

        html.Append("</tbody><tfoot><tr><th scope=\"row\">total</th>");
        foreach (var status in statuses)
        {
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\"><b>{N(t.ByStatus.GetValueOrDefault(status))}</b></td>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\"><b>{N(actions.Sum(a => a.Total))}</b></td></tr></tfoot></table></div>");
    }

    /// <summary>
    /// A warning above the figures when medications name a Medication the export does not hold: the steroid courses among
    /// them are not counted, so steroid responses and primary actions may be wrong (a repeat of a course that failed, a
    /// course started again mid-way). Nothing else on the page would say so.
    /// </summary>
    private static void UnresolvedMedications(StringBuilder html, ScreenTally t)
    {
        if (t.PatientsWithUnresolvedMedications == 0)
        {
            return;
        }

        var courses = t.PatientsWithUnresolvedPossibleSteroidCourses;
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"warning\" id=\"unresolved-medications\" role=\"alert\"><b>{N(t.PatientsWithUnresolvedMedications)} {(t.PatientsWithUnresolvedMedications == 1 ? "patient has" : "patients have")} medications that name a Medication resource the export does not hold</b> ({N(t.UnresolvedMedications)} medication resources) — steroid courses among them are not counted: {N(courses)} {(courses == 1 ? "patient has" : "patients have")} a drug given or ordered that nothing else identifies, whose steroid response and primary action may be wrong. Export the Medication resources too (many servers leave them out of <code>Patient/$export</code>; <code>$export?_type=Medication</code> gives them), put their files in the export folder and screen again. The counts are in summary.json (<code>unresolvedMedicationReferences</code>).</p>");
    }

    private static void DataQuality(StringBuilder html, ScreenSummary summary)
    {
        var t = summary.Tally;
        var export = summary.Export;
        html.Append("<h2>Data that could not be screened</h2>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>Records rejected: {N(t.RejectedByReason.Values.Sum())} (each a row of patients.csv with its error code: data to correct before the pathway can say anything). Lines of the export skipped as malformed: {N(export.MalformedByFile.Values.Sum())}.</p>");
        html.Append("<div class=\"charts\">");
        if (t.RejectedByReason.Count > 0)
        {
            CountTable(html, "Records rejected, by reason", "reason", ByCount(t.RejectedByReason), "records");
        }

        if (export.MalformedByFile.Count > 0)
        {
            CountTable(html, "Malformed lines, by file (their line numbers are in summary.json)", "file", ByCount(export.MalformedByFile), "lines");
        }

        if (export.SkippedByType.Count > 0)
        {
            CountTable(html, "Resources not needed by the pathway, by type (read for their patient only)", "resource type", ByCount(export.SkippedByType), "resources");
        }

        html.Append("</div>");
    }

    private static void Worklist(StringBuilder html, IReadOnlyCollection<PatientRow> rows)
    {
        html.Append("<h2 id=\"worklist-section\">Worklist: patients needing action now</h2>");
        html.Append("<p class=\"note\">Primary action a treatment or a review, urgency urgent or emergency; emergencies first. Choose a column heading to sort by it (again: the other way)./p>");
        html.Append("<table id=\"worklist\"><thead><tr>");
        foreach (var column in new[] { "patient", "primary action", "urgency", "status", "severity", "steroid response", "onset", "days since onset", "flags" })
        {
            // A button in each heading: the table sorts from the keyboard too.
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\"{(column == "days since onset" ? " class=\"n\"" : "")}><button type=\"button\" class=\"sort\">{column}</button></th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var r in WorklistShown(rows))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{H(r.PatientId)}</td><td>{H(r.PrimaryAction)}</td><td class=\"{H(r.Urgency)}\">{H(r.Urgency)}</td><td>{H(r.EpisodeStatus)}</td><td>{H(r.Severity)}</td><td>{H(r.SteroidResponse)}</td><td>{r.Onset:yyyy-MM-dd}</td><td class=\"n\">{r.DaysSinceOnset}</td><td>{H(string.Join(", ", r.Flags))}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (rows.Count == 0)
        {
            html.Append("<p>No patient needs action now.</p>");
        }
        else if (rows.Count > WorklistLimit)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">The first {N(WorklistLimit)} of {N(rows.Count)} rows, emergencies first, then by patient id; the rest are in patients.csv.</p>");
        }
    }

    /// <summary>A chart of horizontal bars, one per code, the count at its end; with its table of counts.</summary>
    private static string Bars(string title, string description, IReadOnlyList<KeyValuePair<string, long>> items, Func<string, Color> color)
    {
        if (items.Count == 0)
        {
            return $"<figure><figcaption>{H(title)}</figcaption><p>None.</p></figure>";
        }

        var plot = NewPlot();
        List<Bar> bars = [.. items.Select((item, i) => new Bar { Position = items.Count - 1 - i, Value = item.Value, Size = 0.7, FillColor = color(item.Key), LineWidth = 0, Label = N(item.Value) })];
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontName = ChartFont;
        barPlot.ValueLabelStyle.FontSize = 12;

        CategoryAxis(plot, items.Select(i => i.Key).ToList(), items.Max(i => i.Value));
        var table = new StringBuilder();
        CountTable(table, title, "code", items, inDetails: true);
        return Figure(title, description, plot, ChartWidth, HeightFor(items.Count), table.ToString());
    }

    private static string Histogram(SortedDictionary<int, long> days, DayDistribution distribution)
    {
        if (days.Count == 0)
        {
            return "";
        }

        var plot = NewPlot();
        plot.Add.Bars(days.Select(d => new Bar { Position = d.Key, Value = d.Value, Size = 0.9, FillColor = BarColor, LineWidth = 0 }).ToList());
        plot.Axes.Margins(bottom: 0);
        if (distribution.Median is { } median)
        {
            Marker(plot, median, LinePattern.Solid, $"median {median:0.#} days");
            Marker(plot, distribution.Q1!.Value, LinePattern.Dashed, $"quartiles {distribution.Q1:0.#} and {distribution.Q3:0.#} days");
            Marker(plot, distribution.Q3!.Value, LinePattern.Dashed, null);
            plot.ShowLegend(Alignment.UpperRight);
            plot.Legend.FontName = ChartFont;
        }

        plot.XLabel("days from the last steroid dose to the first apheresis session");
        plot.YLabel("patients");
        plot.Axes.Bottom.Label.FontName = ChartFont;
        plot.Axes.Left.Label.FontName = ChartFont;
        return Figure("Steroid failure → apheresis", "histogram of the days from the last steroid dose to the first apheresis session, with the median and quartiles marked", plot, ChartWidth + 160, 340);

        static void Marker(Plot plot, double x, LinePattern pattern, string? legend)
        {
            var line = plot.Add.VerticalLine(x, 1.5f, Color.FromHex("#b2182b"), pattern);
            if (legend is not null)
            {
                line.LegendText = legend;
            }
        }
    }

    /// <summary>
    /// Is escalation getting faster? For each calendar quarter of the attacks' onset: a box from the first to the third
    /// quartile with the median across it and whiskers to the shortest and longest wait, and the table of the same.
    /// </summary>
    private static void EscalationByQuarter(StringBuilder html, SortedDictionary<string, SortedDictionary<int, long>> byQuarter)
    {
        if (byQuarter.Count < 2)
        {
            return; // one quarter is the histogram already
        }

        var quarters = byQuarter.Select(q => (Quarter: q.Key, Days: q.Value, Distribution: DayDistribution.Of(q.Value))).ToList();
        var plot = NewPlot();
        var boxes = plot.Add.Boxes([.. quarters.Select((q, i) => new Box
        {
            Position = i,
            BoxMin = q.Distribution.Q1!.Value,
            BoxMax = q.Distribution.Q3!.Value,
            BoxMiddle = q.Distribution.Median,
            WhiskerMin = q.Days.Keys.First(),
            WhiskerMax = q.Days.Keys.Last(),
        })]);
        boxes.FillColor = BarColor.WithAlpha(0.35);
        boxes.LineColor = BarColor;

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, quarters.Count).Select(i => (double)i)], [.. quarters.Select(q => q.Quarter)]);
        plot.Axes.Bottom.TickLabelStyle.FontName = ChartFont;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.XLabel("quarter of the attack's onset");
        plot.YLabel("days");
        plot.Axes.Bottom.Label.FontName = ChartFont;
        plot.Axes.Left.Label.FontName = ChartFont;
        html.Append(Figure("Steroid failure → apheresis, by quarter of onset",
            "for each quarter of the attacks' onset, the days from the last steroid dose to the first apheresis session: quartiles as a box, the median across it, whiskers from the shortest to the longest",
            plot, Math.Max(360, 90 + (70 * quarters.Count)), 340,
            "<table><caption class=\"note\">Days from the last steroid dose to the first apheresis session, by quarter of the attack's onset</caption><thead><tr><th scope=\"col\">quarter</th><th scope=\"col\" class=\"n\">patients</th><th scope=\"col\" class=\"n\">median</th><th scope=\"col\" class=\"n\">IQR</th><th scope=\"col\" class=\"n\">range</th></tr></thead><tbody>"
            + string.Concat(quarters.Select(q => string.Create(CultureInfo.InvariantCulture,
                $"<tr><th scope=\"row\">{H(q.Quarter)}</th><td class=\"n\">{N(q.Distribution.Count)}</td><td class=\"n\">{q.Distribution.Median:0.#}</td><td class=\"n\">{q.Distribution.Q1:0.#}–{q.Distribution.Q3:0.#}</td><td class=\"n\">{q.Days.Keys.First()}–{q.Days.Keys.Last()}</td></tr>")))
            + "</tbody></table><p class=\"note\">The latest quarters are not complete: an attack still waiting for its escalation is not counted yet, so their waits read shorter than they will be.</p>"));
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(ChartFont);
        return plot;
    }

    /// <summary>The codes on the left axis (top to bottom as given), the counts along the bottom from 0, room for the count labels.</summary>
    private static void CategoryAxis(Plot plot, List<string> labels, long max)
    {
        var count = labels.Count;
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, count).Select(i => (double)(count - 1 - i))], [.. labels]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Left.TickLabelStyle.FontName = ChartFont;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Axes.Bottom.TickLabelStyle.FontName = ChartFont;
        plot.Axes.SetLimits(0, Math.Max(1, max) * 1.18, -0.6, count - 0.4);
        plot.Grid.YAxisStyle.IsVisible = false;
        plot.XLabel("patients");
        plot.Axes.Bottom.Label.FontName = ChartFont;
        plot.Axes.Bottom.Label.FontSize = 12;
    }

    private static int HeightFor(int categories) => 70 + (28 * Math.Max(categories, 2));

    /// <summary>A chart as inline SVG in a figure: a caption, an accessible name, the data as a table after it.</summary>
    private static string Figure(string title, string description, Plot plot, int width, int height, string table = "")
    {
        // ScottPlot writes an SVG document: its XML declaration has no place inside HTML.
        var svg = plot.GetSvgHtml(width, height);
        svg = svg[svg.IndexOf("<svg", StringComparison.Ordinal)..]
            .Replace($"font-family=\"{ChartFont}\"", $"font-family=\"{ChartFontFallbacks}\"", StringComparison.Ordinal)
            .Insert(4, $" role=\"img\" aria-label=\"{H(title)}: {H(description)}\"");

        return $"<figure><figcaption>{H(title)}</figcaption>{svg}{table}</figure>";
    }

    private static void CountTable(StringBuilder html, string caption, string what, IEnumerable<KeyValuePair<string, long>> items, string counted = "patients", bool inDetails = false)
    {
        var list = items.ToList();
        if (inDetails)
        {
            html.Append("<details><summary>The counts</summary>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<table><caption class=\"note\">{H(caption)}</caption><thead><tr><th scope=\"col\">{H(what)}</th><th scope=\"col\" class=\"n\">{H(counted)}</th></tr></thead><tbody>");
        foreach (var (key, count) in list)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{H(key)}</th><td class=\"n\">{N(count)}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (inDetails)
        {
            html.Append("</details>");
        }
    }

    /// <summary>The counts in the given order of codes, any other code after them by count.</summary>
    private static List<KeyValuePair<string, long>> InOrder(IReadOnlyDictionary<string, long> counts, string[] order) =>
        [.. counts.Where(c => c.Value > 0).OrderBy(c => Array.IndexOf(order, c.Key) is var i and >= 0 ? i : order.Length)
            .ThenByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)];

    private static List<KeyValuePair<string, long>> ByCount(IEnumerable<KeyValuePair<string, long>> counts) =>
        [.. counts.Where(c => c.Value > 0).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)];

    private static void Card(StringBuilder html, long value, string label, bool alert = false, bool labelIsHtml = false) =>
        Card(html, N(value), label, alert, labelIsHtml);

    private static void Card(StringBuilder html, string value, string label, bool alert = false, bool labelIsHtml = false) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card{(alert ? " alert" : "")}\"><b>{H(value)}</b>{(labelIsHtml ? label : H(label))}</div>");

    private static string Count(long value, string noun) => $"{N(value)} {noun}{(value == 1 ? "" : "s")}";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("N1", CultureInfo.InvariantCulture) + " MB";

    private static string H(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
