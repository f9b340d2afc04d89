using System.Collections.Concurrent;

namespace MsRelapse.Screening;

/// <summary>
/// Infrastructure (named on purpose: it is a memory optimisation): the buffers a partition's spill files are read into
/// while the partition is screened. A partition's lines then live in one buffer, not in one array per line — a
/// 100,000-patient screen made 2.25 million such arrays, each kept until its partition was done, and the collector
/// promoted and copied them (a fifth of the screen's time in GC pauses; benchmarks/README.md, "Screening").
/// </summary>
/// <remarks>
/// At most one free buffer per core is kept, so the memory held is bounded by the cores and the largest partition,
/// whatever the export's size (the shared <c>ArrayPool</c> rounds sizes up to a power of two and keeps several per
/// core: measured, it made the peak of a large screen vary by a third).
/// </remarks>
internal static class PartitionBuffers
{
    private const int Granularity = 1 << 20;

    private static readonly ConcurrentBag<byte[]> Free = [];

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes (its contents are not cleared).</summary>
    public static byte[] Rent(long bytes)
    {
        var needed = checked((int)bytes);
        while (Free.TryTake(out var buffer))
        {
            if (buffer.Length >= needed)
            {
                return buffer;
            }

            // Too small for this partition: let it go rather than keep two.
        }

        var rounded = (int)Math.Min(Array.MaxLength, ((long)needed + Granularity - 1) / Granularity * Granularity);
        return GC.AllocateUninitializedArray<byte>(Math.Max(rounded, needed));
    }

    /// <summary>Gives a buffer back once nothing reads it any more.</summary>
    public static void Return(byte[] buffer)
    {
        if (Free.Count < Environment.ProcessorCount)
        {
            Free.Add(buffer);
        }
    }
}
