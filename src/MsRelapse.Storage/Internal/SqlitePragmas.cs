using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// Runs on every SQLite connection EF opens (pooled connections included, pragmas are per connection):
/// <list type="bullet">
/// <item><c>journal_mode=WAL</c>: readers never wait for the writer (persistent in the file; a no-op once set);</item>
/// <item><c>synchronous=FULL</c>: each commit fsyncs the WAL before it returns, so nothing acknowledged is lost if the
/// process is killed or the machine loses power (NORMAL would only survive a process kill);</item>
/// <item><c>busy_timeout</c>: a second process waits for the write lock instead of failing with SQLITE_BUSY;</item>
/// <item><c>foreign_keys=ON</c>: evaluations cascade with their patient (EF sets it too; stated for raw connections);</item>
/// <item><c>secure_delete=ON</c>: a deleted record's pages are overwritten with zeros, so a deleted patient's bundle
/// cannot be read back from the file's free pages (per connection; costs a little write I/O on deletes).</item>
/// </list>
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public const int BusyTimeoutMilliseconds = 30_000;

    public static readonly SqlitePragmas Instance = new();

    // busy_timeout first, so that the switch to WAL waits for another connection's lock instead of failing.
    private const string Sql = "PRAGMA busy_timeout=30000; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;";

    // Two processes opening a brand-new file at once can see SQLITE_READONLY (8) or SQLITE_BUSY (5) while the other
    // one initialises the WAL index; both are transient, so the pragmas are retried for up to about two seconds.
    private const int MaxAttempts = 100;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    private static bool IsTransient(SqliteException ex) => ex.SqliteErrorCode is 5 or 8;

    private SqlitePragmas()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = Sql;
                command.ExecuteNonQuery();
                return;
            }
            catch (SqliteException ex) when (IsTransient(ex) && attempt < MaxAttempts)
            {
                Thread.Sleep(RetryDelay);
            }
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = Sql;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (SqliteException ex) when (IsTransient(ex) && attempt < MaxAttempts)
            {
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
