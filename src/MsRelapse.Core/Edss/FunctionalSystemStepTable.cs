using System.Collections.Immutable;

namespace MsRelapse.Core.Edss;

/// <summary>
/// One row of the functional-system step table (clinical.md "EDSS", E-KURTZKE-1983): when the counts nK of systems at
/// each converted grade K lie within the row's bounds, the FS step is <see cref="Step"/>.
/// </summary>
public sealed class FunctionalSystemStepRow
{
    private readonly (int Min, int Max) _n5OrMore, _n4, _n3, _n2, _n1;

    internal FunctionalSystemStepRow(
        double step, string condition, string meaning, string? choice,
        (int Min, int Max) n5OrMore, (int Min, int Max) n4, (int Min, int Max) n3, (int Min, int Max) n2, (int Min, int Max) n1)
    {
        Step = step;
        Condition = condition;
        Meaning = meaning;
        Choice = choice;
        (_n5OrMore, _n4, _n3, _n2, _n1) = (n5OrMore, n4, n3, n2, n1);
    }

    /// <summary>The FS step the row gives (0–5.0).</summary>
    public double Step { get; }

    /// <summary>The row's condition on the counts, as <see cref="EdssResult.FunctionalSystemRule"/> prints it, e.g. "n4=1,n3=0,n2>=1".</summary>
    public string Condition { get; }

    /// <summary>The condition in words, as <see cref="EdssResult.Explanation"/> prints it.</summary>
    public string Meaning { get; }

    /// <summary>Where published calculators differ on this row: the knowledge base's choice (clinical.md), else null.</summary>
    public string? Choice { get; }

    /// <summary>True when the counts lie within the row's bounds. Exactly one row of the table applies to any counts.</summary>
    public bool AppliesTo(FunctionalSystemGradeCounts counts) =>
        In(counts.N5OrMore, _n5OrMore) && In(counts.N4, _n4) && In(counts.N3, _n3) && In(counts.N2, _n2) && In(counts.N1, _n1);

    private static bool In(int count, (int Min, int Max) bounds) => count >= bounds.Min && count <= bounds.Max;
}

/// <summary>
/// The functional-system step table of clinical.md ("EDSS"), as data: the rows <see cref="EdssCalculator"/> computes
/// with, in the order of clinical.md, read by the pathway book so that the table approved is the table run.
/// </summary>
public static class FunctionalSystemStepTable
{
    // Bounds on a count nK (at most 7: there are seven Kurtzke systems).
    private static readonly (int, int) Any = (0, int.MaxValue);
    private static readonly (int, int) None = (0, 0);

    private static (int, int) Is(int count) => (count, count);

    private static (int, int) AtLeast(int count) => (count, int.MaxValue);

    private static (int, int) Between(int min, int max) => (min, max);

    /// <summary>
    /// Every row, in the order of clinical.md. Each row states all five counts (n≥5, n4, n3, n2, n1), so the rows do not
    /// depend on their order: exactly one applies to any set of scores.
    /// </summary>
    public static ImmutableArray<FunctionalSystemStepRow> Rows { get; } =
    [
        //                                                                               n≥5         n4          n3             n2             n1
        Row(5.0, "any FS>=5", "a system at grade 5 or more",                              AtLeast(1), Any,        Any,           Any,           Any),
        Row(5.0, "n4>=2", "two or more systems at grade 4",                               None,       AtLeast(2), Any,           Any,           Any,
            choice: "two grade-4 systems are 5.0 whatever the ambulation score (published calculators differ when ambulation is 1–2)"),
        Row(5.0, "n4=1,n3>=3", "one system at grade 4 and three or more at grade 3",      None,       Is(1),      AtLeast(3),    Any,           Any),
        Row(4.5, "n4=1,n3=1-2", "one system at grade 4 and one or two at grade 3",        None,       Is(1),      Between(1, 2), Any,           Any),
        Row(4.5, "n4=1,n3=0,n2>=1", "one system at grade 4 and at least one at grade 2",  None,       Is(1),      None,          AtLeast(1),    Any,
            choice: "one grade 4 with any grade 2 is 4.5 (some calculators say 4.0)"),
        Row(4.0, "n4=1,n3=0,n2=0", "one system at grade 4, the others at most grade 1",   None,       Is(1),      None,          None,          Any),
        Row(5.0, "n4=0,n3>=6", "six or more systems at grade 3",                          None,       None,       AtLeast(6),    Any,           Any),
        Row(4.5, "n4=0,n3=5", "five systems at grade 3",                                  None,       None,       Is(5),         Any,           Any),
        Row(4.0, "n4=0,n3=3-4", "three or four systems at grade 3",                       None,       None,       Between(3, 4), Any,           Any),
        Row(4.0, "n4=0,n3=2,n2>=1", "two systems at grade 3 and at least one at grade 2", None,       None,       Is(2),         AtLeast(1),    Any),
        Row(3.5, "n4=0,n3=2,n2=0", "two systems at grade 3, none at grade 2",             None,       None,       Is(2),         None,          Any),
        Row(4.0, "n4=0,n3=1,n2>=3", "one system at grade 3 and three or more at grade 2", None,       None,       Is(1),         AtLeast(3),    Any),
        Row(3.5, "n4=0,n3=1,n2=1-2", "one system at grade 3 and one or two at grade 2",   None,       None,       Is(1),         Between(1, 2), Any),
        Row(3.0, "n4=0,n3=1,n2=0", "one system at grade 3, none at grade 2",              None,       None,       Is(1),         None,          Any),
        Row(4.0, "n3=0,n2>=6", "six or more systems at grade 2",                          None,       None,       None,          AtLeast(6),    Any),
        Row(3.5, "n3=0,n2=5", "five systems at grade 2",                                  None,       None,       None,          Is(5),         Any),
        Row(3.0, "n3=0,n2=3-4", "three or four systems at grade 2",                       None,       None,       None,          Between(3, 4), Any),
        Row(2.5, "n3=0,n2=2", "two systems at grade 2",                                   None,       None,       None,          Is(2),         Any),
        Row(2.0, "n3=0,n2=1", "one system at grade 2",                                    None,       None,       None,          Is(1),         Any),
        Row(1.5, "n2=0,n1>=2", "two or more systems at grade 1",                          None,       None,       None,          None,          AtLeast(2)),
        Row(1.0, "n2=0,n1=1", "one system at grade 1",                                    None,       None,       None,          None,          Is(1)),
        // Cerebral 1 has already been counted as 0 (ConvertCerebral): mild mood change alone is EDSS 0 (E-KURTZKE-1983).
        Row(0, "n1=0", "all systems normal (cerebral 1 counts as normal)",                None,       None,       None,          None,          None),
    ];

    /// <summary>The row that applies to the counts (exactly one does).</summary>
    internal static FunctionalSystemStepRow RowFor(FunctionalSystemGradeCounts counts)
    {
        foreach (var row in Rows)
        {
            if (row.AppliesTo(counts))
            {
                return row;
            }
        }

        throw new InvalidOperationException($"No FS step row applies to {counts}: the table has a gap.");
    }

    private static FunctionalSystemStepRow Row(
        double step, string condition, string meaning, (int, int) n5OrMore, (int, int) n4, (int, int) n3, (int, int) n2, (int, int) n1, string? choice = null) =>
        new(step, condition, meaning, choice, n5OrMore, n4, n3, n2, n1);
}
