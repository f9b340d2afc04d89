using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MsRelapse.Cli;
using MsRelapse.Storage;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The defects a security probe of the running service found (issue 12 item 0), one regression test each: every
/// one failed before its fix.
/// </summary>
public sealed class SecurityProbeTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync();
        (await host.Client.PutAsync("/api/patients/probe-1", TestHost.Fhir(PatientApiTests.Bundle("probe-1")))).Dispose();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>The weight observation's value twice: 8 kg first, 82 kg last.</summary>
    private static string WithDuplicateValue(string bundle)
    {
        var index = bundle.IndexOf("\"value\":", StringComparison.Ordinal);
        Assert.True(index > 0, "the example has a valueQuantity");
        return bundle.Insert(index, "\"value\":8,");
    }

    [Theory]
    [InlineData("POST", "/api/evaluate")]
    [InlineData("PUT", "/api/patients/probe-1")]
    [InlineData("POST", "/api/patients/probe-1/resources")]
    public async Task A_duplicate_JSON_key_is_refused_everywhere_as_duplicate_key(string method, string route)
    {
        var body = route.EndsWith("/resources", StringComparison.Ordinal)
            ? """{"resourceType":"Observation","status":"final","status":"amended","code":{"text":"x"},"subject":{"reference":"Patient/probe-1"}}"""
            : WithDuplicateValue(PatientApiTests.Bundle("probe-1"));
        using var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = TestHost.Fhir(body) };
        using var response = await host.Client.SendAsync(request);
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "duplicate-key");
        Assert.Contains("appears twice", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_Patient_name_or_an_appended_resource_is_a_parse_error_not_a_500()
    {
        var bundle = PatientApiTests.Bundle("probe-2").Replace("\"Keller\"", "\"Kel\\ud800ler\"", StringComparison.Ordinal);
        using var put = await host.Client.PutAsync("/api/patients/probe-2", TestHost.Fhir(bundle));
        await Problem.Assert(put, HttpStatusCode.BadRequest, "fhir-parse-error");

        const string observation = """{"resourceType":"Observation","status":"final","code":{"text":"a\udc00b"},"subject":{"reference":"Patient/probe-1"}}""";
        using var append = await host.Client.PostAsync("/api/patients/probe-1/resources", TestHost.Fhir(observation));
        await Problem.Assert(append, HttpStatusCode.BadRequest, "fhir-parse-error");
    }

    [Theory]
    [InlineData("0001-12-31")]
    [InlineData("9999-11-24")]
    [InlineData("9999-12-31")]
    public async Task An_asOf_outside_the_engines_calendar_is_invalid_parameter_naming_asOf(string asOf)
    {
        using var response = await host.Client.PostAsync($"/api/evaluate?asOf={asOf}", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")));
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Equal("asOf", (string?)problem["errors"]![0]!["path"]);
        using var stored = await host.Client.PostAsync($"/api/patients/probe-1/evaluations?asOf={asOf}", null);
        await Problem.Assert(stored, HttpStatusCode.BadRequest, "invalid-parameter");
    }

    [Fact]
    public async Task A_plasma_exchange_plan_starting_at_the_end_of_the_calendar_is_400_not_500()
    {
        using var response = await host.Client.GetAsync("/api/tpe-plan?sex=female&heightCm=165&weightKg=60&hematocrit=40&start=9999-12-30");
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Equal("start", (string?)problem["errors"]![0]!["path"]);
    }

    [Fact]
    public async Task Concurrent_appends_without_If_Match_all_land_instead_of_a_412_about_a_header_never_sent()
    {
        var appends = Enumerable.Range(0, 8).Select(async i =>
        {
            var observation = $$"""{"resourceType":"Observation","id":"note-{{i}}","status":"final","code":{"text":"note"},"subject":{"reference":"Patient/probe-1"},"effectiveDateTime":"2026-05-10","valueString":"n"}""";
            using var response = await host.Client.PostAsync("/api/patients/probe-1/resources", TestHost.Fhir(observation));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });
        var results = await Task.WhenAll(appends);
        Assert.All(results, r => Assert.True(r.StatusCode == HttpStatusCode.OK, r.Item2));
        var stored = await host.Client.GetStringAsync("/api/patients/probe-1");
        for (var i = 0; i < 8; i++)
        {
            Assert.Contains($"\"note-{i}\"", stored, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_URL_or_headers_too_large_get_problem_documents_with_a_code()
    {
        using var longUrl = await host.Client.GetAsync("/api/patients?q=" + new string('a', 9000));
        await Problem.Assert(longUrl, HttpStatusCode.RequestUriTooLong, "uri-too-long");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('b', 40 * 1024));
        using var bigHeaders = await host.Client.SendAsync(request);
        await Problem.Assert(bigHeaders, HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:5080")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task Demo_mode_refuses_a_Host_that_is_not_loopback_against_DNS_rebinding(string hostName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients");
        request.Headers.Host = hostName;
        using var response = await host.Client.SendAsync(request);
        await Problem.Assert(response, HttpStatusCode.MisdirectedRequest, "host-not-allowed");
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("[::1]:5080")]
    public async Task Demo_mode_serves_loopback_host_names(string hostName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients");
        request.Headers.Host = hostName;
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_cross_site_form_POST_creates_no_evaluation()
    {
        using var form = new HttpRequestMessage(HttpMethod.Post, "/api/patients/probe-1/evaluations")
        {
            Content = new FormUrlEncodedContent([new("a", "b")]),
        };
        form.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
        form.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        using var response = await host.Client.SendAsync(form);
        await Problem.Assert(response, HttpStatusCode.Forbidden, "cross-origin-write");

        using var originOnly = new HttpRequestMessage(HttpMethod.Post, "/api/patients/probe-1/evaluations");
        originOnly.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
        using var refused = await host.Client.SendAsync(originOnly);
        await Problem.Assert(refused, HttpStatusCode.Forbidden, "cross-origin-write");
        Assert.Empty(await host.Store.ListEvaluationsAsync("probe-1", CancellationToken.None));
    }

    [Fact]
    public async Task The_pages_own_same_origin_write_passes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/patients/probe-1/evaluations");
        request.Headers.TryAddWithoutValidation("Origin", "http://localhost");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_same_origin_form_POST_under_no_referrer_passes_although_its_Origin_is_null()
    {
        // The page is served with Referrer-Policy: no-referrer, so chromium sends "Origin: null" on its own form POSTs
        // (the sign-out form); Sec-Fetch-Site, which no page can forge, says same-origin and decides.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/patients/probe-1/evaluations");
        request.Headers.TryAddWithoutValidation("Origin", "null");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        using var nullOnly = new HttpRequestMessage(HttpMethod.Post, "/api/patients/probe-1/evaluations");
        nullOnly.Headers.TryAddWithoutValidation("Origin", "null");
        using var refused = await host.Client.SendAsync(nullOnly);
        await Problem.Assert(refused, HttpStatusCode.Forbidden, "cross-origin-write");
    }

    [Fact]
    public async Task A_500_is_logged_with_the_route_template_not_unmatched()
    {
        await using var broken = await TestHost.StartAsync(builder: b => b.Services.AddSingleton(ThrowingStore.Create()));
        using var response = await broken.Client.GetAsync("/api/patients/someone");
        await Problem.Assert(response, HttpStatusCode.InternalServerError, "internal-error");
        var line = Assert.Single(broken.Logs.Lines, l => l.Contains("Unhandled", StringComparison.Ordinal));
        Assert.Contains("/api/patients/{id}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("someone", broken.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_refuses_to_run_when_the_Kestrel_configuration_binds_a_public_address()
    {
        var directory = Path.Combine(Path.GetTempPath(), "msrelapse-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var app = MsRelapseServer.Build(
            new ServerOptions { Urls = "http://127.0.0.1:0", Database = $"Data Source={Path.Combine(directory, "k.db")}", SeedDemoPatients = false },
            ["--Kestrel:Endpoints:Public:Url=http://0.0.0.0:0"],
            new ServerHooks { ConfigureBuilder = b => b.Logging.ClearProviders() });
        try
        {
            var ex = await Assert.ThrowsAsync<ServerConfigurationException>(() => app.StartAsync());
            Assert.Contains("0.0.0.0", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("http://issuer.example.org/realms/ms")]
    [InlineData("ftp://issuer.example.org")]
    public void A_plain_http_or_odd_authority_is_refused_at_start(string authority)
    {
        var ex = Assert.Throws<ServerConfigurationException>(() => MsRelapseServer.Build(new ServerOptions
        {
            Urls = "http://0.0.0.0:5080",
            Database = "Data Source=unused.db",
            AuthAuthority = authority,
            AuthAudience = "msrelapse-api",
        }));
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_on_a_port_in_use_says_so_in_one_line_and_exits_2()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var directory = Path.Combine(Path.GetTempPath(), "msrelapse-server-tests", Guid.NewGuid().ToString("N"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Program.Run(["serve", "--urls", $"http://127.0.0.1:{port}", "--database", $"Data Source={Path.Combine(directory, "p.db")}", "--no-demo"], stdout, stderr, new StringReader(""));
        Assert.Equal(Program.BadInput, exit);
        Assert.Equal("", stdout.ToString());
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot listen", line, StringComparison.Ordinal);
    }

    /// <summary>A store whose every call fails: a stand-in for a bug behind an endpoint.</summary>
    public class ThrowingStore : DispatchProxy
    {
        public static IPatientStore Create() => Create<IPatientStore, ThrowingStore>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("broken store (test)");
    }
}

/// <summary>
/// The evaluation limiter. Its collection runs apart from this assembly's others, so that a thread pool loaded by
/// them cannot stretch the time the held request takes to reach the server.
/// </summary>
[Collection(nameof(EvaluationLimiterTests))]
[CollectionDefinition(nameof(EvaluationLimiterTests), DisableParallelization = true)]
public sealed class EvaluationLimiterTests
{
    [Fact]
    public async Task Evaluations_past_the_concurrency_limit_get_503_with_Retry_After()
    {
        await using var limited = await TestHost.StartAsync(o =>
        {
            o.MaxConcurrentEvaluations = 1;
            o.EvaluationQueueLength = 0;
        });

        // The first evaluation holds the only slot.
        var first = await LimiterProbe.HoldASlotAsync(limited);

        using var refused = await limited.Client.PostAsync("/api/evaluate", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")));
        await Problem.Assert(refused, HttpStatusCode.ServiceUnavailable, "too-busy");
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);

        Assert.Equal(StatusCodes.Status200OK, (await first.ReleaseAsync()).Response.StatusCode);

        // The slot is given back: the next evaluation is admitted (asked again while the lease is being released).
        Assert.Equal(HttpStatusCode.OK, await LimiterProbe.StatusOnceFreeAsync(() => limited.Client.PostAsync("/api/evaluate", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")))));
    }
}
