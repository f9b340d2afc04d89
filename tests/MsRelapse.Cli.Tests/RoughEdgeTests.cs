namespace MsRelapse.Cli.Tests;

/// <summary>Rough edges a newcomer hit (issue 12 items 0 and 6), one test each.</summary>
public sealed class RoughEdgeTests
{
    [Fact]
    public void Tpe_plan_reports_every_missing_option_in_one_line()
    {
        var run = CliRunner.Run("tpe-plan");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.ErrorLines);
        foreach (var option in new[] { "--sex", "--height-cm", "--weight-kg", "--hematocrit" })
        {
            Assert.Contains(option, line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("9999-12-30")]
    [InlineData("0001-01-01")]
    public void Tpe_plan_starting_outside_the_calendar_is_exit_2_not_a_crash(string start)
    {
        var run = CliRunner.Run("tpe-plan", "--sex", "female", "--height-cm", "165", "--weight-kg", "60", "--hematocrit", "40", "--start", start, "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains("--start", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    // A review of the CLI (2026-12-07): synth and screen took any --as-of and failed half-way (exit 1, internal error)
    // on dates the engine or the generator cannot work with; synth left a file behind in its output folder.
    [Theory]
    [InlineData("synth", "0001-01-01", "1900-01-01…9900-12-31")]
    [InlineData("synth", "9999-12-31", "1900-01-01…9900-12-31")]
    [InlineData("screen", "0001-01-01", "0002-01-01…9999-11-23")]
    [InlineData("screen", "9999-12-11", "0002-01-01…9999-11-23")]
    public void Synth_and_screen_refuse_an_as_of_outside_the_dates_they_work_with(string command, string asOf, string range)
    {
        var root = Path.Combine(Path.GetTempPath(), "msr-asof-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var out_ = Path.Combine(root, "out");
            var run = command == "synth"
                ? CliRunner.Run("synth", "--patients", "5", "--as-of", asOf, "--out", out_)
                : CliRunner.Run("screen", root, "--as-of", asOf, "--out", out_);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal("", run.Out);
            Assert.Equal($"msrelapse: --as-of {asOf} is outside {range}", Assert.Single(run.ErrorLines));
            Assert.False(Directory.Exists(out_) && Directory.EnumerateFileSystemEntries(out_).Any(), "nothing written");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("evalute", "unknown command 'evalute' (expected one of: edss, tpe-plan, evaluate, serve, synth, cluster-silo, guideline, screen) (see 'msrelapse --help')")]
    [InlineData(null, "a command is required (one of: edss, tpe-plan, evaluate, serve, synth, cluster-silo, guideline, screen) (see 'msrelapse --help')")]
    public void A_missing_or_mistyped_command_is_named_with_the_commands_there_are(string? word, string message)
    {
        var run = word is null ? CliRunner.Run() : CliRunner.Run(word, "x.json");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("msrelapse: " + message, Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void A_number_option_given_text_says_a_number_is_expected_not_a_dotnet_type()
    {
        var run = CliRunner.Run("synth", "--patients", "abc", "--out", Path.Combine(Path.GetTempPath(), "msr-never-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("'--patients' as a whole number", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_given_a_folder_says_it_is_a_folder_not_that_permission_is_denied()
    {
        var run = CliRunner.Run("evaluate", Path.GetTempPath());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(": it is a folder (expected a FHIR R4 Bundle in JSON", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_refuses_more_partitions_than_it_can_keep_files_open_for()
    {
        var run = CliRunner.Run("screen", Path.GetTempPath(), "--out", Path.Combine(Path.GetTempPath(), "msr-never-" + Guid.NewGuid().ToString("N")), "--partitions", "100000");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("msrelapse: --partitions 100000 is above 65,536", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_refuses_a_duplicate_key_like_the_service()
    {
        var bundle = File.ReadAllText(MsRelapse.Testing.RepoPaths.SharedFile("examples", "severe-relapse-untreated.json"));
        var index = bundle.IndexOf("\"value\":", StringComparison.Ordinal);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Program.Run(["evaluate", "-", "--as-of", "2026-05-11", "--json"], stdout, stderr, new StringReader(bundle.Insert(index, "\"value\":8,")));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout.ToString());
        Assert.Contains("duplicate-key", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_with_an_asOf_after_today_warns_on_stderr_and_keeps_stdout_one_document()
    {
        var run = CliRunner.Run("evaluate", MsRelapse.Testing.RepoPaths.SharedFile("examples", "severe-relapse-untreated.json"), "--as-of", "9999-01-01", "--json");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("9999-01-01", (string?)run.Json["asOf"]);
        Assert.Contains("after today", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "--json")]
    [InlineData("", "--fhir")]
    [InlineData("", null)]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}", "--json")]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"value\":1,\"value\":2}}]}", "--json")]
    public void Evaluate_failing_with_a_future_asOf_prints_only_the_error_line(string stdin, string? format)
    {
        // Empty stdin (or a refused bundle) with an asOf after today: exit 2, nothing on stdout, one line on stderr —
        // the error, not the future-date warning as well.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] args = format is null ? ["evaluate", "-", "--as-of", "2226-05-11"] : ["evaluate", "-", "--as-of", "2226-05-11", format];
        var exit = Program.Run(args, stdout, stderr, new StringReader(stdin));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout.ToString());
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("warning", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_with_an_asOf_outside_the_calendar_is_exit_2()
    {
        var run = CliRunner.Run("evaluate", MsRelapse.Testing.RepoPaths.SharedFile("examples", "severe-relapse-untreated.json"), "--as-of", "9999-12-31", "--json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--as-of", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }
}

/// <summary>The README's <c>dotnet run</c> alias builds first: a restore warning would land on stdout before the JSON.</summary>
public sealed class QuietRestoreTests
{
    [Fact]
    public void Restoring_the_CLI_gives_no_NU1603_warning_that_dotnet_run_would_print_on_stdout()
    {
        // artifacts/bin/<test project>/<configuration>/ → artifacts/obj/MsRelapse.Cli/project.assets.json
        var artifacts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));
        var assets = Path.Combine(artifacts, "obj", "MsRelapse.Cli", "project.assets.json");
        Assert.True(File.Exists(assets), $"no restore output at {assets}");
        var logs = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(assets))!["logs"]?.AsArray() ?? [];
        var warnings = logs.Select(l => (string?)l!["code"] + " " + (string?)l["message"]).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
    }
}
