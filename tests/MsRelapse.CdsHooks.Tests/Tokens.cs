using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>A CDS client (an EHR) that signs its tokens: ES384 (P-384) and RS384 keys, and a few wrong ones.</summary>
internal sealed class Tokens : IDisposable
{
    public const string Issuer = "https://ehr.test/cds-client";
    public const string Es384Kid = "ehr-es384";
    public const string Rs384Kid = "ehr-rs384";
    public const string P256Kid = "ehr-p256";

    private readonly ECDsa p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly ECDsa p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA rsa = RSA.Create(2048);

    public Tokens(Func<DateTimeOffset> now)
    {
        Now = now;
    }

    public Func<DateTimeOffset> Now { get; }

    /// <summary>The client's public JWK Set (P-384 and RSA; the P-256 key too, which the service must not accept for ES384).</summary>
    public string Jwks(bool includeRsa = true, bool includeP256 = true)
    {
        var keys = new JsonArray { Ec(p384, Es384Kid, "P-384") };
        if (includeRsa)
        {
            var p = rsa.ExportParameters(false);
            keys.Add(new JsonObject { ["kty"] = "RSA", ["kid"] = Rs384Kid, ["use"] = "sig", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) });
        }

        if (includeP256)
        {
            keys.Add(Ec(p256, P256Kid, "P-256"));
        }

        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    public Dictionary<string, string?> Settings(string? jwks = null) => new()
    {
        ["CdsHooks:RequireAuthentication"] = "true",
        ["CdsHooks:Clients:0:Issuer"] = Issuer,
        ["CdsHooks:Clients:0:Jwks"] = jwks ?? Jwks(),
    };

    /// <summary>A token for <paramref name="audience"/>; every part can be changed to make it wrong.</summary>
    public string Create(
        string audience,
        string alg = "ES384",
        string? kid = Es384Kid,
        string issuer = Issuer,
        TimeSpan? expiresIn = null,
        TimeSpan? issuedAgo = null,
        TimeSpan? notBeforeIn = null,
        string? jti = null,
        string? jku = null,
        string? padding = null)
    {
        var now = Now();
        var iat = now - (issuedAgo ?? TimeSpan.Zero);
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid is not null)
        {
            header["kid"] = kid;
        }

        if (jku is not null)
        {
            header["jku"] = jku;
        }

        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = "ehr-client",
            ["aud"] = audience,
            ["iat"] = iat.ToUnixTimeSeconds(),
            ["exp"] = (iat + (expiresIn ?? TimeSpan.FromMinutes(5))).ToUnixTimeSeconds(),
            ["jti"] = jti ?? Guid.NewGuid().ToString(),
        };
        if (notBeforeIn is { } nbf)
        {
            payload["nbf"] = (now + nbf).ToUnixTimeSeconds();
        }

        if (padding is not null)
        {
            payload["padding"] = padding;
        }

        var signingInput = B64(header.ToJsonString()) + "." + B64(payload.ToJsonString());
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = alg switch
        {
            "ES384" when kid == P256Kid => p256.SignData(data, HashAlgorithmName.SHA384),
            "ES384" => p384.SignData(data, HashAlgorithmName.SHA384),
            "RS384" => rsa.SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            // The classic confusion attack: HMAC with the public key (as published) as the secret.
            "HS256" => HMACSHA256.HashData(Encoding.UTF8.GetBytes(Jwks()), data),
            "none" => [],
            _ => throw new ArgumentException(alg),
        };
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    public void Dispose()
    {
        p384.Dispose();
        p256.Dispose();
        rsa.Dispose();
    }

    private static JsonObject Ec(ECDsa key, string kid, string crv)
    {
        var p = key.ExportParameters(false);
        return new JsonObject { ["kty"] = "EC", ["kid"] = kid, ["use"] = "sig", ["crv"] = crv, ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
