using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// Runs on every SQLite connection EF opens (pooled connections included, pragmas are per connection):
/// <list type="bullet">
/// <item><c>journal_mode=WAL</c>: readers never wait for the writer (persistent in the file; a no-op once set);</item>
/// <item><c>synchronous=FULL</c>: each commit fsyncs the WAL before it returns, so nothing acknowledged is lost if the
/// process is killed or the machine loses power (NORMAL would only survive a process kill);</item>
/// <item><c>busy_timeout</c>: a second process waits for the write lock instead of failing with SQLITE_BUSY;</item>
/// <item><c>foreign_keys=ON</c>: evaluations cascade with their patient (EF sets it too; stated for raw connections).</item>
/// </list>
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public const int BusyTimeoutMilliseconds = 30_000;

    public static readonly SqlitePragmas Instance = new();

    private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

    private SqlitePragmas()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Sql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
