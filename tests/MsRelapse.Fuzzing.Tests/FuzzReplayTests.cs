using MsRelapse.Fuzzing;
using MsRelapse.Testing;

namespace MsRelapse.Fuzzing.Tests;

/// <summary>
/// The short version of the fuzzing (issue #12 item 1) that CI runs: every committed input of fuzz/corpus/TARGET
/// (the seeds) and fuzz/regressions/TARGET (every crash or hang the fuzzers ever found) through its target, then a
/// deterministic blind-mutation run of a few thousand inputs. The long runs are fuzz/run.sh (docs/reliability.md).
/// </summary>
public sealed class FuzzReplayTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_and_regression_input_runs_through_its_target_without_a_finding(string target)
    {
        var files = Inputs(target, "corpus").Concat(Inputs(target, "regressions")).ToList();
        Assert.True(Inputs(target, "corpus").Count() >= 3, $"fuzz/corpus/{target} has fewer than 3 seeds");
        var findings = new List<string>();
        foreach (var file in files)
        {
            try
            {
                FuzzTargets.All[target](File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                findings.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }

    [Theory]
    [InlineData("fhir-bundle", 1500)]
    [InlineData("cli-args", 6000)]
    [InlineData("ndjson", 1500)]
    [InlineData("cds-request", 3000)]
    public void A_bounded_blind_mutation_run_finds_nothing(string target, int executions)
    {
        var corpus = Inputs(target, "corpus").Select(File.ReadAllBytes).ToList();
        var findings = Program.MutateBounded(FuzzTargets.All[target], corpus, executions, seed: 20261204);
        Assert.True(findings.Count == 0, string.Join('\n', findings.Take(5)));
    }

    [Fact]
    public void A_target_that_throws_is_reported_as_a_finding()
    {
        var findings = Program.MutateBounded(_ => throw new InvalidOperationException("boom"), [[1, 2, 3]], 3, seed: 1);
        Assert.Equal(3, findings.Count);
    }

    private static IEnumerable<string> Inputs(string target, string kind)
    {
        var directory = Path.Combine(RepoPaths.Root, "fuzz", kind, target);
        return Directory.Exists(directory) ? Directory.EnumerateFiles(directory).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal) : [];
    }
}
