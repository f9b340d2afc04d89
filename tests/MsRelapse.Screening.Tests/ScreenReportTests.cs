using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MsRelapse.Screening.Tests;

/// <summary>
/// report.html and the counts behind it: the primary actions by episode status (the issue's "actions by status") with
/// exact counts that add up, every code written out in full in the charts, the key figures a quality lead reads first,
/// and nothing from outside the file.
/// </summary>
public sealed partial class ScreenReportTests
{
    private static readonly DateOnly AsOf = new(2026, 5, 11);

    private static PatientRow Row(string id, string status, string action, string urgency = "routine", string response = "not-applicable", string[]? flags = null, int? escalationDays = null, string? error = null, DateOnly? onset = null) =>
        error is null
            ? new(id, status, "moderate", action, urgency, response, onset ?? new DateOnly(2026, 4, 20), 21, [.. flags ?? []], null, escalationDays)
            : new(id, "", "", "", "", "", null, null, [], error);

    /// <summary>A small screen: two relapses escalated to plasma exchange (one an emergency), one steroid failure not yet escalated, …</summary>
    private static List<PatientRow> Rows() =>
    [
        Row("p01", "relapse", "plasma-exchange", "emergency", "not-applicable", ["possible-nmosd"]),
        Row("p02", "relapse", "plasma-exchange", "urgent", "inadequate", ["apheresis-delayed", "dmt-review"], escalationDays: 12),
        Row("p03", "relapse", "escalated-iv-methylprednisolone", "soon", "inadequate"),
        Row("p04", "relapse", "iv-methylprednisolone", "urgent"),
        Row("p05", "pseudo-relapse-suspected", "treat-trigger", "urgent", flags: ["fever", "infection"]),
        Row("p06", "possible-progression", "specialist-review", "soon", flags: ["progressive-course"]),
        Row("p07", "relapse", "specialist-review", "urgent"),
        Row("p08", "no-episode", "observe"),
        Row("p09", "no-episode", "observe"),
        Row("p10", "no-episode", "observe", flags: ["progressive-course"]),
        Row("p11", "", "", error: "value-out-of-range"),
    ];

