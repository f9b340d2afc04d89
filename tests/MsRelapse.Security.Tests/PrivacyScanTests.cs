using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace MsRelapse.Security.Tests;

/// <summary>
/// Issue #12 item 4: a patient with planted identifiers (id, MRN, name, birth date, free text in notes) goes through
/// every server scenario — import, read, search, append, evaluate, list evaluations, malformed bodies, conflicts,
/// bad parameters, delete — and everything the service emits is scanned for them: every log line (all levels the
/// service's configuration lets through, scopes and exceptions included), every trace span (name, tags, events,
/// status), every metric measurement (instrument, tags) and the Prometheus scrape, and the audit table. One hit fails.
/// The audit table holds the patient id in its <c>patient_id</c> column by design (who touched which record); it
/// must hold nothing else of the patient, and the id nowhere else.
/// </summary>
public sealed class PrivacyScanTests
{
    private const string PlantedId = "zq-privacy-4471";
    private const string PlantedMrn = "MRN-55501234";
    private const string PlantedFamily = "Wolkenstein";
    private const string PlantedGiven = "Hieronymus";
    private const string PlantedBirthDate = "1987-02-19";
    private const string PlantedFreeText = "Xylophonmarker sieht Doppelbilder seit Dienstag";
    private const string PlantedNoteText = "Quokka-Notiz zur Anamnese";

    private static readonly string[] Planted = [PlantedId, PlantedMrn, PlantedFamily, PlantedGiven, PlantedBirthDate, "19.02.1987", "02/19/1987", PlantedFreeText, "Xylophonmarker", PlantedNoteText, "Quokka"];

