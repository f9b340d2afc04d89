using System.Collections.Immutable;
using MsRelapse.Screening;

namespace MsRelapse.Screening.Tests;

/// <summary>The merge of the partitions' rows: one sorted stream, whatever the number of partitions and of runs merged at once.</summary>
public sealed class ScreenResultMergerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "msr-merger-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static PatientRow Row(string id) => new(id, "relapse", "moderate", "oral-methylprednisolone", "soon", "not-applicable", new DateOnly(2026, 4, 20), 21, [], null);

    [Theory]
    [InlineData(40, 3)] // 40 runs, 3 at a time: four levels of longer runs before the last merge
    [InlineData(40, 40)] // at the fan-in: one merge
    [InlineData(1, 2)]
    public void Every_row_comes_out_once_in_patient_order_however_many_runs_are_merged_at_once(int partitions, int fanIn)
    {
        // Patients spread over the partitions at random (as the hash spreads them), each partition's rows in any order.
        var random = new Random(partitions * 31 + fanIn);
        var ids = Enumerable.Range(0, 997).Select(i => $"patient-{random.Next():x8}-{i}").ToList();
        var merger = new ScreenResultMerger(Path.Combine(_root, $"runs-{partitions}-{fanIn}"), fanIn);
        foreach (var (partition, rows) in ids.GroupBy(_ => random.Next(partitions)).Select(g => (g.Key, g.ToList())))
        {
            merger.Add(new PartitionResult(partition, [.. rows.Select(Row)], [], rows.Count, 0));
        }

        var merged = merger.Rows().Select(r => r.PatientId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), merged);
        Assert.Equal(merged, merger.Rows().Select(r => r.PatientId)); // merging again gives the same rows
    }

    [Fact]
    public void A_fan_in_below_two_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScreenResultMerger(Path.Combine(_root, "none"), 1));
}
