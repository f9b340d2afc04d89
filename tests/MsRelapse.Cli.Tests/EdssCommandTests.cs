namespace MsRelapse.Cli.Tests;

/// <summary><c>msrelapse edss</c> as shared/contract/cli.md describes it.</summary>
public sealed class EdssCommandTests
{
    private static string[] Args(int visual = 0, int brainstem = 0, int pyramidal = 0, int cerebellar = 0, int sensory = 0, int bowelBladder = 0, int cerebral = 0, int ambulation = 0, params string[] extra) =>
    [
        "edss", "--visual", $"{visual}", "--brainstem", $"{brainstem}", "--pyramidal", $"{pyramidal}", "--cerebellar", $"{cerebellar}",
        "--sensory", $"{sensory}", "--bowel-bladder", $"{bowelBladder}", "--cerebral", $"{cerebral}", "--ambulation", $"{ambulation}", .. extra,
    ];

    [Fact]
    public async Task Json_output_is_one_document_valid_against_the_edss_schema()
    {
        var run = CliRunner.Run(Args(pyramidal: 4, sensory: 2, ambulation: 1, extra: "--json"));

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.Empty(await CalculatorSchema.Validate("edss", run.Out));
        Assert.Equal(4.5, (double)run.Json["edss"]!);
        Assert.Equal(4.5, (double)run.Json["functionalSystemStep"]!);
        Assert.Equal(2.0, (double)run.Json["ambulationStep"]!);
    }

    [Fact]
    public async Task Ambulation_0_prints_a_null_ambulation_step_that_the_schema_accepts()
    {
        var run = CliRunner.Run(Args(cerebral: 1, extra: "--json"));

        Assert.Empty(await CalculatorSchema.Validate("edss", run.Out));
        Assert.Null(run.Json["ambulationStep"]);
        Assert.Equal(0, (double)run.Json["edss"]!); // cerebral 1 alone is EDSS 0
    }

    [Fact]
    public void Visual_and_bowel_bladder_are_given_raw_and_converted_by_the_command()
    {
        // visual 6 → grade 4 and bowel-bladder 5 → grade 4: two grade-4 systems → 5.0.
        var run = CliRunner.Run(Args(visual: 6, bowelBladder: 5, extra: "--json"));

        Assert.Equal(5.0, (double)run.Json["edss"]!);
        Assert.Equal(4, (int)run.Json["convertedScores"]!["visual"]!);
        Assert.Equal(6, (int)run.Json["scores"]!["visual"]!);
    }

    [Fact]
    public void Human_output_is_a_plain_table_with_the_EDSS_and_no_escape_codes()
    {
        var run = CliRunner.Run(Args(pyramidal: 3, ambulation: 4));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("EDSS 5.5", run.Out, StringComparison.Ordinal);
        Assert.Contains("ambulation: ambulation 4 → 5.5", run.Out, StringComparison.Ordinal);
        Assert.Contains("pyramidal", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Out);
        Assert.Empty(run.Error);
    }

    [Theory]
    [InlineData("--pyramidal", "7", "msrelapse: --pyramidal 7 is outside 0–6")]
    [InlineData("--visual", "-1", "msrelapse: --visual -1 is outside 0–6")]
    [InlineData("--brainstem", "6", "msrelapse: --brainstem 6 is outside 0–5")]
    [InlineData("--cerebellar", "6", "msrelapse: --cerebellar 6 is outside 0–5")]
    [InlineData("--sensory", "7", "msrelapse: --sensory 7 is outside 0–6")]
    [InlineData("--bowel-bladder", "7", "msrelapse: --bowel-bladder 7 is outside 0–6")]
    [InlineData("--cerebral", "6", "msrelapse: --cerebral 6 is outside 0–5")]
    [InlineData("--ambulation", "17", "msrelapse: --ambulation 17 is outside 0–16")]
    [InlineData("--sensory", "2.5", "msrelapse: --sensory 2.5 is not an integer (expected 0–6)")]
    [InlineData("--sensory", "two", "msrelapse: --sensory 'two' is not a number (expected an integer 0–6)")]
    [InlineData("--sensory", "2,0", "msrelapse: --sensory '2,0' is not a number (expected an integer 0–6)")]
    public void Bad_score_exits_2_with_one_line_on_stderr_and_nothing_on_stdout(string option, string value, string message)
    {
        var args = Args(extra: "--json");
        args[Array.IndexOf(args, option) + 1] = value;

        var run = CliRunner.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal([message], run.ErrorLines.Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void Missing_required_option_exits_2_with_one_line()
    {
        var run = CliRunner.Run("edss", "--visual", "0", "--brainstem", "0", "--pyramidal", "0", "--cerebellar", "0", "--sensory", "0", "--bowel-bladder", "0", "--cerebral", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Single(run.ErrorLines);
        Assert.Contains("--ambulation", run.Error, StringComparison.Ordinal);
    }
}
