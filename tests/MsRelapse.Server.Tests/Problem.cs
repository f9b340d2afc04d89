using System.Net;
using System.Text.Json.Nodes;

namespace MsRelapse.Server.Tests;

internal static class Problem
{
    /// <summary>Asserts an RFC 9457 problem with the status and stable code, and returns it.</summary>
    public static async Task<JsonObject> Assert(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Xunit.Assert.Equal((int)status, (int)problem["status"]!);
        Xunit.Assert.Equal(code, (string?)problem["code"]);
        Xunit.Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        return problem;
    }
}
