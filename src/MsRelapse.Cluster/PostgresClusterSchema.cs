using Npgsql;

namespace MsRelapse.Cluster;

/// <summary>
/// Applies the Orleans membership schema (embedded <c>Sql/*.sql</c>) to the PostgreSQL database before a silo joins:
/// the ADO.NET clustering provider reads its queries from that database and does not create them. Idempotent and
/// safe when several silos start at once (a transaction-scoped advisory lock serialises them).
/// </summary>
public static class PostgresClusterSchema
{
    /// <summary>An arbitrary fixed key for the advisory lock ("MSRORLNS").</summary>
    private const long LockKey = 0x4D53524F524C4E53;

    /// <summary>Creates the tables, functions and query rows when missing (and refreshes the query texts).</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var assembly = typeof(PostgresClusterSchema).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var sql = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
