using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MsRelapse.BulkData;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// The Bulk Data side of <c>msrelapse screen</c>: <c>--fhir-server URL [--group ID] [--token-url URL --client-id ID
/// --key FILE [--kid KID]] [--token-host HOST]… [--allow-partial-export]</c>. The screen command adds these options and,
/// before screening, calls <see cref="DownloadIfRequested"/>: when a server is given, the export is downloaded into a
/// folder and that folder is screened like any other. An export the server reported errors for, or a folder marked as
/// an incomplete download, is refused unless <c>--allow-partial-export</c>; then every output says it is incomplete.
/// </summary>
internal sealed class BulkDataScreenOptions
{
    private readonly Option<string?> FhirServer = new("--fhir-server") { Description = "Run a Bulk Data $export on this FHIR server (https, or http on loopback) and screen what it returns" };
    private readonly Option<string?> Group = new("--group") { Description = "Export the members of this Group (Group/ID/$export) instead of every patient" };
    private readonly Option<string?> TokenUrl = new("--token-url") { Description = "SMART Backend Services token endpoint (with --client-id and --key)" };
    private readonly Option<string?> ClientId = new("--client-id") { Description = "SMART Backend Services client id" };
    private readonly Option<string?> Key = new("--key") { Description = "Private key file signing the client assertion: PEM, a JWK or a JWKS (RSA of 2048+ bits → RS384, P-384 EC → ES384)" };
    /// <summary>The longest <c>--kid</c> accepted.</summary>
    private const int MaxKidLength = 256;

    private readonly Option<string?> Kid = new("--kid") { Description = "The key id (kid) the key is registered under at the server (default: the JWK's kid, else the key's JWK thumbprint); picks the key of a JWKS" };
    private readonly Option<string?> Scope = new("--scope") { Description = "Scopes requested (default system/*.read; a SMART v2 server may take least-privilege ones, e.g. \"system/Patient.rs system/Condition.rs …\")" };
    private readonly Option<string?> DownloadTo = new("--download-to") { Description = "Folder for the downloaded NDJSON (default OUT/export); kept after the screen (patient data)" };

    private readonly Option<string[]> TokenHost = new("--token-host")
    {
        Description = "Another host that may receive the access token (HOST or HOST:PORT, repeatable), e.g. the server's file store; by default only the FHIR server's own origin gets it",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> AllowPartial = new("--allow-partial-export") { Description = "Screen an export the server reported errors for (or a folder marked as an incomplete download); every output then says it is incomplete" };

    private BulkDataScreenOptions()
    {
    }

    /// <summary>Adds the options to the screen command (<c>var bulk = BulkDataScreenOptions.AddTo(command);</c>).</summary>
    public static BulkDataScreenOptions AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var options = new BulkDataScreenOptions();
        foreach (var option in new Option[] { options.FhirServer, options.Group, options.TokenUrl, options.ClientId, options.Key, options.Kid, options.Scope, options.DownloadTo, options.TokenHost, options.AllowPartial })
        {
            command.Options.Add(option);
        }

        return options;
    }

    /// <summary>
    /// When <c>--fhir-server</c> is given: validates the options, runs the export into a folder and returns it (to be
    /// screened); otherwise null. Bad options, a server that refuses, an export the server reported errors for (without
    /// <c>--allow-partial-export</c>) or a time-out are <see cref="CliInputException"/>s, and then nothing downloaded
    /// is kept. SIGINT/SIGTERM stop the download the same way (the files deleted, the server's job deleted) and end in
    /// an <see cref="OperationCanceledException"/>.
    /// </summary>
    public BulkDownload? DownloadIfRequested(ParseResult parsed, string outDirectory, CliIo io)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(io);
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

        var kid = parsed.GetValue(Kid);
        if (kid is not null && given == 0)
        {
            throw new CliInputException("--kid goes with --key (it names the key registered with the server)");
        }

        // It goes into every client assertion's header: printable, and of a length a key id has.
        if (kid is not null && (kid.Length is 0 or > MaxKidLength || kid.Any(c => char.IsControl(c) || char.IsSurrogate(c))))
        {
            throw new CliInputException($"--kid must be 1 to {MaxKidLength} printable characters (the key id registered with the server)");
        }

        var tokenHosts = parsed.GetValue(TokenHost) ?? [];
        if (tokenHosts.FirstOrDefault(h => !BulkExportOptions.IsValidTokenHost(h)) is { } badHost)
        {
            throw new CliInputException($"--token-host '{badHost}' is not a host name or HOST:PORT (expected e.g. files.ehr.example.org)");
        }

