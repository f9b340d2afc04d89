using Npgsql;

namespace MsRelapse.Cluster.Tests;

/// <summary>
/// A test that needs the throw-away PostgreSQL (<c>MSRELAPSE_TEST_POSTGRES</c>, from scripts/postgres-test-cluster.sh):
/// skipped with a reason locally when it is not set, failing under <c>CI=true</c> (the existing pattern).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "MSRELAPSE_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (ConnectionString is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"{Variable} is not set: the two-process PostgreSQL cluster test is skipped (eval \"$(scripts/postgres-test-cluster.sh start)\", or ./test.sh). Under CI=true it fails instead.";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>A new empty database; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var admin = ConnectionString ?? throw new InvalidOperationException($"CI=true but {Variable} is not set: the PostgreSQL cluster test must run in CI (test.sh starts a server).");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
