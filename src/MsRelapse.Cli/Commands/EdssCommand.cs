using System.CommandLine;

namespace MsRelapse.Cli.Commands;

/// <summary><c>msrelapse edss</c> (placeholder until implemented).</summary>
internal static class EdssCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("edss", "(not yet implemented)");
        command.SetAction(_ =>
        {
            io.Error.WriteLine("msrelapse: edss is not implemented yet");
            return Program.InternalFailure;
        });
        return command;
    }
}
