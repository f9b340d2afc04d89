using System.Text.Json;
using MsRelapse.Screening;
using Orleans.Placement;
using Orleans.Runtime;

namespace MsRelapse.Cluster;

/// <summary>One partition to screen: its spill files and the export's medication spill files (on storage every silo can read).</summary>
[GenerateSerializer]
[Immutable]
[Alias("MsRelapse.Cluster.PartitionWork")]
public sealed record PartitionWork(
    [property: Id(0)] int Partition,
    [property: Id(1)] string[] SpillFiles,
    [property: Id(4)] string[] MedicationFiles,
    [property: Id(3)] int AsOfDayNumber);

/// <summary>A screened partition: the silo that did it and the <see cref="PartitionResult"/> as JSON.</summary>
[GenerateSerializer]
[Immutable]
[Alias("MsRelapse.Cluster.PartitionOutcome")]
public sealed record PartitionOutcome(
    [property: Id(0)] int Partition,
    [property: Id(1)] string Silo,
    [property: Id(2)] byte[] ResultJson);

/// <summary>Screens one partition on whichever silo it is placed.</summary>
[Alias("MsRelapse.Cluster.IPartitionScreenGrain")]
public interface IPartitionScreenGrain : IGrainWithStringKey
{
    /// <summary>Screens the partition (the work of <see cref="PartitionScreener"/>) and returns its rows.</summary>
    /// <param name="work">The partition's spill files.</param>
    /// <param name="cancellationToken">Cancelled by the caller when it gives the call up: the silo stops screening it.</param>
    [Alias("Screen")]
    Task<PartitionOutcome> Screen(PartitionWork work, CancellationToken cancellationToken = default);
}

/// <summary>
/// A grain per (run, partition, attempt), placed at random so partitions spread over the silos. It holds no state:
/// a re-run after its silo died is a new grain (a new attempt key) on a live silo, and the coordinator keeps only the
/// last result of each partition, so a partition is never counted twice.
/// </summary>
[RandomPlacement]
public sealed class PartitionScreenGrain(ILocalSiloDetails silo) : Grain, IPartitionScreenGrain
{
    /// <inheritdoc />
    public async Task<PartitionOutcome> Screen(PartitionWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        // CPU-bound parse and evaluation: on the thread pool, not on the grain's single-threaded scheduler.
        var result = await Task.Run(
            () => PartitionScreener.Screen(work.Partition, work.SpillFiles, work.MedicationFiles, DateOnly.FromDayNumber(work.AsOfDayNumber), cancellationToken),
            cancellationToken).ConfigureAwait(true);
        DeactivateOnIdle();
        return new PartitionOutcome(work.Partition, silo.SiloAddress.ToString(), JsonSerializer.SerializeToUtf8Bytes(result));
    }
}
