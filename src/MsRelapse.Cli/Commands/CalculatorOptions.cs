using System.Globalization;
using Spectre.Console;

namespace MsRelapse.Cli.Commands;

/// <summary>Option parsing and console set-up shared by the calculator commands (<c>edss</c>, <c>tpe-plan</c>).</summary>
internal static class CalculatorOptions
{
    /// <summary>Parses an option value as an invariant-culture number, or throws a one-line input error.</summary>
    public static double ParseNumber(string option, string text, string expected)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        throw new CliInputException($"{option} '{text}' is not a number (expected {expected})");
    }

    /// <summary>Throws a one-line input error when <paramref name="problem"/> is not null.</summary>
    public static void Check(string? problem)
    {
        if (problem is not null)
        {
            throw new CliInputException(problem);
        }
    }

    /// <summary>
    /// A Spectre console writing to <paramref name="io"/>'s output: colours only on a real terminal, plain text (no
    /// escape codes, fixed width) when the output is redirected or captured.
    /// </summary>
    public static IAnsiConsole Console(CliIo io)
    {
        var terminal = ReferenceEquals(io.Out, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(io.Out),
        });
        if (!terminal)
        {
            console.Profile.Width = 120;
        }

        return console;
    }

    /// <summary>Invariant number with up to <paramref name="decimals"/> decimals.</summary>
    public static string Show(double value, int decimals = 1) =>
        value.ToString(decimals == 0 ? "0" : "0." + new string('#', decimals), CultureInfo.InvariantCulture);
}
