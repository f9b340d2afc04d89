using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Tests.Edss;

/// <summary>R0 for EDSS inputs: recorded totals and functional-system scores.</summary>
public sealed class EdssValidationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(4.5)]
    [InlineData(9.5)]
    [InlineData(10)]
    public void Recorded_EDSS_on_a_Kurtzke_step_is_accepted(double value)
    {
        Assert.True(EdssScore.TryFromRecorded(value, out var score, out var error));
        Assert.Null(error);
        Assert.Equal(value, score.Value);
    }

    [Theory]
    [InlineData(-0.5, "EDSS -0.5 is outside 0–10")]
    [InlineData(10.5, "EDSS 10.5 is outside 0–10")]
    [InlineData(double.NaN, "is outside 0–10")]
    [InlineData(4.25, "EDSS 4.25 is not a multiple of 0.5")]
    [InlineData(3.3, "EDSS 3.3 is not a multiple of 0.5")]
    [InlineData(0.5, "EDSS 0.5 is not a Kurtzke step")]
    public void Impossible_recorded_EDSS_is_refused_with_a_message(double value, string message)
    {
        Assert.False(EdssScore.TryFromRecorded(value, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_computed_step_of_0_5_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EdssScore.FromStep(0.5));

    [Fact]
    public void EDSS_formats_invariantly_with_one_decimal()
    {
        Assert.Equal("4.5", EdssScore.FromStep(4.5).ToString());
        Assert.Equal("10.0", EdssScore.FromStep(10).ToString());
        Assert.Equal("0.0", EdssScore.FromStep(0).ToString());
    }

    [Fact]
    public void EDSS_scores_compare_by_value()
    {
        Assert.True(EdssScore.FromStep(4.5) > EdssScore.FromStep(4.0));
        Assert.True(EdssScore.FromStep(1.0) <= EdssScore.FromStep(1.0));
        Assert.Equal(-1, EdssScore.FromStep(2).CompareTo(EdssScore.FromStep(2.5)));
    }

    [Theory]
    [InlineData(FunctionalSystem.Visual, 7, "visual FS 7 is outside 0–6")]
    [InlineData(FunctionalSystem.Brainstem, 6, "brainstem FS 6 is outside 0–5")]
    [InlineData(FunctionalSystem.Pyramidal, 7, "pyramidal FS 7 is outside 0–6")]
    [InlineData(FunctionalSystem.Cerebellar, 6, "cerebellar FS 6 is outside 0–5")]
    [InlineData(FunctionalSystem.Sensory, 7, "sensory FS 7 is outside 0–6")]
    [InlineData(FunctionalSystem.BowelBladder, 7, "bowel-bladder FS 7 is outside 0–6")]
    [InlineData(FunctionalSystem.Cerebral, 6, "cerebral FS 6 is outside 0–5")]
    [InlineData(FunctionalSystem.Ambulation, 17, "ambulation score 17 is outside 0–16")]
    [InlineData(FunctionalSystem.Pyramidal, -1, "pyramidal FS -1 is outside 0–6")]
    [InlineData(FunctionalSystem.Sensory, 2.5, "sensory FS 2.5 is not an integer (expected 0–6)")]
    [InlineData(FunctionalSystem.Ambulation, 3.5, "ambulation score 3.5 is not an integer (expected 0–16)")]
    public void Recorded_score_outside_its_range_or_not_an_integer_is_refused(FunctionalSystem system, double value, string message)
    {
        var raw = Complete() with { };
        raw = system switch
        {
            FunctionalSystem.Visual => raw with { Visual = value },
            FunctionalSystem.Brainstem => raw with { Brainstem = value },
            FunctionalSystem.Pyramidal => raw with { Pyramidal = value },
            FunctionalSystem.Cerebellar => raw with { Cerebellar = value },
            FunctionalSystem.Sensory => raw with { Sensory = value },
            FunctionalSystem.BowelBladder => raw with { BowelBladder = value },
            FunctionalSystem.Cerebral => raw with { Cerebral = value },
            _ => raw with { Ambulation = value },
        };

        Assert.False(FunctionalSystemScores.TryCreate(raw, out var scores, out var errors));
        Assert.Null(scores);
        Assert.Equal([message], errors);
    }

    [Fact]
    public void Every_problem_is_named_in_form_order_including_missing_scores()
    {
        var raw = new RawFunctionalSystems(Visual: 7, Brainstem: 0, Pyramidal: null, Cerebellar: 1, Sensory: 1.5, BowelBladder: 0, Cerebral: 0, Ambulation: null);

        Assert.False(FunctionalSystemScores.TryCreate(raw, out _, out var errors));
        Assert.Equal(
            [
                "visual FS 7 is outside 0–6",
                "pyramidal FS is missing (expected an integer 0–6)",
                "sensory FS 1.5 is not an integer (expected 0–6)",
                "ambulation score is missing (expected an integer 0–16)",
            ],
            errors);
    }

    [Fact]
    public void A_complete_valid_recorded_set_is_accepted()
    {
        Assert.True(FunctionalSystemScores.TryCreate(Complete(), out var scores, out var errors));
        Assert.Empty(errors);
        Assert.Equal(new FunctionalSystemScores(1, 0, 3, 2, 2, 1, 1, 2), scores);
    }

    [Theory]
    [InlineData(FunctionalSystem.Pyramidal, 7, "pyramidal FS 7 is outside 0–6")]
    [InlineData(FunctionalSystem.Ambulation, 17, "ambulation score 17 is outside 0–16")]
    [InlineData(FunctionalSystem.Brainstem, -1, "brainstem FS -1 is outside 0–5")]
    public void Constructing_an_invalid_set_throws_naming_the_system_and_range(FunctionalSystem system, int value, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => EdssTestData.Fs().With(system, value));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranges_and_kebab_names_are_as_the_contract_states()
    {
        Assert.Equal(
            ["visual 0–6", "brainstem 0–5", "pyramidal 0–6", "cerebellar 0–5", "sensory 0–6", "bowel-bladder 0–6", "cerebral 0–5", "ambulation 0–16"],
            FunctionalSystemInfo.All.Select(s => $"{s.KebabName()} {s.RangeText()}"));
    }

    private static RawFunctionalSystems Complete() => new(1, 0, 3, 2, 2, 1, 1, 2);
}
