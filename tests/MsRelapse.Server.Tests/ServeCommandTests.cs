using MsRelapse.Cli;

namespace MsRelapse.Server.Tests;

public sealed class ServeCommandTests
{
    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr, new StringReader(""));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Serve_on_a_public_address_without_an_authority_exits_2_saying_how_to_configure()
    {
        var (exit, stdout, stderr) = Run("serve", "--urls", "http://0.0.0.0:5999", "--database", "Data Source=unused.db");
        Assert.Equal(Program.BadInput, exit);
        Assert.Equal("", stdout);
        Assert.Contains("--authority", stderr, StringComparison.Ordinal);
        Assert.Contains("--audience", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void A_body_limit_that_is_not_a_positive_size_exits_2(string mb)
    {
        var (exit, _, stderr) = Run("serve", "--max-body-mb", mb);
        Assert.Equal(Program.BadInput, exit);
        Assert.Contains("--max-body-mb", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_in_memory_SQLite_database_is_refused_because_records_must_persist()
    {
        var (exit, _, stderr) = Run("serve", "--database", "Data Source=:memory:");
        Assert.Equal(Program.BadInput, exit);
        Assert.Contains("--database", stderr, StringComparison.Ordinal);
    }
}
