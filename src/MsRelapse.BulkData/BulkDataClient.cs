using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MsRelapse.BulkData;

/// <summary>What to export and how.</summary>
/// <param name="FhirBaseUrl">The FHIR server's base URL (e.g. https://ehr.example.org/fhir).</param>
public sealed record BulkExportOptions(Uri FhirBaseUrl)
{
    /// <summary>The resource types MsRelapse reads (fhir-profile.md "Read"), requested as <c>_type</c>.</summary>
    public static readonly IReadOnlyList<string> ReadTypes =
    [
        "Patient", "Condition", "Observation", "MedicationAdministration", "MedicationRequest", "MedicationStatement",
        "Medication", "AllergyIntolerance", "Procedure",
    ];

    /// <summary>Export a Group's members (<c>Group/[id]/$export</c>) instead of all patients (<c>Patient/$export</c>).</summary>
    public string? GroupId { get; init; }

    /// <summary>Resource types requested.</summary>
    public IReadOnlyList<string> Types { get; init; } = ReadTypes;

    /// <summary>Files downloaded at once.</summary>
    public int MaxParallelDownloads { get; init; } = 4;

    /// <summary>
    /// The waits between polls and retries: Retry-After when the server gives one of at least 1 s (at most 2 minutes),
    /// otherwise exponential back-off from 2 s to 1 minute (Bulk Data IG, "Status request").
    /// </summary>
    public RetryTiming Retry { get; init; } = RetryTiming.Default;

    /// <summary>Give up when the export has not finished after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(6);

    /// <summary>A download that receives no byte for this long is cut short (and retried).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many 429s in a row a single request may meet before the client gives up.</summary>
    public int MaxThrottledRetries { get; init; } = 30;

    /// <summary>How many times the export is started again when file URLs have expired.</summary>
    public int MaxRestarts { get; init; } = 1;

    /// <summary>How many times a file is downloaded before a cut-short transfer fails the export.</summary>
    public int MaxDownloadAttempts { get; init; } = 3;

    /// <summary>How many times a status poll answered with a <c>transient</c> OperationOutcome is tried again.</summary>
    public int MaxTransientRetries { get; init; } = 5;

    /// <summary>How long the closing <c>DELETE</c> of the status URL may take (best effort, on every exit).</summary>
    public TimeSpan DeleteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Hosts besides the FHIR server's own origin that may receive the bearer token (<c>host</c>: any port;
    /// <c>host:port</c>: that port), e.g. the server's own file store. Anywhere else it is never sent.
    /// </summary>
    public IReadOnlyList<string> TokenHosts { get; init; } = [];

    /// <summary>True for <c>host</c> or <c>host:port</c> (no scheme, path or user).</summary>
    public static bool IsValidTokenHost(string spec) =>
        !string.IsNullOrWhiteSpace(spec) && !spec.Contains('/', StringComparison.Ordinal) && !spec.Contains('@', StringComparison.Ordinal)
        && Uri.TryCreate("https://" + spec + "/", UriKind.Absolute, out var url) && url.AbsolutePath == "/" && url.Host.Length > 0
        && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment);
}

/// <summary>One downloaded file.</summary>
public sealed record BulkFile(string Type, string FileName, long Bytes, Uri Source);

/// <summary>One kind of issue in the export's error files: how many times the server reported it.</summary>
/// <param name="Severity">fatal, error, warning, information (or unknown).</param>
/// <param name="Code">The issue's code (e.g. processing, not-found).</param>
/// <param name="Count">How many issues of this kind.</param>
/// <param name="Diagnostics">The issue's diagnostics (or details.text), one line, references to resources without their id.</param>
public sealed record ExportIssue(string Severity, string Code, string Diagnostics, long Count);

/// <summary>
/// What the manifest's <c>error</c> files (OperationOutcome NDJSON) said. Issues of severity <c>fatal</c> or
/// <c>error</c> (or none, or a line that is no OperationOutcome) mean that resources are missing from the export:
/// it is incomplete. Warnings and information (which Bulk Data v2 puts there too) do not.
/// </summary>
/// <param name="Files">Error files in the manifest.</param>
/// <param name="Issues">Issues in them.</param>
/// <param name="Errors">Issues that mean missing data (fatal, error, no severity, unreadable).</param>
/// <param name="Kinds">The most frequent kinds of issue (at most 20), most frequent first.</param>
public sealed record ExportErrors(int Files, long Issues, long Errors, IReadOnlyList<ExportIssue> Kinds)
{
    /// <summary>An export whose manifest named no error file.</summary>
    public static ExportErrors None { get; } = new(0, 0, 0, []);

