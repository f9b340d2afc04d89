using System.CommandLine;
using System.Globalization;
using MsRelapse.BulkData;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// The Bulk Data side of <c>msrelapse screen</c>: <c>--fhir-server URL [--group ID] [--token-url URL --client-id ID
/// --key FILE]</c>. The screen command adds these options and, before screening, calls <see cref="DownloadIfRequested"/>:
/// when a server is given, the export is downloaded into a folder and that folder is screened like any other.
/// </summary>
internal sealed class BulkDataScreenOptions
{
    private readonly Option<string?> FhirServer = new("--fhir-server") { Description = "Run a Bulk Data $export on this FHIR server (https, or http on loopback) and screen what it returns" };
    private readonly Option<string?> Group = new("--group") { Description = "Export the members of this Group (Group/ID/$export) instead of every patient" };
    private readonly Option<string?> TokenUrl = new("--token-url") { Description = "SMART Backend Services token endpoint (with --client-id and --key)" };
    private readonly Option<string?> ClientId = new("--client-id") { Description = "SMART Backend Services client id" };
    private readonly Option<string?> Key = new("--key") { Description = "PEM private key file signing the client assertion (RSA → RS384, P-384 EC → ES384)" };
    private readonly Option<string?> Scope = new("--scope") { Description = "Scopes requested (default system/*.read)" };
    private readonly Option<string?> DownloadTo = new("--download-to") { Description = "Folder for the downloaded NDJSON (default OUT/export)" };

    private BulkDataScreenOptions()
    {
    }

    /// <summary>Adds the options to the screen command (<c>var bulk = BulkDataScreenOptions.AddTo(command);</c>).</summary>
    public static BulkDataScreenOptions AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var options = new BulkDataScreenOptions();
        foreach (var option in new Option[] { options.FhirServer, options.Group, options.TokenUrl, options.ClientId, options.Key, options.Scope, options.DownloadTo })
        {
            command.Options.Add(option);
        }

        return options;
    }

    /// <summary>
    /// When <c>--fhir-server</c> is given: validates the options, runs the export into a folder and returns that folder
    /// (to be screened); otherwise null. Bad options or a server that refuses are <see cref="CliInputException"/>s.
    /// </summary>
    public string? DownloadIfRequested(ParseResult parsed, string outDirectory, CliIo io)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.GetValue(FhirServer) is not { } server)
        {
            return null;
        }

        var baseUrl = SafeUrl("--fhir-server", server);
        var (tokenUrl, clientId, keyFile) = (parsed.GetValue(TokenUrl), parsed.GetValue(ClientId), parsed.GetValue(Key));
        var given = new[] { tokenUrl, clientId, keyFile }.Count(v => v is not null);
        if (given is not (0 or 3))
        {
            throw new CliInputException("--token-url, --client-id and --key go together (SMART Backend Services needs all three)");
        }

        SmartBackendAuth? auth = null;
        if (given == 3)
        {
            string pem;
            try
            {
                pem = File.ReadAllText(keyFile!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliInputException($"--key '{keyFile}' cannot be read (expected a PEM private key file)");
            }

            try
            {
                auth = new SmartBackendAuth(SafeUrl("--token-url", tokenUrl!), clientId!, pem, parsed.GetValue(Scope) ?? "system/*.read");
            }
            catch (BulkDataException ex)
            {
                throw new CliInputException($"--key '{keyFile}': {ex.Message}");
            }
        }

        var folder = parsed.GetValue(DownloadTo) ?? Path.Combine(outDirectory, "export");
        if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.ndjson").Any())
        {
            throw new CliInputException($"'{folder}' already holds NDJSON files (choose another --download-to or --out)");
        }

        using (auth)
        using (var http = BulkDataClient.CreateHttpClient())
        {
            var client = new BulkDataClient(http, new BulkExportOptions(baseUrl) { GroupId = parsed.GetValue(Group) }, auth);
            var last = string.Empty;
            try
            {
                var result = client.ExportAsync(folder, p =>
                {
                    var line = p.Phase switch
                    {
                        "download" => string.Create(CultureInfo.InvariantCulture, $"export: downloaded {p.FilesDone}/{p.FilesTotal} files, {p.Bytes / 1e6:N1} MB"),
                        "waiting" => $"export: the server is preparing the files{(p.ServerProgress is { } s ? $" ({s})" : string.Empty)}",
                        _ => "export: $export kick-off",
                    };
                    if (line != last)
                    {
                        last = line;
                        // Progress goes to stderr: a failed export exits 2 with nothing on stdout (cli.md).
                        lock (io.Error)
                        {
                            io.Error.WriteLine(line);
                        }
                    }
                }).GetAwaiter().GetResult();
                io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"export: {result.Files.Count} files, {result.Files.Sum(f => f.Bytes) / 1e6:N1} MB in {folder}{(result.Restarts > 0 ? $" (started again {result.Restarts}× after expired file URLs)" : string.Empty)}"));
            }
            catch (BulkDataException ex)
            {
                throw new CliInputException("bulk export: " + ex.Message);
            }
            catch (HttpRequestException ex)
            {
                throw new CliInputException($"bulk export: cannot reach {baseUrl.GetLeftPart(UriPartial.Authority)} ({ex.HttpRequestError})");
            }
        }

        return folder;
    }

    /// <summary>https, or http to a loopback host only: a bearer token never crosses a network in clear text.</summary>
    private static Uri SafeUrl(string option, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliInputException($"{option} '{text}' is not an http(s) URL (expected e.g. https://ehr.example.org/fhir)");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            throw new CliInputException($"{option} '{text}' uses http on a non-loopback host (use https: the export carries patient data and tokens)");
        }

        return url;
    }
}
