using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// Builds the provider's options once and a short-lived context per operation; on SQLite with a clock, also owns the
/// store's <see cref="SqliteCheckpointer"/> (started with the first context).
/// </summary>
internal sealed class ContextFactory : IDisposable
{
    private readonly DbContextOptions<SqliteMsRelapseDbContext>? _sqlite;
    private readonly DbContextOptions<PostgresMsRelapseDbContext>? _postgres;
    private readonly SqliteCheckpointer? _checkpointer;

    /// <param name="connection">The database.</param>
    /// <param name="loggerFactory">EF's and the checkpointer's logs, if any.</param>
    /// <param name="time">The clock of the SQLite checkpointer; null (design-time tools) leaves checkpoints to SQLite.</param>
    public ContextFactory(StorageConnection connection, ILoggerFactory? loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        if (connection.Provider == StorageProvider.Sqlite)
        {
            if (time is not null)
            {
                _checkpointer = new SqliteCheckpointer(connection.ConnectionString, time, loggerFactory?.CreateLogger<SqliteCheckpointer>());
            }

            var builder = new DbContextOptionsBuilder<SqliteMsRelapseDbContext>()
                .UseSqlite(connection.ConnectionString)
                .AddInterceptors(_checkpointer is null ? SqlitePragmas.Instance : SqlitePragmas.WithBackgroundCheckpoints);
            _sqlite = Common(builder, loggerFactory).Options;
        }
        else
        {
            var builder = new DbContextOptionsBuilder<PostgresMsRelapseDbContext>()
                .UseNpgsql(connection.ConnectionString);
            _postgres = Common(builder, loggerFactory).Options;
        }
    }

    public StorageConnection Connection { get; }

    /// <summary>The SQLite checkpointer (null on PostgreSQL and without a clock).</summary>
    public SqliteCheckpointer? Checkpointer => _checkpointer;

    public MsRelapseDbContext Create()
    {
        if (_sqlite is null)
        {
            return new PostgresMsRelapseDbContext(_postgres!);
        }

        _checkpointer?.EnsureStarted();
        return new SqliteMsRelapseDbContext(_sqlite);
    }

    public void Dispose() => _checkpointer?.Dispose();

    /// <summary>Creates the SQLite file's folder if missing (SQLite creates the file, not its folders).</summary>
    public void EnsureSqliteFolder()
    {
        var folder = Connection.SqliteFilePath is { } path ? Path.GetDirectoryName(path) : null;
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static DbContextOptionsBuilder<T> Common<T>(DbContextOptionsBuilder<T> builder, ILoggerFactory? loggerFactory)
        where T : DbContext
    {
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        // Parameter values are patient ids and bundles: never in logs. Command text (parameterised SQL) only at Debug.
        builder.EnableSensitiveDataLogging(false);
        builder.ConfigureWarnings(w => w
            .Log((RelationalEventId.CommandExecuted, LogLevel.Debug))
            // One internal EF service provider per host: test suites that start many hosts would trip this guard.
            .Ignore(CoreEventId.ManyServiceProvidersCreatedWarning));
        return builder;
    }
}
