using System.Text.Json.Nodes;

namespace MsRelapse.Cli.Tests;

public sealed class GuidelineCommandTests
{
    [Fact]
    public void Guideline_fhir_prints_a_bundle_of_the_knowledge_artifacts()
    {
        var run = CliRunner.Run("guideline", "--fhir");
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        var bundle = run.Json;
        Assert.Equal("Bundle", (string?)bundle["resourceType"]);
        var types = bundle["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["resourceType"]).ToList();
        Assert.Equal("PlanDefinition", types[0]);
        Assert.Contains("ActivityDefinition", types);
        Assert.Contains("Library", types);
        Assert.Contains("Evidence", types);
    }

    [Fact]
    public void Guideline_fhir_out_writes_the_file_and_html_out_writes_the_book()
    {
        var dir = Path.Combine(Path.GetTempPath(), "msrelapse-guideline-" + Guid.NewGuid().ToString("N"));
        try
        {
            var file = Path.Combine(dir, "artifacts.json");
            Directory.CreateDirectory(dir);
            var fhir = CliRunner.Run("guideline", "--fhir", "--out", file);
            Assert.Equal(0, fhir.ExitCode);
            Assert.Equal("Bundle", (string?)JsonNode.Parse(File.ReadAllText(file))!["resourceType"]);

            var html = CliRunner.Run("guideline", "--html", "--out", Path.Combine(dir, "book"));
            Assert.Equal(0, html.ExitCode);
            var book = File.ReadAllText(Path.Combine(dir, "book", "index.html"));
            Assert.StartsWith("<!DOCTYPE html>", book, StringComparison.Ordinal);
            Assert.Contains("id=\"R6.4\"", book, StringComparison.Ordinal);

            // The approval section dates the book: a committee approves a dated document.
            Assert.Contains("Book generated on</th><td>" + DateOnly.FromDateTime(DateTime.Now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "<", book, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("guideline")]
    [InlineData("guideline", "--fhir", "--html")]
    [InlineData("guideline", "--html")]
    public void Guideline_usage_errors_are_exit_2_with_one_line_and_nothing_on_stdout(params string[] args)
    {
        var run = CliRunner.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Single(run.ErrorLines);
    }
}
