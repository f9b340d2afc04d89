using System.Text;

namespace MsRelapse.Screening;

/// <summary>
/// Patient id → partition, by a stable hash (64-bit FNV-1a over the id's UTF-8 bytes): the same id gives the same
/// partition in every process, on every machine and in every .NET version (unlike <c>string.GetHashCode</c>), so
/// partitions can be screened anywhere and re-run without moving a patient.
/// </summary>
public static class PatientPartition
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The partition (0 ≤ p &lt; <paramref name="partitionCount"/>) of a patient id.</summary>
    public static int Of(string patientId, int partitionCount)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        var hash = Offset;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(patientId) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(patientId, buffer)]
            : Encoding.UTF8.GetBytes(patientId);
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * Prime);
        }

        return (int)(hash % (ulong)partitionCount);
    }

    /// <summary>The export bytes a partition holds by default: what one worker keeps in memory while it screens it.</summary>
    public const long DefaultPartitionBytes = 16L << 20;

    /// <summary>
    /// The number of partitions for an export of <paramref name="totalBytes"/>: about
    /// <paramref name="targetPartitionBytes"/> each, so the count grows with the export and a partition's working
    /// set (what a worker holds) stays the same whatever the export's size; at least <paramref name="minimum"/>.
    /// </summary>
    public static int CountFor(long totalBytes, long targetPartitionBytes = DefaultPartitionBytes, int minimum = 8) =>
        (int)Math.Clamp((totalBytes + targetPartitionBytes - 1) / Math.Max(1, targetPartitionBytes), minimum, MaxCount);

    /// <summary>
    /// The most partitions a screen uses (a 1 TB export at the default size). Each worker of the split keeps a spill file
    /// open per partition it writes to, so the process needs about workers × partitions open files.
    /// </summary>
    public const int MaxCount = 65_536;
}
