using System.Globalization;
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

    /// <summary>The longest wait the client accepts between polls, whatever Retry-After says.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait between polls when the server gives no Retry-After.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Give up when the export has not finished after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(6);

    /// <summary>How many 429s in a row a single request may meet before the client gives up.</summary>
    public int MaxThrottledRetries { get; init; } = 30;

    /// <summary>How many times the export is started again when file URLs have expired.</summary>
    public int MaxRestarts { get; init; } = 1;
}

/// <summary>One downloaded file.</summary>
public sealed record BulkFile(string Type, string FileName, long Bytes, Uri Source);

/// <summary>What an export produced.</summary>
public sealed record BulkExportResult(IReadOnlyList<BulkFile> Files, string? TransactionTime, int Restarts, int ErrorFiles);

/// <summary>Progress of an export: the phase ("kick-off", "waiting", "download") and bytes downloaded.</summary>
public readonly record struct BulkExportProgress(string Phase, string? ServerProgress, int FilesDone, int FilesTotal, long Bytes);

/// <summary>
/// A FHIR Bulk Data Access (v2) client: <c>$export</c> kick-off (system-wide Patient-level or Group-level, with
/// <c>_type</c>), polling the status URL as <c>Retry-After</c> says, parallel bounded downloads of the output
/// files into a folder as <c>Type.NNN.ndjson</c>, 429s honoured everywhere (the token endpoint's too), redirects
/// followed by hand so that the bearer token never follows a redirect to another origin (it goes to the origin of
/// each URL the server itself names: its status URL, and its files when the manifest says they require it), expired
/// file URLs answered by starting the export again (once), and SMART Backend Services authorization when a
/// <see cref="SmartBackendAuth"/> is given.
/// </summary>
public sealed class BulkDataClient
{
    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly SmartBackendAuth? _auth;
    private readonly BulkExportOptions _options;
    private readonly TimeProvider _clock;

    /// <param name="http">An HttpClient whose handler does NOT follow redirects (see <see cref="CreateHttpClient"/>).</param>
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

