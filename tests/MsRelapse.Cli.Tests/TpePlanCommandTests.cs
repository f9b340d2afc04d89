namespace MsRelapse.Cli.Tests;

/// <summary><c>msrelapse tpe-plan</c> as shared/contract/cli.md describes it.</summary>
public sealed class TpePlanCommandTests
{
    private static readonly string[] SharedExample =
        ["tpe-plan", "--sex", "male", "--height-cm", "181", "--weight-kg", "82", "--hematocrit", "44", "--start", "2026-05-13"];

    [Fact]
    public async Task Shared_example_as_json_validates_against_the_tpePlan_schema()
    {
        var run = CliRunner.Run([.. SharedExample, "--json"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.Empty(await CalculatorSchema.Validate("tpePlan", run.Out));
        var json = run.Json;
        // Nadler 5.419 L; PV × 0.56 = 3035 mL; albumin 151.7 g → 13 vials (worked in the core tests).
        Assert.Equal("nadler", (string)json["method"]!);
        Assert.Equal(5419, (double)json["totalBloodVolumeMl"]!);
        Assert.Equal(3035, (double)json["plasmaVolumeMl"]!);
        Assert.Equal(3035, (double)json["exchangeVolumeMl"]!);
        Assert.Equal(13, (int)json["albuminVialsPerExchange"]!);
        Assert.Equal(5, (int)json["exchanges"]!);
        Assert.Equal("2026-05-13", (string)json["schedule"]![0]!["date"]!);
        Assert.Equal("2026-05-21", (string)json["schedule"]![4]!["date"]!);
    }

    [Fact]
    public async Task Options_for_volumes_and_exchanges_are_honoured()
    {
        var run = CliRunner.Run([.. SharedExample, "--plasma-volumes", "1.5", "--exchanges", "7", "--json"]);

        Assert.Empty(await CalculatorSchema.Validate("tpePlan", run.Out));
        Assert.Equal(1.5, (double)run.Json["plasmaVolumesPerExchange"]!);
        Assert.Equal(0.2231, (double)run.Json["fractionRemainingPerExchange"]!); // e^−1.5
        Assert.Equal(7, ((System.Text.Json.Nodes.JsonArray)run.Json["schedule"]!).Count);
        Assert.Equal(4552, (double)run.Json["exchangeVolumeMl"]!); // 3034.809 × 1.5
    }

    [Fact]
    public async Task A_child_under_25_kg_gets_a_weight_based_plan()
    {
        var run = CliRunner.Run("tpe-plan", "--sex", "female", "--height-cm", "110", "--weight-kg", "20", "--hematocrit", "36", "--start", "2026-05-13", "--json");

        Assert.Empty(await CalculatorSchema.Validate("tpePlan", run.Out));
        Assert.Equal("weight-based", (string)run.Json["method"]!);
        Assert.Equal(1400, (double)run.Json["totalBloodVolumeMl"]!); // 70 mL/kg × 20 kg
    }

    [Fact]
    public void Without_start_the_first_exchange_is_today()
    {
        var before = DateOnly.FromDateTime(DateTime.Now);
        var run = CliRunner.Run("tpe-plan", "--sex", "female", "--height-cm", "165", "--weight-kg", "60", "--hematocrit", "38", "--json");
        var after = DateOnly.FromDateTime(DateTime.Now);

        var first = DateOnly.Parse((string)run.Json["schedule"]![0]!["date"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(first, before, after);
    }

    [Fact]
    public void Human_output_shows_volumes_schedule_and_monitoring_without_escape_codes()
    {
        var run = CliRunner.Run(SharedExample);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("5,419 mL", run.Out, StringComparison.Ordinal);
        Assert.Contains("3,035 mL", run.Out, StringComparison.Ordinal);
        Assert.Contains("151.7 g = 13 vials of 12.5 g", run.Out, StringComparison.Ordinal);
        Assert.Contains("2026-05-21", run.Out, StringComparison.Ordinal);
        Assert.Contains("18.8 %", run.Out, StringComparison.Ordinal);
        Assert.Contains("Fibrinogen before the 3rd exchange", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Out);
    }

    [Theory]
    [InlineData("--hematocrit", "0.44", "msrelapse: --hematocrit 0.44 looks like a fraction: give it in percent (e.g. 44 for 0.44); expected 10–70 %")]
    [InlineData("--hematocrit", "75", "msrelapse: --hematocrit 75 % is outside 10–70 %")]
    [InlineData("--hematocrit", "abc", "msrelapse: --hematocrit 'abc' is not a number (expected percent 10–70)")]
    [InlineData("--height-cm", "300", "msrelapse: --height-cm 300 cm is outside 40–250 cm")]
    [InlineData("--height-cm", "1.81", "msrelapse: --height-cm 1.81 cm is outside 40–250 cm")]
    [InlineData("--weight-kg", "1", "msrelapse: --weight-kg 1 kg is outside 2–400 kg")]
    [InlineData("--weight-kg", "500", "msrelapse: --weight-kg 500 kg is outside 2–400 kg")]
    [InlineData("--sex", "other", "msrelapse: --sex 'other' is not recognised (expected male or female)")]
    [InlineData("--start", "13/05/2026", "msrelapse: --start '13/05/2026' is not a date (expected yyyy-MM-dd, e.g. 2026-05-13)")]
    [InlineData("--start", "2026-02-30", "msrelapse: --start '2026-02-30' is not a date (expected yyyy-MM-dd, e.g. 2026-05-13)")]
    public void Bad_value_exits_2_with_one_line_on_stderr_and_nothing_on_stdout(string option, string value, string message)
    {
        var args = SharedExample.Append("--json").ToArray();
        args[Array.IndexOf(args, option) + 1] = value;

        AssertBadInput(CliRunner.Run(args), message);
    }

    [Theory]
    [InlineData("--plasma-volumes", "0.9", "msrelapse: --plasma-volumes 0.9 is outside 1.0–1.5")]
    [InlineData("--plasma-volumes", "2", "msrelapse: --plasma-volumes 2 is outside 1.0–1.5")]
    [InlineData("--exchanges", "4", "msrelapse: --exchanges 4 is outside 5–7")]
    [InlineData("--exchanges", "8", "msrelapse: --exchanges 8 is outside 5–7")]
    [InlineData("--exchanges", "5.5", "msrelapse: --exchanges 5.5 is not an integer (expected 5–7)")]
    public void Bad_optional_value_exits_2_with_one_line(string option, string value, string message) =>
        AssertBadInput(CliRunner.Run([.. SharedExample, option, value]), message);

    [Theory]
    [InlineData("--sex")]
    [InlineData("--height-cm")]
    [InlineData("--weight-kg")]
    [InlineData("--hematocrit")]
    public void Missing_required_option_exits_2_with_one_line_naming_it(string option)
    {
        var args = SharedExample.ToList();
        var at = args.IndexOf(option);
        args.RemoveRange(at, 2);

        var run = CliRunner.Run([.. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Single(run.ErrorLines);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
    }

    private static void AssertBadInput(CliRun run, string message)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Equal([message], run.ErrorLines.Select(l => l.TrimEnd('\r')));
    }
}
