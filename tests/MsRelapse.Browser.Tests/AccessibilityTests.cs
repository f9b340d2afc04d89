using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

/// <summary>WCAG 2.2 AA: an axe-core scan of each main page finds no serious or critical violation; usable at 820 px.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserSuite suite)
{
    private static async Task AssertNoSeriousViolationsAsync(IPage page, string where)
    {
        var violations = await Axe.SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{where}:\n{string.Join("\n", violations)}");
    }

    [BrowserFact]
    public async Task The_worklist_the_patient_page_with_its_forms_the_care_plan_and_the_calculators_pass_the_axe_scan()
    {
        await using var session = await suite.OpenAsync();
        var page = session.Page;
        await Expect(page.Locator("[data-testid=patient-table] tbody tr")).ToHaveCountAsync(7);
        await AssertNoSeriousViolationsAsync(page, "patient list");

        await page.GotoAsync("/#/patients/demo-steroid-refractory");
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByTestId("history-table").Or(page.GetByText("No evaluation saved yet."))).ToBeVisibleAsync();
        // Every data-entry form open, so that all fields are scanned.
        await page.EvaluateAsync("() => document.querySelectorAll('details.entry').forEach(d => { d.open = true; })");

        await page.Locator("#entry-edss-form").GetByLabel("Visual", new() { Exact = true }).FillAsync("9"); // an error message shown
        await Expect(page.Locator("#entry-visual-error")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "patient page with forms");

        await page.GotoAsync("/#/patients/demo-steroid-refractory/care-plan");
        await Expect(page.GetByTestId("cp-now")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "care plan");

        await page.GotoAsync("/#/calculators");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan plasma exchange" }).ClickAsync(); // errors beside the fields
        await Expect(page.Locator("#tpe-sex-error")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "calculators");

        await page.GotoAsync("/#/bundle");
        await AssertNoSeriousViolationsAsync(page, "evaluate a bundle");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task At_820_px_a_ward_tablet_shows_the_patient_page_without_sideways_scrolling()
    {
        await using var session = await suite.OpenAsync("/#/patients/demo-steroid-refractory");
        var page = session.Page;
        await page.SetViewportSizeAsync(820, 1180);
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByTestId("session-calendar").First).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than an 820 px screen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "patient-view-820.png") });

        await page.GotoAsync("/");
        await Expect(page.Locator("[data-testid=patient-table] tbody tr")).ToHaveCountAsync(7);
        overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the worklist is {overflow} px wider than an 820 px screen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "worklist-820.png") });
        session.AssertClean();
    }
}
