using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MsRelapse.Storage;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// One MsRelapse service on an in-memory test server with its own SQLite file (or a given database), a fake clock
/// at 2026-05-11 09:30 UTC (the shared examples' date) and every log line captured.
/// </summary>
internal sealed class CdsHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Today = new(2026, 5, 11, 9, 30, 0, TimeSpan.Zero);
    public const string BaseUrl = "http://localhost";

    private readonly string directory;

    private CdsHost(WebApplication app, string directory, List<string> logs, FakeTimeProvider clock)
    {
        App = app;
        this.directory = directory;
        Logs = logs;
        Clock = clock;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public List<string> Logs { get; }

    public FakeTimeProvider Clock { get; }

    public ICdsHooksStore Store => App.Services.GetRequiredService<ICdsHooksStore>();

    /// <summary>Starts a host; <paramref name="settings"/> are configuration keys (<c>CdsHooks:…</c>).</summary>
    public static async Task<CdsHost> StartAsync(IDictionary<string, string?>? settings = null, string? database = null, FakeTimeProvider? clock = null, Action<WebApplicationBuilder>? builder = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "msrelapse-cds-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var logs = new List<string>();
        clock ??= NewClock();
        var options = new Server.ServerOptions
        {
            Database = database ?? $"Data Source={Path.Combine(directory, "test.db")}",
            SeedDemoPatients = false,
            PrometheusEndpoint = false,
        };
        var hooks = new Server.ServerHooks
        {
            TimeProvider = clock,
            ConfigureBuilder = b =>
            {
                b.WebHost.UseTestServer();
                b.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
                b.Logging.AddProvider(new ListLogger(logs));
                b.Logging.SetMinimumLevel(LogLevel.Trace);
                builder?.Invoke(b);
            },
        };
        var app = Server.MsRelapseServer.Build(options, hooks: hooks);
        await app.StartAsync();
        return new CdsHost(app, directory, logs, clock);
    }

    public static FakeTimeProvider NewClock()
    {
        var clock = new FakeTimeProvider(Today);
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        return clock;
    }

    /// <summary>POSTs a hook request; the token (if any) is sent as a bearer.</summary>
    public async Task<HttpResponseMessage> CallAsync(string service, JsonNode request, string? token = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{service}")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(message);
    }

    /// <summary>POSTs and returns the cards (asserting 200).</summary>
    public async Task<JsonArray> CardsAsync(string service, JsonNode request, string? token = null)
    {
        using var response = await CallAsync(service, request, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        CdsContract.AssertResponse(json);
        return json["cards"]!.AsArray();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class ListLogger(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lock (lines)
                {
                    lines.Add($"{category} scope {state}");
                }

                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lock (lines)
                {
                    lines.Add($"{category} {logLevel} {formatter(state, exception)} [{values}] {exception}");
                }
            }
        }
    }
}

/// <summary>CDS Hooks requests built from a patient Bundle: its resources as prefetch, keyed as discovery declares.</summary>
internal static class Requests
{
    public static readonly (string Key, string Type)[] Keys =
    [
        ("conditions", "Condition"), ("observations", "Observation"), ("medicationAdministrations", "MedicationAdministration"),
        ("medicationRequests", "MedicationRequest"), ("medicationStatements", "MedicationStatement"), ("allergies", "AllergyIntolerance"),
        ("procedures", "Procedure"),
    ];

    /// <summary>The whole prefetch of a Bundle: the Patient and a search set per type (empty ones too).</summary>
    public static JsonObject Prefetch(string bundleJson)
    {
        var bundle = JsonNode.Parse(bundleJson)!;
        var entries = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        var prefetch = new JsonObject { ["patient"] = entries.Single(r => (string?)r["resourceType"] == "Patient").DeepClone() };
        foreach (var (key, type) in Keys)
        {
            prefetch[key] = SearchSet(entries.Where(r => (string?)r["resourceType"] == type));
        }

        return prefetch;
    }

    public static JsonObject SearchSet(IEnumerable<JsonNode> resources) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["total"] = resources.Count(),
        ["entry"] = new JsonArray([.. resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone(), ["search"] = new JsonObject { ["mode"] = "match" } })]),
    };

    public static string PatientId(string bundleJson) =>
        (string)JsonNode.Parse(bundleJson)!["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "Patient")["id"]!;

    public static JsonObject PatientView(string patientId, JsonObject? prefetch, string? fhirServer = null, string? accessToken = null)
    {
        var request = new JsonObject
        {
            ["hookInstance"] = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            ["hook"] = "patient-view",
            ["context"] = new JsonObject { ["userId"] = "Practitioner/example", ["patientId"] = patientId },
        };
        if (fhirServer is not null)
        {
            request["fhirServer"] = fhirServer;
        }

        if (accessToken is not null)
        {
            request["fhirAuthorization"] = new JsonObject { ["access_token"] = accessToken, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "patient/*.read", ["subject"] = "msrelapse" };
        }

        if (prefetch is not null)
        {
            request["prefetch"] = prefetch;
        }

        return request;
    }

    public static JsonObject ForBundle(string bundleJson) => PatientView(PatientId(bundleJson), Prefetch(bundleJson));

    public static JsonObject Order(string hook, string bundleJson, params JsonObject[] drafts)
    {
        var request = ForBundle(bundleJson);
        request["hook"] = hook;
        var context = request["context"]!.AsObject();
        context["draftOrders"] = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "collection",
            ["entry"] = new JsonArray([.. drafts.Select(d => (JsonNode)new JsonObject { ["resource"] = d })]),
        };
        if (hook == "order-select")
        {
            context["selections"] = new JsonArray([.. drafts.Select(d => (JsonNode)$"{d["resourceType"]}/{d["id"]}")]);
        }

        return request;
    }

    /// <summary>A draft steroid order (RxNorm ingredient code, as EHRs send it with the clinical drug's display).</summary>
    public static JsonObject SteroidOrder(string patientId, string id, double mgPerDay, string route, int days, string rxnorm = "6902", string display = "methylprednisolone") => new()
    {
        ["resourceType"] = "MedicationRequest",
        ["id"] = id,
        ["status"] = "draft",
        ["intent"] = "order",
        ["medicationCodeableConcept"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = rxnorm, ["display"] = display }),
        },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        ["dosageInstruction"] = new JsonArray(new JsonObject
        {
            ["route"] = new JsonObject
            {
                ["coding"] = new JsonArray(route == "iv"
                    ? new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "47625008", ["display"] = "Intravenous route" }
                    : new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "26643006", ["display"] = "Oral route" }),
            },
            ["timing"] = new JsonObject { ["repeat"] = new JsonObject { ["count"] = days, ["frequency"] = 1, ["period"] = 1, ["periodUnit"] = "d" } },
            ["doseAndRate"] = new JsonArray(new JsonObject { ["doseQuantity"] = new JsonObject { ["value"] = mgPerDay, ["unit"] = "mg", ["system"] = "http://unitsofmeasure.org", ["code"] = "mg" } }),
        }),
    };

    /// <summary>A draft apheresis order (CPT 36514 plasma exchange or 36516 immunoadsorption) with <paramref name="sessions"/> dates.</summary>
    public static JsonObject ApheresisOrder(string patientId, string id, string cpt, int sessions) => new()
    {
        ["resourceType"] = "ServiceRequest",
        ["id"] = id,
        ["status"] = "draft",
        ["intent"] = "order",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = cpt }) },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        ["occurrenceTiming"] = new JsonObject { ["event"] = new JsonArray([.. Enumerable.Range(0, sessions).Select(i => (JsonNode)$"2026-05-{13 + (2 * i):00}")]) },
    };
}