    [Fact]
    public async Task Logs_traces_metrics_and_the_audit_table_carry_no_planted_patient_data()
    {
        var spans = new ConcurrentQueue<string>();
        using var activities = new ActivityListener
        {
            // Every source but the HTTP client's: those spans are this test's own requests (the service's outbound
            // calls go only to an OpenID Connect issuer), and they carry the URL the test chose.
            ShouldListenTo = s => s.Name != "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Enqueue(Describe(a)),
        };
        ActivitySource.AddActivityListener(activities);
        var measurements = new ConcurrentQueue<string>();
        using var meters = new MeterListener { InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument) };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue(Describe(i, v, tags)));
        meters.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue(Describe(i, v, tags)));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue(Describe(i, v, tags)));
        meters.Start();

        await using var host = await ServiceHost.StartAsync(fakeClock: true);
        var client = host.Client;
        var bundle = PlantedBundle();
        var statuses = new List<string>();
        async Task Send(HttpMethod method, string path, string? body = null, string? ifMatch = null, string contentType = "application/fhir+json")
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, contentType);
            }

            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            using var response = await client.SendAsync(request);
            statuses.Add($"{method} {path} {(int)response.StatusCode}");
        }

        await Send(HttpMethod.Put, $"/api/patients/{PlantedId}", bundle);
        await Send(HttpMethod.Get, $"/api/patients/{PlantedId}");
        await Send(HttpMethod.Get, $"/api/patients?q={PlantedFamily}");
        await Send(HttpMethod.Get, $"/api/patients?q={PlantedId}&page=1&pageSize=5");
        await Send(HttpMethod.Post, $"/api/patients/{PlantedId}/resources", FreeTextObservation());
        await Send(HttpMethod.Post, $"/api/patients/{PlantedId}/evaluations?asOf=2026-05-11");
        await Send(HttpMethod.Get, $"/api/patients/{PlantedId}/evaluations");
        await Send(HttpMethod.Post, "/api/evaluate?asOf=2026-05-11", bundle);
        await Send(HttpMethod.Post, "/api/evaluate?asOf=2026-05-11", bundle, contentType: "application/json");
        // Refusals: malformed JSON quoting the name, a stale If-Match, a wrong id, bad parameters carrying planted text.
        await Send(HttpMethod.Put, $"/api/patients/{PlantedId}", "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + PlantedFamily + "\"");
        await Send(HttpMethod.Put, $"/api/patients/{PlantedId}", bundle, ifMatch: "W/\"99\"");
        await Send(HttpMethod.Put, $"/api/patients/other-{PlantedId}", bundle);
        await Send(HttpMethod.Post, $"/api/evaluate?asOf={PlantedBirthDate}x{PlantedGiven}", bundle);
        await Send(HttpMethod.Post, "/api/evaluate?asOf=2026-05-11", bundle.Replace(PlantedBirthDate, PlantedBirthDate + "T" + PlantedGiven, StringComparison.Ordinal));
        await Send(HttpMethod.Post, "/api/evaluate?asOf=2026-05-11", bundle, contentType: "text/plain");
        await Send(HttpMethod.Get, $"/api/edss?visual={PlantedFamily}");
        await Send(HttpMethod.Get, $"/api/patients/{PlantedId}-unknown?q={PlantedGiven}");
        await Send(HttpMethod.Post, $"/api/patients/{PlantedId}/resources", "{\"resourceType\":\"Observation\",\"id\":\"" + PlantedGiven + "\",\"note\":[{\"text\":\"" + PlantedFreeText + "\"}],\"valueQuantity\":{\"value\":\"" + PlantedFamily + "\"}}");
        await Send(HttpMethod.Get, $"/no-such-route/{PlantedId}?q={PlantedFamily}");
        await Send(HttpMethod.Delete, $"/api/patients/{PlantedId}");
        await Send(HttpMethod.Get, $"/api/patients/{PlantedId}");
        await Send(HttpMethod.Get, $"/api/patients/{PlantedId}/evaluations");

        Assert.Contains($"PUT /api/patients/{PlantedId} 201", statuses);
        Assert.Contains($"POST /api/patients/{PlantedId}/resources 200", statuses);
        Assert.Contains($"POST /api/patients/{PlantedId}/evaluations?asOf=2026-05-11 201", statuses);
        Assert.Contains($"DELETE /api/patients/{PlantedId} 204", statuses);

        var scrape = await ScrapeAsync(client);
        Assert.Contains("msrelapse_evaluations", scrape, StringComparison.Ordinal); // the metrics were really collected
        var audit = ReadAuditTable(host.DatabaseFile);
        Assert.Contains(audit, row => row.PatientId == PlantedId && row.Others.Contains("evaluation.create", StringComparison.Ordinal));

        var logs = host.Logs.All;
        Assert.Contains("/api/patients/{id}", logs, StringComparison.Ordinal); // requests were logged, by template
        Assert.NotEmpty(spans);
        var hits = new List<string>();
        Scan("log", logs, Planted, hits);
        Scan("trace", string.Join('\n', spans), Planted, hits);
        Scan("metric", string.Join('\n', measurements), Planted, hits);
        Scan("prometheus", scrape, Planted, hits);
        foreach (var row in audit)
        {
            Scan("audit (other columns)", row.Others, Planted, hits);
            Scan("audit patient_id", row.PatientId ?? "", Planted.Where(p => p != PlantedId).ToArray(), hits);
        }

        Assert.True(hits.Count == 0, "planted patient data found:\n" + string.Join('\n', hits.Distinct()));
    }

    [Fact]
    public void The_scanner_finds_what_is_planted()
    {
        var hits = new List<string>();
        Scan("log", $"info HTTP PUT /api/patients/{PlantedId} by {PlantedGiven}", Planted, hits);
        Assert.Equal(2, hits.Count);
    }

    private static void Scan(string where, string text, string[] planted, List<string> hits)
    {
        foreach (var value in planted)
        {
            var at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var from = Math.Max(0, at - 80);
                hits.Add($"{where}: '{value}' in …{text[from..Math.Min(text.Length, at + value.Length + 80)]}…");
            }
        }
    }

    private static string PlantedBundle()
    {
        var bundle = JsonNode.Parse(PatientBundles.Bundle(PlantedId, family: PlantedFamily, given: PlantedGiven, birthDate: PlantedBirthDate))!.AsObject();
        foreach (var entry in bundle["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!.AsObject();
            if ((string?)resource["resourceType"] == "Patient")
            {
                resource["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.3.4", ["value"] = PlantedMrn });
                resource["text"] = new JsonObject { ["status"] = "generated", ["div"] = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{PlantedGiven} {PlantedFamily}</div>" };
            }
            else if ((string?)resource["resourceType"] == "Condition")
            {
                resource["note"] = new JsonArray(new JsonObject { ["text"] = PlantedFreeText });
            }
        }

        return bundle.ToJsonString();
    }

    private static string FreeTextObservation() => new JsonObject
    {
        ["resourceType"] = "Observation",
        ["id"] = "privacy-note-1",
        ["status"] = "final",
        ["code"] = new JsonObject { ["text"] = PlantedNoteText },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{PlantedId}", ["display"] = $"{PlantedGiven} {PlantedFamily}" },
        ["effectiveDateTime"] = "2026-05-10",
        ["valueString"] = PlantedFreeText,
        ["note"] = new JsonArray(new JsonObject { ["text"] = PlantedNoteText }),
    }.ToJsonString();

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var text = "";
        for (var i = 0; i < 30 && !text.Contains("msrelapse_evaluations", StringComparison.Ordinal); i++)
        {
            using var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
            await Task.Delay(100);
        }

        return text;
    }

    private static List<(string? PatientId, string Others)> ReadAuditTable(string databaseFile)
    {
        using var connection = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM audit_log";
        using var reader = command.ExecuteReader();
        var rows = new List<(string?, string)>();
        while (reader.Read())
        {
            string? patientId = null;
            var rest = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                if (reader.GetName(i) == "patient_id")
                {
                    patientId = value;
                }
                else
                {
                    rest.Append(reader.GetName(i)).Append('=').Append(value).Append(' ');
                }
            }

            rows.Add((patientId, rest.ToString()));
        }

        return rows;
    }

    private static string Describe(Activity a) =>
        $"{a.Source.Name} {a.OperationName} {a.DisplayName} {a.StatusDescription} " +
        string.Join(" ", a.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " +
        string.Join(" ", a.Events.Select(e => e.Name + " " + string.Join(" ", e.Tags.Select(t => $"{t.Key}={t.Value}")))) + " " +
        string.Join(" ", a.Baggage.Select(b => $"{b.Key}={b.Value}"));

    private static string Describe<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        $"{instrument.Meter.Name} {instrument.Name} {value} " + string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
}
