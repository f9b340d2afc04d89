using System.Collections.Immutable;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway.Facts;

/// <summary>The chosen EDSS of one date (clinical.md, Conventions and R4 "Which EDSS").</summary>
/// <param name="Date">The date.</param>
/// <param name="Value">The EDSS.</param>
/// <param name="Assessment">The assessment chosen for the date.</param>
/// <param name="Computed">Computed from a complete FS set (else the recorded total).</param>
/// <param name="HighestOfSeveral">Several assessments without times on this date: the highest was taken.</param>
internal sealed record DailyEdss(DateOnly Date, double Value, EdssAssessment Assessment, bool Computed, bool HighestOfSeveral);

/// <summary>
/// R4's facts: the EDSS course known at asOf, one value per date (computed from a complete FS set, else the recorded
/// total), and the attack's baseline, nadir and latest value.
/// </summary>
/// <param name="ByDate">One chosen EDSS per date, in date order.</param>
/// <param name="Inconsistent">Assessments whose recorded total differs from the computed EDSS.</param>
/// <param name="Unusable">Assessments with an incomplete FS set and no total.</param>
/// <param name="Baseline">The latest EDSS before onset, within 730 days, not within 30 days after a previous attack's onset.</param>
/// <param name="SinceOnset">The EDSS from the attack's onset to asOf.</param>
/// <param name="Nadir">The highest EDSS since onset (the earliest date among equals).</param>
/// <param name="Latest">The latest EDSS since onset.</param>
internal sealed record EdssTimeline(
    ImmutableArray<DailyEdss> ByDate,
    ImmutableArray<(EdssAssessment A, double Computed, double Recorded)> Inconsistent,
    ImmutableArray<EdssAssessment> Unusable,
    DailyEdss? Baseline,
    ImmutableArray<DailyEdss> SinceOnset,
    DailyEdss? Nadir,
    DailyEdss? Latest)
{
    /// <summary>Reads the EDSS assessments known at <paramref name="asOf"/> and places them around <paramref name="attack"/>.</summary>
    public static EdssTimeline Build(PatientRecord record, DateOnly asOf, Attack? attack, ImmutableArray<DateOnly> previousRecordOnsets)
    {
        var assessments = Lists.Sorted(record.EdssAssessments, a => a.When.Date <= asOf, static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        var usable = new List<(EdssAssessment A, double V, bool Computed)>();
        var inconsistent = ImmutableArray.CreateBuilder<(EdssAssessment A, double Computed, double Recorded)>();
        var unusable = ImmutableArray.CreateBuilder<EdssAssessment>();
        foreach (var a in assessments)
        {
            var computed = a.FunctionalSystems.IsComplete ? ComputedEdss(a.FunctionalSystems) : null;
            var recorded = a.RecordedTotal is { } r && EdssScore.Problem(r) is null ? r : (double?)null;
            if (computed is { } c)
            {
                usable.Add((a, c, true));
                if (recorded is { } rv && rv != c)
                {
                    inconsistent.Add((a, c, rv));
                }
            }
            else if (recorded is { } rv)
            {
                usable.Add((a, rv, false));
            }
            else
            {
                unusable.Add(a);
            }
        }

        // usable is in date order: each run of one date is that date's group.
        var byDate = ImmutableArray.CreateBuilder<DailyEdss>(usable.Count);
        for (var start = 0; start < usable.Count;)
        {
            var end = start + 1;
            while (end < usable.Count && usable[end].A.When.Date == usable[start].A.When.Date)
            {
                end++;
            }

            byDate.Add(ChooseForDate(usable[start].A.When.Date, usable.GetRange(start, end - start)));
            start = end;
        }

        var timeline = byDate.DrainToImmutable();
        if (attack is null)
        {
            return new EdssTimeline(timeline, inconsistent.ToImmutable(), unusable.ToImmutable(), null, [], null, null);
        }

        var onset = attack.Onset.Date;
        // Baseline: the latest assessment before onset within the lookback, not just after a previous attack (A35: every
        // record onset of every earlier attack counts, not only each attack's first onset).
        var baseline = timeline.LastOrDefault(e => e.Date < onset
            && EvaluationContext.Days(e.Date, onset) <= Thresholds.BaselineLookbackDays
            && !JustAfter(previousRecordOnsets, e.Date));
        var since = timeline.RemoveAll(e => e.Date < onset);
        // Nadir: the highest value, the earliest date among equals (strict > keeps the first in date order).
        DailyEdss? nadir = null;
        foreach (var e in since)
        {
            if (nadir is null || e.Value > nadir.Value)
            {
                nadir = e;
            }
        }

        return new EdssTimeline(timeline, inconsistent.ToImmutable(), unusable.ToImmutable(), baseline, since, nadir, since.IsEmpty ? null : since[^1]);
    }

    /// <summary>
    /// The EDSS of a complete FS set (the calculator's value, without its explanation texts); null when a score is
    /// out of range or not an integer, which R0 rejects.
    /// </summary>
    private static double? ComputedEdss(RawFunctionalSystems fs) =>
        FunctionalSystemScores.TryCreate(fs, out var scores, out _) && scores is not null
            ? EdssCalculator.Score(scores).Value
            : null;

    private static DailyEdss ChooseForDate(DateOnly date, List<(EdssAssessment A, double V, bool Computed)> list)
    {
        if (list.Count == 1)
        {
            return new DailyEdss(date, list[0].V, list[0].A, list[0].Computed, false);
        }

        // A1: only when every assessment of the date carries a time is the later one used; otherwise the highest.
        if (list.All(x => x.A.When.HasTime))
        {
            // Several on one date, all timed: the one with the later time (Conventions); same time → the higher.
            var pick = list.OrderByDescending(x => x.A.When).ThenByDescending(x => x.V).First();
            return new DailyEdss(date, pick.V, pick.A, pick.Computed, false);
        }

        // Without times (or a mix): the highest EDSS of that date, and the rationale says so.
        var highest = list.OrderByDescending(x => x.V).ThenBy(x => x.A.Source, SourceOrder.Instance).First();
        return new DailyEdss(date, highest.V, highest.A, highest.Computed, true);
    }

    /// <summary>True when <paramref name="date"/> is 0–<see cref="Thresholds.BaselineAfterPreviousAttackDays"/> days after one of <paramref name="onsets"/>.</summary>
    private static bool JustAfter(ImmutableArray<DateOnly> onsets, DateOnly date) =>
        onsets.Any(p => EvaluationContext.Days(p, date) is >= 0 and <= Thresholds.BaselineAfterPreviousAttackDays);
}
