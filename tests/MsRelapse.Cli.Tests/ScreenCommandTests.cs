using MsRelapse.Testing;

namespace MsRelapse.Cli.Tests;

/// <summary><c>msrelapse screen DIR [--as-of DATE] --out DIR</c> (shared/contract/cli.md).</summary>
public sealed class ScreenCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr, new StringReader(string.Empty));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Screening_the_Synthea_export_writes_the_three_outputs_and_plain_progress_lines_when_redirected()
    {
        var output = Path.Combine(Path.GetTempPath(), "msr-screen-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, stdout, stderr) = Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--as-of", "2026-05-11", "--out", output);
            Assert.True(exit == 0, stderr);
            Assert.Empty(stderr);
            Assert.Contains("Screened 13 patients", stdout, StringComparison.Ordinal);
            Assert.Contains("patients/s", stdout, StringComparison.Ordinal);
            Assert.StartsWith("patient_id,episode_status,severity,primary_action,urgency,steroid_response,onset,days_since_onset,flags,error\n", File.ReadAllText(Path.Combine(output, "patients.csv")), StringComparison.Ordinal);
            Assert.Contains("\"byStatus\"", File.ReadAllText(Path.Combine(output, "summary.json")), StringComparison.Ordinal);
            var html = File.ReadAllText(Path.Combine(output, "report.html"));
            Assert.Contains("<svg", html, StringComparison.Ordinal);
            Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Fact]
    public void The_screen_ends_with_who_needs_action_now_the_steroid_failures_and_the_escalation_time()
    {
        // The four shared examples as one export: the untreated severe relapse (IV methylprednisolone, urgent), the
        // steroid-refractory one (plasma exchange, urgent: not responding, no session yet) and the AQP4-positive
        // myelitis (plasma exchange, emergency) need action now; the pseudo-relapse (treat the trigger, soon) does not.
        // Every example is patient "p1": each is given its name as its patient's id.
        var bundles = SharedExamples.Names.Select(n => SharedExamples.Load(n).Replace("Patient/p1\"", $"Patient/{n}\"", StringComparison.Ordinal).Replace("\"id\": \"p1\"", $"\"id\": \"{n}\"", StringComparison.Ordinal));
        var export = BulkExports.Write(bundles, Path.Combine(Path.GetTempPath(), "msr-screen-examples-" + Guid.NewGuid().ToString("N")));
        var output = export + "-out";
        try
        {
            // 64 partitions for four patients: most have no spill file, and some of those end after the last byte.
            var (exit, stdout, stderr) = Run("screen", export, "--as-of", "2026-05-11", "--partitions", "64", "--out", output);
            Assert.True(exit == 0, stderr);
            Assert.Contains("Screened 4 patients", stdout, StringComparison.Ordinal);
            // Each phase ends once, though partitions without a spill file report after the last byte is screened.
            var lines = stdout.ReplaceLineEndings("\n").Split('\n');
            Assert.Single(lines, l => l.StartsWith("split  100.0 %", StringComparison.Ordinal));
            Assert.Single(lines, l => l.StartsWith("screen 100.0 %", StringComparison.Ordinal));
            Assert.Contains("3 need action now (1 emergency); 1 not responding to steroids; steroid failure to apheresis: no patient.\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.Contains("\"needingActionNow\": 3,", File.ReadAllText(Path.Combine(output, "summary.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(export, true);
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Theory]
    [InlineData("/no/such/export")]
    public void A_missing_export_folder_exits_2_with_one_line(string dir)
    {
        var (exit, stdout, stderr) = Run("screen", dir, "--out", Path.GetTempPath());
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_out_that_is_a_file_exits_2_with_one_line_and_the_file_untouched()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "keep me");
            var (exit, stdout, stderr) = Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--out", file);
            Assert.Equal(2, exit);
            Assert.Empty(stdout);
            Assert.Contains("is a file", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            Assert.Equal("keep me", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_bulk_export_that_fails_exits_2_with_nothing_on_stdout_and_the_reason_last_on_stderr()
    {
        var output = Path.Combine(Path.GetTempPath(), "msr-screen-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Port 9 (discard) on loopback: nothing listens, the kick-off cannot connect.
            var (exit, stdout, stderr) = Run("screen", "--fhir-server", "http://127.0.0.1:9/fhir", "--out", output);
            Assert.Equal(2, exit);
            Assert.Empty(stdout);
            Assert.Contains("bulk export: cannot reach", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Theory]
    [InlineData("foo=bar")] // a key Npgsql does not know
    [InlineData("Host=127.0.0.1;Port=abc")] // a value of the wrong kind
    [InlineData("Host=127.0.0.1;Port=1", "--cluster-id", "")]
    public void A_cluster_connection_or_id_that_cannot_be_used_exits_2_with_one_line(string connection, params string[] more)
    {
        var output = Path.Combine(Path.GetTempPath(), "msr-screen-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, stdout, stderr) = Run([.. new[] { "screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--out", output, "--cluster", connection }, .. more]);
            Assert.Equal(2, exit);
            Assert.Empty(stdout);
            Assert.StartsWith("msrelapse: --cluster", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Theory]
    // Off loopback without TLS: refused unless plain TCP is allowed (patient ids would cross the network in clear).
    [InlineData("msrelapse: --advertise 10.1.2.3: the silos would talk plain TCP", "--advertise", "10.1.2.3")]
    [InlineData("msrelapse: --tls-cert, --tls-key and --tls-ca go together", "--tls-cert", "silo.pem")]
    [InlineData("msrelapse: --tls: the certificate ('/nonexistent/silo.pem') and its key", "--tls-cert", "/nonexistent/silo.pem", "--tls-key", "/nonexistent/silo.key", "--tls-ca", "/nonexistent/ca.pem")]
    public void Cluster_transport_options_that_cannot_be_used_exit_2_with_one_line(string expected, params string[] options)
    {
        var output = Path.Combine(Path.GetTempPath(), "msr-screen-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, stdout, stderr) = Run([.. new[] { "screen", RepoPaths.SharedFile("data", "synthea-bulk-10"), "--out", output, "--cluster", "Host=127.0.0.1;Port=1" }, .. options]);
            Assert.Equal(2, exit);
            Assert.Empty(stdout);
            Assert.StartsWith(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, true);
            }
        }
    }

    [Fact]
    public void Without_out_it_exits_2()
    {
        var (exit, stdout, _) = Run("screen", RepoPaths.SharedFile("data", "synthea-bulk-10"));
        Assert.Equal(2, exit);
        Assert.Empty(stdout);
    }
}
