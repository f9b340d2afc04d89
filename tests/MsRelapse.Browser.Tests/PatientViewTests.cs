using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PatientViewTests(BrowserSuite suite)
{
    [BrowserFact]
    public async Task Steroid_refractory_patient_shows_urgent_plasma_exchange_the_ACE_inhibitor_caution_and_the_volumes()
    {
        await using var session = await suite.OpenAsync();
        var page = session.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Moreau Luc" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(suite.BaseUrl + "/#/patients/demo-steroid-refractory");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Moreau Luc");

        // The date defaults to the server's today (2026-05-11, the demo patient's own date).
        await Expect(page.GetByLabel("Evaluate as of")).ToHaveValueAsync("2026-05-11");
        // In words too: the browser may show the input as 05/11/2026, which reads as November in Europe.
        await Expect(page.GetByTestId("as-of-words")).ToHaveTextAsync("Monday 11 May 2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();

        // IV methylprednisolone 1 g x 5 ended 12 days ago, EDSS still 6.0 (baseline 2.5): steroid-refractory severe relapse
        // → plasma exchange, urgent (R6.4; examples/README.md).
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByTestId("urgency")).ToHaveTextAsync("URGENT");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("act within 24–48 hours");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("5 exchanges of 3,035 mL, every other day from 2026-05-13");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("Before acting: 1 warning flag below.");
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Relapse");
        await Expect(page.GetByTestId("edss-baseline")).ToHaveTextAsync("2.5");
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("6.0");
        await Expect(page.GetByTestId("edss-rise")).ToHaveTextAsync("+3.5");

        // On ramipril: the ACE-inhibitor caution, a warning in words as well as colour.
        var ace = page.Locator("[data-flag=tpe-caution-ace-inhibitor]");
        await Expect(ace).ToHaveAttributeAsync("data-severity", "warning");
        await Expect(ace).ToContainTextAsync("WARNING");
        await Expect(ace).ToContainTextAsync("ACE inhibitor");

        // Nadler (man, 181 cm, 82 kg): TBV = 0.3669 × 1.81³ + 0.03219 × 82 + 0.6041 = 2.1756 + 2.6396 + 0.6041 = 5.419 L;
        // plasma volume = 5,419 × (1 − 0.44) = 3,034.6 → 3,035 mL; one plasma volume per exchange, 5 exchanges.
        var pe = page.Locator(".plan-pe").First;
        await Expect(pe).ToContainTextAsync("Plasma exchange (primary)");
        await Expect(pe).ToContainTextAsync("5,419 mL");
        await Expect(pe.GetByTestId("exchange-volume")).ToHaveTextAsync("3,035 mL per exchange");
        // 5 % albumin for 3,035 mL = 151.7 g per exchange.
        await Expect(pe).ToContainTextAsync("151.7 g");
        await Expect(pe.Locator("table.schedule tbody tr")).ToHaveCountAsync(5);
        // The first exchange waits a day for ramipril to be held ≥ 24 h: asOf + 2 = 2026-05-13.
        await Expect(pe.Locator("table.schedule tbody tr").First).ToContainTextAsync("2026-05-13");

        // Alternatives with reasons and evidence; the rationale and the cited evidence.
        await Expect(page.Locator(".alternatives")).ToContainTextAsync("Immunoadsorption");
        await Expect(page.Locator(".alternatives")).ToContainTextAsync("E-IA-DORST-2019");
        await Expect(page.Locator(".not-recommended")).ToContainTextAsync("Oral methylprednisolone");
        await Expect(page.Locator(".rationale")).ToContainTextAsync("R6.4");
        await Expect(page.Locator(".evidence")).ToContainTextAsync("E-ASFA-2023");

        // The evaluation is stored and listed with its versions.
        var history = page.GetByTestId("history-table").Locator("tbody tr");
        await Expect(history.First).ToContainTextAsync("Plasma exchange");
        await Expect(history.First).ToContainTextAsync("2026-05-11");
        await Expect(history.First).ToContainTextAsync("2026.1");
        // A stored evaluation opens again from the list, with its provenance.
        await history.First.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.Locator(".provenance")).ToContainTextAsync("evaluation #");
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");

        Directory.CreateDirectory(BrowserSuite.ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "patient-view.png"), FullPage = true });
        session.AssertClean();
    }

    [BrowserFact]
    public async Task AQP4_positive_patient_shows_the_critical_NMOSD_flag_and_an_emergency()
    {
        await using var session = await suite.OpenAsync("/#/patients/demo-aqp4-positive");
        var page = session.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Novak Eva");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();

        // AQP4-IgG positive: treat as NMOSD (R3.1) — critical flag, early apheresis with IV steroids, same day.
        var nmosd = page.Locator("[data-flag=possible-nmosd]");
        await Expect(nmosd).ToHaveAttributeAsync("data-severity", "critical");
        await Expect(nmosd).ToContainTextAsync("CRITICAL");
        await Expect(nmosd).ToContainTextAsync("NMOSD");
        await Expect(page.Locator(".flag-group-critical h4")).ToHaveTextAsync("Critical (1)");
        await Expect(page.GetByTestId("urgency")).ToHaveTextAsync("EMERGENCY");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("act the same day");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("IV methylprednisolone — methylprednisolone 1,000 mg/day IV for 5 days");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("Specialist review");
        await Expect(page.GetByTestId("do-now")).ToContainTextAsync("Before acting: 1 critical flag below.");
        // The steroid plan of the concurrent IV pulse: 1,000 mg/day × 5 = 5,000 mg, with the slow taper of NMOSD.
        var steroids = page.Locator(".plan-steroids");
        await Expect(steroids).ToContainTextAsync("1,000 mg/day");
        await Expect(steroids).ToContainTextAsync("5,000 mg");
        await Expect(steroids).ToContainTextAsync("taper");
        session.AssertClean();
    }
}
