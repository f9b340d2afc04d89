using System.Text.Json;
using MsRelapse.Screening;
using Orleans.Placement;
using Orleans.Runtime;

namespace MsRelapse.Cluster;

/// <summary>One part of the split: some files of the export (on storage every silo can read), split into a folder of their own.</summary>
[GenerateSerializer]
[Immutable]
[Alias("MsRelapse.Cluster.SplitWork")]
public sealed record SplitWork(
    [property: Id(0)] int Task,
    [property: Id(1)] string ExportDirectory,
    [property: Id(2)] int[] FileIndices,
    [property: Id(3)] string WorkDirectory,
    [property: Id(4)] int PartitionCount);

/// <summary>A split part: the silo that did it and the <see cref="PartitionedExport"/> of its files, as JSON.</summary>
[GenerateSerializer]
[Immutable]
[Alias("MsRelapse.Cluster.SplitOutcome")]
public sealed record SplitOutcome(
    [property: Id(0)] int Task,
    [property: Id(1)] string Silo,
    [property: Id(2)] byte[] PartJson);

/// <summary>Splits some files of an export by patient on whichever silo it is placed.</summary>
[Alias("MsRelapse.Cluster.IExportSplitGrain")]
public interface IExportSplitGrain : IGrainWithStringKey
{
    /// <summary>Splits the files (the work of <see cref="ExportPartitioner.PartitionFiles"/>) and returns what the split found.</summary>
    /// <param name="work">The files and where their spill goes.</param>
    /// <param name="cancellationToken">
    /// Cancelled by the caller when it gives the call up (the run stopped or failed, or the call timed out): Orleans
    /// carries the cancellation to the silo, and the split stops there instead of reading on for nobody.
    /// </param>
    [Alias("Split")]
    Task<SplitOutcome> Split(SplitWork work, CancellationToken cancellationToken = default);
}

/// <summary>
/// A grain per (run, split task, attempt), placed at random so the reading of the export spreads over the silos. It
/// holds no state: a re-run after its silo died is a new grain writing into a new folder, and the coordinator uses
/// only the parts whose calls returned, so a line is never spilled into a partition twice.
/// </summary>
[RandomPlacement]
public sealed class ExportSplitGrain(ILocalSiloDetails silo) : Grain, IExportSplitGrain
{
    /// <inheritdoc />
    public async Task<SplitOutcome> Split(SplitWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        // CPU- and I/O-bound: on the thread pool, not on the grain's single-threaded scheduler.
        var part = await Task.Run(
            () => ExportPartitioner.PartitionFiles(
                work.ExportDirectory, work.FileIndices, work.WorkDirectory, work.PartitionCount, compactObservations: true,
                maxWorkers: Math.Clamp(work.FileIndices.Length, 1, Environment.ProcessorCount), cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(true);
        DeactivateOnIdle();
        return new SplitOutcome(work.Task, silo.SiloAddress.ToString(), JsonSerializer.SerializeToUtf8Bytes(part));
    }
}
