using System.Globalization;
using MsRelapse.Core.Apheresis;

namespace MsRelapse.Core.Edss;

/// <summary>
/// An Expanded Disability Status Scale score (E-KURTZKE-1983): 0–10 in half steps, never 0.5 (0.5 is not a
/// Kurtzke step: the scale goes 0, 1.0, 1.5, …, 9.5, 10).
/// </summary>
/// <remarks>The default value is EDSS 0, which is valid.</remarks>
public readonly record struct EdssScore : IComparable<EdssScore>
{
    private EdssScore(double value) => Value = value;

    /// <summary>The score, 0–10 in half steps.</summary>
    public double Value { get; }

    /// <summary>
    /// R0 for a recorded EDSS total: refuses a value outside 0–10, not a multiple of 0.5, or exactly 0.5 (not a
    /// Kurtzke step), with a message that names the value and the expected range.
    /// </summary>
    /// <param name="value">The total as recorded.</param>
    /// <param name="score">The score when valid, else EDSS 0.</param>
    /// <param name="error">Why the value was refused, else null.</param>
    /// <returns>True when the value is a valid EDSS step.</returns>
    public static bool TryFromRecorded(double value, out EdssScore score, out string? error)
    {
        error = Problem(value);
        score = error is null ? new EdssScore(value) : default;
        return error is null;
    }

    /// <summary>A computed step (the calculator's own output). Throws when <paramref name="step"/> is not a Kurtzke step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–10, not a half step, or 0.5.</exception>
    public static EdssScore FromStep(double step)
    {
        var problem = Problem(step);
        return problem is null ? new EdssScore(step) : throw new ArgumentOutOfRangeException(nameof(step), step, problem);
    }

    /// <summary>Why <paramref name="value"/> is not an EDSS step, or null when it is.</summary>
    public static string? Problem(double value)
    {
        // The value is written out only for a problem (the engine checks every recorded total of a record).
        if (!double.IsFinite(value) || value < 0 || value > 10)
        {
            return $"EDSS {Quantity.Show(value)} is outside 0–10";
        }

        if (value * 2 != Math.Floor(value * 2))
        {
            return $"EDSS {Quantity.Show(value)} is not a multiple of 0.5 (EDSS steps are 0, 1.0, 1.5, …, 10)";
        }

        if (value == 0.5)
        {
            return "EDSS 0.5 is not a Kurtzke step (the scale goes 0, 1.0, 1.5, …, 10)";
        }

        return null;
    }

    /// <inheritdoc />
    public int CompareTo(EdssScore other) => Value.CompareTo(other.Value);

    /// <summary>Invariant form with one decimal, e.g. "4.5", "10.0".</summary>
    public override string ToString() => Value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="left"/> sorts before <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator <(EdssScore left, EdssScore right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> sorts after <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator >(EdssScore left, EdssScore right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> does not sort after <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator <=(EdssScore left, EdssScore right) => left.CompareTo(right) <= 0;

    /// <summary>True when <paramref name="left"/> does not sort before <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator >=(EdssScore left, EdssScore right) => left.CompareTo(right) >= 0;
}
