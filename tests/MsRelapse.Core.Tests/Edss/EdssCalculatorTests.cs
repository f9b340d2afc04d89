using MsRelapse.Core.Edss;
using static MsRelapse.Core.Tests.Edss.EdssTestData;

namespace MsRelapse.Core.Tests.Edss;

/// <summary>
/// The FS step table of clinical.md "EDSS", row by row and at every boundary (ambulation 0, so the FS step
/// decides). Systems that need no conversion (brainstem, pyramidal, cerebellar, sensory, cerebral ≥ 2) set the
/// grades; visual raw 4 and bowel-bladder raw 3 are grade 3 after conversion when a sixth and seventh are needed.
/// </summary>
public sealed class EdssFunctionalSystemTableTests
{
    // Columns: visual, brainstem, pyramidal, cerebellar, sensory, bowel-bladder, cerebral (raw) → FS step and row id.
    [Theory]
    // any system ≥ 5 → 5.0
    [InlineData(0, 0, 5, 0, 0, 0, 0, 5.0, "any FS>=5 → 5.0")]
    [InlineData(0, 0, 6, 0, 0, 0, 0, 5.0, "any FS>=5 → 5.0")]
    [InlineData(0, 5, 0, 0, 0, 0, 0, 5.0, "any FS>=5 → 5.0")]
    [InlineData(0, 0, 0, 0, 0, 6, 0, 5.0, "any FS>=5 → 5.0")] // bowel-bladder 6 → grade 5
    // n4 ≥ 2 → 5.0
    [InlineData(0, 0, 4, 0, 4, 0, 0, 5.0, "n4>=2 → 5.0")]
    [InlineData(6, 0, 4, 0, 0, 0, 0, 5.0, "n4>=2 → 5.0")] // visual 6 → grade 4
    // n4 = 1
    [InlineData(0, 3, 4, 3, 3, 0, 0, 5.0, "n4=1,n3>=3 → 5.0")]
    [InlineData(0, 3, 4, 3, 3, 0, 3, 5.0, "n4=1,n3>=3 → 5.0")]
    [InlineData(0, 0, 4, 3, 3, 0, 0, 4.5, "n4=1,n3=1-2 → 4.5")]
    [InlineData(0, 0, 4, 3, 0, 0, 0, 4.5, "n4=1,n3=1-2 → 4.5")]
    [InlineData(0, 0, 4, 0, 2, 0, 0, 4.5, "n4=1,n3=0,n2>=1 → 4.5")]
    [InlineData(0, 2, 4, 2, 2, 0, 0, 4.5, "n4=1,n3=0,n2>=1 → 4.5")]
    [InlineData(0, 1, 4, 1, 1, 1, 0, 4.0, "n4=1,n3=0,n2=0 → 4.0")]
    [InlineData(0, 0, 4, 0, 0, 0, 0, 4.0, "n4=1,n3=0,n2=0 → 4.0")]
    // n4 = 0, n3 ≥ 1
    [InlineData(4, 3, 3, 3, 3, 3, 0, 5.0, "n4=0,n3>=6 → 5.0")]
    [InlineData(4, 3, 3, 3, 3, 3, 3, 5.0, "n4=0,n3>=6 → 5.0")]
    [InlineData(0, 3, 3, 3, 3, 3, 0, 4.5, "n4=0,n3=5 → 4.5")]
    [InlineData(0, 3, 3, 3, 3, 3, 2, 4.5, "n4=0,n3=5 → 4.5")]
    [InlineData(0, 3, 3, 3, 3, 0, 0, 4.0, "n4=0,n3=3-4 → 4.0")]
    [InlineData(0, 0, 3, 3, 3, 0, 0, 4.0, "n4=0,n3=3-4 → 4.0")]
    [InlineData(0, 2, 3, 3, 0, 0, 0, 4.0, "n4=0,n3=2,n2>=1 → 4.0")]
    [InlineData(0, 0, 3, 3, 0, 1, 0, 3.5, "n4=0,n3=2,n2=0 → 3.5")]
    [InlineData(0, 2, 3, 2, 2, 0, 0, 4.0, "n4=0,n3=1,n2>=3 → 4.0")]
    [InlineData(2, 2, 3, 2, 2, 2, 2, 4.0, "n4=0,n3=1,n2>=3 → 4.0")]
    [InlineData(0, 2, 3, 2, 0, 0, 0, 3.5, "n4=0,n3=1,n2=1-2 → 3.5")]
    [InlineData(0, 0, 3, 2, 0, 0, 0, 3.5, "n4=0,n3=1,n2=1-2 → 3.5")]
    [InlineData(1, 1, 3, 1, 1, 1, 0, 3.0, "n4=0,n3=1,n2=0 → 3.0")]
    // n3 = 0
    [InlineData(2, 2, 2, 2, 2, 2, 2, 4.0, "n3=0,n2>=6 → 4.0")]
    [InlineData(0, 2, 2, 2, 2, 2, 2, 4.0, "n3=0,n2>=6 → 4.0")]
    [InlineData(0, 2, 2, 2, 2, 2, 0, 3.5, "n3=0,n2=5 → 3.5")]
    [InlineData(0, 2, 2, 2, 2, 0, 0, 3.0, "n3=0,n2=3-4 → 3.0")]
    [InlineData(0, 0, 2, 2, 2, 0, 0, 3.0, "n3=0,n2=3-4 → 3.0")]
    [InlineData(0, 0, 2, 2, 0, 1, 0, 2.5, "n3=0,n2=2 → 2.5")]
    [InlineData(0, 0, 2, 0, 0, 0, 0, 2.0, "n3=0,n2=1 → 2.0")]
    [InlineData(1, 1, 2, 1, 1, 1, 1, 2.0, "n3=0,n2=1 → 2.0")]
    // n2 = 0
    [InlineData(1, 1, 1, 1, 1, 1, 0, 1.5, "n2=0,n1>=2 → 1.5")]
    [InlineData(0, 0, 1, 0, 1, 0, 0, 1.5, "n2=0,n1>=2 → 1.5")]
    [InlineData(0, 0, 0, 0, 1, 0, 0, 1.0, "n2=0,n1=1 → 1.0")]
    [InlineData(0, 0, 0, 0, 0, 0, 0, 0.0, "n1=0 → 0.0")]
    public void Functional_system_table_row(int visual, int brainstem, int pyramidal, int cerebellar, int sensory, int bowelBladder, int cerebral, double expected, string rule)
    {
        var result = EdssCalculator.Calculate(new FunctionalSystemScores(visual, brainstem, pyramidal, cerebellar, sensory, bowelBladder, cerebral, 0));

        Assert.Equal(expected, result.FunctionalSystemStep);
        Assert.Equal(expected, result.Edss.Value);
        Assert.Equal(rule, result.FunctionalSystemRule);
        Assert.Equal($"FS: {rule}", result.DecidingRule);
        Assert.Equal(EdssDecidedBy.FunctionalSystems, result.DecidedBy);
        Assert.Null(result.AmbulationStep);
    }

