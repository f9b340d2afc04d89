using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.BulkData;

/// <summary>
/// The client's private key for SMART Backend Services, from a PEM file or a JWK / JWKS (the format in which many
/// servers' registration pages hand keys out): RSA of 2048 bits or more (RS384) or EC P-384 (ES384). Every other
/// kind of file is refused with the reason (a public key, an encrypted key, a small or wrong-curve key), never a .NET
/// exception. The messages name no key material.
/// </summary>
internal static class SigningKeys
{
    /// <summary>RSA keys under this size are refused (NIST SP 800-131A; the SMART Backend Services guide's minimum).</summary>
    public const int MinRsaBits = 2048;

    public static (AsymmetricAlgorithm Key, SigningCredentials Credentials) Load(string text, string? keyId)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart();
        return trimmed.StartsWith('{') ? FromJwk(trimmed, keyId) : FromPem(text, keyId);
    }

    private static (AsymmetricAlgorithm, SigningCredentials) FromPem(string text, string? keyId)
    {
        // Which PEM blocks the file holds, by label: the label says what the file is before any import is tried.
        var labels = new List<(string Label, Range Whole)>();
        for (var rest = text.AsSpan(); PemEncoding.TryFind(rest, out var fields);)
        {
            var offset = text.Length - rest.Length;
            labels.Add((rest[fields.Label].ToString(), new Range(offset + fields.Location.Start.Value, offset + fields.Location.End.Value)));
            rest = rest[fields.Location.End.Value..];
        }

        // PEM with RFC 1421 headers (OpenSSL's legacy "Proc-Type: 4,ENCRYPTED") is no PEM .NET reads: said here.
        if (labels.Any(l => l.Label == "ENCRYPTED PRIVATE KEY") || text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw new BulkDataException("encrypted keys are not supported: decrypt it first (e.g. openssl pkey -in KEY -out KEY.pem) and keep that file readable by this user only");
        }

        var privateKeys = labels.Where(l => l.Label is "PRIVATE KEY" or "RSA PRIVATE KEY" or "EC PRIVATE KEY").ToList();
        if (privateKeys.Count == 0)
        {
            throw labels.Any(l => l.Label.Contains("PUBLIC KEY", StringComparison.Ordinal) || l.Label == "CERTIFICATE")
                ? new BulkDataException("is a public key; the private key is needed")
                : new BulkDataException("is not a PEM or JWK private key (expected an RSA or P-384 EC private key)");
        }

        if (privateKeys.Count > 1)
        {
            throw new BulkDataException("holds more than one private key (keep only the one registered with the server)");
        }

        var pem = text[privateKeys[0].Whole];
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return Ec(ec, keyId, jwkKid: null);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
        }
        catch
        {
            ec.Dispose();
            throw;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new BulkDataException("is not an RSA or P-384 EC private key (SMART Backend Services signs with RS384 or ES384)");
        }

        return Rsa(rsa, keyId, jwkKid: null);
    }

    private static (AsymmetricAlgorithm, SigningCredentials) FromJwk(string json, string? keyId)
    {
        JsonWebKey jwk;
        try
        {
            using (var document = JsonDocument.Parse(json))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("keys", out _))
                {
                    jwk = FromSet(JsonWebKeySet.Create(json), keyId);
                }
                else
                {
                    jwk = JsonWebKey.Create(json);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new BulkDataException("is not a PEM or JWK private key (it starts like JSON but is no JWK or JWKS)");
        }

        if (!jwk.HasPrivateKey)
        {
            throw new BulkDataException("is a public key; the private key is needed (a JWK with its private member \"d\")");
        }

        try
        {
            switch (jwk.Kty)
            {
                case JsonWebAlgorithmsKeyTypes.RSA:
                    var rsa = RSA.Create();
                    try
                    {
                        rsa.ImportParameters(new RSAParameters
                        {
                            Modulus = Bytes(jwk.N), Exponent = Bytes(jwk.E), D = Bytes(jwk.D),
                            P = Bytes(jwk.P), Q = Bytes(jwk.Q), DP = Bytes(jwk.DP), DQ = Bytes(jwk.DQ), InverseQ = Bytes(jwk.QI),
                        });
                    }
                    catch
                    {
                        rsa.Dispose();
                        throw;
                    }

                    return Rsa(rsa, keyId, jwk.Kid);
                case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                    if (jwk.Crv != "P-384")
                    {
                        throw new BulkDataException($"the EC key is on curve {Text.Printable(jwk.Crv, 20)}; SMART Backend Services ES384 needs a P-384 key");
                    }

                    var ec = ECDsa.Create();
                    try
                    {
                        ec.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, Q = new ECPoint { X = Bytes(jwk.X), Y = Bytes(jwk.Y) }, D = Bytes(jwk.D) });
                    }
                    catch
                    {
                        ec.Dispose();
                        throw;
                    }

                    return Ec(ec, keyId, jwk.Kid);
                default:
                    throw new BulkDataException($"is a JWK of type {Text.Printable(jwk.Kty, 20)}; an RSA or P-384 EC private key is needed");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            throw new BulkDataException("is a JWK whose private key cannot be read (RSA needs n, e, d, p, q, dp, dq and qi; EC needs x, y and d)");
        }
    }

    /// <summary>The JWKS member to sign with: the one whose kid is <paramref name="keyId"/>, else the only private one.</summary>
    private static JsonWebKey FromSet(JsonWebKeySet set, string? keyId)
    {
        if (keyId is not null)
        {
            return set.Keys.FirstOrDefault(k => k.Kid == keyId)
                ?? throw new BulkDataException($"is a JWKS without a key whose kid is '{Text.Printable(keyId, 80)}' (--kid)");
        }

        var privateKeys = set.Keys.Where(k => k.HasPrivateKey).ToList();
        return privateKeys.Count switch
        {
            1 => privateKeys[0],
            0 => throw new BulkDataException("is a JWKS of public keys only; the private key is needed"),
            _ => throw new BulkDataException($"is a JWKS holding {privateKeys.Count} private keys: name the registered one with --kid"),
        };
    }

    private static byte[] Bytes(string? base64Url) =>
        string.IsNullOrEmpty(base64Url) ? throw new FormatException("a member is missing") : Base64UrlEncoder.DecodeBytes(base64Url);

    /// <summary>
    /// IdentityModel caches signature providers process-wide by the key's public thumbprint; SmartBackendAuth disposes
    /// its key, so a second authorizer with the same key would sign with the first one's disposed key: no caching.
    /// </summary>
    private static SigningCredentials Credentials(SecurityKey key, string algorithm) =>
        new(key, algorithm) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };

    private static (AsymmetricAlgorithm, SigningCredentials) Rsa(RSA rsa, string? keyId, string? jwkKid)
    {
        if (rsa.KeySize < MinRsaBits)
        {
            var bits = rsa.KeySize;
            rsa.Dispose();
            throw new BulkDataException($"the RSA key has {bits} bits; at least {MinRsaBits} are needed");
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = keyId ?? jwkKid ?? Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(key).ComputeJwkThumbprint());
        return (rsa, Credentials(key, SecurityAlgorithms.RsaSha384));
    }

    private static (AsymmetricAlgorithm, SigningCredentials) Ec(ECDsa ec, string? keyId, string? jwkKid)
    {
        if (ec.KeySize != 384)
        {
            var bits = ec.KeySize;
            ec.Dispose();
            throw new BulkDataException($"the EC key is P-{bits}; SMART Backend Services ES384 needs a P-384 key");
        }

        var key = new ECDsaSecurityKey(ec);
        key.KeyId = keyId ?? jwkKid ?? Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());
        return (ec, Credentials(key, SecurityAlgorithms.EcdsaSha384));
    }
}
