namespace MsRelapse.Cli.Tests;

/// <summary>
/// <c>msrelapse serve</c> refusing to start: a database it cannot use is one line on stderr and exit 2, in the
/// database's own words — not "internal error" with the name of an exception, and never the connection string.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msr-serve-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_folder_given_as_the_database_is_one_line_and_exit_2()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "a-folder")).FullName;

        var run = CliRunner.Run("serve", "--urls", "http://127.0.0.1:0", "--database", folder, "--no-demo");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("msrelapse: cannot use the database: SQLite Error", line, StringComparison.Ordinal);
        Assert.EndsWith("(check --database, and that its server is running and reachable)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_one_line_and_exit_2()
    {
        var file = Path.Combine(_root, "notes.db");
        File.WriteAllText(file, "these are not the tables you are looking for; a file that is not SQLite at all");

        var run = CliRunner.Run("serve", "--urls", "http://127.0.0.1:0", "--database", file, "--no-demo");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("msrelapse: cannot use the database: SQLite Error 26: 'file is not a database'. (check --database, and that its server is running and reachable)", Assert.Single(run.ErrorLines));
        Assert.Equal("these are not the tables you are looking for; a file that is not SQLite at all", File.ReadAllText(file)); // never overwritten
    }

    [Theory]
    [InlineData("notaurl")]
    [InlineData("http://127.0.0.1:99999")]
    [InlineData("ftp://127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:5000;nonsense")]
    public void An_address_that_cannot_be_listened_on_is_named_before_anything_starts(string urls)
    {
        // "notaurl" was refused as "a non-loopback address needs authentication"; ftp:// was "internal error: InvalidOperationException".
        var run = CliRunner.Run("serve", "--urls", urls, "--no-demo", "--database", Path.Combine(_root, "never.db"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("msrelapse: --urls: '", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Contains("is not an address to listen on", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "never.db")));
    }
}
