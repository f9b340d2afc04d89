using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Storage.Tests.Infrastructure;

namespace MsRelapse.Storage.Tests;

/// <summary>The store on a SQLite file in a new temporary folder (the file's folder does not exist beforehand).</summary>
public sealed class SqlitePatientStoreTests : PatientStoreTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "msrelapse-storage-tests", Guid.NewGuid().ToString("N"));
    private int _databases;

    protected override Task<string> CreateDatabaseAsync()
    {
        // A plain file path (the default configuration form), in a folder that does not exist yet.
        _databases++;
        return Task.FromResult(Path.Combine(_root, $"db{_databases}", "nested", "registry.db"));
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    protected override async Task BreakWritesToAsync(string table)
    {
        await using var db = RawContext();
        // The table name is one of this test class's own constants, not input.
        foreach (var operation in new[] { "INSERT", "UPDATE" })
        {
            var sql = $"CREATE TRIGGER break_{table}_{operation} BEFORE {operation} ON {table} BEGIN SELECT RAISE(ABORT, 'broken by the test'); END;";
            await db.Database.ExecuteSqlRawAsync(sql);
        }
    }

    protected override Task CloseAllConnectionsAsync()
    {
        SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_connection_uses_WAL_with_full_fsync_and_waits_for_locks()
    {
        await using var db = RawContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", await Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal("2", await Scalar(connection, "PRAGMA synchronous")); // 2 = FULL
        Assert.Equal("1", await Scalar(connection, "PRAGMA foreign_keys"));
        Assert.Equal("30000", await Scalar(connection, "PRAGMA busy_timeout"));

        static async Task<string?> Scalar(System.Data.Common.DbConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public async Task Migration_creates_the_missing_folder_and_the_file()
    {
        var path = (await CreateDatabaseAsync()).Replace("nested", "deeper/still", StringComparison.Ordinal);
        var services = new ServiceCollection().AddMsRelapseStorage($"Data Source={path}").BuildServiceProvider();
        await using (services)
        {
            await services.MigrateMsRelapseStorageAsync(Ct);
            Assert.True(await services.GetRequiredService<IPatientStore>().IsEmptyAsync(Ct));
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Readiness_is_false_when_the_file_cannot_be_opened()
    {
        // A "folder" that is a file: SQLite cannot create the database there.
        Directory.CreateDirectory(_root);
        var blocker = Path.Combine(_root, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var services = new ServiceCollection().AddMsRelapseStorage(Path.Combine(blocker, "registry.db")).BuildServiceProvider();
        await using (services)
        {
            Assert.False(await services.GetRequiredService<IPatientStore>().CanConnectAsync(Ct));
        }
    }
}
