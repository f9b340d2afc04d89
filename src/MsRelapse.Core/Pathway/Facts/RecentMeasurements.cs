using System.Collections.Immutable;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway.Facts;

/// <summary>
/// The measurements known at asOf and the ones the rules read by recency (clinical.md, Recency): the weight and
/// height of the plans (R7, R9), the hematocrit (R7), the labs of R8.3 and a low systolic pressure (R8.2).
/// </summary>
/// <param name="All">Every usable measurement dated on or before asOf, by time then source.</param>
/// <param name="Weight">The latest weight in the last 90 days (children: 30 days).</param>
/// <param name="Height">The latest height that counts (<see cref="HeightCounts"/>: any date when measured at 18 or over, else the last 90 days).</param>
/// <param name="Hematocrit">The latest hematocrit in the last 30 days.</param>
/// <param name="Calcium">The lowest calcium of the latest date with one in the last 30 days (A31, as 2026.2 settles R8.3).</param>
/// <param name="Fibrinogen">The lowest fibrinogen of the latest date with one in the last 30 days, likewise.</param>
/// <param name="LowSystolic">The latest systolic pressure under 90 mmHg in the recent window.</param>
internal sealed record RecentMeasurements(
    ImmutableArray<Measurement> All,
    Measurement? Weight,
    Measurement? Height,
    Measurement? Hematocrit,
    Measurement? Calcium,
    Measurement? Fibrinogen,
    Measurement? LowSystolic)
{
    /// <summary>Builds the recency facts of <paramref name="record"/> at <paramref name="asOf"/>.</summary>
    public static RecentMeasurements Build(PatientRecord record, DateOnly asOf, bool isChild)
    {
        var all = Lists.Sorted(record.Measurements, m => m.When.Date <= asOf && m.UnitProblem is null,
            static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        bool Within(DateOnly date, int days) => date <= asOf && date >= asOf.AddDays(-days);
        Measurement? LatestWithin(MeasurementKind kind, int days) => all.LastOrDefault(m => m.Kind == kind && Within(m.When.Date, days));

        // A31, changed by 2026.2 (R8.3 clarification): the latest date decides, and any value on that date below the
        // threshold raises the caution — so the lowest value of the latest date (a later normal value that day does not hide it).
        Measurement? LowestOnLatestDate(MeasurementKind kind, int days)
        {
            var latest = LatestWithin(kind, days);
            var lowest = latest;
            foreach (var m in all)
            {
                if (latest is not null && m.Kind == kind && m.When.Date == latest.When.Date && m.Value < lowest!.Value)
                {
                    lowest = m;
                }
            }

            return lowest;
        }

        return new RecentMeasurements(
            all,
            Weight: LatestWithin(MeasurementKind.WeightKg, isChild ? Thresholds.WeightRecentDaysChild : Thresholds.WeightRecentDaysAdult),
            Height: all.LastOrDefault(m => m.Kind == MeasurementKind.HeightCm && HeightCounts(record.BirthDate, m.When.Date, asOf)),
            Hematocrit: LatestWithin(MeasurementKind.HematocritPercent, Thresholds.LabRecentDays),
            Calcium: LowestOnLatestDate(MeasurementKind.CalciumMgPerDl, Thresholds.LabRecentDays),
            Fibrinogen: LowestOnLatestDate(MeasurementKind.FibrinogenMgPerDl, Thresholds.LabRecentDays),
            LowSystolic: all.LastOrDefault(m => m.Kind == MeasurementKind.SystolicMmHg && Within(m.When.Date, Thresholds.BloodPressureRecentDays)
                && m.Value < Thresholds.HypotensionSystolicMmHg));
    }

    /// <summary>
    /// Recency: "height any time at ≥ 18 (else 90 days)". A46: the age is the one at the measurement, not at asOf, so a
    /// young adult's height measured in childhood (which would under-size the Nadler volume and the exchange) counts only
    /// for 90 days, like a child's; a height measured from the 18th birthday on counts at any date. Unknown age (no birth
    /// date, or one after asOf, which R0 rejects) is read as adult, as everywhere else (A15): the missing birth date is
    /// named, blocking, whenever apheresis is listed.
    /// </summary>
    public static bool HeightCounts(DateOnly? birthDate, DateOnly measured, DateOnly asOf)
    {
        if (measured > asOf)
        {
            return false;
        }

        if (birthDate is not { } birth || birth > asOf)
        {
            return true;
        }

        // Completed years at the measurement ≥ 18 ⇔ measured on or after the 18th birthday (EvaluationContext's CompletedYears).
        return measured >= birth.AddYears(Thresholds.AdultAgeYears) || measured >= asOf.AddDays(-Thresholds.HeightRecentDaysChild);
    }
}
