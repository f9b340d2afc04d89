using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using MsRelapse.Server;

namespace MsRelapse.Browser.Tests;

/// <summary>
/// One MsRelapse service on a free loopback port (real Kestrel, a temp SQLite file, the demo patients, a fake clock
/// at 2026-05-11 — the demo patients' own date, so every pathway is the documented one) and one headless Debian
/// chromium driven by Playwright, shared by every browser test. Each test opens its own browser context.
/// </summary>
public sealed class BrowserSuite : IAsyncLifetime
{
    /// <summary>
    /// Debian's chromium (env <c>MSRELAPSE_CHROMIUM</c> may name another local build); never downloaded by the tests
    /// (no <c>playwright install</c>).
    /// </summary>
    public static readonly string ChromiumPath =
        Environment.GetEnvironmentVariable("MSRELAPSE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The server's "today": the date the demo patients were written for.</summary>
    public static readonly DateTimeOffset Today = new(2026, 5, 11, 9, 30, 0, TimeSpan.Zero);

    private readonly string directory = Path.Combine(Path.GetTempPath(), "msrelapse-browser-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? app;
    private IPlaywright? playwright;
    private IBrowser? browser;

    /// <summary>The service's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Where the tests leave screenshots for a person to look at.</summary>
    public static string ScreenshotDirectory => Path.Combine(Testing.RepoPaths.Root, ".tmp", "screenshots");

    public static bool ChromiumInstalled => File.Exists(ChromiumPath);

    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        if (!ChromiumInstalled)
        {
            if (OnCi)
            {
                throw new InvalidOperationException(
                    $"CI=true but {ChromiumPath} is missing: the browser tests need Debian's chromium (test.sh installs it with apt-get install chromium).");
            }

            return; // every test is skipped (BrowserFact)
        }

        Directory.CreateDirectory(directory);
        var clock = new FakeTimeProvider(Today);
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        app = MsRelapseServer.Build(new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Database = $"Data Source={Path.Combine(directory, "browser.db")}",
            SeedDemoPatients = true,
            PrometheusEndpoint = false,
        }, hooks: new ServerHooks { TimeProvider = clock, ConfigureBuilder = b => b.Logging.ClearProviders() });
        await app.StartAsync();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        await WaitUntilReadyAsync();

        // test.sh runs every test project at once on 2 cores: give the page more than Playwright's default 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh context and page (British English, UTC, a ward-screen viewport) that records what goes wrong.</summary>
    public async Task<PageSession> OpenAsync(string path = "/")
    {
        var session = await OpenBlankAsync();
        await session.Page.GotoAsync(path);
        return session;
    }

    /// <summary>A fresh context and page as <see cref="OpenAsync"/> gives, left on about:blank: for a document the service does not serve (a screen's report.html).</summary>
    public async Task<PageSession> OpenBlankAsync()
    {
        if (browser is null)
        {
            throw new InvalidOperationException("the browser did not start");
        }

        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = "en-GB",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });
        var page = await context.NewPageAsync();
        return new PageSession(context, page, BaseUrl);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the MsRelapse service did not become ready within 60 s");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One browser context and page; remembers console errors, failed requests and any request to another origin.</summary>
public sealed class PageSession : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly List<string> problems = [];

    internal PageSession(IBrowserContext context, IPage page, string baseUrl)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            // The API's own 4xx answers (shown on the page as problems) are logged by chromium as failed resources.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                lock (problems)
                {
                    problems.Add($"console: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (problems)
            {
                problems.Add($"script error: {error}");
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(baseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (problems)
                {
                    problems.Add($"request to another origin: {request.Url}");
                }
            }
        };
    }

    public IPage Page { get; }

    /// <summary>No script error, no CSP violation, no third-party request so far.</summary>
    public void AssertClean()
    {
        lock (problems)
        {
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}

/// <summary>The whole browser suite shares one service and one browser (and runs its tests one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSuite>
{
    public const string Name = "browser";
}

/// <summary>
/// A browser test: skipped with the reason when Debian's chromium is missing on a developer machine; under
/// <c>CI=true</c> it runs, and the suite fails saying chromium is missing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!BrowserSuite.ChromiumInstalled && !BrowserSuite.OnCi)
        {
            Skip = $"{BrowserSuite.ChromiumPath} is missing: install Debian's chromium (apt-get install chromium; test.sh does) to run the browser tests.";
        }
    }
}
