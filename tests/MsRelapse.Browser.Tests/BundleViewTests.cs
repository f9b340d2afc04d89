using Microsoft.Playwright;
using MsRelapse.Testing;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class BundleViewTests(BrowserSuite suite)
{
    [BrowserFact]
    public async Task A_bundle_with_errors_shows_the_problem_details_with_resource_and_path()
    {
        await using var session = await suite.OpenAsync("/#/bundle");
        var page = session.Page;

        // A weight of −5 kg and a birth date after the evaluation date: readable JSON, invalid content (422).
        const string broken = """
            {"resourceType":"Bundle","type":"collection","entry":[
              {"resource":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"2090-01-01"}}]}
            """;
        await page.GetByLabel("FHIR R4 Bundle (JSON)").FillAsync(broken);
        await page.GetByLabel("Evaluate as of").FillAsync("2026-05-11");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();

        var problem = page.GetByTestId("problem");
        await Expect(problem).ToContainTextAsync("The bundle has errors");
        var items = problem.Locator(".problem-errors li");
        await Expect(items.First).ToContainTextAsync("2090-01-01");
        await Expect(items.First).ToContainTextAsync("Patient.birthDate");
        await Expect(problem).ToContainTextAsync("validation-failed");

        // Not JSON at all: 400 fhir-parse-error, said plainly.
        await page.GetByLabel("FHIR R4 Bundle (JSON)").FillAsync("{\"resourceType\": \"Bund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();
        await Expect(problem).ToContainTextAsync("This is not a readable FHIR Bundle.");
        await Expect(problem).ToContainTextAsync("not well-formed JSON");

        // The edit's debounced "bundle changed" must not wipe the answer it was evaluated into (it once did, when the
        // answer came back within the 200 ms debounce: the problem vanished and only "not evaluated" was left).
        await page.WaitForTimeoutAsync(500);
        await Expect(problem).ToContainTextAsync("not well-formed JSON");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task A_shared_example_uploaded_from_a_file_is_evaluated_without_being_stored()
    {
        await using var session = await suite.OpenAsync("/#/bundle");
        var page = session.Page;

        // examples/README.md: severe relapse, untreated, as of 2026-05-11 → IV methylprednisolone 1,000 mg/day × 5, urgent.
        await page.GetByLabel("Load from a file").SetInputFilesAsync(RepoPaths.SharedFile("examples", "severe-relapse-untreated.json"));
        await Expect(page.GetByLabel("FHIR R4 Bundle (JSON)")).Not.ToBeEmptyAsync();
        await page.GetByLabel("Evaluate as of").FillAsync("2026-05-11");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();

        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("IV methylprednisolone");
        await Expect(page.GetByTestId("urgency")).ToHaveTextAsync("URGENT");
        await Expect(page.Locator(".plan-steroids")).ToContainTextAsync("1,000 mg/day");
        await Expect(page.Locator("[data-flag=dmt-review]")).ToHaveAttributeAsync("data-severity", "info");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task How_the_record_was_read_is_shown_when_a_medication_was_known_by_its_name_only()
    {
        await using var session = await suite.OpenAsync("/#/bundle");
        var page = session.Page;

        // The severe untreated relapse with an ACE inhibitor named only by its formulary entry's display.
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.SharedFile("examples", "severe-relapse-untreated.json")))!;
        bundle["entry"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse("""
            {"resource":{"resourceType":"MedicationStatement","id":"ms-ace","status":"active","subject":{"reference":"Patient/p1"},
              "medicationReference":{"reference":"Medication/formulary-77","display":"lisinopril 10 mg tablet"},"effectivePeriod":{"start":"2025-01-01"}}}
            """));
        await page.GetByLabel("FHIR R4 Bundle (JSON)").FillAsync(bundle.ToJsonString());
        await page.GetByLabel("Evaluate as of").FillAsync("2026-05-11");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();

        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("IV methylprednisolone");
        var notes = page.GetByTestId("reading-notes");
        await Expect(notes).ToContainTextAsync("How the record was read (2)");
        await Expect(notes.Locator("li").First).ToContainTextAsync("is not in the record; read by the reference's display");
        await Expect(notes.Locator("li").Nth(1)).ToContainTextAsync("recognised lisinopril by name");
        session.AssertClean();
    }
}
