namespace MsRelapse.Testing;

/// <summary>The four sample bundles of <c>shared/examples</c> (README: evaluated as of 2026-05-11).</summary>
public static class SharedExamples
{
    /// <summary>The evaluation date the README states for every example.</summary>
    public static DateOnly AsOf { get; } = new(2026, 5, 11);

    /// <summary>The example names (file names without <c>.json</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "severe-relapse-untreated",
        "steroid-refractory-relapse",
        "pseudo-relapse-with-fever",
        "aqp4-positive-myelitis",
    ];

    /// <summary>The FHIR JSON of one example.</summary>
    public static string Load(string name) => File.ReadAllText(RepoPaths.SharedFile("examples", name + ".json"));
}
