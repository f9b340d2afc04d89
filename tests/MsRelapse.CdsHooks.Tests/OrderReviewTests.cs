using System.Net;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// Orders a review of the order hooks found unchecked (each failed before its fix): a dose above every regimen of the
/// pathway, an alternative ordered with other numbers, a taper by mouth where a pulse is planned, a glucocorticoid or an
/// apheresis ordered during a current fever or infection, an NMOSD attack's cards calling it an MS relapse or a missed
/// escalation; and the request checks of order-select (a selection of no draft, a draft of another patient).
/// </summary>
public sealed class OrderReviewTests
{
    private const string Sign = "msrelapse-order-sign";
    private const string Select = "msrelapse-order-select";

    [Theory]
    [InlineData("steroid-refractory-relapse")]
    [InlineData("severe-relapse-untreated")]
    public async Task A_glucocorticoid_dose_above_every_regimen_of_the_pathway_is_a_warning(string example)
    {
        // 10 g a day: five times the escalated course (2,000 mg/day × 5 days, R6.4), the highest the pathway gives. Before,
        // for the refractory relapse it matched the escalated alternative and got no card at all.
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load(example), Requests.SteroidOrder("p1", "draft-10g", 10_000, "iv", 5))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal("Above the pathway's highest dose: IV methylprednisolone 10,000 mg/day × 5 days", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("escalated IV methylprednisolone 2,000 mg/day × 5 days (pathway R6.4, E-PFEUFFER-2020)", detail);
        Assert.Contains("Check the dose and its unit", detail);

        // Prednisone 2,500 mg/day is methylprednisolone 2,000: the escalated course's dose, not above it.
        var cards = await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load(example), Requests.SteroidOrder("p1", "draft-eq", 2_500, "oral", 5, "8640", "prednisone")));
        Assert.DoesNotContain(cards, c => ((string)c!["summary"]!).StartsWith("Above", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_attack_only_a_dose_above_every_regimen_gets_a_card()
    {
        var noAttack = OrderCardEdgeTests.Without(SharedExamples.Load("severe-relapse-untreated"), "condit3");
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", noAttack, Requests.SteroidOrder("p1", "draft-10g", 10_000, "iv", 5))))!;
        Assert.StartsWith("Above the pathway's highest dose", (string)card["summary"]!);
        Assert.Contains("The record holds no current attack to treat.", (string)card["detail"]!);
        Assert.Null(card["suggestions"]);

        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", noAttack, Requests.SteroidOrder("p1", "draft-1g", 1_000, "iv", 5))));
    }

    [Fact]
    public async Task An_alternative_ordered_with_other_numbers_than_its_regimen_is_a_warning()
    {
        // The refractory relapse: plasma exchange; alternatives immunoadsorption (the plan's schedule) and escalated IV
        // methylprednisolone 2,000 mg/day × 5 days. Ten days of it, or twenty immunoadsorption sessions, agreed before.
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var host = await CdsHost.StartAsync();

        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-esc", 2_000, "iv", 10))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal("Differs from the alternative: IV methylprednisolone 2,000 mg/day × 10 days", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("`escalated-iv-methylprednisolone`", detail);
        Assert.Contains("its regimen, IV methylprednisolone 2,000 mg/day × 5 days", detail);
        Assert.Contains("- 10 days; planned 5 days", detail);
        Assert.Contains("**Recommended:** plasma exchange", detail);

        card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.ApheresisOrder("p1", "draft-ia", "36516", 20))))!;
        Assert.Equal("Differs from the alternative: immunoadsorption, 20 sessions", (string)card["summary"]!);
        Assert.Contains("- 20 sessions; planned ", (string)card["detail"]!);

        // The alternative as its regimen gives it: no card.
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-ok", 2_000, "iv", 5))));
    }

    [Fact]
    public async Task An_oral_taper_where_an_iv_pulse_is_planned_is_the_taper_warning()
    {
        // The severe untreated relapse (IV methylprednisolone 1,000 mg/day × 5 days): prednisone 60 → 40 → 20 mg/day got only
        // "Not in the recommendation" (no single daily dose, so no lower-dose check).
        var draft = OrderTaperTests.Taper("draft-pred", "8640", "prednisone", ("oral", 60, 7, 1), ("oral", 40, 7, 2), ("oral", 20, 7, 3));
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), draft)))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal("No taper after an MS pulse: oral prednisone taper 60 → 20 mg/day", (string)card["summary"]!);
        Assert.Contains("(60 → 40 → 20 mg/day)", (string)card["detail"]!);
        CdsContract.AssertReplacesDraft(card, "MedicationRequest/draft-pred");
    }

    [Fact]
    public async Task A_low_glucocorticoid_dose_during_an_untreated_infection_is_told_to_wait_for_its_treatment()
    {
        // R8.2: the severe relapse with a urinary infection from 3 days ago; the steroid is an alternative "once the
        // infection is treated". Oral prednisone 60 mg — no alternative, no step — got only the info card before.
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Select, Requests.Order("order-select", OrderCardEdgeTests.RelapseWithInfection("68566005", "Urinary tract infection"),
            Requests.SteroidOrder("p1", "draft-pred", 60, "oral", 5, "8640", "prednisone"))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal("Treat the infection first: not oral prednisone 60 mg/day × 5 days while it lasts", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("The recommendation does not list oral prednisone 60 mg/day × 5 days now.", detail);
        Assert.Contains("Steroids are not given during an untreated infection (pathway R8.2, E-NICE-2022: exclude infection).", detail);
    }

    [Fact]
    public async Task Plasma_exchange_ordered_during_a_current_fever_or_infection_waits_for_it_to_be_controlled()
    {
        // The pseudo-relapse with fever (R2.3): no apheresis in the recommendation; R8.3.2 makes a fever in the last 3 days
        // or a current infection a contraindication to apheresis. Before: the info card "Not in the recommendation".
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("pseudo-relapse-with-fever"), Requests.ApheresisOrder("p1", "draft-tpe", "36514", 5))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        var summary = (string)card["summary"]!;
        Assert.StartsWith("Treat the ", summary);
        Assert.EndsWith("first: not plasma exchange, 5 sessions while it lasts", summary);
        Assert.Contains("Apheresis waits until the infection is controlled (pathway R8.3).", (string)card["detail"]!);

        // With sepsis the infection flag is critical, and apheresis conflicts with it (R8.3.2), as a steroid does (R8.2).
        card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", OrderCardEdgeTests.RelapseWithInfection("91302008", "Sepsis"), Requests.ApheresisOrder("p1", "draft-tpe", "36514", 5))))!;
        Assert.Equal("critical", (string?)card["indicator"]);
        Assert.StartsWith("Contraindicated: plasma exchange, 5 sessions — ", (string)card["summary"]!);
    }

    [Fact]
    public async Task An_nmosd_attack_is_not_called_an_ms_relapse_and_a_steroid_order_for_it_is_no_missed_escalation()
    {
        var bundle = SharedExamples.Load("aqp4-positive-myelitis");
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync("msrelapse-patient-view", Requests.ForBundle(bundle));
        Assert.EndsWith("severe attack, possible NMOSD", (string)cards[0]!["summary"]!);
        Assert.DoesNotContain(cards, c => ((string)c!["summary"]!).Contains("MS relapse", StringComparison.Ordinal));
        // A summary cut to fit never ends inside a parenthesis (the flag's "(early apheresis … MS therapies may harm)").
        Assert.All(cards, c => Assert.True(((string)c!["summary"]!).Count(ch => ch == '(') <= ((string)c["summary"]!).Count(ch => ch == ')'), (string)c["summary"]!));

        // Oral methylprednisolone for the untreated attack: not an escalation missed after failed steroids (none were given).
        var order = await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-oral", 500, "oral", 5)));
        Assert.DoesNotContain(order, c => ((string)c!["summary"]!).StartsWith("Escalation missed", StringComparison.Ordinal));
        Assert.StartsWith("Lower than the relapse pulse", (string)Assert.Single(order)!["summary"]!);
    }

    [Fact]
    public async Task Order_select_refuses_a_selection_of_no_draft_and_order_hooks_refuse_a_draft_of_another_patient()
    {
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        await using var host = await CdsHost.StartAsync();

        // A selection that names no draft: before, the call was answered {"cards": []} — read as "no objection".
        var request = Requests.Order("order-select", bundle, Requests.SteroidOrder("p1", "draft-mp", 60, "oral", 5));
        request["context"]!["selections"] = new JsonArray("MedicationRequest/not-a-draft");
        var (status, body) = await PostAsync(host, Select, request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid-selections", body);
        Assert.Contains("MedicationRequest/not-a-draft", body);

        request["context"]!["selections"] = "MedicationRequest/draft-mp"; // not an array
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, Select, request)).Status);

        // A draft order for another patient: its checks would be made against the wrong record.
        var (otherStatus, otherBody) = await PostAsync(host, Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p2", "draft-other", 1_000, "iv", 5)));
        Assert.Equal(HttpStatusCode.BadRequest, otherStatus);
        Assert.Contains("other-patient", otherBody);
    }

    [Fact]
    public async Task A_hook_instance_that_is_not_a_uuid_is_refused()
    {
        // CDS Hooks 2.0: hookInstance is "a universally unique identifier (UUID) for this particular hook call". It was
        // accepted as any string.
        await using var host = await CdsHost.StartAsync();
        var request = Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated"));
        request["hookInstance"] = "not-a-uuid";
        var (status, body) = await PostAsync(host, "msrelapse-patient-view", request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("must be a UUID", body);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(CdsHost host, string service, JsonNode request)
    {
        using var response = await host.CallAsync(service, request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
