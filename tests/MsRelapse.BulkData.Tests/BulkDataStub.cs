using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.BulkData.Tests;

/// <summary>
/// An in-process FHIR Bulk Data server on loopback (Kestrel, 127.0.0.1, a free port) that misbehaves on demand:
/// 429 bursts, Retry-After, slow jobs, redirects to another host name, expired file URLs, SMART Backend Services.
/// </summary>
internal sealed class BulkDataStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _jobs;
    private int _kickOff429s;
    private int _token429s;
    private int _forced401s;
    private int _delete401s;
    private readonly ConcurrentDictionary<string, int> _cuts = new();
    private int _downloading;
    private int _peakDownloads;
    private readonly ConcurrentDictionary<int, int> _polls = new();
    private readonly ConcurrentDictionary<string, int> _fileHits = new();

    private BulkDataStub(WebApplication app) => _app = app;

    public string ClientId { get; init; } = "msrelapse-screen";

    /// <summary>The files the export returns, in manifest order.</summary>
    public List<(string Type, string Content)> Files { get; } = [];

    public int KickOff429s { get; set; }

    public int PollsBeforeReady { get; set; }

    public int RetryAfterSeconds { get; set; }

    /// <summary>429s (Retry-After: 0) the token endpoint answers before it issues a token.</summary>
    public int Token429s { get; set; }

    /// <summary>401s answered to requests that carry a valid token, before the token check is honoured again.</summary>
    public int Forced401s { get; set; }

    /// <summary>How long each file takes to be served (so that parallel downloads overlap).</summary>
    public TimeSpan FileDelay { get; set; }

    /// <summary>The most file downloads the stub served at once.</summary>
    public int PeakDownloads => Volatile.Read(ref _peakDownloads);

    /// <summary>429s each file gets before it is served.</summary>
    public int File429s { get; set; }

    /// <summary>File URLs redirect to /blob on this host name (e.g. "localhost" vs "127.0.0.1"); null: no redirect.</summary>
    public string? RedirectHost { get; set; }

    /// <summary>Jobs whose files answer 410 Gone (expired) — e.g. job 1 only, or every job.</summary>
    public Func<int, bool> Expired { get; set; } = _ => false;

    /// <summary>Jobs whose redirected (signed) file URLs answer 403, as an object store does once a signed URL has expired.</summary>
    public Func<int, bool> SignedUrlExpired { get; set; } = _ => false;

    /// <summary>The client's public key: when set, every request but the token endpoint and /blob needs a token.</summary>
    public SecurityKey? ClientPublicKey { get; set; }

    public string? KickOffOutcome { get; set; }

    /// <summary>The manifest's error files (OperationOutcome NDJSON), served at /errors/{job}/{i}.</summary>
    public List<string> ErrorFiles { get; } = [];

    /// <summary>Raw entries added to the manifest's output (e.g. a file: URL).</summary>
    public List<(string Type, string Url)> ExtraOutput { get; } = [];

    /// <summary>The manifest's file URLs name this host (e.g. "localhost": another origin on the same machine).</summary>
    public string? FileHost { get; set; }

    /// <summary>The kick-off's Content-Location names this host, or this whole base URL when it has a scheme.</summary>
    public string? StatusHost { get; set; }

    /// <summary>Serve the files gzip-encoded (Content-Encoding: gzip, Content-Length of the compressed bytes).</summary>
    public bool Gzip { get; set; }

    /// <summary>How a file is cut short, the first <see cref="Cuts"/> times it is asked for.</summary>
    public CutMode Cut { get; set; }

    /// <summary>How many times each file is cut short before it is served whole.</summary>
    public int Cuts { get; set; }

    /// <summary>Polls answered 500 with a "transient" OperationOutcome before the job is polled normally.</summary>
    public int TransientPolls { get; set; }

    /// <summary>Polls answered 500 with an "exception" OperationOutcome (the job failed): every poll when true.</summary>
    public bool PollFails { get; set; }

    /// <summary>The Retry-After of the 202 polls, as written (e.g. "0", or a date past); null: <see cref="RetryAfterSeconds"/>.</summary>
    public string? PollRetryAfter { get; set; }

    /// <summary>401s answered to DELETE on the status URL (a token the server has rotated).</summary>
    public int Delete401s { get; set; }

    /// <summary>When set, the token endpoint answers this (status, JSON body) whatever the assertion.</summary>
    public (int Status, string Body)? TokenAnswer { get; set; }

    /// <summary>The <c>kid</c> of every client assertion's header.</summary>
    public ConcurrentQueue<string> Kids { get; } = new();

    /// <summary>Requests for files on each host: (host, had an Authorization header).</summary>
    public ConcurrentQueue<(string Host, bool Authorized)> FileRequests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public Uri FhirBase => new(BaseUrl, "fhir");

    public Uri TokenUrl => new(BaseUrl, "auth/token");

    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Blob requests: (host, had an Authorization header).</summary>
    public ConcurrentQueue<(string Host, bool Authorized)> BlobRequests { get; } = new();

    public ConcurrentQueue<string> Algorithms { get; } = new();

    /// <summary>The <c>jti</c> of every client assertion sent to the token endpoint, throttled ones included.</summary>
    public ConcurrentQueue<string> AssertionIds { get; } = new();

    public static async Task<BulkDataStub> StartAsync(Action<BulkDataStub>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new BulkDataStub(app);
        configure?.Invoke(stub);
        stub._kickOff429s = stub.KickOff429s;
        stub._token429s = stub.Token429s;
        stub._forced401s = stub.Forced401s;
        stub._delete401s = stub.Delete401s;
        stub.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return stub;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Log.Enqueue($"{context.Request.Method} {context.Request.Path}");
            var open = context.Request.Path.StartsWithSegments("/auth") || context.Request.Path.StartsWithSegments("/blob");
            if (ClientPublicKey is not null && !open &&
                !(context.Request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer tok-", StringComparison.Ordinal)))
            {
                context.Response.StatusCode = 401;
                return;
            }

            if (ClientPublicKey is not null && !open && Interlocked.Decrement(ref _forced401s) >= 0)
            {
                context.Response.StatusCode = 401; // the server no longer accepts this token (revoked, rotated)
                return;
            }

            await next(context);
        });

        app.MapPost("/auth/token", async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var assertion = new JsonWebToken(form["client_assertion"].ToString());
            AssertionIds.Enqueue(assertion.Id);
            Kids.Enqueue(assertion.Kid ?? string.Empty);
            if (TokenAnswer is { } answer)
            {
                context.Response.StatusCode = answer.Status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer.Body);
                return;
            }

            if (Interlocked.Decrement(ref _token429s) >= 0)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
                return;
            }

            var handler = new JsonWebTokenHandler();
            var result = await handler.ValidateTokenAsync(form["client_assertion"].ToString(), new TokenValidationParameters
            {
                ValidIssuer = ClientId,
                ValidAudience = TokenUrl.AbsoluteUri,
                IssuerSigningKey = ClientPublicKey,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384],
            });
            if (!result.IsValid || form["grant_type"] != "client_credentials" ||
                form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ||
                ((JsonWebToken)result.SecurityToken).Subject != ClientId)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsJsonAsync(new { error = "invalid_client" });
                return;
            }

            Algorithms.Enqueue(((JsonWebToken)result.SecurityToken).Alg);
            await context.Response.WriteAsJsonAsync(new { access_token = "tok-" + Guid.NewGuid().ToString("N"), token_type = "bearer", expires_in = 300, scope = "system/*.read" });
        });

        app.MapGet("/fhir/Patient/$export", KickOff);
        app.MapGet("/fhir/Group/{id}/$export", KickOff);

        app.MapGet("/status/{job:int}", async (HttpContext context, int job) =>
        {
            var polls = _polls.AddOrUpdate(job, 1, (_, n) => n + 1);
            if (polls <= TransientPolls || PollFails)
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsJsonAsync(new { resourceType = "OperationOutcome", issue = new[] { new { severity = "error", code = PollFails ? "exception" : "transient", diagnostics = PollFails ? "export job failed: out of disk" : "try again later" } } });
                return;
            }

            polls -= TransientPolls;
            if (polls <= PollsBeforeReady)
            {
                context.Response.StatusCode = 202;
                context.Response.Headers.RetryAfter = PollRetryAfter ?? RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-Progress"] = $"{polls * 100 / (PollsBeforeReady + 1)}% done";
                return;
            }

            var fileBase = FileHost is { } fileHost ? new Uri($"http://{fileHost}:{BaseUrl.Port}/") : BaseUrl;
            var output = Files.Select((f, i) => new { type = f.Type, url = new Uri(fileBase, $"files/{job}/{i}").AbsoluteUri })
                .Concat(ExtraOutput.Select(e => new { type = e.Type, url = e.Url })).ToArray();
            var errors = ErrorFiles.Select((_, i) => new { type = "OperationOutcome", url = new Uri(fileBase, $"errors/{job}/{i}").AbsoluteUri }).ToArray();
            await context.Response.WriteAsJsonAsync(new
            {
                transactionTime = "2026-05-11T00:00:00Z",
                request = new Uri(FhirBase, "fhir/Patient/$export").AbsoluteUri,
                requiresAccessToken = ClientPublicKey is not null,
                output,
                error = errors,
            });
        });
        app.MapDelete("/status/{job:int}", (HttpContext context) =>
            context.Response.StatusCode = Interlocked.Decrement(ref _delete401s) >= 0 ? 401 : 202);

        app.MapGet("/errors/{job:int}/{index:int}", async (HttpContext context, int job, int index) =>
        {
            context.Response.ContentType = "application/fhir+ndjson";
            await context.Response.WriteAsync(ErrorFiles[index]);
        });

        app.MapGet("/files/{job:int}/{index:int}", async (HttpContext context, int job, int index) =>
        {
            if (Expired(job))
            {
                context.Response.StatusCode = 410;
                return;
            }

            FileRequests.Enqueue((context.Request.Host.Host, context.Request.Headers.Authorization.Count > 0));
            var hits = _fileHits.AddOrUpdate($"{job}/{index}", 1, (_, n) => n + 1);
            if (hits <= File429s)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
                return;
            }

            if (RedirectHost is { } host)
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = $"http://{host}:{BaseUrl.Port}/blob/{job}/{index}?sig=signed";
                return;
            }

            var now = Interlocked.Increment(ref _downloading);
            try
            {
                for (var peak = Volatile.Read(ref _peakDownloads); now > peak; peak = Volatile.Read(ref _peakDownloads))
                {
                    Interlocked.CompareExchange(ref _peakDownloads, now, peak);
                }

                await Task.Delay(FileDelay, context.RequestAborted);
                await Serve(context, index, $"{job}/{index}");
            }
            finally
            {
                Interlocked.Decrement(ref _downloading);
            }
        });

        app.MapGet("/blob/{job:int}/{index:int}", async (HttpContext context, int job, int index) =>
        {
            BlobRequests.Enqueue((context.Request.Host.Host, context.Request.Headers.Authorization.Count > 0));
            if (SignedUrlExpired(job))
            {
                context.Response.StatusCode = 403;
                return;
            }

            await Serve(context, index);
        });
    }

    private async Task KickOff(HttpContext context)
    {
        if (context.Request.Headers["Prefer"] != "respond-async")
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (KickOffOutcome is { } outcome)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { resourceType = "OperationOutcome", issue = new[] { new { severity = "error", code = "not-found", diagnostics = outcome } } });
            return;
        }

        if (Interlocked.Decrement(ref _kickOff429s) >= 0)
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "0";
            return;
        }

        var job = Interlocked.Increment(ref _jobs);
        Log.Enqueue("_type=" + context.Request.Query["_type"]);
        context.Response.StatusCode = 202;
        var statusBase = StatusHost switch
        {
            null => BaseUrl,
            { } host when host.Contains("://", StringComparison.Ordinal) => new Uri(host),
            { } host => new Uri($"http://{host}:{BaseUrl.Port}/"),
        };
        context.Response.Headers.ContentLocation = new Uri(statusBase, $"status/{job}").AbsoluteUri;
    }

    private async Task Serve(HttpContext context, int index, string? key = null)
    {
        context.Response.ContentType = "application/fhir+ndjson";
        var bytes = Encoding.UTF8.GetBytes(Files[index].Content);
        var cut = key is not null && Cut != CutMode.None && _cuts.AddOrUpdate(key, 1, (_, n) => n + 1) <= Cuts;
        if (Gzip || (cut && Cut == CutMode.Gzip))
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            bytes = compressed.ToArray();
            context.Response.Headers.ContentEncoding = "gzip";
        }

        if (cut && Cut is CutMode.Gzip or CutMode.MidLine)
        {
            // A whole HTTP response (its Content-Length matches) whose content stops half way.
            bytes = bytes[..(bytes.Length / 2)];
        }

        context.Response.ContentLength = bytes.Length;
        if (cut && Cut == CutMode.Abort)
        {
            // Content-Length announces it all; half is sent and the connection dropped.
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Serves a generated export's files, as they lie in <paramref name="folder"/>.</summary>
    public void ServeFolder(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*.ndjson").Order(StringComparer.Ordinal))
        {
            Files.Add((Path.GetFileName(file).Split('.')[0], File.ReadAllText(file)));
        }
    }

    public static string Lines(string type, int count, int start = 0) =>
        string.Concat(Enumerable.Range(start, count).Select(i => JsonSerializer.Serialize(new { resourceType = type, id = $"{type}-{i}" }) + "\n"));
}

/// <summary>How the stub cuts a file short.</summary>
public enum CutMode
{
    None,

    /// <summary>Gzip-encoded, half of the compressed bytes, Content-Length matching them.</summary>
    Gzip,

    /// <summary>Half of the file (ending inside a line), Content-Length matching it.</summary>
    MidLine,

    /// <summary>Content-Length of the whole file, half sent, the connection dropped.</summary>
    Abort,
}
