using System.CommandLine;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Edss;
using Spectre.Console;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse edss --visual N … --ambulation N [--json]</c>: the EDSS from raw functional systems (visual and
/// bowel-bladder unconverted) and the Neurostatus ambulation score (shared/contract/cli.md).
/// </summary>
internal static class EdssCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("edss", "EDSS from the seven raw Kurtzke functional systems and the Neurostatus ambulation score (0–16).");
        var options = FunctionalSystemInfo.All
            .Select(system => (System: system, Option: new Option<string>("--" + system.KebabName())
            {
                Description = $"{system.Label()} ({system.RangeText()}{(system is FunctionalSystem.Visual or FunctionalSystem.BowelBladder ? ", unconverted" : string.Empty)})",
                Required = true,
            }))
            .ToList();
        var json = new Option<bool>("--json") { Description = "Print one JSON document (calculators.schema.json#/$defs/edss)." };
        foreach (var (_, option) in options)
        {
            command.Options.Add(option);
        }

        command.Options.Add(json);
        command.SetAction(parsed =>
        {
            var values = options.Select(o => ParseScore(o.System, "--" + o.System.KebabName(), parsed.GetValue(o.Option)!)).ToArray();
            var scores = new FunctionalSystemScores(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
            var result = EdssCalculator.Calculate(scores);
            if (parsed.GetValue(json))
            {
                io.Out.WriteLine(CalculatorJson.Serialize(result));
            }
            else
            {
                Render(CalculatorOptions.Console(io), io.Out, result);
            }

            return Program.Ok;
        });
        return command;
    }

    private static int ParseScore(FunctionalSystem system, string option, string text)
    {
        var value = CalculatorOptions.ParseNumber(option, text, $"an integer {system.RangeText()}");
        CalculatorOptions.Check(FunctionalSystemScores.Problem(system, value, option));
        return (int)value;
    }

    private static void Render(IAnsiConsole console, TextWriter plain, EdssResult result)
    {
        var table = new Table().AddColumn("System").AddColumn(new TableColumn("Score").RightAligned()).AddColumn(new TableColumn("Counted grade").RightAligned());
        foreach (var system in FunctionalSystemInfo.KurtzkeSystems)
        {
            table.AddRow(system.KebabName(), result.Scores[system].ToString(System.Globalization.CultureInfo.InvariantCulture), result.ConvertedScores[system].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        table.AddRow("ambulation", result.Scores.Ambulation.ToString(System.Globalization.CultureInfo.InvariantCulture), "-");
        console.Write(table);
        // Plain lines go straight to the writer (Spectre would wrap them); only the headline uses markup.
        plain.WriteLine($"FS step:         {result.FunctionalSystemRule}");
        plain.WriteLine($"Ambulation step: {result.AmbulationRule ?? "none (ambulation 0)"}");
        console.Write(new Markup($"[bold]EDSS {result.Edss}[/]"));
        plain.WriteLine($"  decided by {result.DecidingRule}");
        plain.WriteLine(result.Explanation);
    }
}
