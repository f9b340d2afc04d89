using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MsRelapse.Storage;

/// <summary>The database engine behind the store.</summary>
public enum StorageProvider
{
    /// <summary>A SQLite file (the default: no server to run).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (several service processes can share it).</summary>
    PostgreSql,
}

/// <summary>
/// Which database one configuration string names. Rules, in order:
/// <list type="number">
/// <item>a <c>postgres://</c> or <c>postgresql://</c> URI → PostgreSQL (turned into Npgsql keywords);</item>
/// <item>a connection string with a <c>Host</c> or <c>Server</c> key → PostgreSQL;</item>
/// <item>a connection string with a <c>Data Source</c>, <c>DataSource</c> or <c>Filename</c> key → SQLite;</item>
/// <item>anything else is a SQLite file path (<c>data/msrelapse.db</c>).</item>
/// </list>
/// PostgreSQL strings get <c>Include Error Detail=false</c> (error details would carry key values, i.e. patient ids,
/// into exception messages and logs). SQLite in-memory databases are refused: the registry must persist.
/// </summary>
/// <param name="Provider">The engine.</param>
/// <param name="ConnectionString">The provider's connection string, normalised.</param>
/// <param name="SqliteFilePath">For SQLite: the database file's full path; null for PostgreSQL.</param>
public sealed record StorageConnection(StorageProvider Provider, string ConnectionString, string? SqliteFilePath)
{
    /// <summary>Decides the provider for <paramref name="connection"/> (see the type's rules).</summary>
    /// <exception cref="ArgumentException">Empty, or a SQLite in-memory database, or a malformed PostgreSQL URI.</exception>
    public static StorageConnection Parse(string connection)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new ArgumentException("The storage connection is empty: give a SQLite file path, 'Data Source=<file>', or a PostgreSQL 'Host=...' connection string.", nameof(connection));
        }

        var text = connection.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return PostgreSql(FromUri(text));
        }

        if (TryParseKeywords(text, out var keys))
        {
            if (keys.ContainsKey("Host") || keys.ContainsKey("Server"))
            {
                return PostgreSql(text);
            }

            if (keys.ContainsKey("Data Source") || keys.ContainsKey("DataSource") || keys.ContainsKey("Filename"))
            {
                return Sqlite(new SqliteConnectionStringBuilder(text));
            }
        }

        return Sqlite(new SqliteConnectionStringBuilder { DataSource = text });
    }

    private static bool TryParseKeywords(string text, out DbConnectionStringBuilder keys)
    {
        keys = new DbConnectionStringBuilder();
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            keys.ConnectionString = text;
            return true;
        }
        catch (ArgumentException)
        {
            // Not key=value pairs: a file path that happens to contain '='.
            return false;
        }
    }

    private static StorageConnection PostgreSql(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { IncludeErrorDetail = false };
        return new StorageConnection(StorageProvider.PostgreSql, builder.ConnectionString, null);
    }

    private static StorageConnection Sqlite(SqliteConnectionStringBuilder builder)
    {
        var dataSource = builder.DataSource;
        if (string.IsNullOrWhiteSpace(dataSource)
            || dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase)
            || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("A SQLite storage connection must name a database file (in-memory databases lose every record at exit).", "connection");
        }

        builder.DataSource = Path.GetFullPath(dataSource);
        return new StorageConnection(StorageProvider.Sqlite, builder.ConnectionString, builder.DataSource);
    }

    private static string FromUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("The PostgreSQL URI is malformed: expected postgres://user:password@host:port/database.", "connection");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        return builder.ConnectionString;
    }

    /// <summary>The connection without its password, for logs and diagnostics.</summary>
    public override string ToString()
    {
        if (Provider == StorageProvider.Sqlite)
        {
            return $"sqlite:{SqliteFilePath}";
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
