using System.Globalization;

namespace MsRelapse.Core.Contract;

/// <summary>
/// How the plan's numbers read, the same on every surface — the CLI's human output, the text the API writes (CDS
/// Hooks card details) and the clinician page (its <c>planNum</c> in <c>wwwroot/dom.js</c> follows these rules):
/// thousands grouped with ',', '.' for decimals, at most the given decimals with trailing zeros dropped, midpoints
/// away from zero. Volumes in whole mL, albumin to 0.1 g, doses to 0.01 mg (and mg/kg). The JSON contract keeps its
/// numbers as numbers (rounded by <see cref="Apheresis.PlanRounding"/>); this is only how they are written as words.
/// </summary>
public static class PlanNumbers
{
    /// <summary>A number with at most <paramref name="maxDecimals"/> decimals, e.g. 3035 → "3,035", 151.7 → "151.7", 150 → "150".</summary>
    public static string Number(double value, int maxDecimals = 0)
    {
        var rounded = Math.Round(value, maxDecimals, MidpointRounding.AwayFromZero);
        return rounded.ToString(maxDecimals == 0 ? "#,0" : "#,0." + new string('#', maxDecimals), CultureInfo.InvariantCulture);
    }

    /// <summary>A volume: "3,035 mL".</summary>
    public static string Millilitres(double ml) => Number(ml, 0) + " mL";

    /// <summary>Albumin: "151.7 g".</summary>
    public static string Grams(double g) => Number(g, 1) + " g";

    /// <summary>A dose: "1,000 mg".</summary>
    public static string Milligrams(double mg) => Number(mg, 2) + " mg";

    /// <summary>A weight-based dose: "30 mg/kg".</summary>
    public static string MilligramsPerKilogram(double mgPerKg) => Number(mgPerKg, 2) + " mg/kg";
}
