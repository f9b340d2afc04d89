using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Who may call what. Loopback binding (127.0.0.0/8, ::1, localhost) without an authority is the local demo
/// mode: no authentication, every call made by <c>anonymous</c>. Any other binding requires an OpenID Connect
/// issuer and audience (bearer JWTs); reads then need an authenticated user and writes the role <c>clinician</c>.
/// </summary>
public static class Security
{
    /// <summary>Policy for reads: an authenticated user.</summary>
    public const string ReaderPolicy = "reader";

    /// <summary>
    /// Policy for reads of the registry (its patients, their evaluations and CDS feedback, the worklist, <c>$apply</c>
    /// on a stored patient): an authenticated user who is not signed in by a SMART launch. A launch is the EHR's grant
    /// for the one patient it opened (SMART App Launch: the launch context); its session reads that record
    /// (<c>/launch/record/{key}</c>) and evaluates it, and reaches no other patient of the registry.
    /// </summary>
    public const string RegistryReaderPolicy = "registry-reader";

    /// <summary>Policy for writes: role <c>clinician</c>.</summary>
    public const string ClinicianPolicy = "clinician";

    /// <summary>The role that may write.</summary>
    public const string ClinicianRole = "clinician";

    /// <summary>The audit user in local demo mode.</summary>
    public const string AnonymousUser = "anonymous";

    /// <summary>True when every address in <paramref name="urls"/> is a loopback address.</summary>
    public static bool IsLoopbackOnly(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var parts = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 && parts.All(IsLoopback);
    }

    private static bool IsLoopback(string url)
    {
        // "http://*:80" and "http://+:80" mean every interface; Uri refuses them, and so do we.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Decides the mode and registers authentication and authorization; throws when it may not start.</summary>
    /// <returns>True when authentication is on.</returns>
    public static bool Configure(IServiceCollection services, ServerOptions options, ServerHooks hooks)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hooks);
        var hasAuthority = !string.IsNullOrWhiteSpace(options.AuthAuthority);
        var hasAudience = !string.IsNullOrWhiteSpace(options.AuthAudience);
        var enabled = hasAuthority || hasAudience || hooks.ConfigureJwtBearer is not null;
        if (!enabled && !IsLoopbackOnly(options.Urls))
        {
            throw new ServerConfigurationException(
                "listening on a non-loopback address needs authentication: give --authority ISSUER --audience AUDIENCE " +
                "(or configuration Auth:Authority and Auth:Audience, e.g. env Auth__Authority), or bind to 127.0.0.1 for the local demo mode");
        }

        if (hooks.ConfigureJwtBearer is null && (hasAuthority != hasAudience))
        {
            throw new ServerConfigurationException("authentication needs both --authority (Auth:Authority) and --audience (Auth:Audience)");
        }

        var httpLoopbackIssuer = hasAuthority && CheckAuthority(options.AuthAuthority!);

