using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MsRelapse.Screening;

namespace MsRelapse.Cluster;

/// <summary>Progress of a cluster screen.</summary>
/// <param name="PartitionsDone">Partitions merged.</param>
/// <param name="Partitions">All partitions.</param>
/// <param name="Reruns">Calls of the current phase started again after a failure (a silo died, a call timed out).</param>
/// <param name="LastSilo">The silo that finished the last partition (or, in the split, the last part).</param>
/// <param name="Patients">Patients screened so far.</param>
/// <param name="Phase"><c>split</c> (the export read by parts, spread over the silos) or <c>screen</c>.</param>
/// <param name="SplitsDone">Parts of the split done.</param>
/// <param name="Splits">All parts of the split.</param>
public readonly record struct ClusterProgress(int PartitionsDone, int Partitions, int Reruns, string? LastSilo, long Patients, string Phase = "screen", int SplitsDone = 0, int Splits = 0);

/// <summary>What a cluster screen did beyond the summary: how the work spread and what was re-run.</summary>
/// <param name="Summary">The screen's summary (as a single-machine run's).</param>
/// <param name="PartitionsBySilo">Partitions screened, by silo.</param>
/// <param name="Reruns">Partition calls started again after a failure.</param>
public sealed record ClusterScreenResult(ScreenSummary Summary, IReadOnlyDictionary<string, int> PartitionsBySilo, int Reruns)
{
    /// <summary>Parts of the split (groups of the export's files) done, by silo.</summary>
    public IReadOnlyDictionary<string, int> SplitsBySilo { get; init; } = new Dictionary<string, int>();

    /// <summary>Split calls started again after a failure.</summary>
    public int SplitReruns { get; init; }
}

/// <summary>Options of a cluster screen.</summary>
/// <param name="InFlight">Calls dispatched at once, parts of the split then partitions (default: 4 per core of this machine, at least 4).</param>
/// <param name="MaxAttempts">Attempts per part or partition before the screen fails.</param>
/// <param name="CallTimeout">
/// A call that has not answered in this time is started again elsewhere (default 10 minutes; below
/// <see cref="ClusterHost.ResponseTimeout"/>, the silos' own limit).
/// </param>
/// <param name="RetryDelay">
/// How long a failed part or partition waits before it is queued again, doubled at each attempt up to 4 s (default 200 ms:
/// 14 s over the eight default attempts, more than the few seconds the membership takes to declare a dead silo dead;
/// until then a new grain may be placed on it again).
/// </param>
/// <param name="SplitTasks">
/// Parts the export's files are split in, each read by one silo (default: <paramref name="InFlight"/>'s default, at
/// most one per file). More parts spread the reading more evenly and make a lost part cheaper to read again; each part
/// writes its own spill file per partition.
/// </param>
/// <param name="CleanupGrace">
/// How long the end of a run waits for the calls it gave up on to finish before it removes the work folder (default
/// 30 s). From a silo, a call to a silo that died fails as soon as the cluster declares it dead; from an external
/// client (the tests' TestCluster) it is never answered, and the run waits this long.
/// </param>
public sealed record ClusterRunOptions(int InFlight = 0, int MaxAttempts = 8, TimeSpan? CallTimeout = null, TimeSpan? RetryDelay = null, int SplitTasks = 0, TimeSpan? CleanupGrace = null);

/// <summary>
/// The coordinator of <c>msrelapse screen --cluster</c>: the same three steps as <see cref="ScreenRun"/> — split the
/// export by patient (<see cref="ExportPartitioner"/>), screen the partitions, merge (<see cref="ScreenResultMerger"/>)
/// — with the split spread over the cluster (each part of the export's files read by a grain somewhere, into a folder
/// of its own; <see cref="PartitionedExport.Combine"/> joins the parts) and each partition screened by a grain
/// somewhere. It tracks every part and partition (pending, running, done, attempts): a call that fails (its silo died)
/// or times out is queued again under a new attempt key — a split part into a new folder — and only the calls that
/// returned are used, one per part and per partition, so nothing is lost or counted twice. The output equals a
/// single-machine run's.
/// </summary>
public static class ClusterScreenRun
{
    /// <summary>Runs the screen on the cluster reachable through <paramref name="grains"/>.</summary>
    /// <param name="grains">A cluster client or a silo's grain factory.</param>
    /// <param name="options">Export, output, as-of, partitions. The work folder (under the output folder) must be on storage every silo can read.</param>
    /// <param name="run">Dispatch options.</param>
    /// <param name="progress">Called after each part of the split and after each partition is merged.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<ClusterScreenResult> RunAsync(IGrainFactory grains, ScreenOptions options, ClusterRunOptions? run = null, Action<ClusterProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(options);
        run ??= new ClusterRunOptions();
        if (run.CleanupGrace < TimeSpan.Zero)
        {
            throw new ArgumentException("CleanupGrace must not be negative", nameof(run));
        }

