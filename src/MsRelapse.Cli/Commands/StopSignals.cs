using System.Runtime.InteropServices;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM as a cancellation, for a long command that can stop cleanly (a Bulk Data download, a
/// local screen): the first signal cancels <see cref="Token"/> and the command cleans up and returns; a second one ends
/// the process at once, as it would have without this. Disposing removes the handlers.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    /// <summary>The exit code of a command stopped by SIGINT: 128 + 2, what a shell reports for a process the signal ended.</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>The exit code of a command stopped by SIGTERM: 128 + 15.</summary>
    public const int TerminatedExitCode = 143;

    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _signal;

    private StopSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that stopped the command, or null.</summary>
    public PosixSignal? Received => _signal == 0 ? null : (PosixSignal)_signal;

    /// <summary>130 after SIGINT, 143 after SIGTERM (the codes a shell gives a process the signal ended).</summary>
    public int ExitCode => Received == PosixSignal.SIGTERM ? TerminatedExitCode : InterruptedExitCode;

    /// <summary>The signal's name, for the line that says the command stopped.</summary>
    public string Name => Received == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl+C (SIGINT)";

    /// <summary>Listens for SIGINT and SIGTERM until disposed.</summary>
    public static StopSignals Register() => new();

    /// <inheritdoc/>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void Stop(PosixSignalContext context)
    {
        // The first signal is this command's to handle; a second one is left to the runtime, which ends the process.
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) == 0)
        {
            context.Cancel = true;
            _stop.Cancel();
        }
    }
}