    /// <summary>An HttpClient for this client: automatic redirects off (they are followed here, origin-checked).</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.All, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromMinutes(30),
        };

    /// <summary>Runs the export and downloads its files into <paramref name="folder"/> (created; must hold no NDJSON).</summary>
    public async Task<BulkExportResult> ExportAsync(string folder, Action<BulkExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var ct = timeout.Token;
        for (var restart = 0; ; restart++)
        {
            progress?.Invoke(new BulkExportProgress("kick-off", null, 0, 0, 0));
            var status = await KickOffAsync(ct).ConfigureAwait(false);
            var manifest = await PollAsync(status, progress, ct).ConfigureAwait(false);
            try
            {
                var files = await DownloadAllAsync(manifest, folder, progress, ct).ConfigureAwait(false);
                await TryDeleteAsync(status, ct).ConfigureAwait(false);
                return new BulkExportResult(files, manifest.TransactionTime, restart, manifest.ErrorFiles);
            }
            catch (ExpiredFileException expired) when (restart < _options.MaxRestarts)
            {
                // The file URLs expired (HTTP 404/410) before we had them all: start over, cleanly.
                _ = expired;
                foreach (var partial in Directory.EnumerateFiles(folder, "*.ndjson*"))
                {
                    File.Delete(partial);
                }
            }
            catch (ExpiredFileException expired)
            {
                throw new BulkDataException($"an export file URL expired (HTTP {expired.Status}) even after starting the export again; try again, or ask the server to keep files longer");
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
            throw new BulkDataException($"the $export kick-off at {url.GetLeftPart(UriPartial.Path)} was refused (HTTP {(int)response.StatusCode}{await OutcomeAsync(response, ct).ConfigureAwait(false)}); expected 202 Accepted");
        }

        // Content-Location is a content header in .NET's model; servers send it on an empty 202.
        var location = response.Content.Headers.ContentLocation
            ?? (response.Headers.TryGetValues("Content-Location", out var values) && Uri.TryCreate(values.First(), UriKind.RelativeOrAbsolute, out var parsed) ? parsed : null);
        return location is not null && Uri.TryCreate(url, location, out var status)
            ? status
            : throw new BulkDataException("the $export kick-off answered 202 without a Content-Location (status URL)");
    }

    private sealed record Manifest(IReadOnlyList<(string Type, Uri Url)> Output, bool RequiresAccessToken, string? TransactionTime, int ErrorFiles);

    private async Task<Manifest> PollAsync(Uri status, Action<BulkExportProgress>? progress, CancellationToken ct)
    {
        while (true)
        {
            using var response = await SendAsync(status, authorize: true, "application/json", prefer: false, ct).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Accepted:
                    var serverProgress = response.Headers.TryGetValues("X-Progress", out var p) ? p.FirstOrDefault() : null;
                    progress?.Invoke(new BulkExportProgress("waiting", serverProgress, 0, 0, 0));
                    await Task.Delay(Throttling.RetryAfter(response, _clock, _options.MaxRetryAfter) ?? _options.DefaultRetryAfter, _clock, ct).ConfigureAwait(false);
                    continue;
                case HttpStatusCode.OK:
                    return await ManifestAsync(response, status, ct).ConfigureAwait(false);
                default:
                    throw new BulkDataException($"the export failed on the server (HTTP {(int)response.StatusCode}{await OutcomeAsync(response, ct).ConfigureAwait(false)})");
            }
        }
    }

    private static async Task<Manifest> ManifestAsync(HttpResponseMessage response, Uri status, CancellationToken ct)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
            var root = json.RootElement;
            var output = new List<(string, Uri)>();
            if (root.TryGetProperty("output", out var items))
            {
                foreach (var item in items.EnumerateArray())
                {
                    var type = item.TryGetProperty("type", out var t) ? t.GetString() : null;
                    var url = item.TryGetProperty("url", out var u) ? u.GetString() : null;
                    if (type is null || url is null || !Uri.TryCreate(status, url, out var absolute) || !IsSafeTypeName(type))
                    {
                        throw new BulkDataException("the export manifest has an output entry without a valid type and url");
                    }

                    output.Add((type, absolute));
                }
            }

            var requiresToken = !root.TryGetProperty("requiresAccessToken", out var r) || r.ValueKind != JsonValueKind.False;
            var transactionTime = root.TryGetProperty("transactionTime", out var tt) ? tt.GetString() : null;
            var errors = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() : 0;
            return new Manifest(output, requiresToken, transactionTime, errors);
        }
        catch (JsonException)
        {
            throw new BulkDataException("the export manifest is not JSON");
        }
    }

    /// <summary>Resource type names become file names: letters only.</summary>
    private static bool IsSafeTypeName(string type) => type.Length is > 0 and < 64 && type.All(char.IsAsciiLetter);

    private async Task TryDeleteAsync(Uri status, CancellationToken ct)
    {
        // A good citizen tells the server it may delete the files (Bulk Data: DELETE on the status URL). Best effort.
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, status);
            await AuthorizeAsync(request, refresh: false, ct).ConfigureAwait(false);
            using var _ = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
        }
    }

    // ---- Downloads ---------------------------------------------------------------------------------------------

    private async Task<IReadOnlyList<BulkFile>> DownloadAllAsync(Manifest manifest, string folder, Action<BulkExportProgress>? progress, CancellationToken ct)
    {
        var perType = new Dictionary<string, int>(StringComparer.Ordinal);
        var jobs = manifest.Output.Select(o =>
        {
            var index = perType.GetValueOrDefault(o.Type);
            perType[o.Type] = index + 1;
            return (o.Type, o.Url, Name: string.Create(CultureInfo.InvariantCulture, $"{o.Type}.{index:000}.ndjson"));
        }).ToList();

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
                var size = await DownloadAsync(job.Url, Path.Combine(folder, job.Name), manifest.RequiresAccessToken, failFast.Token).ConfigureAwait(false);
                files[i] = new BulkFile(job.Type, job.Name, size, job.Url);
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

        return files;
    }

    private async Task<long> DownloadAsync(Uri url, string path, bool authorize, CancellationToken ct)
    {
        using var response = await SendAsync(url, authorize, "application/fhir+ndjson", prefer: false, ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            throw new ExpiredFileException((int)response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new BulkDataException($"downloading {url.GetLeftPart(UriPartial.Path)} failed (HTTP {(int)response.StatusCode})");
        }

        var temp = path + ".part";
        long size;
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await response.Content.CopyToAsync(file, ct).ConfigureAwait(false);
            size = file.Length;
        }

        File.Move(temp, path, overwrite: true);
        return size;
    }

    // ---- HTTP with 429s, redirects and the token ----------------------------------------------------------------

    /// <summary>
    /// GET with the token (when asked), following redirects by hand: the Authorization header goes only to the origin
    /// (scheme, host, port) of the first URL, never to another host a redirect points at (e.g. a storage bucket with a
    /// signed URL). 429 and 503 with Retry-After are waited out and retried; a 401 refreshes the token once.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, bool authorize, string accept, bool prefer, CancellationToken ct)
    {
        var origin = url;
        var current = url;
        var throttled = 0;
        var refreshed = false; // a 401 refreshes the token once per request …
        var refreshNow = false; // … on the attempt right after it, not on every retry that follows
        for (var redirects = 0; ;)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            if (prefer)
            {
                request.Headers.Add("Prefer", "respond-async");
            }

            if (authorize && SameOrigin(origin, current))
            {
                await AuthorizeAsync(request, refreshNow, ct).ConfigureAwait(false);
                refreshNow = false;
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable when throttled < _options.MaxThrottledRetries:
                    throttled++;
                    var wait = Throttling.RetryAfter(response, _clock, _options.MaxRetryAfter) ?? Throttling.Backoff(throttled);
                    response.Dispose();
                    await Task.Delay(wait, _clock, ct).ConfigureAwait(false);
                    continue;
                case HttpStatusCode.Unauthorized when _auth is not null && !refreshed && authorize && SameOrigin(origin, current):
                    refreshed = true;
                    refreshNow = true;
                    response.Dispose();
                    continue;
                case HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect:
                    var location = response.Headers.Location;
                    response.Dispose();
                    if (location is null || ++redirects > MaxRedirects)
                    {
                        throw new BulkDataException($"too many redirects, or a redirect without a Location, from {url.GetLeftPart(UriPartial.Path)}");
                    }

                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (current.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
                    {
                        throw new BulkDataException($"refused a redirect from https to {next.Scheme} ({next.Host})");
                    }

                    current = next;
                    continue;
                default:
                    return response;
            }
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private async Task AuthorizeAsync(HttpRequestMessage request, bool refresh, CancellationToken ct)
    {
        if (_auth is null)
        {
            return;
        }

        var token = await _auth.TokenAsync(_http, refresh, ct).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private static async Task<string> OutcomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        // The server's OperationOutcome diagnostics, first issue only, trimmed: it says why (e.g. an unknown Group).
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("issue", out var issues) && issues.ValueKind == JsonValueKind.Array && issues.GetArrayLength() > 0)
            {
                var issue = issues[0];
                var text = issue.TryGetProperty("diagnostics", out var d) ? d.GetString()
                    : issue.TryGetProperty("details", out var det) && det.TryGetProperty("text", out var t) ? t.GetString() : null;
                if (!string.IsNullOrWhiteSpace(text))
                {
                    return ": " + (text.Length > 200 ? text[..200] + "…" : text).ReplaceLineEndings(" ");
                }
            }
        }
        catch (JsonException)
        {
        }

        return string.Empty;
    }

    private sealed class ExpiredFileException(int status) : Exception($"file URL expired (HTTP {status})")
    {
        public int Status { get; } = status;
    }
}