    private static PartitionedExport Export() => new(
        ["Condition.000.ndjson", "Observation.000.ndjson"], 1, [[]], [new MalformedLine("Observation.000.ndjson", 7, MalformedReasons.NotJson)],
        123_456, 40,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("Observation.000.ndjson", 1L)]),
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("Encounter", 9L)]));

    private static (ScreenSummary Summary, string Html) Report(List<PatientRow> rows)
    {
        var tally = ScreenTally.Of(new PartitionResult(0, [.. rows], [], rows.Count, 1000));
        var summary = ScreenSummary.Of(tally, Export(), AsOf, null);
        return (summary, ScreenReport.Html(summary, rows.Where(r => r.NeedsActionNow)));
    }

    /// <summary>The cells of a row of the actions-by-status table: the action's counts under each status, then the total.</summary>
    private static string[] TableRow(string html, string action)
    {
        var match = Regex.Match(html, $"<tr><th scope=\"row\">{Regex.Escape(action)}</th>((?:<td class=\"n\">.*?</td>)+)</tr>");
        Assert.True(match.Success, $"no row for {action} in the actions-by-status table");
        return [.. Cell().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value.Replace("<b>", "", StringComparison.Ordinal).Replace("</b>", "", StringComparison.Ordinal))];
    }

    [GeneratedRegex("<td class=\"n\">(.*?)</td>")]
    private static partial Regex Cell();

    [Fact]
    public void The_actions_by_status_table_counts_each_action_under_each_status_in_the_schema_order()
    {
        var (_, html) = Report(Rows());

        var header = Regex.Match(html, "<th scope=\"col\">primary action</th>(.*?)</tr>").Groups[1].Value;
        Assert.Equal(["relapse", "pseudo-relapse-suspected", "possible-progression", "no-episode", "total"],
            Regex.Matches(header, "<th scope=\"col\" class=\"n\">(.*?)</th>").Select(m => m.Groups[1].Value));
        Assert.Equal(["", "", "", "3", "3"], TableRow(html, "observe"));
        Assert.Equal(["2", "", "", "", "2"], TableRow(html, "plasma-exchange"));
        Assert.Equal(["1", "", "1", "", "2"], TableRow(html, "specialist-review"));
        Assert.Equal(["", "1", "", "", "1"], TableRow(html, "treat-trigger"));
        Assert.Equal(["5", "1", "1", "3", "10"], TableRow(html, "total")); // the rejected record is in none
    }

    [Fact]
    public void The_key_figures_are_the_worklist_the_emergencies_the_steroid_failures_and_the_escalation_delay()
    {
        var (_, html) = Report(Rows());

        string Figure(string label) => Regex.Match(html, $"<div class=\"card[^\"]*\"><b>([^<]*)</b>(?:<a[^>]*>)?{Regex.Escape(label)}").Groups[1].Value;
        Assert.Equal("11", Figure("patients screened"));
        Assert.Equal("5", Figure("needing action now")); // p01, p02, p04, p05, p07: urgent or emergency, an action to take
        Assert.Equal("1", Figure("emergencies"));
        Assert.Equal("5", Figure("in a relapse"));
        Assert.Equal("2", Figure("not responding to steroids"));
        Assert.Equal("1", Figure("apheresis delayed"));
        Assert.Equal("12 days", Figure("median, steroid failure → apheresis"));
        Assert.Equal("1", Figure("records rejected"));
        Assert.Equal("1", Figure("malformed lines skipped"));
        Assert.Contains("1 patient with an inadequate response has no apheresis session recorded after the steroid course", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_code_is_written_out_in_full_in_its_chart_and_the_chart_has_an_accessible_name()
    {
        var (_, html) = Report(Rows());

        foreach (var code in new[] { "escalated-iv-methylprednisolone", "plasma-exchange", "observe", "emergency", "routine", "inadequate", "possible-nmosd", "apheresis-delayed" })
        {
            Assert.Matches($@"<text[^>]*>\s*{Regex.Escape(code)}\s*</text>", html);
        }

        Assert.Equal(5, Regex.Matches(html, "<figure><figcaption>[^<]+</figcaption><svg role=\"img\" aria-label=\"[^\"]+\"").Count);
        Assert.DoesNotContain("DejaVu Serif", html, StringComparison.Ordinal); // ScottPlot's default font, a serif, replaced
        Assert.DoesNotContain("<?xml", html, StringComparison.Ordinal); // an SVG document's declaration, not HTML
    }

    [Fact]
    public void Escalation_times_are_shown_by_quarter_of_onset_with_the_latest_quarters_said_to_be_incomplete()
    {
        var rows = Rows();
        // Steroid failures escalated after 10, 20 and 30 days in late 2025, after 8 and 12 in 2026's first quarter.
        rows.AddRange([
            Row("q1", "relapse", "rehabilitation", response: "inadequate", escalationDays: 10, onset: new DateOnly(2025, 10, 2)),
            Row("q2", "relapse", "rehabilitation", response: "inadequate", escalationDays: 20, onset: new DateOnly(2025, 11, 15)),
            Row("q3", "relapse", "rehabilitation", response: "inadequate", escalationDays: 30, onset: new DateOnly(2025, 12, 31)),
            Row("q4", "relapse", "rehabilitation", response: "inadequate", escalationDays: 8, onset: new DateOnly(2026, 1, 1)),
            Row("q5", "relapse", "rehabilitation", response: "inadequate", escalationDays: 12, onset: new DateOnly(2026, 3, 31)),
        ]);
        var (summary, html) = Report(rows);

        Assert.Contains("<tr><th scope=\"row\">2025-Q4</th><td class=\"n\">3</td><td class=\"n\">20</td><td class=\"n\">15–25</td><td class=\"n\">10–30</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">2026-Q1</th><td class=\"n\">2</td><td class=\"n\">10</td><td class=\"n\">9–11</td><td class=\"n\">8–12</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">2026-Q2</th><td class=\"n\">1</td><td class=\"n\">12</td>", html, StringComparison.Ordinal); // p02, onset in April
        Assert.Contains("The latest quarters are not complete", html, StringComparison.Ordinal);
        Assert.Equal(6, Regex.Matches(html, "<figure><figcaption>").Count);

        var byQuarter = JsonNode.Parse(summary.ToJson())!["steroidFailureToApheresisDays"]!["byOnsetQuarter"]!;
        Assert.Equal(["2025-Q4", "2026-Q1", "2026-Q2"], byQuarter.AsObject().Select(q => q.Key));
        Assert.Equal(20, byQuarter["2025-Q4"]!["median"]!.GetValue<double>());
        Assert.Equal(10, byQuarter["2025-Q4"]!["iqr"]!.GetValue<double>());

        // A single quarter is the histogram already: no chart by quarter.
        Assert.DoesNotContain("by quarter of onset", Report(Rows()).Html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_is_self_contained_and_escapes_what_the_export_wrote()
    {
        var rows = Rows();
        rows.Add(Row("<img src=x onerror=alert(1)>", "relapse", "plasma-exchange", "urgent", flags: ["<b>x</b>"]));
        var (_, html) = Report(rows);

        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
        Assert.DoesNotMatch(@"url\((https?:)?//", html);
    }

    [Fact]
    public void An_empty_screen_still_gives_a_page_that_says_so()
    {
        var (_, html) = Report([]);

        Assert.Contains("No patient was screened without error.", html, StringComparison.Ordinal);
        Assert.Contains("No patient needs action now.", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>", html.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_json_cross_tabulates_actions_by_status_and_the_counts_add_up_across_partitions()
    {
        // Seeded random rows over every action, status and response, split into uneven partitions.
        var random = new Random(11);
        string[] actions = ["observe", "plasma-exchange", "iv-methylprednisolone", "specialist-review", "treat-trigger", "rehabilitation"];
        string[] statuses = ["relapse", "unconfirmed", "pseudo-relapse-suspected", "possible-progression", "no-episode"];
        string[] responses = ["not-applicable", "too-early", "responded", "inadequate", "unknown"];
        string[] urgencies = ["routine", "soon", "urgent", "emergency"];
        var rows = Enumerable.Range(0, 2_000).Select(i => random.Next(50) == 0
            ? Row($"p{i:D5}", "", "", error: "no-patient")
            : Row($"p{i:D5}", statuses[random.Next(statuses.Length)], actions[random.Next(actions.Length)], urgencies[random.Next(urgencies.Length)], responses[random.Next(responses.Length)],
                escalationDays: random.Next(4) == 0 ? random.Next(5, 60) : null, onset: new DateOnly(2025, 1, 1).AddDays(random.Next(500)))).ToList();

        var whole = ScreenTally.Of(new PartitionResult(0, [.. rows], [], 0, 0));
        var merged = new ScreenTally();
        foreach (var chunk in rows.Chunk(337))
        {
            merged.Add(ScreenTally.Of(new PartitionResult(0, [.. chunk], [], 0, 0)));
        }

        var json = JsonNode.Parse(ScreenSummary.Of(merged, Export(), AsOf, null).ToJson())!;
        Assert.Equal(JsonNode.Parse(ScreenSummary.Of(whole, Export(), AsOf, null).ToJson())!.ToJsonString(), json.ToJsonString());

        var crossTab = json["byPrimaryActionAndStatus"]!.AsObject();
        foreach (var (action, total) in json["byPrimaryAction"]!.AsObject())
        {
            Assert.Equal(total!.GetValue<long>(), crossTab[action]!.AsObject().Sum(s => s.Value!.GetValue<long>()));
        }

        foreach (var (status, total) in json["byStatus"]!.AsObject())
        {
            Assert.Equal(total!.GetValue<long>(), crossTab.Sum(a => a.Value![status]?.GetValue<long>() ?? 0));
        }

        Assert.Equal(rows.Count(r => r.NeedsActionNow), json["needingActionNow"]!.GetValue<long>());
        Assert.InRange(json["needingActionNow"]!.GetValue<long>(), 1, rows.Count - 1);
        var byQuarter = json["steroidFailureToApheresisDays"]!["byOnsetQuarter"]!.AsObject();
        Assert.True(byQuarter.Count >= 5, "the onsets span five or six quarters");
        Assert.Equal(json["steroidFailureToApheresisDays"]!["count"]!.GetValue<long>(), byQuarter.Sum(q => q.Value!["count"]!.GetValue<long>()));
        var screened = rows.Count(r => r.Error is null);
        Assert.Equal(screened, json["bySteroidResponse"]!.AsObject().Sum(r => r.Value!.GetValue<long>()));
        Assert.Equal(rows.Count(r => r.SteroidResponse == "inadequate"), json["bySteroidResponse"]!["inadequate"]!.GetValue<long>());
    }
}
