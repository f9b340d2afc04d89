using MsRelapse.Core.Model;

namespace MsRelapse.Core.Steroids;

/// <summary>A glucocorticoid pulse: drug, route, daily dose and number of days (clinical.md "Steroid plan").</summary>
/// <param name="Drug">The glucocorticoid.</param>
/// <param name="Route">Route.</param>
/// <param name="DoseMgPerDay">Daily dose, mg (&gt; 0).</param>
/// <param name="DoseMgPerKgPerDay">For weight-based (paediatric) doses: the prescribing basis, mg/kg/day.</param>
/// <param name="Days">Number of days (1–30).</param>
public sealed record SteroidRegimen(SteroidDrug Drug, DoseRoute Route, double DoseMgPerDay, double? DoseMgPerKgPerDay, int Days)
{
    /// <summary>Daily dose, mg.</summary>
    public double DoseMgPerDay { get; init => field = CheckDose(value); } = CheckDose(DoseMgPerDay);

    /// <summary>Number of days.</summary>
    public int Days { get; init => field = CheckDays(value); } = CheckDays(Days);

    /// <summary>Total dose over the course, mg.</summary>
    public double TotalDoseMg => DoseMgPerDay * Days;

    /// <summary>The total dose as prednisone, mg (methylprednisolone 4 mg = prednisone 5 mg).</summary>
    public double PrednisoneEquivalentMg => SteroidRegimens.PrednisoneEquivalentMg(Drug, TotalDoseMg);

    /// <summary>The daily dose as prednisone, mg.</summary>
    public double PrednisoneEquivalentMgPerDay => SteroidRegimens.PrednisoneEquivalentMg(Drug, DoseMgPerDay);

    private static double CheckDose(double mg) =>
        double.IsFinite(mg) && mg > 0 ? mg : throw new ArgumentOutOfRangeException(nameof(DoseMgPerDay), mg, "a daily dose must be a positive number of mg");

    private static int CheckDays(int days) =>
        days is >= 1 and <= 30 ? days : throw new ArgumentOutOfRangeException(nameof(Days), days, "a course lasts 1–30 days");
}
