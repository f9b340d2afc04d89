using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Server;

namespace MsRelapse.Security.Tests;

/// <summary>One mock issuer and one service with authentication on, shared by the token attack tests.</summary>
public sealed class AuthenticatedService : IAsyncLifetime
{
    public MockIssuer Issuer { get; private set; } = null!;

    public ServiceHost Host { get; private set; } = null!;

    public IdentityModelEvents IdentityModelLog { get; } = new();

    public async Task InitializeAsync()
    {
        Issuer = await MockIssuer.StartAsync();
        Host = await ServiceHost.StartAsync(Issuer);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Issuer.DisposeAsync();
        IdentityModelLog.Dispose();
    }

    /// <summary>Everything the process logged so far: the service's loggers and Microsoft.IdentityModel's event source.</summary>
    public string AllLogs => Host.Logs.All + "\n" + IdentityModelLog.All;
}

/// <summary>
/// Issue #12 item 2: the attacks on bearer tokens that held when probed by hand, kept held. Authentication on, a mock
/// OpenID Connect issuer on loopback (discovery + JWKS over HTTPS, RS256 and ES256 keys); each forged or invalid
/// token is refused with 401 (431 when too large for the header limits) and no detail, on reads and on writes,
/// and never appears in the logs. Genuine tokens pass (the controls that keep the refusals meaningful).
/// </summary>
public sealed class TokenAttackTests(AuthenticatedService service) : IClassFixture<AuthenticatedService>
{
    /// <summary>Words of a validation failure that must not reach the client (IdentityModel's IDX codes among them).</summary>
    private static readonly string[] DetailWords =
        ["IDX", "signature", "expired", "lifetime", "kid", "audience", "issuer", "algorithm", "not valid", "nbf", "exp", "token"];

    private MockIssuer Issuer => service.Issuer;

    public static TheoryData<string> Attacks() => [.. AttackNames];

    private static readonly string[] AttackNames =
    [
        "alg-none", "alg-None-capitalised", "signature-stripped", "hs256-signed-with-rsa-public-key-pem", "hs256-signed-with-rsa-public-key-der",
        "hs256-signed-with-jwks-modulus", "expired", "expired-beyond-clock-skew", "nbf-ahead", "wrong-aud", "no-aud", "wrong-iss", "no-iss",
        "unknown-kid", "known-kid-reused-by-another-rsa-key", "known-kid-reused-by-another-ec-key", "embedded-jwk-header",
        "tampered-payload-role-added", "tampered-payload-subject-changed", "es256-signature-under-rs256-header", "large-forged-token",
        "issuer-key-under-unknown-kid", "issuer-key-without-kid", "no-subject-and-no-name",
        "exp-in-the-year-3000", "lifetime-just-over-the-maximum", "issued-long-ago", "no-iat-lifetime-from-nbf-over-the-maximum",
        "no-iat-no-nbf-exp-beyond-the-maximum", "iat-in-the-future-and-exp-in-the-year-3000",
    ];

    /// <summary>The service's longest token lifetime (the default of <see cref="ServerOptions.MaxTokenLifetime"/>), in seconds.</summary>
    private static readonly long MaxLifetime = (long)ServerOptions.DefaultMaxTokenLifetime.TotalSeconds;

    /// <summary>1 January 3000, 00:00 UTC: a token that, once leaked, works for ever.</summary>
    private const long Year3000 = 32_503_680_000;

