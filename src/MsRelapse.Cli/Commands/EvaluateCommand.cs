using System.CommandLine;

namespace MsRelapse.Cli.Commands;

/// <summary><c>msrelapse evaluate</c> (placeholder until implemented).</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("evaluate", "(not yet implemented)");
        command.SetAction(_ =>
        {
            io.Error.WriteLine("msrelapse: evaluate is not implemented yet");
            return Program.InternalFailure;
        });
        return command;
    }
}
