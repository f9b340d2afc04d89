namespace MsRelapse.Core.Edss;

/// <summary>The seven Kurtzke functional systems and the Neurostatus ambulation score (E-KURTZKE-1983).</summary>
public enum FunctionalSystem
{
    /// <summary>Visual (optic), raw 0–6.</summary>
    Visual,

    /// <summary>Brainstem, 0–5.</summary>
    Brainstem,

    /// <summary>Pyramidal, 0–6.</summary>
    Pyramidal,

    /// <summary>Cerebellar, 0–5.</summary>
    Cerebellar,

    /// <summary>Sensory, 0–6.</summary>
    Sensory,

    /// <summary>Bowel and bladder, raw 0–6.</summary>
    BowelBladder,

    /// <summary>Cerebral (mental), 0–5.</summary>
    Cerebral,

    /// <summary>The Neurostatus ambulation score, 0–16 (not a Kurtzke FS, but scored beside them).</summary>
    Ambulation,
}

/// <summary>Ranges and names of the <see cref="FunctionalSystem"/>s.</summary>
public static class FunctionalSystemInfo
{
    /// <summary>All eight, in the order of the EDSS form (the seven systems, then ambulation).</summary>
    public static IReadOnlyList<FunctionalSystem> All { get; } =
    [
        FunctionalSystem.Visual, FunctionalSystem.Brainstem, FunctionalSystem.Pyramidal, FunctionalSystem.Cerebellar,
        FunctionalSystem.Sensory, FunctionalSystem.BowelBladder, FunctionalSystem.Cerebral, FunctionalSystem.Ambulation,
    ];

    /// <summary>The seven Kurtzke systems (without ambulation).</summary>
    public static IReadOnlyList<FunctionalSystem> KurtzkeSystems { get; } = [.. All.Take(7)];

    /// <summary>The highest raw score of the system (the lowest is always 0).</summary>
    public static int MaximumScore(this FunctionalSystem system) => system switch
    {
        FunctionalSystem.Visual => 6,
        FunctionalSystem.Brainstem => 5,
        FunctionalSystem.Pyramidal => 6,
        FunctionalSystem.Cerebellar => 5,
        FunctionalSystem.Sensory => 6,
        FunctionalSystem.BowelBladder => 6,
        FunctionalSystem.Cerebral => 5,
        FunctionalSystem.Ambulation => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "unknown functional system"),
    };

    /// <summary>The stable kebab-case name: <c>visual</c>, <c>brainstem</c>, …, <c>bowel-bladder</c>, <c>cerebral</c>, <c>ambulation</c>.</summary>
    public static string KebabName(this FunctionalSystem system) => system switch
    {
        FunctionalSystem.Visual => "visual",
        FunctionalSystem.Brainstem => "brainstem",
        FunctionalSystem.Pyramidal => "pyramidal",
        FunctionalSystem.Cerebellar => "cerebellar",
        FunctionalSystem.Sensory => "sensory",
        FunctionalSystem.BowelBladder => "bowel-bladder",
        FunctionalSystem.Cerebral => "cerebral",
        FunctionalSystem.Ambulation => "ambulation",
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "unknown functional system"),
    };

    /// <summary>The camelCase name used in JSON: <c>bowelBladder</c> for bowel-bladder, else as <see cref="KebabName"/>.</summary>
    public static string CamelName(this FunctionalSystem system) =>
        system == FunctionalSystem.BowelBladder ? "bowelBladder" : system.KebabName();

    /// <summary>How the system is named in messages: "pyramidal FS", "ambulation score".</summary>
    public static string Label(this FunctionalSystem system) =>
        system == FunctionalSystem.Ambulation ? "ambulation score" : $"{system.KebabName()} FS";

    /// <summary>The range as written in messages, e.g. "0–6".</summary>
    public static string RangeText(this FunctionalSystem system) => $"0–{system.MaximumScore()}";
}
