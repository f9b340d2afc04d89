using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace MsRelapse.Server.Tests;

/// <summary>Every write the service acknowledged survives a <c>kill -9</c> of the process.</summary>
public sealed class KillTests
{
    [Fact]
    public async Task Every_acknowledged_write_survives_kill_9_mid_stream()
    {
        var directory = Path.Combine(Path.GetTempPath(), "msrelapse-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var database = $"Data Source={Path.Combine(directory, "kill.db")}";
        try
        {
            // id → (acknowledged version, body written at that version)
            var acknowledged = new ConcurrentDictionary<string, (long Version, string Body)>();
            int port;
            using (var serve = await ServeProcess.StartAsync(database, null, "--no-demo"))
            {
                port = serve.Port;
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriteUntilFailureAsync(serve.Client, w, acknowledged, stop.Token))).ToArray();
                while (acknowledged.Count < 40 && !stop.IsCancellationRequested)
                {
                    await Task.Delay(20);
                }

                serve.KillHard(); // writers are still sending: some requests die in flight, unacknowledged
                await Task.WhenAll(writers);
            }

            Assert.True(acknowledged.Count >= 40, $"only {acknowledged.Count} writes were acknowledged before the kill");
            using var restarted = await ServeProcess.StartAsync(database, port, "--no-demo");
            foreach (var (id, (version, body)) in acknowledged)
            {
                using var response = await restarted.Client.GetAsync($"/api/patients/{id}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"acknowledged patient {id} v{version} is missing after the restart");
                var stored = response.Headers.ETag!.Tag.Trim('"');
                var storedVersion = long.Parse(stored, System.Globalization.CultureInfo.InvariantCulture);
                // A later write may have been committed without its answer reaching us; never an earlier state.
                Assert.True(storedVersion >= version, $"{id}: stored version {storedVersion} < acknowledged {version}");
                if (storedVersion == version)
                {
                    Assert.Equal(body, await response.Content.ReadAsStringAsync());
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Creates patients and replaces them with If-Match, recording each acknowledged version, until the first
    /// failure (the kill) or the deadline.
    /// </summary>
    private static async Task WriteUntilFailureAsync(HttpClient client, int writer, ConcurrentDictionary<string, (long, string)> acknowledged, CancellationToken stop)
    {
        var examples = Testing.SharedExamples.Names;
        for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
        {
            var id = $"kill-{writer}-{i / 3}";
            var body = PatientApiTests.Bundle(id, examples[i % examples.Count], family: $"Family{i}");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = TestHost.Fhir(body) };
                if (acknowledged.TryGetValue(id, out var previous))
                {
                    request.Headers.TryAddWithoutValidation("If-Match", $"W/\"{previous.Item1}\"");
                }

                using var response = await client.SendAsync(request, stop);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    var version = (long)JsonNode.Parse(await response.Content.ReadAsStringAsync(stop))!["version"]!;
                    acknowledged[id] = (version, body);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return;
            }
        }
    }
}
