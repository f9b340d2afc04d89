using MsRelapse.Cli;

namespace MsRelapse.Synthetic.Tests;

/// <summary><c>msrelapse synth</c>: files written, bad input refused with exit 2 and one line, an export never overwritten.</summary>
public sealed class SynthCommandTests
{
    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr, new StringReader(string.Empty));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Writes_the_cohort_and_says_what_it_wrote()
    {
        using var folder = new TempFolder();
        var target = Path.Combine(folder.Path, "out");
        var (exit, stdout, stderr) = Run("synth", "--patients", "50", "--seed", "4", "--as-of", "2026-05-11", "--out", target);
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains("50 patients", stdout, StringComparison.Ordinal);
        Assert.Equal(50, File.ReadLines(Path.Combine(target, "Patient.000.ndjson")).Count());
    }

    [Theory]
    [InlineData("--patients", "0")]
    [InlineData("--patients", "-3")]
    [InlineData("--as-of", "11/05/2026")]
    [InlineData("--file-size-mb", "0")]
    public void Bad_input_is_exit_2_with_one_line(string option, string value)
    {
        using var folder = new TempFolder();
        var args = new Dictionary<string, string> { ["--patients"] = "5", ["--out"] = Path.Combine(folder.Path, "x") };
        args[option] = value;
        var (exit, stdout, stderr) = Run(["synth", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(option, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_export_is_never_overwritten()
    {
        using var folder = new TempFolder();
        var existing = Path.Combine(folder.Path, "Patient.000.ndjson");
        File.WriteAllText(existing, "{\"resourceType\":\"Patient\",\"id\":\"real\"}\n");
        var (exit, stdout, stderr) = Run("synth", "--patients", "5", "--out", folder.Path);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("already holds NDJSON", stderr, StringComparison.Ordinal);
        Assert.Equal("{\"resourceType\":\"Patient\",\"id\":\"real\"}\n", File.ReadAllText(existing));
    }
}
