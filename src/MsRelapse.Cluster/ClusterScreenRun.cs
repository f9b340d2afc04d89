using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MsRelapse.Screening;

namespace MsRelapse.Cluster;

/// <summary>Progress of a cluster screen.</summary>
/// <param name="PartitionsDone">Partitions merged.</param>
/// <param name="Partitions">All partitions.</param>
/// <param name="Reruns">Partitions started again after a failure (a silo died, a call timed out).</param>
/// <param name="LastSilo">The silo that finished the last partition.</param>
/// <param name="Patients">Patients screened so far.</param>
public readonly record struct ClusterProgress(int PartitionsDone, int Partitions, int Reruns, string? LastSilo, long Patients);

/// <summary>What a cluster screen did beyond the summary: how the work spread and what was re-run.</summary>
public sealed record ClusterScreenResult(ScreenSummary Summary, IReadOnlyDictionary<string, int> PartitionsBySilo, int Reruns);

/// <summary>Options of a cluster screen.</summary>
/// <param name="InFlight">Partitions dispatched at once (default: 2 per core of this machine × 2).</param>
/// <param name="MaxAttempts">Attempts per partition before the screen fails.</param>
/// <param name="CallTimeout">A partition call that has not answered in this time is started again elsewhere.</param>
/// <param name="RetryDelay">
/// How long a failed partition waits before it is queued again, doubled at each attempt up to 4 s (default 200 ms:
/// 14 s over the eight default attempts, more than the few seconds the membership takes to declare a dead silo dead;
/// until then a new grain may be placed on it again).
/// </param>
public sealed record ClusterRunOptions(int InFlight = 0, int MaxAttempts = 8, TimeSpan? CallTimeout = null, TimeSpan? RetryDelay = null);

/// <summary>
/// The coordinator of <c>msrelapse screen --cluster</c>: the same three steps as <see cref="ScreenRun"/> — split the
/// export by patient (<see cref="ExportPartitioner"/>), screen the partitions, merge (<see cref="ScreenResultMerger"/>)
/// — with each partition screened by a grain somewhere in the cluster. It tracks every partition's state (pending,
/// running, done, attempts): a call that fails (its silo died) or times out puts the partition back in the queue
/// under a new attempt key, and the merger keeps one result per partition, so nothing is lost or counted twice.
/// The output equals a single-machine run's.
/// </summary>
public static class ClusterScreenRun
{
    /// <summary>Runs the screen on the cluster reachable through <paramref name="grains"/>.</summary>
    /// <param name="grains">A cluster client or a silo's grain factory.</param>
    /// <param name="options">Export, output, as-of, partitions. The work folder (under the output folder) must be on storage every silo can read.</param>
    /// <param name="run">Dispatch options.</param>
    /// <param name="progress">Called after each partition is merged.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<ClusterScreenResult> RunAsync(IGrainFactory grains, ScreenOptions options, ClusterRunOptions? run = null, Action<ClusterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(options);
        run ??= new ClusterRunOptions();
        var clock = Stopwatch.StartNew();
        var files = ExportPartitioner.FilesOf(options.ExportDirectory);
        var totalBytes = files.Sum(f => new FileInfo(Path.Combine(options.ExportDirectory, f)).Length);
        var partitions = options.PartitionCount > 0 ? options.PartitionCount : PatientPartition.CountFor(totalBytes);
        var runId = Guid.NewGuid().ToString("N");
        var work = Path.GetFullPath(Path.Combine(options.OutDirectory, $".screen-work-{runId}"));
        try
        {
            var export = ExportPartitioner.Partition(options.ExportDirectory, Path.Combine(work, "spill"), partitions, compactObservations: true, null, options.Workers, cancellationToken);
            var merger = new ScreenResultMerger(Path.Combine(work, "runs"));
            var pending = new ConcurrentQueue<int>(Enumerable.Range(0, partitions));
            var attempts = new int[partitions];
            var bySilo = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var done = 0;
            var reruns = 0;
            long patients = 0;
            var inputFiles = export.InputFiles.ToArray();
            var inFlight = run.InFlight > 0 ? run.InFlight : Math.Max(4, Environment.ProcessorCount * 4);
            var timeout = run.CallTimeout ?? TimeSpan.FromMinutes(10);
            var retryDelay = run.RetryDelay ?? TimeSpan.FromMilliseconds(200);

            // A partition that fails its last attempt stops every worker: the others would otherwise wait for it forever.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Exception? failure = null;

            async Task Worker()
            {
                while (!stop.Token.IsCancellationRequested)
                {
                    if (!pending.TryDequeue(out var p))
                    {
                        if (Volatile.Read(ref done) >= partitions)
                        {
                            return;
                        }

                        await Task.Delay(50, stop.Token).ConfigureAwait(false); // a failed partition may come back
                        continue;
                    }

                    var attempt = Interlocked.Increment(ref attempts[p]);
                    var grain = grains.GetGrain<IPartitionScreenGrain>($"{runId}/{p}/{attempt}");
                    try
                    {
                        var outcome = await grain.Screen(new PartitionWork(p, [.. export.PartitionFiles[p]], inputFiles, options.AsOf.DayNumber))
                            .WaitAsync(timeout, stop.Token).ConfigureAwait(false);
                        var result = JsonSerializer.Deserialize<PartitionResult>(outcome.ResultJson)
                            ?? throw new InvalidOperationException($"partition {p}: empty result");
                        merger.Add(result);
                        bySilo.AddOrUpdate(outcome.Silo, 1, (_, n) => n + 1);
                        var total = Interlocked.Add(ref patients, result.Rows.Length);
                        var count = Interlocked.Increment(ref done);
                        progress?.Invoke(new ClusterProgress(count, partitions, Volatile.Read(ref reruns), outcome.Silo, total));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stop.Token.IsCancellationRequested)
                    {
                        if (attempt >= run.MaxAttempts)
                        {
                            Interlocked.CompareExchange(ref failure, new InvalidOperationException($"partition {p} failed {attempt} times; last: {ex.GetType().Name}: {ex.Message}", ex), null);
                            await stop.CancelAsync().ConfigureAwait(false);
                            return;
                        }

                        // Its silo died, or it timed out: run it again (a new grain), after a wait that lets the cluster
                        // declare a dead silo dead — queued at once, any worker would take it straight back to it.
                        Interlocked.Increment(ref reruns);
                        var wait = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks << Math.Min(attempt - 1, 16), TimeSpan.FromSeconds(4).Ticks));
                        await Task.Delay(wait, stop.Token).ConfigureAwait(false);
                        pending.Enqueue(p);
                    }
                }
            }

            async Task Guarded()
            {
                try
                {
                    await Worker().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
                {
                    // stopped: by the caller (thrown below) or by a failed partition (thrown below)
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, partitions)).Select(_ => Task.Run(Guarded, CancellationToken.None))).ConfigureAwait(false);
            if (failure is not null)
            {
                throw failure; // made, not caught: nothing of its stack to keep
            }

            cancellationToken.ThrowIfCancellationRequested();

            var worklist = new List<PatientRow>();
            var summary = merger.Complete(options.OutDirectory, export, options.AsOf, clock.Elapsed, row =>
            {
                if (row.NeedsActionNow)
                {
                    worklist.Add(row);
                }
            });
            ScreenReport.Write(Path.Combine(options.OutDirectory, "report.html"), summary, worklist);
            return new ClusterScreenResult(summary with { Elapsed = clock.Elapsed }, new Dictionary<string, int>(bySilo, StringComparer.Ordinal), reruns);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
