using System.Net;
using System.Text;
using Microsoft.Playwright;
using MsRelapse.Testing;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

/// <summary>The patient page's own forms write FHIR resources through the REST API and the recommendation follows.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DataEntryTests(BrowserSuite suite) : IAsyncLifetime
{
    private readonly List<string> created = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The copies go again, so that the worklist of the other tests shows the seven demo patients.</summary>
    public async Task DisposeAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        foreach (var id in created)
        {
            (await http.DeleteAsync(new Uri($"/api/patients/{id}", UriKind.Relative))).Dispose();
        }
    }

    /// <summary>A copy of a demo patient under a new id, so that a test's writes touch no other test's patient.</summary>
    private async Task<string> CopyOfDemoPatientAsync(string demo, string id)
    {
        var json = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients", $"{demo}.json")))
            .Replace(demo, id, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        using var content = new StringContent(json, Encoding.UTF8, "application/fhir+json");
        using var response = await http.PutAsync(new Uri($"/api/patients/{id}", UriKind.Relative), content);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        created.Add(id);
        return id;
    }

    private static async Task FillEdssAsync(ILocator form, int pyramidal)
    {
        await form.GetByLabel("Visual", new() { Exact = true }).FillAsync("0");
        await form.GetByLabel("Brainstem", new() { Exact = true }).FillAsync("0");
        await form.GetByLabel("Pyramidal", new() { Exact = true }).FillAsync(pyramidal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await form.GetByLabel("Cerebellar", new() { Exact = true }).FillAsync("0");
        await form.GetByLabel("Sensory", new() { Exact = true }).FillAsync("0");
        await form.GetByLabel("Bowel and bladder", new() { Exact = true }).FillAsync("0");
        await form.GetByLabel("Cerebral", new() { Exact = true }).FillAsync("0");
        await form.GetByLabel("Ambulation", new() { Exact = true }).FillAsync("0");
    }

    [BrowserFact]
    public async Task An_EDSS_assessment_entered_on_the_page_is_computed_live_stored_and_changes_the_recommendation()
    {
        var id = await CopyOfDemoPatientAsync("demo-steroid-refractory", "entry-edss");
        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("6.0");

        var form = page.Locator("#entry-edss-form");
        // A score out of range is said beside its field, in words, as it is typed.
        await form.GetByLabel("Visual", new() { Exact = true }).FillAsync("9");
        await Expect(form.Locator("#entry-visual-error")).ToHaveTextAsync("Visual must be from 0 to 6.");
        await Expect(form.GetByLabel("Visual", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");

        // One system at grade 3, fully ambulatory: EDSS 3.0 — computed by the service's calculator as the fields change.
        await FillEdssAsync(form, pyramidal: 3);
        await Expect(form.Locator("#entry-visual-error")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("entry-edss-value")).ToHaveTextAsync("3.0");
        await Expect(form.GetByLabel("Date", new() { Exact = true })).ToHaveValueAsync("2026-05-11");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "edss-entry.png") });
        await form.GetByRole(AriaRole.Button, new() { Name = "Save EDSS assessment" }).ClickAsync();

        // Stored in the record, re-evaluated: EDSS 6.0 → 3.0 after the IV course is a response; no plasma exchange now.
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "EDSS assessment saved" }).First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("3.0");
        await Expect(page.GetByTestId("primary-action")).Not.ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByTestId("timeline-table")).ToContainTextAsync("11 May 2026");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "EDSS timeline chart" }).Locator("[data-mark=edss]")).ToHaveCountAsync(4);

        // The record holds the FHIR Observation with the codes of fhir-profile.md.
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        var record = await http.GetStringAsync(new Uri($"/api/patients/{id}", UriKind.Relative));
        Assert.Contains("\"code\":\"273554001\"", record, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"bowel-bladder\"", record, StringComparison.Ordinal);
        Assert.Contains("\"effectiveDateTime\":\"2026-05-11\"", record, StringComparison.Ordinal);
        session.AssertClean();
    }

    /// <summary>
    /// Changes two scores and submits the form in one go, as a quick typist's Enter does within the 150 ms before the
    /// live total follows: done inside the page, so that the submit always falls within that window.
    /// </summary>
    private const string ChangeScoresAndSubmitAtOnce = """
        () => {
          const form = document.querySelector('#entry-edss-form');
          for (const [name, value] of [['pyramidal', '4'], ['ambulation', '3']]) {
            form.elements[name].value = value;
            form.elements[name].dispatchEvent(new Event('input', { bubbles: true }));
          }
          form.requestSubmit();
        }
        """;

    /// <summary>The EDSS Observations of a stored record: (total, scores by component code).</summary>
    private static async Task<List<(double? Total, Dictionary<string, int> Scores)>> EdssObservationsAsync(HttpClient http, string id)
    {
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/patients/{id}", UriKind.Relative)))!;
        return [.. bundle["entry"]!.AsArray().Select(e => e!["resource"]!)
            .Where(r => (string?)r["resourceType"] == "Observation" && r["code"]!["coding"]!.AsArray().Any(c => (string?)c!["code"] == "273554001"))
            .Select(r => ((double?)r["valueQuantity"]?["value"],
                (r["component"]?.AsArray() ?? []).ToDictionary(c => (string)c!["code"]!["coding"]![0]!["code"]!, c => (int)c!["valueInteger"]!)))];
    }

    [BrowserFact]
    public async Task Scores_changed_and_saved_within_the_live_debounce_are_stored_with_the_total_of_those_scores()
    {
        var id = await CopyOfDemoPatientAsync("demo-severe-untreated", "entry-edss-race");
        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        var form = page.Locator("#entry-edss-form");

        // Pyramidal 1, the rest 0: EDSS 1.0, shown live.
        await FillEdssAsync(form, pyramidal: 1);
        await Expect(page.GetByTestId("entry-edss-value")).ToHaveTextAsync("1.0");

        // Then pyramidal 4 and ambulation 3 (EDSS 5.0), saved before the live total could follow.
        await page.EvaluateAsync(ChangeScoresAndSubmitAtOnce);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "EDSS assessment saved" }).First).ToBeVisibleAsync();

        // The stored total is the calculator's for the stored scores, not the 1.0 shown a moment before.
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        var saved = (await EdssObservationsAsync(http, id)).Single(o => o.Scores.GetValueOrDefault("pyramidal") == 4);
        Assert.Equal(3, saved.Scores["ambulation"]);
        var query = string.Join('&', new[] { "visual", "brainstem", "pyramidal", "cerebellar", "sensory", "bowel-bladder", "cerebral", "ambulation" }
            .Select(code => $"{(code == "bowel-bladder" ? "bowelBladder" : code)}={saved.Scores[code]}"));
        var calculator = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/edss?{query}", UriKind.Relative)))!;
        Assert.Equal(5.0, (double)calculator["edss"]!);
        Assert.Equal((double)calculator["edss"]!, saved.Total);
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("5.0");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task An_EDSS_assessment_whose_total_cannot_be_computed_at_the_save_is_not_saved_and_says_so()
    {
        var id = await CopyOfDemoPatientAsync("demo-severe-untreated", "entry-edss-nocalc");
        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        var form = page.Locator("#entry-edss-form");
        await FillEdssAsync(form, pyramidal: 1);
        await Expect(page.GetByTestId("entry-edss-value")).ToHaveTextAsync("1.0");
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        var before = (await EdssObservationsAsync(http, id)).Count;

        // The calculator stops answering; the scores change and are saved at once: the 1.0 shown is not theirs.
        var writes = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("/resources", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref writes);
            }
        };
        await page.RouteAsync("**/api/edss?*", route => route.FulfillAsync(new()
        {
            Status = 503, ContentType = "application/problem+json", Body = """{"title":"Service unavailable","status":503}""",
        }));
        await page.EvaluateAsync(ChangeScoresAndSubmitAtOnce);
        await Expect(form.GetByTestId("problem")).ToContainTextAsync("Not saved: the EDSS total could not be computed from these scores.");
        await Expect(form.GetByLabel("Pyramidal", new() { Exact = true })).ToHaveValueAsync("4");
        Assert.Equal(0, writes);
        Assert.Equal(before, (await EdssObservationsAsync(http, id)).Count);
        session.AssertClean();
    }

    [BrowserFact]
    public async Task An_EDSS_total_inconsistent_with_its_scores_shows_the_total_the_engine_used_and_the_recorded_one()
    {
        // Another system records EDSS 1.5 with scores whose EDSS is 5.0 (pyramidal 4, ambulation 3).
        var id = await CopyOfDemoPatientAsync("demo-severe-untreated", "entry-edss-inconsistent");
        using (var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) })
        {
            var scores = new (string Code, int Value)[] { ("visual", 0), ("brainstem", 0), ("pyramidal", 4), ("cerebellar", 0), ("sensory", 1), ("bowel-bladder", 0), ("cerebral", 0), ("ambulation", 3) };
            var components = string.Join(',', scores.Select(s => $$"""{"code":{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"{{s.Code}}"}]},"valueInteger":{{s.Value}}}"""));
            var observation = $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"273554001"}]},"subject":{"reference":"Patient/{{id}}"},"effectiveDateTime":"2026-05-11","valueQuantity":{"value":1.5,"unit":"score","system":"http://unitsofmeasure.org","code":"{score}"},"component":[{{components}}]}""";
            using var content = new StringContent(observation, Encoding.UTF8, "application/fhir+json");
            using var response = await http.PostAsync(new Uri($"/api/patients/{id}/resources", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        // The engine uses the computed 5.0 (and says so with its flag) ...
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("5.0");
        await Expect(page.Locator("[data-flag=edss-inconsistent]")).ToHaveCountAsync(1);
        // ... and so do the data used and the timeline, with the recorded total beside it and the reason.
        var used = page.GetByTestId("data-used");
        var row = used.Locator("tr", new() { HasText = "recorded" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("5.0 (recorded 1.5 — inconsistent with its scores)");
        await Expect(row).ToContainTextAsync("11 May 2026");
        var timeline = page.GetByTestId("timeline-table");
        await Expect(timeline).ToContainTextAsync("EDSS 5.0 (nadir, latest; recorded 1.5 — inconsistent with its scores)");
        await Expect(timeline).Not.ToContainTextAsync("EDSS 1.5 (latest)");
        await Expect(timeline).Not.ToContainTextAsync("EDSS 1.5 (nadir");
        var chart = page.GetByRole(AriaRole.Group, new() { Name = "EDSS timeline chart" });
        await Expect(chart.GetByRole(AriaRole.Img, new() { Name = "EDSS 5.0 on 11 May 2026 (nadir, latest; recorded 1.5 — inconsistent with its scores)" })).ToHaveCountAsync(1);
        // The baseline, used as recorded, is shown as recorded.
        var baseline = used.Locator("tr", new() { HasText = $"{id}-observ2" });
        await Expect(baseline).ToContainTextAsync("1.5");
        await Expect(baseline).Not.ToContainTextAsync("recorded");
        await Expect(timeline).ToContainTextAsync("EDSS 1.5 (baseline)");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task An_EDSS_assessment_the_engine_did_not_use_shows_the_total_of_its_scores_when_its_recorded_total_disagrees()
    {
        // Months before the baseline, another system recorded EDSS 1.5 with scores whose EDSS is 5.0 (pyramidal 4,
        // sensory 1, ambulation 3). The engine does not use it (baseline 2025-11-12, nadir and latest 2026-05-10),
        // so it has no dataUsed entry; it still reads it as 5.0, raises edss-inconsistent and names both totals.
        var id = await CopyOfDemoPatientAsync("demo-severe-untreated", "entry-edss-unused");
        var assessment = $"{id}-old-edss";
        using (var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) })
        {
            var scores = new (string Code, int Value)[] { ("visual", 0), ("brainstem", 0), ("pyramidal", 4), ("cerebellar", 0), ("sensory", 1), ("bowel-bladder", 0), ("cerebral", 0), ("ambulation", 3) };
            var components = string.Join(',', scores.Select(s => $$"""{"code":{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"{{s.Code}}"}]},"valueInteger":{{s.Value}}}"""));
            var observation = $$"""{"resourceType":"Observation","id":"{{assessment}}","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"273554001"}]},"subject":{"reference":"Patient/{{id}}"},"effectiveDateTime":"2025-06-01","valueQuantity":{"value":1.5,"unit":"score","system":"http://unitsofmeasure.org","code":"{score}"},"component":[{{components}}]}""";
            using var content = new StringContent(observation, Encoding.UTF8, "application/fhir+json");
            using var response = await http.PostAsync(new Uri($"/api/patients/{id}/resources", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("4.0");
        await Expect(page.Locator("[data-flag=edss-inconsistent]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".rationale")).ToContainTextAsync("recorded 1.5, computed from the functional systems 5.0");

        // The data used and the timeline give it the engine's total, with the recorded one beside it, as for a used one.
        var row = page.GetByTestId("data-used").Locator("tr", new() { HasText = assessment });
        await Expect(row).ToContainTextAsync("5.0 (recorded 1.5 — inconsistent with its scores)");
        await Expect(row).ToContainTextAsync("1 June 2025");
        var timeline = page.GetByTestId("timeline-table").Locator("tr", new() { HasText = assessment });
        await Expect(timeline).ToContainTextAsync("EDSS 5.0 (recorded 1.5 — inconsistent with its scores)");
        var chart = page.GetByRole(AriaRole.Group, new() { Name = "EDSS timeline chart" });
        await Expect(chart.GetByRole(AriaRole.Img, new() { Name = "EDSS 5.0 on 1 June 2025 (recorded 1.5 — inconsistent with its scores)" })).ToHaveCountAsync(1);

        // The assessments it did use stay as they were: the baseline as recorded, the latest as the engine used it.
        var baseline = page.GetByTestId("data-used").Locator("tr", new() { HasText = $"{id}-observ2" });
        await Expect(baseline).ToContainTextAsync("1.5");
        await Expect(baseline).Not.ToContainTextAsync("recorded");
        await Expect(page.GetByTestId("timeline-table")).ToContainTextAsync("EDSS 1.5 (baseline)");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task A_record_changed_elsewhere_says_so_keeps_what_was_typed_and_saves_after_a_reload()
    {
        var id = await CopyOfDemoPatientAsync("demo-mild-relapse", "entry-conflict");
        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();

        // Someone else adds a hematocrit to the record after the page read it.
        using (var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) })
        {
            const string other = """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4544-3"}]},"subject":{"reference":"Patient/entry-conflict"},"effectiveDateTime":"2026-05-10","valueQuantity":{"value":41,"unit":"%","system":"http://unitsofmeasure.org","code":"%"}}""";
            using var content = new StringContent(other, Encoding.UTF8, "application/fhir+json");
            using var response = await http.PostAsync(new Uri($"/api/patients/{id}/resources", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await page.GetByTestId("data-entry").GetByText("Vital signs", new() { Exact = true }).ClickAsync();
        var form = page.Locator("#entry-vitals-form");
        await form.GetByLabel("Weight (kg)").FillAsync("71.5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save vital signs" }).ClickAsync();
        var conflict = form.GetByTestId("conflict");
        await Expect(conflict).ToContainTextAsync("The record changed since you opened it.");
        await Expect(form.GetByLabel("Weight (kg)")).ToHaveValueAsync("71.5");

        await conflict.GetByRole(AriaRole.Button, new() { Name = "Reload the record" }).ClickAsync();
        await Expect(form.GetByLabel("Weight (kg)")).ToHaveValueAsync("71.5");
        await Expect(page.GetByTestId("data-used")).ToContainTextAsync("41 %");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save vital signs" }).ClickAsync();
        await Expect(page.GetByTestId("data-used").Locator("tr", new() { HasText = "Weight" })).ToContainTextAsync("71.5 kg");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task Relapse_steroid_apheresis_and_lab_forms_write_their_FHIR_resources()
    {
        var id = await CopyOfDemoPatientAsync("demo-mild-relapse", "entry-forms");
        await using var session = await suite.OpenAsync($"/#/patients/{id}");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        var used = page.GetByTestId("data-used");

        await page.GetByTestId("data-entry").GetByText("Lab value", new() { Exact = true }).ClickAsync();
        var lab = page.Locator("#entry-lab-form");
        await lab.GetByLabel("Test").SelectOptionAsync("calcium");
        await lab.GetByLabel("Unit").SelectOptionAsync("mg/dL");
        await lab.GetByLabel("Value").FillAsync("45");
        await lab.GetByRole(AriaRole.Button, new() { Name = "Save lab value" }).ClickAsync();
        // A calcium of 45 mg/dL is a typo or the wrong unit: said beside the field, nothing sent.
        await Expect(lab.Locator("#lab-value-error")).ToContainTextAsync("check the value and its unit");
        await lab.GetByLabel("Value").FillAsync("8.1");
        await lab.GetByRole(AriaRole.Button, new() { Name = "Save lab value" }).ClickAsync();
        await Expect(used.Locator("tr", new() { HasText = "Calcium" })).ToContainTextAsync("8.1 mg/dL");

        await page.GetByTestId("data-entry").GetByText("Steroid dose", new() { Exact = true }).ClickAsync();
        var steroid = page.Locator("#entry-steroid-form");
        await steroid.GetByLabel("Dose (mg)").FillAsync("1000");
        await steroid.GetByLabel("Route").SelectOptionAsync("intravenous");
        await steroid.GetByLabel("First day given").FillAsync("2026-05-09");
        await steroid.GetByLabel("Days given").FillAsync("3");
        await steroid.GetByRole(AriaRole.Button, new() { Name = "Save steroid dose" }).ClickAsync();
        await Expect(used.Locator("tr", new() { HasText = "Steroids" })).ToContainTextAsync("methylprednisolone 1000 mg/day IV, 3 days");

        await page.GetByTestId("data-entry").GetByText("Apheresis session", new() { Exact = true }).ClickAsync();
        var apheresis = page.Locator("#entry-apheresis-form");
        await apheresis.GetByLabel("Date of the session").FillAsync("2026-05-10");
        await apheresis.GetByRole(AriaRole.Button, new() { Name = "Save apheresis session" }).ClickAsync();
        await Expect(used.Locator("tr", new() { HasText = "Apheresis" })).ToContainTextAsync("10 May 2026");

        await page.GetByTestId("data-entry").GetByText("Relapse onset", new() { Exact = true }).ClickAsync();
        var relapse = page.Locator("#entry-relapse-form");
        await relapse.GetByLabel("Onset date").FillAsync("2026-05-12");
        await relapse.GetByRole(AriaRole.Button, new() { Name = "Save relapse onset" }).ClickAsync();
        await Expect(relapse.Locator("#relapse-onset-error")).ToContainTextAsync("after today");

        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        var record = await http.GetStringAsync(new Uri($"/api/patients/{id}", UriKind.Relative));
        Assert.Contains("\"code\":\"17861-6\"", record, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"47625008\"", record, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"36514\"", record, StringComparison.Ordinal);
        Assert.Contains("\"effectiveDateTime\":\"2026-05-11\"", record, StringComparison.Ordinal); // third steroid day
        session.AssertClean();
    }
}
