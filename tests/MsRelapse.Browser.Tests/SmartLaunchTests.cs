using Microsoft.Playwright;
using MsRelapse.Testing;
using static Microsoft.Playwright.Assertions;

namespace MsRelapse.Browser.Tests;

/// <summary>SMART on FHIR EHR launch against a mock EHR (authorization server + FHIR stub on loopback).</summary>
[Collection(BrowserCollection.Name)]
public sealed class SmartLaunchTests(BrowserSuite suite)
{
    private static async Task<(MockAuthorizationServer Ehr, TestService Service)> StartAsync(bool authentication = false)
    {
        var ehr = await MockAuthorizationServer.StartAsync();
        ehr.PatientId = "ehr-4711";
        ehr.PatientBundle = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients", "demo-steroid-refractory.json")))
            .Replace("demo-steroid-refractory", "ehr-4711", StringComparison.Ordinal);
        string[] smart = ["--Smart:ClientId=msrelapse-smart", $"--Smart:Issuers={ehr.FhirBase}", "--Smart:FrameAncestors=http://127.0.0.1:*"];
        var service = authentication
            ? await TestService.StartAsync(o =>
            {
                o.AuthAuthority = ehr.Issuer;
                o.AuthAudience = "msrelapse";
            }, j => j.RequireHttpsMetadata = false, smart)
            : await TestService.StartAsync(_ => { }, null, smart);
        return (ehr, service);
    }

    [BrowserFact]
    public async Task An_EHR_launch_reads_the_record_with_the_granted_token_and_opens_the_patient_without_storing_it()
    {
        var (ehr, service) = await StartAsync();
        await using var _ = ehr;
        await using var __ = service;
        await using var session = await suite.OpenAsync(service.BaseUrl + $"/launch?iss={Uri.EscapeDataString(ehr.FhirBase)}&launch=xyz123");
        var page = session.Page;

        // The authorization carried PKCE S256, the launch context and aud = iss.
        await Expect(page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Moreau Luc");
        Assert.Equal("xyz123", ehr.LastAuthorization["launch"]);
        Assert.Equal(ehr.FhirBase, ehr.LastAuthorization["aud"]);
        Assert.Equal("S256", ehr.LastAuthorization["code_challenge_method"]);
        Assert.Contains("launch", ehr.LastAuthorization["scope"], StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "EDSS timeline chart" })).ToBeVisibleAsync();

        // Not stored: the registry does not know the patient until the user saves it.
        using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/patients/ehr-4711", UriKind.Relative))).StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save into the registry" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open the stored record" })).ToBeVisibleAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri("/api/patients/ehr-4711", UriKind.Relative))).StatusCode);

