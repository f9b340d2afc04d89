using Microsoft.EntityFrameworkCore.Design;

namespace MsRelapse.Storage.Internal;

// Used only by `dotnet ef migrations add` (see Migrations/README.md); no database is opened for that.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMsRelapseDbContext>
{
    public SqliteMsRelapseDbContext CreateDbContext(string[] args) =>
        (SqliteMsRelapseDbContext)new ContextFactory(StorageConnection.Parse("Data Source=design-time.db"), null).Create();
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMsRelapseDbContext>
{
    public PostgresMsRelapseDbContext CreateDbContext(string[] args) =>
        (PostgresMsRelapseDbContext)new ContextFactory(StorageConnection.Parse("Host=localhost;Database=msrelapse"), null).Create();
}
