using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Testing;

namespace MsRelapse.CdsHooks.Tests;

public sealed class SecurityTests
{
    private const string Service = "msrelapse-patient-view";
    private const string Audience = CdsHost.BaseUrl + "/cds-services/" + Service;

    private static JsonObject Request() => Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated"));

    [Fact]
    public async Task Valid_ES384_and_RS384_tokens_are_accepted()
    {
        await using var host = await CdsHost.StartAsync();
        using var tokens = new Tokens(() => host.Clock.GetUtcNow());
        await using var secured = await CdsHost.StartAsync(tokens.Settings(), clock: host.Clock);
        Assert.NotEmpty(await secured.CardsAsync(Service, Request(), tokens.Create(Audience)));
        Assert.NotEmpty(await secured.CardsAsync(Service, Request(), tokens.Create(Audience, alg: "RS384", kid: Tokens.Rs384Kid)));
    }

    public static TheoryData<string> RefusedTokens() =>
    [
        "none", "alg-none", "hs256-public-key", "wrong-curve", "expired", "iat-too-old", "nbf-ahead", "wrong-aud", "aud-trailing-slash", "unknown-iss",
        "unknown-kid", "no-kid", "jku-off-allow-list", "tampered", "oversized", "no-jti", "garbage",
    ];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Every_bad_token_is_401_with_no_detail_and_is_never_logged(string kind)
    {
        var clock = CdsHost.NewClock();
        using var tokens = new Tokens(() => clock.GetUtcNow());
        await using var host = await CdsHost.StartAsync(tokens.Settings(), clock: clock);
        string? token = kind switch
        {
            "none" => null,
            "alg-none" => tokens.Create(Audience, alg: "none"),
            "hs256-public-key" => tokens.Create(Audience, alg: "HS256"),
            "wrong-curve" => tokens.Create(Audience, kid: Tokens.P256Kid),
            "expired" => tokens.Create(Audience, issuedAgo: TimeSpan.FromMinutes(5), expiresIn: TimeSpan.FromMinutes(4)),
            "iat-too-old" => tokens.Create(Audience, issuedAgo: TimeSpan.FromMinutes(20), expiresIn: TimeSpan.FromMinutes(25)),
            "nbf-ahead" => tokens.Create(Audience, notBeforeIn: TimeSpan.FromMinutes(3)),
            "wrong-aud" => tokens.Create(CdsHost.BaseUrl + "/cds-services/msrelapse-order-sign"),
            "aud-trailing-slash" => tokens.Create(Audience + "/"), // "exactly the called URL": not one with a slash added
            "unknown-iss" => tokens.Create(Audience, issuer: "https://attacker.test"),
            "unknown-kid" => tokens.Create(Audience, kid: "rotated-away"),
            "no-kid" => tokens.Create(Audience, kid: null),
            "jku-off-allow-list" => tokens.Create(Audience, jku: "https://attacker.test/jwks.json"),
            "tampered" => Tamper(tokens.Create(Audience)),
            "oversized" => tokens.Create(Audience, padding: new string('x', 10_000)),
            "no-jti" => tokens.Create(Audience, jti: ""),
            "garbage" => "not.a.token",
            _ => throw new ArgumentException(kind),
        };
        using var response = await host.CallAsync(Service, Request(), token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        if (token is not null)
        {
            var logs = string.Join('\n', host.Logs);
            foreach (var part in token.Split('.').Where(p => p.Length > 8))
            {
                Assert.DoesNotContain(part, logs, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Every_call_that_reaches_the_replay_store_records_how_long_it_waited_for_it()
    {
        var clock = CdsHost.NewClock();
        using var tokens = new Tokens(() => clock.GetUtcNow());
        await using var host = await CdsHost.StartAsync(tokens.Settings(), clock: clock);
        // This host's own instruments (the listener is process-wide; other tests' hosts run in parallel).
        var factory = host.App.Services.GetRequiredService<IMeterFactory>();
        var waits = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "msrelapse.cds.token_replay_check.duration" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (waits)
            {
                waits.Add(value);
            }
        });
        listener.Start();

        var token = tokens.Create(Audience);
        Assert.NotEmpty(await host.CardsAsync(Service, Request(), token));
        Assert.NotEmpty(await host.CardsAsync(Service, Request(), tokens.Create(Audience, alg: "RS384", kid: Tokens.Rs384Kid)));
        using (var replay = await host.CallAsync(Service, Request(), token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode); // refused by the store: it waited for it too
        }

        using (var tampered = await host.CallAsync(Service, Request(), Tamper(tokens.Create(Audience))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode); // refused before the store: nothing to record
        }

        lock (waits)
        {
            Assert.Equal(3, waits.Count);
            Assert.All(waits, w => Assert.InRange(w, 0, 60));
        }
    }

    [Fact]
    public async Task A_replayed_jti_is_refused_even_by_another_instance_on_the_same_database()
    {
        var clock = CdsHost.NewClock();
        using var tokens = new Tokens(() => clock.GetUtcNow());
        var directory = Path.Combine(Path.GetTempPath(), "msrelapse-cds-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var database = $"Data Source={Path.Combine(directory, "shared.db")}";
        await using var a = await CdsHost.StartAsync(tokens.Settings(), database, clock);
        await using var b = await CdsHost.StartAsync(tokens.Settings(), database, clock);
        var token = tokens.Create(Audience);
        Assert.NotEmpty(await a.CardsAsync(Service, Request(), token));
        using var replayOnA = await a.CallAsync(Service, Request(), token);
        Assert.Equal(HttpStatusCode.Unauthorized, replayOnA.StatusCode);
        using var replayOnB = await b.CallAsync(Service, Request(), token);
        Assert.Equal(HttpStatusCode.Unauthorized, replayOnB.StatusCode);
        // A fresh token from the same client still works on either.
        Assert.NotEmpty(await b.CardsAsync(Service, Request(), tokens.Create(Audience)));
    }

    [Fact]
    public async Task Keys_from_a_file_are_read_again_when_a_token_names_a_new_kid()
    {
        var clock = CdsHost.NewClock();
        using var before = new Tokens(() => clock.GetUtcNow());
        using var after = new Tokens(() => clock.GetUtcNow());
        var file = Path.Combine(Path.GetTempPath(), $"msrelapse-jwks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, before.Jwks(includeRsa: false, includeP256: false));
        try
        {
            await using var host = await CdsHost.StartAsync(
                new Dictionary<string, string?>
                {
                    ["CdsHooks:RequireAuthentication"] = "true",
                    ["CdsHooks:Clients:0:Issuer"] = Tokens.Issuer,
                    ["CdsHooks:Clients:0:JwksFile"] = file,
                    ["CdsHooks:JwksRefreshMinInterval"] = "00:00:00",
                },
                clock: clock);
            Assert.NotEmpty(await host.CardsAsync(Service, Request(), before.Create(Audience)));

            // The client rotates to a new key with a new kid.
            var rotated = after.Create(Audience, kid: "ehr-es384-2026b");
            var jwks = JsonNode.Parse(after.Jwks(includeRsa: false, includeP256: false))!;
            jwks["keys"]![0]!["kid"] = "ehr-es384-2026b";
            await File.WriteAllTextAsync(file, jwks.ToJsonString());
            Assert.NotEmpty(await host.CardsAsync(Service, Request(), rotated));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Keys_from_an_allow_listed_URL_are_fetched_and_a_jku_on_the_list_is_followed()
    {
        var clock = CdsHost.NewClock();
        using var tokens = new Tokens(() => clock.GetUtcNow());
        await using var stub = await FhirStub.StartAsync(SharedExamples.Load("severe-relapse-untreated"));
        stub.Jwks = tokens.Jwks();
        var jwksUrl = stub.BaseUrl.Replace("/fhir", "/jwks", StringComparison.Ordinal);
        await using var host = await CdsHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["CdsHooks:RequireAuthentication"] = "true",
                ["CdsHooks:Clients:0:Issuer"] = Tokens.Issuer,
                ["CdsHooks:Clients:0:JwksUrl"] = jwksUrl,
                ["CdsHooks:AllowPrivateNetworkAddresses"] = "true", // the stub is on loopback
            },
            clock: clock);
        Assert.NotEmpty(await host.CardsAsync(Service, Request(), tokens.Create(Audience)));
        Assert.NotEmpty(await host.CardsAsync(Service, Request(), tokens.Create(Audience, jku: jwksUrl)));
        // Cached: two calls, one fetch.
        Assert.Single(stub.Requests, r => r.StartsWith("/jwks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_URL_or_jku_on_a_loopback_address_is_not_fetched_unless_private_addresses_are_allowed()
    {
        var clock = CdsHost.NewClock();
        using var tokens = new Tokens(() => clock.GetUtcNow());
        await using var stub = await FhirStub.StartAsync(SharedExamples.Load("severe-relapse-untreated"));
        stub.Jwks = tokens.Jwks();
        var jwksUrl = stub.BaseUrl.Replace("/fhir", "/jwks", StringComparison.Ordinal);
        var jkuByName = jwksUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        await using var host = await CdsHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["CdsHooks:RequireAuthentication"] = "true",
                ["CdsHooks:Clients:0:Issuer"] = Tokens.Issuer,
                ["CdsHooks:Clients:0:JwksUrl"] = jwksUrl,
                ["CdsHooks:Clients:0:JkuAllowList:0"] = jkuByName,
            },
            clock: clock);
        using var byUrl = await host.CallAsync(Service, Request(), tokens.Create(Audience));
        Assert.Equal(HttpStatusCode.Unauthorized, byUrl.StatusCode);
        using var byJku = await host.CallAsync(Service, Request(), tokens.Create(Audience, jku: jkuByName));
        Assert.Equal(HttpStatusCode.Unauthorized, byJku.StatusCode);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Off_loopback_authentication_is_required_by_default_and_on_loopback_it_is_not()
    {
        // Loopback (the tests' default): no token needed for the demo.
        await using var demo = await CdsHost.StartAsync();
        Assert.NotEmpty(await demo.CardsAsync(Service, Request()));

        // Explicitly required: without a token, 401.
        using var tokens = new Tokens(() => demo.Clock.GetUtcNow());
        await using var secured = await CdsHost.StartAsync(tokens.Settings(), clock: demo.Clock);
        using var response = await secured.CallAsync(Service, Request());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Discovery is answered without a token (it carries no patient data).
        Assert.Equal(HttpStatusCode.OK, (await secured.Client.GetAsync("/cds-services")).StatusCode);
    }

    [Fact]
    public async Task CORS_preflight_is_answered_for_configured_origins_only()
    {
        await using var host = await CdsHost.StartAsync(new Dictionary<string, string?> { ["CdsHooks:AllowedOrigins:0"] = "https://sandbox.cds-hooks.test" });
        foreach (var (origin, expected) in new[] { ("https://sandbox.cds-hooks.test", HttpStatusCode.NoContent), ("https://evil.test", HttpStatusCode.Forbidden) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/cds-services/" + Service);
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
            using var response = await host.Client.SendAsync(preflight);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(expected == HttpStatusCode.NoContent, response.Headers.Contains("Access-Control-Allow-Origin"));

            // The call itself, from that browser origin (demo mode: no token).
            using var call = new HttpRequestMessage(HttpMethod.Post, "/cds-services/" + Service)
            {
                Content = new StringContent(Request().ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            };
            call.Headers.Add("Origin", origin);
            call.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var answer = await host.Client.SendAsync(call);
            Assert.Equal(expected == HttpStatusCode.NoContent ? HttpStatusCode.OK : HttpStatusCode.Forbidden, answer.StatusCode);
        }
    }

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = "someone-else";
        parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString());
        return string.Join('.', parts);
    }
}
