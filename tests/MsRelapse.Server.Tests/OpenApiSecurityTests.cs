using System.Net;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The OpenAPI document says who may call what: with authentication on, a bearer JWT security scheme, a requirement
/// on every /api operation with what it needs (any authenticated user; role clinician for writes) and its 401/403
/// problem answers; in the local demo mode, no scheme and no requirement, and the info says why.
/// </summary>
public sealed class OpenApiSecurityTests
{
    private static readonly string[] Writes = ["put /api/patients/{id}", "delete /api/patients/{id}", "post /api/patients/{id}/resources", "post /api/patients/{id}/evaluations"];

    private static IEnumerable<(string Key, JsonObject Operation)> Operations(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => ($"{m.Key} {p.Key}", m.Value!.AsObject())));

    [Fact]
    public async Task With_authentication_every_api_operation_requires_a_bearer_token_and_writes_the_clinician_role()
    {
        await using var host = await TestHost.StartWithAuthAsync();
        using var response = await host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(text)!.AsObject();

        var read = OpenApiDocument.Parse(text, "json");
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0, string.Join("\n", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        var errors = read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));

        var scheme = document["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
        Assert.Equal("JWT", (string?)scheme["bearerFormat"]);
        Assert.Contains("clinician", (string?)document["info"]!["description"], StringComparison.Ordinal);
        Assert.Contains("bearer token", (string?)document["info"]!["description"], StringComparison.Ordinal);

        foreach (var (key, operation) in Operations(document))
        {
            var path = key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            if (!path.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.Null(operation["security"]);
                Assert.False(operation["responses"]!.AsObject().ContainsKey("401"), $"{key} is open but lists 401");
                continue;
            }

            var requirement = Assert.Single(operation["security"]!.AsArray())!.AsObject();
            Assert.Empty(requirement["bearer"]!.AsArray());
            var unauthorized = operation["responses"]!["401"];
            Assert.NotNull(unauthorized);
            Assert.Equal("#/components/schemas/ProblemDocument", (string?)unauthorized!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
            var description = (string?)operation["description"] ?? "";
            if (Writes.Contains(key))
            {
                Assert.Contains("role `clinician`", description, StringComparison.Ordinal);
                Assert.Equal("#/components/schemas/ProblemDocument", (string?)operation["responses"]!["403"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
            }
            else
            {
                Assert.Contains("any authenticated user", description, StringComparison.Ordinal);
            }
        }

        // Stateless reads cannot be forbidden to an authenticated user; reads of the registry can (a SMART-launch session).
        Assert.False(document["paths"]!["/api/evaluate"]!["post"]!["responses"]!.AsObject().ContainsKey("403"));
        Assert.NotNull(document["paths"]!["/api/patients"]!["get"]!["responses"]!["403"]);

        // As documented.
        await Problem.Assert(await host.Client.GetAsync("/api/worklist"), HttpStatusCode.Unauthorized, "unauthenticated");
        using var write = new HttpRequestMessage(HttpMethod.Put, "/api/patients/sec-1") { Content = TestHost.Fhir(PatientApiTests.Bundle("sec-1")) };
        write.Headers.Authorization = TestTokens.Bearer(TestTokens.Create("reader-1"));
        await Problem.Assert(await host.Client.SendAsync(write), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task In_the_local_demo_mode_no_operation_asks_for_a_token_and_the_info_says_so()
    {
        await using var host = await TestHost.StartAsync();
        var document = JsonNode.Parse(await host.Client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        Assert.Null(document["components"]!["securitySchemes"]);
        Assert.Contains("local demo mode", (string?)document["info"]!["description"], StringComparison.Ordinal);
        foreach (var (key, operation) in Operations(document))
        {
            Assert.Null(operation["security"]);
            Assert.False(operation["responses"]!.AsObject().ContainsKey("401"), $"{key} lists 401 without authentication");
        }
    }
}
