using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Cli.Tests;

/// <summary>
/// <c>msrelapse screen --fhir-server</c> and the folders it downloads: an incomplete export is never screened as whole
/// (refused, or with <c>--allow-partial-export</c> screened with every output saying so), and key files that cannot
/// sign are refused with the reason.
/// </summary>
public sealed class BulkScreenCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "msr-bulk-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    private string Export(string name)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(RepoPaths.SharedFile("data", "synthea-bulk-10"), "*.ndjson"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    [Fact]
    public void A_folder_marked_as_an_incomplete_download_is_refused_unless_allowed_and_then_every_output_says_so()
    {
        var export = Export("export");
        File.WriteAllText(Path.Combine(export, "INCOMPLETE-EXPORT.txt"), "INCOMPLETE: the download did not finish\n");
        var output = Path.Combine(_root, "out");

        var refused = CliRunner.Run("screen", export, "--as-of", "2026-05-11", "--out", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Empty(refused.Out);
        Assert.Contains("holds an incomplete Bulk Data download (the download did not finish", Assert.Single(refused.ErrorLines), StringComparison.Ordinal);

        var allowed = CliRunner.Run("screen", export, "--as-of", "2026-05-11", "--out", output, "--allow-partial-export");
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.StartsWith("WARNING: INCOMPLETE EXPORT (the download did not finish)", allowed.Out, StringComparison.Ordinal);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!;
        Assert.False((bool)summary["exportComplete"]!);
        Assert.Equal("the download did not finish", (string?)summary["exportErrors"]!["reason"]);
        Assert.StartsWith("\"# INCOMPLETE EXPORT: the download did not finish", File.ReadAllText(Path.Combine(output, "patients.csv")), StringComparison.Ordinal);
        Assert.Contains("role=\"alert\" class=\"card alert\" style=\"font-weight:600\">INCOMPLETE EXPORT: the download did not finish", File.ReadAllText(Path.Combine(output, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_part_files_of_an_older_download_is_refused()
    {
        var export = Export("export");
        File.WriteAllText(Path.Combine(export, "Observation.000.ndjson.part"), "{\"resourceType\":\"Obs");
        var run = CliRunner.Run("screen", export, "--out", Path.Combine(_root, "out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(".part files of a download that did not finish", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_key_an_encrypted_key_or_a_small_key_exits_2_with_the_reason()
    {
        Directory.CreateDirectory(_root);
        using var rsa = RSA.Create(2048);
        using var small = RSA.Create(1024);
        var keys = new Dictionary<string, (string Pem, string Reason)>
        {
            ["public.pem"] = (rsa.ExportSubjectPublicKeyInfoPem(), "public.pem' is a public key; the private key is needed"),
            ["encrypted.pem"] = (rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)), "encrypted keys are not supported: decrypt it first"),
            ["small.pem"] = (small.ExportPkcs8PrivateKeyPem(), "the RSA key has 1024 bits; at least 2048 are needed"),
        };
        foreach (var (name, (pem, reason)) in keys)
        {
            var file = Path.Combine(_root, name);
            File.WriteAllText(file, pem);
            var run = CliRunner.Run("screen", "--fhir-server", "http://127.0.0.1:9/fhir", "--token-url", "http://127.0.0.1:9/token", "--client-id", "c", "--key", file, "--out", Path.Combine(_root, "out"));
            Assert.Equal(2, run.ExitCode);
            Assert.Empty(run.Out);
            Assert.Contains(reason, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("key\nid")]
    public void A_kid_that_is_empty_or_not_printable_exits_2(string kid)
    {
        Directory.CreateDirectory(_root);
        using var rsa = RSA.Create(2048);
        var file = Path.Combine(_root, "key.pem");
        File.WriteAllText(file, rsa.ExportPkcs8PrivateKeyPem());
        var run = CliRunner.Run("screen", "--fhir-server", "http://127.0.0.1:9/fhir", "--token-url", "http://127.0.0.1:9/token", "--client-id", "c", "--key", file, "--kid", kid, "--out", Path.Combine(_root, "out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--kid must be 1 to 256 printable characters", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_with_error_files_is_refused_and_deleted_unless_allowed_and_then_kept_and_marked()
    {
        await using var server = await TinyBulkServer.StartAsync(RepoPaths.SharedFile("data", "synthea-bulk-10"),
            "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\",\"diagnostics\":\"Observation export failed for Patient/p-77\"}]}\n");
        var output = Path.Combine(_root, "out");

        var refused = CliRunner.Run("screen", "--fhir-server", server.Base + "fhir", "--as-of", "2026-05-11", "--out", output);
        Assert.Equal(2, refused.ExitCode);
        Assert.Empty(refused.Out);
        var last = refused.ErrorLines[^1];
        Assert.StartsWith("msrelapse: bulk export: the export is incomplete: the server reported 1 issue (1 error) in 1 error file: error processing: Observation export failed for Patient/…", last, StringComparison.Ordinal);
        Assert.Contains("--allow-partial-export", last, StringComparison.Ordinal);
        Assert.DoesNotContain("p-77", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(output, "export")), "the refused download (patient data) stayed on disk");
        Assert.Equal(1, server.Deletes);

        var allowed = CliRunner.Run("screen", "--fhir-server", server.Base + "fhir", "--as-of", "2026-05-11", "--out", output, "--allow-partial-export");
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.StartsWith("WARNING: INCOMPLETE EXPORT (the server reported 1 issue", allowed.Out, StringComparison.Ordinal);
        Assert.Contains($"The downloaded export is kept in {Path.Combine(output, "export")}", allowed.Out, StringComparison.Ordinal);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!;
        Assert.False((bool)summary["exportComplete"]!);
        Assert.Equal(1, (int)summary["exportErrors"]!["errors"]!);
        Assert.Equal("processing", (string?)summary["exportErrors"]!["kinds"]![0]!["code"]);
        Assert.StartsWith("INCOMPLETE: the server reported 1 issue", File.ReadAllText(Path.Combine(output, "INCOMPLETE-EXPORT.txt")), StringComparison.Ordinal);
        // The folder kept is marked: screening it again later is refused like any incomplete download.
        Assert.Equal(2, CliRunner.Run("screen", Path.Combine(output, "export"), "--out", Path.Combine(_root, "again")).ExitCode);
        // A complete export screened into the same folder later: its outputs are whole, and the folder no longer says otherwise.
        Assert.Equal(0, CliRunner.Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--as-of", "2026-05-11", "--out", output).ExitCode);
        Assert.False(File.Exists(Path.Combine(output, "INCOMPLETE-EXPORT.txt")));
    }

    /// <summary>A Bulk Data server in a few lines (HttpListener): one job, the folder's files, one error file.</summary>
    private sealed class TinyBulkServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly string _folder;
        private readonly string _errors;
        private Task? _loop;
        private int _deletes;

        private TinyBulkServer(string folder, string errors, int port)
        {
            _folder = folder;
            _errors = errors;
            Base = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Base);
        }

        public string Base { get; }

        public int Deletes => Volatile.Read(ref _deletes);

        public static Task<TinyBulkServer> StartAsync(string folder, string errors)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var server = new TinyBulkServer(folder, errors, port);
            server._listener.Start();
            server._loop = Task.Run(server.LoopAsync);
            return Task.FromResult(server);
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var path = context.Request.Url!.AbsolutePath;
                var response = context.Response;
                byte[] body = [];
                if (path.EndsWith("/$export", StringComparison.Ordinal))
                {
                    response.StatusCode = 202;
                    response.AddHeader("Content-Location", Base + "status/1");
                }
                else if (path == "/status/1" && context.Request.HttpMethod == "DELETE")
                {
                    Interlocked.Increment(ref _deletes);
                    response.StatusCode = 202;
                }
                else if (path == "/status/1")
                {
                    var output = Directory.GetFiles(_folder, "*.ndjson").Select(f => new { type = Path.GetFileName(f).Split('.')[0], url = Base + "files/" + Path.GetFileName(f) });
                    body = JsonSerializer.SerializeToUtf8Bytes(new { transactionTime = "2026-05-11T00:00:00Z", requiresAccessToken = false, output, error = new[] { new { type = "OperationOutcome", url = Base + "errors/0" } } });
                }
                else if (path.StartsWith("/files/", StringComparison.Ordinal))
                {
                    body = File.ReadAllBytes(Path.Combine(_folder, Path.GetFileName(path)));
                }
                else if (path == "/errors/0")
                {
                    body = Encoding.UTF8.GetBytes(_errors);
                }
                else
                {
                    response.StatusCode = 404;
                }

                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body);
                response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            if (_loop is not null)
            {
                await _loop;
            }
        }
    }
}