    [Fact]
    public void Counts_are_taken_over_converted_grades()
    {
        // visual 5 → 3, bowel-bladder 4 → 3, pyramidal 2, cerebral 1 → 0, sensory 1: n1 = 1, n2 = 1, n3 = 2.
        var result = EdssCalculator.Calculate(Fs(visual: 5, bowelBladder: 4, pyramidal: 2, cerebral: 1, sensory: 1));

        Assert.Equal(new FunctionalSystemGradeCounts(N1: 1, N2: 1, N3: 2, N4: 0, N5OrMore: 0), result.Counts);
        Assert.Equal(4.0, result.FunctionalSystemStep); // n3 = 2 with n2 ≥ 1
    }
}

/// <summary>The ambulation step table (Neurostatus 0–16) and EDSS = max(FS step, ambulation step).</summary>
public sealed class EdssAmbulationTests
{
    [Theory]
    [InlineData(1, 2.0)]
    [InlineData(2, 4.5)]
    [InlineData(3, 5.0)]
    [InlineData(4, 5.5)]
    [InlineData(5, 6.0)]
    [InlineData(6, 6.0)]
    [InlineData(7, 6.0)]
    [InlineData(8, 6.5)]
    [InlineData(9, 6.5)]
    [InlineData(10, 7.0)]
    [InlineData(11, 7.5)]
    [InlineData(12, 8.0)]
    [InlineData(13, 8.5)]
    [InlineData(14, 9.0)]
    [InlineData(15, 9.5)]
    [InlineData(16, 10.0)]
    public void Ambulation_score_sets_its_step_when_functional_systems_are_normal(int ambulation, double step)
    {
        var result = EdssCalculator.Calculate(Fs(ambulation: ambulation));

        Assert.Equal(step, result.AmbulationStep);
        Assert.Equal(step, result.Edss.Value);
        Assert.Equal(0, result.FunctionalSystemStep);
        Assert.Equal(EdssDecidedBy.Ambulation, result.DecidedBy);
        Assert.StartsWith($"ambulation: ambulation {ambulation} → ", result.DecidingRule, StringComparison.Ordinal);
    }

