using MsRelapse.Testing;

namespace MsRelapse.Fhir.Tests;

/// <summary>The shared specification folders these tests read (found by <see cref="RepoPaths"/>, never a fixed path).</summary>
internal static class SharedData
{
    public static string Examples => RepoPaths.SharedFile("examples");

    public static string Synthea => RepoPaths.SharedFile("data", "synthea-bulk-10");
}
