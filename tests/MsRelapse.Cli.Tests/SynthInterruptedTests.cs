using System.Diagnostics;

namespace MsRelapse.Cli.Tests;

/// <summary>
/// A synthetic export that <c>msrelapse synth</c> did not finish (killed, stopped, a full disk) is marked incomplete as a
/// Bulk Data download is, so that <c>msrelapse screen</c> refuses its files cut mid-line instead of reading them as a
/// whole export; a finished one carries no mark.
/// </summary>
public sealed class SynthInterruptedTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msr-synth-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_killed_synth_leaves_an_export_that_screen_refuses()
    {
        var export = Path.Combine(_root, "export");
        using var synth = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "msrelapse.dll"), "synth", "--patients", "1000000", "--seed", "3", "--as-of", "2026-05-11", "--out", export])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        synth.OutputDataReceived += (_, e) => said.Enqueue(e.Data ?? string.Empty);
        synth.ErrorDataReceived += (_, e) => said.Enqueue(e.Data ?? string.Empty);
        synth.BeginOutputReadLine();
        synth.BeginErrorReadLine();
        try
        {
            // Killed (SIGKILL: nothing of the process runs after it) once it has written some of the export.
            var deadline = Stopwatch.StartNew();
            while (!(Directory.Exists(export) && Directory.EnumerateFiles(export, "*.ndjson").Any(f => new FileInfo(f).Length > 0)))
            {
                Assert.False(synth.HasExited, "synth ended before it was killed: " + string.Join(" / ", said));
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "synth wrote nothing within 60 s: " + string.Join(" / ", said) + " / " + string.Join(", ", Directory.Exists(export) ? Directory.EnumerateFileSystemEntries(export) : []));
                Thread.Sleep(50);
            }
        }
        finally
        {
            synth.Kill(entireProcessTree: true);
            synth.WaitForExit();
        }

        Assert.True(File.Exists(Path.Combine(export, "INCOMPLETE-EXPORT.txt")));
        var run = CliRunner.Run("screen", export, "--as-of", "2026-05-11", "--out", Path.Combine(_root, "screen"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("holds an incomplete Bulk Data download (msrelapse synth did not finish writing this export", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_synth_leaves_no_mark()
    {
        var export = Path.Combine(_root, "export");

        var run = CliRunner.Run("synth", "--patients", "20", "--seed", "3", "--as-of", "2026-05-11", "--out", export);

        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(export, "INCOMPLETE-EXPORT.txt")));
        Assert.NotEmpty(Directory.EnumerateFiles(export, "*.ndjson"));
    }
}
