using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// clinical.md R5 "Never: … dexamethasone in pregnancy" at the order hooks: a dexamethasone or betamethasone course
/// ordered for a pregnant woman in relapse gets a warning whose suggestion replaces it with the planned
/// methylprednisolone course. Outside pregnancy those drugs are outside the pathway (no card, as before), and an order
/// by another route than intravenous or oral (antenatal corticosteroids are intramuscular) is not read.
/// </summary>
public sealed class OrderPregnancyTests
{
    private const string Sign = "msrelapse-order-sign";

    /// <summary>The severe untreated relapse sample (a woman of 31) with a pregnancy recorded in February.</summary>
    private static string PregnantSevereRelapse()
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!;
        bundle["entry"]!.AsArray().Add(new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["resourceType"] = "Condition",
                ["id"] = "pregnancy",
                ["clinicalStatus"] = new JsonObject
                {
                    ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" }),
                },
                ["code"] = new JsonObject
                {
                    ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "77386006", ["display"] = "Patient currently pregnant" }),
                },
                ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
                ["onsetDateTime"] = "2026-02-01",
            },
        });
        return bundle.ToJsonString();
    }

    private static JsonObject Dexamethasone(string id, string route = "iv") =>
        Requests.SteroidOrder("p1", id, 20, route, 5, rxnorm: "3264", display: "dexamethasone");

    [Fact]
    public async Task Dexamethasone_for_a_relapse_in_pregnancy_gets_a_warning_that_replaces_it_with_the_planned_methylprednisolone()
    {
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", PregnantSevereRelapse(), Dexamethasone("draft-dex"))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Pregnancy: IV dexamethasone 20 mg/day × 5 days — for the relapse, methylprednisolone or prednisolone", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("never dexamethasone", detail); // the pregnancy flag's own message
        Assert.Contains("Dexamethasone crosses the placenta freely", detail);
        Assert.Contains("antenatal corticosteroid for fetal lung maturity", detail);

        var proposal = CdsContract.AssertReplacesDraft(card, "MedicationRequest/draft-dex");
        Assert.Contains(((Hl7.Fhir.Model.CodeableConcept)proposal.Medication!).Coding, c => c.Code == "6902"); // methylprednisolone
        Assert.Equal(1000m, ((Hl7.Fhir.Model.Quantity)proposal.DosageInstruction[0].DoseAndRate[0].Dose!).Value);
    }

    [Fact]
    public async Task Betamethasone_named_only_by_its_clinical_drug_is_recognised_too_and_the_planned_course_in_pregnancy_gives_no_card()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = PregnantSevereRelapse();
        var betamethasone = Requests.SteroidOrder("p1", "draft-beta", 6, "oral", 5, rxnorm: "0000000", display: "betamethasone 0.6 MG Oral Tablet");
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, betamethasone)))!;
        Assert.StartsWith("Pregnancy: oral betamethasone 6 mg/day × 5 days", (string)card["summary"]!);

        // The pathway's own course for her agrees with the plan: no card.
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5))));
    }

    [Fact]
    public async Task Outside_pregnancy_or_by_the_intramuscular_route_a_dexamethasone_order_is_not_this_pathways_to_judge()
    {
        await using var host = await CdsHost.StartAsync();
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), Dexamethasone("draft-dex"))));

        // Intramuscular: the antenatal corticosteroid regimens (an obstetric decision), never a relapse course here.
        var intramuscular = Dexamethasone("draft-dex-im");
        intramuscular["dosageInstruction"]![0]!["route"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "78421000", ["display"] = "Intramuscular route" }),
        };
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", PregnantSevereRelapse(), intramuscular)));
    }
}