        // The launched page may be framed by the configured EHR origin (only that page).
        var framed = await http.GetAsync(new Uri("/smart/", UriKind.Relative));
        Assert.Contains("frame-ancestors http://127.0.0.1:*", string.Join(" ", framed.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var root = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("frame-ancestors 'none'", string.Join(" ", root.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task The_launch_works_inside_the_EHR_s_iframe()
    {
        var (ehr, service) = await StartAsync();
        await using var _ = ehr;
        await using var __ = service;
        await using var session = await suite.OpenAsync(ehr.Issuer + "/jwks");
        var page = session.Page;
        // An EHR page (another origin: the mock's port) framing the launch.
        await page.SetContentAsync($"<iframe title=\"MsRelapse\" width=\"1200\" height=\"800\" src=\"{service.BaseUrl}/launch?iss={Uri.EscapeDataString(ehr.FhirBase)}&launch=frame1\"></iframe>");
        var frame = page.FrameLocator("iframe");
        await Expect(frame.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
    }

    [BrowserFact]
    public async Task A_wrong_state_a_denied_authorization_and_an_expired_token_each_stop_the_launch_with_words()
    {
        var (ehr, service) = await StartAsync();
        await using var _ = ehr;
        await using var __ = service;
        await using var session = await suite.OpenAsync(service.BaseUrl + "/health/live");
        var page = session.Page;
        var launch = service.BaseUrl + $"/launch?iss={Uri.EscapeDataString(ehr.FhirBase)}&launch=abc";

        ehr.Behaviour = MockBehaviour.WrongState;
        await page.GotoAsync(launch);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This sign-in attempt is not recognised.");

        ehr.Behaviour = MockBehaviour.Deny;
        await page.GotoAsync(launch);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The EHR did not grant access.");

        ehr.Behaviour = MockBehaviour.ExpiredToken;
        await page.GotoAsync(launch);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("The EHR did not accept the access token.");

        // An issuer not in the allow-list never gets a request.
        await page.GotoAsync(service.BaseUrl + "/launch?iss=http%3A%2F%2F127.0.0.1%3A9%2Ffhir&launch=abc");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This EHR is not allowed to launch MsRelapse.");
    }

    [BrowserFact]
    public async Task With_authentication_on_the_launched_EHR_user_reads_as_a_reader_and_cannot_write()
    {
        var (ehr, service) = await StartAsync(authentication: true);
        await using var _ = ehr;
        await using var __ = service;
        await using var session = await suite.OpenAsync(service.BaseUrl + $"/launch?iss={Uri.EscapeDataString(ehr.FhirBase)}&launch=auth1");
        var page = session.Page;

        // The EHR's grant made a page session: the record is read and evaluated through the API with it.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Moreau Luc");
        await Expect(page.GetByTestId("primary-action")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("who")).ToContainTextAsync("Signed in: Dr Test Neuro (reader)");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "__msrelapse_smart");
        Assert.True(cookie.HttpOnly);

        // A reader only, whatever roles the EHR's ID token names (it says "clinician"): saving is refused, nothing stored.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save into the registry" }).ClickAsync();
        await Expect(page.GetByTestId("problem")).ToContainTextAsync("Not saved.");

        // The launch is the EHR's grant for the one patient it opened (SMART App Launch: the launch context): the session
        // reads no record of the registry, the worklist included, nor learns whether one exists (it read all of them before).
        foreach (var path in new[] { "/api/patients", "/api/patients/ehr-4711", "/api/worklist", "/api/patients/ehr-4711/evaluations", "/api/patients/ehr-4711/cds-feedback" })
        {
            Assert.Equal(403, (await page.APIRequest.GetAsync(service.BaseUrl + path)).Status);
        }

        // Without the session (another client), neither the API nor the launched record answer.
        using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/api/patients", UriKind.Relative))).StatusCode);
        var key = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri($"/launch/record/{key}", UriKind.Relative))).StatusCode);
        Assert.Equal(200, (await page.APIRequest.GetAsync(service.BaseUrl + $"/launch/record/{key}")).Status);
    }

    [BrowserFact]
    public async Task A_callback_with_a_valid_state_from_another_browser_is_refused()
    {
        var (ehr, service) = await StartAsync();
        await using var _ = ehr;
        await using var __ = service;
        ehr.Behaviour = MockBehaviour.Hold;
        await using var starter = await suite.OpenAsync(service.BaseUrl + $"/launch?iss={Uri.EscapeDataString(ehr.FhirBase)}&launch=bound1");
        await Expect(starter.Page.GetByText("The authorization is held.")).ToBeVisibleAsync();
        var callback = ehr.HeldCallback;
        Assert.Contains("state=", callback, StringComparison.Ordinal);
        var launchCookie = (await starter.Page.Context.CookiesAsync()).Single(c => c.Name == "__msrelapse_launch");
        Assert.True(launchCookie.HttpOnly);

        // Another browser (no launch cookie) with the very same callback address: refused, and the launch stays the starter's.
        await using var other = await suite.OpenAsync(service.BaseUrl + "/health/live");
        await other.Page.GotoAsync(callback);
        await Expect(other.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This sign-in attempt is not recognised.");
        // Nor with a launch cookie of its own (it started another launch).
        await other.Page.GotoAsync(service.BaseUrl + $"/launch?iss={Uri.EscapeDataString(ehr.FhirBase)}&launch=other");
        await other.Page.GotoAsync(callback);
        await Expect(other.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This sign-in attempt is not recognised.");

        await starter.Page.GotoAsync(callback);
        await Expect(starter.Page.GetByTestId("primary-action")).ToHaveTextAsync("Plasma exchange");
    }
}