    /// <summary>True when the server said that data is missing.</summary>
    public bool Incomplete => Errors > 0;

    /// <summary>One line: the counts and the first kinds of issue (no patient data: ids are stripped from diagnostics).</summary>
    public string Describe(int kinds = 3) =>
        string.Create(CultureInfo.InvariantCulture, $"the server reported {Issues} {(Issues == 1 ? "issue" : "issues")} ({Errors} {(Errors == 1 ? "error" : "errors")}) in {Files} error {(Files == 1 ? "file" : "files")}")
        + (Kinds.Count == 0 ? string.Empty : ": " + string.Join("; ", Kinds.Take(kinds).Select(k =>
            string.Create(CultureInfo.InvariantCulture, $"{k.Severity} {k.Code}{(k.Diagnostics.Length > 0 ? ": " + k.Diagnostics : string.Empty)}{(k.Count > 1 ? $" (×{k.Count})" : string.Empty)}")))
            + (Kinds.Count > kinds ? "; …" : string.Empty));
}

/// <summary>What an export produced.</summary>
/// <param name="Files">The output files downloaded (the error files are not among them).</param>
/// <param name="TransactionTime">The manifest's transactionTime.</param>
/// <param name="Restarts">How many times the export was started again after expired file URLs.</param>
/// <param name="Errors">The manifest's error files, read: <see cref="ExportErrors.Incomplete"/> says whether data is missing.</param>
public sealed record BulkExportResult(IReadOnlyList<BulkFile> Files, string? TransactionTime, int Restarts, ExportErrors Errors)
{
    /// <summary>False when the server reported errors: resources are missing from the files.</summary>
    public bool Complete => !Errors.Incomplete;
}

/// <summary>
/// Progress of an export: the phase ("kick-off", "waiting", "download", or "retry" with what is retried and when in
/// <c>ServerProgress</c>) and bytes downloaded.
/// </summary>
public readonly record struct BulkExportProgress(string Phase, string? ServerProgress, int FilesDone, int FilesTotal, long Bytes);

/// <summary>
/// A FHIR Bulk Data Access (v2) client: <c>$export</c> kick-off (system-wide Patient-level or Group-level, with
/// <c>_type</c>), polling the status URL as <c>Retry-After</c> says (never faster than once a second; exponential
/// back-off without it), parallel bounded downloads of the output files into a folder as <c>Type.NNN.ndjson</c>
/// (gzip decoded here so that a truncated stream is caught; every file must end with a whole line), the manifest's
/// error files read and reported, 429s honoured everywhere (the token endpoint's too), redirects followed by hand so
/// that the bearer token goes only to the FHIR server's own origin (or hosts explicitly allowed) and only over https
/// or loopback, expired file URLs answered by starting the export again (once), the status URL deleted on every exit,
/// and SMART Backend Services authorization when a <see cref="SmartBackendAuth"/> is given. A download that does not
/// end well leaves nothing behind: its files are deleted; while one runs, a marker file says it is incomplete.
/// </summary>
public sealed class BulkDataClient
{
    /// <summary>
    /// The file in a download folder that says the export in it is not complete: written before the first byte is
    /// downloaded, removed once every file is in and the server reported no error (kept, with the server's errors,
    /// when a partial export is kept). <c>msrelapse screen</c> refuses a folder that holds it.
    /// </summary>
    public const string IncompleteMarker = "INCOMPLETE-EXPORT.txt";

    /// <summary>The subfolder of a download folder that holds the manifest's error files (never read as the export).</summary>
    public const string ErrorFolder = "errors";

    private const int MaxRedirects = 5;
    private const int MaxIssueKinds = 20;

    /// <summary>A file whose last line has no newline is read back to check that line; beyond this it counts as cut.</summary>
    private const int MaxUnterminatedLineBytes = 64 << 20;

    private readonly HttpClient _http;
    private readonly SmartBackendAuth? _auth;
    private readonly BulkExportOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>The running export's progress callback: waits and retries are said as they happen, not only phases.</summary>
    private Action<BulkExportProgress>? _progress;

    /// <param name="http">An HttpClient whose handler does NOT follow redirects nor decompress (see <see cref="CreateHttpClient"/>).</param>
    /// <param name="options">What to export.</param>
    /// <param name="auth">SMART Backend Services authorization, or null for an open server.</param>
    /// <param name="clock">Time (for waits).</param>
    public BulkDataClient(HttpClient http, BulkExportOptions options, SmartBackendAuth? auth = null, TimeProvider? clock = null)
    {
        _http = http;
        _options = options;
        _auth = auth;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// An HttpClient for this client: automatic redirects off (they are followed here, origin-checked), automatic
    /// decompression off (gzip is decoded here, where a stream that stops early is caught: .NET's decoder ends such a
    /// stream silently), a 30-second connect timeout.
    /// </summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromMinutes(30),
        };

