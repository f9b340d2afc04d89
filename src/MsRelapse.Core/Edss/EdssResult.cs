namespace MsRelapse.Core.Edss;

/// <summary>Which part of the EDSS rule decided the score (EDSS = max(FS step, ambulation step)).</summary>
public enum EdssDecidedBy
{
    /// <summary>The functional-system step is higher (or ambulation is 0, which sets no step).</summary>
    FunctionalSystems,

    /// <summary>The ambulation step is higher.</summary>
    Ambulation,

    /// <summary>Both give the same step.</summary>
    Both,
}

/// <summary>
/// The seven Kurtzke systems on the grade scale that the FS step table counts: visual and bowel-bladder
/// converted, and cerebral 1 counted as 0 (E-KURTZKE-1983: mild mood change alone is compatible with EDSS 0).
/// </summary>
public readonly record struct ConvertedFunctionalSystems(int Visual, int Brainstem, int Pyramidal, int Cerebellar, int Sensory, int BowelBladder, int Cerebral)
{
    /// <summary>The counted grade of one Kurtzke system.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Ambulation (not a Kurtzke system).</exception>
    public int this[FunctionalSystem system] => system switch
    {
        FunctionalSystem.Visual => Visual,
        FunctionalSystem.Brainstem => Brainstem,
        FunctionalSystem.Pyramidal => Pyramidal,
        FunctionalSystem.Cerebellar => Cerebellar,
        FunctionalSystem.Sensory => Sensory,
        FunctionalSystem.BowelBladder => BowelBladder,
        FunctionalSystem.Cerebral => Cerebral,
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "ambulation has no converted grade"),
    };
}

/// <summary>The counts nK of systems at each converted grade K (grades 5 and 6 counted together).</summary>
public readonly record struct FunctionalSystemGradeCounts(int N1, int N2, int N3, int N4, int N5OrMore);

/// <summary>An EDSS computed from functional systems and ambulation, with how it was decided.</summary>
/// <param name="Edss">The EDSS: max(FS step, ambulation step).</param>
/// <param name="FunctionalSystemStep">The step from the functional-system table.</param>
/// <param name="AmbulationStep">The step from the ambulation score; null for ambulation 0 (sets no step).</param>
/// <param name="Scores">The raw scores the result was computed from.</param>
/// <param name="ConvertedScores">The grades counted by the FS table.</param>
/// <param name="Counts">The nK counts.</param>
/// <param name="DecidedBy">Whether the FS table, the ambulation score, or both decided.</param>
/// <param name="FunctionalSystemRule">The FS table row that applied, e.g. "n4=1,n3=0,n2>=1 → 4.5".</param>
/// <param name="AmbulationRule">The ambulation row, e.g. "ambulation 2 → 4.5"; null for ambulation 0.</param>
/// <param name="DecidingRule">The row that decided, prefixed by its table, e.g. "FS: n4=1,n3=0,n2>=1 → 4.5".</param>
/// <param name="Explanation">One human sentence.</param>
public sealed record EdssResult(
    EdssScore Edss,
    double FunctionalSystemStep,
    double? AmbulationStep,
    FunctionalSystemScores Scores,
    ConvertedFunctionalSystems ConvertedScores,
    FunctionalSystemGradeCounts Counts,
    EdssDecidedBy DecidedBy,
    string FunctionalSystemRule,
    string? AmbulationRule,
    string DecidingRule,
    string Explanation);
