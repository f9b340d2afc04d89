using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Steroids;

/// <summary>The relapse steroid regimens of clinical.md (R5, R6, R9, "Steroid plan").</summary>
public static class SteroidRegimens
{
    /// <summary>Children's dose basis, mg/kg/day (E-PEDS-2021: 20–30; the knowledge base takes 30).</summary>
    public const double PediatricMgPerKgPerDay = Thresholds.PediatricDoseMgPerKg;

    /// <summary>Children's daily maximum, mg (the adult pulse).</summary>
    public const double PediatricMaximumMgPerDay = Thresholds.PediatricMaxDoseMg;

    /// <summary>Children's doses are rounded down to a multiple of this, mg (never above the weight-based dose).</summary>
    public const double PediatricRoundingMg = Thresholds.PediatricDoseRoundingMg;

    /// <summary>Oral methylprednisolone 500 mg/day × 5 days (E-NICE-2022).</summary>
    public static SteroidRegimen OralStandard { get; } = new(SteroidDrug.Methylprednisolone, DoseRoute.Oral, Thresholds.OralStandardMgPerDay, null, Thresholds.CourseDays);

    /// <summary>Oral methylprednisolone 1,000 mg/day × 3 days, non-inferior to IV (E-COPOUSEP-2015).</summary>
    public static SteroidRegimen OralHighDose { get; } = new(SteroidDrug.Methylprednisolone, DoseRoute.Oral, Thresholds.OralHighDoseMgPerDay, null, Thresholds.OralHighDoseDays);

    /// <summary>
    /// Escalated IV methylprednisolone 2,000 mg/day × 5 days after a failed course (E-PFEUFFER-2020; inferior to
    /// plasma exchange). Adults only: the caller must not offer it under 18 (R9).
    /// </summary>
    public static SteroidRegimen EscalatedIntravenous { get; } = new(SteroidDrug.Methylprednisolone, DoseRoute.Intravenous, Thresholds.EscalatedMgPerDay, null, Thresholds.CourseDays);

    /// <summary>IV methylprednisolone 1,000 mg/day × 3–5 days (E-NICE-2022; the pathway uses 5).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> outside 3–5.</exception>
    public static SteroidRegimen Intravenous(int days = Thresholds.CourseDays) =>
        days is >= Thresholds.IntravenousMinDays and <= Thresholds.CourseDays
            ? new(SteroidDrug.Methylprednisolone, DoseRoute.Intravenous, Thresholds.IntravenousMgPerDay, null, days)
            : throw new ArgumentOutOfRangeException(nameof(days), days, "IV methylprednisolone is given for 3–5 days");

    /// <summary>
    /// Children: IV methylprednisolone 30 mg/kg/day rounded down to 10 mg, at most 1,000 mg, × 5 days (E-PEDS-2021).
    /// Rounding down keeps the dose at or below 30 mg/kg; <see cref="SteroidRegimen.DoseMgPerKgPerDay"/> holds the
    /// 30 mg/kg basis.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Weight outside 2–400 kg.</exception>
    public static SteroidRegimen Pediatric(double weightKg)
    {
        var weight = new BodyWeightKg(weightKg);
        // Round(…, 9) before flooring so that floating-point noise (699.99999… for an exact 700) never costs a 10 mg step.
        var byWeight = Math.Floor(Math.Round(PediatricMgPerKgPerDay * weight.Value / PediatricRoundingMg, 9)) * PediatricRoundingMg;
        return new(SteroidDrug.Methylprednisolone, DoseRoute.Intravenous, Math.Min(byWeight, PediatricMaximumMgPerDay), PediatricMgPerKgPerDay, Thresholds.CourseDays);
    }

    /// <summary>The prednisone-equivalent dose: methylprednisolone 4 mg = prednisone 5 mg; prednisolone = prednisone mg for mg.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite dose.</exception>
    public static double PrednisoneEquivalentMg(SteroidDrug drug, double mg)
    {
        if (!double.IsFinite(mg) || mg < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mg), mg, "a dose must be a non-negative number of mg");
        }

        return drug switch
        {
            SteroidDrug.Methylprednisolone => mg * Thresholds.PrednisonePerMethylprednisolone,
            SteroidDrug.Prednisone or SteroidDrug.Prednisolone => mg,
            _ => throw new ArgumentOutOfRangeException(nameof(drug), drug, "unknown steroid"),
        };
    }
}
