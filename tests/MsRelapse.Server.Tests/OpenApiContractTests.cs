using System.Net;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The OpenAPI document agrees with what the service answers: every nullable schema has a type (OpenAPI 3.0.3 and
/// Ajv), required members are written, the worklist and the EDSS parameters are described as they behave, and the
/// response headers the service sets are listed.
/// </summary>
public sealed class OpenApiContractTests : IAsyncLifetime
{
    private TestHost host = null!;
    private JsonObject document = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync();
        document = JsonNode.Parse(await host.Client.GetStringAsync("/openapi/v1.json"))!.AsObject();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private JsonNode Operation(string path, string method) => document["paths"]![path]![method]!;

    private JsonObject Schema(string name) => document["components"]!["schemas"]![name]!.AsObject();

    [Fact]
    public void Every_nullable_schema_says_what_it_is_a_nullable_of()
    {
        // OpenAPI 3.0.3: nullable only adds null to the type beside it; without one it means nothing, and Ajv refuses
        // the schema ("nullable" cannot be used without "type"). So every nullable schema has a type (a $ref or a
        // composition alone, which the rule also accepts, would still be refused by Ajv: none is written).
        var offenders = new List<string>();
        Walk(document, "#", (node, pointer) =>
        {
            if (node["nullable"] is JsonValue nullable && nullable.GetValue<bool>()
                && !(node.ContainsKey("type") || node.ContainsKey("$ref") || node.ContainsKey("allOf") || node.ContainsKey("oneOf") || node.ContainsKey("anyOf")))
            {
                offenders.Add(pointer);
            }

            if (node["nullable"] is JsonValue && !node.ContainsKey("type"))
            {
                offenders.Add(pointer + " (no type)");
            }
        });
        Assert.True(offenders.Count == 0, "nullable without a type: " + string.Join(", ", offenders));

        var overrideReason = Schema("CdsFeedbackItem")["properties"]!["overrideReason"]!["oneOf"]!.AsArray();
        Assert.Contains(overrideReason, s => (string?)s!["$ref"] == "#/components/schemas/CdsOverrideReason");
        Assert.Contains(overrideReason, s => (string?)s!["type"] == "object" && (bool?)s["nullable"] == true && s["enum"]!.AsArray() is [null]);
    }

    [Fact]
    public void A_stored_evaluations_recommendation_is_the_recommendation_document_or_null()
    {
        var recommendation = Schema("StoredEvaluationDocument")["properties"]!["recommendation"]!["oneOf"]!.AsArray();
        Assert.Contains(recommendation, s => (string?)s!["$ref"] == "#/components/schemas/RecommendationDocument");
        Assert.Contains(recommendation, s => s!["enum"]?.AsArray() is [null] && (bool?)s["nullable"] == true);
        Assert.False(document["components"]!["schemas"]!.AsObject().ContainsKey("JsonElement"));
    }

    [Fact]
    public async Task Stored_evaluations_write_every_member_the_schema_requires_in_lists_too()
    {
        var required = Schema("StoredEvaluationDocument")["required"]!.AsArray().Select(r => (string)r!).ToList();
        Assert.Contains("asOfInFuture", required);
        Assert.Contains("recommendation", required);

        (await host.Client.PutAsync("/api/patients/oa-1", TestHost.Fhir(PatientApiTests.Bundle("oa-1")))).Dispose();
        using var created = await host.Client.PostAsync("/api/patients/oa-1/evaluations?asOf=2026-05-11", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var one = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        var item = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/oa-1/evaluations"))!["items"]![0]!.AsObject();
        foreach (var member in required)
        {
            Assert.True(one.ContainsKey(member), $"the stored evaluation lacks {member}");
            Assert.True(item.ContainsKey(member), $"the list item lacks {member}");
        }

        Assert.False((bool)one["asOfInFuture"]!);
        Assert.Null(item["recommendation"]);
        Assert.NotNull(one["recommendation"]!["recommendation"]);
    }

    [Fact]
    public void The_worklist_is_documented_with_its_answer_and_parameters()
    {
        var worklist = Operation("/api/worklist", "get");
        var parameters = worklist["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.Equal(["asOf", "q"], parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("date", (string?)parameters["asOf"]["schema"]!["format"]);
        Assert.Equal(200, (int?)parameters["q"]["schema"]!["maxLength"]);

        var ok = worklist["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/WorklistPage", (string?)ok["$ref"]);
        var page = Schema("WorklistPage");
        Assert.Equal(["asOf", "items", "total", "truncated"], page["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/WorklistItem", (string?)page["properties"]!["items"]!["items"]!["$ref"]);
        Assert.NotNull(worklist["responses"]!["503"]!["headers"]!["Retry-After"]);
    }

    [Theory]
    [InlineData("visual", 6)]
    [InlineData("brainstem", 5)]
    [InlineData("pyramidal", 6)]
    [InlineData("cerebellar", 5)]
    [InlineData("sensory", 6)]
    [InlineData("bowelBladder", 6)]
    [InlineData("cerebral", 5)]
    [InlineData("ambulation", 16)]
    public async Task Every_EDSS_parameter_is_required_with_the_range_the_calculator_checks(string name, int max)
    {
        var parameter = Operation("/api/edss", "get")["parameters"]!.AsArray().Single(p => (string?)p!["name"] == name)!;
        Assert.True((bool?)parameter["required"]);
        Assert.Equal(0, (int?)parameter["schema"]!["minimum"]);
        Assert.Equal(max, (int?)parameter["schema"]!["maximum"]);

        // As documented: missing → 400, the maximum accepted, one more refused.
        var all = new Dictionary<string, int> { ["visual"] = 0, ["brainstem"] = 0, ["pyramidal"] = 0, ["cerebellar"] = 0, ["sensory"] = 0, ["bowelBladder"] = 0, ["cerebral"] = 0, ["ambulation"] = 0 };
        string Query(Dictionary<string, int> values) => "/api/edss?" + string.Join("&", values.Select(v => $"{v.Key}={v.Value}"));
        var without = new Dictionary<string, int>(all);
        without.Remove(name);
        using var missing = await host.Client.GetAsync(Query(without));
        await Problem.Assert(missing, HttpStatusCode.BadRequest, "invalid-parameter");
        using var highest = await host.Client.GetAsync(Query(new(all) { [name] = max }));
        Assert.Equal(HttpStatusCode.OK, highest.StatusCode);
        using var over = await host.Client.GetAsync(Query(new(all) { [name] = max + 1 }));
        await Problem.Assert(over, HttpStatusCode.BadRequest, "invalid-parameter");
    }

    [Theory]
    [InlineData("/api/evaluate", "post", "200", "MsRelapse-AsOf-Future")]
    [InlineData("/api/patients/{id}/evaluations", "post", "201", "MsRelapse-AsOf-Future,Location")]
    [InlineData("/api/patients/{id}", "put", "201", "Location,ETag")]
    [InlineData("/api/patients/{id}", "put", "200", "ETag")]
    [InlineData("/api/patients/{id}", "get", "200", "ETag")]
    [InlineData("/api/patients/{id}", "get", "304", "ETag")]
    [InlineData("/api/patients/{id}/resources", "post", "200", "ETag")]
    [InlineData("/api/evaluate", "post", "503", "Retry-After")]
    [InlineData("/api/patients/{id}/evaluations", "post", "503", "Retry-After")]
    public void Response_headers_the_service_sets_are_documented(string path, string method, string status, string headers)
    {
        var documented = Operation(path, method)["responses"]![status]!["headers"]?.AsObject();
        Assert.NotNull(documented);
        Assert.All(headers.Split(','), h => Assert.True(documented!.ContainsKey(h), $"{method} {path} {status} does not list {h}"));
    }

    [Fact]
    public async Task The_documented_headers_are_the_ones_set()
    {
        (await host.Client.PutAsync("/api/patients/oa-2", TestHost.Fhir(PatientApiTests.Bundle("oa-2")))).Dispose();
        using var future = await host.Client.PostAsync("/api/patients/oa-2/evaluations?asOf=2026-06-01", null);
        Assert.Equal(HttpStatusCode.Created, future.StatusCode);
        Assert.Equal("true", Assert.Single(future.Headers.GetValues("MsRelapse-AsOf-Future")));
        Assert.StartsWith("/api/patients/oa-2/evaluations/", future.Headers.Location?.OriginalString, StringComparison.Ordinal);

        using var created = await host.Client.PutAsync("/api/patients/oa-3", TestHost.Fhir(PatientApiTests.Bundle("oa-3")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/patients/oa-3", created.Headers.Location?.OriginalString);
        Assert.NotNull(created.Headers.ETag);
    }

    [Fact]
    public void The_document_still_reads_back_without_errors()
    {
        var read = OpenApiDocument.Parse(document.ToJsonString(), "json");
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0, string.Join("\n", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
    }

    private static void Walk(JsonNode? node, string pointer, Action<JsonObject, string> visit)
    {
        switch (node)
        {
            case JsonObject o:
                visit(o, pointer);
                foreach (var (key, child) in o)
                {
                    Walk(child, pointer + "/" + key, visit);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], pointer + "/" + i, visit);
                }

                break;
        }
    }
}