        var clock = Stopwatch.StartNew();
        var files = ExportPartitioner.FilesOf(options.ExportDirectory);
        var totalBytes = files.Sum(f => new FileInfo(Path.Combine(options.ExportDirectory, f)).Length);
        var partitions = options.PartitionCount > 0 ? options.PartitionCount : PatientPartition.CountFor(totalBytes);
        var runId = Guid.NewGuid().ToString("N");
        var work = Path.GetFullPath(Path.Combine(options.OutDirectory, $".screen-work-{runId}"));
        // Grain calls given up on may still be writing into the work folder until their silo sees the cancellation
        // (CallAsync below): they are waited for, a while, before it is removed.
        var calls = new ConcurrentBag<Task>();

        try
        {
            var inFlight = run.InFlight > 0 ? run.InFlight : Math.Max(4, Environment.ProcessorCount * 4);
            var timeout = run.CallTimeout ?? TimeSpan.FromMinutes(10);
            if (timeout >= ClusterHost.ResponseTimeout)
            {
                throw new ArgumentException($"CallTimeout must be below the silos' response timeout ({ClusterHost.ResponseTimeout}), which would fail the call first", nameof(run));
            }

            // A call given up on — timed out, or the run stopped or failed — is cancelled on its silo as well: Orleans
            // carries a grain call's CancellationToken to the callee, and the silo stops reading and screening for
            // nobody (before, it went on until the call's work was done, up to the timeout's length or more).
            async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken token)
            {
                using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(token);
                var pending = call(giveUp.Token);
                calls.Add(pending);
                try
                {
                    return await pending.WaitAsync(timeout, token).ConfigureAwait(false);
                }
                catch
                {
                    await giveUp.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }

            var exportDirectory = Path.GetFullPath(options.ExportDirectory);
            var dispatch = new Dispatcher(run, inFlight, cancellationToken);

            // The split, spread: each part (a group of files) read by a grain into its own folder.
            var tasks = ExportPartitioner.GroupFiles(exportDirectory, run.SplitTasks > 0 ? run.SplitTasks : inFlight);
            var parts = new PartitionedExport?[tasks.Length];
            var splitsBySilo = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var splitsDone = 0;
            var splitReruns = await dispatch.RunAsync("split part", tasks.Length, async (t, attempt, token) =>
            {
                var folder = Path.Combine(work, "spill", $"t{t:D4}-a{attempt}");
                try
                {
                    var grain = grains.GetGrain<IExportSplitGrain>($"{runId}/split/{t}/{attempt}");
                    var outcome = await CallAsync(giveUp => grain.Split(new SplitWork(t, exportDirectory, tasks[t], folder, partitions), giveUp), token).ConfigureAwait(false);
                    var part = JsonSerializer.Deserialize<PartitionedExport>(outcome.PartJson)
                        ?? throw new InvalidOperationException($"split part {t}: empty result");
                    if (!part.InputFiles.SequenceEqual(files) || part.PartitionCount != partitions)
                    {
                        throw new InvalidOperationException($"silo {outcome.Silo} sees other files in {exportDirectory} than the coordinator: every silo must read the same export at the same path");
                    }

                    parts[t] = part;
                    splitsBySilo.AddOrUpdate(outcome.Silo, 1, (_, n) => n + 1);
                    var count = Interlocked.Increment(ref splitsDone);
                    progress?.Invoke(new ClusterProgress(0, partitions, dispatch.Reruns, outcome.Silo, 0, "split", count, tasks.Length));
                }
                catch
                {
                    // What a failed attempt spilled is never read: removed now if its silo is gone, at the end otherwise.
                    TryDelete(folder);
                    throw;
                }
            }).ConfigureAwait(false);
            var export = tasks.Length > 0
                ? PartitionedExport.Combine([.. parts.Select(p => p!)])
                : ExportPartitioner.Partition(exportDirectory, Path.Combine(work, "spill"), partitions, compactObservations: true); // no file: nothing to spread
            ScreenRun.EnsurePatients(export); // lines but no patient (a Bundle saved as .ndjson): refused, as a local screen refuses it

            var merger = new ScreenResultMerger(Path.Combine(work, "runs"));
            var bySilo = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var done = 0;
            long patients = 0;
            var medicationFiles = export.MedicationFiles.ToArray();
            var reruns = await dispatch.RunAsync("partition", partitions, async (p, attempt, token) =>
            {
                var grain = grains.GetGrain<IPartitionScreenGrain>($"{runId}/{p}/{attempt}");
                var partitionWork = new PartitionWork(p, [.. export.PartitionFiles[p]], medicationFiles, options.AsOf.DayNumber);
                var outcome = await CallAsync(giveUp => grain.Screen(partitionWork, giveUp), token).ConfigureAwait(false);
                var result = JsonSerializer.Deserialize<PartitionResult>(outcome.ResultJson)
                    ?? throw new InvalidOperationException($"partition {p}: empty result");
                merger.Add(result);
                bySilo.AddOrUpdate(outcome.Silo, 1, (_, n) => n + 1);
                var total = Interlocked.Add(ref patients, result.Rows.Length);
                var count = Interlocked.Increment(ref done);
                progress?.Invoke(new ClusterProgress(count, partitions, dispatch.Reruns, outcome.Silo, total, "screen", tasks.Length, tasks.Length));
            }).ConfigureAwait(false);

            var summary = merger.Complete(options.OutDirectory, export, options.AsOf, clock.Elapsed);
            return new ClusterScreenResult(summary with { Elapsed = clock.Elapsed }, new Dictionary<string, int>(bySilo, StringComparer.Ordinal), reruns)
            {
                SplitsBySilo = new Dictionary<string, int>(splitsBySilo, StringComparer.Ordinal),
                SplitReruns = splitReruns,
            };
        }
        finally
        {
            await SettleAsync(calls, run.CleanupGrace ?? DefaultCleanupGrace).ConfigureAwait(false);
            TryDelete(work); // never allowed to replace the run's outcome
        }
    }

    /// <summary>How long the end of a run waits for grain calls given up on to finish before removing the work folder (<see cref="ClusterRunOptions.CleanupGrace"/>).</summary>
    internal static readonly TimeSpan DefaultCleanupGrace = TimeSpan.FromSeconds(30);

    private static async Task SettleAsync(IEnumerable<Task> calls, TimeSpan grace)
    {
        try
        {
            await Task.WhenAll(calls).WaitAsync(grace).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Their failures were the run's to handle (re-run or fail); here only their end matters.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // a silo may still be writing into it (a call given up on): a part's folder goes with the run's work folder
            // at the end; a work folder still busy then stays in the output folder (docs/screening.md)
        }
        catch (UnauthorizedAccessException)
        {
            // as above
        }
    }

    /// <summary>
    /// Runs items on grains with a bounded number in flight: a call that fails (its silo died) or times out is queued
    /// again after a wait, under a new attempt number; an item that fails its last attempt stops the run.
    /// </summary>
    private sealed class Dispatcher(ClusterRunOptions run, int inFlight, CancellationToken cancellationToken)
    {
        private int _reruns;

        /// <summary>Calls started again after a failure in the current phase.</summary>
        public int Reruns => Volatile.Read(ref _reruns);

        /// <summary>Runs items 0..count-1 (call: item, attempt, token); returns how many calls were re-run.</summary>
        public async Task<int> RunAsync(string what, int count, Func<int, int, CancellationToken, Task> call)
        {
            Volatile.Write(ref _reruns, 0);
            var pending = new ConcurrentQueue<int>(Enumerable.Range(0, count));
            var attempts = new int[count];
            var done = 0;
            var retryDelay = run.RetryDelay ?? TimeSpan.FromMilliseconds(200);

            // An item that fails its last attempt stops every worker: the others would otherwise wait for it forever.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Exception? failure = null;

            async Task Worker()
            {
                while (!stop.Token.IsCancellationRequested)
                {
                    if (!pending.TryDequeue(out var item))
                    {
                        if (Volatile.Read(ref done) >= count)
                        {
                            return;
                        }

                        await Task.Delay(50, stop.Token).ConfigureAwait(false); // a failed item may come back
                        continue;
                    }

                    var attempt = Interlocked.Increment(ref attempts[item]);
                    try
                    {
                        await call(item, attempt, stop.Token).ConfigureAwait(false);
                        Interlocked.Increment(ref done);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stop.Token.IsCancellationRequested)
                    {
                        if (attempt >= run.MaxAttempts)
                        {
                            Interlocked.CompareExchange(ref failure, new InvalidOperationException($"{what} {item} failed {attempt} times; last: {ex.GetType().Name}: {ex.Message}", ex), null);
                            await stop.CancelAsync().ConfigureAwait(false);
                            return;
                        }

                        // Its silo died, or it timed out: run it again (a new grain), after a wait that lets the cluster
                        // declare a dead silo dead — queued at once, any worker would take it straight back to it.
                        Interlocked.Increment(ref _reruns);
                        var wait = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks << Math.Min(attempt - 1, 16), TimeSpan.FromSeconds(4).Ticks));
                        await Task.Delay(wait, stop.Token).ConfigureAwait(false);
                        pending.Enqueue(item);
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
                    // stopped: by the caller (thrown below) or by a failed item (thrown below)
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, count)).Select(_ => Task.Run(Guarded, CancellationToken.None))).ConfigureAwait(false);
            if (failure is not null)
            {
                throw failure; // made, not caught: nothing of its stack to keep
            }

            cancellationToken.ThrowIfCancellationRequested();
            return Reruns;
        }
    }
}
