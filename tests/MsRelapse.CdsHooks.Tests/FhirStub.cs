using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// A FHIR server stub on loopback (real Kestrel, random port): answers <c>Patient/{id}</c> and
/// <c>TYPE?patient={id}</c> from a Bundle, pages search results (<c>next</c> links), and can answer 401, 500 or
/// slowly per resource type. Also serves a JWK Set at <c>/jwks</c>.
/// </summary>
internal sealed class FhirStub : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<JsonNode> resources;

    private FhirStub(WebApplication app, List<JsonNode> resources)
    {
        this.app = app;
        this.resources = resources;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/fhir";
    }

    public string BaseUrl { get; }

    /// <summary>Host settings that allow this stub: on the FHIR server allow-list, loopback addresses allowed (tests only).</summary>
    public Dictionary<string, string?> Allowed() => new()
    {
        ["CdsHooks:FhirServers:0"] = BaseUrl,
        ["CdsHooks:AllowPrivateNetworkAddresses"] = "true",
    };

    public int PageSize { get; set; } = 2;

    /// <summary>Resource type → status to answer instead (401, 500…).</summary>
    public ConcurrentDictionary<string, int> Failures { get; } = new();

    /// <summary>Resource type → delay before answering.</summary>
    public ConcurrentDictionary<string, TimeSpan> Delays { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every request as the stub saw it: the Host header, path and query, and Authorization header.</summary>
    public ConcurrentQueue<(string Host, string Request, string Authorization)> Received { get; } = new();

    /// <summary>
    /// The base URL the <c>next</c> links point at (by default <see cref="BaseUrl"/>): e.g. the same stub under
    /// another host name, to see whether a client follows a link off its FHIR base URL.
    /// </summary>
    public string? NextLinkBase { get; set; }

    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public string? Jwks { get; set; }

    public static async Task<FhirStub> StartAsync(string bundleJson)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var resources = JsonNode.Parse(bundleJson)!["entry"]!.AsArray().Select(e => e!["resource"]!.DeepClone()).ToList();
        FhirStub? stub = null;
        app.Run(async context => await stub!.Handle(context));
        await app.StartAsync();
        stub = new FhirStub(app, resources);
        return stub;
    }

    private async Task Handle(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue(path + context.Request.QueryString);
        Received.Enqueue((context.Request.Host.Value ?? "", path + context.Request.QueryString, context.Request.Headers.Authorization.ToString()));
        if (path == "/jwks")
        {
            await Results.Text(Jwks ?? "{\"keys\":[]}", "application/json").ExecuteAsync(context);
            return;
        }

        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        var rest = path.StartsWith("/fhir/", StringComparison.Ordinal) ? path["/fhir/".Length..] : path;
        var type = rest.Split('/')[0];
        if (Delays.TryGetValue(type, out var delay))
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (Failures.TryGetValue(type, out var status))
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"security"}]}""");
            return;
        }

        context.Response.ContentType = "application/fhir+json";
        if (rest.Contains('/'))
        {
            var id = rest.Split('/')[1];
            var patient = resources.FirstOrDefault(r => (string?)r["resourceType"] == type && (string?)r["id"] == id);
            if (patient is null)
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}""");
                return;
            }

            await context.Response.WriteAsync(patient.ToJsonString());
            return;
        }

        var matches = resources.Where(r => (string?)r["resourceType"] == type).ToList();
        var offset = int.TryParse(context.Request.Query["_offset"], out var o) ? o : 0;
        var page = matches.Skip(offset).Take(PageSize).ToList();
        var self = $"{BaseUrl}/{type}?patient={context.Request.Query["patient"]}";
        var links = new JsonArray { new JsonObject { ["relation"] = "self", ["url"] = self + $"&_offset={offset}" } };
        if (offset + PageSize < matches.Count)
        {
            var next = NextLinkBase is null ? self : $"{NextLinkBase}/{type}?patient={context.Request.Query["patient"]}";
            links.Add(new JsonObject { ["relation"] = "next", ["url"] = next + $"&_offset={offset + PageSize}" });
        }

        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["total"] = matches.Count,
            ["link"] = links,
            ["entry"] = new JsonArray([.. page.Select(r => (JsonNode)new JsonObject { ["fullUrl"] = $"{BaseUrl}/{type}/{r["id"]}", ["resource"] = r.DeepClone(), ["search"] = new JsonObject { ["mode"] = "match" } })]),
        };
        await context.Response.WriteAsync(bundle.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
