using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using MsRelapse.Storage;

namespace MsRelapse.Server.Tests;

public sealed class AuthTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://192.168.1.10:5080")]
    [InlineData("http://msrelapse.example.org")]
    [InlineData("http://127.0.0.1:5080;http://[::]:5080")]
    public void A_non_loopback_binding_without_an_authority_refuses_to_start_and_says_how_to_configure(string urls)
    {
        var ex = Assert.Throws<ServerConfigurationException>(() => MsRelapseServer.Build(new ServerOptions { Urls = urls, Database = "Data Source=unused.db" }));
        Assert.Contains("--authority", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Authority", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.8.9.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5081", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://10.0.0.1:5080", false)]
    [InlineData("", false)]
    public void Loopback_detection(string urls, bool loopback) =>
        Assert.Equal(loopback, Infrastructure.Security.IsLoopbackOnly(urls));

    [Fact]
    public void An_authority_without_an_audience_is_refused()
    {
        var ex = Assert.Throws<ServerConfigurationException>(() => MsRelapseServer.Build(new ServerOptions
        {
            Urls = "http://0.0.0.0:5080", AuthAuthority = "https://issuer.example.org", Database = "Data Source=unused.db",
        }));
        Assert.Contains("--audience", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trusting_a_cds_hooks_client_off_loopback_needs_the_public_base_url_that_tokens_aud_is_checked_against()
    {
        // Without it the expected aud would come from the Host header, which the caller chooses: a token issued for
        // another deployment that trusts the same EHR would pass here.
        static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Cds(string? publicBaseUrl) => b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CdsHooks:Clients:0:Issuer"] = "https://ehr.example.org",
            ["CdsHooks:Clients:0:Jwks"] = "{\"keys\":[]}",
            ["CdsHooks:PublicBaseUrl"] = publicBaseUrl,
        });

        var ex = await Assert.ThrowsAsync<ServerConfigurationException>(() => TestHost.StartWithAuthAsync(builder: Cds(null)));
        Assert.Contains("CdsHooks:PublicBaseUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Host header", ex.Message, StringComparison.Ordinal);

        var bad = await Assert.ThrowsAsync<ServerConfigurationException>(() => TestHost.StartWithAuthAsync(builder: Cds("cds.example.org")));
        Assert.Contains("absolute http(s) URL", bad.Message, StringComparison.Ordinal);

        await using var host = await TestHost.StartWithAuthAsync(builder: Cds("https://cds.example.org"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/cds-services")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_every_api_call_is_401_but_health_and_docs_are_open()
    {
        await using var host = await TestHost.StartWithAuthAsync();
        await Problem.Assert(await host.Client.GetAsync("/api/patients"), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.Assert(await host.Client.PostAsync("/api/evaluate", TestHost.Fhir("{}")), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.Assert(await host.Client.GetAsync("/api/edss?visual=0"), HttpStatusCode.Unauthorized, "unauthenticated");
        await Problem.Assert(await host.Client.PutAsync("/api/patients/x", TestHost.Fhir("{}")), HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_audience_or_expired_is_401()
    {
        await using var host = await TestHost.StartWithAuthAsync();
        foreach (var token in new[] { TestTokens.Create("u1", "clinician", audience: "someone-else"), TestTokens.Create("u1", "clinician", expires: DateTime.UtcNow.AddMinutes(-30)), "not.a.jwt" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients");
            request.Headers.Authorization = TestTokens.Bearer(token);
            await Problem.Assert(await host.Client.SendAsync(request), HttpStatusCode.Unauthorized, "unauthenticated");
        }
    }

    [Fact]
    public async Task A_reader_without_the_clinician_role_may_read_but_gets_403_on_writes()
    {
        await using var host = await TestHost.StartWithAuthAsync();
        var clinician = TestTokens.Bearer(TestTokens.Create("dr-house", "clinician"));
        var reader = TestTokens.Bearer(TestTokens.Create("student-1"));

        using var put = Request(HttpMethod.Put, "/api/patients/auth-1", clinician, PatientApiTests.Bundle("auth-1"));
        Assert.Equal(HttpStatusCode.Created, (await host.Client.SendAsync(put)).StatusCode);

        using var read = Request(HttpMethod.Get, "/api/patients/auth-1", reader);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(read)).StatusCode);
        using var evaluate = Request(HttpMethod.Post, "/api/evaluate?asOf=2026-05-11", reader, PatientApiTests.Bundle("auth-1"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(evaluate)).StatusCode);

        using var write = Request(HttpMethod.Put, "/api/patients/auth-1", reader, PatientApiTests.Bundle("auth-1"));
        await Problem.Assert(await host.Client.SendAsync(write), HttpStatusCode.Forbidden, "forbidden");
        using var delete = Request(HttpMethod.Delete, "/api/patients/auth-1", reader);
        await Problem.Assert(await host.Client.SendAsync(delete), HttpStatusCode.Forbidden, "forbidden");
        using var evaluation = Request(HttpMethod.Post, "/api/patients/auth-1/evaluations", reader);
        await Problem.Assert(await host.Client.SendAsync(evaluation), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(1, (await host.Store.GetAsync("auth-1", default))!.Version);
        var denied = await host.Store.ListAuditAsync(new AuditQuery(PatientId: "auth-1", User: "student-1"), default);
        Assert.Equal(
            [(AuditActions.PatientRead, AuditOutcomes.Success), (AuditActions.PatientPut, AuditOutcomes.Denied), (AuditActions.PatientDelete, AuditOutcomes.Denied), (AuditActions.EvaluationCreate, AuditOutcomes.Denied)],
            denied.Select(a => (a.Action, a.Outcome)));
    }

    [Fact]
    public async Task The_audit_log_names_the_token_subject()
    {
        await using var host = await TestHost.StartWithAuthAsync();
        var clinician = TestTokens.Bearer(TestTokens.Create("dr-grey", "clinician"));
        using var put = Request(HttpMethod.Put, "/api/patients/auth-2", clinician, PatientApiTests.Bundle("auth-2"));
        (await host.Client.SendAsync(put)).Dispose();
        using var read = Request(HttpMethod.Get, "/api/patients/auth-2", TestTokens.Bearer(TestTokens.Create("nurse-7")));
        (await host.Client.SendAsync(read)).Dispose();

        var audit = await host.Store.ListAuditAsync(new AuditQuery(PatientId: "auth-2"), default);
        Assert.Equal([("dr-grey", AuditActions.PatientPut), ("nurse-7", AuditActions.PatientRead)], audit.Select(a => (a.User, a.Action)));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, AuthenticationHeaderValue auth, string? fhir = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = auth;
        if (fhir is not null)
        {
            request.Content = TestHost.Fhir(fhir);
        }

        return request;
    }
}
