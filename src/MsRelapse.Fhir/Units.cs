using System.Collections.Frozen;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// Conversion of observation values to the canonical unit of each <see cref="MeasurementKind"/>
/// (clinical.md, Conventions: calcium mmol/L × 4.008 → mg/dL, fibrinogen and IgG g/L × 100 → mg/dL, °F → °C,
/// hematocrit fraction × 100 → %). Units are UCUM codes; the common free-text spellings EHRs put in
/// <c>Quantity.unit</c> (mmHg, °C, lb) are accepted too. Matching ignores case (no two units here differ by
/// case alone).
/// </summary>
internal static class Units
{
    private const double PoundKg = 0.45359237; // exact by definition
    private const double InchCm = 2.54; // exact by definition
    private const double CalciumMgPerDlPerMmolPerL = 4.008; // molar mass of calcium 40.08 g/mol ÷ 10 (clinical.md)

    private static readonly FrozenDictionary<MeasurementKind, FrozenDictionary<string, Func<double, double>>> Table =
        new Dictionary<MeasurementKind, FrozenDictionary<string, Func<double, double>>>
        {
            [MeasurementKind.WeightKg] = Of(("kg", x => x), ("g", x => x / 1000), ("[lb_av]", x => x * PoundKg), ("lb", x => x * PoundKg), ("lbs", x => x * PoundKg)),
            [MeasurementKind.HeightCm] = Of(("cm", x => x), ("m", x => x * 100), ("mm", x => x / 10), ("[in_i]", x => x * InchCm), ("in", x => x * InchCm)),
            // A fraction (UCUM 1 or L/L) is × 100; a value ≤ 1 written in % stays as it is, for R0 to name.
            [MeasurementKind.HematocritPercent] = Of(("%", x => x), ("1", x => x * 100), ("L/L", x => x * 100)),
            [MeasurementKind.TemperatureCelsius] = Of(("Cel", x => x), ("°C", x => x), ("degC", x => x), ("C", x => x),
                ("[degF]", F), ("°F", F), ("degF", F), ("F", F)),
            [MeasurementKind.SystolicMmHg] = Of(("mm[Hg]", x => x), ("mmHg", x => x), ("mm Hg", x => x)),
            [MeasurementKind.CalciumMgPerDl] = Of(("mg/dL", x => x), ("mmol/L", x => x * CalciumMgPerDlPerMmolPerL)),
            [MeasurementKind.FibrinogenMgPerDl] = Of(("mg/dL", x => x), ("g/L", x => x * 100)),
            [MeasurementKind.IgGMgPerDl] = Of(("mg/dL", x => x), ("g/L", x => x * 100)),
            [MeasurementKind.HbA1cPercent] = Of(("%", x => x)),
        }.ToFrozenDictionary();

    private static double F(double fahrenheit) => (fahrenheit - 32) * 5 / 9;

    private static FrozenDictionary<string, Func<double, double>> Of(params (string Unit, Func<double, double> Convert)[] units) =>
        units.ToFrozenDictionary(u => u.Unit, u => u.Convert, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The spellings of "no unit" for a score (EDSS, FS, ambulation; clinical.md R0): UCUM unity <c>1</c>, the
    /// annotations <c>{score}</c>/<c>{points}</c>, and the unit texts EHRs write. Any other unit is not a score's.
    /// </summary>
    private static readonly FrozenSet<string> ScoreUnits = new[]
    {
        "1", "{score}", "{scores}", "{point}", "{points}", "score", "scores", "point", "points",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="unit"/> is absent or one of the spellings of a score's unit (unitless).</summary>
    public static bool IsScoreUnit(string? unit) => string.IsNullOrWhiteSpace(unit) || ScoreUnits.Contains(unit.Trim());

    /// <summary>The units accepted for a kind, for messages.</summary>
    public static IEnumerable<string> Accepted(MeasurementKind kind) => Table[kind].Keys.Order(StringComparer.Ordinal);

    /// <summary>The unit of a Quantity: <c>Quantity.code</c> when its system is UCUM, else <c>Quantity.unit</c> (clinical.md R0).</summary>
    public static string? UnitOf(IQuantityView quantity) =>
        quantity.System == CodeSystems.Ucum ? quantity.Code ?? quantity.Unit : quantity.Unit ?? quantity.Code;

    /// <summary>
    /// A steroid dose in mg: mg as it is, g × 1000; no unit is read as mg and said so (R0: the rationale names it);
    /// any other unit gives no dose and the reason.
    /// </summary>
    public static (double? DoseMg, bool Assumed, string? Problem) DoseMg(double value, string? unit) =>
        unit?.Trim().ToLowerInvariant() switch
        {
            null or "" => (value, true, null),
            "mg" or "milligram" or "milligrams" => (value, false, null),
            "g" or "gram" or "grams" => (value * 1000, false, null),
            _ => (null, false, $"dose unit '{unit}' is not mg or g"),
        };

    /// <summary>
    /// Converts <paramref name="value"/> in <paramref name="unit"/> to the kind's canonical unit. An unknown or
    /// missing unit keeps the raw value and says why: the engine decides whether it matters (R0 judges only
    /// values inside their recency window).
    /// </summary>
    public static (double Value, string? Problem) ToCanonical(MeasurementKind kind, double value, string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return (value, $"no unit (expected one of {string.Join(", ", Accepted(kind))})");
        }

        if (!Table[kind].TryGetValue(unit.Trim(), out var convert))
        {
            return (value, $"unknown unit '{unit}' (expected one of {string.Join(", ", Accepted(kind))})");
        }

        // Rounded to 6 decimals so that exact definitions stay exact (100.4 °F is 38.0 °C, not 37.99999…).
        return (Math.Round(convert(value), 6, MidpointRounding.AwayFromZero), null);
    }
}
