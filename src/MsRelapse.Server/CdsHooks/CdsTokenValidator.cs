using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// The CDS Hooks 2.0 client token (shared/contract/cds-hooks.md "Security"): <c>alg</c> ES384 or RS384 only,
/// <c>kid</c> required, <c>iss</c> on the allow-list, <c>aud</c> exactly the called URL, <c>exp</c> in the future
/// and at most 5 minutes after <c>iat</c>, <c>nbf</c> not ahead, <c>jti</c> never seen before (in the database,
/// so across instances). Any failure is a bare "no": the caller answers 401 with no detail, and nothing of the
/// token is logged.
/// </summary>
internal sealed class CdsTokenValidator(CdsHooksOptions options, JwksStore keys, ICdsHooksStore store, CdsHooksMetrics metrics, TimeProvider time)
{
    /// <summary>The key in <c>HttpContext.Items</c> of the validated call's <see cref="CdsClientOptions"/>.</summary>
    public const string ClientItem = "msrelapse.cds-client";

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private static readonly HashSet<string> Algorithms = [SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.RsaSha384];
    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = options.MaxTokenLength };

    /// <summary>True when the request carries a valid, unreplayed token for <paramref name="audience"/>.</summary>
    public async Task<bool> ValidateAsync(HttpRequest request, string audience, CancellationToken ct)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length == 0 || token.Length > options.MaxTokenLength)
        {
            return false;
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (SecurityTokenException)
        {
            return false;
        }

        if (!Algorithms.Contains(jwt.Alg) || string.IsNullOrEmpty(jwt.Kid) || string.IsNullOrEmpty(jwt.Issuer))
        {
            return false;
        }

        var client = options.Clients.FirstOrDefault(c => string.Equals(c.Issuer, jwt.Issuer, StringComparison.Ordinal));
        if (client is null)
        {
            return false;
        }

        string? jku = null;
        if (jwt.TryGetHeaderValue<string>(JwtHeaderParameterNames.Jku, out var named) && !string.IsNullOrEmpty(named))
        {
            var allowed = client.JkuAllowList.Append(client.JwksUrl).Any(u => u is not null && string.Equals(u, named, StringComparison.Ordinal));
            if (!allowed)
            {
                return false;
            }

            jku = named;
        }

        var key = await keys.FindAsync(client, jwt.Kid, jwt.Alg, jku, ct).ConfigureAwait(false);
        if (key is null)
        {
            return false;
        }

        var result = await _handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = client.Issuer,
            ValidAudience = audience,
            // The contract: aud exactly the called URL (the library would accept it with a slash added).
            IgnoreTrailingSlashWhenValidatingAudience = false,
            IssuerSigningKey = key,
            ValidAlgorithms = [jwt.Alg],
            // ES384 on a P-384 key checked with Bouncy Castle's P-384 arithmetic (Infrastructure/P384Signatures.cs).
            CryptoProviderFactory = P384Signatures.Factory,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Lifetime is checked below against the service's clock (TimeProvider), with the contract's limits.
            ValidateLifetime = false,
            ValidateIssuerSigningKey = true,
            TryAllIssuerSigningKeys = false,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var skew = options.ClockSkew;
        if (!TryTime(jwt, JwtRegisteredClaimNames.Exp, out var exp) || !TryTime(jwt, JwtRegisteredClaimNames.Iat, out var iat))
        {
            return false;
        }

        if (exp <= now - skew || exp - iat > MaxLifetime || iat > now + skew || iat < now - MaxLifetime - skew)
        {
            return false;
        }

        if (TryTime(jwt, JwtRegisteredClaimNames.Nbf, out var nbf) && nbf > now + skew)
        {
            return false;
        }

        var jti = jwt.Id;
        if (string.IsNullOrEmpty(jti) || jti.Length > 256)
        {
            return false;
        }

        // Kept until the token could no longer be accepted anyway.
        var started = Stopwatch.GetTimestamp();
        var recorded = await store.TryRecordTokenIdAsync(client.Issuer, jti, exp + skew, ct).ConfigureAwait(false);
        metrics.ReplayCheck(Stopwatch.GetElapsedTime(started));
        if (!recorded)
        {
            return false;
        }

        // The call's client: its FhirServers allow-list governs where prefetch may be fetched from.
        request.HttpContext.Items[ClientItem] = client;
        return true;
    }

    private static bool TryTime(JsonWebToken jwt, string claim, out DateTimeOffset value)
    {
        value = default;
        if (!jwt.TryGetPayloadValue<long>(claim, out var seconds) || seconds is < 0 or > 253402300799)
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
