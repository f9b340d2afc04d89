using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server.Web;

/// <summary>
/// SMART on FHIR EHR launch (<c>/launch?iss=…&amp;launch=…</c>): discovers the EHR's endpoints
/// (<c>{iss}/.well-known/smart-configuration</c>), authorizes with PKCE (S256), <c>launch</c> and <c>aud</c> = <c>iss</c>,
/// exchanges the code, reads the patient's record from the EHR's FHIR server with the granted token
/// (<c>Patient/{id}/$everything</c>), checks it with the same FHIR reader as everywhere and opens the page on it
/// (<c>/smart/#/launched/{key}</c>) without storing it: the record is held in memory for <see cref="RecordLifetime"/>
/// under a random key, and goes into the registry only if the user saves it. Configuration: <c>Smart:ClientId</c>
/// (turns it on), <c>Smart:Issuers</c> (the EHR FHIR base URLs allowed to launch, separated by ';'),
/// <c>Smart:Scope</c>, <c>Smart:FrameAncestors</c> (who may frame the launched page, e.g. the EHR's origin; default none).
/// </summary>
public static class SmartLaunch
{
    /// <summary>How long a launched record stays readable by the page.</summary>
    public static readonly TimeSpan RecordLifetime = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan AttemptLifetime = TimeSpan.FromMinutes(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Registers the launch's state (pending authorizations and launched records, in memory).</summary>
    public static void AddSmartLaunch(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var c = builder.Configuration;
        var settings = new SmartSettings(
            c["Smart:ClientId"],
            (c["Smart:Issuers"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => x.TrimEnd('/')).ToArray(),
            c["Smart:Scope"] ?? "launch openid fhirUser patient/*.read",
            c["Smart:FrameAncestors"] is { Length: > 0 } f ? f : "'none'");
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<SmartStore>();
        builder.Services.AddHttpClient("smart", h => h.Timeout = TimeSpan.FromSeconds(20));
    }

    /// <summary>Maps <c>/launch</c>, <c>/launch/callback</c>, <c>/launch/record/{key}</c> and the frameable page <c>/smart/</c>.</summary>
    public static void MapSmartLaunch(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<SmartSettings>();
        if (string.IsNullOrWhiteSpace(settings.ClientId))
        {
            return;
        }

        app.MapGet("/launch", LaunchAsync).ExcludeFromDescription();
        app.MapGet("/launch/callback", CallbackAsync).ExcludeFromDescription();
        var record = app.MapGet("/launch/record/{key}", Record).ExcludeFromDescription();
        if (app.Services.GetRequiredService<PageSignIn.PageSignInState>().Sessions)
        {
            record.RequireAuthorization(Security.ReaderPolicy);
        }
        app.MapGet("/smart/", (HttpContext context) => ServePage(context, settings)).ExcludeFromDescription();
    }

    private static async Task<IResult> LaunchAsync(HttpContext context, SmartSettings settings, SmartStore store, IHttpClientFactory http, PageSignIn.PageSignInState pageState)
    {
        string iss = context.Request.Query["iss"].ToString().TrimEnd('/');
        string launch = context.Request.Query["launch"].ToString();
        if (iss.Length == 0 || launch.Length == 0)
        {
            return Page(StatusCodes.Status400BadRequest, "This launch is incomplete.", "The EHR must give iss and launch: start MsRelapse from the EHR again.");
        }

        if (!settings.Issuers.Contains(iss, StringComparer.Ordinal))
        {
            return Page(StatusCodes.Status400BadRequest, "This EHR is not allowed to launch MsRelapse.",
                "Its FHIR server is not in Smart:Issuers. Ask the administrator to add it.");
        }

        JsonElement config;
        try
        {
            using var client = http.CreateClient("smart");
            using var response = await client.GetAsync(new Uri($"{iss}/.well-known/smart-configuration"), context.RequestAborted).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            config = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.RequestAborted).ConfigureAwait(false)).RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
        {
            return Page(StatusCodes.Status502BadGateway, "The EHR's sign-in service cannot be reached.", "Its smart-configuration could not be read: try again, or ask the administrator.");
        }

        if (!config.TryGetProperty("authorization_endpoint", out var authorize) || !config.TryGetProperty("token_endpoint", out var token)
            || authorize.GetString() is not { } authorizeUrl || token.GetString() is not { } tokenUrl)
        {
            return Page(StatusCodes.Status502BadGateway, "The EHR's sign-in service is not usable.", "Its smart-configuration names no authorization or token endpoint.");
        }

        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(24));
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(24));
        var idTokenIssuer = config.TryGetProperty("issuer", out var issuerElement) && issuerElement.ValueKind == JsonValueKind.String ? issuerElement.GetString() : null;
        var redirect = $"{context.Request.Scheme}://{context.Request.Host}/launch/callback";
        // The state (and the PKCE verifier kept with it) belongs to this browser: a random id in a short-lived
        // HttpOnly cookie, which the callback must bring back. A callback URL carried to another browser is refused.
        var browser = BrowserId(context, pageState);
        store.Attempts[state] = new Attempt(iss, tokenUrl, verifier, redirect, DateTimeOffset.UtcNow + AttemptLifetime, Hash(browser), nonce, idTokenIssuer);
        store.Sweep();
        var url = QueryHelpers.AddQueryString(authorizeUrl, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = redirect,
            ["scope"] = settings.Scope,
            ["state"] = state,
            ["aud"] = iss,
            ["launch"] = launch,
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
            ["nonce"] = nonce,
        });
        return Results.Redirect(url);
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, SmartSettings settings, SmartStore store, IHttpClientFactory http, Evaluator evaluator, PageSignIn.PageSignInState pageState)
    {
        var query = context.Request.Query;
        string state = query["state"].ToString();
        // The state is single-use (taken out whatever happens next), and only in the browser that started the launch:
        // a callback from another browser (no cookie, or another one) is refused and leaves the attempt to its owner.
        var cookie = context.Request.Cookies[LaunchCookie];
        if (state.Length == 0 || !store.Attempts.TryGetValue(state, out var attempt) || cookie is not { Length: > 0 }
            || !CryptographicOperations.FixedTimeEquals(attempt.Browser, Hash(cookie))
            || !store.Attempts.TryRemove(state, out _) || attempt.Expires < DateTimeOffset.UtcNow)
        {
            return Page(StatusCodes.Status400BadRequest, "This sign-in attempt is not recognised.",
                "The answer from the EHR does not match a launch started here (wrong or expired state). Launch MsRelapse from the EHR again.");
        }

        if (query["error"].ToString() is { Length: > 0 } error)
        {
            return Page(StatusCodes.Status403Forbidden, "The EHR did not grant access.",
                error == "access_denied" ? "Access to the patient's record was denied. Nothing was read." : $"The EHR answered '{error}'. Nothing was read.");
        }

        string code = query["code"].ToString();
        if (code.Length == 0)
        {
            return Page(StatusCodes.Status400BadRequest, "The EHR's answer has no authorization code.", "Launch MsRelapse from the EHR again.");
        }

        using var client = http.CreateClient("smart");
        string accessToken;
        string patientId;
        string? idToken;
        try
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = attempt.RedirectUri,
                ["client_id"] = settings.ClientId!,
                ["code_verifier"] = attempt.Verifier,
            });
            using var response = await client.PostAsync(new Uri(attempt.TokenEndpoint), form, context.RequestAborted).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return Page(StatusCodes.Status403Forbidden, "The EHR did not give an access token.", "The authorization could not be completed (it may have expired). Launch again from the EHR.");
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.RequestAborted).ConfigureAwait(false));
            accessToken = doc.RootElement.GetProperty("access_token").GetString() ?? "";
            patientId = doc.RootElement.TryGetProperty("patient", out var p) ? p.GetString() ?? "" : "";
            idToken = doc.RootElement.TryGetProperty("id_token", out var it) && it.ValueKind == JsonValueKind.String ? it.GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
            return Page(StatusCodes.Status502BadGateway, "The EHR's token service answered something unreadable.", "Launch again from the EHR, or ask the administrator.");
        }

        if (accessToken.Length == 0 || !BundleEditing.IsValidId(patientId))
        {
            return Page(StatusCodes.Status400BadRequest, "The EHR did not say which patient is open.", "Open a patient in the EHR, then launch MsRelapse from there.");
        }

        string bundleJson;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{attempt.Issuer}/Patient/{Uri.EscapeDataString(patientId)}/$everything"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            using var response = await client.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                return Page(StatusCodes.Status403Forbidden, "The EHR did not accept the access token.",
                    "It has expired or was withdrawn. Launch MsRelapse from the EHR again.");
            }

            response.EnsureSuccessStatusCode();
            bundleJson = await response.Content.ReadAsStringAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Page(StatusCodes.Status502BadGateway, "The EHR's FHIR server cannot be reached.", "Try again, or ask the administrator.");
        }

        // The same reader as every other way in: a record it cannot read is not shown as if it were.
        var read = evaluator.Read(bundleJson);
        if (read.Record is null || read.Errors.Count > 0)
        {
            return Page(StatusCodes.Status422UnprocessableEntity, "The record from the EHR cannot be evaluated.",
                string.Join(" ", read.Errors.Take(5).Select(e => e.Message)));
        }

        var key = Base64Url(RandomNumberGenerator.GetBytes(24));
        string? owner = null;
        if (pageState.Sessions)
        {
            // Authentication is on: the EHR's grant proves an EHR user, who gets a page session with reader rights only
            // (writes still need the clinician role, which no SMART launch gives). The launched record is theirs alone.
            // A user already signed in on the page (OpenID Connect) keeps that session and its rights.
            var signedIn = pageState.On && context.Request.Cookies.ContainsKey(PageSignIn.CookieName)
                ? await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(context, PageSignIn.CookieScheme).ConfigureAwait(false)
                : null;
            owner = signedIn?.Principal?.FindFirst(PageSignIn.CsrfClaim)?.Value
                ?? await SignInLaunchedUserAsync(context, attempt.Issuer, LaunchedUser.Of(idToken, settings.ClientId!, attempt.Nonce, attempt.IdTokenIssuer, DateTimeOffset.UtcNow)).ConfigureAwait(false);
        }

        store.Records[key] = new Launched(bundleJson, attempt.Issuer, DateTimeOffset.UtcNow + RecordLifetime, owner);
        return Results.Redirect($"/smart/#/launched/{key}");
    }

    private static IResult Record(string key, SmartStore store, HttpContext context)
    {
        if (!store.Records.TryGetValue(key, out var launched) || launched.Expires < DateTimeOffset.UtcNow
            || (launched.Owner is not null && !(context.User.FindFirst(PageSignIn.CsrfClaim)?.Value is { } session && session == launched.Owner)))
        {
            store.Records.TryRemove(key, out _);
            return Problems.Create(StatusCodes.Status404NotFound, "launch-expired", "This launch has expired.", "Launch MsRelapse from the EHR again.");
        }

        return Results.Text($"{{\"fhirServer\":{JsonSerializer.Serialize(launched.Issuer, Json)},\"bundle\":{launched.BundleJson}}}", "application/json; charset=utf-8");
    }

    /// <summary>The page itself, framable by the configured EHR origins (only here: the rest of the site keeps frame-ancestors 'none').</summary>
    private static async Task ServePage(HttpContext context, SmartSettings settings)
    {
        var assembly = typeof(SmartLaunch).Assembly;
        await using var stream = assembly.GetManifestResourceStream("MsRelapse.Server.wwwroot.index.html");
        if (stream is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = WebPage.ContentSecurityPolicy.Replace("frame-ancestors 'none'", $"frame-ancestors {settings.FrameAncestors}", StringComparison.Ordinal);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        context.Response.ContentType = "text/html; charset=utf-8";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A short page in words for a launch that cannot go on (no patient data in it).</summary>
    private static IResult Page(int status, string title, string detail)
    {
        var html = string.Create(CultureInfo.InvariantCulture,
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>MsRelapse — launch</title></head><body><main><h1>{HtmlEncoder.Default.Encode(title)}</h1><p>{HtmlEncoder.Default.Encode(detail)}</p></main></body></html>");
        return new LaunchPage(status, html);
    }

    private static string Base64Url(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);

    private sealed class LaunchPage(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; base-uri 'none'";
            return httpContext.Response.WriteAsync(html);
        }
    }

    /// <summary>Configuration of the launch.</summary>
    private sealed record SmartSettings(string? ClientId, string[] Issuers, string Scope, string FrameAncestors);

    private sealed record Attempt(string Issuer, string TokenEndpoint, string Verifier, string RedirectUri, DateTimeOffset Expires, byte[] Browser, string Nonce, string? IdTokenIssuer);

    private sealed record Launched(string BundleJson, string Issuer, DateTimeOffset Expires, string? Owner);

    /// <summary>The cookie that ties a launch's state to the browser that started it.</summary>
    public const string LaunchCookie = "__msrelapse_launch";

    /// <summary>This browser's launch id: the one in its cookie (kept for other tabs' launches), or a new one; the cookie is (re)set.</summary>
    private static string BrowserId(HttpContext context, PageSignIn.PageSignInState pageState)
    {
        var id = context.Request.Cookies[LaunchCookie] is { Length: 43 } existing && existing.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? existing
            : Base64Url(RandomNumberGenerator.GetBytes(32));
        // Inside the EHR's iframe (another site) only a SameSite=None cookie comes back; that needs Secure (https),
        // and Partitioned keeps it to the EHR's frame (CHIPS). On a loopback-only http binding (a developer's
        // machine, the tests) Lax is what the browser keeps.
        var options = new CookieOptions
        {
            HttpOnly = true,
            Path = "/launch",
            MaxAge = AttemptLifetime,
            IsEssential = true,
            Secure = !pageState.LoopbackOnly || context.Request.IsHttps,
            SameSite = pageState.LoopbackOnly && !context.Request.IsHttps ? SameSiteMode.Lax : SameSiteMode.None,
        };
        if (options.SameSite == SameSiteMode.None)
        {
            options.Extensions.Add("Partitioned");
        }

        context.Response.Cookies.Append(LaunchCookie, id, options);
        return id;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>
    /// Signs the launched EHR user in as a reader (cookie <see cref="PageSignIn.SmartCookieName"/>), named by the ID token
    /// of the back-channel token response when it passes <see cref="LaunchedUser.Of"/> (else an unnamed EHR user: the
    /// session's rights are the same, only the name shown and audited is missing). Returns the session's key for the
    /// launched record (its anti-forgery token).
    /// </summary>
    private static async Task<string> SignInLaunchedUserAsync(HttpContext context, string issuer, LaunchedUser? launched)
    {
        var user = launched?.User;
        var name = launched?.Name;
        static bool Usable(string? text) => text is { Length: > 0 and <= 200 } && !text.Any(char.IsControl) && !text.Any(char.IsSurrogate);
        var site = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(issuer)))[..8].ToLowerInvariant();
        var csrf = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var identity = new System.Security.Claims.ClaimsIdentity(
            [
                new("sub", $"smart:{site}:{(Usable(user) ? user : "ehr-user")}"),
                new("name", Usable(name) ? name! : "EHR user"),
                new("roles", "reader"),
                new(PageSignIn.ViaClaim, "smart"),
                new(PageSignIn.CsrfClaim, csrf),
            ],
            PageSignIn.SmartCookieScheme, "name", "roles");
        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignInAsync(
            context, PageSignIn.SmartCookieScheme, new System.Security.Claims.ClaimsPrincipal(identity)).ConfigureAwait(false);
        return csrf;
    }

    /// <summary>Pending authorizations (by state) and launched records (by key), in memory, expiring.</summary>
    private sealed class SmartStore
    {
        public ConcurrentDictionary<string, Attempt> Attempts { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, Launched> Records { get; } = new(StringComparer.Ordinal);

        public void Sweep()
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (k, v) in Attempts)
            {
                if (v.Expires < now)
                {
                    Attempts.TryRemove(k, out _);
                }
            }

            foreach (var (k, v) in Records)
            {
                if (v.Expires < now)
                {
                    Records.TryRemove(k, out _);
                }
            }
        }
    }
}