    /// <summary>A forged or invalid token for attack <paramref name="name"/>; every one claims the clinician role.</summary>
    private string Forge(string name)
    {
        var good = Issuer.Claims("mallory", "clinician");
        var rsaHeader = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var attackerRsa = RSA.Create(2048);
        using var attackerEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        JsonObject With(params (string Key, JsonNode? Value)[] changes)
        {
            var claims = good.DeepClone().AsObject();
            foreach (var (key, value) in changes)
            {
                if (value is null)
                {
                    claims.Remove(key);
                }
                else
                {
                    claims[key] = value;
                }
            }

            return claims;
        }

        switch (name)
        {
            case "alg-none":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid }, good, null);
            case "alg-None-capitalised":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "None", ["typ"] = "JWT" }, good, null);
            case "signature-stripped":
                var real = Issuer.Rs256(good);
                return real[..(real.LastIndexOf('.') + 1)];
            case "hs256-signed-with-rsa-public-key-pem":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid }, good,
                    Encoding.ASCII.GetBytes(Issuer.Rsa.ExportSubjectPublicKeyInfoPem()));
            case "hs256-signed-with-rsa-public-key-der":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid }, good,
                    Issuer.Rsa.ExportSubjectPublicKeyInfo());
            case "hs256-signed-with-jwks-modulus":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid }, good,
                    Issuer.Rsa.ExportParameters(false).Modulus!);
            case "expired":
                return Issuer.Rs256(With(("iat", now - 7200), ("nbf", now - 7200), ("exp", now - 3600)));
            case "expired-beyond-clock-skew":
                return Issuer.Rs256(With(("iat", now - 1200), ("nbf", now - 1200), ("exp", now - 400)));
            case "nbf-ahead":
                return Issuer.Rs256(With(("iat", now), ("nbf", now + 3600), ("exp", now + 7200)));
            case "wrong-aud":
                return Issuer.Rs256(With(("aud", "another-api")));
            case "no-aud":
                return Issuer.Rs256(With(("aud", null)));
            case "wrong-iss":
                return Issuer.Rs256(With(("iss", "https://issuer.example.org/realms/msrelapse")));
            case "no-iss":
                return Issuer.Es256(With(("iss", null)));
            case "unknown-kid":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = "attacker-1" }, good, attackerRsa);
            case "known-kid-reused-by-another-rsa-key":
                return MockIssuer.Sign(rsaHeader, good, attackerRsa);
            case "known-kid-reused-by-another-ec-key":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = MockIssuer.EcKid }, good, attackerEc);
            case "embedded-jwk-header":
                var p = attackerRsa.ExportParameters(false);
                var header = new JsonObject
                {
                    ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid,
                    ["jwk"] = new JsonObject { ["kty"] = "RSA", ["kid"] = MockIssuer.RsaKid, ["n"] = MockIssuer.B64(p.Modulus!), ["e"] = MockIssuer.B64(p.Exponent!) },
                };
                return MockIssuer.Sign(header, good, attackerRsa);
            case "tampered-payload-role-added":
                return Tamper(Issuer.Rs256(Issuer.Claims("mallory")), good);
            case "tampered-payload-subject-changed":
                return Tamper(Issuer.Es256(Issuer.Claims("mallory", "clinician")), Issuer.Claims("dr-house", "clinician"));
            case "es256-signature-under-rs256-header":
                var es = Issuer.Es256(good).Split('.');
                return MockIssuer.Sign(rsaHeader, good, null)[..^1] + es[2];
            case "large-forged-token":
                // Large, but within Kestrel's header limits: it reaches the token handler and fails there.
                return MockIssuer.Sign(rsaHeader, With(("padding", new string('A', 16_000))), attackerRsa);
            // Signed by the issuer's own key but naming a key it does not have, or none (issue 12: an unknown kid is refused).
            // IdentityModel tries every key of the issuer by default; the service does not, so the header must name the key.
            case "issuer-key-under-unknown-kid":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = "attacker-1" }, good, Issuer.Rsa);
            case "issuer-key-without-kid":
                return MockIssuer.Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" }, good, Issuer.Rsa);
            // A genuine token that names nobody: the audit log could only write "anonymous", the demo mode's user.
            case "no-subject-and-no-name":
                return Issuer.Rs256(With(("sub", null), ("name", null)));
            // Genuine signatures, lifetimes past the service's maximum (24 h): IdentityModel alone checks only that exp is ahead.
            case "exp-in-the-year-3000":
                return Issuer.Rs256(With(("iat", now - 60), ("nbf", now - 60), ("exp", Year3000)));
            case "lifetime-just-over-the-maximum":
                return Issuer.Es256(With(("iat", now - 60), ("nbf", now - 60), ("exp", now - 60 + MaxLifetime + 60)));
            case "issued-long-ago":
                // Expires within the hour, but was issued 30 days ago: a month-long token near its end.
                return Issuer.Rs256(With(("iat", now - (30 * 86_400)), ("nbf", now - (30 * 86_400)), ("exp", now + 3600)));
            case "no-iat-lifetime-from-nbf-over-the-maximum":
                return Issuer.Rs256(With(("iat", null), ("nbf", now - 60), ("exp", now - 60 + MaxLifetime + 60)));
            case "no-iat-no-nbf-exp-beyond-the-maximum":
                return Issuer.Rs256(With(("iat", null), ("nbf", null), ("exp", now + MaxLifetime + 3600)));
            case "iat-in-the-future-and-exp-in-the-year-3000":
                // exp − iat is one hour; but iat claims the token is issued in 2999 (IdentityModel does not check iat).
                return Issuer.Rs256(With(("iat", Year3000 - 3600), ("nbf", null), ("exp", Year3000)));
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown attack");
        }
    }

    /// <summary>The token's signature kept, its payload replaced.</summary>
    private static string Tamper(string token, JsonObject payload)
    {
        var parts = token.Split('.');
        return parts[0] + "." + MockIssuer.B64(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_forged_or_invalid_token_is_refused_with_401_and_no_detail_on_reads_and_writes_and_is_never_logged(string attack)
    {
        await GenuineTokensWorkAsync(); // the issuer's keys are loaded: a refusal below is the attack's, not a missing key
        var token = Forge(attack);
        using var read = await SendAsync(HttpMethod.Get, "/api/patients", token);
        await AssertRefusedWithoutDetailAsync(read, HttpStatusCode.Unauthorized, token);
        var id = "attack-" + attack;
        using var write = await SendAsync(HttpMethod.Put, $"/api/patients/{id}", token, PatientBundles.Bundle(id));
        await AssertRefusedWithoutDetailAsync(write, HttpStatusCode.Unauthorized, token);
        using var evaluate = await SendAsync(HttpMethod.Post, "/api/evaluate?asOf=2026-05-11", token, PatientBundles.Bundle(id));
        await AssertRefusedWithoutDetailAsync(evaluate, HttpStatusCode.Unauthorized, token);

        Assert.Null(await service.Host.Store.GetAsync(id, default));
        AssertNeverLogged(token);
    }

    [Fact]
    public async Task Genuine_RS256_and_ES256_tokens_from_the_issuer_are_accepted()
    {
        await GenuineTokensWorkAsync();
        Assert.True(Issuer.JwksFetches > 0, "the service never fetched the issuer's JWKS");
    }

    [Fact]
    public async Task Tokens_that_live_up_to_the_maximum_lifetime_are_accepted_with_or_without_iat_and_nbf()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var tokens = new[]
        {
            // Just under 24 h from iat (the maximum is inclusive; a minute under leaves room for the test's own time).
            Issuer.Rs256(Issuer.Claims("dr-day", "clinician").Also(c => { c["iat"] = now - 60; c["nbf"] = now - 60; c["exp"] = now - 120 + MaxLifetime; })),
            // No iat: the lifetime is counted from nbf.
            Issuer.Es256(Issuer.Claims("dr-nbf", "clinician").Also(c => { c.Remove("iat"); c["nbf"] = now - 60; c["exp"] = now - 120 + MaxLifetime; })),
            // Neither: exp within the maximum from now.
            Issuer.Rs256(Issuer.Claims("dr-bare", "clinician").Also(c => { c.Remove("iat"); c.Remove("nbf"); c["exp"] = now + MaxLifetime - 3600; })),
        };
        foreach (var token in tokens)
        {
            using var read = await SendAsync(HttpMethod.Get, "/api/patients", token);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            AssertNeverLogged(token);
        }
    }

    [Fact]
    public async Task An_oversized_token_is_refused_by_the_header_limit_with_431_and_is_never_logged()
    {
        // Kestrel's default limit on all request headers together is 32 KB.
        var token = MockIssuer.Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = MockIssuer.RsaKid },
            Issuer.Claims("mallory", "clinician").Also(c => c["padding"] = new string('B', 48_000)), Issuer.Rsa);
        using var response = await SendAsync(HttpMethod.Get, "/api/patients", token);
        await AssertRefusedWithoutDetailAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge, token);
        AssertNeverLogged(token);
    }

    [Fact]
    public async Task A_valid_token_without_the_clinician_role_may_read_but_every_write_is_403_without_detail()
    {
        var id = "role-check-1";
        var clinician = Issuer.Rs256(Issuer.Claims("dr-grey", "clinician"));
        using (var created = await SendAsync(HttpMethod.Put, $"/api/patients/{id}", clinician, PatientBundles.Bundle(id)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var reader in new[] { Issuer.Rs256(Issuer.Claims("student-1")), Issuer.Es256(Issuer.Claims("nurse-2", "reader", "Clinician")) })
        {
            using (var read = await SendAsync(HttpMethod.Get, $"/api/patients/{id}", reader))
            {
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            }

            using (var put = await SendAsync(HttpMethod.Put, $"/api/patients/{id}", reader, PatientBundles.Bundle(id, "aqp4-positive-myelitis")))
            {
                await AssertRefusedWithoutDetailAsync(put, HttpStatusCode.Forbidden, reader);
            }

            using (var append = await SendAsync(HttpMethod.Post, $"/api/patients/{id}/resources", reader, "{\"resourceType\":\"Observation\",\"id\":\"x\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}"))
            {
                await AssertRefusedWithoutDetailAsync(append, HttpStatusCode.Forbidden, reader);
            }

            using (var evaluation = await SendAsync(HttpMethod.Post, $"/api/patients/{id}/evaluations?asOf=2026-05-11", reader))
            {
                await AssertRefusedWithoutDetailAsync(evaluation, HttpStatusCode.Forbidden, reader);
            }

            using (var delete = await SendAsync(HttpMethod.Delete, $"/api/patients/{id}", reader))
            {
                await AssertRefusedWithoutDetailAsync(delete, HttpStatusCode.Forbidden, reader);
            }

            AssertNeverLogged(reader);
        }

        Assert.Equal(1, (await service.Host.Store.GetAsync(id, default))!.Version);
    }

    [Fact]
    public async Task Keycloak_realm_roles_in_realm_access_roles_are_mapped()
    {
        var id = "keycloak-1";
        var keycloakClinician = Issuer.Rs256(Issuer.Claims("kc-clinician").Also(c =>
            c["realm_access"] = new JsonObject { ["roles"] = new JsonArray("offline_access", "clinician", "uma_authorization") }));
        using (var put = await SendAsync(HttpMethod.Put, $"/api/patients/{id}", keycloakClinician, PatientBundles.Bundle(id)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // Only realm roles count: a client role of the same name elsewhere, or a realm role list without it, does not.
        foreach (var claims in new[]
        {
            Issuer.Claims("kc-reader").Also(c => c["realm_access"] = new JsonObject { ["roles"] = new JsonArray("offline_access", "reader") }),
            Issuer.Claims("kc-odd").Also(c => c["realm_access"] = new JsonObject { ["roles"] = "clinician" }),
            Issuer.Claims("kc-nested").Also(c => c["realm_access"] = new JsonObject { ["other"] = new JsonObject { ["roles"] = new JsonArray("clinician") } }),
        })
        {
            var token = Issuer.Es256(claims);
            using var write = await SendAsync(HttpMethod.Put, $"/api/patients/{id}", token, PatientBundles.Bundle(id));
            await AssertRefusedWithoutDetailAsync(write, HttpStatusCode.Forbidden, token);
        }

        var audit = await service.Host.Store.ListAuditAsync(new Storage.AuditQuery(PatientId: id), default);
        Assert.Equal("kc-clinician", audit[0].User);
    }

    private async Task GenuineTokensWorkAsync()
    {
        foreach (var token in new[] { Issuer.Rs256(Issuer.Claims("dr-rsa", "clinician")), Issuer.Es256(Issuer.Claims("dr-ec", "clinician")) })
        {
            using var read = await SendAsync(HttpMethod.Get, "/api/patients", token);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            AssertNeverLogged(token);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? fhir = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (fhir is not null)
        {
            request.Content = new StringContent(fhir, Encoding.UTF8, "application/fhir+json");
        }

        return await service.Host.Client.SendAsync(request);
    }

    /// <summary>The status, and nothing that says why: no validation words in the body or WWW-Authenticate, no piece of the token.</summary>
    private static async Task AssertRefusedWithoutDetailAsync(HttpResponseMessage response, HttpStatusCode status, string token)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var challenge = string.Join(" ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.DoesNotContain("error_description", challenge, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("error_uri", challenge, StringComparison.OrdinalIgnoreCase);
        if (body.Length > 0)
        {
            var problem = JsonNode.Parse(body)!.AsObject();
            Assert.Equal((int)status, (int)problem["status"]!);
            var said = string.Join(" ", problem.Where(p => p.Key is not ("type" or "status" or "code")).Select(p => p.Value?.ToJsonString()));
            foreach (var word in DetailWords)
            {
                Assert.False(said.Contains(word, StringComparison.OrdinalIgnoreCase), $"the refusal says '{word}': {body}");
            }
        }

        foreach (var part in token.Split('.').Where(p => p.Length >= 16))
        {
            Assert.DoesNotContain(part, body, StringComparison.Ordinal);
            Assert.DoesNotContain(part, string.Join(" ", response.Headers.Select(h => string.Join(",", h.Value))), StringComparison.Ordinal);
        }
    }

    /// <summary>Neither the token nor its payload or signature (16+ characters of them) in any log line.</summary>
    private void AssertNeverLogged(string token)
    {
        var logs = service.AllLogs;
        var parts = token.Split('.');
        foreach (var part in parts.Skip(1).Where(p => p.Length >= 16))
        {
            Assert.False(logs.Contains(part, StringComparison.Ordinal), $"a token part was logged: {part[..16]}…");
        }

        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject value, Action<JsonObject> change)
    {
        change(value);
        return value;
    }
}
