using MsRelapse.Core.Pathway.Facts;
namespace MsRelapse.Core.Pathway.Rules;

/// <summary>
/// R1 — the attack: relapse records chained when &lt; 30 days apart (E-MENACTRIMS-2023), transient records
/// (&lt; 24 h) neither starting nor extending one, the current attack being the latest. The chaining itself is
/// computed once in <see cref="EvaluationContext"/>; this rule reports it.
/// </summary>
internal static class R1Attack
{
    /// <summary>What R1 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R1",
        Title = "The attack",
        Description = "Finds the current attack: relapse records close together are one attack, an episode shorter than 24 hours does not count, and without a relapse record (or for a deceased patient) there is no episode.",
        Criteria =
        [
            new("R1-chain", $"A relapse record whose onset is less than {Thresholds.SameAttackDays} days after the preceding record's onset belongs to the same attack (flag within-30-days-of-previous-attack); the attack's onset is the earliest chained onset."),
            new("R1-transient", "A record resolved less than 24 hours after its own onset neither starts nor extends an attack."),
            new("R1-none", "No relapse record, or a deceased patient: status no-episode, observe, routine."),
        ],
        Actions = [ActionCode.Observe],
        Urgency = "routine when there is no episode",
        Thresholds = [nameof(Thresholds.SameAttackDays)],
        Evidence = ["E-MENACTRIMS-2023"],
    };

    public static void Apply(EvaluationContext ctx, Decision d)
    {
        d.Fire("R1");
        if (!ctx.RelapsesWithoutOnset.IsEmpty)
        {
            d.Missing(MissingItem.RelapseOnset, "a relapse record without an onset date was ignored (R1)", blocking: false);
        }

        if (ctx.IsDeceased)
        {
            d.Explain("R1", "The patient is recorded as deceased: no episode is evaluated and no treatment is recommended.");
            return;
        }

        var attack = ctx.Attack;
        if (attack is null)
        {
            if (ctx.LatestTransient is null)
            {
                d.Explain("R1", ctx.RelapsesWithoutOnset.IsEmpty
                    ? "No relapse record dated on or before the evaluation date."
                    : "No relapse record with an onset date on or before the evaluation date.");
            }

            return;
        }

        d.Used("relapse-onset", Text.Date(attack.Onset.Date), attack.Onset.Date, attack.Records[0].Source, "R1");
        d.Explain("R1", $"Current attack: onset {Text.Date(attack.Onset.Date)}, {Text.Count(ctx.DaysSinceOnset ?? 0, "day")} before the evaluation date, from {Text.Count(attack.Records.Length, "relapse record")}; treatment since that onset counts.");
        if (attack.Chained)
        {
            d.AddFlag(FlagCode.WithinThirtyDaysOfPreviousAttack, FlagSeverity.Info,
                "A relapse record began less than 30 days after the preceding one: both are treated as one attack dated from the earlier onset.",
                "E-MENACTRIMS-2023");
            d.Explain("R1", "Records with onsets less than 30 days apart belong to the same attack (relapse definition).", "E-MENACTRIMS-2023");
        }

        if (ctx.TransientMoreRecentThanAttack)
        {
            d.AddFlag(FlagCode.TransientUnder24Hours, FlagSeverity.Info,
                "A more recent episode resolved within 24 hours: it does not meet the relapse definition and does not extend the attack.",
                "E-MENACTRIMS-2023");
        }
    }

    /// <summary>
    /// Steroid doses since the attack's onset that are below relapse-treatment doses (Conventions, "course"): reported
    /// so a clinician sees them, never counted as a course.
    /// </summary>
    public static void ReportDosesBelowTreatment(EvaluationContext ctx, Decision d)
    {
        if (ctx.Onset is not { } onset)
        {
            return;
        }

        var low = ctx.SubThresholdDoses.Where(x => x.Day >= onset).ToList();
        if (low.Count > 0)
        {
            d.Explain("R1", $"{Text.Count(low.Count, "steroid dose")} since onset {(low.Count == 1 ? "was" : "were")} below relapse-treatment doses (methylprednisolone 500 mg, prednisone 625 mg): reported, not counted as relapse treatment.", "E-NICE-2022");
        }
    }
}
