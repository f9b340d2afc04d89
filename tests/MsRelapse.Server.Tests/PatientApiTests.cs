using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Storage;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

public sealed class PatientApiTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>A shared example re-labelled as patient <paramref name="id"/> with a name to search by.</summary>
    internal static string Bundle(string id, string example = "severe-relapse-untreated", string family = "Keller", string given = "Anna")
    {
        var bundle = JsonNode.Parse(SharedExamples.Load(example).Replace("Patient/p1\"", $"Patient/{id}\"", StringComparison.Ordinal))!.AsObject();
        foreach (var entry in bundle["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!.AsObject();
            if ((string?)resource["resourceType"] == "Patient")
            {
                resource["id"] = id;
                resource["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray(given) });
            }
        }

        return bundle.ToJsonString();
    }

    private async Task<HttpResponseMessage> Put(string id, string body, string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = TestHost.Fhir(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await host.Client.SendAsync(request);
    }

    [Fact]
    public async Task Put_creates_with_201_and_ETag_then_replaces_with_200_and_the_next_version()
    {
        using var created = await Put("pat-1", Bundle("pat-1"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("W/\"1\"", created.Headers.ETag?.ToString());
        Assert.Equal("/api/patients/pat-1", created.Headers.Location?.ToString());

        using var replaced = await Put("pat-1", Bundle("pat-1", "steroid-refractory-relapse"));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("W/\"2\"", replaced.Headers.ETag?.ToString());

        using var read = await host.Client.GetAsync("/api/patients/pat-1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("application/fhir+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal("W/\"2\"", read.Headers.ETag?.ToString());
        Assert.Equal(Bundle("pat-1", "steroid-refractory-relapse"), await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stale_If_Match_is_412_and_changes_nothing()
    {
        (await Put("pat-2", Bundle("pat-2"))).Dispose();
        (await Put("pat-2", Bundle("pat-2", "aqp4-positive-myelitis"), ifMatch: "W/\"1\"")).Dispose();

        using var stale = await Put("pat-2", Bundle("pat-2", "pseudo-relapse-with-fever"), ifMatch: "W/\"1\"");
        await Problem.Assert(stale, HttpStatusCode.PreconditionFailed, "precondition-failed");

        var stored = await host.Store.GetAsync("pat-2", default);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(Bundle("pat-2", "aqp4-positive-myelitis"), stored.BundleJson);
        var audit = await host.Store.ListAuditAsync(new AuditQuery(PatientId: "pat-2"), default);
        Assert.Equal([AuditOutcomes.Success, AuditOutcomes.Success, AuditOutcomes.Conflict], audit.Select(a => a.Outcome));
    }

    [Fact]
    public async Task If_None_Match_star_creates_only()
    {
        using var first = await Put("pat-3", Bundle("pat-3"), ifNoneMatch: "*");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await Put("pat-3", Bundle("pat-3"), ifNoneMatch: "*");
        var problem = await Problem.Assert(second, HttpStatusCode.PreconditionFailed, "precondition-failed");

        // It says what happened: no If-Match was sent (it said "If-Match named a version…" before).
        Assert.Contains("If-None-Match: * asks to create", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_body_Patient_must_carry_the_URL_id_or_none_and_is_then_assigned_it()
    {
        using var mismatch = await Put("pat-4", Bundle("someone-else"));
        await Problem.Assert(mismatch, HttpStatusCode.UnprocessableEntity, "patient-id-mismatch");
        Assert.Null(await host.Store.GetAsync("pat-4", default));

        var noId = JsonNode.Parse(Bundle("pat-4"))!.AsObject();
        foreach (var entry in noId["entry"]!.AsArray())
        {
            if ((string?)entry!["resource"]!["resourceType"] == "Patient")
            {
                entry["resource"]!.AsObject().Remove("id");
            }
        }

        using var assigned = await Put("pat-4", noId.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, assigned.StatusCode);
        var stored = JsonNode.Parse((await host.Store.GetAsync("pat-4", default))!.BundleJson)!;
        var patient = stored["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "Patient");
        Assert.Equal("pat-4", (string?)patient["id"]);
    }

    [Fact]
    public async Task Invalid_bundles_are_refused_before_anything_is_stored()
    {
        using var twoPatients = await Put("pat-5", """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"pat-5"}},{"resource":{"resourceType":"Patient","id":"pat-6"}}]}""");
        await Problem.Assert(twoPatients, HttpStatusCode.UnprocessableEntity, "validation-failed");
        using var notABundle = await Put("pat-5", """{"resourceType":"Patient","id":"pat-5"}""");
        await Problem.Assert(notABundle, HttpStatusCode.BadRequest, "fhir-parse-error");
        Assert.Null(await host.Store.GetAsync("pat-5", default));
    }

    [Fact]
    public async Task Unknown_patients_are_404_on_every_route()
    {
        await Problem.Assert(await host.Client.GetAsync("/api/patients/nobody"), HttpStatusCode.NotFound, "patient-not-found");
        await Problem.Assert(await host.Client.DeleteAsync("/api/patients/nobody"), HttpStatusCode.NotFound, "patient-not-found");
        await Problem.Assert(await host.Client.PostAsync("/api/patients/nobody/evaluations", null), HttpStatusCode.NotFound, "patient-not-found");
        await Problem.Assert(await host.Client.GetAsync("/api/patients/nobody/evaluations"), HttpStatusCode.NotFound, "patient-not-found");
        await Problem.Assert(await host.Client.PostAsync("/api/patients/nobody/resources", TestHost.Fhir("""{"resourceType":"Observation"}""")), HttpStatusCode.NotFound, "patient-not-found");
    }

    [Fact]
    public async Task A_malformed_id_is_400_not_404()
    {
        await Problem.Assert(await host.Client.GetAsync("/api/patients/" + new string('x', 65)), HttpStatusCode.BadRequest, "invalid-parameter");
        await Problem.Assert(await host.Client.GetAsync("/api/patients/a%20b"), HttpStatusCode.BadRequest, "invalid-parameter");
    }

    [Fact]
    public async Task List_is_paged_and_searchable_by_name_and_id_prefix()
    {
        (await Put("list-a", Bundle("list-a", family: "García", given: "Lucía"))).Dispose();
        (await Put("list-b", Bundle("list-b", family: "Moreau", given: "Luc"))).Dispose();
        (await Put("other-c", Bundle("other-c", family: "Novak", given: "Eva"))).Dispose();

        var page1 = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients?page=1&pageSize=2"))!;
        Assert.Equal(3, (int)page1["total"]!);
        Assert.Equal(["list-a", "list-b"], page1["items"]!.AsArray().Select(i => (string)i!["id"]!));
        var page2 = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients?page=2&pageSize=2"))!;
        Assert.Equal(["other-c"], page2["items"]!.AsArray().Select(i => (string)i!["id"]!));

        var byName = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients?q=garcia"))!;
        Assert.Equal(["list-a"], byName["items"]!.AsArray().Select(i => (string)i!["id"]!));
        var byPrefix = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients?q=list-"))!;
        Assert.Equal(2, (int)byPrefix["total"]!);

        await Problem.Assert(await host.Client.GetAsync("/api/patients?page=0"), HttpStatusCode.BadRequest, "invalid-parameter");
        await Problem.Assert(await host.Client.GetAsync("/api/patients?pageSize=101"), HttpStatusCode.BadRequest, "invalid-parameter");
        await Problem.Assert(await host.Client.GetAsync("/api/patients?page=abc"), HttpStatusCode.BadRequest, "invalid-parameter");
    }

    [Fact]
    public async Task Posting_resources_appends_them_as_a_new_version_that_the_next_evaluation_reads()
    {
        (await Put("pat-7", Bundle("pat-7"))).Dispose();
        using var before = await host.Client.PostAsync("/api/patients/pat-7/evaluations?asOf=2026-05-11", null);
        var beforeJson = JsonNode.Parse(await before.Content.ReadAsStringAsync())!;
        Assert.Equal("iv-methylprednisolone", (string?)beforeJson["recommendation"]!["recommendation"]!["primary"]);

        // A temperature of 38.6 °C today: fever makes the episode a suspected pseudo-relapse (R2), treat the trigger.
        const string fever = """
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},
             "subject":{"reference":"Patient/pat-7"},"effectiveDateTime":"2026-05-11",
             "valueQuantity":{"value":38.6,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/patients/pat-7/resources") { Content = TestHost.Fhir(fever) };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        using var added = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal("W/\"2\"", added.Headers.ETag?.ToString());

        using var after = await host.Client.PostAsync("/api/patients/pat-7/evaluations?asOf=2026-05-11", null);
        var afterJson = JsonNode.Parse(await after.Content.ReadAsStringAsync())!;
        Assert.Equal("treat-trigger", (string?)afterJson["recommendation"]!["recommendation"]!["primary"]);
        Assert.Equal(2, (long)afterJson["patientVersion"]!);

        using var stale = new HttpRequestMessage(HttpMethod.Post, "/api/patients/pat-7/resources") { Content = TestHost.Fhir(fever) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        await Problem.Assert(await host.Client.SendAsync(stale), HttpStatusCode.PreconditionFailed, "precondition-failed");
    }

    /// <summary>An Observation of <paramref name="loinc"/> for <paramref name="patient"/>: a quantity on <paramref name="date"/>.</summary>
    private static string Quantity(string patient, string loinc, double value, string ucum, string date = "2026-05-11") =>
        $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{{loinc}}}"}]},
         "subject":{"reference":"Patient/{{{patient}}}"},"effectiveDateTime":"{{{date}}}",
         "valueQuantity":{"value":{{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"unit":"{{{ucum}}}","system":"http://unitsofmeasure.org","code":"{{{ucum}}}"}}
        """;

    // Found by the page review: a weight of 4,000 kg, a hematocrit of 500 % or an EDSS dated next year was stored; the
    // engine then refused the whole record (R0) and the patient dropped out of the worklist, with no way on the page to
    // remove the entry. What the engine refuses is not stored (EntryChecks).
    [Theory]
    [InlineData("29463-7", 4000, "kg", "2026-05-11", "value-out-of-range")]
    [InlineData("4544-3", 500, "%", "2026-05-11", "value-out-of-range")]
    [InlineData("29463-7", 70, "kg", "2026-05-13", "date-in-future")]
    public async Task An_addition_the_engine_would_refuse_is_not_stored(string loinc, double value, string unit, string date, string code)
    {
        (await Put("pat-15", Bundle("pat-15"))).Dispose();
        var problem = await Problem.Assert(await host.Client.PostAsync("/api/patients/pat-15/resources", TestHost.Fhir(Quantity("pat-15", loinc, value, unit, date))),
            HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Equal(code, (string?)problem["errors"]![0]!["code"]);
        Assert.StartsWith("Observation/", (string?)problem["errors"]![0]!["resource"], StringComparison.Ordinal);
        Assert.Equal(1, (await host.Store.GetAsync("pat-15", default))!.Version);

        // The day after the server's date is allowed (a client east of the server), and a plausible value is stored.
        using var tomorrow = await host.Client.PostAsync("/api/patients/pat-15/resources", TestHost.Fhir(Quantity("pat-15", "29463-7", 70, "kg", "2026-05-12")));
        Assert.Equal(HttpStatusCode.OK, tomorrow.StatusCode);
    }

    // An error the record already had does not block an addition that adds none (the record is fixed by correcting that
    // entry).
    [Fact]
    public async Task An_error_already_in_the_record_does_not_block_a_sound_addition()
    {
        // Stored before the checks (or judged since: a value R0 reads once a window reaches it), as a store holds it.
        var bundle = JsonNode.Parse(Bundle("pat-16"))!.AsObject();
        bundle["entry"]!.AsArray().Add(new JsonObject { ["resource"] = JsonNode.Parse(Quantity("pat-16", "29463-7", 4000, "kg")) });
        await host.Store.UpsertAsync("pat-16", bundle.ToJsonString(), "", null, "test", default);

        using var added = await host.Client.PostAsync("/api/patients/pat-16/resources", TestHost.Fhir(Quantity("pat-16", "8310-5", 37.1, "Cel")));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
    }

    // A whole record is new input too: one that the engine would refuse today is not stored, nor is a resource of no FHIR
    // type (the API review stored "resourceType": "Nope" and handed it back in the record).
    [Fact]
    public async Task A_record_with_an_impossible_value_or_an_unknown_resource_type_is_not_stored()
    {
        var bundle = JsonNode.Parse(Bundle("pat-17"))!.AsObject();
        bundle["entry"]!.AsArray().Add(new JsonObject { ["resource"] = JsonNode.Parse(Quantity("pat-17", "29463-7", 820, "kg")) });
        var problem = await Problem.Assert(await Put("pat-17", bundle.ToJsonString()), HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Equal("value-out-of-range", (string?)problem["errors"]![0]!["code"]);
        Assert.Null(await host.Store.GetAsync("pat-17", default));

        var nope = JsonNode.Parse(Bundle("pat-17"))!.AsObject();
        nope["entry"]!.AsArray().Add(new JsonObject { ["resource"] = new JsonObject { ["resourceType"] = "Nope", ["id"] = "n1" } });
        problem = await Problem.Assert(await Put("pat-17", nope.ToJsonString()), HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Equal("unknown-resource-type", (string?)problem["errors"]![0]!["code"]);
        Assert.Null(await host.Store.GetAsync("pat-17", default));

        (await Put("pat-17", Bundle("pat-17"))).Dispose();
        problem = await Problem.Assert(await host.Client.PostAsync("/api/patients/pat-17/resources", TestHost.Fhir("""{"resourceType":"Nope","id":"n1"}""")),
            HttpStatusCode.UnprocessableEntity, "validation-failed");
        Assert.Equal("unknown-resource-type", (string?)problem["errors"]![0]!["code"]);
        Assert.Equal(1, (await host.Store.GetAsync("pat-17", default))!.Version);
    }

    [Fact]
    public async Task Resources_for_another_patient_or_a_Patient_are_refused()
    {
        (await Put("pat-8", Bundle("pat-8"))).Dispose();
        using var patient = await host.Client.PostAsync("/api/patients/pat-8/resources", TestHost.Fhir("""{"resourceType":"Patient","id":"pat-8"}"""));
        await Problem.Assert(patient, HttpStatusCode.UnprocessableEntity, "validation-failed");
        using var garbage = await host.Client.PostAsync("/api/patients/pat-8/resources", TestHost.Fhir("[1,2,3]"));
        await Problem.Assert(garbage, HttpStatusCode.BadRequest, "fhir-parse-error");
        Assert.Equal(1, (await host.Store.GetAsync("pat-8", default))!.Version);
    }

    [Fact]
    public async Task Stored_evaluations_carry_engine_and_knowledge_base_versions_and_the_input_hash()
    {
        var bundle = Bundle("pat-9", "steroid-refractory-relapse");
        (await Put("pat-9", bundle)).Dispose();
        using var created = await host.Client.PostAsync("/api/patients/pat-9/evaluations?asOf=2026-05-11", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        Assert.StartsWith("/api/patients/pat-9/evaluations/", location, StringComparison.Ordinal);

        var json = JsonNode.Parse(await host.Client.GetStringAsync(location))!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bundle))), (string?)json["inputSha256"]);
        Assert.Equal(Core.Pathway.PathwayEngine.EngineVersion, (string?)json["engineVersion"]);
        Assert.Equal(Core.Pathway.PathwayEngine.KnowledgeBaseVersion, (string?)json["knowledgeBase"]);
        Assert.Equal("plasma-exchange", (string?)json["primaryAction"]);

        // The stored recommendation is the one /api/evaluate gives for the same bundle and date.
        using var stateless = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(bundle));
        Assert.Equal(JsonNode.Parse(await stateless.Content.ReadAsStringAsync())!.ToJsonString(), json["recommendation"]!.ToJsonString());

        var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/pat-9/evaluations"))!["items"]!.AsArray();
        Assert.Single(list);
        Assert.Null(list[0]!["recommendation"]);
        await Problem.Assert(await host.Client.GetAsync("/api/patients/pat-9/evaluations/999"), HttpStatusCode.NotFound, "evaluation-not-found");
    }

    [Fact]
    public async Task Delete_honours_If_Match_and_then_the_patient_is_gone()
    {
        (await Put("pat-10", Bundle("pat-10"))).Dispose();
        using var stale = new HttpRequestMessage(HttpMethod.Delete, "/api/patients/pat-10");
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");
        await Problem.Assert(await host.Client.SendAsync(stale), HttpStatusCode.PreconditionFailed, "precondition-failed");

        using var current = new HttpRequestMessage(HttpMethod.Delete, "/api/patients/pat-10");
        current.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        using var deleted = await host.Client.SendAsync(current);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Problem.Assert(await host.Client.GetAsync("/api/patients/pat-10"), HttpStatusCode.NotFound, "patient-not-found");
    }

    [Fact]
    public async Task Get_with_the_current_ETag_in_If_None_Match_is_304()
    {
        (await Put("pat-11", Bundle("pat-11"))).Dispose();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients/pat-11");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Every_write_and_read_leaves_an_audit_entry_by_anonymous_in_demo_mode()
    {
        (await Put("pat-12", Bundle("pat-12"))).Dispose();
        (await host.Client.GetAsync("/api/patients/pat-12")).Dispose();
        (await host.Client.PostAsync("/api/patients/pat-12/evaluations?asOf=2026-05-11", null)).Dispose();
        (await host.Client.DeleteAsync("/api/patients/pat-12")).Dispose();

        var audit = await host.Store.ListAuditAsync(new AuditQuery(PatientId: "pat-12"), default);
        Assert.Equal(
            [AuditActions.PatientPut, AuditActions.PatientRead, AuditActions.EvaluationCreate, AuditActions.PatientDelete],
            audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("anonymous", a.User));
        Assert.All(audit, a => Assert.Equal(AuditOutcomes.Success, a.Outcome));
    }
}
