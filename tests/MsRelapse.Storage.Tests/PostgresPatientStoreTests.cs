using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Storage.Tests.Infrastructure;
using Npgsql;

namespace MsRelapse.Storage.Tests;

/// <summary>The store on a real PostgreSQL server (<c>MSRELAPSE_TEST_POSTGRES</c>), one new database per test.
/// Skipped when the variable is not set, except under <c>CI=true</c>, where the tests fail instead.</summary>
public sealed class PostgresPatientStoreTests : PatientStoreTests, IPostgresTests
{
    private string? _database;

    protected override async Task<string> CreateDatabaseAsync()
    {
        _database = $"msrelapse_test_{Guid.NewGuid():N}";
        return await PostgresTestServer.CreateDatabaseAsync(_database);
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null && PostgresTestServer.ConnectionString is not null)
        {
            await PostgresTestServer.DropDatabaseAsync(_database);
        }
    }

    protected override async Task BreakWritesToAsync(string table)
    {
        await using var db = RawContext();
        await db.Database.ExecuteSqlRawAsync(
            "CREATE OR REPLACE FUNCTION break_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken by the test'; END $$;");
        // The table name is one of this test class's own constants, not input.
        var sql = $"CREATE TRIGGER break_{table} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION break_writes();";
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    protected override Task CloseAllConnectionsAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        return Task.CompletedTask;
    }

    [StoreFact]
    public async Task Readiness_is_false_when_no_server_listens()
    {
        var services = new ServiceCollection().AddMsRelapseStorage("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2").BuildServiceProvider();
        await using (services)
        {
            Assert.False(await services.GetRequiredService<IPatientStore>().CanConnectAsync(Ct));
        }
    }
}
