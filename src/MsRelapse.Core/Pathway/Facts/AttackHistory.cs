using System.Collections.Immutable;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway.Facts;

/// <summary>An attack (R1): chained relapse records.</summary>
/// <param name="Records">Its records, by onset.</param>
/// <param name="Onset">The earliest chained onset.</param>
/// <param name="LatestRecordOnset">The latest chained onset.</param>
/// <param name="Chained">More than one record (a record &lt; 30 days after the preceding one).</param>
/// <param name="Resolved">Every record abated ≥ 24 h after its onset and by asOf (or resolved without a date).</param>
/// <param name="ResolvedOn">The latest abatement date; when only undated resolutions exist, the latest onset date (the earliest it can have been).</param>
internal sealed record Attack(ImmutableArray<RelapseRecord> Records, ClinicalTime Onset, ClinicalTime LatestRecordOnset, bool Chained, bool Resolved, DateOnly? ResolvedOn);

/// <summary>
/// R1's facts: the relapse records known at asOf chained into attacks (E-MENACTRIMS-2023), the transient records
/// (resolved &lt; 24 h after their onset) set apart, and the records without an onset.
/// </summary>
/// <param name="RelapsesWithoutOnset">Records with no onset at all (ignored; named in missing data), in source order.</param>
/// <param name="Transients">Records resolved &lt; 24 h after their own onset, by onset.</param>
/// <param name="Attacks">Every attack, by onset; the last is the current one.</param>
/// <param name="PreviousRecordOnsets">The onset dates of every record of the earlier attacks (R4's baseline exclusion).</param>
internal sealed record AttackHistory(
    ImmutableArray<RelapseRecord> RelapsesWithoutOnset,
    ImmutableArray<RelapseRecord> Transients,
    ImmutableArray<Attack> Attacks,
    ImmutableArray<DateOnly> PreviousRecordOnsets)
{
    /// <summary>The current attack: the latest.</summary>
    public Attack? Attack => Attacks.IsEmpty ? null : Attacks[^1];

    /// <summary>The latest transient record.</summary>
    public RelapseRecord? LatestTransient => Transients.IsEmpty ? null : Transients[^1];

    /// <summary>A transient record more recent than the current attack's latest record (R1: info flag, the attack is evaluated).</summary>
    // A36: "more recent than it" = more recent than the attack's latest record onset.
    public bool TransientMoreRecentThanAttack => Attack is not null && LatestTransient?.Onset is { } t && t > Attack.LatestRecordOnset;

    /// <summary>Chains the relapse records of <paramref name="record"/> known at <paramref name="asOf"/> into attacks.</summary>
    public static AttackHistory Build(PatientRecord record, DateOnly asOf)
    {
        var withoutOnset = Lists.Sorted(record.Relapses, static r => r.Onset is null, static (x, y) => SourceOrder.Instance.Compare(x.Source, y.Source));
        var known = Lists.Sorted(record.Relapses, r => r.Onset is { } o && o.Date <= asOf,
            static (x, y) => Lists.ThenBySource(x.Onset!.Value.CompareTo(y.Onset!.Value), x.Source, y.Source));
        var transients = Lists.Where(known, r => IsTransient(r, asOf));
        var attacks = Chain(transients.IsEmpty ? known : Lists.Where(known, r => !IsTransient(r, asOf)), asOf);
        ImmutableArray<DateOnly> previous = attacks.Length <= 1
            ? []
            : [.. attacks.Take(attacks.Length - 1).SelectMany(a => a.Records).Select(r => r.Onset!.Value.Date)];
        return new AttackHistory(withoutOnset, transients, attacks, previous);
    }

    /// <summary>R1: a record that resolved &lt; 24 h after its own onset (abatement known by asOf).</summary>
    private static bool IsTransient(RelapseRecord r, DateOnly asOf) =>
        r.Abatement is { } a && a.Date <= asOf && !r.Onset!.Value.IsAtLeast24HoursBefore(a);

    private static bool IsResolved(RelapseRecord r, DateOnly asOf) =>
        r.Abatement is { } a ? a.Date <= asOf : r.ResolvedWithoutDate;

    private static ImmutableArray<Attack> Chain(ImmutableArray<RelapseRecord> records, DateOnly asOf)
    {
        var attacks = ImmutableArray.CreateBuilder<Attack>();
        var current = new List<RelapseRecord>();
        foreach (var r in records)
        {
            // R1: onset < 30 days after the preceding record's onset → the same attack (E-MENACTRIMS-2023).
            if (current.Count > 0 && EvaluationContext.Days(current[^1].Onset!.Value.Date, r.Onset!.Value.Date) >= Thresholds.SameAttackDays)
            {
                attacks.Add(MakeAttack(current, asOf));
                current = [];
            }

            current.Add(r);
        }

        if (current.Count > 0)
        {
            attacks.Add(MakeAttack(current, asOf));
        }

        return attacks.ToImmutable();
    }

    private static Attack MakeAttack(List<RelapseRecord> records, DateOnly asOf)
    {
        var resolved = records.TrueForAll(r => IsResolved(r, asOf));
        DateOnly? resolvedOn = null;
        if (resolved)
        {
            // Undated resolutions: the attack cannot have resolved before its latest onset (A3, docs/pathway.md),
            // so the date is the latest abatement known by asOf, never before that onset.
            var latest = records[^1].Onset!.Value.Date;
            foreach (var r in records)
            {
                if (r.Abatement is { } a && a.Date <= asOf && a.Date > latest)
                {
                    latest = a.Date;
                }
            }

            resolvedOn = latest;
        }

        return new Attack([.. records], records[0].Onset!.Value, records[^1].Onset!.Value, records.Count > 1, resolved, resolvedOn);
    }
}
