using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MsRelapse.Server;

namespace MsRelapse.Browser.Tests;

/// <summary>
/// The page's packaging, checked over HTTP without a browser (so it runs even where chromium is missing): every asset
/// the page loads is embedded and served with the right type and policy, and none comes from another host.
/// </summary>
public sealed partial class PageAssetTests
{
    [Fact]
    public async Task Every_asset_the_page_loads_is_served_from_the_assembly_and_none_comes_from_another_host()
    {
        var directory = Path.Combine(Path.GetTempPath(), "msrelapse-browser-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var app = MsRelapseServer.Build(new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Database = $"Data Source={Path.Combine(directory, "assets.db")}",
            SeedDemoPatients = false,
            PrometheusEndpoint = false,
        }, hooks: new ServerHooks { ConfigureBuilder = b => b.Logging.ClearProviders() });
        await app.StartAsync();
        try
        {
            var baseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };

            using var index = await http.GetAsync(new Uri("/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, index.StatusCode);
            Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
            var csp = string.Join(" ", index.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            var html = await index.Content.ReadAsStringAsync();

            // Follow the page's own references: <script src>, <link href>, and the modules' static imports.
            var pending = new Queue<string>(AssetReference().Matches(html).Select(m => m.Groups["path"].Value));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (pending.TryDequeue(out var path))
            {
                if (!seen.Add(path))
                {
                    continue;
                }

                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
                var text = await response.Content.ReadAsStringAsync();
                Assert.DoesNotMatch(ForeignUrl(), text);
                if (path.EndsWith(".js", StringComparison.Ordinal))
                {
                    Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
                    foreach (Match import in ModuleImport().Matches(text))
                    {
                        pending.Enqueue("/" + import.Groups["file"].Value);
                    }
                }
                else
                {
                    Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
                }
            }

            Assert.Equal(["/api.js", "/app.css", "/app.js", "/dom.js", "/labels.js", "/render.js"], seen.Order(StringComparer.Ordinal));

            // The JSON index that "/" used to be lives on at /api.
            using var api = await http.GetAsync(new Uri("/api", UriKind.Relative));
            Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
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

    [GeneratedRegex(@"(?:src|href)=""(?<path>/[a-z]+\.(?:js|css))""")]
    private static partial Regex AssetReference();

    [GeneratedRegex("""from '\./(?<file>[a-z]+\.js)'""")]
    private static partial Regex ModuleImport();

    /// <summary>Any absolute http(s) URL: the page must load nothing from anywhere but its own origin.</summary>
    [GeneratedRegex("https?://")]
    private static partial Regex ForeignUrl();
}
