using System.Net;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The OpenAPI document is complete and valid: read back and validated by Microsoft.OpenApi, every query parameter
/// and conditional header present, every status with its schema, the contract schemas as components, problem codes
/// listed, no HTML-escaped text. And the API reference page sends nothing off the machine.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private TestHost host = null!;
    private string text = "";

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync();
        text = await host.Client.GetStringAsync("/openapi/v1.json");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private JsonObject Json => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public void The_document_reads_back_and_validates_without_errors()
    {
        var read = OpenApiDocument.Parse(text, "json");
        Assert.NotNull(read.Document);
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0, string.Join("\n", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        var errors = read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.StartsWith("3.0", (string?)Json["openapi"], StringComparison.Ordinal);
    }

    [Fact]
    public void No_text_is_HTML_escaped()
    {
        foreach (var escaped in new[] { "\\u0026", "\\u003C", "\\u003E", "\\u0027", "\\u2013", "&amp;" })
        {
            Assert.DoesNotContain(escaped, text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("–", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/evaluate", "post", "asOf")]
    [InlineData("/api/patients/{id}/evaluations", "post", "asOf")]
    [InlineData("/api/patients", "get", "q,page,pageSize")]
    [InlineData("/api/edss", "get", "visual,brainstem,pyramidal,cerebellar,sensory,bowelBladder,cerebral,ambulation")]
    [InlineData("/api/tpe-plan", "get", "sex,heightCm,weightKg,hematocrit,plasmaVolumes,exchanges,start")]
    [InlineData("/api/patients/{id}", "get", "id,If-None-Match")]
    [InlineData("/api/patients/{id}", "put", "id,If-Match,If-None-Match")]
    [InlineData("/api/patients/{id}", "delete", "id,If-Match")]
    [InlineData("/api/patients/{id}/resources", "post", "id,If-Match")]
    public void Every_parameter_is_documented(string path, string method, string names)
    {
        var parameters = Json["paths"]![path]![method]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.All(names.Split(','), n => Assert.Contains(n, parameters));
    }

    [Theory]
    [InlineData("/api/patients/{id}", "get", "200")]
    [InlineData("/api/patients/{id}", "put", "200,201")]
    [InlineData("/api/patients/{id}/resources", "post", "200")]
    public void Versions_come_back_as_an_ETag_header(string path, string method, string statuses)
    {
        foreach (var status in statuses.Split(','))
        {
            Assert.NotNull(Json["paths"]![path]![method]!["responses"]![status]!["headers"]?["ETag"]);
        }
    }

    [Fact]
    public void Every_status_has_its_schema_and_every_problem_lists_its_codes()
    {
        var schemas = Json["components"]!["schemas"]!.AsObject();
        foreach (var name in new[] { "RecommendationDocument", "EdssDocument", "TpePlanDocument", "ProblemDocument", "FhirBundle", "PatientPage", "StoredEvaluationDocument" })
        {
            Assert.True(schemas.ContainsKey(name), $"no component schema {name}");
        }

        var codes = schemas["ProblemDocument"]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains("duplicate-key", codes);
        Assert.Contains("too-busy", codes);
        Assert.Contains("patient-not-found", codes);

        foreach (var (path, item) in Json["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    if (status is "204" or "304")
                    {
                        continue;
                    }

                    var content = response!["content"]?.AsObject();
                    Assert.True(content is { Count: > 0 }, $"{method} {path} {status} has no content schema");
                    foreach (var (_, media) in content!)
                    {
                        Assert.NotNull(media!["schema"]);
                        if (status[0] is '4' or '5')
                        {
                            Assert.Equal("#/components/schemas/ProblemDocument", (string?)media["schema"]!["$ref"]);
                        }
                    }
                }
            }
        }

        var evaluate = Json["paths"]!["/api/evaluate"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/RecommendationDocument", (string?)evaluate["$ref"]);
    }

    [Fact]
    public void The_recommendation_schema_is_the_shared_contract()
    {
        foreach (var name in new[] { "recommendation.schema.json", "calculators.schema.json" })
        {
            var copy = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "Contract", name));
            Assert.Equal(File.ReadAllText(RepoPaths.SharedFile("contract", name)), copy);
        }
    }

    [Fact]
    public async Task The_API_reference_page_offers_no_AI_share_or_SDK_features_and_loads_nothing_from_elsewhere()
    {
        using var response = await host.Client.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"showDeveloperTools\":\"never\"", page, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", page, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", page.Replace("\"defaultFonts\"", "\"withDefaultFonts\"", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Matches("\"agent\":\\{[^}]*\"disabled\":true", page);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page);
    }
}
