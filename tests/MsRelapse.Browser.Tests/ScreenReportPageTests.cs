using System.Collections.Immutable;
using MsRelapse.Screening;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

/// <summary>
/// The screen's report.html in the browser a quality lead opens it in: no chart label cut off, the axe scan clean, the
/// worklist sortable, nothing fetched from anywhere.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenReportPageTests(BrowserSuite suite)
{
    /// <summary>
    /// About the spread of a 20,000-patient synthetic screen (most patients observed, a few hundred to act on), with the
    /// longest codes of recommendation.schema.json among them.
    /// </summary>
    private static List<PatientRow> Cohort()
    {
        var rows = new List<PatientRow>();
        void Add(int count, string status, string action, string urgency, string response = "not-applicable", string[]? flags = null, Func<int, int?>? escalation = null, int spreadDays = 40)
        {
            for (var i = 0; i < count; i++)
            {
                var daysAgo = (i * 7) % spreadDays;
                rows.Add(new PatientRow($"p{rows.Count:D6}", status, "moderate", action, urgency, response, new DateOnly(2026, 5, 11).AddDays(-daysAgo), daysAgo,
                    [.. flags ?? []], null, escalation?.Invoke(i)));
            }
        }

        Add(16_600, "no-episode", "observe", "routine", flags: ["progressive-course"]);
        Add(1_340, "relapse", "observe", "routine", "responded");
        Add(618, "possible-progression", "specialist-review", "soon", flags: ["pml-risk", "older-age"]);
        Add(282, "relapse", "specialist-review", "urgent", "inadequate", ["apheresis-delayed", "dmt-review"]);
        Add(589, "relapse", "rehabilitation", "routine", "responded");
        Add(120, "relapse", "rehabilitation", "routine", "inadequate", escalation: i => 6 + (i % 45), spreadDays: 540); // escalated, over six quarters
        Add(63, "relapse", "plasma-exchange", "urgent", "inadequate", ["tpe-caution-ace-inhibitor", "apheresis-contraindication-hemodynamic"], i => 8 + (i % 30));
        Add(1, "relapse", "plasma-exchange", "emergency", flags: ["possible-nmosd", "dmt-harmful-in-nmosd"]);
        Add(3, "relapse", "escalated-iv-methylprednisolone", "soon", "inadequate", ["within-30-days-of-previous-attack"]);
        Add(9, "pseudo-relapse-suspected", "treat-trigger", "urgent", flags: ["fever", "infection"]);
        Add(2, "unconfirmed", "symptomatic-therapy", "routine");
        rows.Add(new PatientRow("p-rejected", "", "", "", "", "", null, null, [], "value-out-of-range"));
        return rows;
    }

    [BrowserFact]
    public async Task The_report_shows_every_chart_label_whole_passes_the_axe_scan_and_sorts_its_worklist_by_number()
    {
        var rows = Cohort();
        var export = new PartitionedExport(["Observation.000.ndjson"], 1, [[]], [], 300_000_000, 500_000,
            ImmutableSortedDictionary<string, long>.Empty, ImmutableSortedDictionary<string, long>.Empty);
        var summary = ScreenSummary.Of(ScreenTally.Of(new PartitionResult(0, [.. rows], [], 0, 0)), export, new DateOnly(2026, 5, 11), null);
        var html = ScreenReport.Html(summary, rows.Where(r => r.NeedsActionNow));

        await using var session = await suite.OpenBlankAsync();
        var page = session.Page;
        await page.SetContentAsync(html);
        await Expect(page.Locator("figure svg")).ToHaveCountAsync(6);

        // A label drawn outside its chart is cut off there (the rotated labels of vertical bars were).
        var outside = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('svg')].flatMap(svg => {
              const box = svg.getBoundingClientRect();
              return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '').filter(t => {
                const r = t.getBoundingClientRect();
                return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
              }).map(t => t.textContent.trim());
            })
            """);
        Assert.True(outside.Length == 0, "cut off: " + string.Join(", ", outside));
        foreach (var code in new[] { "escalated-iv-methylprednisolone", "apheresis-contraindication-hemodynamic", "within-30-days-of-previous-attack" })
        {
            await Expect(page.Locator("svg text", new() { HasTextString = code })).ToHaveCountAsync(1);
        }

        var violations = await Axe.SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, string.Join("\n", violations));

        // Sorted by days since onset, as numbers: 2 before 10 (as text, "10" < "2").
        var worklist = page.Locator("#worklist");
        await worklist.GetByRole(Microsoft.Playwright.AriaRole.Columnheader, new() { Name = "days since onset" }).ClickAsync();
        var days = (await worklist.Locator("tbody tr td:nth-child(8)").AllTextContentsAsync()).Select(int.Parse).ToList();
        Assert.Equal(rows.Count(r => r.NeedsActionNow), days.Count);
        Assert.Equal(days.Order(), days);
        await Expect(worklist.GetByRole(Microsoft.Playwright.AriaRole.Columnheader, new() { Name = "days since onset" })).ToHaveAttributeAsync("aria-sort", "ascending");

        // From the keyboard: the heading's button, Enter, the other way.
        await worklist.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "days since onset" }).PressAsync("Enter");
        await Expect(worklist.GetByRole(Microsoft.Playwright.AriaRole.Columnheader, new() { Name = "days since onset" })).ToHaveAttributeAsync("aria-sort", "descending");
        days = (await worklist.Locator("tbody tr td:nth-child(8)").AllTextContentsAsync()).Select(int.Parse).ToList();
        Assert.Equal(days.OrderDescending(), days);

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "screen-report.png"), FullPage = true });
        session.AssertClean(); // no script error, no request anywhere
    }
}
