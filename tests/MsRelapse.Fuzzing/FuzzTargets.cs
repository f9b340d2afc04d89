using System.Text;
using MsRelapse.Fhir;

namespace MsRelapse.Fuzzing;

/// <summary>
/// The fuzz targets: each takes arbitrary bytes and must return normally. An exception escaping, a hang, or a
/// broken promise (checked with <see cref="FuzzFinding"/>) is a finding. The same methods run under AFL++ (fuzz/run.sh)
/// and in the CI replay of the corpus (tests/MsRelapse.Fuzzing.Tests).
/// </summary>
public static class FuzzTargets
{
    /// <summary>The evaluation date of the shared examples (the corpus seeds).</summary>
    public static readonly DateOnly AsOf = new(2026, 5, 11);

    /// <summary>Target name → target.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["fhir-bundle"] = FhirBundle,
        ["cli-args"] = CliArgs,
    };

    /// <summary>
    /// The FHIR Bundle reader and the engine behind it (what <c>POST /api/evaluate</c> and <c>msrelapse evaluate</c>
    /// run): never throws; a result is either a recommendation or a list of input errors, each with a code.
    /// </summary>
    public static void FhirBundle(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outcome = FhirEvaluation.Evaluate(input, AsOf);
        if (outcome.IsValid != (outcome.Recommendation is not null && outcome.Errors.Count == 0))
        {
            throw new FuzzFinding("IsValid disagrees with the outcome");
        }

        if (outcome.Recommendation is null && outcome.Errors.Count == 0)
        {
            throw new FuzzFinding("neither a recommendation nor an error");
        }

        foreach (var error in outcome.Errors)
        {
            if (string.IsNullOrWhiteSpace(error.Code))
            {
                throw new FuzzFinding("an input error without a code");
            }
        }
    }

    /// <summary>
    /// The CLI's argument parsing and the commands behind it, in-process: arguments are the input's lines. Exit 0 or
    /// 2 only (1 is an internal failure), and on exit 2 one line on stderr and nothing on stdout (the contract).
    /// <c>serve</c> (it would start a server), response files (<c>@file</c>) and paths (anything with '/' or '\')
    /// are left out: the target is the parser and the commands, not the file system.
    /// </summary>
    public static void CliArgs(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = Encoding.UTF8.GetString(input);
        var args = text.Split('\n', StringSplitOptions.None);
        if (args.Length > 64 || args.Any(a => a == "serve" || a.StartsWith('@') || a.Contains('/', StringComparison.Ordinal) || a.Contains('\\', StringComparison.Ordinal)))
        {
            return;
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader("");
        var exit = Cli.Program.Run(args, stdout, stderr, stdin);
        if (exit == Cli.Program.InternalFailure)
        {
            throw new FuzzFinding($"exit 1 (internal failure): {stderr}");
        }

        if (exit != Cli.Program.Ok && exit != Cli.Program.BadInput)
        {
            throw new FuzzFinding($"unexpected exit code {exit}");
        }

        if (exit == Cli.Program.BadInput)
        {
            if (stdout.GetStringBuilder().Length != 0)
            {
                throw new FuzzFinding("exit 2 with output on stdout");
            }

            // The future-asOf warning line (issue #12 item 6) is printed before the input is read; reported to the
            // server engineer as a breach of "one line on stderr" when the input then fails. Tolerated here until fixed.
            var lines = stderr.ToString().TrimEnd('\r', '\n').Split('\n').Where(l => !l.StartsWith("msrelapse: warning:", StringComparison.Ordinal)).ToArray();
            if (lines.Length != 1 || lines[0].Length == 0)
            {
                throw new FuzzFinding($"exit 2 without exactly one line on stderr: {stderr}");
            }
        }
    }
}

/// <summary>A broken promise found by a fuzz target (distinct from the exceptions the code under test throws).</summary>
public sealed class FuzzFinding(string message) : Exception(message);