        services.AddAuthorizationBuilder()
            .AddPolicy(ReaderPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(RegistryReaderPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => !IsSmartLaunch(c.User)))
            .AddPolicy(ClinicianPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => IsClinician(c.User)));
        if (!enabled)
        {
            return false;
        }

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.Authority = options.AuthAuthority;
                jwt.Audience = options.AuthAudience;
                // Keep the token's own claim names ("sub", "roles"): the audit log records "sub".
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.NameClaimType = "name";
                jwt.TokenValidationParameters.RoleClaimType = "roles";
                // The token must name its key (kid) among the issuer's: IdentityModel otherwise tries every key the issuer
                // publishes when the kid is unknown or absent (issue 12: a token with an unknown kid is refused).
                jwt.TokenValidationParameters.TryAllIssuerSigningKeys = false;
                // An issuer on this machine (a test or development identity provider) may speak plain HTTP.
                jwt.RequireHttpsMetadata = !httpLoopbackIssuer;
                var maxLifetime = options.MaxTokenLifetime;
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        RefuseLongLivedToken(context, maxLifetime);
                        return RefuseUnusableSubject(context);
                    },
                };
                // A refused token gets a bare "WWW-Authenticate: Bearer": no error_description saying which check
                // failed (expired, wrong key, wrong audience) to whoever is probing.
                jwt.IncludeErrorDetails = false;
                hooks.ConfigureJwtBearer?.Invoke(jwt);
            });
        return true;
    }

    /// <summary>Longest <c>sub</c> the audit log keeps (the column's length); a longer one is refused, not cut.</summary>
    public const int MaxSubjectLength = 256;

    /// <summary>
    /// The issuer must be an https URL (the signing keys come from it), or http on a loopback address (an identity
    /// provider on this machine). Anything else is refused at start rather than failing every request later.
    /// </summary>
    /// <returns>True when it is a plain-http loopback issuer.</returns>
    private static bool CheckAuthority(string authority)
    {
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new ServerConfigurationException($"--authority must be an https URL of the OpenID Connect issuer (got '{authority}')");
        }

        if (uri.Scheme == "http" && !(uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var a) && IPAddress.IsLoopback(a))))
        {
            throw new ServerConfigurationException("--authority must use https (the token signing keys are fetched from it); plain http is allowed only on a loopback address");
        }

        return uri.Scheme == "http";
    }

    /// <summary>
    /// A valid token whose <c>sub</c> cannot be written to the audit log as it is (missing while the token has no
    /// other name, longer than <see cref="MaxSubjectLength"/>, or holding control characters) is refused: 401. A token
    /// that names nobody would be audited as <see cref="AnonymousUser"/>, the demo mode's user: who wrote would be lost.
    /// </summary>
    private static Task RefuseUnusableSubject(TokenValidatedContext context)
    {
        var sub = context.Principal?.FindFirst("sub")?.Value ?? context.Principal?.FindFirst("name")?.Value;
        if (sub is null || sub.Length == 0 || sub.Length > MaxSubjectLength || sub.Any(char.IsControl) || HasLoneSurrogate(sub))
        {
            context.Fail("the token's subject cannot be recorded");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A valid token that lives longer than <paramref name="maxLifetime"/> (<see cref="ServerOptions.MaxTokenLifetime"/>)
    /// is refused: 401. IdentityModel checks only that <c>exp</c> is ahead, so a token with <c>exp</c> in the year 3000,
    /// once leaked, would open the API for ever. Its lifetime is <c>exp − iat</c>, or <c>exp − nbf</c> when it has no
    /// <c>iat</c>; and, whatever those say, <c>exp</c> may be no further than the maximum (plus the clock skew) from
    /// now: that covers a token with neither, and one that claims to be issued in the future (IdentityModel does not
    /// check <c>iat</c>). A token without <c>exp</c> (only if a host turned off <c>RequireExpirationTime</c>) never
    /// expires and is refused.
    /// </summary>
    private static void RefuseLongLivedToken(TokenValidatedContext context, TimeSpan maxLifetime)
    {
        var token = context.SecurityToken;
        var parameters = context.Options.TokenValidationParameters;
        // The clock IdentityModel checks exp and nbf against (the system clock), not the host TimeProvider (the
        // authentication options take that one, which a test host sets to its patients' date): both checks on one clock.
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        if (token is null || token.ValidTo == DateTime.MinValue)
        {
            context.Fail("the token has no expiry");
            return;
        }

        // Seconds since 1970, as the claims are: no conversion to DateTime that an odd iat could overflow.
        var expires = (token.ValidTo - DateTime.UnixEpoch).TotalSeconds;
        double? start = token is JsonWebToken jwt && IssuedAt(jwt) is { } iat ? iat
            : token.ValidFrom != DateTime.MinValue ? (token.ValidFrom - DateTime.UnixEpoch).TotalSeconds : null;
        if ((start is { } s && expires - s > maxLifetime.TotalSeconds)
            || expires - (now - DateTime.UnixEpoch).TotalSeconds > (maxLifetime + parameters.ClockSkew).TotalSeconds)
        {
            context.Fail("the token lives longer than allowed");
        }
    }

    /// <summary>The token's <c>iat</c> in seconds since 1970 (a NumericDate: whole or fractional); null when absent or not a number.</summary>
    private static double? IssuedAt(JsonWebToken jwt) =>
        jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var whole) ? whole
        : jwt.TryGetPayloadValue<double>(JwtRegisteredClaimNames.Iat, out var fractional) && double.IsFinite(fractional) ? fractional
        : null;

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a session that a SMART launch signed in (it holds one patient's record, not the registry).</summary>
    public static bool IsSmartLaunch(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.HasClaim(Web.PageSignIn.ViaClaim, "smart");
    }

    /// <summary>
    /// Roles come as "roles" (Entra, most issuers) or "role", or as Keycloak's realm roles nested in
    /// <c>"realm_access": {"roles": [...]}</c>; any of them counts.
    /// </summary>
    public static bool IsClinician(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Claims.Any(c =>
            ((c.Type is "roles" or "role" or ClaimTypes.Role) && string.Equals(c.Value, ClinicianRole, StringComparison.Ordinal))
            || (c.Type == "realm_access" && KeycloakRealmRoles(c.Value).Contains(ClinicianRole, StringComparer.Ordinal)));
    }

    /// <summary>The string entries of <c>roles</c> in a Keycloak <c>realm_access</c> claim (a JSON object); none when it is not one.</summary>
    private static List<string> KeycloakRealmRoles(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("roles", out var roles)
                && roles.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                return [.. roles.EnumerateArray().Where(r => r.ValueKind == System.Text.Json.JsonValueKind.String).Select(r => r.GetString()!)];
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return [];
    }

    /// <summary>The user the audit log names: the token's <c>sub</c>, else its name; <c>anonymous</c> in demo mode.</summary>
    public static string AuditUser(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return AnonymousUser;
        }

        return user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity.Name ?? AnonymousUser;
    }

    /// <summary>Requires <paramref name="policy"/> when authentication is on; in demo mode, nothing.</summary>
    public static TBuilder Require<TBuilder>(this TBuilder builder, bool authEnabled, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        authEnabled ? builder.RequireAuthorization(policy) : builder;
}
