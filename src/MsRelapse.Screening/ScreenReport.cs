using System.Globalization;
using System.Net;
using System.Text;

namespace MsRelapse.Screening;

/// <summary>report.html: a self-contained page (no external assets) for a governance meeting.</summary>
public static class ScreenReport
{
    /// <summary>Rows shown in the worklist (the rest are in patients.csv).</summary>
    public const int WorklistLimit = 5000;

    /// <summary>Writes the report.</summary>
    public static void Write(string path, ScreenSummary summary, IEnumerable<PatientRow> worklist)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(worklist);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>MsRelapse screen</title></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>MS relapse screen as of {summary.AsOf:yyyy-MM-dd}</h1><p>{summary.Tally.Patients} patients.</p><table>");
        foreach (var row in worklist.Take(WorklistLimit))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(row.PatientId)}</td><td>{row.PrimaryAction}</td><td>{row.Urgency}</td></tr>");
        }

        html.Append("</table></body></html>");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }
}
