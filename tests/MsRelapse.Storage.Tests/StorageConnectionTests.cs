using Npgsql;

namespace MsRelapse.Storage.Tests;

public sealed class StorageConnectionTests
{
    [Theory]
    [InlineData("data/msrelapse.db", "data/msrelapse.db")]
    [InlineData("/var/lib/msrelapse/registry.db", "/var/lib/msrelapse/registry.db")]
    [InlineData("Data Source=/var/lib/msrelapse/registry.db", "/var/lib/msrelapse/registry.db")]
    [InlineData("DataSource=registry.db;Cache=Shared", "registry.db")]
    [InlineData("Filename=registry.db", "registry.db")]
    [InlineData("  registry.db  ", "registry.db")]
    public void A_file_path_or_a_data_source_string_selects_SQLite(string connection, string file)
    {
        var parsed = StorageConnection.Parse(connection);

        Assert.Equal(StorageProvider.Sqlite, parsed.Provider);
        Assert.Equal(Path.GetFullPath(file), parsed.SqliteFilePath);
        Assert.Contains(Path.GetFullPath(file), parsed.ConnectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Database=msrelapse;Username=app;Password=secret")]
    [InlineData("host=db;database=msrelapse;username=app;password=secret")]
    [InlineData("Server=db;Database=msrelapse;User ID=app;Password=secret")]
    [InlineData("Host=db;Database=msrelapse;Username=app;Password=secret;Include Error Detail=true")]
    public void A_host_key_selects_PostgreSQL_without_error_details(string connection)
    {
        var parsed = StorageConnection.Parse(connection);

        Assert.Equal(StorageProvider.PostgreSql, parsed.Provider);
        Assert.Null(parsed.SqliteFilePath);
        var builder = new NpgsqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(("db", "msrelapse", "app", "secret"), (builder.Host, builder.Database, builder.Username, builder.Password));
        // Error details would put key values (patient ids) into exception messages and logs.
        Assert.False(builder.IncludeErrorDetail);
    }

    [Fact]
    public void A_postgres_uri_is_turned_into_npgsql_keywords()
    {
        var parsed = StorageConnection.Parse("postgresql://app:p%40ss%3Bword@db.internal:5433/registry");

        var builder = new NpgsqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(StorageProvider.PostgreSql, parsed.Provider);
        Assert.Equal(("db.internal", 5433, "registry", "app", "p@ss;word"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(":memory:")]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=registry;Mode=Memory")]
    [InlineData("postgres://")]
    public void An_empty_in_memory_or_malformed_connection_is_refused(string connection)
    {
        var e = Assert.Throws<ArgumentException>(() => StorageConnection.Parse(connection));

        Assert.Equal("connection", e.ParamName);
    }

    [Fact]
    public void The_text_form_never_shows_the_password()
    {
        var parsed = StorageConnection.Parse("Host=db;Port=5432;Database=msrelapse;Username=app;Password=secret");

        Assert.Equal("postgresql://db:5432/msrelapse", parsed.ToString());
        Assert.DoesNotContain("secret", parsed.ToString(), StringComparison.Ordinal);
    }
}
