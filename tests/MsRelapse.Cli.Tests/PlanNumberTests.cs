using MsRelapse.Core.Contract;

namespace MsRelapse.Cli.Tests;

/// <summary>
/// One formatting of plan numbers (issue 12): the CLI's human output writes the plan's numbers with
/// Core.Contract.PlanNumbers, the rules the API's card text and the page (Browser.Tests PlanNumberTests) use too.
/// </summary>
public sealed class PlanNumberTests
{
    private static readonly string Demo = Path.Combine(MsRelapse.Testing.RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients", "demo-steroid-refractory.json");

    [Fact]
    public void The_steroid_refractory_plan_reads_the_same_numbers_as_on_the_page_and_in_the_API()
    {
        var json = CliRunner.Run("evaluate", Demo, "--as-of", "2026-05-11", "--json");
        var human = CliRunner.Run("evaluate", Demo, "--as-of", "2026-05-11");
        Assert.Equal(0, human.ExitCode);
        var pe = json.Json["plan"]!["plasmaExchange"]!;
        var volume = PlanNumbers.Millilitres((double)pe["exchangeVolumeMl"]!);
        var albumin = PlanNumbers.Grams((double)pe["albuminGramsPerExchange"]!);
        // The literal words the page shows for this plan (Browser.Tests asserts the same strings).
        Assert.Equal("3,035 mL", volume);
        Assert.Equal("151.7 g", albumin);
        Assert.Contains($"exchange volume {volume}", human.Out, StringComparison.Ordinal);
        Assert.Contains($"{albumin} albumin (13 vials of 12.5 g)", human.Out, StringComparison.Ordinal);
        Assert.Contains(PlanNumbers.Millilitres((double)pe["plasmaVolumeMl"]!), human.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3035.0, 0, "3,035")]
    [InlineData(151.75, 1, "151.8")]
    [InlineData(150.0, 1, "150")]
    [InlineData(1000.0, 2, "1,000")]
    [InlineData(0.5, 0, "1")]
    [InlineData(12.345, 2, "12.35")]
    public void Plan_numbers_group_thousands_drop_trailing_zeros_and_round_midpoints_away_from_zero(double value, int decimals, string expected) =>
        Assert.Equal(expected, PlanNumbers.Number(value, decimals));
}
