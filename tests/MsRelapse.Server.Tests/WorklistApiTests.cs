using System.Net;
using System.Text.Json.Nodes;

namespace MsRelapse.Server.Tests;

/// <summary>
/// GET /api/worklist: its date parameter is parsed like every other <c>asOf</c> (range included), and its JSON is
/// written like every other response (no escaped non-ASCII).
/// </summary>
public sealed class WorklistApiTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync();
        (await host.Client.PutAsync("/api/patients/wl-1", TestHost.Fhir(PatientApiTests.Bundle("wl-1", family: "García", given: "Lucía")))).Dispose();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Theory]
    [InlineData("0001-01-01", "outside 0002-01-01…9999-11-23")]
    [InlineData("9999-12-31", "outside 0002-01-01…9999-11-23")]
    [InlineData("2026-13-01", "is not a date")]
    public async Task An_asOf_outside_the_engines_range_is_a_400_naming_asOf_as_for_evaluate(string asOf, string message)
    {
        using var worklist = await host.Client.GetAsync($"/api/worklist?asOf={asOf}");
        var problem = await Problem.Assert(worklist, HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Contains("asOf", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Contains(message, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal("asOf", (string?)problem["errors"]![0]!["path"]);

        // The same answer as POST /api/evaluate gives.
        using var evaluate = await host.Client.PostAsync($"/api/evaluate?asOf={asOf}", TestHost.Fhir(PatientApiTests.Bundle("wl-1")));
        var same = await Problem.Assert(evaluate, HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Equal((string?)same["detail"], (string?)problem["detail"]);
    }

    [Fact]
    public async Task The_worklist_writes_names_as_they_are_and_every_member_of_its_lines()
    {
        using var response = await host.Client.GetAsync("/api/worklist?asOf=2026-05-11&q=Garc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"name\":\"García Lucía\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", text, StringComparison.OrdinalIgnoreCase);

        var page = JsonNode.Parse(text)!;
        Assert.Equal("2026-05-11", (string?)page["asOf"]);
        var item = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal("wl-1", (string?)item["id"]);
        Assert.NotNull((string?)item["primary"]);
        foreach (var member in new[] { "id", "name", "version", "updatedAt", "status", "severity", "primary", "urgency", "urgencyRank", "critical", "warnings", "reassessOn", "onset", "problem" })
        {
            Assert.True(item.AsObject().ContainsKey(member), $"worklist item without {member}");
        }
    }
}
