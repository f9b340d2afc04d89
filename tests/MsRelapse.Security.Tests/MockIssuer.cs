using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.Security.Tests;

/// <summary>
/// An OpenID Connect issuer on loopback, shaped like a Keycloak realm (<c>https://127.0.0.1:PORT/realms/msrelapse</c>):
/// HTTPS with a certificate made here, the discovery document and a JWKS with one RSA (RS256, kid <c>rsa-1</c>) and
/// one P-256 (ES256, kid <c>ec-1</c>) key. Tokens are assembled by hand (<see cref="Sign"/>) so that every attack can
/// set any header and payload it likes.
/// </summary>
public sealed class MockIssuer : IAsyncDisposable
{
    public const string Audience = "msrelapse-api";
    public const string RsaKid = "rsa-1";
    public const string EcKid = "ec-1";

    private readonly WebApplication app;

    private MockIssuer(WebApplication app, string issuer, X509Certificate2 certificate, RSA rsa, ECDsa ec)
    {
        this.app = app;
        Issuer = issuer;
        Certificate = certificate;
        Rsa = rsa;
        Ec = ec;
    }

    /// <summary>The issuer URL (also the authority given to the service).</summary>
    public string Issuer { get; }

    public X509Certificate2 Certificate { get; }

    public RSA Rsa { get; }

    public ECDsa Ec { get; }

    /// <summary>How many times the service fetched the JWKS (it must have, for the tests to mean anything).</summary>
    public int JwksFetches { get; private set; }

    public static async Task<MockIssuer> StartAsync()
    {
        var certificate = CreateCertificate();
        var rsa = RSA.Create(2048);
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        MockIssuer? self = null;
        app.MapGet("/realms/msrelapse/.well-known/openid-configuration", () => Results.Text(
            new JsonObject
            {
                ["issuer"] = self!.Issuer,
                ["jwks_uri"] = self.Issuer + "/protocol/openid-connect/certs",
                ["authorization_endpoint"] = self.Issuer + "/protocol/openid-connect/auth",
                ["token_endpoint"] = self.Issuer + "/protocol/openid-connect/token",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256", "ES256"),
            }.ToJsonString(), "application/json"));
        app.MapGet("/realms/msrelapse/protocol/openid-connect/certs", () =>
        {
            self!.JwksFetches++;
            return Results.Text(self.Jwks().ToJsonString(), "application/json");
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        self = new MockIssuer(app, $"https://127.0.0.1:{address.Port}/realms/msrelapse", certificate, rsa, ec);
        return self;
    }

    /// <summary>A handler for the service's metadata requests that trusts exactly this issuer's certificate.</summary>
    public HttpMessageHandler TrustingHandler()
    {
        var thumbprint = Certificate.Thumbprint;
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => string.Equals(cert?.Thumbprint, thumbprint, StringComparison.Ordinal),
        };
    }

    private JsonObject Jwks()
    {
        var r = Rsa.ExportParameters(false);
        var e = Ec.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(
                new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = RsaKid, ["n"] = B64(r.Modulus!), ["e"] = B64(r.Exponent!) },
                new JsonObject { ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = EcKid, ["crv"] = "P-256", ["x"] = B64(e.Q.X!), ["y"] = B64(e.Q.Y!) }),
        };
    }

    /// <summary>The claims of a good token for <paramref name="subject"/>: this issuer, the audience, valid now.</summary>
    public JsonObject Claims(string subject, params string[] roles)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["name"] = "Dr " + subject,
            ["iat"] = now - 60,
            ["nbf"] = now - 60,
            ["exp"] = now + 1800,
        };
        if (roles.Length > 0)
        {
            claims["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]);
        }

        return claims;
    }

    /// <summary>A token signed RS256 with the issuer's RSA key (kid <c>rsa-1</c>).</summary>
    public string Rs256(JsonObject claims) => Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = RsaKid }, claims, Rsa);

    /// <summary>A token signed ES256 with the issuer's P-256 key (kid <c>ec-1</c>).</summary>
    public string Es256(JsonObject claims) => Sign(new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = EcKid }, claims, Ec);

    /// <summary>Header and payload, base64url, signed as the header's <c>alg</c> says with <paramref name="key"/>.</summary>
    public static string Sign(JsonObject header, JsonObject payload, object? key)
    {
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = key switch
        {
            null => [],
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            byte[] hmacKey => HMACSHA256.HashData(hmacKey, data),
            _ => throw new ArgumentException("unknown key type", nameof(key)),
        };
        return signingInput + "." + B64(signature);
    }

    public static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    public static JsonObject DecodePart(string token, int part) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[part]))!.AsObject();

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel wants a certificate whose private key it can use: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Rsa.Dispose();
        Ec.Dispose();
        Certificate.Dispose();
    }

    /// <summary>JSON of a value, for messages.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value);
}
