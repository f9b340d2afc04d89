using System.CommandLine;
using MsRelapse.Cli.Commands;

namespace MsRelapse.Cli;

/// <summary>The <c>msrelapse</c> command line (contract: shared/contract/cli.md).</summary>
public static partial class Program
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for an internal failure.</summary>
    public const int InternalFailure = 1;

    /// <summary>Exit code for bad input or usage: one clear line on stderr, nothing on stdout.</summary>
    public const int BadInput = 2;

    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, Console.In);

    /// <summary>Runs the CLI against the given streams (the tests call this in-process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var io = new CliIo(stdout, stderr, stdin);
        var root = new RootCommand("MsRelapse — decision support for multiple sclerosis relapses (for clinicians; it recommends, it does not decide).");
        root.Subcommands.Add(EdssCommand.Create(io));
        root.Subcommands.Add(TpePlanCommand.Create(io));
        root.Subcommands.Add(EvaluateCommand.Create(io));
        root.Subcommands.Add(ServeCommand.Create(io));
        root.Subcommands.Add(SynthCommand.Create(io));
        root.Subcommands.Add(ClusterSiloCommand.Create(io));
        root.Subcommands.Add(GuidelineCommand.Create(io));
        root.Subcommands.Add(ScreenCommand.Create(io));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // System.CommandLine would exit 1 with help text; the contract asks for exit 2 and one line.
            // Every missing required option at once (not one per run); any other error: the first.
            var missing = parsed.Errors.Select(e => MissingOption().Match(e.Message)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
            var atRoot = parsed.CommandResult.Command == root;
            var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            var message = atRoot
                // No command, or a word that is none (a typo): say which word, and the commands there are.
                ? args.FirstOrDefault(a => !a.StartsWith('-')) is { } word ? $"unknown command '{word}' (expected one of: {commands})" : $"a command is required (one of: {commands})"
                : missing.Count == parsed.Errors.Count
                    ? (missing.Count == 1 ? $"option {missing[0]} is required" : $"options {string.Join(", ", missing)} are required")
                    : ReadableTypes(parsed.Errors[0].Message);
            stderr.WriteLine($"msrelapse: {message} (see '{(atRoot ? "msrelapse" : "msrelapse " + parsed.CommandResult.Command.Name)} --help')");
            return BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliInputException ex)
        {
            stderr.WriteLine($"msrelapse: {ex.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl+C stopped a long command (a cluster screen): it wrote none of its outputs.
            stderr.WriteLine("msrelapse: stopped before the end (SIGTERM or Ctrl+C); this run wrote no output");
            return InternalFailure;
        }
#pragma warning disable CA1031 // The CLI's last line of defence: an internal failure is exit 1 with a message, never a stack trace on stdout.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"msrelapse: internal error: {ex.GetType().Name}: {ex.Message}");
            return InternalFailure;
        }
    }
}

/// <summary>System.CommandLine's messages, as one line for a clinician.</summary>
public static partial class Program
{
    /// <summary>System.CommandLine's "Option '--x' is required." message.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^Option '([^']+)' is required\\.?$")]
    private static partial System.Text.RegularExpressions.Regex MissingOption();

    /// <summary>Its parse errors name .NET types ("as expected type 'System.Int64'"): said in words.</summary>
    private static string ReadableTypes(string message) =>
        message.Replace("as expected type 'System.Int32'", "as a whole number", StringComparison.Ordinal)
            .Replace("as expected type 'System.Int64'", "as a whole number", StringComparison.Ordinal)
            .Replace("as expected type 'System.Double'", "as a number", StringComparison.Ordinal);
}

/// <summary>The streams a command writes to (injected so tests can run commands in-process).</summary>
public sealed record CliIo(TextWriter Out, TextWriter Error, TextReader In);

/// <summary>Bad input found by a command: reported as one line on stderr with exit code 2.</summary>
public sealed class CliInputException(string message) : Exception(message);
