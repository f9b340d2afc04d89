using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// Builds the provider's options once and a short-lived context per operation, taken from a pool: a new context sets
/// up its own scope of EF Core's services, which showed in profiles of the CDS Hooks path (the <c>jti</c> write of every
/// call) as ≈ 2 % of the service's time; a pooled one is reset when disposed and handed out again.
/// </summary>
internal sealed class ContextFactory
{
    private readonly PooledDbContextFactory<SqliteMsRelapseDbContext>? _sqlite;
    private readonly PooledDbContextFactory<PostgresMsRelapseDbContext>? _postgres;

    public ContextFactory(StorageConnection connection, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        if (connection.Provider == StorageProvider.Sqlite)
        {
            var builder = new DbContextOptionsBuilder<SqliteMsRelapseDbContext>()
                .UseSqlite(connection.ConnectionString)
                .AddInterceptors(SqlitePragmas.Instance);
            _sqlite = new PooledDbContextFactory<SqliteMsRelapseDbContext>(Common(builder, loggerFactory).Options);
        }
        else
        {
            var builder = new DbContextOptionsBuilder<PostgresMsRelapseDbContext>()
                .UseNpgsql(connection.ConnectionString);
            _postgres = new PooledDbContextFactory<PostgresMsRelapseDbContext>(Common(builder, loggerFactory).Options);
        }
    }

    public StorageConnection Connection { get; }

    public MsRelapseDbContext Create() => _sqlite is not null
        ? _sqlite.CreateDbContext()
        : _postgres!.CreateDbContext();

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
