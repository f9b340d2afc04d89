namespace MsRelapse.Cli.Commands;

/// <summary>The <c>--out</c> folder of a command that writes files: refused with exit 2 when it cannot be one.</summary>
internal static class OutputFolder
{
    /// <summary>Creates <paramref name="directory"/> (or finds it there); a path that is a file or cannot be created is bad input.</summary>
    /// <param name="directory">The <c>--out</c> value.</param>
    /// <param name="expected">What the folder is for, as the error says it ("a folder for the NDJSON files").</param>
    public static void Create(string directory, string expected)
    {
        if (File.Exists(directory))
        {
            throw new CliInputException($"--out '{directory}' is a file (expected {expected})");
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliInputException($"--out '{directory}' cannot be created ({(ex is UnauthorizedAccessException ? "permission denied" : "invalid path or I/O error")})");
        }
    }
}
