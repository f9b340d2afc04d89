using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

public sealed class OrderTests
{
    private const string Sign = "msrelapse-order-sign";
    private const string Select = "msrelapse-order-select";

    [Fact]
    public async Task Order_sign_flags_a_steroid_order_for_the_pseudo_relapse_sample_and_offers_to_remove_it()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = SharedExamples.Load("pseudo-relapse-with-fever");
        var cards = await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5)));
        var card = Assert.Single(cards)!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Not recommended now: IV methylprednisolone 1,000 mg/day × 5 days", (string)card["summary"]!);
        Assert.Contains("pseudo-relapse", (string)card["summary"]!);
        var suggestion = Assert.Single(card["suggestions"]!.AsArray())!;
        var action = Assert.Single(suggestion["actions"]!.AsArray())!; // treat-trigger has no order to propose
        Assert.Equal("delete", (string?)action["type"]);
        Assert.Equal("MedicationRequest/draft-mp", (string?)action["resourceId"]![0]);
    }

    [Fact]
    public async Task An_order_that_agrees_with_the_plan_gives_no_card()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5))));
        // The same course given as 1 g, coded by the clinical drug's display only (RxNorm SCD): recognised by name, agrees.
        var byName = Requests.SteroidOrder("p1", "draft-mp2", 1000, "iv", 5, rxnorm: "1743779", display: "methylprednisolone sodium succinate 1000 MG Injection");
        Assert.Empty(await host.CardsAsync(Select, Requests.Order("order-select", bundle, byName)));
        // And an agreeing plasma-exchange order for the refractory relapse: 5 sessions as planned.
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("steroid-refractory-relapse"), Requests.ApheresisOrder("p1", "draft-tpe", "36514", 5))));
    }

    [Fact]
    public async Task A_dose_and_duration_below_the_plan_gets_a_card_that_replaces_the_draft_with_the_planned_course()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        var cards = await host.CardsAsync(Select, Requests.Order("order-select", bundle, Requests.SteroidOrder("p1", "draft-low", 500, "iv", 3)));
        var card = Assert.Single(cards)!;
        Assert.Equal("warning", (string?)card["indicator"]);
        var detail = (string)card["detail"]!;
        Assert.Contains("dose 500 mg/day; planned 1,000 mg/day", detail);
        Assert.Contains("3 days; planned 5 days", detail);
        var proposal = CdsContract.AssertReplacesDraft(card, "MedicationRequest/draft-low");
        Assert.Equal(1000m, ((Hl7.Fhir.Model.Quantity)proposal.DosageInstruction[0].DoseAndRate[0].Dose!).Value);
        Assert.Equal(5, proposal.DosageInstruction[0].Timing!.Repeat!.Count);
    }

    [Fact]
    public async Task A_second_steroid_course_after_a_failed_one_gets_a_card_proposing_plasma_exchange_instead()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        var cards = await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-repeat", 1000, "iv", 5)));
        var card = Assert.Single(cards)!;
        Assert.Equal("warning", (string?)card["indicator"]);
        var actions = card["suggestions"]![0]!["actions"]!.AsArray();
        Assert.Equal("delete", (string?)actions[0]!["type"]);
        var tpe = Assert.IsType<Hl7.Fhir.Model.ServiceRequest>(CdsContract.AssertAction(actions[1]!));
        Assert.Contains(tpe.Code!.Coding, c => c.Code == "plasma-exchange");
        Assert.Equal(5, ((Hl7.Fhir.Model.Timing)tpe.Occurrence!).Event.Count());
    }

    [Fact]
    public async Task Plasma_exchange_with_systolic_under_90_is_contraindicated_a_critical_card()
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("steroid-refractory-relapse"))!;
        bundle["entry"]!.AsArray().Add(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "Observation",
                ["id"] = "bp-low",
                ["status"] = "final",
                ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "8480-6" }) },
                ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
                ["effectiveDateTime"] = "2026-05-11T08:00:00Z",
                ["valueQuantity"] = new JsonObject { ["value"] = 82, ["unit"] = "mm[Hg]", ["system"] = "http://unitsofmeasure.org", ["code"] = "mm[Hg]" },
            },
        });
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Sign, Requests.Order("order-sign", bundle.ToJsonString(), Requests.ApheresisOrder("p1", "draft-tpe", "36514", 5)));
        var card = Assert.Single(cards)!;
        Assert.Equal("critical", (string?)card["indicator"]);
        Assert.Contains("apheresis-contraindication-hemodynamic", (string)card["summary"]!);
        Assert.Equal("delete", (string?)card["suggestions"]![0]!["actions"]![0]!["type"]);
    }

    [Fact]
    public async Task Fewer_exchanges_than_planned_gets_a_card()
    {
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("steroid-refractory-relapse"), Requests.ApheresisOrder("p1", "draft-tpe", "36514", 3)));
        var card = Assert.Single(cards)!;
        Assert.Contains("3 sessions; planned 5 sessions", (string)card["detail"]!);
    }

    [Fact]
    public async Task Order_select_checks_only_the_selected_orders_and_ignores_other_drugs()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = SharedExamples.Load("pseudo-relapse-with-fever");
        var request = Requests.Order("order-select", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5), Requests.SteroidOrder("p1", "draft-other", 500, "oral", 7, rxnorm: "161", display: "acetaminophen"));
        request["context"]!["selections"] = new JsonArray("MedicationRequest/draft-other");
        Assert.Empty(await host.CardsAsync(Select, request));
    }
}
