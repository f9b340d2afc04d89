using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// The order checks' edges and the incomplete-record card: no card for no-episode; the card on every checked order when
/// data are missing; steroids in sepsis (critical) or before an infection is treated; the daily dose from any dosing
/// interval, in methylprednisolone equivalents; drafts without an id (shared/contract/cds-hooks.md "Cards",
/// shared/clinical.md R8.1/R8.2 and "Steroid plan").
/// </summary>
public sealed class OrderCardEdgeTests
{
    private const string PatientView = "msrelapse-patient-view";
    private const string Sign = "msrelapse-order-sign";
    private const string Select = "msrelapse-order-select";

    // ---- 1. no-episode with some data unavailable: still {"cards": []} --------------------------------------------

    [Fact]
    public async Task No_episode_with_allergies_unavailable_gives_no_cards_not_an_incomplete_record_warning()
    {
        // The MS diagnosis but no relapse record: no-episode. The Patient and Conditions were had, so what is missing
        // (here the allergies) cannot make it a relapse.
        var bundle = Without(SharedExamples.Load("severe-relapse-untreated"), "condit3");
        await using var stub = await FhirStub.StartAsync(bundle);
        stub.Failures["AllergyIntolerance"] = 500;
        await using var host = await CdsHost.StartAsync(stub.Allowed());

        Assert.Empty(await host.CardsAsync(PatientView, Requests.PatientView("p1", null, stub.BaseUrl)));
        Assert.Contains(stub.Requests, r => r.StartsWith("/fhir/AllergyIntolerance", StringComparison.Ordinal)); // it was asked for and failed

        // Nor on order-sign: without an episode a steroid order is not relapse treatment and gets no card.
        var order = Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5));
        order["prefetch"]!.AsObject().Remove("allergies");
        order["fhirServer"] = stub.BaseUrl;
        Assert.Empty(await host.CardsAsync(Sign, order));
    }

    // ---- 2. order hooks with data unavailable: the incomplete-record warning even when the order agrees -----------

    [Fact]
    public async Task An_agreeing_plasma_exchange_order_with_allergies_unavailable_gets_an_incomplete_record_warning()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        stub.Failures["AllergyIntolerance"] = 500;
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var request = Requests.Order("order-sign", bundle, Requests.ApheresisOrder("p1", "draft-tpe", "36514", 5)); // 5 sessions: as planned
        request["prefetch"]!.AsObject().Remove("allergies");
        request["fhirServer"] = stub.BaseUrl;

        var card = Assert.Single(await host.CardsAsync(Sign, request))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Incomplete record", (string)card["summary"]!);
        Assert.Contains("allergies", (string)card["summary"]!);
        Assert.Contains("contraindicate", (string)card["detail"]!);

        // A draft that is no glucocorticoid or apheresis order: nothing to check, no card.
        var other = Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-para", 1000, "oral", 3, rxnorm: "161", display: "acetaminophen"));
        other["prefetch"]!.AsObject().Remove("allergies");
        other["fhirServer"] = stub.BaseUrl;
        Assert.Empty(await host.CardsAsync(Sign, other));
    }

    // ---- 3. a steroid order with sepsis (critical infection flag, R8.2): critical ---------------------------------

    [Fact]
    public async Task IV_methylprednisolone_ordered_during_sepsis_gets_a_critical_card()
    {
        var bundle = RelapseWithInfection("91302008", "Sepsis");
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5))))!;
        Assert.Equal("critical", (string?)card["indicator"]);
        Assert.StartsWith("Contraindicated: IV methylprednisolone 1,000 mg/day × 5 days", (string)card["summary"]!);
        Assert.Contains("infection", (string)card["summary"]!);
        Assert.Contains("Sepsis", (string)card["detail"]!);
        var action = Assert.Single(card["suggestions"]![0]!["actions"]!.AsArray())!; // treat-trigger has no order: remove the draft
        Assert.Equal("delete", (string?)action["type"]);
        Assert.Equal("MedicationRequest/draft-mp", (string?)action["resourceId"]![0]);
    }

    // ---- 4. a steroid order during an infection (warning flag), steroids an alternative once it is treated ----------

    [Fact]
    public async Task IV_methylprednisolone_ordered_during_a_urinary_infection_gets_a_warning_to_treat_the_infection_first()
    {
        var bundle = RelapseWithInfection("68566005", "Urinary tract infection");
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Select, Requests.Order("order-select", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        var summary = (string)card["summary"]!;
        Assert.StartsWith("Treat the infection first: IV methylprednisolone 1,000 mg/day × 5 days", summary);
        Assert.Contains("once it is treated", summary);
        var detail = (string)card["detail"]!;
        Assert.Contains("Once the infection is treated.", detail); // the recommendation's own condition (R8.2)
        Assert.Contains("treat it before steroids", detail); // the flag's own words
        Assert.Null(card["suggestions"]); // treat-trigger and specialist review propose no order to replace it with
    }

    // ---- 5. the daily dose with hourly intervals ---------------------------------------------------------------

    [Theory]
    [InlineData(10, null)] // 10 doses, 2 a day: 5 days
    [InlineData(null, 5)] // bounded by a 5-day duration
    public async Task IV_1000_mg_every_12_hours_is_2000_mg_a_day_and_differs_from_the_1000_mg_plan(int? count, int? boundsDays)
    {
        var draft = Requests.SteroidOrder("p1", "draft-bid", 1000, "iv", 5);
        var repeat = new JsonObject { ["frequency"] = 1, ["period"] = 12, ["periodUnit"] = "h" };
        if (count is { } c)
        {
            repeat["count"] = c;
        }

        if (boundsDays is { } d)
        {
            repeat["boundsDuration"] = new JsonObject { ["value"] = d, ["unit"] = "d", ["system"] = "http://unitsofmeasure.org", ["code"] = "d" };
        }

        draft["dosageInstruction"]![0]!["timing"] = new JsonObject { ["repeat"] = repeat };
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), draft)))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Differs from the plan: IV methylprednisolone 2,000 mg/day × 5 days", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("dose 2,000 mg/day; planned 1,000 mg/day", detail);
        Assert.DoesNotContain("days; planned", detail);
    }

    [Theory]
    [InlineData("mo", "mg")] // a month has no fixed number of days
    [InlineData(null, "mg")] // no period unit
    [InlineData("d", "mL")] // a dose not in mg
    public async Task A_daily_dose_that_cannot_be_worked_out_is_not_read_as_agreeing(string? periodUnit, string doseUnit)
    {
        var draft = Requests.SteroidOrder("p1", "draft-odd", 1000, "iv", 5);
        var repeat = draft["dosageInstruction"]![0]!["timing"]!["repeat"]!.AsObject();
        repeat.Remove("periodUnit");
        if (periodUnit is not null)
        {
            repeat["periodUnit"] = periodUnit;
        }

        var dose = draft["dosageInstruction"]![0]!["doseAndRate"]![0]!["doseQuantity"]!;
        dose["unit"] = doseUnit;
        dose["code"] = doseUnit;
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), draft)))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Daily dose not checked against the plan: IV methylprednisolone", (string)card["summary"]!);
        Assert.Contains("1,000 mg/day", (string)card["detail"]!);
    }

    // ---- 6. doses compared in methylprednisolone equivalents (4 mg = prednisone 5 mg) ------------------------------

    [Theory]
    [InlineData("8640", "prednisone")]
    [InlineData("8638", "prednisolone")]
    public async Task Prednisone_1250_mg_a_day_matches_a_1000_mg_methylprednisolone_plan_and_1000_mg_does_not(string rxnorm, string name)
    {
        // No route on the draft: it is compared with the planned IV methylprednisolone 1,000 mg/day × 5 days.
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        await using var host = await CdsHost.StartAsync();
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, NoRoute(Requests.SteroidOrder("p1", "draft-pred", 1250, "oral", 5, rxnorm, name)))));

        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, NoRoute(Requests.SteroidOrder("p1", "draft-pred", 1000, "oral", 5, rxnorm, name)))))!;
        Assert.StartsWith($"Differs from the plan: {name} 1,000 mg/day × 5 days", (string)card["summary"]!);
        Assert.Contains($"dose 1,000 mg/day {name} = 800 mg/day methylprednisolone equivalent; planned 1,000 mg/day", (string)card["detail"]!);
    }

    [Fact]
    public async Task Oral_prednisone_against_the_oral_methylprednisolone_plan_is_converted_and_days_are_still_checked()
    {
        // A moderate relapse (EDSS 1.5 → 2.5): oral methylprednisolone 500 mg/day × 5 days (R5).
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!;
        Resource(bundle, "observ4")["valueQuantity"]!["value"] = 2.5;
        var moderate = bundle.ToJsonString();
        await using var host = await CdsHost.StartAsync();

        // 625 mg prednisone = 500 mg methylprednisolone: agrees.
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", moderate, Requests.SteroidOrder("p1", "draft-pred", 625, "oral", 5, "8640", "prednisone"))));

        // The same dose over 3 days: the days differ, the dose does not.
        var days = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", moderate, Requests.SteroidOrder("p1", "draft-pred", 625, "oral", 3, "8640", "prednisone"))))!;
        Assert.Contains("3 days; planned 5 days", (string)days["detail"]!);
        Assert.DoesNotContain("dose ", (string)days["detail"]!);

        // 500 mg prednisone = 400 mg methylprednisolone: differs, and the card says so in both drugs.
        var dose = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", moderate, Requests.SteroidOrder("p1", "draft-pred", 500, "oral", 5, "8640", "prednisone"))))!;
        Assert.Contains("dose 500 mg/day prednisone = 400 mg/day methylprednisolone equivalent; planned 500 mg/day", (string)dose["detail"]!);
    }

    // ---- 7. drafts without an id ----------------------------------------------------------------------------------

    [Fact]
    public async Task Two_id_less_conflicting_drafts_get_distinct_stable_uuids_and_no_delete_with_an_empty_reference()
    {
        var bundle = SharedExamples.Load("pseudo-relapse-with-fever");
        JsonObject Request()
        {
            var first = Requests.SteroidOrder("p1", "x", 1000, "iv", 5);
            var second = Requests.SteroidOrder("p1", "y", 500, "oral", 5);
            first.Remove("id");
            second.Remove("id");
            return Requests.Order("order-sign", bundle, first, second);
        }

        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Sign, Request()); // the contract check asserts every uuid distinct
        Assert.Equal(2, cards.Count);
        Assert.NotEqual((string?)cards[0]!["uuid"], (string?)cards[1]!["uuid"]);
        foreach (var card in cards)
        {
            Assert.StartsWith("Not recommended now", (string)card!["summary"]!);
            Assert.Contains("amend or remove it", (string)card["detail"]!);
            var actions = (card["suggestions"]?.AsArray() ?? []).SelectMany(s => s!["actions"]!.AsArray());
            Assert.DoesNotContain(actions, a => (string?)a!["type"] == "delete");
        }

        // Stable for the same input.
        var again = await host.CardsAsync(Sign, Request());
        Assert.Equal(cards.Select(c => (string?)c!["uuid"]), again.Select(c => (string?)c!["uuid"]));

        // With fullUrls, the fullUrl identifies each draft.
        var withUrls = Request();
        var entries = withUrls["context"]!["draftOrders"]!["entry"]!.AsArray();
        entries[0]!["fullUrl"] = "urn:uuid:0b5b5c3c-7c2e-4a55-9d38-2f7f5b0d8e01";
        entries[1]!["fullUrl"] = "urn:uuid:0b5b5c3c-7c2e-4a55-9d38-2f7f5b0d8e02";
        var byUrl = await host.CardsAsync(Sign, withUrls);
        Assert.Equal(2, byUrl.Select(c => (string?)c!["uuid"]).Distinct().Count());
    }

    [Fact]
    public async Task An_id_less_draft_that_differs_from_the_plan_is_offered_the_planned_course_without_a_delete()
    {
        var draft = Requests.SteroidOrder("p1", "x", 500, "iv", 3);
        draft.Remove("id");
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), draft)))!;
        var actions = Assert.Single(card["suggestions"]!.AsArray())!["actions"]!.AsArray();
        Assert.Equal(["create"], actions.Select(a => (string)a!["type"]!));
        Assert.IsType<Hl7.Fhir.Model.MedicationRequest>(CdsContract.AssertAction(actions[0]!));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The severe untreated relapse moved to onset 2026-05-01 (EDSS 4.0 on 05-10), with an infection from 2026-05-08:
    /// more than 3 days after onset, so not a pseudo-relapse (R2.3), but current (R8.2: onset in the last 14 days).
    /// </summary>
    internal static string RelapseWithInfection(string snomed, string display)
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!;
        Resource(bundle, "condit3")["onsetDateTime"] = "2026-05-01";
        bundle["entry"]!.AsArray().Add(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "Condition",
                ["id"] = "infection",
                ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" }) },
                ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = snomed, ["display"] = display }) },
                ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
                ["onsetDateTime"] = "2026-05-08",
            },
        });
        return bundle.ToJsonString();
    }

    private static JsonNode Resource(JsonNode bundle, string id) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["id"] == id);

    internal static string Without(string bundleJson, string id)
    {
        var bundle = JsonNode.Parse(bundleJson)!;
        var entries = bundle["entry"]!.AsArray();
        entries.Remove(entries.Single(e => (string?)e!["resource"]!["id"] == id));
        return bundle.ToJsonString();
    }

    private static JsonObject NoRoute(JsonObject draft)
    {
        draft["dosageInstruction"]![0]!.AsObject().Remove("route");
        return draft;
    }
}