        SmartBackendAuth? auth = null;
        if (given == 3)
        {
            string key;
            try
            {
                key = File.ReadAllText(keyFile!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliInputException($"--key '{keyFile}' cannot be read (expected a PEM, JWK or JWKS private key file)");
            }

            try
            {
                auth = new SmartBackendAuth(SafeUrl("--token-url", tokenUrl!), clientId!, key, parsed.GetValue(Scope) ?? "system/*.read", kid);
            }
            catch (BulkDataException ex)
            {
                // "is a public key …" reads on from the file's name; the other reasons follow a colon.
                var describesFile = ex.Message.StartsWith("is ", StringComparison.Ordinal) || ex.Message.StartsWith("holds ", StringComparison.Ordinal);
                throw new CliInputException($"--key '{keyFile}'{(describesFile ? " " : ": ")}{ex.Message}");
            }
        }

        var folder = parsed.GetValue(DownloadTo) ?? Path.Combine(outDirectory, "export");
        if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.ndjson").Any())
        {
            throw new CliInputException($"'{folder}' already holds NDJSON files (choose another --download-to or --out)");
        }

        var folderExisted = Directory.Exists(folder);
        BulkExportResult result;
        // The first SIGINT/SIGTERM stops the download cleanly (files deleted, the server's job deleted); a second one
        // ends the process at once, as it would have without this.
        using (auth)
        using (var http = BulkDataClient.CreateHttpClient())
        using (var stop = StopSignals.Register())
        {
            var client = new BulkDataClient(http, new BulkExportOptions(baseUrl) { GroupId = parsed.GetValue(Group), TokenHosts = tokenHosts }, auth);
            const string Kept = "; nothing was screened and nothing downloaded was kept";
            try
            {
                result = client.ExportAsync(folder, Progress(io), stop.Token).GetAwaiter().GetResult();
            }
            catch (BulkDataException ex)
            {
                throw new CliInputException("bulk export: " + ex.Message + Kept);
            }
            catch (HttpRequestException ex)
            {
                throw new CliInputException($"bulk export: cannot reach {baseUrl.GetLeftPart(UriPartial.Authority)} ({ex.HttpRequestError}){Kept}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliInputException($"bulk export: cannot write the download into '{folder}' ({ex.Message}){Kept}");
            }
            catch (OperationCanceledException) when (stop.Received is not null)
            {
                io.Error.WriteLine("export: stopped; the partial download was deleted and the server told to delete the export");
                throw;
            }
        }

        foreach (var kind in result.Errors.Kinds)
        {
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"export: error file: {kind.Count} × {kind.Severity} {kind.Code}{(kind.Diagnostics.Length > 0 ? ": " + kind.Diagnostics : string.Empty)}"));
        }

        if (!result.Complete && !parsed.GetValue(AllowPartial))
        {
            BulkDataClient.Discard(folder, deleteFolder: !folderExisted);
            throw new CliInputException($"bulk export: the export is incomplete: {result.Errors.Describe()}; nothing was screened and the download was deleted. Run the export again once the server's errors are resolved, or add --allow-partial-export to screen what it returned (every output then says it is incomplete)");
        }

