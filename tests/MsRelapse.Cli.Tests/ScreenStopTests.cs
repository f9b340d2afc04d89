using System.Diagnostics;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Cli.Tests;

/// <summary>
/// A local <c>msrelapse screen</c> that does not finish — stopped by a signal, killed earlier, or given an export it
/// cannot read — leaves no patient data and no output that looks like a result in <c>--out</c>.
/// </summary>
public sealed class ScreenStopTests(ScreenStopTests.SynthExport export) : IClassFixture<ScreenStopTests.SynthExport>
{
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_screen_stopped_by_a_signal_exits_130_or_143_with_one_line_and_leaves_nothing_in_out(string signal, int expectedExit)
    {
        var output = export.Root + "-out-" + signal;
        using var screen = Process.Start(DotnetExec("screen", export.Folder, "--as-of", "2026-05-11", "--workers", "1", "--out", output))!;
        var stdout = screen.StandardOutput.ReadToEndAsync();
        var stderr = screen.StandardError.ReadToEndAsync();
        try
        {
            // Stopped while it splits: its spill of patient data is on disk by then.
            var work = Path.Combine(output, $".screen-work-{screen.Id}", "spill");
            var waited = Stopwatch.StartNew();
            while (!Directory.Exists(work) && !screen.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(20);
            }

            Assert.True(Directory.Exists(work), "the screen did not start its split");
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, screen.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
            {
                await kill.WaitForExitAsync();
            }

            await screen.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(expectedExit, screen.ExitCode);
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"msrelapse: stopped before the end by {(signal == "INT" ? "Ctrl+C (SIGINT)" : "SIGTERM")}; this run wrote no output", line);
            Assert.DoesNotContain("Screened", await stdout, StringComparison.Ordinal);
            // The folder was created by this run and holds nothing: it is gone with the work folder.
            Assert.False(Directory.Exists(output), string.Join(", ", Directory.Exists(output) ? Directory.EnumerateFileSystemEntries(output) : []));
        }
        finally
        {
            if (!screen.HasExited)
            {
                screen.Kill();
            }

            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Fact]
    public void A_screen_removes_the_work_folders_of_dead_screens_and_keeps_those_of_live_ones_and_other_names()
    {
        var output = export.Root + "-stale";
        Directory.CreateDirectory(output);
        try
        {
            // 2147483646: above any pid_max, a process that cannot exist. Pid 1 runs as long as the machine does.
            var dead = Path.Combine(output, ".screen-work-2147483646");
            Directory.CreateDirectory(Path.Combine(dead, "spill"));
            File.WriteAllText(Path.Combine(dead, "spill", "p00001-w000.spill"), "patient data");
            string[] kept = [".screen-work-1", ".screen-work-02147483646", ".screen-work-2147483646x", ".screen-work-", ".screen-work-" + Guid.NewGuid().ToString("N"), "screen-work-2147483646"];
            foreach (var name in kept)
            {
                Directory.CreateDirectory(Path.Combine(output, name));
            }

            File.WriteAllText(Path.Combine(output, ".screen-work-2147483645"), "a file, not a work folder");

            var run = CliRunner.Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--as-of", "2026-05-11", "--out", output);

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal(["screen: removed the work folder of an earlier screen that did not finish"], run.ErrorLines);
            Assert.False(Directory.Exists(dead));
            Assert.All(kept, name => Assert.True(Directory.Exists(Path.Combine(output, name)), name));
            Assert.True(File.Exists(Path.Combine(output, ".screen-work-2147483645")));
            Assert.True(File.Exists(Path.Combine(output, "patients.csv")));
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

    public static TheoryData<string, string, string> Unreadable => new()
    {
        // One patient's Bundle, saved as one line: a resource of no patient, skipped.
        { "bundle-line", JsonNode.Parse(SharedExamples.Load("severe-relapse-untreated"))!.ToJsonString() + "\n", "no patient found in 1 line (1 Bundle skipped): screen reads Bulk Data NDJSON, one resource per line; use `msrelapse evaluate` for a Bundle" },
        // The same Bundle as it is, pretty-printed: every line malformed.
        { "pretty", SharedExamples.Load("severe-relapse-untreated"), " malformed): screen reads Bulk Data NDJSON, one resource per line; use `msrelapse evaluate` for a Bundle" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void An_export_with_lines_but_no_patient_exits_2_with_one_line_and_leaves_nothing_in_out(string name, string content, string expected)
    {
        var input = export.Root + "-" + name;
        var output = input + "-out";
        Directory.CreateDirectory(input);
        try
        {
            File.WriteAllText(Path.Combine(input, "Bundle.ndjson"), content);

            var run = CliRunner.Run("screen", input, "--as-of", "2026-05-11", "--out", output);

            Assert.Equal(2, run.ExitCode);
            Assert.Empty(run.Out);
            Assert.EndsWith(expected, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
            Assert.StartsWith("msrelapse: no patient found in ", run.ErrorLines[0], StringComparison.Ordinal);
            Assert.False(Directory.Exists(output));

            // Into a folder that is there already: left as it was, empty.
            Directory.CreateDirectory(output);
            Assert.Equal(2, CliRunner.Run("screen", input, "--as-of", "2026-05-11", "--out", output).ExitCode);
            Assert.Empty(Directory.EnumerateFileSystemEntries(output));
        }
        finally
        {
            Directory.Delete(input, true);
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Fact]
    public void An_export_that_is_missing_or_holds_no_ndjson_file_exits_2_without_creating_out()
    {
        var empty = export.Root + "-empty";
        Directory.CreateDirectory(empty);
        try
        {
            foreach (var input in new[] { export.Root + "-no-such-export", empty })
            {
                var output = input + "-out";
                var run = CliRunner.Run("screen", input, "--out", output);
                Assert.Equal(2, run.ExitCode);
                Assert.Single(run.ErrorLines);
                Assert.False(Directory.Exists(output), input);
            }
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    private static ProcessStartInfo DotnetExec(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "msrelapse.dll"), .. args])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    /// <summary>A synthetic export large enough that a one-worker screen of it runs for a few seconds.</summary>
    public sealed class SynthExport : IDisposable
    {
        public SynthExport()
        {
            Root = Path.Combine(Path.GetTempPath(), "msr-screen-stop-" + Guid.NewGuid().ToString("N"));
            Folder = Path.Combine(Root, "export");
            var run = CliRunner.Run("synth", "--patients", "2000", "--seed", "7", "--out", Folder);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException("synth failed: " + run.Error);
            }
        }

        public string Root { get; }

        public string Folder { get; }

        public void Dispose() => Directory.Delete(Root, true);
    }
}
