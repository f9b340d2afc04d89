using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PatientViewTests(BrowserSuite suite)
{
    [BrowserFact]
    public async Task Steroid_refractory_patient_opens_on_urgent_plasma_exchange_with_the_timeline_and_the_exchange_calendar()
    {
        await using var session = await suite.OpenAsync();
        var page = session.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Moreau Luc" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(suite.BaseUrl + "/#/patients/demo-steroid-refractory");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Moreau Luc");

        // The answer first: evaluated as of the server's today (2026-05-11) on opening, without a click.
        await Expect(page.GetByLabel("Evaluate as of")).ToHaveValueAsync("2026-05-11");
        await Expect(page.GetByTestId("as-of-words")).ToHaveTextAsync("Monday 11 May 2026");

        // IV methylprednisolone 1 g x 5 ended 12 days ago, EDSS still 6.0 (baseline 2.5): steroid-refractory severe relapse
        // → plasma exchange, urgent (R6.4; examples/README.md).
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByTestId("urgency")).ToHaveTextAsync("URGENT");
        var doNow = page.GetByTestId("do-now");
        await Expect(doNow).ToContainTextAsync("act within 24–48 hours");
        // ... and why at once: the reason of the rule that chose plasma exchange (R6.4), with that rule's id.
        await Expect(page.GetByTestId("why")).ToHaveTextAsync("Why (R6.4): EDSS 6.0 on Sat 9 May 2026: inadequate response to steroids.");
        // Dates as the rest of the page writes them; the ISO date stays in the machine attribute.
        await Expect(doNow).ToContainTextAsync("5 exchanges of 3,035 mL, every other day from Wed 13 May 2026");
        await Expect(doNow).ToContainTextAsync("Reassess on: Thu 21 May 2026");
        await Expect(doNow.Locator("time[datetime='2026-05-21']")).ToHaveTextAsync("Thu 21 May 2026");
        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}", await doNow.InnerTextAsync());
        // The warning is quoted in the card itself, with its word (not colour alone).
        await Expect(page.GetByTestId("check-flags")).ToContainTextAsync("Before acting — 1 warning flag:");
        var quoted = page.Locator("[data-quoted-flag=tpe-caution-ace-inhibitor]");
        await Expect(quoted).ToContainTextAsync("WARNING");
        await Expect(quoted).ToContainTextAsync("ACE inhibitor");
        // ... and seen on a 1366×768 hospital laptop without scrolling.
        await page.SetViewportSizeAsync(1366, 768);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Expect(quoted).ToBeInViewportAsync();
        Directory.CreateDirectory(BrowserSuite.ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "patient-view-1366x768.png") });
        await page.SetViewportSizeAsync(1366, 900);

        // The data used, each with date and source, beside the answer.
        var used = page.GetByTestId("data-used");
        await Expect(used.Locator("tr", new() { HasText = "Weight" })).ToContainTextAsync("82 kg");
        await Expect(used.Locator("tr", new() { HasText = "Weight" })).ToContainTextAsync("10 May 2026");
        await Expect(used.Locator("tr", new() { HasText = "Hematocrit" })).ToContainTextAsync("44 %");
        await Expect(used).ToContainTextAsync("Observation/demo-steroid-refractory-observ2");
        await Expect(used.Locator("tr", new() { HasText = "Steroids" })).ToContainTextAsync("methylprednisolone 1000 mg/day IV, 5 days");

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("Relapse");
        await Expect(page.GetByTestId("edss-baseline")).ToHaveTextAsync("2.5");
        await Expect(page.GetByTestId("edss-latest")).ToHaveTextAsync("6.0");
        await Expect(page.GetByTestId("edss-rise")).ToHaveTextAsync("+3.5");

        // The EDSS timeline: a chart named for EDSS, baseline/nadir/latest marked, the IV course and the planned sessions
        // on the same axis, each reachable by keyboard with its value and date; a table of the same data beside it.
        var chart = page.GetByRole(AriaRole.Group, new() { Name = "EDSS timeline chart" });
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart.Locator("[data-mark=edss]")).ToHaveCountAsync(3);
        await Expect(chart.GetByRole(AriaRole.Img, new() { Name = "EDSS 2.5 on 3 September 2025 (baseline)" })).ToHaveCountAsync(1);
        await Expect(chart.GetByRole(AriaRole.Img, new() { Name = "Relapse onset on 23 April 2026" })).ToHaveCountAsync(1);
        await Expect(chart.GetByRole(AriaRole.Img, new() { Name = "Steroids: methylprednisolone 1000 mg/day IV, 5 days, 25 April 2026 to 29 April 2026" })).ToHaveCountAsync(1);
        await Expect(chart.Locator("[data-mark=planned]")).ToHaveCountAsync(5);
        var first = chart.Locator("[data-mark=edss]").First;
        await first.FocusAsync();
        await Expect(first).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("timeline-readout")).ToContainTextAsync("on ");
        await Expect(page.GetByTestId("timeline-table")).ToContainTextAsync("EDSS 2.5 (baseline)");
        await Expect(page.GetByTestId("timeline-table")).ToContainTextAsync("Relapse onset");

        // Nadler (man, 181 cm, 82 kg): TBV = 0.3669 × 1.81³ + 0.03219 × 82 + 0.6041 = 2.1756 + 2.6396 + 0.6041 = 5.419 L;
        // plasma volume = 5,419 × (1 − 0.44) = 3,034.6 → 3,035 mL; one plasma volume per exchange, 5 exchanges.
        var pe = page.Locator(".plan-pe").First;
        await Expect(pe).ToContainTextAsync("Plasma exchange (primary)");
        await Expect(pe).ToContainTextAsync("5,419 mL");
        await Expect(pe.GetByTestId("exchange-volume")).ToHaveTextAsync("3,035 mL per exchange");
        // 5 % albumin for 3,035 mL = 151.7 g per exchange.
        await Expect(pe).ToContainTextAsync("151.7 g");
        // The exchange calendar: five sessions every other day from Wed 13 May (ramipril held ≥ 24 h), with the volume,
        // albumin and the checks before each session; and the predicted IgG as a chart.
        var calendar = pe.GetByTestId("session-calendar");
        await Expect(calendar.Locator("td[data-session]")).ToHaveCountAsync(5);
        await Expect(calendar.Locator("td[data-session='1']")).ToContainTextAsync("13 May");
        await Expect(calendar.Locator("td[data-session='1']")).ToContainTextAsync("3,035 mL");
        await Expect(calendar.Locator("td[data-session='5']")).ToContainTextAsync("21 May");
        await Expect(calendar.Locator(".session-list li").First).ToContainTextAsync("Session 1 — Wed 13 May 2026");
        await Expect(calendar.Locator(".session-list li").First).ToContainTextAsync("Before it:");
        await Expect(pe.GetByRole(AriaRole.Group, new() { Name = "Predicted IgG over the plasma-exchange course" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("reassessment")).ToContainTextAsync("Thu 21 May 2026 — Reassess the patient");
        // Only the dates of what is to be done: plasma exchange. Immunoadsorption is an alternative, named as such in
        // its own plan, and its dates are not in the list (they would read as a second course to book).
        await Expect(page.GetByTestId("reassessment")).ToContainTextAsync("Thu 21 May 2026 — Last plasma-exchange session");
        await Expect(page.GetByTestId("reassessment")).ToContainTextAsync("Thu 18 Jun 2026 — Late reassessment after plasma exchange");
        await Expect(page.GetByTestId("reassessment")).Not.ToContainTextAsync("immunoadsorption");
        await Expect(page.Locator(".plan-ia h3")).ToHaveTextAsync("Immunoadsorption (alternative)");

        // Alternatives with reasons and evidence; the rationale and the cited evidence.
        await Expect(page.Locator(".alternatives")).ToContainTextAsync("Immunoadsorption");
        await Expect(page.Locator(".alternatives")).ToContainTextAsync("E-IA-DORST-2019");
        await Expect(page.Locator(".not-recommended")).ToContainTextAsync("Oral methylprednisolone");
        await Expect(page.Locator(".rationale")).ToContainTextAsync("R6.4");
        await Expect(page.Locator(".evidence")).ToContainTextAsync("E-ASFA-2023");

        Directory.CreateDirectory(BrowserSuite.ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSuite.ScreenshotDirectory, "patient-view.png"), FullPage = true });
        session.AssertClean();
    }

    [BrowserFact]
    public async Task Opening_a_patient_stores_nothing_until_the_evaluation_is_saved()
    {
        await using var session = await suite.OpenAsync("/#/patients/demo-mild-relapse");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".provenance")).ToContainTextAsync("not saved");
        var before = await page.GetByTestId("history-table").Locator("tbody tr").CountAsync();

        // Evaluating again (another date) is a view: nothing is stored.
        await page.GetByLabel("Evaluate as of").FillAsync("2026-05-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recommendation as of Tue 12 May 2026" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("history-table").Locator("tbody tr")).ToHaveCountAsync(before);

        // Saving stores one, listed with its versions, and it opens again from the list.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save this evaluation" }).ClickAsync();
        var history = page.GetByTestId("history-table").Locator("tbody tr");
        await Expect(history).ToHaveCountAsync(before + 1);
        await Expect(history.First).ToContainTextAsync("2026-05-11");
        await Expect(history.First).ToContainTextAsync("2026.");
        await history.First.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator(".provenance")).ToContainTextAsync("evaluation #");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task An_as_of_date_after_the_service_s_date_is_announced_from_the_header_the_service_sends()
    {
        await using var session = await suite.OpenAsync("/#/patients/demo-mild-relapse");
        var page = session.Page;
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("future-notice")).ToHaveCountAsync(0);

        // The service's own answer for a date after its today (2026-05-11) carries MsRelapse-AsOf-Future: true ...
        string? header = null;
        page.Response += (_, r) =>
        {
            if (r.Url.Contains("/api/evaluate", StringComparison.Ordinal) && r.Url.Contains("2026-06-30", StringComparison.Ordinal))
            {
                header = r.Headers.GetValueOrDefault("msrelapse-asof-future");
            }
        };
        await page.GetByLabel("Evaluate as of").FillAsync("2026-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("future-notice")).ToContainTextAsync("The as-of date is after today’s date at the service.");
        await Expect(page.GetByTestId("future-notice")).ToContainTextAsync("30 June 2026");
        Assert.Equal("true", header);

        // ... and the banner follows that header, not the browser's clock: the same answer without the header shows no
        // banner; a past date's answer that carries it shows one.
        await page.RouteAsync("**/api/evaluate?*", async route =>
        {
            var response = await route.FetchAsync();
            var headers = response.Headers.Where(h => !h.Key.Equals("msrelapse-asof-future", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value);
            if (route.Request.Url.Contains("2026-05-01", StringComparison.Ordinal))
            {
                headers["MsRelapse-AsOf-Future"] = "true";
            }

            await route.FulfillAsync(new() { Response = response, Headers = headers });
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("future-notice")).ToHaveCountAsync(0);
        await page.GetByLabel("Evaluate as of").FillAsync("2026-05-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("future-notice")).ToContainTextAsync("1 May 2026");
        await page.UnrouteAllAsync();

        // A saved evaluation says it too (asOfInFuture on the stored evaluation).
        await page.GetByLabel("Evaluate as of").FillAsync("2026-07-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("future-notice")).ToContainTextAsync("1 July 2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save this evaluation" }).ClickAsync();
        await Expect(page.GetByTestId("future-notice")).ToContainTextAsync("1 July 2026");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task The_patient_s_history_lists_the_feedback_given_in_the_EHR_on_MsRelapse_cards()
    {
        // An EHR calls patient-view for the record (its prefetch made from the stored bundle), then sends feedback.
        const string patient = "demo-severe-untreated";
        using var http = new HttpClient { BaseAddress = new Uri(suite.BaseUrl) };
        var bundle = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/patients/{patient}", UriKind.Relative)))!;
        var resources = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        var others = new System.Text.Json.Nodes.JsonArray(resources.Where(r => (string?)r["resourceType"] != "Patient")
            .Select(r => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["resource"] = r.DeepClone() }).ToArray());
        var hook = new System.Text.Json.Nodes.JsonObject
        {
            ["hook"] = "patient-view",
            ["hookInstance"] = "7d3f7a4e-2f0a-4d0e-9d5e-1d2b3c4d5e6f",
            ["context"] = new System.Text.Json.Nodes.JsonObject { ["userId"] = "Practitioner/1", ["patientId"] = patient },
            ["prefetch"] = new System.Text.Json.Nodes.JsonObject
            {
                ["patient"] = resources.Single(r => (string?)r["resourceType"] == "Patient").DeepClone(),
                ["conditions"] = new System.Text.Json.Nodes.JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = others },
                ["observations"] = null, ["medicationAdministrations"] = null, ["medicationRequests"] = null,
                ["medicationStatements"] = null, ["allergies"] = null, ["procedures"] = null,
            },
        };
        using var cardsResponse = await http.PostAsync(new Uri("/cds-services/msrelapse-patient-view", UriKind.Relative), new StringContent(hook.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(cardsResponse.IsSuccessStatusCode, await cardsResponse.Content.ReadAsStringAsync());
        var card = System.Text.Json.Nodes.JsonNode.Parse(await cardsResponse.Content.ReadAsStringAsync())!["cards"]![0]!;
        var cardUuid = (string)card["uuid"]!;
        foreach (var (outcome, reason, at) in new[] { ("accepted", (string?)null, "2026-05-11T08:05:00Z"), ("overridden", "patient-declined", "2026-05-11T08:40:00Z") })
        {
            var feedback = new System.Text.Json.Nodes.JsonObject
            {
                ["feedback"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["card"] = cardUuid,
                    ["outcome"] = outcome,
                    ["outcomeTimestamp"] = at,
                    ["acceptedSuggestions"] = outcome == "accepted" ? new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = (string)card["suggestions"]![0]!["uuid"]! }) : new System.Text.Json.Nodes.JsonArray(),
                    ["overrideReason"] = reason is null ? null : new System.Text.Json.Nodes.JsonObject
                    {
                        ["reason"] = new System.Text.Json.Nodes.JsonObject { ["code"] = reason, ["system"] = "http://msrelapse.org/fhir/CodeSystem/cds-override-reason" },
                    },
                }),
            };
            using var stored = await http.PostAsync(new Uri("/cds-services/msrelapse-patient-view/feedback", UriKind.Relative), new StringContent(feedback.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        await using var session = await suite.OpenAsync($"/#/patients/{patient}");
        var rows = session.Page.GetByTestId("cds-feedback-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        // Newest first: outcome, card, override reason in words, date.
        await Expect(rows.Nth(0)).ToContainTextAsync("Overridden");
        await Expect(rows.Nth(0)).ToContainTextAsync("Patient declined");
        await Expect(rows.Nth(0)).ToContainTextAsync("2026-05-11 08:40");
        await Expect(rows.Nth(0)).ToContainTextAsync("Patient view card " + cardUuid[..8]);
        await Expect(rows.Nth(1)).ToContainTextAsync("Accepted (1 suggestion)");
        await Expect(rows.Nth(1)).ToContainTextAsync("2026-05-11 08:05");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task The_card_says_why_with_the_reason_of_the_rule_that_chose_the_action_also_when_that_rule_set_its_first_choice_aside()
    {
        await using var session = await suite.OpenAsync("/#/patients/demo-severe-untreated");
        var page = session.Page;
        // Onset 9 May, EDSS 1.5 → 4.0: severe, untreated → IV methylprednisolone (R5).
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("IV methylprednisolone");
        await Expect(page.GetByTestId("why")).ToHaveTextAsync("Why (R5): Severe relapse: IV methylprednisolone 1,000 mg/day for 5 days, urgently.");

        // 52 days after onset R5 sets the steroid aside for specialist review: the why is that, not the steroid.
        await page.GetByLabel("Evaluate as of").FillAsync("2026-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Evaluate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Specialist review");
        await Expect(page.GetByTestId("why")).ToContainTextAsync("Why (R5): 52 days since onset (more than 42): no evidence for starting steroids this late; specialist review");
        session.AssertClean();
    }

    [BrowserFact]
    public async Task AQP4_positive_patient_shows_the_critical_NMOSD_flag_and_an_emergency()
    {
        await using var session = await suite.OpenAsync("/#/patients/demo-aqp4-positive");
        var page = session.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Novak Eva");

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
        await Expect(page.GetByTestId("check-flags")).ToContainTextAsync("Before acting — 1 critical flag:");
        await Expect(page.Locator("[data-quoted-flag=possible-nmosd]")).ToContainTextAsync("CRITICAL");
        // The steroid plan of the concurrent IV pulse: 1,000 mg/day × 5 = 5,000 mg, with the slow taper of NMOSD.
        var steroids = page.Locator(".plan-steroids");
        await Expect(steroids).ToContainTextAsync("1,000 mg/day");
        await Expect(steroids).ToContainTextAsync("5,000 mg");
        await Expect(steroids).ToContainTextAsync("taper");
        session.AssertClean();
    }
}
