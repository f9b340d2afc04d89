using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using MsRelapse.Server;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

/// <summary>A second MsRelapse service for one test, with extra configuration (authentication, SMART), on a temp database.</summary>
public sealed class TestService : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "msrelapse-browser-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Starts a service; <paramref name="jwt"/> non-null turns bearer checks on with the system clock (tokens expire by it).</summary>
    public static async Task<TestService> StartAsync(Action<ServerOptions> configure, Action<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>? jwt, params string[] args)
    {
        var service = new TestService();
        Directory.CreateDirectory(service.directory);
        var clock = new FakeTimeProvider(BrowserSuite.Today);
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        var options = new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Database = $"Data Source={Path.Combine(service.directory, "service.db")}",
            SeedDemoPatients = true,
            PrometheusEndpoint = false,
        };
        configure(options);
        // Cookies and ID tokens expire by the real clock (the issuer's): a fake date would expire them at once.
        var hooks = new ServerHooks
        {
            TimeProvider = jwt is null ? clock : TimeProvider.System,
            ConfigureJwtBearer = jwt,
            ConfigureBuilder = b => b.Logging.ClearProviders(),
        };
        service.app = MsRelapseServer.Build(options, args, hooks);
        await service.app.StartAsync();
        service.BaseUrl = service.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        for (var i = 0; i < 600 && !(await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode; i++)
        {
            await Task.Delay(100);
        }

        return service;
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Sign-in on the page with authentication on: OIDC code flow + PKCE against a mock issuer, the BFF session.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserSuite suite)
{
    [BrowserFact]
    public async Task A_clinician_signs_in_through_the_issuer_reads_and_writes_with_the_session_and_signs_out_for_good()
    {
        await using var issuer = await MockAuthorizationServer.StartAsync();
        await using var service = await TestService.StartAsync(o =>
        {
            o.AuthAuthority = issuer.Issuer;
            o.AuthAudience = "msrelapse";
        }, j => j.RequireHttpsMetadata = false, "--Auth:ClientId=msrelapse-page");
        await using var session = await suite.OpenAsync(service.BaseUrl + "/");
        var page = session.Page;

        // Signed out: the list needs a user; the page offers to sign in.
        await Expect(page.GetByTestId("problem")).ToContainTextAsync("The patient list could not be loaded.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();

        // The issuer saw the code flow with PKCE S256, a state and a nonce; back on the page, signed in with the
        // Keycloak realm role mapped.
        await Expect(page.GetByTestId("who")).ToContainTextAsync("Signed in: Dr Test Neuro");
        await Expect(page.GetByTestId("who")).ToContainTextAsync("clinician");
        Assert.Equal("code", issuer.LastAuthorization["response_type"]);
        Assert.Equal("S256", issuer.LastAuthorization["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(issuer.LastAuthorization["state"]));
        Assert.False(string.IsNullOrEmpty(issuer.LastAuthorization["nonce"]));
        await Expect(page.Locator("[data-testid=patient-table] tbody tr")).ToHaveCountAsync(7);

        // No token in the page's storage; the session cookie is HttpOnly and SameSite.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "__msrelapse_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        // A write from the page (with its anti-forgery token) works ...
        await page.GotoAsync(service.BaseUrl + "/#/patients/demo-mild-relapse");
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        await page.GetByTestId("data-entry").GetByText("Vital signs", new() { Exact = true }).ClickAsync();
        await page.Locator("#entry-vitals-form").GetByLabel("Weight (kg)").FillAsync("70");
        await page.Locator("#entry-vitals-form").GetByRole(AriaRole.Button, new() { Name = "Save vital signs" }).ClickAsync();
        await Expect(page.GetByTestId("data-used").Locator("tr", new() { HasText = "Weight" })).ToContainTextAsync("70 kg");
        // ... and the same write with the cookie but without the token (another site's form) is refused.
        var forged = await page.APIRequest.PostAsync(service.BaseUrl + "/api/patients/demo-mild-relapse/resources", new()
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/fhir+json" },
            Data = """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2026-05-11","valueQuantity":{"value":1,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}""",
        });
        Assert.Equal(403, forged.Status);
        Assert.Contains("csrf-failed", await forged.TextAsync(), StringComparison.Ordinal);

        // Sign out: the server forgets the session, the issuer's end-session endpoint ends the issuer's, and the page
        // comes back signed out. A copy of the old session cookie (taken before) no longer reads or writes.
        var before = await page.APIRequest.GetAsync(service.BaseUrl + "/auth/session");
        var oldCsrf = System.Text.Json.JsonDocument.Parse(await before.TextAsync()).RootElement.GetProperty("csrfToken").GetString();
        var oldCookie = string.Join("; ", (await page.Context.CookiesAsync()).Where(c => c.Name.StartsWith("__msrelapse_session", StringComparison.Ordinal)).Select(c => $"{c.Name}={c.Value}"));
        Assert.False(string.IsNullOrEmpty(oldCookie));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByTestId("signed-out")).ToContainTextAsync("You are signed out");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("who")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("problem")).ToContainTextAsync("The patient list could not be loaded.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name.StartsWith("__msrelapse_session", StringComparison.Ordinal));
        var endSession = Assert.Single(issuer.EndSessions);
        Assert.StartsWith(service.BaseUrl + "/auth/signed-out", endSession["post_logout_redirect_uri"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(endSession.GetValueOrDefault("id_token_hint")));

        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(service.BaseUrl) };
        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/patients/demo-mild-relapse/resources")
        {
            Content = new StringContent("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2026-05-11","valueQuantity":{"value":71,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}""", System.Text.Encoding.UTF8, "application/fhir+json"),
        };
        write.Headers.Add("Cookie", oldCookie);
        write.Headers.Add("X-CSRF-Token", oldCsrf);
        using var refused = await replay.SendAsync(write);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        using var read = new HttpRequestMessage(HttpMethod.Get, "/auth/session");
        read.Headers.Add("Cookie", oldCookie);
        using var session2 = await replay.SendAsync(read);
        Assert.Contains("\"signedIn\":false", await session2.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task A_denied_or_tampered_sign_in_leaves_the_user_signed_out_and_says_so()
    {
        await using var issuer = await MockAuthorizationServer.StartAsync();
        await using var service = await TestService.StartAsync(o =>
        {
            o.AuthAuthority = issuer.Issuer;
            o.AuthAudience = "msrelapse";
        }, j => j.RequireHttpsMetadata = false, "--Auth:ClientId=msrelapse-page");
        await using var session = await suite.OpenAsync(service.BaseUrl + "/");
        var page = session.Page;

        foreach (var behaviour in new[] { MockBehaviour.Deny, MockBehaviour.WrongState })
        {
            issuer.Behaviour = behaviour;
            await page.GotoAsync(service.BaseUrl + "/auth/sign-in");
            await Expect(page.GetByTestId("signin-failed")).ToContainTextAsync("Sign-in did not complete");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
            Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__msrelapse_session");
        }
    }
}
