using MsRelapse.Screening;
using MsRelapse.Synthetic;

namespace MsRelapse.Cluster.Tests;

/// <summary>A synthetic export and its single-machine screen (the reference every cluster run must equal).</summary>
internal sealed class Cohort : IDisposable
{
    public static readonly DateOnly AsOf = new(2026, 5, 11);

    public Cohort(int patients, int partitions)
    {
        Partitions = partitions;
        Directory.CreateDirectory(Root);
        CohortGenerator.Generate(new SynthOptions(patients, 17, AsOf, Export, 512 * 1024));
        ScreenRun.Run(new ScreenOptions(Export, Reference, AsOf, PartitionCount: partitions));
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "msr-cluster-" + Guid.NewGuid().ToString("N"));

    public int Partitions { get; }

    public string Export => Path.Combine(Root, "export");

    public string Reference => Path.Combine(Root, "single");

    public ScreenOptions Options(string name) => new(Export, Path.Combine(Root, name), AsOf, PartitionCount: Partitions);

    /// <summary>patients.csv and summary.json are byte for byte those of the single-machine run.</summary>
    public void AssertSameAsSingleMachine(string name)
    {
        foreach (var file in new[] { "patients.csv", "summary.json" })
        {
            var expected = File.ReadAllText(Path.Combine(Reference, file));
            var actual = File.ReadAllText(Path.Combine(Root, name, file));
            Assert.True(expected == actual, $"{file} of the '{name}' run differs from the single-machine run");
        }

        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(Root, name)), d => Path.GetFileName(d).StartsWith(".screen-work", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