        io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"export: {result.Files.Count} files, {result.Files.Sum(f => f.Bytes) / 1e6:N1} MB in {folder}{(result.Restarts > 0 ? $" (started again {result.Restarts}× after expired file URLs)" : string.Empty)}{(result.Complete ? string.Empty : " — INCOMPLETE")}"));
        return new BulkDownload(folder, !folderExisted, result, result.Complete ? null : new IncompleteExport(result.Errors.Describe(), result.Errors));
    }

    /// <summary>
    /// A folder given to screen (DIR): null when nothing says it is incomplete; otherwise why, when
    /// <c>--allow-partial-export</c> is given, and a <see cref="CliInputException"/> when it is not.
    /// </summary>
    public IncompleteExport? CheckFolder(ParseResult parsed, string folder)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (BulkDataClient.IncompleteReason(folder) is not { } reason)
        {
            return null;
        }

        return parsed.GetValue(AllowPartial)
            ? new IncompleteExport(reason, null)
            : throw new CliInputException($"'{folder}' holds an incomplete Bulk Data download ({reason}; see {BulkDataClient.IncompleteMarker}): download it again, or add --allow-partial-export to screen it anyway (every output then says it is incomplete)");
    }

    /// <summary>The line stdout starts with when the export screened is incomplete.</summary>
    public static string Warning(IncompleteExport incomplete)
    {
        ArgumentNullException.ThrowIfNull(incomplete);
        return $"WARNING: INCOMPLETE EXPORT ({incomplete.Reason}): patients or records are missing from every output (--allow-partial-export).";
    }

    /// <summary>
    /// Records what is known of the export in the outputs: summary.json gets <c>exportComplete</c> and
    /// <c>exportErrors</c> (always for a download; for a folder only when it is incomplete); when it is incomplete,
    /// report.html gets a banner under its title, patients.csv a first line before its header, and the folder an
    /// INCOMPLETE-EXPORT.txt beside them (removed by a later screen of a complete export into the same folder).
    /// </summary>
    public static void RecordInOutputs(string outDirectory, BulkDownload? download, IncompleteExport? incomplete)
    {
        if (incomplete is null)
        {
            File.Delete(Path.Combine(outDirectory, BulkDataClient.IncompleteMarker)); // an earlier screen's, now overwritten
        }

        if (download is null && incomplete is null)
        {
            return;
        }

        if (incomplete is not null)
        {
            MarkIncomplete(outDirectory, incomplete);
        }

        var summaryPath = Path.Combine(outDirectory, "summary.json");
        var summary = JsonNode.Parse(File.ReadAllText(summaryPath))!.AsObject();
        summary["exportComplete"] = incomplete is null;
        var errors = download?.Result.Errors ?? incomplete?.Errors;
        var record = new JsonObject();
        if (incomplete is not null)
        {
            record["reason"] = incomplete.Reason;
        }

        if (errors is not null)
        {
            record["errorFiles"] = errors.Files;
            record["issues"] = errors.Issues;
            record["errors"] = errors.Errors;
            record["kinds"] = new JsonArray([.. errors.Kinds.Select(k => (JsonNode)new JsonObject
            {
                ["severity"] = k.Severity, ["code"] = k.Code, ["diagnostics"] = k.Diagnostics, ["count"] = k.Count,
            })]);
        }

        summary["exportErrors"] = record;
        File.WriteAllText(summaryPath, summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false));
    }

    /// <summary>
    /// Marks the outputs of an incomplete export: first a marker file beside them (one small write, so that a run that
    /// dies while marking — a full disk, a kill — still leaves the folder saying so), then patients.csv (what is opened
    /// and passed on), then report.html; summary.json after, by the caller.
    /// </summary>
    private static void MarkIncomplete(string outDirectory, IncompleteExport incomplete)
    {
        File.WriteAllText(Path.Combine(outDirectory, BulkDataClient.IncompleteMarker),
            $"INCOMPLETE: {incomplete.Reason}\n\npatients.csv, summary.json and report.html in this folder were screened from an export that is NOT complete\n"
            + "(--allow-partial-export): patients or records are missing from them.\n");

        // patients.csv can be large: streamed into a new file behind the warning, then moved over the old one. One
        // quoted cell starting with '#': a spreadsheet shows it above the header, and it cannot run as a formula.
        var csvPath = Path.Combine(outDirectory, "patients.csv");
        var temp = csvPath + ".tmp";
        using (var source = File.OpenRead(csvPath))
        using (var target = File.Create(temp))
        {
            var line = "\"# INCOMPLETE EXPORT: " + incomplete.Reason.Replace("\"", "\"\"", StringComparison.Ordinal) + "; patients or records are missing\"\n";
            target.Write(new UTF8Encoding(false).GetBytes(line));
            source.CopyTo(target);
        }

        File.Move(temp, csvPath, overwrite: true);

        var reportPath = Path.Combine(outDirectory, "report.html");
        var html = File.ReadAllText(reportPath);
        var banner = "<p role=\"alert\" class=\"card alert\" style=\"font-weight:600\">INCOMPLETE EXPORT: "
            + System.Net.WebUtility.HtmlEncode(incomplete.Reason)
            + ". Patients or records are missing from this report, from patients.csv and from summary.json (screened with --allow-partial-export).</p>";
        var title = html.IndexOf("</h1>", StringComparison.Ordinal);
        var at = title >= 0 ? title + "</h1>".Length : Math.Max(0, html.IndexOf("<body>", StringComparison.Ordinal) + "<body>".Length);
        File.WriteAllText(reportPath, html.Insert(at, banner), new UTF8Encoding(false));
    }

    private static Action<BulkExportProgress> Progress(CliIo io)
    {
        var last = string.Empty;
        return p =>
        {
            var line = p.Phase switch
            {
                "download" => string.Create(CultureInfo.InvariantCulture, $"export: downloaded {p.FilesDone}/{p.FilesTotal} files, {p.Bytes / 1e6:N1} MB"),
                "waiting" => $"export: the server is preparing the files{(p.ServerProgress is { Length: > 0 } s ? $" ({s})" : string.Empty)}",
                "retry" => $"export: {p.ServerProgress}",
                _ => "export: $export kick-off",
            };
            // Progress goes to stderr: a failed export exits 2 with nothing on stdout (cli.md).
            lock (io.Error)
            {
                if (line != last)
                {
                    last = line;
                    io.Error.WriteLine(line);
                }
            }
        };
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

/// <summary>A Bulk Data export downloaded for the screen.</summary>
/// <param name="Folder">Where its files are (kept after the screen).</param>
/// <param name="FolderCreated">True when the download created the folder (it is removed with the files, if ever).</param>
/// <param name="Result">What the client reported.</param>
/// <param name="Incomplete">Why it is incomplete (screened with --allow-partial-export); null when complete.</param>
internal sealed record BulkDownload(string Folder, bool FolderCreated, BulkExportResult Result, IncompleteExport? Incomplete);

/// <summary>Why an export screened is incomplete, and the server's error files when they are known.</summary>
internal sealed record IncompleteExport(string Reason, ExportErrors? Errors);
