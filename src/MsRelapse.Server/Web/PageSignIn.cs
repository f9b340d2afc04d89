using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server.Web;

/// <summary>
/// Sign-in for the clinician page when authentication is on: the backend-for-frontend pattern. The server runs the
/// OpenID Connect authorization code flow with PKCE (S256) against the configured issuer (<c>Auth:Authority</c>) as
/// client <c>Auth:ClientId</c> (secret <c>Auth:ClientSecret</c> when the client is confidential); the handler checks
/// <c>state</c> and <c>nonce</c>. Tokens stay on the server side: the browser holds only an HttpOnly, Secure,
/// SameSite=Lax session cookie, and every write made with that cookie must carry the session's anti-forgery token in
/// <c>X-CSRF-Token</c>. Bearer tokens (other programs) keep working unchanged. Roles come from <c>roles</c>/<c>role</c>
/// and from Keycloak's <c>realm_access.roles</c>. Without authentication (the local demo mode) nothing changes.
/// </summary>
public static class PageSignIn
{
    /// <summary>The session cookie's scheme.</summary>
    public const string CookieScheme = "page";

    /// <summary>The OpenID Connect scheme.</summary>
    public const string OidcScheme = "oidc";

    /// <summary>Chooses bearer or the session cookie per request.</summary>
    public const string SelectorScheme = "bearer-or-page";

    /// <summary>The claim holding the session's anti-forgery token.</summary>
    public const string CsrfClaim = "msrelapse:csrf";

    /// <summary>The session cookie of a SMART-launched page (authentication on): a reader, never a clinician by itself.</summary>
    public const string SmartCookieScheme = "smart-page";

    /// <summary>The page session's cookie.</summary>
    public const string CookieName = "__msrelapse_session";

    /// <summary>The SMART-launched page session's cookie.</summary>
    public const string SmartCookieName = "__msrelapse_smart";

