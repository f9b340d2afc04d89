using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// clinical.md R5 "Never: lower doses, a taper after an MS pulse" at the order hooks: a glucocorticoid ordered as a taper
/// (its dosage instructions, in sequence, end lower than they start) for an MS relapse gets a warning whose suggestion
/// replaces it with the planned pulse; for an NMOSD attack, whose plan carries a slow oral taper (R3.1), it does not. A
/// low dose by a route the plan does not use is a warning too, not merely "not in the recommendation".
/// </summary>
public sealed class OrderTaperTests
{
    private const string Sign = "msrelapse-order-sign";

    /// <summary>A draft order of <paramref name="steps"/> (route, mg/day, days, sequence), written in the given order.</summary>
    internal static JsonObject Taper(string id, string rxnorm, string display, params (string Route, double MgPerDay, int Days, int? Sequence)[] steps)
    {
        var order = Requests.SteroidOrder("p1", id, steps[0].MgPerDay, steps[0].Route, steps[0].Days, rxnorm, display);
        var instructions = new JsonArray();
        foreach (var (route, mg, days, sequence) in steps)
        {
            var instruction = Requests.SteroidOrder("p1", id, mg, route, days, rxnorm, display)["dosageInstruction"]![0]!.DeepClone().AsObject();
            if (sequence is { } n)
            {
                instruction["sequence"] = n;
            }

            instructions.Add(instruction);
        }

        order["dosageInstruction"] = instructions;
        return order;
    }

    [Fact]
    public async Task A_pulse_followed_by_a_taper_for_an_ms_relapse_gets_a_warning_that_replaces_it_with_the_planned_pulse()
    {
        // The severe untreated relapse: IV methylprednisolone 1,000 mg/day × 5 days, no taper (R5).
        var draft = Taper("draft-taper", "6902", "methylprednisolone", ("iv", 1000, 5, 1), ("oral", 48, 7, 2), ("oral", 24, 7, 3));
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), draft)))!;

        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal("No taper after an MS pulse: IV methylprednisolone taper 1,000 → 24 mg/day", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("(1,000 → 48 → 24 mg/day)", detail);
        Assert.Contains("E-NICE-2022", detail);
        Assert.Contains("**Recommended:** IV methylprednisolone 1,000 mg/day × 5 days (urgent)", detail);
        var proposal = CdsContract.AssertReplacesDraft(card, "MedicationRequest/draft-taper");
        Assert.Single(proposal.DosageInstruction); // one dose a day for five days: no taper
        Assert.Equal(1000m, ((Hl7.Fhir.Model.Quantity)proposal.DosageInstruction[0].DoseAndRate[0].Dose!).Value);
    }

    [Fact]
    public async Task The_instructions_are_read_in_their_sequence_and_a_rising_or_level_order_is_no_taper()
    {
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        await using var host = await CdsHost.StartAsync();

        // Written last step first, numbered in sequence: still a taper.
        var reversed = Taper("draft-rev", "6902", "methylprednisolone", ("iv", 250, 2, 3), ("iv", 500, 2, 2), ("iv", 1000, 3, 1));
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, reversed)))!;
        Assert.Equal("No taper after an MS pulse: IV methylprednisolone taper 1,000 → 250 mg/day", (string)card["summary"]!);

        // Rising, or level: no taper; never read as agreeing with the plan all the same (as before: a difference, or a
        // daily dose that is not one number).
        var rising = Taper("draft-up", "6902", "methylprednisolone", ("iv", 500, 2, 1), ("iv", 1000, 3, 2));
        card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, rising)))!;
        Assert.StartsWith("Differs from the plan: IV methylprednisolone", (string)card["summary"]!);
        var level = Taper("draft-level", "6902", "methylprednisolone", ("iv", 1000, 5, 1), ("iv", 1000, 5, 2));
        card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, level)))!;
        Assert.StartsWith("Daily dose not checked against the plan", (string)card["summary"]!);
        Assert.Contains("several dosage instructions", (string)card["detail"]!);
    }

    [Theory]
    [InlineData(60, "8640", "prednisone", "48")] // 60 mg prednisone = 48 mg methylprednisolone
    [InlineData(48, "6902", "methylprednisolone", "48")]
    public async Task A_low_oral_dose_where_an_iv_pulse_is_planned_is_a_warning_not_merely_not_in_the_plan(double mgPerDay, string rxnorm, string drug, string mpEquivalent)
    {
        // The severe untreated relapse: IV methylprednisolone 1,000 mg/day × 5 days; no oral course among the steps or
        // alternatives, so before, this order got only the info card "Not in the recommendation".
        await using var host = await CdsHost.StartAsync();
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), Requests.SteroidOrder("p1", "draft-low", mgPerDay, "oral", 7, rxnorm, drug))))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Equal($"Lower than the relapse pulse: oral {drug} {mgPerDay} mg/day × 7 days", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains($"gives {mpEquivalent} mg/day in methylprednisolone equivalents; the planned course is IV methylprednisolone 1,000 mg/day × 5 days", detail);
        Assert.Contains("never with lower doses (E-NICE-2022)", detail);
        Assert.Contains("If this order is for another condition, it is outside this pathway.", detail);
        Assert.Equal(1000m, ((Hl7.Fhir.Model.Quantity)CdsContract.AssertReplacesDraft(card, "MedicationRequest/draft-low").DosageInstruction[0].DoseAndRate[0].Dose!).Value);

        // The planned pulse's equivalent by mouth (prednisone 1,250 mg/day = methylprednisolone 1,000) is not lower.
        var equivalent = await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("severe-relapse-untreated"), Requests.SteroidOrder("p1", "draft-eq", 1250, "oral", 5, "8640", "prednisone")));
        Assert.DoesNotContain(equivalent, c => ((string)c!["summary"]!).StartsWith("Lower than", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_nmosd_attack_whose_plan_carries_a_slow_taper_gets_no_taper_warning()
    {
        // The AQP4-positive myelitis: plasma exchange with IV methylprednisolone concurrent, then a slow oral taper (R3.1).
        var draft = Taper("draft-nmosd", "6902", "methylprednisolone", ("iv", 1000, 5, 1), ("oral", 48, 14, 2), ("oral", 24, 14, 3));
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("aqp4-positive-myelitis"), draft));
        Assert.DoesNotContain(cards, c => ((string)c!["summary"]!).StartsWith("No taper", StringComparison.Ordinal));
        Assert.NotEmpty(cards); // the daily dose of several instructions is still not read as the planned pulse's
    }
}
