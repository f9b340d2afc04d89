using MsRelapse.Core.Pathway.Facts;

namespace MsRelapse.Core.Pathway.Rules;

/// <summary>
/// R4 — severity from the EDSS rise (E-SEVERITY-2019), plus "newly ≥ 6.0 / ≥ 7.0" (choice). <see cref="Grade"/>
/// grades the attack once, when the context is assembled (R2 and R6 read the grade); <see cref="Apply"/> explains
/// it and names what is missing.
/// </summary>
internal static class R4Severity
{
    /// <summary>What R4 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R4",
        Title = "Severity",
        Description = "Grades the attack by how much the EDSS rose from the baseline to the worst point since onset.",
        Criteria =
        [
            new("R4-baseline", $"Baseline = the latest EDSS before onset, within {Thresholds.BaselineLookbackDays} days and not within {Thresholds.BaselineAfterPreviousAttackDays} days after a previous attack's onset; nadir = the highest EDSS from onset to the evaluation date."),
            new("R4-grade", $"Mild: rise ≤ {Thresholds.MildMaxRise:0.0}; moderate: 1.0–1.5; severe: rise ≥ {Thresholds.SevereMinRise:0.0}, or newly ≥ {Thresholds.NewlyUnableToWalkEdss:0.0} (cannot walk 100 m), or newly ≥ {Thresholds.NewlyWheelchairEdss:0.0} (wheelchair)."),
            new("R4-unknown", "No baseline or no assessment since onset: unknown, treated as moderate (but not severe), missing data named."),
        ],
        Thresholds =
        [
            nameof(Thresholds.BaselineLookbackDays), nameof(Thresholds.BaselineAfterPreviousAttackDays), nameof(Thresholds.MildMaxRise), nameof(Thresholds.SevereMinRise),
            nameof(Thresholds.NewlyUnableToWalkEdss), nameof(Thresholds.NewlyWheelchairEdss), nameof(Thresholds.SmallestRiseFromZero), nameof(Thresholds.HighBaselineEdss),
        ],
        Evidence = ["E-SEVERITY-2019", "E-KURTZKE-1983"],
    };

    /// <summary>The attack's severity from its baseline and nadir (<see cref="EdssTimeline"/>).</summary>
    public static AttackSeverity Grade(Attack? attack, DailyEdss? baselineEdss, DailyEdss? nadirEdss)
    {
        if (attack is null)
        {
            return AttackSeverity.NotApplicable;
        }

        if (baselineEdss is null || nadirEdss is null)
        {
            return AttackSeverity.Unknown;
        }

        var baseline = baselineEdss.Value;
        var nadir = nadirEdss.Value;

        // Newly unable to walk 100 m, or newly wheelchair-bound: severe whatever the rise (choice).
        if ((nadir >= Thresholds.NewlyUnableToWalkEdss && baseline < Thresholds.NewlyUnableToWalkEdss) ||
            (nadir >= Thresholds.NewlyWheelchairEdss && baseline < Thresholds.NewlyWheelchairEdss))
        {
            return AttackSeverity.Severe;
        }

        // E-SEVERITY-2019: mild +0.5, moderate +1.0–1.5, severe ≥ +2.0 (EDSS steps are halves, so there is no gap).
        var rise = nadir - baseline;
        return rise >= Thresholds.SevereMinRise ? AttackSeverity.Severe
            : rise <= Thresholds.MildMaxRise ? AttackSeverity.Mild
            : AttackSeverity.Moderate;
    }

    /// <summary>Explains the grade in the rationale, flags inconsistent EDSS and names missing EDSS.</summary>
    public static void Apply(EvaluationContext ctx, Decision d)
    {
        // Step 6: severity is not-applicable for no-episode and not-a-relapse, so R4 does not grade the attack there
        // and names no severity data as missing (A43, lead's ruling on the audit: no edss-baseline / edss-since-onset).
        if (ctx.Attack is null || d.Status is EpisodeStatus.NoEpisode or EpisodeStatus.NotARelapse)
        {
            return;
        }

        d.Fire("R4");
        foreach (var (a, computed, recorded) in ctx.InconsistentEdss.Where(x => x.A.When.Date >= ctx.Attack.Onset.Date.AddDays(-Thresholds.BaselineLookbackDays)))
        {
            d.AddFlag(FlagCode.EdssInconsistent, FlagSeverity.Warning,
                "A recorded EDSS total differs from the EDSS computed from its functional systems; the computed value is used. Check the assessment.",
                "E-KURTZKE-1983");
            d.Explain("R4", $"EDSS of {Text.Date(a.When.Date)}: recorded {Text.Number(recorded)}, computed from the functional systems {Text.Number(computed)}; the computed value is used.", "E-KURTZKE-1983");
        }

        foreach (var a in ctx.UnusableEdss.Where(x => x.When.Date >= ctx.Attack.Onset.Date.AddDays(-Thresholds.BaselineLookbackDays)))
        {
            d.Explain("R4", $"The EDSS assessment of {Text.Date(a.When.Date)} has an incomplete functional-system set and no total: it cannot be used.");
        }

        // Baseline, nadir and latest, each once (value equality, first kept: as Distinct did, without its set).
        var (baselineEdss, nadirEdss, latestEdss) = (ctx.Baseline, ctx.Nadir, ctx.Latest);
        UseEdss(d, baselineEdss);
        if (nadirEdss != baselineEdss)
        {
            UseEdss(d, nadirEdss);
        }

        if (latestEdss != baselineEdss && latestEdss != nadirEdss)
        {
            UseEdss(d, latestEdss);
        }

        if (ctx.Baseline is null)
        {
            d.Missing(MissingItem.EdssBaseline, "attack severity (EDSS before onset, within 2 years, not within 30 days after a previous attack)", blocking: false);
        }

        if (ctx.Nadir is null)
        {
            d.Missing(MissingItem.EdssSinceOnset, "attack severity (EDSS since onset)", blocking: false);
        }

        if (ctx.Severity == AttackSeverity.Unknown)
        {
            d.Explain("R4", "Severity unknown (no baseline or no EDSS since onset): treated as moderate for first-line treatment, and as not severe for escalation.", "E-SEVERITY-2019");
            return;
        }

        var baseline = ctx.Baseline!.Value;
        var nadir = ctx.Nadir!.Value;
        var text = $"Baseline EDSS {Text.Number(baseline)} ({Text.Date(ctx.Baseline.Date)}), highest since onset {Text.Number(nadir)}: rise {Text.Number(nadir - baseline)}, {WireNames.Of(ctx.Severity)}.";
        if (ctx.Severity == AttackSeverity.Severe && nadir - baseline < Thresholds.SevereMinRise)
        {
            text += nadir >= Thresholds.NewlyWheelchairEdss && baseline < Thresholds.NewlyWheelchairEdss
                ? " Severe because the patient is newly restricted to a wheelchair (EDSS ≥ 7.0)."
                : " Severe because the patient newly cannot walk 100 m unaided (EDSS ≥ 6.0).";
        }

        d.Explain("R4", text, "E-SEVERITY-2019");
        if (ctx.Severity == AttackSeverity.Mild && baseline >= Thresholds.HighBaselineEdss)
        {
            d.Explain("R4", "Baseline EDSS is 6.0 or more, where EDSS changes little: a mild grade may under-state the attack; judge the affected functions directly.", "E-SEVERITY-2019");
        }

        if (baseline == 0 && nadir - baseline == Thresholds.SmallestRiseFromZero)
        {
            // EDSS has no 0.5 step: from 0 the smallest rise is 1.0. It is graded moderate (the safer reading, A2).
            d.Explain("R4", "From baseline 0 the smallest possible EDSS rise is 1.0 (there is no step 0.5); it is graded moderate.", "E-KURTZKE-1983");
        }
    }

    private static void UseEdss(Decision d, DailyEdss? e)
    {
        if (e is null)
        {
            return;
        }

        d.Used("edss", e.Value, e.Date, e.Assessment.Source, "R4");
        if (e.HighestOfSeveral)
        {
            d.Explain("R4", $"Several EDSS assessments on {Text.Date(e.Date)} without times: the highest ({Text.Number(e.Value)}) is used.");
        }
    }
}
