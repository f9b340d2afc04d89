using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PatientListTests(BrowserSuite suite)
{
    [BrowserFact]
    public async Task On_first_start_the_list_shows_the_seven_demo_patients_and_search_narrows_it_by_name_or_id()
    {
        await using var session = await suite.OpenAsync();
        var page = session.Page;
        var rows = page.Locator("[data-testid=patient-table] tbody tr");

        // The seven demo patients seeded into the empty database (DemoPatients/): all on page one.
        await Expect(rows).ToHaveCountAsync(7);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("7 patients");
        await Expect(page.Locator("#patient-results")).Not.ToContainTextAsync("null"); // one page: no pager, and nothing in its place
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Novak Eva" })).ToBeVisibleAsync();

        // Part of a name, any case: one patient.
        await page.GetByLabel("Search patients").FillAsync("novak");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("demo-aqp4-positive");

        // The beginning of an id: one patient.
        await page.GetByLabel("Search patients").FillAsync("demo-steroid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("demo-steroid-refractory");

        // Nobody: said in words, not an empty table.
        await page.GetByLabel("Search patients").FillAsync("zzz-nobody");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("No patient matches this search.");

        // The search text (a name is patient data) never reaches the address bar.
        Assert.DoesNotContain("nobody", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("novak", page.Url, StringComparison.OrdinalIgnoreCase);
        session.AssertClean();
    }

    [BrowserFact]
    public async Task The_page_is_served_with_a_strict_content_security_policy_and_the_decision_support_banner()
    {
        await using var session = await suite.OpenAsync();
        var page = session.Page;
        var response = await page.GotoAsync("/");
        Assert.NotNull(response);
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(csp);
        Assert.Contains("script-src 'self'", csp!, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp!, StringComparison.Ordinal);
        await Expect(page.Locator("#decision-support-banner")).ToContainTextAsync("Decision support — the clinician decides.");
        await Expect(page.Locator("[data-testid=patient-table] tbody tr")).ToHaveCountAsync(7);

        // Keyboard: the first Tab reaches the skip link, which moves focus to the content and leaves the view alone.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#skip-link")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main")).ToBeFocusedAsync();
        await Expect(page.Locator("[data-testid=patient-table] tbody tr")).ToHaveCountAsync(7);

        // The JSON index moved to /api; it tells the page the server's date.
        var index = await page.APIRequest.GetAsync("/api");
        Assert.Equal(200, index.Status);
        Assert.Contains("\"today\":\"2026-05-11\"", await index.TextAsync(), StringComparison.Ordinal);
        session.AssertClean();
    }
}
