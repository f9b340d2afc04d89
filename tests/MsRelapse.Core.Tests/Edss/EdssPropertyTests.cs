using FsCheck.Xunit;
using MsRelapse.Core.Edss;

namespace MsRelapse.Core.Tests.Edss;

/// <summary>Invariants of the EDSS over every valid score set (style.md: "EDSS never decreases when an FS rises").</summary>
[Properties(Arbitrary = [typeof(EdssArbitraries)], MaxTest = 2000)]
public sealed class EdssPropertyTests
{
    [Property]
    public bool Raising_any_functional_system_or_ambulation_never_lowers_the_EDSS(FunctionalSystemScores scores, FunctionalSystem system)
    {
        if (scores[system] == system.MaximumScore())
        {
            return true;
        }

        var raised = scores.With(system, scores[system] + 1);
        return EdssTestData.EdssOf(raised) >= EdssTestData.EdssOf(scores);
    }

    [Property]
    public bool Raising_a_score_to_its_maximum_never_lowers_the_EDSS(FunctionalSystemScores scores, FunctionalSystem system) =>
        EdssTestData.EdssOf(scores.With(system, system.MaximumScore())) >= EdssTestData.EdssOf(scores);

    [Property]
    public bool EDSS_is_a_half_step_within_0_to_10_and_never_0_5(FunctionalSystemScores scores)
    {
        var edss = EdssTestData.EdssOf(scores);
        return edss is >= 0 and <= 10 && edss * 2 == Math.Floor(edss * 2) && edss != 0.5;
    }

    [Property]
    public bool EDSS_is_the_larger_of_the_two_steps(FunctionalSystemScores scores)
    {
        var result = EdssCalculator.Calculate(scores);
        return result.Edss.Value == Math.Max(result.FunctionalSystemStep, result.AmbulationStep ?? 0);
    }

    // The engine uses Score (no explanation texts); it must give exactly the EDSS that Calculate explains.
    [Property]
    public bool Score_is_the_EDSS_that_Calculate_explains(FunctionalSystemScores scores) =>
        EdssCalculator.Score(scores) == EdssCalculator.Calculate(scores).Edss;
}
