using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Testing;
using Npgsql;

namespace MsRelapse.CdsHooks.Tests;

public sealed class FeedbackTests
{
    private const string Service = "msrelapse-patient-view";

    internal static JsonObject Feedback(string card, string outcome, string? suggestion = null, string? reason = null) => new()
    {
        ["feedback"] = new JsonArray(new JsonObject
        {
            ["card"] = card,
            ["outcome"] = outcome,
            ["outcomeTimestamp"] = "2026-05-11T09:41:00Z",
            ["acceptedSuggestions"] = suggestion is null ? new JsonArray() : new JsonArray(new JsonObject { ["id"] = suggestion }),
            ["overrideReason"] = reason is null ? null : new JsonObject
            {
                ["reason"] = new JsonObject { ["code"] = reason, ["system"] = "http://msrelapse.org/fhir/CodeSystem/cds-override-reason" },
                ["userComment"] = "patient Jane Doe prefers to wait",
            },
        }),
    };

    internal static async Task<JsonNode> PostAsync(CdsHost host, JsonObject body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{Service}/feedback") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task Feedback_is_stored_once_per_card_and_outcome_listed_for_the_patient_and_counted_by_reason()
    {
        var counted = new List<(string Outcome, string Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "msrelapse.cds.feedback")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value?.ToString());
            lock (counted)
            {
                counted.Add((t["outcome"]!, t["override_reason"]!));
            }
        });
        listener.Start();

        await using var host = await CdsHost.StartAsync();
        var card = (await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated"))))[0]!;
        var cardUuid = (string)card["uuid"]!;
        var suggestion = (string)card["suggestions"]![0]!["uuid"]!;

        Assert.Equal(1, (int)(await PostAsync(host, Feedback(cardUuid, "accepted", suggestion)))["stored"]!);
        var again = await PostAsync(host, Feedback(cardUuid, "accepted", suggestion));
        Assert.Equal(0, (int)again["stored"]!);
        Assert.Equal(1, (int)again["alreadyStored"]!);
        Assert.Equal(1, (int)(await PostAsync(host, Feedback(cardUuid, "overridden", reason: "patient-declined")))["stored"]!);

        var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/p1/cds-feedback"))!["items"]!.AsArray();
        Assert.Equal(["accepted", "overridden"], list.Select(i => (string)i!["outcome"]!));
        Assert.Equal(suggestion, (string?)list[0]!["acceptedSuggestions"]![0]);
        Assert.Equal("patient-declined", (string?)list[1]!["overrideReason"]!["code"]);
        // The free-text comment is never stored.
        Assert.DoesNotContain("Jane", list.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/someone-else/cds-feedback"))!["items"]!.AsArray());

        listener.RecordObservableInstruments();
        lock (counted)
        {
            Assert.Contains(("accepted", "none"), counted);
            Assert.Contains(("overridden", "patient-declined"), counted);
            Assert.Equal(2, counted.Count(c => c.Outcome is "accepted" or "overridden" && (c.Reason is "none" or "patient-declined")));
        }
    }

    [Fact]
    public async Task A_card_the_database_could_not_record_is_answered_all_the_same_and_recorded_on_the_next_call()
    {
        FailingCardRecords? store = null;
        await using var host = await CdsHost.StartAsync(builder: b =>
        {
            // The real store, with its first card insert failing (a database hiccup).
            var real = b.Services.Last(d => d.ServiceType == typeof(Storage.ICdsHooksStore));
            b.Services.Remove(real);
            b.Services.AddSingleton<Storage.ICdsHooksStore>(sp => store = new FailingCardRecords((Storage.ICdsHooksStore)real.ImplementationFactory!(sp)));
        });
        var request = Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated"));

        var first = await host.CardsAsync(Service, request);
        var cardUuid = (string)first[0]!["uuid"]!;
        Assert.Equal(1, store!.Failed);
        Assert.Contains(host.Logs, l => l.Contains("not recorded for feedback", StringComparison.Ordinal));

        await host.CardsAsync(Service, request); // tried again: the first failure was not taken as done
        Assert.Equal(1, (int)(await PostAsync(host, Feedback(cardUuid, "accepted")))["stored"]!);
        var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/p1/cds-feedback"))!["items"]!.AsArray();
        Assert.Equal("accepted", (string?)Assert.Single(list)!["outcome"]);
    }

    /// <summary>A store whose first card insert throws, as a database that is briefly unavailable would.</summary>
    private sealed class FailingCardRecords(Storage.ICdsHooksStore inner) : Storage.ICdsHooksStore
    {
        private int _calls;

        public int Failed { get; private set; }

        public Task RecordCardAsync(string cardUuid, string serviceId, string patientId, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Failed++;
                throw new InvalidOperationException("database unavailable");
            }

            return inner.RecordCardAsync(cardUuid, serviceId, patientId, ct);
        }

        public Task<Storage.CdsFeedbackWrite> AddFeedbackAsync(Storage.NewCdsFeedback feedback, CancellationToken ct) => inner.AddFeedbackAsync(feedback, ct);

        public Task<IReadOnlyList<Storage.CdsFeedback>> ListFeedbackAsync(string patientId, CancellationToken ct) => inner.ListFeedbackAsync(patientId, ct);

        public Task<bool> TryRecordTokenIdAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken ct) => inner.TryRecordTokenIdAsync(issuer, jti, expiresAt, ct);
    }

    [Fact]
    public async Task A_batch_with_a_bad_entry_is_refused_whole_nothing_of_it_stored()
    {
        await using var host = await CdsHost.StartAsync();
        var card = (string)(await host.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("severe-relapse-untreated"))))[0]!["uuid"]!;
        var good = Feedback(card, "accepted")["feedback"]![0]!.DeepClone();
        var bad = Feedback(card, "overridden", reason: "not a code")["feedback"]![0]!.DeepClone(); // a space: no code
        var body = new JsonObject { ["feedback"] = new JsonArray(good, bad) };

        using var response = await host.Client.PostAsync($"/cds-services/{Service}/feedback", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("overrideReason.code", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/api/patients/p1/cds-feedback"))!["items"]!.AsArray());
        Assert.Equal(1, (int)(await PostAsync(host, Feedback(card, "accepted")))["stored"]!); // the good entry was not stored before
    }

    [Fact]
    public async Task Bad_feedback_is_400()
    {
        await using var host = await CdsHost.StartAsync();
        foreach (var body in new[] { "{}", """{"feedback":[{"card":"not-a-uuid","outcome":"accepted","outcomeTimestamp":"2026-05-11T09:41:00Z"}]}""", """{"feedback":[{"card":"3b0c3bd6-2a3e-5f55-9c1b-1c8f1e4d6a11","outcome":"ignored","outcomeTimestamp":"2026-05-11T09:41:00Z"}]}""", "[",
            // An override reason no card offers (CDS Hooks 2.0: chosen from the card's overrideReasons): a code of its own, or ours in another system.
            """{"feedback":[{"card":"3b0c3bd6-2a3e-5f55-9c1b-1c8f1e4d6a11","outcome":"overridden","outcomeTimestamp":"2026-05-11T09:41:00Z","overrideReason":{"reason":{"system":"http://example.org","code":"made-up"}}}]}""",
            """{"feedback":[{"card":"3b0c3bd6-2a3e-5f55-9c1b-1c8f1e4d6a11","outcome":"overridden","outcomeTimestamp":"2026-05-11T09:41:00Z","overrideReason":{"reason":{"system":"http://example.org","code":"patient-declined"}}}]}""" })
        {
            using var response = await host.Client.PostAsync($"/cds-services/{Service}/feedback", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [PostgresFact]
    public async Task On_PostgreSQL_feedback_is_idempotent_and_a_replayed_token_is_refused_by_a_second_instance()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable);
        Assert.False(string.IsNullOrEmpty(admin), $"CI=true but {PostgresFactAttribute.Variable} is not set: test.sh must start PostgreSQL.");
        var name = "msrelapse_cds_" + Guid.NewGuid().ToString("N")[..12];
        await Execute(admin!, $"CREATE DATABASE \"{name}\"");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            var clock = CdsHost.NewClock();
            using var tokens = new Tokens(() => clock.GetUtcNow());
            await using var a = await CdsHost.StartAsync(tokens.Settings(), connection, clock);
            await using var b = await CdsHost.StartAsync(tokens.Settings(), connection, clock);
            const string audience = CdsHost.BaseUrl + "/cds-services/" + Service;
            var token = tokens.Create(audience);
            var card = (await a.CardsAsync(Service, Requests.ForBundle(SharedExamples.Load("steroid-refractory-relapse")), token))[0]!;
            using var replay = await b.CallAsync(Service, Requests.ForBundle(SharedExamples.Load("steroid-refractory-relapse")), token);
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);

            var feedback = Feedback((string)card["uuid"]!, "overridden", reason: "already-ordered");
            Assert.Equal(1, (int)(await PostAsync(a, feedback, tokens.Create(audience + "/feedback")))["stored"]!);
            Assert.Equal(1, (int)(await PostAsync(b, feedback, tokens.Create(audience + "/feedback")))["alreadyStored"]!);
            var list = JsonNode.Parse(await b.Client.GetStringAsync("/api/patients/p1/cds-feedback"))!["items"]!.AsArray();
            Assert.Equal("already-ordered", (string?)Assert.Single(list)!["overrideReason"]!["code"]);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Execute(admin!, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task Execute(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Runs when <c>MSRELAPSE_TEST_POSTGRES</c> is set; skipped without it, except under <c>CI=true</c>, where it fails.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "MSRELAPSE_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && !ci)
        {
            Skip = $"{Variable} is not set (scripts/postgres-test-cluster.sh start): skipped locally; under CI=true it fails instead.";
        }
    }
}
