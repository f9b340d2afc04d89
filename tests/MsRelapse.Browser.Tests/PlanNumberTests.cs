using System.Text.Json.Nodes;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

/// <summary>
/// One formatting of plan numbers (issue 12): the page, the API's card text and the CLI (Cli.Tests PlanNumberTests)
/// write the steroid-refractory plan's numbers the same way — "3,035 mL", "151.7 g", "13 vials".
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PlanNumberTests(BrowserSuite suite)
{
    [BrowserFact]
    public async Task The_same_plan_reads_the_same_numbers_on_the_page_the_care_plan_and_the_CDS_card()
    {
        const string patient = "demo-steroid-refractory";
        await using var session = await suite.OpenAsync($"/#/patients/{patient}");
        var page = session.Page;
        await Expect(page.GetByTestId("exchange-volume")).ToHaveTextAsync("3,035 mL per exchange");
        await Expect(page.GetByTestId("session-calendar").First).ToContainTextAsync("albumin 151.7 g (13 vials)");
        await page.GotoAsync($"/#/patients/{patient}/care-plan");
        await Expect(page.GetByTestId("cp-sessions")).ToContainTextAsync("Each exchange 3,035 mL");
        await Expect(page.GetByTestId("cp-sessions")).ToContainTextAsync("albumin 151.7 g, 13 vials");

        // The API's text: the CDS Hooks card for the same record.
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        var bundle = JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/patients/{patient}", UriKind.Relative)))!;
        var resources = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        var hook = new JsonObject
        {
            ["hook"] = "patient-view",
            ["hookInstance"] = "0b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
            ["context"] = new JsonObject { ["userId"] = "Practitioner/1", ["patientId"] = patient },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = resources.Single(r => (string?)r["resourceType"] == "Patient").DeepClone(),
                ["conditions"] = new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["type"] = "searchset",
                    ["entry"] = new JsonArray([.. resources.Where(r => (string?)r["resourceType"] != "Patient").Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone() })]),
                },
                ["observations"] = null, ["medicationAdministrations"] = null, ["medicationRequests"] = null,
                ["medicationStatements"] = null, ["allergies"] = null, ["procedures"] = null,
            },
        };
        using var response = await http.PostAsync(new Uri("/cds-services/msrelapse-patient-view", UriKind.Relative), new StringContent(hook.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var detail = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["cards"]![0]!["detail"]!;
        Assert.Contains("3,035 mL each", detail, StringComparison.Ordinal);
        Assert.Contains("albumin 151.7 g (13 vials)", detail, StringComparison.Ordinal);
        session.AssertClean();
    }
}
