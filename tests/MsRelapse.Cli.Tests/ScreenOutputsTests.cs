using MsRelapse.Testing;

namespace MsRelapse.Cli.Tests;

/// <summary>
/// A screen's three outputs are one set: a run that fails while writing them leaves the last run's set whole, never a
/// patients.csv of one run beside a report.html of another; a folder where an output belongs is refused before any work.
/// </summary>
public sealed class ScreenOutputsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msr-screen-outputs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_run_that_fails_while_writing_leaves_the_last_runs_outputs_whole()
    {
        var export = Path.Combine(_root, "export");
        var output = Path.Combine(_root, "out");
        Assert.Equal(0, CliRunner.Run("synth", "--patients", "50", "--seed", "5", "--as-of", "2026-05-11", "--out", export).ExitCode);
        Assert.Equal(0, CliRunner.Run("screen", export, "--as-of", "2026-05-11", "--out", output).ExitCode);
        var before = new[] { "patients.csv", "summary.json", "report.html" }.Select(n => File.ReadAllText(Path.Combine(output, n))).ToArray();

        // The report cannot be written this time (its file-to-be is taken by a folder): the second run fails at the end.
        Directory.CreateDirectory(Path.Combine(output, "report.html.partial"));
        var failed = CliRunner.Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--as-of", "2026-05-11", "--out", output);

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Equal(before, new[] { "patients.csv", "summary.json", "report.html" }.Select(n => File.ReadAllText(Path.Combine(output, n))));
        Assert.False(File.Exists(Path.Combine(output, "patients.csv.partial")));
        Assert.False(File.Exists(Path.Combine(output, "summary.json.partial")));
    }

    [Fact]
    public void A_folder_named_like_an_output_is_refused_before_the_screen_runs()
    {
        var output = Path.Combine(_root, "out");
        Directory.CreateDirectory(Path.Combine(output, "report.html"));

        var run = CliRunner.Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--as-of", "2026-05-11", "--out", output);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"msrelapse: --out '{output}' holds a folder named report.html, where the screen writes that file (remove it, or choose another --out)", Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(Path.Combine(output, "patients.csv")));
    }
}
