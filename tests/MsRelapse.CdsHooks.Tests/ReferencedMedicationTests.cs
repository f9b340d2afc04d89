using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// Medications named by reference and not sent (an EHR's formulary entries): the service fetches them from the FHIR
/// server, so that a steroid course given that way counts — here, the course that failed and makes plasma exchange
/// due — and a steroid order that way is checked. Without the FHIR server the course is not recognised, and the record
/// says why.
/// </summary>
public sealed class ReferencedMedicationTests
{
    private const string PatientView = "msrelapse-patient-view";

    /// <summary>The formulary entry: methylprednisolone 1 g for infusion, coded by its RxNorm ingredient.</summary>
    private const string Formulary = """
        {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Medication","id":"solumedrol-1g",
         "code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902","display":"methylprednisolone"}],"text":"Solu-Medrol 1 g"}}}]}
        """;

    /// <summary>
    /// The steroid-refractory sample's prefetch with its five methylprednisolone administrations naming the formulary
    /// Medication: four by a relative reference, one by its absolute URL on <paramref name="fhirBase"/>.
    /// </summary>
    private static JsonObject ByReference(string fhirBase)
    {
        var prefetch = Requests.Prefetch(SharedExamples.Load("steroid-refractory-relapse"));
        var administrations = prefetch["medicationAdministrations"]!["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).ToList();
        Assert.Equal(5, administrations.Count);
        for (var i = 0; i < administrations.Count; i++)
        {
            administrations[i].Remove("medicationCodeableConcept");
            administrations[i]["medicationReference"] = new JsonObject { ["reference"] = i == 0 ? $"{fhirBase}/Medication/solumedrol-1g" : "Medication/solumedrol-1g" };
        }

        return prefetch;
    }

    [Fact]
    public async Task A_steroid_course_given_from_a_formulary_Medication_counts_once_the_Medication_is_fetched()
    {
        await using var stub = await FhirStub.StartAsync(Formulary);
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var expected = await host.CardsAsync(PatientView, Requests.ForBundle(SharedExamples.Load("steroid-refractory-relapse")));
        Assert.StartsWith("Urgent: start plasma exchange", (string)expected[0]!["summary"]!);

        var cards = await host.CardsAsync(PatientView, Requests.PatientView("p1", ByReference(stub.BaseUrl), stub.BaseUrl, "ehr-access-token"));
        Assert.Equal((string?)expected[0]!["summary"], (string?)cards[0]!["summary"]);
        Assert.Equal((string?)expected[0]!["uuid"], (string?)cards[0]!["uuid"]); // the same recommendation, notes and all
        // Fetched once for both forms of the reference, with the EHR's token; nothing else asked for (the prefetch was complete).
        Assert.Equal(["/fhir/Medication/solumedrol-1g"], stub.Requests);
        Assert.All(stub.Authorizations, a => Assert.Equal("Bearer ehr-access-token", a));
    }

    [Fact]
    public async Task Without_the_FHIR_server_or_when_it_fails_the_course_is_not_counted_and_the_card_says_why()
    {
        await using var stub = await FhirStub.StartAsync(Formulary);
        stub.Failures["Medication"] = 500;
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        foreach (var server in new[] { null, stub.BaseUrl })
        {
            var cards = await host.CardsAsync(PatientView, Requests.PatientView("p1", ByReference(stub.BaseUrl), server));
            // Untreated as far as the record shows: steroids first. That is why the reference is worth fetching.
            Assert.StartsWith("Urgent: start IV methylprednisolone", (string)cards[0]!["summary"]!);
            Assert.Contains("Medication/solumedrol-1g", (string)cards[0]!["detail"]!); // the reading note names the reference not resolved
        }

        Assert.Single(stub.Requests); // asked once (the call with the server), not retried
    }

    [Fact]
    public async Task The_Medication_fetch_gets_only_what_the_searches_left_of_the_calls_2_s_budget()
    {
        // The contract gives a call's fetches 2 s in all. The searches for an absent key take 1.3 s here, so the
        // Medication (1.3 s to answer) no longer fits: the course is not counted, and the card says why — rather than
        // the call taking 2.6 s.
        await using var stub = await FhirStub.StartAsync(Formulary);
        stub.Delays["Procedure"] = TimeSpan.FromSeconds(1.3);
        stub.Delays["Medication"] = TimeSpan.FromSeconds(1.3);
        var settings = stub.Allowed();
        settings["CdsHooks:FhirFetchBudget"] = "00:00:02";
        await using var host = await CdsHost.StartAsync(settings);
        var prefetch = ByReference(stub.BaseUrl);
        Assert.True(prefetch.Remove("procedures"));

        var cards = await host.CardsAsync(PatientView, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));

        Assert.StartsWith("Urgent: start IV methylprednisolone", (string)cards[0]!["summary"]!);
        Assert.Contains("Medication/solumedrol-1g", (string)cards[0]!["detail"]!);
        Assert.Contains(stub.Requests, r => r.StartsWith("/fhir/Procedure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_steroid_order_naming_a_formulary_Medication_is_checked_once_it_is_fetched()
    {
        await using var stub = await FhirStub.StartAsync(Formulary);
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var order = Requests.SteroidOrder("p1", "draft-mp", 1000, "iv", 5);
        order.Remove("medicationCodeableConcept");
        order["medicationReference"] = new JsonObject { ["reference"] = "Medication/solumedrol-1g" };
        var request = Requests.Order("order-sign", SharedExamples.Load("pseudo-relapse-with-fever"), order);
        request["fhirServer"] = stub.BaseUrl;

        var card = Assert.Single(await host.CardsAsync("msrelapse-order-sign", request))!;
        Assert.StartsWith("Not recommended now: IV methylprednisolone 1,000 mg/day × 5 days", (string)card["summary"]!);
        Assert.Equal(["/fhir/Medication/solumedrol-1g"], stub.Requests);
    }

    [Theory]
    [InlineData("Medication/abc-1.2", "abc-1.2")]
    [InlineData("Medication/abc/_history/3", "abc")]
    [InlineData("https://ehr.example/fhir/Medication/abc", "abc")]
    [InlineData("https://other.example/fhir/Medication/abc", null)] // another server: the token goes nowhere else
    [InlineData("https://ehr.example/fhir/Medication/abc?x=1", null)]
    [InlineData("#med", null)]
    [InlineData("urn:uuid:6b8e0a57-1f0e-4a55-9a39-0c3c8f1f2b10", null)]
    [InlineData("Substance/abc", null)]
    [InlineData("Medication/", null)]
    [InlineData("Medication/a b", null)]
    [InlineData("Medication/../Patient/p1", null)]
    [InlineData("Medication/..", null)]
    public void Only_a_Medication_id_on_the_FHIR_server_is_fetched(string reference, string? id) =>
        Assert.Equal(id, MsRelapse.Server.CdsHooks.PrefetchAssemblerAccess.MedicationIdOf(reference, new Uri("https://ehr.example/fhir/")));
}
