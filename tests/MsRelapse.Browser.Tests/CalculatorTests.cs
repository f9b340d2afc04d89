using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class CalculatorTests(BrowserSuite suite)
{
    private static async Task FillEdssAsync(IPage page, int pyramidal)
    {
        var form = page.Locator("#edss-form");
        await form.GetByLabel("Visual").FillAsync("1");
        await form.GetByLabel("Brainstem").FillAsync("1");
        await form.GetByLabel("Pyramidal").FillAsync(pyramidal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await form.GetByLabel("Cerebellar").FillAsync("2");
        await form.GetByLabel("Sensory").FillAsync("1");
        await form.GetByLabel("Bowel and bladder").FillAsync("0");
        await form.GetByLabel("Cerebral").FillAsync("0");
        await form.GetByLabel("Ambulation").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Calculate EDSS" }).ClickAsync();
    }

    [BrowserFact]
    public async Task EDSS_is_4_5_for_one_system_at_grade_4_and_one_at_grade_2_fully_ambulatory()
    {
        await using var session = await suite.OpenAsync("/#/calculators");
        var page = session.Page;

        // Visual 1 (converts to 1), brainstem 1, pyramidal 4, cerebellar 2, sensory 1, others 0, ambulation 0:
        // one FS at 4, none at 3, at least one at 2 → 4.5 (Kurtzke; Neurostatus); ambulation 0 sets no step.
        await FillEdssAsync(page, pyramidal: 4);
        await Expect(page.GetByTestId("edss-value")).ToHaveTextAsync("4.5");
        await Expect(page.GetByTestId("edss-explanation")).ToContainTextAsync("one system at grade 4");
        await Expect(page.Locator("#edss-result")).ToContainTextAsync("n4=1");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task A_pyramidal_score_of_7_gets_the_server_message_next_to_the_field()
    {
        await using var session = await suite.OpenAsync("/#/calculators");
        var page = session.Page;

        await FillEdssAsync(page, pyramidal: 7);
        var error = page.Locator("#edss-pyramidal-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("pyramidal 7 is outside 0–6");
        await Expect(page.Locator("#edss-pyramidal")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#edss-visual-error")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("edss-value")).ToHaveCountAsync(0);

        // Corrected, the error goes and the score comes.
        await FillEdssAsync(page, pyramidal: 4);
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.GetByTestId("edss-value")).ToHaveTextAsync("4.5");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task Plasma_exchange_calculator_names_the_missing_fields_then_plans_the_volumes()
    {
        await using var session = await suite.OpenAsync("/#/calculators");
        var page = session.Page;
        var form = page.Locator("#tpe-form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Plan plasma exchange" }).ClickAsync();
        await Expect(page.Locator("#tpe-sex-error")).ToContainTextAsync("sex is missing");
        await Expect(page.Locator("#tpe-weightKg-error")).ToContainTextAsync("weightKg is missing");

        // Man, 181 cm, 82 kg, Hct 44 %: TBV 5,419 mL (Nadler, as above), plasma volume 5,419 × 0.56 = 3,035 mL.
        await form.GetByLabel("Sex").SelectOptionAsync("male");
        await form.GetByLabel("Height (cm)").FillAsync("181");
        await form.GetByLabel("Weight (kg)").FillAsync("82");
        await form.GetByLabel("Hematocrit (%)").FillAsync("44");
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan plasma exchange" }).ClickAsync();
        await Expect(page.Locator("#tpe-sex-error")).ToBeHiddenAsync();
        await Expect(page.Locator("#tpe-result")).ToContainTextAsync("5,419 mL");
        await Expect(page.Locator("#tpe-result").GetByTestId("exchange-volume")).ToHaveTextAsync("3,035 mL per exchange");
        session.AssertClean();
    }
}
