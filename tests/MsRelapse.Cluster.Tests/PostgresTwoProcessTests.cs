using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace MsRelapse.Cluster.Tests;

/// <summary>
/// Two processes on the throw-away PostgreSQL: this test process (a silo and the coordinator) and
/// <c>msrelapse cluster-silo</c> in a child process, killed as soon as it has screened a partition. The merged output
/// equals the single-process output. The two talk mutual TLS, as silos on several machines do, each with a certificate
/// of one test authority given as PEM files (the worker through <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>).
/// </summary>
public sealed class PostgresTwoProcessTests
{
    [PostgresFact]
    public async Task A_worker_process_killed_mid_run_leaves_the_output_equal_to_the_single_process_run()
    {
        var database = "msr_cluster_" + Guid.NewGuid().ToString("N")[..12];
        var connection = await PostgresFactAttribute.CreateDatabaseAsync(database);
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        using var cohort = new Cohort(500, 16);
        var authority = new TestCertificates("MsRelapse two-process CA");
        var ca = Path.Combine(cohort.Root, "ca.pem");
        File.WriteAllText(ca, authority.Authority.ExportCertificatePem());
        (string Cert, string Key) WritePem(string name)
        {
            using var certificate = authority.Issue(name);
            var paths = (Path.Combine(cohort.Root, name + ".pem"), Path.Combine(cohort.Root, name + ".key"));
            File.WriteAllText(paths.Item1, certificate.ExportCertificatePem());
            File.WriteAllText(paths.Item2, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            return paths;
        }

        var (workerCert, workerKey) = WritePem("worker");
        var (coordinatorCert, coordinatorKey) = WritePem("coordinator");
        Process? worker = null;
        try
        {
            // The worker first: it applies the schema; the in-process silo below applies it again (idempotent).
            worker = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "msrelapse.dll"), "cluster-silo", "--cluster", connection, "--cluster-id", clusterId, "--tls-cert", workerCert, "--tls-key", workerKey, "--tls-ca", ca])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
            worker.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    errors.Enqueue(e.Data);
                }
            };
            worker.BeginErrorReadLine();
            var joined = await worker.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(joined?.StartsWith("cluster-silo: joined cluster", StringComparison.Ordinal) == true, $"worker said '{joined}': {string.Join(" | ", errors)}");
            Assert.EndsWith(" (mutual TLS)", joined, StringComparison.Ordinal);
            var workerSilo = joined![(joined.LastIndexOf(" as ", StringComparison.Ordinal) + 4)..].Split(' ')[0];

            using var host = await ClusterHost.CreateSiloAsync(new ClusterConfig(connection) { ClusterId = clusterId, Tls = ClusterTls.Load(coordinatorCert, coordinatorKey, ca) });
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            // Orleans fails a call after 30 s by default: the silo host lets the run's own timeout decide instead.
            Assert.Equal(ClusterHost.ResponseTimeout, host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.SiloMessagingOptions>>().Value.ResponseTimeout);
            var management = grains.GetGrain<IManagementGrain>(0);
            var clock = Stopwatch.StartNew();
            while ((await management.GetHosts(onlyActive: true)).Count < 2)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    var all = await management.GetHosts(onlyActive: false);
                    Assert.Fail($"the two silos did not see each other within 60 s: {string.Join(", ", all.Select(kv => $"{kv.Key} {kv.Value}"))}; worker exited: {worker.HasExited}; worker log: {string.Join(" | ", errors.Take(20))}");
                }

                await Task.Delay(200);
            }

            var killedAfter = -1;
            var result = await ClusterScreenRun.RunAsync(grains, cohort.Options("two-process"), new ClusterRunOptions(InFlight: 8, CallTimeout: TimeSpan.FromSeconds(60)), p =>
            {
                if (p.Phase == "screen" && p.LastSilo == workerSilo && Interlocked.CompareExchange(ref killedAfter, p.PartitionsDone, -1) == -1)
                {
                    worker.Kill(entireProcessTree: true); // no goodbye: its in-flight partitions are lost
                }
            });

            cohort.AssertSameAsSingleMachine("two-process");
            Assert.True(killedAfter > 0, "the worker never screened a partition");
            // Kill sends SIGKILL and returns: the process is reaped a moment later, so wait for it rather than sample HasExited.
            await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(worker.HasExited);
            Assert.Equal(cohort.Partitions, result.PartitionsBySilo.Values.Sum());
            Console.WriteLine($"two-process cluster: worker killed after {killedAfter} partitions; {result.Reruns} re-run; by silo: {string.Join(", ", result.PartitionsBySilo)}");
            await host.StopAsync();
        }
        finally
        {
            if (worker is { HasExited: false })
            {
                worker.Kill(entireProcessTree: true);
            }

            worker?.Dispose();
            await PostgresFactAttribute.DropDatabaseAsync(database);
        }
    }
}
