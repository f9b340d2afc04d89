using Microsoft.IdentityModel.JsonWebTokens;

namespace MsRelapse.Server.Web;

/// <summary>
/// Who a SMART launch signed in, from the ID token of the back-channel token response. The token comes over TLS from the
/// EHR's token endpoint in exchange for a code bound to our PKCE verifier, which OpenID Connect Core §3.1.3.7 lets stand
/// for the signature check; its other checks still apply, and a token that fails one names nobody: it must be for this
/// client (<c>aud</c>), unexpired (<c>exp</c>, five minutes of clock skew), answer this launch (<c>nonce</c>), and come
/// from the issuer the EHR's smart-configuration names, when it names one (<c>iss</c>).
/// </summary>
/// <param name="User"><c>fhirUser</c>, else <c>sub</c>.</param>
/// <param name="Name"><c>name</c>, when given.</param>
public sealed record LaunchedUser(string? User, string? Name)
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The user the ID token names, or null when there is none or it fails a check.</summary>
    public static LaunchedUser? Of(string? idToken, string clientId, string nonce, string? issuer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(nonce);
        if (idToken is null)
        {
            return null;
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(idToken);
        }
        catch (ArgumentException)
        {
            return null; // not a JWT
        }

        // exp within DateTimeOffset's range (a year-10000 exp would throw rather than say "not fresh").
        var fresh = jwt.TryGetPayloadValue<long>("exp", out var exp) && exp is > 0 and < 253_402_300_800
            && DateTimeOffset.FromUnixTimeSeconds(exp) > now - ClockSkew;
        var forUs = jwt.Audiences.Contains(clientId, StringComparer.Ordinal);
        var ours = jwt.TryGetPayloadValue<string>("nonce", out var n) && string.Equals(n, nonce, StringComparison.Ordinal);
        var fromIssuer = issuer is null || string.Equals(jwt.Issuer, issuer, StringComparison.Ordinal);
        if (!(fresh && forUs && ours && fromIssuer))
        {
            return null;
        }

        return new LaunchedUser(
            jwt.TryGetPayloadValue<string>("fhirUser", out var fhirUser) ? fhirUser : jwt.Subject,
            jwt.TryGetPayloadValue<string>("name", out var name) ? name : null);
    }
}