    [Fact]
    public void Ambulation_zero_sets_no_step()
    {
        var result = EdssCalculator.Calculate(Fs(pyramidal: 2));

        Assert.Null(result.AmbulationStep);
        Assert.Null(result.AmbulationRule);
        Assert.Equal(2.0, result.Edss.Value);
    }

    [Fact]
    public void Functional_systems_decide_when_their_step_is_higher()
    {
        // FS: pyramidal 4 + sensory 3 → n4=1, n3=1 → 4.5; ambulation 1 → 2.0; max = 4.5 from the FS table.
        var result = EdssCalculator.Calculate(Fs(pyramidal: 4, sensory: 3, ambulation: 1));

        Assert.Equal(4.5, result.Edss.Value);
        Assert.Equal(EdssDecidedBy.FunctionalSystems, result.DecidedBy);
    }

    [Fact]
    public void Ambulation_decides_when_its_step_is_higher()
    {
        // FS: pyramidal 3 → 3.0; ambulation 4 (walks 100–200 m) → 5.5.
        var result = EdssCalculator.Calculate(Fs(pyramidal: 3, ambulation: 4));

        Assert.Equal(5.5, result.Edss.Value);
        Assert.Equal(EdssDecidedBy.Ambulation, result.DecidedBy);
        Assert.Equal("ambulation: ambulation 4 → 5.5", result.DecidingRule);
    }

    [Fact]
    public void Equal_steps_are_decided_by_both()
    {
        // FS: pyramidal 4 + sensory 2 → 4.5; ambulation 2 → 4.5.
        var result = EdssCalculator.Calculate(Fs(pyramidal: 4, sensory: 2, ambulation: 2));

        Assert.Equal(4.5, result.Edss.Value);
        Assert.Equal(EdssDecidedBy.Both, result.DecidedBy);
        Assert.Equal("FS and ambulation: n4=1,n3=0,n2>=1 → 4.5; ambulation 2 → 4.5", result.DecidingRule);
    }
}

/// <summary>Conversions of visual and bowel-bladder (for the EDSS step only) and cerebral 1.</summary>
public sealed class EdssConversionTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    public void Visual_is_converted(int raw, int grade)
    {
        Assert.Equal(grade, EdssCalculator.ConvertVisual(raw));
        Assert.Equal(grade, EdssCalculator.Calculate(Fs(visual: raw)).ConvertedScores.Visual);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(5, 4)]
    [InlineData(6, 5)]
    public void Bowel_bladder_is_converted(int raw, int grade)
    {
        Assert.Equal(grade, EdssCalculator.ConvertBowelBladder(raw));
        Assert.Equal(grade, EdssCalculator.Calculate(Fs(bowelBladder: raw)).ConvertedScores.BowelBladder);
    }

    [Fact]
    public void Visual_3_alone_counts_as_grade_2_and_gives_2_0_not_3_0() =>
        Assert.Equal(2.0, EdssOf(Fs(visual: 3)));

    [Fact]
    public void Visual_6_alone_counts_as_grade_4_and_gives_4_0_not_5_0() =>
        Assert.Equal(4.0, EdssOf(Fs(visual: 6)));

    [Fact]
    public void Bowel_bladder_4_alone_counts_as_grade_3_and_gives_3_0() =>
        Assert.Equal(3.0, EdssOf(Fs(bowelBladder: 4)));

    [Fact]
    public void Bowel_bladder_5_alone_counts_as_grade_4_and_gives_4_0() =>
        Assert.Equal(4.0, EdssOf(Fs(bowelBladder: 5)));

    [Fact]
    public void Raw_scores_are_kept_beside_the_converted_grades()
    {
        var result = EdssCalculator.Calculate(Fs(visual: 5, bowelBladder: 4));

        Assert.Equal(5, result.Scores.Visual);
        Assert.Equal(3, result.ConvertedScores.Visual);
        Assert.Equal(4, result.Scores.BowelBladder);
        Assert.Equal(3, result.ConvertedScores.BowelBladder);
    }
}

/// <summary>Combinations where published calculators differ: clinical.md names the choice; each test states it.</summary>
public sealed class EdssContestedCombinationTests
{
    [Fact]
    public void One_FS_4_with_an_FS_2_is_4_5_not_4_0() =>
        Assert.Equal(4.5, EdssOf(Fs(pyramidal: 4, sensory: 2)));

