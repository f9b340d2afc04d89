using System.Net;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// Prefetch is whole or unavailable: a search set cut short by the page limit is never passed off as complete; a prefetch
/// value that is an OperationOutcome (or a search set with an error outcome) is unavailable, not "no data"; and next
/// links are followed only under the FHIR base URL, so the access token goes nowhere else.
/// </summary>
public sealed class PrefetchCompletenessTests
{
    private const string Service = "msrelapse-patient-view";
    private const string Example = "steroid-refractory-relapse";

    /// <summary>The page limit of the assembler (PrefetchAssembler.MaxPages).</summary>
    private const int MaxPages = 50;

    // --- 1. Paging: more pages than the limit → the key is unavailable ---------------------------------------------

    [Fact]
    public async Task Observations_with_more_pages_than_the_limit_are_unavailable_never_truncated()
    {
        var bundle = WithCopies(SharedExamples.Load(Example), "Observation", "observ11", MaxPages + 1);
        await using var stub = await FhirStub.StartAsync(bundle);
        stub.PageSize = 1; // the server ignores _count: MaxPages + 1 pages
        await using var host = await CdsHost.StartAsync(LongBudget(stub));
        var prefetch = Requests.Prefetch(bundle);
        prefetch.Remove("observations");
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));
        var degraded = Assert.Single(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal))!;
        Assert.Contains("observations", (string)degraded["summary"]!);
        // The recommendation card, first, whose suggestion is one click away, says it too.
        Assert.StartsWith("**Incomplete record — check before acting:** `observations` could not be read", (string)cards[0]!["detail"]!);
        var observationRequests = stub.Requests.Where(r => r.StartsWith("/fhir/Observation", StringComparison.Ordinal)).ToList();
        Assert.Equal(MaxPages, observationRequests.Count); // the page past the limit is not even asked for
        Assert.Contains("_count=", observationRequests[0], StringComparison.Ordinal); // big pages asked for
    }

    [Fact]
    public async Task Observations_in_exactly_the_page_limit_are_read_whole()
    {
        var bundle = WithCopies(SharedExamples.Load(Example), "Observation", "observ11", MaxPages);
        await using var stub = await FhirStub.StartAsync(bundle);
        stub.PageSize = 1;
        await using var host = await CdsHost.StartAsync(LongBudget(stub));
        var prefetch = Requests.Prefetch(bundle);
        prefetch.Remove("observations");
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));
        Assert.StartsWith("Urgent: start plasma exchange", (string)cards[0]!["summary"]!);
        Assert.DoesNotContain(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal));
        Assert.Equal(MaxPages, stub.Requests.Count(r => r.StartsWith("/fhir/Observation", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Conditions_with_more_pages_than_the_limit_are_412()
    {
        var bundle = WithCopies(SharedExamples.Load(Example), "Condition", null, MaxPages + 1);
        await using var stub = await FhirStub.StartAsync(bundle);
        stub.PageSize = 1;
        await using var host = await CdsHost.StartAsync(LongBudget(stub));
        var prefetch = Requests.Prefetch(bundle);
        prefetch.Remove("conditions");
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));
        await AssertPrefetchUnavailable(response);
    }

    [Fact]
    public async Task A_budget_that_runs_out_mid_paging_leaves_the_key_unavailable()
    {
        var bundle = WithCopies(SharedExamples.Load(Example), "Observation", "observ11", 30);
        await using var stub = await FhirStub.StartAsync(bundle);
        await using var host = await CdsHost.StartAsync(stub.Allowed()); // the contract's 2 s
        var prefetch = Requests.Prefetch(bundle);
        prefetch.Remove("observations");
        await host.CardsAsync(Service, Requests.PatientView("p1", (JsonObject)prefetch.DeepClone(), stub.BaseUrl)); // warm (JIT, Firely's model)
        stub.PageSize = 1;
        stub.Delays["Observation"] = TimeSpan.FromMilliseconds(150); // 30 pages: 4.5 s
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl));
        var degraded = Assert.Single(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal))!;
        Assert.Contains("observations", (string)degraded["summary"]!);
    }

    // --- 2. A prefetch value that is an OperationOutcome ------------------------------------------------------------

    [Theory]
    [InlineData("conditions", "Condition")]
    [InlineData("patient", "Patient")]
    public async Task A_required_prefetch_that_is_an_OperationOutcome_is_412_and_not_fetched_again(string key, string type)
    {
        var bundle = SharedExamples.Load(Example);
        await using var stub = await FhirStub.StartAsync(bundle);
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var prefetch = Requests.Prefetch(bundle);
        prefetch[key] = Outcome("error");
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));
        await AssertPrefetchUnavailable(response);
        Assert.DoesNotContain(stub.Requests, r => r.StartsWith($"/fhir/{type}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_allergies_prefetch_that_is_an_OperationOutcome_is_listed_unavailable_and_not_fetched_again()
    {
        var bundle = SharedExamples.Load(Example);
        await using var stub = await FhirStub.StartAsync(bundle);
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var prefetch = Requests.Prefetch(bundle);
        prefetch["allergies"] = Outcome("error");
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));
        var degraded = Assert.Single(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal))!;
        Assert.Contains("allergies", (string)degraded["summary"]!);
        Assert.DoesNotContain(stub.Requests, r => r.StartsWith("/fhir/AllergyIntolerance", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("error")]
    [InlineData("fatal")]
    public async Task A_search_set_with_an_error_outcome_is_unavailable_not_read_in_part(string severity)
    {
        var prefetch = Requests.Prefetch(SharedExamples.Load(Example));
        AddOutcomeEntry(prefetch["medicationAdministrations"]!, severity);
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch));
        var degraded = Assert.Single(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal))!;
        Assert.Contains("medicationAdministrations", (string)degraded["summary"]!);

        var conditions = Requests.Prefetch(SharedExamples.Load(Example));
        AddOutcomeEntry(conditions["conditions"]!, severity);
        using var response = await host.CallAsync(Service, Requests.PatientView("p1", conditions));
        await AssertPrefetchUnavailable(response);
    }

    [Theory]
    [InlineData("warning")]
    [InlineData("information")]
    public async Task A_search_set_with_a_warning_outcome_beside_its_resources_is_used(string severity)
    {
        var prefetch = Requests.Prefetch(SharedExamples.Load(Example));
        AddOutcomeEntry(prefetch["medicationAdministrations"]!, severity);
        await using var host = await CdsHost.StartAsync();
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch));
        // The steroid course given (the MedicationAdministrations) is read: refractory, so plasma exchange.
        Assert.StartsWith("Urgent: start plasma exchange", (string)cards[0]!["summary"]!);
        Assert.DoesNotContain(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal));
    }

    // --- 3. Next links off the FHIR base URL -------------------------------------------------------------------------

    [Theory]
    [InlineData("another host name")]
    [InlineData("another path")]
    public async Task A_next_link_off_the_FHIR_base_URL_is_not_followed_and_the_key_is_unavailable(string where)
    {
        var bundle = SharedExamples.Load(Example);
        await using var stub = await FhirStub.StartAsync(bundle);
        // The same stub, reached as localhost instead of 127.0.0.1, or under /fhir-elsewhere instead of /fhir.
        stub.NextLinkBase = where == "another host name"
            ? stub.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)
            : stub.BaseUrl + "-elsewhere";
        await using var host = await CdsHost.StartAsync(stub.Allowed());
        var prefetch = Requests.Prefetch(bundle);
        prefetch.Remove("observations"); // 6 Observations, 2 a page: next links
        var cards = await host.CardsAsync(Service, Requests.PatientView("p1", prefetch, stub.BaseUrl, "ehr-access-token"));
        var degraded = Assert.Single(cards, c => ((string)c!["summary"]!).StartsWith("Incomplete record", StringComparison.Ordinal))!;
        Assert.Contains("observations", (string)degraded["summary"]!);
        Assert.Contains(stub.Received, r => r.Request.StartsWith("/fhir/Observation", StringComparison.Ordinal)); // the first page was read
        Assert.All(stub.Received, r =>
        {
            Assert.StartsWith("127.0.0.1:", r.Host, StringComparison.Ordinal);
            Assert.StartsWith("/fhir/", r.Request, StringComparison.Ordinal);
        });
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>The stub allowed and a fetch budget long enough that only the page limit can cut a search short.</summary>
    private static Dictionary<string, string?> LongBudget(FhirStub stub)
    {
        var settings = stub.Allowed();
        settings["CdsHooks:FhirFetchBudget"] = "00:00:30";
        return settings;
    }

    /// <summary>The example with copies of one of its <paramref name="type"/> resources (the first when no id is given) until it holds <paramref name="total"/> of them.</summary>
    private static string WithCopies(string bundleJson, string type, string? id, int total)
    {
        var bundle = JsonNode.Parse(bundleJson)!;
        var entries = bundle["entry"]!.AsArray();
        var ofType = entries.Select(e => e!["resource"]!).Where(r => (string?)r["resourceType"] == type).ToList();
        var model = ofType.First(r => id is null || (string?)r["id"] == id);
        for (var n = ofType.Count; n < total; n++)
        {
            var copy = model.DeepClone();
            copy["id"] = $"copy-{n}";
            if (type == "Observation")
            {
                copy["effectiveDateTime"] = "2025-01-01"; // older than the example's own: the record's latest values unchanged
            }

            entries.Add(new JsonObject { ["resource"] = copy });
        }

        return bundle.ToJsonString();
    }

    private static JsonObject Outcome(string severity) => new()
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray(new JsonObject { ["severity"] = severity, ["code"] = "exception", ["diagnostics"] = "The search could not be run." }),
    };

    private static void AddOutcomeEntry(JsonNode searchSet, string severity) =>
        searchSet["entry"]!.AsArray().Add(new JsonObject { ["resource"] = Outcome(severity), ["search"] = new JsonObject { ["mode"] = "outcome" } });

    private static async Task AssertPrefetchUnavailable(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"{(int)response.StatusCode}: {text}");
        var outcome = JsonNode.Parse(text)!;
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal("prefetch-unavailable", (string?)outcome["issue"]![0]!["details"]!["coding"]![0]!["code"]);
    }
}
