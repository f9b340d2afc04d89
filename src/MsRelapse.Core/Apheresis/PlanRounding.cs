using System.Globalization;

namespace MsRelapse.Core.Apheresis;

/// <summary>
/// The one place where calculator output is rounded for display (JSON and the CLI): volumes to whole mL,
/// albumin to 0.1 g, fractions to 4 decimals, plasma volumes per exchange to 2 decimals; midpoints away from zero.
/// Computation always keeps full precision (vials are counted from the unrounded grams).
/// </summary>
public static class PlanRounding
{
    /// <summary>Whole millilitres.</summary>
    public static double Millilitres(double ml) => Math.Round(ml, 0, MidpointRounding.AwayFromZero);

    /// <summary>Grams to one decimal.</summary>
    public static double Grams(double g) => Math.Round(g, 1, MidpointRounding.AwayFromZero);

    /// <summary>Fractions to four decimals.</summary>
    public static double Fraction(double f) => Math.Round(f, 4, MidpointRounding.AwayFromZero);

    /// <summary>Plasma volumes per exchange to two decimals.</summary>
    public static double PlasmaVolumes(double n) => Math.Round(n, 2, MidpointRounding.AwayFromZero);

    /// <summary>A fraction as a percentage with one decimal, e.g. "18.8 %".</summary>
    public static string Percent(double fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(fraction * 100, 1, MidpointRounding.AwayFromZero):0.0} %");
}
