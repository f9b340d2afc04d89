using System.Globalization;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Edss;

/// <summary>
/// A complete, valid set of raw Kurtzke functional-system scores (visual and bowel-bladder unconverted) and the
/// Neurostatus ambulation score. Validated on construction (R0): an invalid set cannot exist.
/// </summary>
public sealed record FunctionalSystemScores
{
    /// <summary>Creates the set; every score must be an integer within its range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A score outside its range; the message names the system and the range.</exception>
    public FunctionalSystemScores(int visual, int brainstem, int pyramidal, int cerebellar, int sensory, int bowelBladder, int cerebral, int ambulation)
    {
        Visual = Checked(FunctionalSystem.Visual, visual, nameof(visual));
        Brainstem = Checked(FunctionalSystem.Brainstem, brainstem, nameof(brainstem));
        Pyramidal = Checked(FunctionalSystem.Pyramidal, pyramidal, nameof(pyramidal));
        Cerebellar = Checked(FunctionalSystem.Cerebellar, cerebellar, nameof(cerebellar));
        Sensory = Checked(FunctionalSystem.Sensory, sensory, nameof(sensory));
        BowelBladder = Checked(FunctionalSystem.BowelBladder, bowelBladder, nameof(bowelBladder));
        Cerebral = Checked(FunctionalSystem.Cerebral, cerebral, nameof(cerebral));
        Ambulation = Checked(FunctionalSystem.Ambulation, ambulation, nameof(ambulation));
    }

    /// <summary>Visual FS, raw 0–6.</summary>
    public int Visual { get; }

    /// <summary>Brainstem FS, 0–5.</summary>
    public int Brainstem { get; }

    /// <summary>Pyramidal FS, 0–6.</summary>
    public int Pyramidal { get; }

    /// <summary>Cerebellar FS, 0–5.</summary>
    public int Cerebellar { get; }

    /// <summary>Sensory FS, 0–6.</summary>
    public int Sensory { get; }

    /// <summary>Bowel-bladder FS, raw 0–6.</summary>
    public int BowelBladder { get; }

    /// <summary>Cerebral FS, 0–5.</summary>
    public int Cerebral { get; }

    /// <summary>Neurostatus ambulation score, 0–16.</summary>
    public int Ambulation { get; }

    /// <summary>The raw score of one system.</summary>
    public int this[FunctionalSystem system] => system switch
    {
        FunctionalSystem.Visual => Visual,
        FunctionalSystem.Brainstem => Brainstem,
        FunctionalSystem.Pyramidal => Pyramidal,
        FunctionalSystem.Cerebellar => Cerebellar,
        FunctionalSystem.Sensory => Sensory,
        FunctionalSystem.BowelBladder => BowelBladder,
        FunctionalSystem.Cerebral => Cerebral,
        FunctionalSystem.Ambulation => Ambulation,
        _ => throw new ArgumentOutOfRangeException(nameof(system), system, "unknown functional system"),
    };

    /// <summary>
    /// R0 for recorded scores: every system must be present, an integer, and within its range. Each error names
    /// the system, the value and its range, e.g. "pyramidal FS 7 is outside 0–6", "sensory FS is missing".
    /// </summary>
    /// <param name="raw">The scores as recorded.</param>
    /// <param name="scores">The valid set, or null.</param>
    /// <param name="errors">Every problem found, in form order (empty when valid).</param>
    /// <returns>True when the set is complete and valid.</returns>
    public static bool TryCreate(RawFunctionalSystems raw, out FunctionalSystemScores? scores, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(raw);
        // The engine checks every assessment of a record this way (EdssTimeline): a valid set allocates only the result.
        ReadOnlySpan<double?> values = [raw.Visual, raw.Brainstem, raw.Pyramidal, raw.Cerebellar, raw.Sensory, raw.BowelBladder, raw.Cerebral, raw.Ambulation];
        List<string>? problems = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (Problem(FunctionalSystemInfo.All[i], values[i]) is { } problem)
            {
                (problems ??= []).Add(problem);
            }
        }

        if (problems is not null)
        {
            errors = problems;
            scores = null;
            return false;
        }

        errors = [];
        scores = new FunctionalSystemScores(
            (int)values[0]!.Value, (int)values[1]!.Value, (int)values[2]!.Value, (int)values[3]!.Value,
            (int)values[4]!.Value, (int)values[5]!.Value, (int)values[6]!.Value, (int)values[7]!.Value);
        return true;
    }

    /// <summary>
    /// Why a recorded score is not valid for <paramref name="system"/>, or null when it is. <paramref name="label"/>
    /// names the field in the message (default: "pyramidal FS", "ambulation score"; the CLI passes "--pyramidal").
    /// </summary>
    public static string? Problem(FunctionalSystem system, double? value, string? label = null)
    {
        // The label and the value are written out only for a problem: valid scores, the common case, cost no string.
        if (value is not { } v)
        {
            return $"{label ?? system.Label()} is missing (expected an integer {system.RangeText()})";
        }

        if (!double.IsFinite(v) || v != Math.Floor(v))
        {
            return $"{label ?? system.Label()} {Quantity.Show(v)} is not an integer (expected {system.RangeText()})";
        }

        if (v < 0 || v > system.MaximumScore())
        {
            return $"{label ?? system.Label()} {Quantity.Show(v)} is outside {system.RangeText()}";
        }

        return null;
    }

    /// <summary>Invariant summary, e.g. "visual 1, brainstem 0, …, ambulation 2".</summary>
    public override string ToString() =>
        string.Join(", ", FunctionalSystemInfo.All.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.KebabName()} {this[s]}")));

    private static int Checked(FunctionalSystem system, int value, string parameter) =>
        Problem(system, value) is { } problem ? throw new ArgumentOutOfRangeException(parameter, value, problem) : value;
}
