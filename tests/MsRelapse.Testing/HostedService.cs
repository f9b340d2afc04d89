using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace MsRelapse.Testing;

/// <summary>
/// What every test host of the MsRelapse service has (Server.Tests' in-memory <c>TestHost</c>, Security.Tests'
/// Kestrel <c>ServiceHost</c>): the started app, a client for it, every log line, and a scratch folder of its own
/// (its SQLite file), all ended and removed on dispose.
/// </summary>
public abstract class HostedService : IAsyncDisposable
{
    private readonly string directory;
    private readonly Action? afterStop;

    /// <param name="app">The started service.</param>
    /// <param name="client">The client the tests use (disposed here).</param>
    /// <param name="directory">The scratch folder from <see cref="NewDirectory"/> (deleted here).</param>
    /// <param name="logs">The log lines' provider the service was built with.</param>
    /// <param name="afterStop">Run once the service stopped, before the folder is deleted (e.g. clear SQLite's pools, which hold the file).</param>
    protected HostedService(WebApplication app, HttpClient client, string directory, CapturedLogs logs, Action? afterStop)
    {
        App = app;
        Client = client;
        this.directory = directory;
        Logs = logs;
        this.afterStop = afterStop;
    }

    /// <summary>The service.</summary>
    public WebApplication App { get; }

    /// <summary>A client of the service.</summary>
    public HttpClient Client { get; }

    /// <summary>Every log line the service wrote.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>A file in the host's scratch folder.</summary>
    public string PathOf(string file) => Path.Combine(directory, file);

    /// <summary>A new scratch folder under the temporary folder, <paramref name="suite"/>/a fresh id.</summary>
    public static string NewDirectory(string suite)
    {
        var directory = Path.Combine(Path.GetTempPath(), suite, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        afterStop?.Invoke();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Every log line any logger wrote: category, level, message, the structured values, the scope and the exception.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    /// <summary>The lines so far.</summary>
    public IReadOnlyList<string> Lines => [.. lines];

    /// <summary>The lines so far, one text.</summary>
    public string All => string.Join('\n', lines);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