    /// <summary>The header a cookie-authenticated write must carry.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Registers the page's sign-in when authentication is on and <c>Auth:ClientId</c> is configured; always registers
    /// the Keycloak role mapping when authentication is on. Returns true when the page's sign-in is on.
    /// </summary>
    public static bool AddPageSignIn(this WebApplicationBuilder builder, ServerOptions options, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var services = builder.Services;
        var clientId = builder.Configuration["Auth:ClientId"];
        var on = authEnabled && !string.IsNullOrWhiteSpace(clientId) && !string.IsNullOrWhiteSpace(options.AuthAuthority);
        // A SMART EHR launch with authentication on signs the launched user in too (a reader session; SmartLaunch.cs).
        var smart = authEnabled && !string.IsNullOrWhiteSpace(builder.Configuration["Smart:ClientId"]);
        // Loopback-only (a developer's machine, the tests) may run over plain HTTP; anything else gets Secure cookies.
        var loopbackOnly = Security.IsLoopbackOnly(options.Urls);
        services.AddSingleton(new PageSignInState(on, on || smart, loopbackOnly));
        if (!authEnabled)
        {
            return false;
        }

        services.AddTransient<IClaimsTransformation, KeycloakRoles>();
        if (!on && !smart)
        {
            return false;
        }

        var secure = loopbackOnly ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        var loopbackIssuer = Uri.TryCreate(options.AuthAuthority, UriKind.Absolute, out var issuer) && issuer.IsLoopback;
        var sessions = new PageSessions(TimeSpan.FromHours(8));
        services.AddSingleton(sessions);
        var authentication = services.AddAuthentication()
            .AddPolicyScheme(SelectorScheme, "Bearer token or the page's session", p => p.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : !context.Request.Cookies.ContainsKey(CookieName) && context.Request.Cookies.ContainsKey(SmartCookieName) ? SmartCookieScheme
                    : on ? CookieScheme : SmartCookieScheme)
            .AddCookie(CookieScheme, c => Session(c, CookieName, secure, SameSiteMode.Lax, sessions))
            // The SMART-launched page may live in the EHR's iframe (another site): its session cookie must be sent
            // there, so off loopback it is SameSite=None; Secure; Partitioned (CHIPS). Writes still need the CSRF token.
            .AddCookie(SmartCookieScheme, c => Session(c, SmartCookieName, secure, loopbackOnly ? SameSiteMode.Lax : SameSiteMode.None, sessions));
        services.PostConfigure<AuthenticationOptions>(a =>
        {
            a.DefaultScheme = SelectorScheme;
            a.DefaultAuthenticateScheme = SelectorScheme;
            a.DefaultChallengeScheme = SelectorScheme;
            a.DefaultForbidScheme = SelectorScheme;
        });
        if (!on)
        {
            return false;
        }

        authentication
            .AddOpenIdConnect(OidcScheme, o =>
            {
                o.SignInScheme = CookieScheme;
                o.SignOutScheme = CookieScheme;
                o.Authority = options.AuthAuthority;
                o.ClientId = clientId;
                o.ClientSecret = builder.Configuration["Auth:ClientSecret"];
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true; // S256
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.CallbackPath = "/auth/callback";
                o.SignedOutCallbackPath = "/auth/signed-out";
                o.SignedOutRedirectUri = SignedOutPage;
                o.SaveTokens = false; // nothing but the session leaves the server's memory of this sign-in
                o.GetClaimsFromUserInfoEndpoint = false;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.RequireHttpsMetadata = !loopbackIssuer;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                o.CorrelationCookie.SecurePolicy = secure;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = secure;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.Events.OnTokenValidated = x =>
                {
                    if (x.Principal?.Identity is ClaimsIdentity identity)
                    {
                        identity.AddClaim(new Claim(CsrfClaim, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
                    }

                    // Only the ID token is kept (in the server-side session): the issuer's end-session endpoint wants
                    // it as id_token_hint. Access and refresh tokens are not kept at all.
                    if ((x.TokenEndpointResponse?.IdToken ?? x.ProtocolMessage?.IdToken) is { Length: > 0 } idToken && x.Properties is { } properties)
                    {
                        properties.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
                    }

                    return Task.CompletedTask;
                };
                o.Events.OnRemoteFailure = x =>
                {
                    // Denied, a wrong state, an expired attempt: back to the page, told in words (never the issuer's text).
                    x.HandleResponse();
                    x.Response.Redirect("/?signin=failed#/patients");
                    return Task.CompletedTask;
                };
            });
        return true;
    }

    /// <summary>One session cookie: HttpOnly, the session kept on the server, 401/403 instead of redirects.</summary>
    private static void Session(CookieAuthenticationOptions c, string name, CookieSecurePolicy secure, SameSiteMode sameSite, PageSessions sessions)
    {
        c.Cookie.Name = name;
        c.Cookie.HttpOnly = true;
        c.Cookie.SecurePolicy = sameSite == SameSiteMode.None ? CookieSecurePolicy.Always : secure;
        c.Cookie.SameSite = sameSite;
        if (sameSite == SameSiteMode.None)
        {
            c.Cookie.Extensions.Add("Partitioned");
        }

        c.ExpireTimeSpan = TimeSpan.FromHours(8);
        c.SlidingExpiration = true;
        // The session lives on the server; the cookie holds only its key. Signing out removes it, so a copy of the
        // cookie taken before sign-out is worth nothing after it.
        c.SessionStore = sessions;
        // The API answers 401/403 as problems; only /auth/sign-in redirects to the issuer.
        c.Events.OnRedirectToLogin = x => { x.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
        c.Events.OnRedirectToAccessDenied = x => { x.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
    }

    /// <summary>The anti-forgery check for writes made with the session cookie (after authentication).</summary>
    public static void UsePageSignIn(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Services.GetRequiredService<PageSignInState>().Sessions)
        {
            return;
        }

        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
            var byCookie = context.User.Identity?.AuthenticationType is not null
                && context.User.FindFirst(CsrfClaim) is not null
                && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
            if (!safe && byCookie && !request.Path.StartsWithSegments("/auth/sign-out"))
            {
                var expected = context.User.FindFirst(CsrfClaim)!.Value;
                var given = request.Headers[CsrfHeader].ToString();
                if (!FixedTimeEquals(expected, given))
                {
                    await Problems.Create(StatusCodes.Status403Forbidden, "csrf-failed", "The request did not come from the MsRelapse page.",
                        $"A write made with the page's session must carry the {CsrfHeader} header: reload the page and try again.").ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>Maps <c>/auth/session</c> (always: the page asks it which mode it is in), and when on, sign-in and sign-out.</summary>
    public static void MapPageSignIn(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var state = app.Services.GetRequiredService<PageSignInState>();
        // "oidc": the page can sign in; "session": only SMART launches make sessions (authentication on, no page client).
        var mode = state.On ? "oidc" : state.Sessions ? "session" : "none";
        app.MapGet("/auth/session", async (HttpContext context) =>
        {
            if (!state.Sessions)
            {
                return Results.Json(new { mode }, Json);
            }

            context.Response.Headers.CacheControl = "no-store";
            var result = await context.AuthenticateAsync(state.On && context.Request.Cookies.ContainsKey(CookieName) ? CookieScheme : SmartCookieScheme).ConfigureAwait(false);
            var user = result.Succeeded ? result.Principal : null;
            if (user is null)
            {
                return Results.Json(new { mode, signedIn = false }, Json);
            }

            var roles = user.Claims.Where(c => c.Type is "roles" or "role" or ClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
            return Results.Json(new
            {
                mode,
                signedIn = true,
                name = user.FindFirst("name")?.Value ?? user.FindFirst("preferred_username")?.Value,
                roles,
                via = user.FindFirst(ViaClaim)?.Value ?? "oidc",
                csrfToken = user.FindFirst(CsrfClaim)?.Value,
            }, Json);
        }).ExcludeFromDescription();
        if (!state.Sessions)
        {
            return;
        }

        app.MapPost("/auth/sign-out", SignOutAsync).ExcludeFromDescription();
        if (state.On)
        {
            app.MapGet("/auth/sign-in", (string? returnUrl) =>
                Results.Challenge(new AuthenticationProperties { RedirectUri = LocalReturn(returnUrl) }, [OidcScheme])).ExcludeFromDescription();
        }
    }

    /// <summary>How the session was made: <c>smart</c> for a SMART EHR launch.</summary>
    public const string ViaClaim = "msrelapse:via";

    /// <summary>Where the browser lands once signed out (the page then says so).</summary>
    public const string SignedOutPage = "/?signedout=1#/patients";

    /// <summary>
    /// Ends the page's session: the server-side session is removed and its cookie cleared; then, when the issuer
    /// advertises an <c>end_session_endpoint</c>, the browser is sent there (RP-initiated logout with
    /// <c>id_token_hint</c>, back to <c>/auth/signed-out</c>) so that the issuer's own session ends too. The page calls
    /// it with fetch (its CSP's <c>form-action 'self'</c> would stop a form's redirect to the issuer) and gets
    /// <c>{"next": url}</c>; a plain form POST gets a redirect.
    /// </summary>
    private static async Task<IResult> SignOutAsync(HttpContext context, IOptionsMonitor<OpenIdConnectOptions> oidcOptions)
    {
        var state = context.RequestServices.GetRequiredService<PageSignInState>();
        var result = state.On ? await context.AuthenticateAsync(CookieScheme).ConfigureAwait(false) : AuthenticateResult.NoResult();
        var smart = await context.AuthenticateAsync(SmartCookieScheme).ConfigureAwait(false);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync().ConfigureAwait(false) : null;
        var expected = result.Principal?.FindFirst(CsrfClaim)?.Value ?? smart.Principal?.FindFirst(CsrfClaim)?.Value;
        if (expected is not null && !FixedTimeEquals(expected, form?["csrf"].ToString() is { Length: > 0 } f ? f : context.Request.Headers[CsrfHeader].ToString()))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "csrf-failed", "The sign-out did not come from the MsRelapse page.");
        }

        var next = SignedOutPage;
        OpenIdConnectConfiguration? configuration = null;
        try
        {
            configuration = result.Succeeded && oidcOptions.Get(OidcScheme).ConfigurationManager is { } manager
                ? await manager.GetConfigurationAsync(context.RequestAborted).ConfigureAwait(false)
                : null;
        }
        catch (InvalidOperationException)
        {
            // The issuer cannot be reached: the local session ends all the same.
        }
        catch (IOException)
        {
        }

        if (configuration?.EndSessionEndpoint is { Length: > 0 })
        {
            // Before the session goes: the handler reads the ID token from it (id_token_hint) and writes a redirect
            // to the end-session endpoint (state, post_logout_redirect_uri); that address is handed to the page.
            await context.SignOutAsync(OidcScheme, new AuthenticationProperties { RedirectUri = SignedOutPage }).ConfigureAwait(false);
            if (context.Response.Headers.Location.ToString() is { Length: > 0 } location)
            {
                next = location;
            }

            context.Response.Headers.Location = default;
            context.Response.StatusCode = StatusCodes.Status200OK;
        }

        if (state.On)
        {
            await context.SignOutAsync(CookieScheme).ConfigureAwait(false);
        }

        await context.SignOutAsync(SmartCookieScheme).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        return context.Request.HasFormContentType ? Results.Redirect(next) : Results.Json(new { next }, Json);
    }

    /// <summary>Only a path on this site (an open redirect would hand the session to another site).</summary>
    private static string LocalReturn(string? url) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    private static bool FixedTimeEquals(string expected, string given) =>
        given.Length == expected.Length
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(given));

    /// <summary>Whether the page's OpenID Connect sign-in is on, whether page sessions exist at all (sign-in or SMART), loopback-only.</summary>
    internal sealed record PageSignInState(bool On, bool Sessions, bool LoopbackOnly);

    /// <summary>
    /// The page's sessions, in this process's memory (the cookie carries a random key): removed at sign-out and at
    /// expiry. Several instances behind a balancer need sticky sessions or a shared store (docs/clinician-page.md).
    /// </summary>
    internal sealed class PageSessions(TimeSpan lifetime) : ITicketStore
    {
        private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, DateTimeOffset Expires)> tickets = new(StringComparer.Ordinal);

        public Task<string> StoreAsync(AuthenticationTicket ticket)
        {
            Sweep();
            var key = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
            tickets[key] = (ticket, Expiry(ticket));
            return Task.FromResult(key);
        }

        public Task RenewAsync(string key, AuthenticationTicket ticket)
        {
            if (tickets.ContainsKey(key))
            {
                tickets[key] = (ticket, Expiry(ticket));
            }

            return Task.CompletedTask;
        }

        public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
            Task.FromResult(tickets.TryGetValue(key, out var entry) && entry.Expires > DateTimeOffset.UtcNow ? entry.Ticket : null);

        public Task RemoveAsync(string key)
        {
            tickets.TryRemove(key, out _);
            return Task.CompletedTask;
        }

        private DateTimeOffset Expiry(AuthenticationTicket ticket) => ticket.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow + lifetime;

        private void Sweep()
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (key, entry) in tickets)
            {
                if (entry.Expires <= now)
                {
                    tickets.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Keycloak puts realm roles in <c>realm_access.roles</c> (a JSON object): add each as a <c>roles</c> claim.</summary>
    private sealed class KeycloakRoles : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            if (principal.Identity is not ClaimsIdentity identity || identity.FindFirst("realm_access") is not { } claim)
            {
                return Task.FromResult(principal);
            }

            try
            {
                using var doc = JsonDocument.Parse(claim.Value);
                if (doc.RootElement.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array)
                {
                    foreach (var role in roles.EnumerateArray().Select(r => r.GetString()).OfType<string>())
                    {
                        if (!identity.HasClaim("roles", role))
                        {
                            identity.AddClaim(new Claim("roles", role));
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not the Keycloak shape: no roles from it.
            }

            return Task.FromResult(principal);
        }
    }
}
