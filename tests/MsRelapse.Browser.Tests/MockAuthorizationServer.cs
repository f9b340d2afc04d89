using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.Browser.Tests;

/// <summary>What the mock does with the next authorization.</summary>
public enum MockBehaviour
{
    /// <summary>Grants: a code, then tokens.</summary>
    Grant,

    /// <summary>The user (or the EHR) refuses: <c>error=access_denied</c>.</summary>
    Deny,

    /// <summary>Answers with a state that is not the one sent.</summary>
    WrongState,

    /// <summary>Grants, but the FHIR server rejects the token (it has expired).</summary>
    ExpiredToken,

    /// <summary>Grants, but shows the callback address instead of redirecting to it (<see cref="MockAuthorizationServer.HeldCallback"/>).</summary>
    Hold,
}

/// <summary>
/// A mock OpenID Connect issuer and SMART on FHIR EHR on a loopback port, in the test process: discovery
/// (<c>/.well-known/openid-configuration</c>, <c>/fhir/.well-known/smart-configuration</c>), an authorization endpoint
/// that answers at once (no login page), a token endpoint that checks the PKCE verifier (S256), signed ID tokens
/// (RS256, with <c>nonce</c> and Keycloak's <c>realm_access.roles</c>), and a FHIR stub serving one patient's
/// <c>$everything</c> to a valid bearer token.
/// </summary>
public sealed class MockAuthorizationServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "mock-key" };
    private readonly ConcurrentDictionary<string, Grant> codes = new();
    private readonly ConcurrentDictionary<string, bool> tokens = new();

    private MockAuthorizationServer(WebApplication app) => this.app = app;

    /// <summary>The issuer (base URL).</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>The EHR's FHIR base URL (<c>{Issuer}/fhir</c>).</summary>
    public string FhirBase => $"{Issuer}/fhir";

    /// <summary>What the next authorization does.</summary>
    public MockBehaviour Behaviour { get; set; } = MockBehaviour.Grant;

    /// <summary>The query of the last authorization request (to check PKCE, aud, launch).</summary>
    public IReadOnlyDictionary<string, string> LastAuthorization { get; private set; } = new Dictionary<string, string>();

    /// <summary>The callback address of the last held authorization (<see cref="MockBehaviour.Hold"/>).</summary>
    public string HeldCallback { get; private set; } = "";

    /// <summary>The queries of the calls to the end-session endpoint (RP-initiated logout).</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> EndSessions { get; } = new();

    /// <summary>The patient's record the FHIR stub serves (a FHIR Bundle), and its id.</summary>
    public string PatientBundle { get; set; } = "";

    public string PatientId { get; set; } = "";

    public static async Task<MockAuthorizationServer> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var mock = new MockAuthorizationServer(app);
        mock.Map(app);
        await app.StartAsync();
        mock.Issuer = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return mock;
    }

    private void Map(WebApplication web)
    {
        web.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["end_session_endpoint"] = $"{Issuer}/logout",
        }));
        web.MapGet("/logout", (HttpContext context) =>
        {
            // RP-initiated logout: the issuer ends its own session, then sends the browser back (with the state).
            var q = context.Request.Query.ToDictionary(x => x.Key, x => x.Value.ToString(), StringComparer.Ordinal);
            EndSessions.Enqueue(q);
            var back = q.GetValueOrDefault("post_logout_redirect_uri");
            if (string.IsNullOrEmpty(back))
            {
                return Results.Text("signed out at the issuer");
            }

            return Results.Redirect(q.TryGetValue("state", out var state) ? QueryHelpers.AddQueryString(back, "state", state) : back);
        });
        web.MapGet("/fhir/.well-known/smart-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["capabilities"] = new[] { "launch-ehr", "client-public", "context-ehr-patient" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        web.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        web.MapGet("/authorize", (HttpContext context) =>
        {
            var q = context.Request.Query.ToDictionary(x => x.Key, x => x.Value.ToString(), StringComparer.Ordinal);
            LastAuthorization = q;
            var redirect = q.GetValueOrDefault("redirect_uri") ?? "";
            var state = q.GetValueOrDefault("state") ?? "";
            if (Behaviour == MockBehaviour.Deny)
            {
                return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["error"] = "access_denied", ["state"] = state }));
            }

            if (q.GetValueOrDefault("code_challenge_method") != "S256" || string.IsNullOrEmpty(q.GetValueOrDefault("code_challenge")))
            {
                return Results.BadRequest("PKCE S256 required");
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            codes[code] = new Grant(q["code_challenge"], q.GetValueOrDefault("nonce"), q.GetValueOrDefault("client_id") ?? "", redirect, q.ContainsKey("launch"));
            var callback = QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?>
            {
                ["code"] = code,
                ["state"] = Behaviour == MockBehaviour.WrongState ? "tampered-state" : state,
            });
            if (Behaviour == MockBehaviour.Hold)
            {
                HeldCallback = callback;
                return Results.Text("The authorization is held.");
            }

            return Results.Redirect(callback);
        });
        web.MapPost("/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (!codes.TryRemove(form["code"].ToString(), out var grant))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != grant.Challenge || form["redirect_uri"].ToString() != grant.RedirectUri)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier or redirect_uri mismatch" }, statusCode: 400);
            }

            var access = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            tokens[access] = Behaviour != MockBehaviour.ExpiredToken;
            var now = DateTime.UtcNow;
            var claims = new Dictionary<string, object>
            {
                ["sub"] = "clinician-1",
                ["name"] = "Dr Test Neuro",
                ["realm_access"] = new Dictionary<string, object> { ["roles"] = new[] { "clinician", "offline_access" } },
            };
            if (grant.Nonce is { Length: > 0 } nonce)
            {
                claims["nonce"] = nonce;
            }

            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = grant.ClientId,
                IssuedAt = now,
                NotBefore = now.AddMinutes(-1),
                Expires = now.AddMinutes(10),
                Claims = claims,
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
            var body = new Dictionary<string, object> { ["access_token"] = access, ["token_type"] = "Bearer", ["expires_in"] = 600, ["id_token"] = idToken, ["scope"] = "openid profile" };
            if (grant.Launch)
            {
                body["patient"] = PatientId;
            }

            return Results.Json(body);
        });
        web.MapGet("/fhir/Patient/{id}/$everything", (string id, HttpContext context) =>
        {
            var auth = context.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !tokens.TryGetValue(auth[7..], out var valid) || !valid)
            {
                return Results.Json(new { resourceType = "OperationOutcome", issue = new[] { new { severity = "error", code = "expired" } } }, statusCode: 401);
            }

            return id == PatientId ? Results.Text(PatientBundle, "application/fhir+json") : Results.NotFound();
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed record Grant(string Challenge, string? Nonce, string ClientId, string RedirectUri, bool Launch);
}
