namespace MsRelapse.Fhir.Tests;

/// <summary>Finds the read-only shared specification folder (examples, Synthea data) beside the repository.</summary>
internal static class SharedData
{
    public static string Root { get; } = Find();

    public static string Examples => Path.Combine(Root, "examples");

    public static string Synthea => Path.Combine(Root, "data", "synthea-bulk-10");

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("MSR_SHARED_DIR") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared"), Path.Combine(dir.FullName, "..", "shared") })
            {
                if (File.Exists(Path.Combine(candidate, "fhir-profile.md")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return "/work/shared";
    }
}
