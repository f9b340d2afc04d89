using System.Globalization;

namespace MsRelapse.Core.Edss;

/// <summary>EDSS from the functional systems and the ambulation score (clinical.md "EDSS", E-KURTZKE-1983).</summary>
/// <remarks>
/// Published calculators differ on a few combinations; the rules of clinical.md are the knowledge base's choice:
/// one FS 4 with any FS 2 (and no FS 3) is 4.5; two FS 4 are 5.0 whatever the ambulation score; cerebral 1 alone
/// is EDSS 0. Each has a named test. The FS step rows are data (<see cref="FunctionalSystemStepTable"/>), so that the
/// pathway book publishes the table this class computes with.
/// </remarks>
public static class EdssCalculator
{
    /// <summary>Computes the EDSS = max(FS step, ambulation step).</summary>
    public static EdssResult Calculate(FunctionalSystemScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var converted = Convert(scores);
        var counts = Count(converted);
        var (fsStep, fsCondition, fsMeaning) = FunctionalSystemStep(counts);
        var fsRule = $"{fsCondition} → {Step(fsStep)}";
        var ambulationStep = AmbulationStep(scores.Ambulation);

        var decidedBy = ambulationStep switch
        {
            null => EdssDecidedBy.FunctionalSystems,
            var a when a > fsStep => EdssDecidedBy.Ambulation,
            var a when a < fsStep => EdssDecidedBy.FunctionalSystems,
            _ => EdssDecidedBy.Both,
        };
        var edss = EdssScore.FromStep(Math.Max(fsStep, ambulationStep ?? 0));
        var ambulationRule = ambulationStep is { } step ? $"ambulation {scores.Ambulation} → {Step(step)}" : null;
        var decidingRule = decidedBy switch
        {
            EdssDecidedBy.Ambulation => $"ambulation: {ambulationRule}",
            EdssDecidedBy.Both => $"FS and ambulation: {fsRule}; {ambulationRule}",
            _ => $"FS: {fsRule}",
        };

        var ambulationPart = ambulationStep is { } s
            ? $"ambulation score {scores.Ambulation} gives {Step(s)}"
            : "ambulation score 0 (fully ambulatory) sets no step";
        var verdict = decidedBy switch
        {
            EdssDecidedBy.Ambulation => "ambulation decides",
            EdssDecidedBy.Both => "both agree",
            _ => "the functional systems decide",
        };
        var explanation = $"EDSS {edss}: the functional systems give {Step(fsStep)} ({fsMeaning}) and the {ambulationPart}; {verdict}.";

        return new EdssResult(edss, fsStep, ambulationStep, scores, converted, counts, decidedBy, fsRule, ambulationRule, decidingRule, explanation);
    }

    /// <summary>
    /// The EDSS alone, without the explanation texts of <see cref="Calculate"/> (the same table, the same value): for
    /// callers such as the pathway engine that evaluate many assessments and need only the number.
    /// </summary>
    public static EdssScore Score(FunctionalSystemScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var fsStep = FunctionalSystemStep(Count(Convert(scores))).Step;
        return EdssScore.FromStep(Math.Max(fsStep, AmbulationStep(scores.Ambulation) ?? 0));
    }

    /// <summary>Visual raw 0–6 → counted grade 0,1,2,2,3,3,4 (E-KURTZKE-1983 conversion for the EDSS step).</summary>
    public static int ConvertVisual(int raw) => raw switch
    {
        0 => 0,
        1 => 1,
        2 or 3 => 2,
        4 or 5 => 3,
        6 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(raw), raw, "visual FS is outside 0–6"),
    };

    /// <summary>Bowel-bladder raw 0–6 → counted grade 0,1,2,3,3,4,5 (E-KURTZKE-1983 conversion for the EDSS step).</summary>
    public static int ConvertBowelBladder(int raw) => raw switch
    {
        0 => 0,
        1 => 1,
        2 => 2,
        3 or 4 => 3,
        5 => 4,
        6 => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(raw), raw, "bowel-bladder FS is outside 0–6"),
    };

    /// <summary>Cerebral 1 counts as 0: mild mood change alone is acceptable at EDSS 0 (E-KURTZKE-1983).</summary>
    public static int ConvertCerebral(int raw) => raw == 1 ? 0 : raw;

    /// <summary>The ambulation step (Neurostatus 0–16 coding); null for 0, which sets no step.</summary>
    public static double? AmbulationStep(int ambulation) => ambulation switch
    {
        0 => null,
        1 => 2.0,
        2 => 4.5,
        3 => 5.0,
        4 => 5.5,
        5 or 6 or 7 => 6.0,
        8 or 9 => 6.5,
        10 => 7.0,
        11 => 7.5,
        12 => 8.0,
        13 => 8.5,
        14 => 9.0,
        15 => 9.5,
        16 => 10.0,
        _ => throw new ArgumentOutOfRangeException(nameof(ambulation), ambulation, "ambulation score is outside 0–16"),
    };

    private static ConvertedFunctionalSystems Convert(FunctionalSystemScores s) => new(
        ConvertVisual(s.Visual), s.Brainstem, s.Pyramidal, s.Cerebellar, s.Sensory, ConvertBowelBladder(s.BowelBladder), ConvertCerebral(s.Cerebral));

    private static FunctionalSystemGradeCounts Count(ConvertedFunctionalSystems c)
    {
        ReadOnlySpan<int> grades = [c.Visual, c.Brainstem, c.Pyramidal, c.Cerebellar, c.Sensory, c.BowelBladder, c.Cerebral];
        int n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;
        foreach (var g in grades)
        {
            switch (g)
            {
                case 1: n1++; break;
                case 2: n2++; break;
                case 3: n3++; break;
                case 4: n4++; break;
                case >= 5: n5++; break;
            }
        }

        return new FunctionalSystemGradeCounts(n1, n2, n3, n4, n5);
    }

    /// <summary>The FS step table of clinical.md (<see cref="FunctionalSystemStepTable"/>): the step, the row's condition and its meaning.</summary>
    private static (double Step, string Condition, string Meaning) FunctionalSystemStep(FunctionalSystemGradeCounts n)
    {
        var row = FunctionalSystemStepTable.RowFor(n);
        return (row.Step, row.Condition, row.Meaning);
    }

    private static string Step(double step) => step.ToString("0.0", CultureInfo.InvariantCulture);
}
