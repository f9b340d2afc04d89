using System.Net;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

public sealed class PatientViewTests
{
    private const string Service = "msrelapse-patient-view";

    [Fact]
    public async Task Discovery_lists_the_three_services_with_prefetch_for_everything_the_reader_maps()
    {
        await using var host = await CdsHost.StartAsync();
        var json = JsonNode.Parse(await host.Client.GetStringAsync("/cds-services"))!;
        CdsContract.AssertNoNull(json, "$");
        var services = json["services"]!.AsArray();
        Assert.Equal(["msrelapse-patient-view", "msrelapse-order-select", "msrelapse-order-sign"], services.Select(s => (string)s!["id"]!));
        Assert.Equal(["patient-view", "order-select", "order-sign"], services.Select(s => (string)s!["hook"]!));
        foreach (var s in services)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)s!["description"]));
            var prefetch = s["prefetch"]!.AsObject();
            Assert.Equal("Patient/{{context.patientId}}", (string?)prefetch["patient"]);
            foreach (var type in new[] { "Condition", "Observation", "MedicationAdministration", "MedicationRequest", "MedicationStatement", "AllergyIntolerance", "Procedure" })
            {
                Assert.Contains(prefetch, p => (string?)p.Value == $"{type}?patient={{{{context.patientId}}}}");
            }
        }
    }

    [Fact]
    public async Task The_card_says_how_the_record_was_read_when_a_medication_was_known_by_its_name_only()
    {
        await using var host = await CdsHost.StartAsync();
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!;
        Assert.DoesNotContain("How the record was read", (string)(await host.CardsAsync(Service, Requests.ForBundle(bundle.ToJsonString())))[0]!["detail"]!);

        bundle["entry"]!.AsArray().Add(JsonNode.Parse("""
            {"resource":{"resourceType":"MedicationStatement","id":"ms-ace","status":"active","subject":{"reference":"Patient/p1"},
              "medicationReference":{"reference":"Medication/formulary-77","display":"lisinopril 10 mg tablet"},"effectivePeriod":{"start":"2025-01-01"}}}
            """));
        var detail = (string)(await host.CardsAsync(Service, Requests.ForBundle(bundle.ToJsonString())))[0]!["detail"]!;
        Assert.Contains("**How the record was read:**", detail);
        Assert.Contains("- MedicationStatement/ms-ace: its medication (Medication/formulary-77) is not in the record; read by the reference's display.", detail);
        Assert.Contains("- MedicationStatement/ms-ace: recognised lisinopril by name (no ingredient or ATC code).", detail);
        Assert.DoesNotContain("more", detail[detail.IndexOf("How the record was read", StringComparison.Ordinal)..]);

        // A long list: ten on the card, then how many more (eleven more statements, two notes each: 24 in all).
        for (var i = 0; i < 11; i++)
        {
            bundle["entry"]!.AsArray().Add(JsonNode.Parse("""
                {"resource":{"resourceType":"MedicationStatement","id":"ms-N","status":"active","subject":{"reference":"Patient/p1"},
                  "medicationReference":{"reference":"Medication/f-N","display":"ramipril 5 mg"},"effectivePeriod":{"start":"2025-01-01"}}}
                """.Replace("-N\"", $"-{i}\"", StringComparison.Ordinal)));
        }

        var longer = (string)(await host.CardsAsync(Service, Requests.ForBundle(bundle.ToJsonString())))[0]!["detail"]!;
        var notes = longer[longer.IndexOf("How the record was read", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, notes.Count);
        Assert.Equal("- … and 14 more", notes[^1]);
    }

    [Fact]
    public async Task Severe_untreated_relapse_gets_an_urgent_critical_card_for_IV_methylprednisolone_1000_mg_for_5_days()
    {
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated")));
        var card = cards[0]!;
        Assert.Equal("critical", (string?)card["indicator"]); // urgency urgent
        Assert.StartsWith("Urgent: start IV methylprednisolone 1,000 mg/day × 5 days", (string)card["summary"]!);
        Assert.Contains("severe", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("EDSS 1.5 → 4", detail);
        Assert.Contains("dmt-review", detail);
        var suggestion = Assert.Single(card["suggestions"]!.AsArray())!;
        Assert.True((bool)suggestion["isRecommended"]!);
        var action = Assert.Single(suggestion["actions"]!.AsArray())!;
        var request = Assert.IsType<Hl7.Fhir.Model.MedicationRequest>(CdsContract.AssertAction(action));
        Assert.Equal(Hl7.Fhir.Model.MedicationRequest.MedicationRequestIntent.Proposal, request.Intent);
        var medication = Assert.IsType<Hl7.Fhir.Model.CodeableConcept>(request.Medication);
        Assert.Contains(medication.Coding, c => c.System == "http://msrelapse.org/fhir/CodeSystem/msrelapse" && c.Code == "iv-methylprednisolone");
        Assert.Contains(medication.Coding, c => c.System == "http://www.nlm.nih.gov/research/umls/rxnorm" && c.Code == "6902");
        var dosage = Assert.Single(request.DosageInstruction);
        Assert.Equal(1000m, ((Hl7.Fhir.Model.Quantity)dosage.DoseAndRate[0].Dose!).Value);
        Assert.Equal(5, dosage.Timing!.Repeat!.Count);
        Assert.Equal("47625008", dosage.Route!.Coding[0].Code);
        Assert.Equal("Patient/p1", request.Subject.Reference);
        var link = Assert.Single(card["links"]!.AsArray())!;
        Assert.Equal("absolute", (string?)link["type"]);
        Assert.Equal("http://localhost/#/patients/p1", (string?)link["url"]);
        Assert.NotEmpty(card["overrideReasons"]!.AsArray());
    }

    [Fact]
    public async Task Steroid_refractory_relapse_gets_plasma_exchange_with_the_exchange_schedule_as_timing()
    {
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("steroid-refractory-relapse")));
        var card = cards[0]!;
        Assert.Equal("critical", (string?)card["indicator"]);
        Assert.StartsWith("Urgent: start plasma exchange: 5 exchanges of 3,035 mL every other day from 2026-05-13", (string)card["summary"]!);
        var detail = (string)card["detail"]!;
        Assert.Contains("PV 3,035 mL, TBV 5,419 mL", detail);
        Assert.Contains("13 vials", detail);
        Assert.Contains("tpe-caution-ace-inhibitor", detail);
        foreach (var alternative in new[] { "immunoadsorption", "escalated-iv-methylprednisolone", "ivig" })
        {
            Assert.Contains($"`{alternative}`", detail);
        }

        var suggestion = Assert.Single(card["suggestions"]!.AsArray())!;
        var request = Assert.IsType<Hl7.Fhir.Model.ServiceRequest>(CdsContract.AssertAction(suggestion["actions"]![0]!));
        Assert.Contains(request.Code!.Coding, c => c.System == "http://msrelapse.org/fhir/CodeSystem/msrelapse" && c.Code == "plasma-exchange");
        Assert.Contains(request.Code.Coding, c => c.System == "http://www.ama-assn.org/go/cpt" && c.Code == "36514");
        var timing = Assert.IsType<Hl7.Fhir.Model.Timing>(request.Occurrence);
        Assert.Equal(["2026-05-13", "2026-05-15", "2026-05-17", "2026-05-19", "2026-05-21"], timing.Event);
    }

    [Fact]
    public async Task Pseudo_relapse_with_fever_gets_a_treat_the_trigger_card_without_a_steroid_suggestion()
    {
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("pseudo-relapse-with-fever")));
        var card = cards[0]!;
        Assert.Contains("treat the trigger", (string)card["summary"]!);
        Assert.Contains("pseudo-relapse", (string)card["summary"]!);
        Assert.Null(card["suggestions"]);
        var detail = (string)card["detail"]!;
        Assert.Contains("**Not recommended**", detail);
        Assert.Contains("methylprednisolone`", detail);
        Assert.Contains("`fever`", detail);
        Assert.Contains("`infection`", detail);
    }

    [Fact]
    public async Task AQP4_positive_myelitis_is_an_emergency_with_plasma_exchange_and_steroids_and_a_separate_NMOSD_card()
    {
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("aqp4-positive-myelitis")));
        var card = cards[0]!;
        Assert.Equal("critical", (string?)card["indicator"]);
        Assert.StartsWith("Emergency: start plasma exchange", (string)card["summary"]!);
        var suggestions = card["suggestions"]!.AsArray();
        Assert.Equal("at-most-one", (string?)card["selectionBehavior"]);
        // The primary suggestion orders plasma exchange with the concurrent IV methylprednisolone; the steroid also alone.
        Assert.Equal(2, suggestions.Count);
        Assert.True((bool)suggestions[0]!["isRecommended"]!);
        Assert.Equal(2, suggestions[0]!["actions"]!.AsArray().Count);
        Assert.Null(suggestions[1]!["isRecommended"]);
        var nmosd = Assert.Single(cards, c => ((string)c!["detail"]!).Contains("possible-nmosd", StringComparison.Ordinal) && c != card)!;
        Assert.Equal("critical", (string?)nmosd["indicator"]);
        Assert.Null(nmosd["suggestions"]);
    }

    [Theory]
    [InlineData("demo-severe-untreated", "Urgent: start IV methylprednisolone", "critical", 1)]
    [InlineData("demo-steroid-refractory", "Urgent: start plasma exchange", "critical", 1)]
    [InlineData("demo-pseudo-relapse-fever", "treat the trigger", null, 0)]
    [InlineData("demo-aqp4-positive", "Emergency: start plasma exchange", "critical", 2)]
    [InlineData("demo-mild-relapse", "observe", null, 0)]
    [InlineData("demo-apheresis-in-progress", "plasma exchange", null, null)]
    [InlineData("demo-pediatric-relapse", "start IV methylprednisolone", null, 1)]
    public async Task Each_demo_patient_gets_its_card(string id, string summary, string? indicator, int? suggestions)
    {
        var demo = Server.DemoPatients.LoadAsWritten().Single(d => d.Id == id);
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(demo.BundleJson));
        var card = cards[0]!;
        Assert.Contains(summary, (string)card["summary"]!, StringComparison.Ordinal);
        if (indicator is not null)
        {
            Assert.Equal(indicator, (string?)card["indicator"]);
        }

        if (suggestions is { } n)
        {
            Assert.Equal(n, card["suggestions"]?.AsArray().Count ?? 0);
        }
    }

    [Fact]
    public async Task A_patient_without_an_episode_gets_no_card()
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!;
        var entries = bundle["entry"]!.AsArray();
        // Keep the patient and the MS diagnosis only: no relapse condition.
        foreach (var e in entries.Where(e => (string?)e!["resource"]!["resourceType"] == "Condition"
            && e!["resource"]!["code"]!.ToJsonString().Contains("192929006", StringComparison.Ordinal)).ToList())
        {
            entries.Remove(e);
        }

        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(bundle.ToJsonString()));
        Assert.Empty(cards);
    }

    [Fact]
    public async Task Card_uuids_are_stable_for_the_same_input_and_change_with_it()
    {
        await using var host = await CdsHost.StartAsync();
        var request = Requests.ForBundle(SharedExamples.Load("aqp4-positive-myelitis"));
        var first = await host.CardsAsync(Service, request);
        var second = await host.CardsAsync(Service, request);
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        var other = await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated")));
        Assert.NotEqual((string?)first[0]!["uuid"], (string?)other[0]!["uuid"]);
    }

    [Fact]
    public async Task Card_suggestion_and_proposal_ids_keep_their_values_from_one_version_to_the_next()
    {
        // Feedback names a card by the uuid it was shown with, and an EHR may keep a proposal by its id: the ids derive
        // from the content alone (the recommendation's JSON; each proposal's FHIR JSON), so a change in how they are
        // computed must not change them. These are the values the derivation gave when this test was written; the card's and
        // suggestion's (scoped by the card's) changed once with the content (2026-12-07: the not-recommended reason now names
        // the failed course's route, A47); the proposal's did not. All three changed with the content on 2026-12-08
        // (knowledge-base review, issue 8: citations worded as the evidence sheet gives them; the proposal names the
        // ActivityDefinition it instantiates and lists the response factors with their effects); the card's and suggestion's
        // again the same day (the recommendation gained primaryRule, the rule that chose the action).
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("steroid-refractory-relapse")));
        var card = cards[0]!;
        var suggestion = card["suggestions"]![0]!;
        Assert.Equal("5ac13405-d866-5e0e-8306-7dee5a7f89c5", (string?)card["uuid"]);
        Assert.Equal("218b6284-32d9-5352-afc6-9cf698030eaa", (string?)suggestion["uuid"]);
        Assert.Equal("ef164276-3465-5bfe-a763-c3cbc259b1d8", (string?)suggestion["actions"]![0]!["resource"]!["id"]);
    }

    [Fact]
    public async Task An_implausible_value_gives_one_warning_card_naming_it_and_no_suggestion()
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("steroid-refractory-relapse"))!;
        var weight = bundle["entry"]!.AsArray().Select(e => e!["resource"]!)
            .First(r => (string?)r["resourceType"] == "Observation" && r["code"]!.ToJsonString().Contains("29463-7", StringComparison.Ordinal));
        weight["valueQuantity"]!["value"] = 820; // kg
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.ForBundle(bundle.ToJsonString()));
        var card = Assert.Single(cards)!;
        Assert.Equal("warning", (string?)card["indicator"]);
        Assert.Null(card["suggestions"]);
        Assert.StartsWith("No recommendation: implausible data", (string)card["summary"]!);
        Assert.Contains("Observation", (string)card["detail"]!);
    }

    [Fact]
    public async Task A_request_for_the_wrong_hook_or_without_a_patient_is_400()
    {
        await using var host = await CdsHost.StartAsync();
        var request = Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated"));
        request["hook"] = "order-sign";
        using var wrong = await host.CallAsync(Service, request);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("OperationOutcome", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["resourceType"]);
        request["hook"] = "patient-view";
        request["context"]!.AsObject().Remove("patientId");
        using var noPatient = await host.CallAsync(Service, request);
        Assert.Equal(HttpStatusCode.BadRequest, noPatient.StatusCode);
        using var unknown = await host.CallAsync("no-such-service", request);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
