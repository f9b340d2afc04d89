using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;

namespace MsRelapse.Screening;

/// <summary>
/// report.html: a self-contained page (no external asset, no script from elsewhere) that a quality lead can show at a
/// governance meeting: the counts, charts drawn by ScottPlot as inline SVG (actions by status, urgency, the time from
/// steroid failure to apheresis), and the worklist of patients needing action now, sortable by any column.
/// </summary>
public static class ScreenReport
{
    /// <summary>Rows shown in the worklist (every row is in patients.csv).</summary>
    public const int WorklistLimit = 5000;

    /// <summary>
    /// The worklist rows the page shows: emergencies first, then by patient id, at most <see cref="WorklistLimit"/> —
    /// so that when the worklist is longer than the page, what is left to patients.csv is never an emergency while an
    /// urgent row is shown.
    /// </summary>
    public static IEnumerable<PatientRow> WorklistShown(IEnumerable<PatientRow> worklist) =>
        worklist.OrderBy(r => r.Urgency == "emergency" ? 0 : 1).ThenBy(r => r.PatientId, StringComparer.Ordinal).Take(WorklistLimit);

    /// <summary>Writes the report.</summary>
    public static void Write(string path, ScreenSummary summary, IEnumerable<PatientRow> worklist)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(worklist);
        var t = summary.Tally;
        var e = summary.Escalation;
        var html = new StringBuilder();
        html.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>MS relapse screen</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}h1{font-size:1.6rem}
            .cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:.5rem;padding:.8rem 1.2rem}
            .card b{display:block;font-size:1.5rem}.charts{display:flex;flex-wrap:wrap;gap:1rem}
            table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
            th{cursor:pointer;background:#f4f4f4}.emergency{color:#a00;font-weight:bold}.note{color:#555;font-size:.9rem}</style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>MS relapse screen as of {summary.AsOf:yyyy-MM-dd}</h1>");
        html.Append("<p class=\"note\">Decision support: every line is a recommendation for a clinician to review, not a decision.</p><div class=\"cards\">");
        Card(html, "patients", t.Patients);
        var worklistRows = worklist as IReadOnlyCollection<PatientRow> ?? [.. worklist];
        Card(html, "needing action now", worklistRows.Count);
        Card(html, "in an attack (relapse)", t.ByStatus.GetValueOrDefault("relapse"));
        Card(html, "records rejected", t.RejectedByReason.Values.Sum());
        Card(html, "malformed lines skipped", summary.Export.MalformedByFile.Values.Sum());
        html.Append("</div>");

        html.Append("<h2>Charts</h2><div class=\"charts\">");
        html.Append(BarChart("Primary action", t.ByPrimaryAction));
        html.Append(BarChart("Episode status", t.ByStatus));
        html.Append(BarChart("Urgency", t.ByUrgency));
        html.Append(Histogram(t.SteroidFailureToApheresisDays));
        html.Append("</div>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Time from steroid failure to apheresis (last steroid dose → first session, patients with an inadequate steroid response): {e.Count} patients");
        if (e.Median is { } median)
        {
            html.Append(CultureInfo.InvariantCulture, $", median {median:0.#} days (IQR {e.Q1:0.#}–{e.Q3:0.#})");
        }

        html.Append(".</p>");

        html.Append("<h2>Worklist: patients needing action now</h2><p class=\"note\">Primary action a treatment or review, urgency urgent or emergency. Click a column to sort.</p>");
        html.Append("<table id=\"worklist\"><thead><tr><th>patient</th><th>primary action</th><th>urgency</th><th>status</th><th>severity</th><th>steroid response</th><th>onset</th><th>days since onset</th><th>flags</th></tr></thead><tbody>");
        foreach (var r in WorklistShown(worklistRows))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{H(r.PatientId)}</td><td>{H(r.PrimaryAction)}</td><td class=\"{H(r.Urgency)}\">{H(r.Urgency)}</td><td>{H(r.EpisodeStatus)}</td><td>{H(r.Severity)}</td><td>{H(r.SteroidResponse)}</td><td>{r.Onset:yyyy-MM-dd}</td><td>{r.DaysSinceOnset}</td><td>{H(string.Join(", ", r.Flags))}</td></tr>");
        }

        html.Append("</tbody></table>");
        if (worklistRows.Count > WorklistLimit)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">The first {WorklistLimit} rows, emergencies first, then by patient id; the rest are in patients.csv.</p>");
        }

        html.Append("""
            <script>
            document.querySelectorAll('#worklist th').forEach((th, i) => th.addEventListener('click', () => {
              const body = th.closest('table').tBodies[0];
              const asc = th.dataset.asc !== 'true'; th.dataset.asc = asc;
              const key = r => r.cells[i].textContent;
              const num = s => s !== '' && !isNaN(s);
              [...body.rows].sort((a, b) => { const x = key(a), y = key(b);
                const c = num(x) && num(y) ? x - y : x.localeCompare(y); return asc ? c : -c; })
                .forEach(r => body.appendChild(r));
            }));
            </script></body></html>
            """);
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }

    private static void Card(StringBuilder html, string label, long? value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><b>{(value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "—")}</b>{H(label)}</div>");

    private static string H(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string BarChart(string title, SortedDictionary<string, long> counts)
    {
        var plot = new Plot();
        var items = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        if (items.Count > 0)
        {
            plot.Add.Bars([.. items.Select(i => (double)i.Value)]);
            plot.Axes.Bottom.SetTicks([.. items.Select((_, i) => (double)i)], [.. items.Select(i => i.Key)]);
            plot.Axes.Bottom.TickLabelStyle.Rotation = 35;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Margins(bottom: 0);
        }

        plot.Title(title);
        plot.YLabel("patients");
        return plot.GetSvgHtml(460, 340);
    }

    private static string Histogram(SortedDictionary<int, long> days)
    {
        var plot = new Plot();
        if (days.Count > 0)
        {
            var bars = days.Select(d => new Bar { Position = d.Key, Value = d.Value, Size = 0.9 }).ToList();
            plot.Add.Bars(bars);
            plot.Axes.Margins(bottom: 0);
        }

        plot.Title("Steroid failure → apheresis");
        plot.XLabel("days");
        plot.YLabel("patients");
        return plot.GetSvgHtml(460, 340);
    }
}
