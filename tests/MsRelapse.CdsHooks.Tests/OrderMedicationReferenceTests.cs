using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// Draft orders as EHRs write them: the medication named by a reference (to a contained Medication, to a Medication
/// entry of the draftOrders Bundle, or to the EHR's formulary entry with only its display), the route in words. Each
/// is recognised as the reader would count it once given (TherapyCodes goes through the reader's own recognition), so a
/// steroid order for a pseudo-relapse is flagged whichever way it names its drug.
/// </summary>
public sealed class OrderMedicationReferenceTests
{
    private const string Sign = "msrelapse-order-sign";
    private const string Select = "msrelapse-order-select";

    private static readonly JsonObject MethylprednisoloneCode = new()
    {
        ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = "6902" }),
    };

    /// <summary>The pseudo-relapse sample's 1 g × 5 days IV methylprednisolone draft, its medication named by <paramref name="reference"/>.</summary>
    private static JsonObject ByReference(JsonObject reference, JsonArray? contained = null)
    {
        var order = Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5);
        order.Remove("medicationCodeableConcept");
        order["medicationReference"] = reference;
        if (contained is not null)
        {
            order["contained"] = contained;
        }

        return order;
    }

    private static async Task AssertNotRecommended(CdsHost host, string service, JsonObject request)
    {
        var card = Assert.Single(await host.CardsAsync(service, request))!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.StartsWith("Not recommended now: IV methylprednisolone 1,000 mg/day × 5 days", (string)card["summary"]!);
        Assert.Contains("pseudo-relapse", (string)card["summary"]!);
        Assert.Equal("MedicationRequest/draft-mp", (string?)card["suggestions"]![0]!["actions"]![0]!["resourceId"]![0]);
    }

    [Fact]
    public async Task A_steroid_order_naming_a_contained_Medication_is_flagged_for_the_pseudo_relapse()
    {
        await using var host = await CdsHost.StartAsync();
        var contained = new JsonArray(new JsonObject
        {
            ["resourceType"] = "Medication",
            ["id"] = "med",
            ["code"] = new JsonObject { ["text"] = "Solu-Medrol 1 g" },
            ["ingredient"] = new JsonArray(new JsonObject { ["itemCodeableConcept"] = MethylprednisoloneCode.DeepClone() }),
        });
        var order = ByReference(new JsonObject { ["reference"] = "#med" }, contained);
        await AssertNotRecommended(host, Sign, Requests.Order("order-sign", SharedExamples.Load("pseudo-relapse-with-fever"), order));
    }

    [Theory]
    [InlineData("urn:uuid:6b8e0a57-1f0e-4a55-9a39-0c3c8f1f2b10", true)]
    [InlineData("Medication/formulary-mp-1g", false)]
    public async Task A_steroid_order_naming_a_Medication_of_the_draftOrders_Bundle_is_flagged_even_when_only_the_order_is_selected(string reference, bool byFullUrl)
    {
        await using var host = await CdsHost.StartAsync();
        var request = Requests.Order("order-select", SharedExamples.Load("pseudo-relapse-with-fever"), ByReference(new JsonObject { ["reference"] = reference }));
        var medication = new JsonObject { ["resourceType"] = "Medication", ["code"] = MethylprednisoloneCode.DeepClone() };
        var entry = new JsonObject { ["resource"] = medication };
        if (byFullUrl)
        {
            entry["fullUrl"] = reference;
        }
        else
        {
            medication["id"] = "formulary-mp-1g";
        }

        // The selections name the order only (Requests.Order selects every draft it was given): the Medication is
        // found in the whole Bundle.
        request["context"]!["draftOrders"]!["entry"]!.AsArray().Add(entry);
        await AssertNotRecommended(host, Select, request);
    }

    [Fact]
    public async Task A_steroid_order_naming_a_formulary_Medication_not_sent_is_recognised_by_the_reference_display()
    {
        await using var host = await CdsHost.StartAsync();
        var order = ByReference(new JsonObject { ["reference"] = "Medication/e4411", ["display"] = "methylPREDNISolone sodium succinate 1,000 mg IV infusion" });
        await AssertNotRecommended(host, Sign, Requests.Order("order-sign", SharedExamples.Load("pseudo-relapse-with-fever"), order));

        // Without a display, and not sent: what it is cannot be known, so it is not checked (no card rather than a guess).
        var unknown = ByReference(new JsonObject { ["reference"] = "Medication/e4411" });
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("pseudo-relapse-with-fever"), unknown)));
    }

    [Fact]
    public async Task A_medication_referenced_but_not_a_glucocorticoid_gives_no_card()
    {
        await using var host = await CdsHost.StartAsync();
        var order = ByReference(new JsonObject { ["reference"] = "Medication/e9", ["display"] = "paracetamol 1 g oral tablet" });
        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", SharedExamples.Load("pseudo-relapse-with-fever"), order)));
    }

    [Fact]
    public async Task A_route_given_only_in_words_is_read_as_the_reader_reads_it_and_the_dose_checked_against_the_plan()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        JsonObject InWords(string id, double mg, int days)
        {
            var order = Requests.SteroidOrder("p1", id, mg, "iv", days);
            order["dosageInstruction"]![0]!["route"] = new JsonObject { ["text"] = "IV" };
            return order;
        }

        Assert.Empty(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, InWords("draft-ok", 1000, 5))));
        var card = Assert.Single(await host.CardsAsync(Sign, Requests.Order("order-sign", bundle, InWords("draft-low", 500, 3))))!;
        Assert.StartsWith("Differs from the plan: IV methylprednisolone 500 mg/day × 3 days", (string)card["summary"]!);
        Assert.Contains("dose 500 mg/day; planned 1,000 mg/day", (string)card["detail"]!);
    }
}