    /// <summary>
    /// Runs the export and downloads its files into <paramref name="folder"/> (created; must hold no NDJSON). On any
    /// failure, time-out or cancellation the files downloaded are deleted (and the folder, when this call created it).
    /// When the server reported errors the files are kept, with <see cref="IncompleteMarker"/> saying so, and
    /// <see cref="BulkExportResult.Complete"/> is false: the caller decides (<see cref="Discard"/> to delete them).
    /// </summary>
    /// <exception cref="BulkDataException">The export could not be done, or timed out; nothing is left in the folder.</exception>
    public async Task<BulkExportResult> ExportAsync(string folder, Action<BulkExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.ndjson").Any())
        {
            throw new BulkDataException($"'{folder}' already holds NDJSON files (an export is never downloaded over another)");
        }

        var created = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        DeleteDownloaded(folder); // .part files an earlier run left when it was killed
        // There from before the first byte: a download stopped by anything, a power cut included, is never taken for an export.
        WriteMarker(folder, "the download did not finish (it is still running, or it was stopped or failed)");
        _progress = progress;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await RunAsync(folder, progress, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Discard(folder, created);
            throw new BulkDataException(string.Create(CultureInfo.InvariantCulture, $"the export did not finish within {_options.Timeout.TotalHours:0.##} hours (timed out)"));
        }
        catch
        {
            Discard(folder, created);
            throw;
        }
    }

