namespace MsRelapse.Cli.Tests;

/// <summary>
/// <c>msrelapse screen</c> says on stderr when medications name a Medication the export does not hold (a
/// <c>Patient/$export</c> often leaves Medication out): steroid courses among them are not counted, and the person
/// running the screen must know before reading the worklist.
/// </summary>
public sealed class ScreenWarningTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msr-screen-warning-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void An_export_without_its_Medication_file_is_screened_with_a_warning_on_stderr()
    {
        var export = Path.Combine(_root, "export");
        Assert.Equal(0, CliRunner.Run("synth", "--patients", "400", "--seed", "7", "--as-of", "2026-05-11", "--out", export).ExitCode);

        var whole = CliRunner.Run("screen", export, "--as-of", "2026-05-11", "--out", Path.Combine(_root, "whole"));
        Assert.Equal(0, whole.ExitCode);
        Assert.DoesNotContain(whole.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal));

        foreach (var medications in Directory.EnumerateFiles(export, "Medication.*.ndjson"))
        {
            File.Delete(medications);
        }

        var cut = CliRunner.Run("screen", export, "--as-of", "2026-05-11", "--out", Path.Combine(_root, "cut"));
        Assert.Equal(0, cut.ExitCode);
        var warning = Assert.Single(cut.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("name a Medication resource the export does not hold", warning, StringComparison.Ordinal);
        Assert.Contains("steroid courses among them are not counted", warning, StringComparison.Ordinal);
    }
}
