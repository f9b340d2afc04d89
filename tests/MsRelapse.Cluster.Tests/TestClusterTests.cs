using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace MsRelapse.Cluster.Tests;

/// <summary>An in-process two-silo Orleans cluster (TestingHost): the same output as one machine, even when a silo dies mid-run.</summary>
public sealed class TestClusterTests
{
    private sealed class BatchSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterHost.ConfigureFastFailureDetection(siloBuilder.Services);
            ClusterHost.ConfigureLongCalls(siloBuilder.Services);
            siloBuilder.AddIncomingGrainCallFilter<AnswerWithheld>();
        }
    }

    /// <summary>
    /// Makes a silo die at a chosen point of a run, whatever the timing. Armed with a silo and a grain method, that silo
    /// does the work of every call of the method and then withholds the answer, and the first such call completes the
    /// task <see cref="Arm"/> returned: the test kills the silo then. The work is done and its answer lost, the case in
    /// which a coordinator that used anything but the answers it received would count a part twice. Disarmed, it
    /// does nothing (the other tests of the class).
    /// </summary>
    private sealed class AnswerWithheld(ILocalSiloDetails silo) : IIncomingGrainCallFilter
    {
        private sealed record Armed(SiloAddress Silo, string Method, TaskCompletionSource Held, CancellationTokenSource Released);

        private static Armed? s_armed;

        public static Task Arm(SiloAddress victim, string method)
        {
            var armed = new Armed(victim, method, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new CancellationTokenSource());
            Volatile.Write(ref s_armed, armed);
            return armed.Held.Task;
        }

        /// <summary>Ends the withholding (answers still held are then given up, on a silo already dead).</summary>
        public static void Disarm() => Interlocked.Exchange(ref s_armed, null)?.Released.Cancel();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            if (Volatile.Read(ref s_armed) is { } armed && armed.Silo.Equals(silo.SiloAddress) && context.MethodName == armed.Method)
            {
                armed.Held.TrySetResult();
                await Task.Delay(Timeout.Infinite, armed.Released.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    private sealed class BatchClient : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
            ClusterHost.ConfigureLongClientCalls(clientBuilder.Services);
    }

    private static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<BatchSilo>();
        builder.AddClientBuilderConfigurator<BatchClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Two_silos_share_the_partitions_and_merge_to_the_single_machine_output()
    {
        using var cohort = new Cohort(300, 8);
        var cluster = await StartAsync();
        try
        {
            var result = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster"), new ClusterRunOptions(SplitTasks: 6));

            cohort.AssertSameAsSingleMachine("cluster");
            Assert.Equal(8, result.PartitionsBySilo.Values.Sum());
            Assert.Equal(2, result.PartitionsBySilo.Count); // random placement spread the work over both silos
            Assert.Equal(0, result.Reruns);
            Assert.Equal(6, result.SplitsBySilo.Values.Sum()); // the export read in six parts, by grains on either silo
            Assert.Equal(0, result.SplitReruns);

            // A negative cleanup grace is refused before anything runs.
            await Assert.ThrowsAsync<ArgumentException>(() => ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster-bad"), new ClusterRunOptions(CleanupGrace: TimeSpan.FromSeconds(-1))));
            Assert.False(Directory.Exists(Path.Combine(cohort.Root, "cluster-bad")));

            // An export folder without a file: nothing to split, an empty screen (as on one machine), not a failure.
            var empty = Path.Combine(cohort.Root, "empty-export");
            Directory.CreateDirectory(empty);
            var none = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster-empty") with { ExportDirectory = empty });
            Assert.Equal(0, none.Summary.Tally.Patients);
            Assert.Empty(none.SplitsBySilo);
            Assert.Equal(["patients.csv", "report.html", "summary.json"], Directory.EnumerateFileSystemEntries(Path.Combine(cohort.Root, "cluster-empty")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            // Lines but no patient (a Bundle saved as .ndjson): refused as a local screen refuses it, nothing written.
            var bundleOnly = Path.Combine(cohort.Root, "bundle-export");
            Directory.CreateDirectory(bundleOnly);
            File.WriteAllText(Path.Combine(bundleOnly, "Bundle.ndjson"), """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1"}}]}""" + "\n");
            await Assert.ThrowsAsync<MsRelapse.Screening.NoPatientException>(() => ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster-bundle") with { ExportDirectory = bundleOnly }));
            Assert.False(Directory.Exists(Path.Combine(cohort.Root, "cluster-bundle")) && Directory.EnumerateFileSystemEntries(Path.Combine(cohort.Root, "cluster-bundle")).Any());

            // Orleans' own limit (30 s by default) would fail — and have re-run beside itself — any part or partition
            // that takes longer: silos and client let the run's CallTimeout decide.
            foreach (var silo in cluster.Silos.OfType<InProcessSiloHandle>())
            {
                Assert.Equal(ClusterHost.ResponseTimeout, silo.SiloHost.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
            }

            Assert.Equal(ClusterHost.ResponseTimeout, cluster.Client.ServiceProvider.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);

            // Stopped as the first part of the split is done (SIGTERM on the coordinator): the run ends, and once the
            // calls it gave up on have ended, no work folder (spilled patient data) is left in the output folder.
            using var stop = new CancellationTokenSource();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster-stopped"), new ClusterRunOptions(SplitTasks: 6), _ => stop.Cancel(), stop.Token));
            var stopped = Path.Combine(cohort.Root, "cluster-stopped");
            Assert.DoesNotContain(Directory.Exists(stopped) ? Directory.GetDirectories(stopped) : [], d => Path.GetFileName(d).StartsWith(".screen-work", StringComparison.Ordinal));
            Assert.False(File.Exists(Path.Combine(stopped, "patients.csv")));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_split_given_up_on_is_cancelled_on_its_silo_which_stops_reading()
    {
        // The export's one file is a pipe that the test writes into: a split reads it for as long as the test writes.
        // The call is given up on (its token cancelled) after the first 2,000 lines; the silo must stop reading and
        // close the pipe, which the writer sees as a broken pipe. Were the cancellation not carried to the silo, the
        // split would read all 300,000 lines and every write would succeed.
        using var cohort = new Cohort(20, 2);
        var export = Path.Combine(cohort.Root, "piped");
        Directory.CreateDirectory(export);
        var pipe = Path.Combine(export, "Observation.000.ndjson");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var observation = File.ReadLines(Directory.GetFiles(cohort.Export, "Observation*.ndjson")[0]).First();
        var line = System.Text.Encoding.UTF8.GetBytes(observation + "\n");
        var cluster = await StartAsync();
        Task? writing = null;
        try
        {
            using var giveUp = new CancellationTokenSource();
            var call = cluster.Client.GetGrain<IExportSplitGrain>("cancelled-split")
                .Split(new SplitWork(0, export, [0], Path.Combine(cohort.Root, "piped-spill"), 2), giveUp.Token);
            writing = Task.Run(() =>
            {
                using var writer = new FileStream(pipe, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1); // waits for the split to open it
                for (var i = 0; i < 300_000; i++)
                {
                    writer.Write(line);
                    if (i == 2_000)
                    {
                        giveUp.Cancel();
                    }
                }
            });

            await Assert.ThrowsAsync<IOException>(() => writing.WaitAsync(TimeSpan.FromSeconds(60))); // EPIPE: the silo closed its end
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            if (writing is { IsCompleted: false })
            {
                // a writer still waiting for a reader (the split never opened the pipe): give it one, so it ends
                using var reader = new FileStream(pipe, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            }

            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_partition_that_fails_every_attempt_ends_the_run_with_its_error_instead_of_leaving_it_waiting()
    {
        // Once the first partition is merged, the last partition's spill is taken away (dispatch is in order and two
        // at a time: it has not started): it fails every attempt while the others succeed. The run must stop with its
        // failure — the worker that gave up used to end alone, and the other polled for it forever.
        using var cohort = new Cohort(200, 8);
        var cluster = await StartAsync();
        try
        {
            var options = cohort.Options("cluster-fail");
            var removed = 0;
            var run = ClusterScreenRun.RunAsync(cluster.Client, options, new ClusterRunOptions(InFlight: 2, MaxAttempts: 3, RetryDelay: TimeSpan.FromMilliseconds(10)), p =>
            {
                if (p.Phase == "screen" && Interlocked.Exchange(ref removed, 1) == 0)
                {
                    foreach (var work in Directory.GetDirectories(options.OutDirectory, ".screen-work-*"))
                    {
                        foreach (var spill in Directory.GetFiles(Path.Combine(work, "spill"), $"part-{cohort.Partitions - 1:D5}-w*.spill", SearchOption.AllDirectories))
                        {
                            File.Delete(spill);
                        }
                    }
                }
            });

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(90)));
            Assert.StartsWith($"partition {cohort.Partitions - 1} failed 3 times", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// The run of a test that kills a silo. Its coordinator is the TestCluster's external client, whose calls to a silo
    /// that died are never answered (a silo's runtime fails them once the silo is declared dead): they are given up on
    /// after the call timeout and waited for at the end for the cleanup grace. Ten seconds per call is ample for this
    /// export's parts and partitions (milliseconds each; one that takes longer is run again, and counted once), and the
    /// grace is short, so that such a run takes about 15 s more, not the 90 s that 60 s calls and the 30 s default took.
    /// </summary>
    private static ClusterRunOptions KillRun(int inFlight, int splitTasks = 0) =>
        new(InFlight: inFlight, CallTimeout: TimeSpan.FromSeconds(10), SplitTasks: splitTasks, CleanupGrace: TimeSpan.FromSeconds(5));

    [Fact]
    public async Task A_silo_killed_mid_run_has_its_partitions_re_run_and_nothing_is_counted_twice()
    {
        // The victim screens a partition and dies before it answers (killed abruptly: no graceful shutdown, every call
        // it holds is lost): that partition, and any other it held, is screened again on the other silo, and its rows
        // count once. Sixteen partitions placed at random: the victim gets none of them with a chance of 2^-16.
        using var cohort = new Cohort(400, 16);
        var cluster = await StartAsync();
        try
        {
            var victim = cluster.SecondarySilos[0];
            var held = AnswerWithheld.Arm(victim.SiloAddress, nameof(IPartitionScreenGrain.Screen));
            var killed = held.ContinueWith(_ => cluster.KillSiloAsync(victim), TaskScheduler.Default).Unwrap();
            var result = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster-kill"), KillRun(inFlight: 8));

            cohort.AssertSameAsSingleMachine("cluster-kill");
            Assert.True(killed.IsCompleted, "the victim was never given a partition");
            Assert.True(result.Reruns >= 1, "the partition the victim screened without answering was not screened again");
            Assert.Equal(16, result.PartitionsBySilo.Values.Sum());
            Assert.DoesNotContain(victim.SiloAddress.ToString(), result.PartitionsBySilo.Keys); // its withheld answers never counted
        }
        finally
        {
            AnswerWithheld.Disarm();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silo_killed_while_the_export_is_split_has_its_parts_read_again_and_no_line_is_spilled_twice()
    {
        // Twelve parts of the export, four in flight. The victim reads a part into its folder and dies before it
        // answers; calls placed on it until the cluster declares it dead fail. Every such part is read again by the
        // other silo into a folder of its own, and the folder the victim wrote in full is never read: each part counts
        // once and the output is the single machine's. (Until the answer was withheld, the kill raced the parts of this
        // small export, milliseconds each: one run in four killed the victim after the split, and no part was re-run.)
        // The parts are placed at random: the victim gets none of the twelve with a chance of 2^-12.
        using var cohort = new Cohort(400, 8);
        var cluster = await StartAsync();
        try
        {
            var victim = cluster.SecondarySilos[0];
            var held = AnswerWithheld.Arm(victim.SiloAddress, nameof(IExportSplitGrain.Split));
            var killed = held.ContinueWith(_ => cluster.KillSiloAsync(victim), TaskScheduler.Default).Unwrap();
            var result = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("split-kill"), KillRun(inFlight: 4, splitTasks: 12));

            cohort.AssertSameAsSingleMachine("split-kill");
            Assert.True(killed.IsCompleted, "the victim was never given a part of the split");
            Assert.True(result.SplitReruns >= 1, "the part the victim read without answering was not read again");
            Assert.Equal(12, result.SplitsBySilo.Values.Sum()); // each part once, re-run or not
            Assert.DoesNotContain(victim.SiloAddress.ToString(), result.SplitsBySilo.Keys); // its withheld parts never used
            Assert.Equal(8, result.PartitionsBySilo.Values.Sum());
            Console.WriteLine($"split with a silo killed: {result.SplitReruns} part calls re-run; parts by silo: {string.Join(", ", result.SplitsBySilo)}");
        }
        finally
        {
            AnswerWithheld.Disarm();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
