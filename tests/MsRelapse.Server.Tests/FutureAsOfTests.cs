using System.Net;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>An evaluation date after the server's today is allowed but said: a header, and a field on stored evaluations.</summary>
public sealed class FutureAsOfTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_future_asOf_is_evaluated_and_flagged_in_a_header_and_in_the_stored_evaluation()
    {
        var bundle = SharedExamples.Load("severe-relapse-untreated");
        using var future = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-20", TestHost.Fhir(bundle));
        Assert.Equal(HttpStatusCode.OK, future.StatusCode);
        Assert.Equal("true", Assert.Single(future.Headers.GetValues("MsRelapse-AsOf-Future")));

        using var today = await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(bundle));
        Assert.False(today.Headers.Contains("MsRelapse-AsOf-Future"));

        (await host.Client.PutAsync("/api/patients/fut-1", TestHost.Fhir(PatientApiTests.Bundle("fut-1")))).Dispose();
        using var stored = await host.Client.PostAsync("/api/patients/fut-1/evaluations?asOf=2026-06-01", null);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.True(stored.Headers.Contains("MsRelapse-AsOf-Future"));
        Assert.True((bool)JsonNode.Parse(await stored.Content.ReadAsStringAsync())!["asOfInFuture"]!);
        using var current = await host.Client.PostAsync("/api/patients/fut-1/evaluations?asOf=2026-05-11", null);
        Assert.False((bool)JsonNode.Parse(await current.Content.ReadAsStringAsync())!["asOfInFuture"]!);

        // Written either way (the schema requires it): false is "false", not an absent member.
        var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/fut-1/evaluations"))!["items"]!.AsArray();
        Assert.Equal([true, false], list.Select(i => (bool)i!["asOfInFuture"]!));
    }
}
