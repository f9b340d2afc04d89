using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.BulkData;

/// <summary>
/// SMART Backend Services authorization (client-credentials grant with a signed client assertion, RFC 7523): a JWT
/// signed with the client's private key (RS384 for an RSA key, ES384 for a P-384 EC key) is exchanged at the token
/// endpoint for an access token, cached until shortly before it expires. A token endpoint that answers 429 or 503 is
/// waited out as its Retry-After says, as every request of the export is.
/// </summary>
public sealed class SmartBackendAuth : IDisposable
{
    private readonly Uri _tokenUrl;
    private readonly string _clientId;
    private readonly string _scope;
    private readonly SigningCredentials _credentials;
    private readonly AsymmetricAlgorithm _key;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    /// <summary>Creates the authorizer from a PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC).</summary>
    /// <exception cref="BulkDataException">The key is not an RSA or P-384 EC private key.</exception>
    public SmartBackendAuth(Uri tokenUrl, string clientId, string privateKeyPem, string scope = "system/*.read", string? keyId = null, TimeProvider? clock = null)
    {
        _tokenUrl = tokenUrl;
        _clientId = clientId;
        _scope = scope;
        _clock = clock ?? TimeProvider.System;
        (_key, _credentials) = Credentials(privateKeyPem, keyId);
    }

    /// <summary>How many 429/503 answers in a row the token endpoint may give before the client gives up.</summary>
    public int MaxThrottledRetries { get; init; } = 30;

    /// <summary>The longest wait the client accepts from the token endpoint's Retry-After.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The signing algorithm in use (RS384 or ES384).</summary>
    public string Algorithm => _credentials.Algorithm;

    private static (AsymmetricAlgorithm, SigningCredentials) Credentials(string pem, string? keyId)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            if (ec.KeySize != 384)
            {
                throw new BulkDataException($"the EC key is P-{ec.KeySize}; SMART Backend Services ES384 needs a P-384 key");
            }

            var key = new ECDsaSecurityKey(ec);
            key.KeyId = keyId ?? Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());
            return (ec, new SigningCredentials(key, SecurityAlgorithms.EcdsaSha384));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or BulkDataException)
        {
            ec.Dispose();
            if (ex is BulkDataException)
            {
                throw;
            }
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new BulkDataException("the private key is not a PEM RSA or P-384 EC private key");
        }

        var rsaKey = new RsaSecurityKey(rsa);
        rsaKey.KeyId = keyId ?? Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(rsaKey).ComputeJwkThumbprint());
        return (rsa, new SigningCredentials(rsaKey, SecurityAlgorithms.RsaSha384));
    }

    /// <summary>The signed client assertion (iss = sub = client id, aud = token URL, 5-minute lifetime, unique jti).</summary>
    public string ClientAssertion()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _clientId,
            Audience = _tokenUrl.AbsoluteUri,
            Claims = new Dictionary<string, object> { ["sub"] = _clientId, ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = _credentials,
        });
    }

    /// <summary>A valid access token (a new one when none is cached, it is about to expire, or <paramref name="refresh"/>).</summary>
    public async Task<string> TokenAsync(HttpClient http, bool refresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!refresh && _token is not null && _clock.GetUtcNow() < _expires)
            {
                return _token;
            }

            var body = await RequestTokenAsync(http, cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("access_token", out var token) || token.GetString() is not { Length: > 0 } accessToken)
            {
                throw new BulkDataException("the token endpoint answered without an access_token");
            }

            var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) ? seconds : 300;
            _token = accessToken;
            _expires = _clock.GetUtcNow().AddSeconds(Math.Max(0, lifetime - 30));
            return accessToken;
        }
        catch (JsonException)
        {
            throw new BulkDataException("the token endpoint's answer is not JSON");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// POSTs a fresh client assertion (each with its own <c>jti</c>) until the endpoint answers other than 429/503,
    /// waiting as its Retry-After says (at most <see cref="MaxThrottledRetries"/> times); the answer's body.
    /// </summary>
    private async Task<string> RequestTokenAsync(HttpClient http, CancellationToken cancellationToken)
    {
        for (var throttled = 0; ; throttled++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = _scope,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = ClientAssertion(),
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, _tokenUrl) { Content = form };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (Throttling.AsksToWait(response) && throttled < MaxThrottledRetries)
            {
                var wait = Throttling.RetryAfter(response, _clock, MaxRetryAfter) ?? Throttling.Backoff(throttled + 1);
                await Task.Delay(wait, _clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new BulkDataException($"the token endpoint refused the client (HTTP {(int)response.StatusCode}{OAuthError(body)})");
            }

            return body;
        }
    }

    private static string OAuthError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) ? string.Create(CultureInfo.InvariantCulture, $": {error.GetString()}") : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        _gate.Dispose();
    }
}

/// <summary>A Bulk Data export that could not be done, with a message for the user (never a patient's data).</summary>
public sealed class BulkDataException(string message) : Exception(message);
