namespace MsRelapse.Testing;

/// <summary>
/// Finds the repository root (the folder holding <c>MsRelapse.slnx</c>) and the shared specification folder beside
/// it (<c>&lt;root&gt;/../shared</c>), so tests never hard-code an absolute path.
/// </summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The shared, read-only specification folder (clinical.md, contract/, examples/).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>A file or folder under the shared folder.</summary>
    public static string SharedFile(params string[] parts) => Path.Combine([Shared, .. parts]);

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MsRelapse.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("MsRelapse.slnx not found above " + AppContext.BaseDirectory);
    }
}
