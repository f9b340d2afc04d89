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
/// waited out as its Retry-After says (never less than a second), as every request of the export is. The key may be
/// PEM, a JWK or a JWKS (<see cref="SigningKeys"/>); the token and the key never appear in a message.
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

    /// <summary>
    /// Creates the authorizer from a private key: PEM (PKCS#8, or PKCS#1 RSA / SEC1 EC), a JWK with its private parts,
    /// or a JWKS holding one private key (or the one whose <c>kid</c> is <paramref name="keyId"/>).
    /// </summary>
    /// <param name="tokenUrl">The token endpoint (the assertion's audience).</param>
    /// <param name="clientId">The client id registered with the server (iss and sub).</param>
    /// <param name="privateKey">The key file's text.</param>
    /// <param name="scope">The scopes requested.</param>
    /// <param name="clock">Time (the assertion's times, the token's expiry, waits).</param>
    /// <param name="keyId">
    /// The <c>kid</c> the key is registered under at the server (the assertion's header names it, so that the server
    /// picks the right key of the client's JWKS); null: the JWK's own <c>kid</c>, else the key's JWK thumbprint.
    /// </param>
    /// <exception cref="BulkDataException">The key is not an RSA (2048 bits or more) or P-384 EC private key.</exception>
    public SmartBackendAuth(Uri tokenUrl, string clientId, string privateKey, string scope = "system/*.read", string? keyId = null, TimeProvider? clock = null)
    {
        _tokenUrl = tokenUrl;
        _clientId = clientId;
        _scope = scope;
        _clock = clock ?? TimeProvider.System;
        (_key, _credentials) = SigningKeys.Load(privateKey, keyId);
    }

    /// <summary>How many 429/503 answers in a row the token endpoint may give before the client gives up.</summary>
    public int MaxThrottledRetries { get; init; } = 30;

    /// <summary>The waits between the token endpoint's 429/503 answers (a 1 s floor; its Retry-After up to 2 minutes).</summary>
    public RetryTiming Retry { get; init; } = RetryTiming.Default;

    /// <summary>The signing algorithm in use (RS384 or ES384).</summary>
    public string Algorithm => _credentials.Algorithm;

    /// <summary>The <c>kid</c> the client assertion's header names.</summary>
    public string KeyId => _credentials.Key.KeyId;

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
            var root = json.RootElement;
            // A token endpoint that answers 200 with something else than RFC 6749's JSON object (a number for a
            // token, a header-breaking character) is refused here, in words, not by a .NET exception later.
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String)
            {
                throw new BulkDataException("the token endpoint answered without an access_token string (a malformed token response)");
            }

            var accessToken = token.GetString()!;
            if (accessToken.Length == 0 || !accessToken.All(c => c is > ' ' and < '\x7f'))
            {
                throw new BulkDataException("the token endpoint's access_token is empty or holds characters a bearer token cannot (a malformed token response)");
            }

            var lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var seconds) ? seconds : 300;
            _token = accessToken;
            _expires = _clock.GetUtcNow().AddSeconds(Math.Max(0, lifetime - 30));
            return accessToken;
        }
        catch (JsonException)
        {
            throw new BulkDataException("the token endpoint's answer is not JSON (a malformed token response)");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// POSTs a fresh client assertion (each with its own <c>jti</c>) until the endpoint answers other than 429/503,
    /// waiting as its Retry-After says, never less than the floor (at most <see cref="MaxThrottledRetries"/> times); the
    /// answer's body.
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
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                // Named here: the CLI's "cannot reach" would otherwise name the FHIR server, which may be another host.
                throw new BulkDataException($"cannot reach the token endpoint {_tokenUrl.GetLeftPart(UriPartial.Path)} ({ex.HttpRequestError})");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BulkDataException(string.Create(CultureInfo.InvariantCulture, $"the token endpoint {_tokenUrl.GetLeftPart(UriPartial.Path)} did not answer within {http.Timeout.TotalMinutes:0.#} minutes (timed out)"));
            }

            using (response)
            {
                if (Throttling.AsksToWait(response) && throttled < MaxThrottledRetries)
                {
                    await Task.Delay(Retry.Wait(response, _clock, throttled + 1), _clock, cancellationToken).ConfigureAwait(false);
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
    }

    /// <summary>
    /// The OAuth error and its description (RFC 6749 §5.2: it says which check failed, e.g. an unknown kid), as one
    /// printable line of bounded length: the text comes from the server.
    /// </summary>
    private static string OAuthError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return string.Empty;
            }

            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? Text.Printable(e.GetString(), 80) : null;
            var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? Text.Printable(d.GetString(), 200) : null;
            return (error, description) switch
            {
                ({ Length: > 0 }, { Length: > 0 }) => $": {error}: {description}",
                ({ Length: > 0 }, _) => $": {error}",
                (_, { Length: > 0 }) => $": {description}",
                _ => string.Empty,
            };
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
