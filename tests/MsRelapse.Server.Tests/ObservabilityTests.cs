using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

public sealed class ObservabilityTests
{
    private const string PlantedId = "zq-planted-7731";
    private const string PlantedFamily = "Wolkenstein";
    private const string PlantedGiven = "Hieronymus";

    [Fact]
    public async Task Logs_and_traces_never_carry_a_patient_id_or_name()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var host = await TestHost.StartAsync();
        var bundle = PatientApiTests.Bundle(PlantedId, family: PlantedFamily, given: PlantedGiven);
        (await host.Client.PutAsync($"/api/patients/{PlantedId}", TestHost.Fhir(bundle))).Dispose();
        (await host.Client.GetAsync($"/api/patients/{PlantedId}")).Dispose();
        (await host.Client.GetAsync($"/api/patients?q={PlantedFamily}")).Dispose();
        (await host.Client.PostAsync($"/api/patients/{PlantedId}/evaluations?asOf=2026-05-11", null)).Dispose();
        (await host.Client.PostAsync($"/api/patients/{PlantedId}/resources", TestHost.Fhir("{\"resourceType\":\"Patient\",\"id\":\"" + PlantedId + "\"}"))).Dispose();
        (await host.Client.PutAsync($"/api/patients/{PlantedId}", TestHost.Fhir("{broken " + PlantedFamily))).Dispose();
        (await host.Client.PostAsync("/api/evaluate", TestHost.Fhir(bundle))).Dispose();
        (await host.Client.DeleteAsync($"/api/patients/{PlantedId}")).Dispose();
        (await host.Client.GetAsync($"/api/patients/{PlantedId}")).Dispose();

        var logs = host.Logs.All;
        Assert.Contains("/api/patients/{id}", logs, StringComparison.Ordinal); // the request log is there, by template
        Assert.DoesNotContain(PlantedId, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedFamily, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(PlantedGiven, logs, StringComparison.Ordinal);

        var traced = activities.Where(a => a.OperationName.Contains("HttpRequestIn", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(traced);
        foreach (var activity in traced)
        {
            var text = activity.DisplayName + " " + string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            Assert.DoesNotContain(PlantedId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(PlantedFamily, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Evaluations_are_counted_by_primary_action_and_errors_by_code()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MsRelapse")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meterListener.Start();

        await using var host = await TestHost.StartAsync();
        (await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(SharedExamples.Load("steroid-refractory-relapse")))).Dispose();
        (await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir("not json"))).Dispose();

        Assert.Contains(measurements, m => m.Instrument == "msrelapse.evaluations" && m.Tags == "primary_action=plasma-exchange");
        Assert.Contains(measurements, m => m.Instrument == "msrelapse.errors" && m.Tags == "code=fhir-parse-error");
        Assert.Contains(measurements, m => m.Instrument == "msrelapse.evaluation.duration" && m.Value > 0);
    }

    [Fact]
    public async Task Prometheus_scrape_endpoint_exposes_the_MsRelapse_meter()
    {
        await using var host = await TestHost.StartAsync();
        (await host.Client.PostAsync("/api/evaluate?asOf=2026-05-11", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")))).Dispose();
        // The exporter caches a scrape briefly; the counter appears once the evaluation has been collected.
        string text = "";
        for (var i = 0; i < 20 && !text.Contains("msrelapse_evaluations", StringComparison.Ordinal); i++)
        {
            text = await host.Client.GetStringAsync("/metrics");
            await Task.Delay(100);
        }

        Assert.Contains("msrelapse_evaluations", text, StringComparison.Ordinal);
        Assert.Contains("primary_action=\"iv-methylprednisolone\"", text, StringComparison.Ordinal);
        // Durations in seconds are bucketed in seconds (the SDK's default boundaries, 0, 5, 10 …, are milliseconds'
        // and would put every evaluation in the first bucket): there is a bucket at 20 ms, the CDS Hooks p99 goal.
        Assert.Matches(@"(?m)^msrelapse_evaluation_duration_seconds_bucket\{[^}]*le=""0.02""[^}]*\} \d", text);
        Assert.DoesNotMatch(@"(?m)^msrelapse_evaluation_duration_seconds_bucket\{[^}]*le=""25""", text);
    }

    [Fact]
    public async Task Prometheus_scrape_endpoint_exposes_the_runtime_meter_for_GC_pauses_and_the_thread_pool()
    {
        await using var host = await TestHost.StartAsync();
        var text = await host.Client.GetStringAsync("/metrics");

        // What an operator reads a latency tail with: time the GC paused the process, collections by generation, and
        // work waiting for a thread-pool thread.
        Assert.Matches(@"(?m)^dotnet_gc_pause_time_seconds_total(\{[^}]*\})? \d", text);
        Assert.Matches(@"(?m)^dotnet_gc_collections_total\{[^}]*gc_heap_generation=""gen0""[^}]*\} \d", text);
        Assert.Matches(@"(?m)^dotnet_thread_pool_queue_length(_total)?(\{[^}]*\})? \d", text);
    }

    [Fact]
    public async Task Health_live_and_ready_answer_after_start()
    {
        await using var host = await TestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health/live")).StatusCode);
        var ready = JsonNode.Parse(await host.Client.GetStringAsync("/health/ready"))!;
        Assert.Equal("ready", (string?)ready["status"]);
    }

    [Fact]
    public async Task OpenAPI_document_lists_every_endpoint_and_Scalar_serves_a_page()
    {
        await using var host = await TestHost.StartAsync();
        var doc = JsonNode.Parse(await host.Client.GetStringAsync("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/api/evaluate", "/api/patients", "/api/patients/{id}", "/api/patients/{id}/resources", "/api/patients/{id}/evaluations", "/api/edss", "/api/tpe-plan", "/health/ready" })
        {
            Assert.Contains(path, paths);
        }

        using var scalar = await host.Client.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Equal("text/html", scalar.Content.Headers.ContentType?.MediaType);

        var index = JsonNode.Parse(await host.Client.GetStringAsync("/api"))!;
        Assert.Equal("/scalar", (string?)index["links"]!["apiReference"]);
    }
}
