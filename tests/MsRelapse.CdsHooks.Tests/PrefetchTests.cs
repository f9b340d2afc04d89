using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

public sealed class PrefetchTests
{
    private const string Service = "msrelapse-patient-view";

    [Fact]
    public async Task Absent_prefetch_is_fetched_from_the_FHIR_server_with_paging_and_the_access_token()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var expected = await host.CardsAsync(Service, Requests.ForBundle(bundle));
        var fetched = await host.CardsAsync(Service, Requests.PatientView("p1", null, stub.BaseUrl, "ehr-access-token"));
        Assert.Equal((string?)expected[0]!["summary"], (string?)fetched[0]!["summary"]);
        Assert.Equal((string?)expected[0]!["uuid"], (string?)fetched[0]!["uuid"]);
        Assert.Contains(stub.Requests, r => r.Contains("Observation?patient=p1&_offset=2", StringComparison.Ordinal)); // a second page was read
        Assert.All(stub.Authorizations, a => Assert.Equal("Bearer ehr-access-token", a));
    }

    [Fact]
    public async Task Partial_prefetch_is_completed_from_the_server_and_null_keys_are_not_fetched()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var full = Requests.Prefetch(bundle);
        var partial = new JsonObject { ["patient"] = full["patient"]!.DeepClone(), ["conditions"] = full["conditions"]!.DeepClone(), ["allergies"] = null, ["procedures"] = null };
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", partial, stub.BaseUrl));
        Assert.StartsWith("Urgent: start plasma exchange", (string)cards[0]!["summary"]!);
        Assert.DoesNotContain(stub.Requests, r => r.StartsWith("/fhir/Condition", StringComparison.Ordinal) || r.StartsWith("/fhir/Patient", StringComparison.Ordinal));
        Assert.DoesNotContain(stub.Requests, r => r.StartsWith("/fhir/AllergyIntolerance", StringComparison.Ordinal) || r.StartsWith("/fhir/Procedure", StringComparison.Ordinal));
        Assert.Contains(stub.Requests, r => r.StartsWith("/fhir/MedicationAdministration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Null_means_no_data_the_record_is_evaluated_without_it_and_no_degraded_card()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        var prefetch = Requests.Prefetch(bundle);
        prefetch["medicationAdministrations"] = null;
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch));
        // Without the steroid course given, the untreated severe relapse gets steroids first.
        Assert.StartsWith("Urgent: start IV methylprednisolone", (string)cards[0]!["summary"]!);
        Assert.DoesNotContain(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("patient")]
    [InlineData("conditions")]
    public async Task Required_data_that_can_be_had_neither_way_is_412_with_an_OperationOutcome(string key)
    {
        var prefetch = Requests.Prefetch(SharedExamples.Load("severe-relapse-untreated"));
        prefetch.Remove(key);
        await using var host = await CdsHost.StartAsync();
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", prefetch));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal("prefetch-unavailable", (string?)outcome["issue"]![0]!["details"]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task A_401_from_the_FHIR_server_for_required_data_is_412_never_500()
    {
        await using var stub = await FhirStub.StartAsync(SharedExamples.Load("severe-relapse-untreated"));
        stub.Failures["Condition"] = 401;
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", null, stub.BaseUrl, "expired-token"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task A_failing_or_slow_FHIR_server_for_other_data_gives_a_degraded_card_within_the_2_s_budget()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        stub.Failures["MedicationStatement"] = 500;
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        // Warm: the first call of a process also pays for JIT and Firely's model; the budget is about the FHIR server.
        stub.Delays["Observation"] = TimeSpan.Zero;
        await host.CardsAsync(Service, Requests.PatientView("p1", null, stub.BaseUrl));
        stub.Delays["Observation"] = TimeSpan.FromSeconds(10);
        var started = Stopwatch.GetTimestamp();
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", null, stub.BaseUrl));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"the fetch budget is 2 s; took {elapsed}");
        var degraded = Assert.Single(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal))!;
        Assert.Equal("warning", (string?)degraded["indicator"]);
        Assert.Contains("observations", (string)degraded["summary"]!);
        Assert.Contains("medicationStatements", (string)degraded["summary"]!);
    }

    [Fact]
    public async Task A_prefetch_holding_another_patients_resources_is_400()
    {
        var prefetch = Requests.Prefetch(SharedExamples.Load("severe-relapse-untreated"));
        var condition = prefetch["conditions"]!["entry"]![0]!["resource"]!;
        condition["subject"]!["reference"] = "Patient/someone-else";
        await using var host = await CdsHost.StartAsync();
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", prefetch));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["resourceType"]);

        var otherPatient = Requests.Prefetch(SharedExamples.Load("severe-relapse-untreated"));
        otherPatient["patient"]!["id"] = "p2";
        using var second = await host.CallAsync(Service, Requests.PatientView("p1", otherPatient));
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    /// <summary>
    /// Every prefetched resource's subject is checked against context.patientId as the JSON writes it (no string made),
    /// unless it is escaped: each written form must give what reading it as a string gives. The reference's JSON text
    /// goes into the body as it is (JsonNode would escape the non-ASCII ones itself).
    /// </summary>
    [Theory]
    [InlineData("Patient/p-1.a", false)]
    [InlineData(@"Patient/p\u002d1.a", false)]
    [InlineData(@"Patient\/p-1.a", false)]
    [InlineData("https://ehr.example.org/fhir/Patient/p-1.a/_history/2", false)]
    [InlineData("/Patient/p-1.a", false)]
    [InlineData("Group/p-1.b", false)]
    [InlineData("Patient/p-1.b", true)]
    [InlineData(@"Patient/p\u002d1.b", true)]
    [InlineData("Patient/p-1.é", true)]
    [InlineData(@"Patient/p-1.\u00e9", true)]
    [InlineData("Patient/p-1.a.", true)]
    [InlineData("Patient/P-1.a", true)]
    [InlineData("Patient/", true)]
    [InlineData("https://ehr.example.org/fhir/Patient/p-1", true)]
    public async Task A_subject_reference_names_the_context_patient_or_another_in_every_written_form(string referenceJsonText, bool other)
    {
        const string patientId = "p-1.a";
        var prefetch = Requests.Prefetch(SharedExamples.Load("severe-relapse-untreated"));
        prefetch["patient"]!["id"] = patientId;
        foreach (var key in Requests.Keys.Select(k => k.Key))
        {
            foreach (var entry in prefetch[key]!["entry"]!.AsArray())
            {
                var resource = entry!["resource"]!;
                foreach (var member in (string[])["subject", "patient"])
                {
                    if (resource[member] is JsonObject reference)
                    {
                        reference["reference"] = $"Patient/{patientId}";
                    }
                }
            }
        }

        prefetch["conditions"]!["entry"]![0]!["resource"]!["subject"]!["reference"] = "REFERENCE-UNDER-TEST";
        var body = Requests.PatientView(patientId, prefetch)
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .Replace("REFERENCE-UNDER-TEST", referenceJsonText, StringComparison.Ordinal);
        await using var host = await CdsHost.StartAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync($"/cds-services/{Service}", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((other ? HttpStatusCode.BadRequest : HttpStatusCode.OK) == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        if (other)
        {
            Assert.Contains("other-patient", text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A <c>urn:uuid:</c> subject names no patient id, so the prefetch's check cannot compare it with context.patientId;
    /// it is not let through: the reader reads it as a patient key of its own, and a record naming two patients is
    /// refused (400 multiple-patients), never evaluated as the context patient's.
    /// </summary>
    [Fact]
    public async Task A_urn_uuid_subject_in_a_prefetch_is_refused_as_a_second_patient()
    {
        var prefetch = Requests.Prefetch(SharedExamples.Load("severe-relapse-untreated"));
        prefetch["conditions"]!["entry"]![0]!["resource"]!["subject"]!["reference"] = "urn:uuid:0b2f0d0e-3c0f-4a4e-9d8e-1e1e1e1e1e1e";
        await using var host = await CdsHost.StartAsync();
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", prefetch));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("multiple-patients", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Patient/p1", "p1")]
    [InlineData("https://ehr.example.org/fhir/Patient/p1", "p1")]
    [InlineData("Patient/p1/_history/3", "p1")]
    [InlineData("urn:uuid:0b2f0d0e-3c0f-4a4e-9d8e-1e1e1e1e1e1e", null)]
    [InlineData("Group/p1", null)]
    public void Patient_references_are_read_in_every_form(string reference, string? id) =>
        Assert.Equal(id, Server.CdsHooks.PrefetchAssemblerAccess.ReferencedPatient(reference));

    [Fact]
    public async Task A_fhirServer_off_the_allow_list_is_never_called_nor_given_the_token()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        // Private addresses allowed, but the stub is on no allow-list: no request, the access token never sent: 412.
        await using var host = await CdsHost.StartAsync(new Dictionary<string, string?>
        {
            ["CdsHooks:AllowPrivateNetworkAddresses"] = "true",
            ["CdsHooks:FhirServers:0"] = "https://ehr.example.org/fhir",
        });
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", null, stub.BaseUrl, "ehr-access-token"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Empty(stub.Requests);

        // With the Patient and Conditions prefetched, the rest is unavailable: a degraded card, still no request.
        var full = Requests.Prefetch(bundle);
        var partial = new JsonObject { ["patient"] = full["patient"]!.DeepClone(), ["conditions"] = full["conditions"]!.DeepClone() };
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", partial, stub.BaseUrl, "ehr-access-token"));
        Assert.Contains(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task A_client_s_own_allow_list_lets_its_fhirServer_be_called()
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        using var tokens = new Tokens(() => CdsHost.Today);
        var settings = tokens.Settings();
        settings["CdsHooks:AllowPrivateNetworkAddresses"] = "true";
        settings["CdsHooks:Clients:0:FhirServers:0"] = stub.BaseUrl + "/";
        await using var host = await CdsHost.StartAsync(settings);
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", null, stub.BaseUrl, "ehr-access-token"), tokens.Create(CdsHost.BaseUrl + "/cds-services/" + Service));
        Assert.StartsWith("Urgent: start plasma exchange", (string)cards[0]!["summary"]!);
        Assert.NotEmpty(stub.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_allow_listed_fhirServer_on_a_loopback_address_is_refused_unless_private_addresses_are_allowed(bool byName)
    {
        var bundle = SharedExamples.Load("steroid-refractory-relapse");
        await using var stub = await FhirStub.StartAsync(bundle);
        // "localhost" is refused after DNS, at connect time; 127.0.0.1 as it is.
        var server = byName ? stub.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) : stub.BaseUrl;
        await using var host = await CdsHost.StartAsync(new Dictionary<string, string?> { ["CdsHooks:FhirServers:0"] = server });
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", null, server, "ehr-access-token"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Empty(stub.Requests);
    }
}
