using Npgsql;

namespace MsRelapse.Storage.Tests.Infrastructure;

/// <summary>The PostgreSQL server the tests use: <c>MSRELAPSE_TEST_POSTGRES</c> (a superuser connection string,
/// as printed by <c>scripts/postgres-test-cluster.sh start</c>). Each test gets its own new database.</summary>
public static class PostgresTestServer
{
    /// <summary>The environment variable holding the connection string.</summary>
    public const string Variable = "MSRELAPSE_TEST_POSTGRES";

    /// <summary>The connection string, or null.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>True under CI (<c>CI=true</c>), where PostgreSQL tests must run.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why PostgreSQL tests are skipped here, or null when they run.</summary>
    public static string? SkipReason() => ConnectionString is null && !IsCi
        ? $"{Variable} is not set: PostgreSQL storage tests skipped (start a server with scripts/postgres-test-cluster.sh start, or run ./test.sh). Under CI=true they fail instead."
        : null;

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var admin = ConnectionString ?? throw new InvalidOperationException(
            $"CI=true but {Variable} is not set: the PostgreSQL storage tests must run in CI (test.sh starts a cluster with scripts/postgres-test-cluster.sh).");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