    /// <summary>
    /// Deletes what a download put in <paramref name="folder"/>: its NDJSON files (finished or <c>.part</c>), the error
    /// files, the marker; then the folder itself when <paramref name="deleteFolder"/> and nothing else is in it.
    /// </summary>
    public static void Discard(string folder, bool deleteFolder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        DeleteDownloaded(folder);
        File.Delete(Path.Combine(folder, IncompleteMarker));
        if (deleteFolder && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    /// <summary>
    /// Why the export in <paramref name="folder"/> is not complete (its <see cref="IncompleteMarker"/>, or <c>.part</c>
    /// files of a download stopped before this marker existed); null when nothing says so.
    /// </summary>
    public static string? IncompleteReason(string folder)
    {
        var marker = Path.Combine(folder, IncompleteMarker);
        if (File.Exists(marker))
        {
            var first = File.ReadLines(marker).FirstOrDefault() ?? string.Empty;
            const string Prefix = "INCOMPLETE: ";
            return Text.Printable(first.StartsWith(Prefix, StringComparison.Ordinal) ? first[Prefix.Length..] : first, 400) is { Length: > 0 } reason
                ? reason
                : "it is marked as an incomplete download";
        }

        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.ndjson.part").Any()
            ? "it holds .part files of a download that did not finish"
            : null;
    }

    private static void WriteMarker(string folder, string reason) =>
        File.WriteAllText(Path.Combine(folder, IncompleteMarker),
            $"INCOMPLETE: {reason}\n\nThis folder holds a FHIR Bulk Data export downloaded by msrelapse that is NOT complete.\n"
            + "msrelapse screen refuses it, unless --allow-partial-export is given (every output then says the export is incomplete).\n"
            + "It holds patient data: delete it when it is no longer needed.\n");

    private static void DeleteDownloaded(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.ndjson").Concat(Directory.EnumerateFiles(folder, "*.ndjson.part")))
        {
            File.Delete(file);
        }

        // Only what a download writes there: a folder of that name given by the user keeps anything else.
        var errors = Path.Combine(folder, ErrorFolder);
        if (Directory.Exists(errors))
        {
            foreach (var file in Directory.EnumerateFiles(errors, "OperationOutcome.*.ndjson*"))
            {
                File.Delete(file);
            }

            if (!Directory.EnumerateFileSystemEntries(errors).Any())
            {
                Directory.Delete(errors);
            }
        }
    }

    private async Task<BulkExportResult> RunAsync(string folder, Action<BulkExportProgress>? progress, CancellationToken ct)
    {
        for (var restart = 0; ; restart++)
        {
            progress?.Invoke(new BulkExportProgress("kick-off", null, 0, 0, 0));
            var status = await KickOffAsync(ct).ConfigureAwait(false);
            try
            {
                var manifest = await PollAsync(status, progress, ct).ConfigureAwait(false);
                var (files, errors) = await DownloadAllAsync(manifest, folder, progress, ct).ConfigureAwait(false);
                if (errors.Incomplete)
                {
                    WriteMarker(folder, errors.Describe());
                }
                else
                {
                    File.Delete(Path.Combine(folder, IncompleteMarker));
                }

                return new BulkExportResult(files, manifest.TransactionTime, restart, errors);
            }
            catch (ExpiredFileException) when (restart < _options.MaxRestarts)
            {
                // The file URLs expired (HTTP 404/410, or 403 to a signed URL) before we had them all: start over, cleanly.
                DeleteDownloaded(folder);
            }
            catch (ExpiredFileException expired)
            {
                throw new BulkDataException(expired.Status == (int)HttpStatusCode.Forbidden
                    ? "an export file URL was refused (HTTP 403: a signed URL that expired, or storage that does not let this client read) even after starting the export again; try again, or ask the server to keep files longer"
                    : $"an export file URL expired (HTTP {expired.Status}) even after starting the export again; try again, or ask the server to keep files longer");
            }
            finally
            {
                // Once the job exists the server holds its files until told: on every way out (done, failed, expired
                // before the next kick-off, timed out, cancelled) it is told, with a token of its own (not cancelled).
                await TryDeleteAsync(status).ConfigureAwait(false);
            }
        }
    }

    // ---- Kick-off and status --------------------------------------------------------------------------------------

    private Uri KickOffUrl()
    {
        var baseUrl = _options.FhirBaseUrl.AbsoluteUri.TrimEnd('/');
        var path = _options.GroupId is { } group ? $"{baseUrl}/Group/{Uri.EscapeDataString(group)}/$export" : $"{baseUrl}/Patient/$export";
        return new Uri($"{path}?_outputFormat={Uri.EscapeDataString("application/fhir+ndjson")}&_type={Uri.EscapeDataString(string.Join(',', _options.Types))}");
    }

    private async Task<Uri> KickOffAsync(CancellationToken ct)
    {
        var url = KickOffUrl();
        using var response = await SendAsync(url, authorize: true, "application/fhir+json", prefer: true, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new BulkDataException($"the $export kick-off at {Display(url)} was refused (HTTP {(int)response.StatusCode}{(await OutcomeAsync(response, ct).ConfigureAwait(false)).Text}); expected 202 Accepted");
        }

        // Content-Location is a content header in .NET's model; servers send it on an empty 202.
        var location = response.Content.Headers.ContentLocation
            ?? (response.Headers.TryGetValues("Content-Location", out var values) && Uri.TryCreate(values.First(), UriKind.RelativeOrAbsolute, out var parsed) ? parsed : null);
        if (location is null || !Uri.TryCreate(url, location, out var status))
        {
            throw new BulkDataException("the $export kick-off answered 202 without a Content-Location (status URL)");
        }

        // Polled with the token: the rules of every URL that gets it.
        CheckUrl(status, "the status URL", withToken: _auth is not null);
        return status;
    }

    private sealed record Manifest(IReadOnlyList<(string Type, Uri Url)> Output, IReadOnlyList<Uri> Errors, bool RequiresAccessToken, string? TransactionTime);

    private async Task<Manifest> PollAsync(Uri status, Action<BulkExportProgress>? progress, CancellationToken ct)
    {
        for (int polls = 0, transient = 0; ;)
        {
            using var response = await SendAsync(status, authorize: true, "application/json", prefer: false, ct).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Accepted:
                    polls++;
                    var serverProgress = response.Headers.TryGetValues("X-Progress", out var p) ? Text.Printable(p.FirstOrDefault(), 80) : null;
                    progress?.Invoke(new BulkExportProgress("waiting", serverProgress, 0, 0, 0));
                    await Task.Delay(_options.Retry.Wait(response, _clock, polls), _clock, ct).ConfigureAwait(false);
                    continue;
                case HttpStatusCode.OK:
                    return await ManifestAsync(response, status, ct).ConfigureAwait(false);
                default:
                    var outcome = await OutcomeAsync(response, ct).ConfigureAwait(false);
                    // The IG: an error whose OperationOutcome code is "transient" may be retried later (the job goes on).
                    if (outcome.Transient && transient < _options.MaxTransientRetries)
                    {
                        transient++;
                        var wait = _options.Retry.Wait(response, _clock, transient);
                        Retrying($"a transient error polling the export{outcome.Text}", wait, transient, _options.MaxTransientRetries);
                        await Task.Delay(wait, _clock, ct).ConfigureAwait(false);
                        continue;
                    }

                    throw new BulkDataException($"the export failed on the server (HTTP {(int)response.StatusCode}{outcome.Text}){(outcome.Transient ? $" after {transient} retries of a transient error" : string.Empty)}");
            }
        }
    }

    private async Task<Manifest> ManifestAsync(HttpResponseMessage response, Uri status, CancellationToken ct)
    {
        JsonDocument json;
        try
        {
            json = await JsonDocument.ParseAsync(await OpenBodyAsync(response, ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or IOException)
        {
            throw new BulkDataException("the export manifest is not JSON (or it was cut short)");
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BulkDataException("the export manifest is not a JSON object");
            }

            var requiresToken = !root.TryGetProperty("requiresAccessToken", out var r) || r.ValueKind != JsonValueKind.False;
            var output = new List<(string, Uri)>();
            foreach (var (type, url) in Items(root, "output", status))
            {
                if (!IsSafeTypeName(type))
                {
                    throw new BulkDataException("the export manifest has an output entry without a valid type and url");
                }

                output.Add((type, url));
            }

            var errors = Items(root, "error", status).Select(e => e.Url).ToList();
            // Every URL is checked before the first download: a manifest that cannot be fetched safely fetches nothing.
            foreach (var url in output.Select(o => o.Item2).Concat(errors))
            {
                CheckUrl(url, "the export file", withToken: requiresToken && _auth is not null);
            }

            var transactionTime = root.TryGetProperty("transactionTime", out var tt) && tt.ValueKind == JsonValueKind.String ? tt.GetString() : null;
            return new Manifest(output, errors, requiresToken, transactionTime);
        }
    }

    /// <summary>The manifest's <paramref name="member"/> entries (type, absolute http(s) URL).</summary>
    private static List<(string Type, Uri Url)> Items(JsonElement root, string member, Uri status)
    {
        var items = new List<(string, Uri)>();
        if (!root.TryGetProperty(member, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return items;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new BulkDataException($"the export manifest's {member} is not an array");
        }

        foreach (var item in array.EnumerateArray())
        {
            var type = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var url = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            if (type is null || url is null || !Uri.TryCreate(status, url, out var absolute))
            {
                throw new BulkDataException($"the export manifest has an {member} entry without a valid type and url");
            }

            if (absolute.Scheme != Uri.UriSchemeHttps && absolute.Scheme != Uri.UriSchemeHttp)
            {
                // file:, ftp:, data: … — a manifest may not send the client to read anything but the server's files.
                throw new BulkDataException($"the export manifest names a {Text.Printable(absolute.Scheme, 20)}: URL, not http(s); refused");
            }

            items.Add((type, absolute));
        }

        return items;
    }

    /// <summary>Resource type names become file names: letters only.</summary>
    private static bool IsSafeTypeName(string type) => type.Length is > 0 and < 64 && type.All(char.IsAsciiLetter);

    /// <summary>DELETE on the status URL, best effort within a short time of its own; a 401 gets one fresh token.</summary>
    private async Task TryDeleteAsync(Uri status)
    {
        using var deadline = new CancellationTokenSource(_options.DeleteTimeout);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, status);
                await AuthorizeAsync(request, refresh: attempt > 0, deadline.Token).ConfigureAwait(false);
                using var response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Unauthorized || _auth is null)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or BulkDataException)
            {
                return; // the server cleans up expired jobs itself; a failed courtesy must not hide the real outcome
            }
        }
    }

    // ---- Downloads ---------------------------------------------------------------------------------------------

    private async Task<(IReadOnlyList<BulkFile> Files, ExportErrors Errors)> DownloadAllAsync(Manifest manifest, string folder, Action<BulkExportProgress>? progress, CancellationToken ct)
    {
        var perType = new Dictionary<string, int>(StringComparer.Ordinal);
        var jobs = manifest.Output.Select(o =>
        {
            var index = perType.GetValueOrDefault(o.Type);
            perType[o.Type] = index + 1;
            return (o.Type, o.Url, Path: Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{o.Type}.{index:000}.ndjson")));
        }).ToList();
        if (manifest.Errors.Count > 0)
        {
            // The error files go beside the export, in a subfolder the screen does not read.
            Directory.CreateDirectory(Path.Combine(folder, ErrorFolder));
            jobs.AddRange(manifest.Errors.Select((url, i) => ("OperationOutcome", url, Path.Combine(folder, ErrorFolder, string.Create(CultureInfo.InvariantCulture, $"OperationOutcome.{i:000}.ndjson")))));
        }

        var done = 0;
        long bytes = 0;
        var files = new BulkFile[jobs.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxParallelDownloads));
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tasks = jobs.Select(async (job, i) =>
        {
            await gate.WaitAsync(failFast.Token).ConfigureAwait(false);
            try
            {
                var size = await DownloadAsync(job.Url, job.Path, manifest.RequiresAccessToken, failFast.Token).ConfigureAwait(false);
                files[i] = new BulkFile(job.Type, Path.GetFileName(job.Path), size, job.Url);
                var total = Interlocked.Add(ref bytes, size);
                progress?.Invoke(new BulkExportProgress("download", null, Interlocked.Increment(ref done), jobs.Count, total));
            }
            catch
            {
                await failFast.CancelAsync().ConfigureAwait(false); // one failure stops the others
                throw;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A sibling's failure cancelled this one: report the failure itself.
            var failure = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }

            throw;
        }

        var output = files.Take(manifest.Output.Count).ToList();
        var errors = manifest.Errors.Count == 0 ? ExportErrors.None : ReadErrors([.. jobs.Skip(manifest.Output.Count).Select(j => j.Path)]);
        return (output, errors);
    }

    /// <summary>A file, tried again (bounded, with back-off) when its transfer was cut short.</summary>
    private async Task<long> DownloadAsync(Uri url, string path, bool authorize, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DownloadOnceAsync(url, path, authorize, ct).ConfigureAwait(false);
            }
            catch (CutShortException cut)
            {
                File.Delete(path + ".part");
                if (attempt >= _options.MaxDownloadAttempts)
                {
                    throw new BulkDataException($"the download of {Display(url)} was cut short ({cut.Message}), {attempt} times; the export cannot be read whole");
                }

                var wait = _options.Retry.Backoff(attempt);
                Retrying($"the download of {Display(url)} was cut short ({cut.Message})", wait, attempt, _options.MaxDownloadAttempts - 1);
                await Task.Delay(wait, _clock, ct).ConfigureAwait(false);
            }
        }
    }

    private void Retrying(string why, TimeSpan wait, int attempt, int of) =>
        _progress?.Invoke(new BulkExportProgress("retry", string.Create(CultureInfo.InvariantCulture, $"{why}; trying again in {wait.TotalSeconds:0} s ({attempt} of {of})"), 0, 0, 0));

    private async Task<long> DownloadOnceAsync(Uri url, string path, bool authorize, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(url, authorize, "application/fhir+ndjson", prefer: false, ct, gzip: true).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new CutShortException($"the connection failed: {ex.HttpRequestError}");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone || IsRefusedSignedUrl(response))
            {
                throw new ExpiredFileException((int)response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new BulkDataException($"downloading {Display(url)} failed (HTTP {(int)response.StatusCode})");
            }

            var temp = path + ".part";
            Stream network;
            try
            {
                network = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new CutShortException(ex.Message);
            }

            var tail = IsGzip(response) ? new TailStream(network) : null;
            await using var body = tail is null ? network : new GZipStream(tail, CompressionMode.Decompress);
            long size = 0;
            var lastNewline = -1L;
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                await using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                while (true)
                {
                    idle.CancelAfter(_options.ReadTimeout);
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        throw new CutShortException(string.Create(CultureInfo.InvariantCulture, $"no data for {_options.ReadTimeout.TotalSeconds:0} s"));
                    }
                    catch (InvalidDataException)
                    {
                        throw new CutShortException("its gzip stream is corrupt");
                    }
                    catch (IOException ex)
                    {
                        // HttpIOException (ResponseEnded: the connection closed before Content-Length or the last chunk).
                        throw new CutShortException(ex is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } ? "the connection closed before the end" : "the connection failed");
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    var newline = buffer.AsSpan(0, read).LastIndexOf((byte)'\n');
                    if (newline >= 0)
                    {
                        lastNewline = size + newline;
                    }

                    size += read;
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (tail is not null && !tail.EndsGzipMemberOf(size))
            {
                throw new CutShortException("its gzip stream stopped before its end");
            }

            // NDJSON: every line ends with a newline. A body closed early (HTTP/1.1 without a length, or a server that
            // stopped writing) ends inside a line; a last line without its newline counts only if it is whole JSON.
            if (size > 0 && lastNewline != size - 1 && !LastLineIsWhole(temp, lastNewline + 1, size))
            {
                throw new CutShortException("its last line is cut");
            }

            File.Move(temp, path, overwrite: true);
            return size;
        }
    }

    private static bool IsGzip(HttpResponseMessage response)
    {
        var encodings = response.Content.Headers.ContentEncoding.Where(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase)).ToList();
        return encodings switch
        {
            [] => false,
            [var e] when e.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Equals("x-gzip", StringComparison.OrdinalIgnoreCase) => true,
            _ => throw new BulkDataException($"the server sent Content-Encoding {Text.Printable(string.Join(", ", encodings), 40)}, which this client does not read (it asks for gzip or none)"),
        };
    }

    private static async Task<Stream> OpenBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return IsGzip(response) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    private static bool LastLineIsWhole(string path, long start, long end)
    {
        var length = end - start;
        if (length > MaxUnterminatedLineBytes)
        {
            return false;
        }

        var bytes = new byte[length];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read))
        {
            file.Position = start;
            file.ReadExactly(bytes);
        }

        if (bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r'))
        {
            return true;
        }

        try
        {
            using var json = JsonDocument.Parse(bytes);
            return json.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The error files' OperationOutcomes, counted by (severity, code, diagnostics). Diagnostics are reduced to one
    /// printable line without resource ids; the 20 most frequent kinds are kept.
    /// </summary>
    private static ExportErrors ReadErrors(IReadOnlyList<string> paths)
    {
        var kinds = new Dictionary<(string Severity, string Code, string Diagnostics), long>();
        long issues = 0, errors = 0;
        void Add(string severity, string code, string diagnostics)
        {
            issues++;
            if (severity is not ("warning" or "information"))
            {
                errors++;
            }

            var key = (severity, code, Text.Printable(Text.WithoutIds(diagnostics), 200));
            if (kinds.Count < 1000 || kinds.ContainsKey(key))
            {
                kinds[key] = kinds.GetValueOrDefault(key) + 1;
            }
        }

        static string Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;

        foreach (var line in paths.SelectMany(File.ReadLines).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                if (Str(root, "resourceType") != "OperationOutcome" || !root.TryGetProperty("issue", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                {
                    Add("error", "unreadable", "a line of an error file that is not an OperationOutcome with issues");
                    continue;
                }

                foreach (var issue in list.EnumerateArray())
                {
                    var details = issue.ValueKind == JsonValueKind.Object && issue.TryGetProperty("details", out var d) ? Str(d, "text") : string.Empty;
                    var diagnostics = Str(issue, "diagnostics");
                    Add(Text.Printable(Str(issue, "severity"), 20) is { Length: > 0 } s ? s : "unknown", Text.Printable(Str(issue, "code"), 40) is { Length: > 0 } c ? c : "unknown",
                        diagnostics.Length > 0 ? diagnostics : details);
                }
            }
            catch (JsonException)
            {
                Add("error", "unreadable", "a line of an error file that is not JSON");
            }
        }

        var top = kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key.Code, StringComparer.Ordinal).ThenBy(k => k.Key.Diagnostics, StringComparer.Ordinal)
            .Take(MaxIssueKinds).Select(k => new ExportIssue(k.Key.Severity, k.Key.Code, k.Key.Diagnostics, k.Value)).ToList();
        return new ExportErrors(paths.Count, issues, errors, top);
    }

    // ---- HTTP with 429s, redirects and the token ----------------------------------------------------------------

    /// <summary>
    /// GET with the token (when asked), following redirects by hand: the Authorization header goes only to the origin
    /// (scheme, host, port) of the first URL, never to another host a redirect points at (e.g. a storage bucket with a
    /// signed URL). 429 and 503 are waited out (Retry-After, with a floor and back-off) and retried; a 401 refreshes
    /// the token once. Every URL, redirects included, must be https or http on loopback.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, bool authorize, string accept, bool prefer, CancellationToken ct, bool gzip = false)
    {
        var withToken = authorize && _auth is not null;
        var current = url;
        var throttled = 0;
        var refreshed = false; // a 401 refreshes the token once per request …
        var refreshNow = false; // … on the attempt right after it, not on every retry that follows
        for (var redirects = 0; ;)
        {
            CheckUrl(current, current == url ? "the URL" : "a redirect", withToken && SameOrigin(url, current));
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            if (gzip)
            {
                request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            }

            if (prefer)
            {
                request.Headers.Add("Prefer", "respond-async");
            }

            if (withToken && SameOrigin(url, current))
            {
                await AuthorizeAsync(request, refreshNow, ct).ConfigureAwait(false);
                refreshNow = false;
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // HttpClient.Timeout, not the user: said as what it is.
                throw new BulkDataException(string.Create(CultureInfo.InvariantCulture, $"{Display(current)} did not answer within {_http.Timeout.TotalMinutes:0.#} minutes (timed out)"));
            }

            switch (response.StatusCode)
            {
                case HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable when throttled < _options.MaxThrottledRetries:
                    throttled++;
                    var wait = _options.Retry.Wait(response, _clock, throttled);
                    Retrying($"HTTP {(int)response.StatusCode} from {Display(current)}", wait, throttled, _options.MaxThrottledRetries);
                    response.Dispose();
                    await Task.Delay(wait, _clock, ct).ConfigureAwait(false);
                    continue;
                case HttpStatusCode.Unauthorized when withToken && !refreshed && SameOrigin(url, current):
                    refreshed = true;
                    refreshNow = true;
                    response.Dispose();
                    continue;
                case HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect:
                    var location = response.Headers.Location;
                    response.Dispose();
                    if (location is null || ++redirects > MaxRedirects)
                    {
                        throw new BulkDataException($"too many redirects, or a redirect without a Location, from {Display(url)}");
                    }

                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (current.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
                    {
                        throw new BulkDataException($"refused a redirect from https to {Text.Printable(next.Scheme, 20)} ({Text.Printable(next.Host, 100)})");
                    }

                    current = next;
                    continue;
                default:
                    return response;
            }
        }
    }

    /// <summary>
    /// The rules of every URL the client fetches: http(s), and https unless the host is loopback (the export carries
    /// patient data); and for one that gets the bearer token, the FHIR server's own origin or a host allowed by
    /// <see cref="BulkExportOptions.TokenHosts"/>.
    /// </summary>
    private void CheckUrl(Uri url, string what, bool withToken)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new BulkDataException($"{what} {Text.Printable(url.OriginalString, 100)} is not an http(s) URL; refused");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            throw new BulkDataException($"{what} {Display(url)} uses http on a non-loopback host; refused (patient data and tokens go over https only)");
        }

        if (withToken && !SameOrigin(url, _options.FhirBaseUrl) && !_options.TokenHosts.Any(h => HostMatches(h, url)))
        {
            throw new BulkDataException($"{what} {Display(url)} needs the access token but is on another host than the FHIR server ({_options.FhirBaseUrl.Authority}); the token is not sent there unless that host is allowed (--token-host {url.Authority})");
        }
    }

    /// <summary><c>host</c> matches the URL's host on any port; <c>host:port</c> that port only.</summary>
    private static bool HostMatches(string spec, Uri url)
    {
        if (!Uri.TryCreate("https://" + spec + "/", UriKind.Absolute, out var allowed) || !string.Equals(allowed.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var portGiven = spec.LastIndexOf(':') > spec.LastIndexOf(']');
        return !portGiven || allowed.Port == url.Port;
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>A URL for a message: scheme, host, port and path; never its user info or query (signed URLs carry secrets there).</summary>
    private static string Display(Uri url) => Text.Printable($"{url.Scheme}://{url.Authority}{url.AbsolutePath}", 200);

    private async Task AuthorizeAsync(HttpRequestMessage request, bool refresh, CancellationToken ct)
    {
        if (_auth is null)
        {
            return;
        }

        var token = await _auth.TokenAsync(_http, refresh, ct).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// The server's OperationOutcome: the first issue's diagnostics, trimmed (it says why, e.g. an unknown Group), and
    /// whether any issue is <c>transient</c> (the IG: try again later).
    /// </summary>
    private static async Task<(string Text, bool Transient)> OutcomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("issue", out var issues) && issues.ValueKind == JsonValueKind.Array && issues.GetArrayLength() > 0)
            {
                var transient = issues.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == "transient");
                var issue = issues[0];
                var text = issue.ValueKind != JsonValueKind.Object ? null
                    : issue.TryGetProperty("diagnostics", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                    : issue.TryGetProperty("details", out var det) && det.ValueKind == JsonValueKind.Object && det.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                return (string.IsNullOrWhiteSpace(text) ? string.Empty : ": " + Text.Printable(text, 200), transient);
            }
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
        }

        return (string.Empty, false);
    }

    /// <summary>
    /// A 403 to a request that carried no token: a signed file URL (the manifest's `requiresAccessToken: false`, or a
    /// redirect to another host's storage) that has expired — what object stores answer (Amazon S3 "Request has
    /// expired", Azure "Signed expiry time"), where the Bulk Data IG expects 404/410. A 403 to our own token is a
    /// refusal of access, not an expiry, and is reported as it is.
    /// </summary>
    private static bool IsRefusedSignedUrl(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden && response.RequestMessage?.Headers.Authorization is null;

    private sealed class ExpiredFileException(int status) : Exception($"file URL expired (HTTP {status})")
    {
        public int Status { get; } = status;
    }

    /// <summary>A transfer that did not deliver the whole file: tried again, then reported.</summary>
    private sealed class CutShortException(string why) : Exception(why);
}