    [Fact]
    public void One_FS_4_with_only_grade_1_systems_is_4_0() =>
        Assert.Equal(4.0, EdssOf(Fs(pyramidal: 4, sensory: 1, cerebellar: 1)));

    [Fact]
    public void Two_FS_4_are_5_0() =>
        Assert.Equal(5.0, EdssOf(Fs(pyramidal: 4, cerebellar: 4)));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Two_FS_4_are_5_0_even_with_ambulation_1_or_2(int ambulation)
    {
        // Ambulation 1 → 2.0 and 2 → 4.5 would suggest a walking patient below 5.0; the FS table's 5.0 stands.
        var result = EdssCalculator.Calculate(Fs(pyramidal: 4, cerebellar: 4, ambulation: ambulation));

        Assert.Equal(5.0, result.Edss.Value);
        Assert.Equal(EdssDecidedBy.FunctionalSystems, result.DecidedBy);
    }

    [Fact]
    public void Cerebral_1_alone_is_EDSS_0()
    {
        var result = EdssCalculator.Calculate(Fs(cerebral: 1));

        Assert.Equal(0, result.Edss.Value);
        Assert.Equal(0, result.ConvertedScores.Cerebral);
        Assert.Equal(0, result.Counts.N1);
    }

    [Fact]
    public void Cerebral_1_with_one_other_grade_1_is_1_0_not_1_5() =>
        Assert.Equal(1.0, EdssOf(Fs(cerebral: 1, sensory: 1)));

    [Fact]
    public void Cerebral_2_counts_as_grade_2() =>
        Assert.Equal(2.0, EdssOf(Fs(cerebral: 2)));
}

/// <summary>Whole assessments as a neurologist records them (rows computed by hand from the tables).</summary>
public sealed class EdssVignetteTests
{
    [Fact]
    public void Mild_sensory_and_pyramidal_signs_walking_normally_is_2_0()
    {
        // sensory 2 (n2 = 1), pyramidal 1 (n1 = 1) → n3 = 0, n2 = 1 → 2.0; ambulation 0.
        Assert.Equal(2.0, EdssOf(Fs(sensory: 2, pyramidal: 1)));
    }

    [Fact]
    public void Moderate_pyramidal_and_cerebellar_deficit_walking_over_500_metres_is_3_5()
    {
        // pyramidal 3 (n3 = 1), cerebellar 2, sensory 2 (n2 = 2), bowel-bladder 1 → n3 = 1, n2 = 1–2 → 3.5;
        // ambulation 1 (not unrestricted, ≥ 500 m) → 2.0; max 3.5.
        Assert.Equal(3.5, EdssOf(Fs(pyramidal: 3, cerebellar: 2, sensory: 2, bowelBladder: 1, ambulation: 1)));
    }

    [Fact]
    public void Optic_neuritis_with_visual_5_and_no_other_deficit_is_3_0()
    {
        // visual 5 → grade 3, alone → n3 = 1, n2 = 0 → 3.0.
        Assert.Equal(3.0, EdssOf(Fs(visual: 5)));
    }

    [Fact]
    public void Walking_with_a_cane_for_100_metres_is_6_0_whatever_the_functional_systems()
    {
        // ambulation 5 (unilateral assistance) → 6.0 above an FS step of pyramidal 3 + cerebellar 3 → n3 = 2, n2 = 0 → 3.5.
        Assert.Equal(6.0, EdssOf(Fs(pyramidal: 3, cerebellar: 3, ambulation: 5)));
    }

    [Fact]
    public void Wheelchair_bound_transferring_alone_is_7_0()
    {
        // ambulation 10 → 7.0; FS pyramidal 4, cerebellar 3, bowel-bladder 3 → n4=1, n3=2 → 4.5.
        Assert.Equal(7.0, EdssOf(Fs(pyramidal: 4, cerebellar: 3, bowelBladder: 3, ambulation: 10)));
    }

    [Fact]
    public void Explanation_names_both_steps_and_the_result()
    {
        var result = EdssCalculator.Calculate(Fs(pyramidal: 4, sensory: 2, ambulation: 1));

        Assert.Equal(
            "EDSS 4.5: the functional systems give 4.5 (one system at grade 4 and at least one at grade 2) and the ambulation score 1 gives 2.0; the functional systems decide.",
            result.Explanation);
    }

    [Fact]
    public void Same_scores_give_equal_results() =>
        Assert.Equal(EdssCalculator.Calculate(Fs(pyramidal: 3, ambulation: 2)), EdssCalculator.Calculate(Fs(pyramidal: 3, ambulation: 2)));
}
