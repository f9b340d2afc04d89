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
        Assert.Equal("1", await Scalar(connection, "PRAGMA secure_delete"));

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

    [Fact]
    public async Task A_deleted_patients_bundle_cannot_be_read_back_from_the_database_file()
    {
        // A marker in the family name and the bundle, large enough to fill pages of its own.
        const string marker = "Zyxwvutsrqponm";
        var bundle = Bundle(marker, string.Concat(Enumerable.Repeat(marker, 400)), 3.5m);
        await Store.UpsertAsync("secret-1", bundle, marker, null, "dr-a", Ct);
        await Store.AddEvaluationAsync(Evaluation("secret-1", "observe", new DateOnly(2026, 11, 25), bundle), "dr-a", Ct);
        await Checkpoint();
        Assert.True(FileHolds(marker), "the test cannot see the record in the file at all");

        Assert.True(await Store.DeleteAsync("secret-1", null, "dr-a", Ct));
        await Checkpoint();
        SqliteConnection.ClearAllPools();

        Assert.False(FileHolds(marker), "the deleted bundle is still in the database file's free pages");

        async Task Checkpoint()
        {
            await using var db = RawContext();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await command.ExecuteNonQueryAsync();
        }

        bool FileHolds(string text)
        {
            var path = new SqliteConnectionStringBuilder(ConnectionString.Contains('=', StringComparison.Ordinal) ? ConnectionString : $"Data Source={ConnectionString}").DataSource;
            var needle = System.Text.Encoding.UTF8.GetBytes(text);
            foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                if (memory.ToArray().AsSpan().IndexOf(needle) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
