using System.Globalization;

namespace MsRelapse.Core.Apheresis;

/// <summary>Body weight in kg, 2–400 (R0). The default value (0) is not valid; construct through the members below.</summary>
public readonly record struct BodyWeightKg
{
    /// <summary>Lowest accepted weight, kg.</summary>
    public const double Minimum = 2;

    /// <summary>Highest accepted weight, kg.</summary>
    public const double Maximum = 400;

    /// <summary>Creates a weight.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 2–400 kg.</exception>
    public BodyWeightKg(double value) =>
        Value = Problem(value) is { } problem ? throw new ArgumentOutOfRangeException(nameof(value), value, problem) : value;

    /// <summary>The weight, kg.</summary>
    public double Value { get; }

    /// <summary>Creates a weight, or says why not.</summary>
    public static bool TryCreate(double value, out BodyWeightKg weight, out string? error)
    {
        error = Problem(value);
        weight = error is null ? new BodyWeightKg(value) : default;
        return error is null;
    }

    /// <summary>Why <paramref name="value"/> is not a valid weight, or null; <paramref name="label"/> names the field.</summary>
    public static string? Problem(double value, string label = "weight") =>
        double.IsFinite(value) && value >= Minimum && value <= Maximum
            ? null
            : $"{label} {Quantity.Show(value)} kg is outside 2–400 kg";

    /// <inheritdoc />
    public override string ToString() => $"{Quantity.Show(Value)} kg";
}

/// <summary>Body height in cm, 40–250 (R0). The default value (0) is not valid; construct through the members below.</summary>
public readonly record struct BodyHeightCm
{
    /// <summary>Lowest accepted height, cm.</summary>
    public const double Minimum = 40;

    /// <summary>Highest accepted height, cm.</summary>
    public const double Maximum = 250;

    /// <summary>Creates a height.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 40–250 cm.</exception>
    public BodyHeightCm(double value) =>
        Value = Problem(value) is { } problem ? throw new ArgumentOutOfRangeException(nameof(value), value, problem) : value;

    /// <summary>The height, cm.</summary>
    public double Value { get; }

    /// <summary>The height in metres (Nadler's formula takes metres).</summary>
    public double Metres => Value / 100;

    /// <summary>Creates a height, or says why not.</summary>
    public static bool TryCreate(double value, out BodyHeightCm height, out string? error)
    {
        error = Problem(value);
        height = error is null ? new BodyHeightCm(value) : default;
        return error is null;
    }

    /// <summary>Why <paramref name="value"/> is not a valid height, or null; <paramref name="label"/> names the field.</summary>
    public static string? Problem(double value, string label = "height") =>
        double.IsFinite(value) && value >= Minimum && value <= Maximum
            ? null
            : $"{label} {Quantity.Show(value)} cm is outside 40–250 cm";

    /// <inheritdoc />
    public override string ToString() => $"{Quantity.Show(Value)} cm";
}

/// <summary>
/// Hematocrit in percent, 10–70 (R0). A value ≤ 1 is refused with a hint: it looks like a fraction (0.44) where
/// percent (44) is expected. The default value (0) is not valid; construct through the members below.
/// </summary>
public readonly record struct HematocritPercent
{
    /// <summary>Lowest accepted hematocrit, %.</summary>
    public const double Minimum = 10;

    /// <summary>Highest accepted hematocrit, %.</summary>
    public const double Maximum = 70;

    /// <summary>Creates a hematocrit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 10–70 % (with the fraction hint for values ≤ 1).</exception>
    public HematocritPercent(double value) =>
        Value = Problem(value) is { } problem ? throw new ArgumentOutOfRangeException(nameof(value), value, problem) : value;

    /// <summary>The hematocrit, %.</summary>
    public double Value { get; }

    /// <summary>The hematocrit as a fraction (0.44 for 44 %).</summary>
    public double Fraction => Value / 100;

    /// <summary>Creates a hematocrit, or says why not.</summary>
    public static bool TryCreate(double value, out HematocritPercent hematocrit, out string? error)
    {
        error = Problem(value);
        hematocrit = error is null ? new HematocritPercent(value) : default;
        return error is null;
    }

    /// <summary>Why <paramref name="value"/> is not a valid hematocrit in percent, or null; <paramref name="label"/> names the field.</summary>
    public static string? Problem(double value, string label = "hematocrit")
    {
        if (double.IsFinite(value) && value > 0 && value <= 1)
        {
            // R0: a fraction given where percent is expected is the commonest unit slip; say so rather than "out of range".
            // The example converts the value given when that gives a hematocrit; else (1 would be 100 %) a typical one.
            var example = value * 100 is >= Minimum and <= Maximum ? $"{Quantity.Show(value * 100)} for {Quantity.Show(value)}" : "42 for 0.42";
            return $"{label} {Quantity.Show(value)} looks like a fraction: give it in percent (e.g. {example}); expected 10–70 %";
        }

        return double.IsFinite(value) && value >= Minimum && value <= Maximum
            ? null
            : $"{label} {Quantity.Show(value)} % is outside 10–70 %";
    }

    /// <inheritdoc />
    public override string ToString() => $"{Quantity.Show(Value)} %";
}

/// <summary>Formatting shared by the quantity messages.</summary>
internal static class Quantity
{
    /// <summary>Invariant, up to 3 decimals, no trailing zeros.</summary>
    public static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
