using System.CommandLine;

namespace MsRelapse.Cli.Commands;

/// <summary><c>msrelapse tpe-plan</c> (placeholder until implemented).</summary>
internal static class TpePlanCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("tpe-plan", "(not yet implemented)");
        command.SetAction(_ =>
        {
            io.Error.WriteLine("msrelapse: tpe-plan is not implemented yet");
            return Program.InternalFailure;
        });
        return command;
    }
}
