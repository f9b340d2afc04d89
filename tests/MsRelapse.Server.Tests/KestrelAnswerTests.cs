using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MsRelapse.Server.Tests;

/// <summary>
/// Oversized and malformed requests against the real Kestrel (raw sockets: HttpClient and the test server would
/// refuse or not limit them), issue 12: what gets a problem document with a code, and what Kestrel answers itself.
/// </summary>
public sealed class KestrelAnswerTests : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "msrelapse-server-tests", Guid.NewGuid().ToString("N"));
    private WebApplication app = null!;
    private Uri address = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        app = MsRelapseServer.Build(
            new ServerOptions { Urls = "http://127.0.0.1:0", Database = $"Data Source={Path.Combine(directory, "k.db")}", SeedDemoPatients = false, PrometheusEndpoint = false },
            hooks: new ServerHooks { ConfigureBuilder = b => b.Logging.ClearProviders() });
        await app.StartAsync();
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>Sends raw bytes, returns the whole answer (the server closes the connection after it).</summary>
    private async Task<(int Status, string Head, string Body)> SendAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        var bytes = Encoding.ASCII.GetBytes(request);
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The server may answer and close before reading all of an oversized request.
        }

        using var reader = new MemoryStream();
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                reader.Write(buffer, 0, n);
                var text = Encoding.UTF8.GetString(reader.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end > 0 && ContentLength(text[..end]) is { } length && Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= length)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // Reset after the answer: what was read is the answer.
        }

        var all = Encoding.UTF8.GetString(reader.ToArray());
        var split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no HTTP answer: '{all}'");
        var head = all[..split];
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, all[(split + 4)..]);
    }

    private static int? ContentLength(string head) =>
        head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } line
            ? int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
            : null;

    [Fact]
    public async Task An_oversized_header_block_gets_a_431_problem_document_from_real_Kestrel()
    {
        var (status, head, body) = await SendAsync($"GET /api/patients HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Padding: {new string('b', 40 * 1024)}\r\n\r\n");
        Assert.Equal(431, status);
        Assert.Contains("application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"headers-too-large\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overlong_URL_gets_a_414_problem_document_from_real_Kestrel()
    {
        var (status, head, body) = await SendAsync($"GET /api/patients?q={new string('a', 9000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        Assert.Equal(414, status);
        Assert.Contains("application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"uri-too-long\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("header", 431)]
    [InlineData("url", 414)]
    [InlineData("malformed", 400)]
    public async Task What_Kestrel_refuses_in_its_own_parser_is_answered_without_a_body_and_the_connection_closed(string what, int expected)
    {
        // Past Kestrel's hard limits (4x ours) or an unparseable request line, Kestrel answers before any middleware
        // runs and offers no hook for the body (docs/service-api.md says why): the status is right, the body empty.
        var request = what switch
        {
            "header" => $"GET /api/patients HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {new string('b', 200 * 1024)}\r\n\r\n",
            "url" => $"GET /api/patients?q={new string('a', 40 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            _ => "GARBAGE\r\n\r\n",
        };
        var (status, head, body) = await SendAsync(request);
        Assert.Equal(expected, status);
        Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", body);
    }
}
