using MsRelapse.Core.Pathway.Facts;
namespace MsRelapse.Core.Pathway.Rules;

/// <summary>
/// R2 — is it a relapse? The first match sets <c>episode.status</c>: R2.1 transient only, R2.2 resolved,
/// R2.3 pseudo-relapse, R2.4 unconfirmed (onset today), R2.5 possible progression, R2.6 relapse.
/// </summary>
internal static class R2Status
{
    /// <summary>What R2 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R2",
        Title = "Is it a relapse?",
        Description = "Decides the episode's status; the first matching sub-rule wins. A progressive MS course adds an information flag whatever the status.",
        Criteria =
        [
            new("R2-progressive-course", "An MS diagnosis coded as secondary or primary progressive: flag progressive-course (lower apheresis response).", RuleCatalog.Decided(c => c.ProgressiveCourse is not null)),
        ],
        Evidence = ["E-MAGANA-2011"],
        SubRules =
        [
            new()
            {
                Id = "R2.1",
                Title = "Transient episode only",
                Description = "Only episodes shorter than 24 hours are recorded: not a relapse; observe.",
                Criteria = [new("R2.1-transient", $"Only transient records, the latest within {Thresholds.TransientRecentDays} days (older: no episode).")],
                Actions = [ActionCode.Observe],
                Urgency = "routine",
                Thresholds = [nameof(Thresholds.TransientRecentDays)],
                Evidence = ["E-MENACTRIMS-2023"],
            },
            new()
            {
                Id = "R2.2",
                Title = "Attack resolved",
                Description = "The attack has resolved: rehabilitation if disability is still above baseline, else observe; no steroid or apheresis.",
                Criteria = [new("R2.2-resolved", $"Every record of the attack abated at least 24 hours after onset; resolved more than {Thresholds.ResolvedEpisodeDays} days ago: no episode.")],
                Actions = [ActionCode.Rehabilitation, ActionCode.Observe],
                Urgency = "routine",
                Thresholds = [nameof(Thresholds.ResolvedEpisodeDays)],
            },
            new()
            {
                Id = "R2.2a",
                Title = "Unclosed old attack",
                Description = "An attack never closed in the record stops being a current episode once it has been quiet for six months (treated) or a year (untreated): no episode, observe, and an information flag asks to close the record or record a new relapse. " +
                    "(choice: a treated attack's acute decisions end 6 months after its last activity; an untreated one stays possible-progression under R2.5 — with possible-nmosd, specialist-review under R3.1 — for a year.)",
                Criteria =
                [
                    new("R2.2a-unclosed", $"The attack is not resolved (R2.2), and its last activity is more than {Thresholds.UnclosedTreatedAttackDays} days before the evaluation date if it was treated, or more than {Thresholds.UnclosedUntreatedAttackDays} days if it was not."),
                    new("R2.2a-treated", "Treated: a steroid course that counts for the attack (Conventions) or an apheresis session since its onset."),
                    new("R2.2a-last-activity", "Last activity: the latest of the onset of each of its records (transient records excluded), the last dose of each course that counts for it, and its last apheresis session."),
                    new("R2.2a-recurrence", "A record whose clinicalStatus is recurrence or relapse is never aged out by this rule."),
                    new("R2.2a-outputs", "Status no-episode, primary observe, routine, no reassessment date; the episode's onset and days since onset are the attack's; the treatment stage as given; the steroid and apheresis responses unknown for a treatment given, else not-applicable (A29)."),
                    new("R2.2a-flag", $"Information flag unclosed-relapse-record naming the latest open record by id and onset date: \"{UnclosedRecordMessage("DATE", "ID")}\""),
                ],
                Actions = [ActionCode.Observe],
                Urgency = "routine",
                Thresholds = [nameof(Thresholds.UnclosedTreatedAttackDays), nameof(Thresholds.UnclosedUntreatedAttackDays)],
            },
            new()
            {
                Id = "R2.3",
                Title = "Pseudo-relapse",
                Description = "A fever or infection around the onset that is still current explains the symptoms: treat the trigger and reassess; no steroids.",
                Criteria =
                [
                    new("R2.3-window", $"Fever ≥ {Thresholds.FeverCelsius:0.0} °C measured, an infection with onset, or a positive urine nitrite, from {Thresholds.TriggerWindowBeforeOnsetDays} days before the onset to {Thresholds.TriggerWindowAfterOnsetDays} days after it."),
                    new("R2.3-current", $"The trigger is still current: fever in the last {Thresholds.FeverCurrentDays} days, the infection not abated with onset in the last {Thresholds.InfectionCurrentDays} days, or the nitrite in the last {Thresholds.NitriteCurrentDays} days."),
                    new("R2.3-severe", "A severe deficit adds specialist review, at least urgent, reassessment the next day."),
                ],
                Actions = [ActionCode.TreatTrigger, ActionCode.SpecialistReview],
                NotRecommended = [ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone, ActionCode.EscalatedIvMethylprednisolone],
                Urgency = "soon (emergency with sepsis; at least urgent when severe)",
                Thresholds =
                [
                    nameof(Thresholds.FeverCelsius), nameof(Thresholds.TriggerWindowBeforeOnsetDays), nameof(Thresholds.TriggerWindowAfterOnsetDays), nameof(Thresholds.FeverCurrentDays),
                    nameof(Thresholds.InfectionCurrentDays), nameof(Thresholds.NitriteCurrentDays), nameof(Thresholds.TreatTriggerReassessDays), nameof(Thresholds.SevereTriggerReassessDays),
                ],
                Evidence = ["E-NICE-2022", "E-MENACTRIMS-2023"],
            },
            new()
            {
                Id = "R2.4",
                Title = "Onset today: unconfirmed",
                Description = "Symptoms that began today do not yet meet the 24-hour definition: observe and reassess tomorrow; a severe deficit needs same-day specialist review to exclude stroke.",
                Criteria = [new("R2.4-today", "The attack is ongoing and its onset date is the evaluation date.")],
                Actions = [ActionCode.Observe, ActionCode.SpecialistReview],
                Urgency = "routine (emergency when severe)",
                Thresholds = [nameof(Thresholds.UnconfirmedReassessDays)],
                Evidence = ["E-MENACTRIMS-2023"],
            },
            new()
            {
                Id = "R2.5",
                Title = "Possible progression",
                Description = "Symptoms ongoing for more than three months and never treated are more likely progression than a relapse: specialist review; plasma exchange is ineffective in progressive MS.",
                Criteria = [new("R2.5-late", $"Onset more than {Thresholds.ProgressionDays} days ago, attack ongoing, no relapse treatment since onset, and not possible NMOSD.")],
                Actions = [ActionCode.SpecialistReview],
                NotRecommended = [ActionCode.PlasmaExchange, ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone],
                Urgency = "soon",
                Thresholds = [nameof(Thresholds.ProgressionDays)],
                Evidence = ["E-NICE-2022", "E-AAN-2011"],
            },
            new()
            {
                Id = "R2.6",
                Title = "Relapse",
                Description = "Otherwise the episode is a relapse, and the treatment rules decide.",
                Criteria = [new("R2.6-otherwise", "None of R2.1–R2.5 applies.")],
                Evidence = ["E-MENACTRIMS-2023"],
            },
        ],
    };

    private static readonly string[] Trigger = ["E-NICE-2022", "E-MENACTRIMS-2023"];

    /// <summary>
    /// R2.2a's <c>unclosed-relapse-record</c> message (clinical.md R2.2a) for the latest open record, by its onset date and
    /// its id: one text for the flag and the published rule (the descriptor shows it with DATE and ID).
    /// </summary>
    internal static string UnclosedRecordMessage(string onset, string record) =>
        $"A relapse record from {onset} ({record}) was never closed and is too old to be read as a current attack. If the patient has new symptoms, record a new relapse; otherwise close this record with the date the symptoms resolved (not today's date).";

    /// <summary>Sets the status (and, for every status but an ongoing relapse, the action). Returns true for an ongoing relapse.</summary>
    public static bool Apply(EvaluationContext ctx, Decision d)
    {
        if (ctx.IsDeceased)
        {
            d.Status = EpisodeStatus.NoEpisode;
            d.SetPrimary(ActionCode.Observe, Urgency.Routine, "R1");
            return false;
        }

        var attack = ctx.Attack;
        if (attack is null)
        {
            if (ctx.LatestTransient?.Onset is { } t && ctx.Within(t.Date, Thresholds.TransientRecentDays))
            {
                d.Status = EpisodeStatus.NotARelapse;
                d.AddFlag(FlagCode.TransientUnder24Hours, FlagSeverity.Info,
                    "The episode resolved within 24 hours: it does not meet the relapse definition (symptoms lasting at least 24 hours).",
                    "E-MENACTRIMS-2023");
                d.SetPrimary(ActionCode.Observe, Urgency.Routine, "R2.1");
                d.Explain("R2.1", $"Only an episode shorter than 24 hours (onset {Text.Date(t.Date)}) is recorded: not a relapse; observe.", "E-MENACTRIMS-2023");
                return false;
            }

            d.Status = EpisodeStatus.NoEpisode;
            // No attack (R1); with only old transient episodes, R2.1 is what says so (and the primary's rule).
            d.SetPrimary(ActionCode.Observe, Urgency.Routine, ctx.LatestTransient is null ? "R1" : "R2.1");
            if (ctx.LatestTransient is not null)
            {
                d.Explain("R2.1", "The only episodes on record lasted under 24 hours and are more than 30 days old: no episode.");
            }

            return false;
        }

        if (attack.Resolved)
        {
            var resolvedOn = attack.ResolvedOn!.Value;
            if (EvaluationContext.Days(resolvedOn, ctx.AsOf) > Thresholds.ResolvedEpisodeDays)
            {
                d.Status = EpisodeStatus.NoEpisode;
                d.SetPrimary(ActionCode.Observe, Urgency.Routine, "R2.2");
                d.Explain("R2.2", $"The last attack resolved more than {Thresholds.ResolvedEpisodeDays} days ago (by {Text.Date(resolvedOn)}): no current episode.");
                return false;
            }

            d.Status = EpisodeStatus.Relapse;
            // A30: "no steroid or apheresis" is said in the rationale; no plan, and nothing listed as not recommended.
            var aboveBaseline = ctx.Latest is not null && ctx.Baseline is not null && ctx.Latest.Value > ctx.Baseline.Value;
            d.SetPrimary(aboveBaseline ? ActionCode.Rehabilitation : ActionCode.Observe, Urgency.Routine, "R2.2");
            d.Explain("R2.2", aboveBaseline
                ? $"The attack has resolved (by {Text.Date(resolvedOn)}) with EDSS still above baseline: rehabilitation; no steroid or apheresis for a resolved attack."
                : $"The attack has resolved (by {Text.Date(resolvedOn)}): observe; no steroid or apheresis for a resolved attack.");
            return false;
        }

        if (UnclosedOldAttack(ctx, d, attack))
        {
            return false;
        }

        if (PseudoRelapse(ctx, d))
        {
            return false;
        }

        if (attack.Onset.Date == ctx.AsOf)
        {
            d.Status = EpisodeStatus.Unconfirmed;
            d.ReassessOn = ctx.AsOf.AddDays(Thresholds.UnconfirmedReassessDays);
            if (ctx.IsSevere)
            {
                // An abrupt severe deficit needs stroke and other causes excluded the same day.
                d.SetPrimary(ActionCode.SpecialistReview, Urgency.Emergency, "R2.4");
                d.Explain("R2.4", "Symptoms began today (under 24 hours, not yet a relapse by definition) with a severe deficit: same-day specialist review to exclude stroke and other causes.", "E-MENACTRIMS-2023");
            }
            else
            {
                d.SetPrimary(ActionCode.Observe, Urgency.Routine, "R2.4");
                d.Explain("R2.4", "Symptoms began today: under 24 hours they do not yet meet the relapse definition; reassess tomorrow.", "E-MENACTRIMS-2023");
            }

            return false;
        }

        var treated = !ctx.CoursesForAttack.IsEmpty || !ctx.SessionsSinceOnset.IsEmpty;
        if (ctx.DaysSinceOnset > Thresholds.ProgressionDays && !treated && !ctx.HasNmosd)
        {
            d.Status = EpisodeStatus.PossibleProgression;
            d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R2.5");
            // R2.5 names plasma exchange and the steroids only (A8, lead's ruling: immunoadsorption is not listed; the
            // specialist review decides about it).
            d.AddNotRecommended(ActionCode.PlasmaExchange, "Plasma exchange is established as ineffective in progressive MS (AAN Level A).", "E-AAN-2011");
            const string late = "Not recommended except after specialist review: symptoms present for more than 3 months are not diagnosed as a relapse.";
            d.AddNotRecommended(ActionCode.OralMethylprednisolone, late, "E-NICE-2022");
            d.AddNotRecommended(ActionCode.IvMethylprednisolone, late, "E-NICE-2022");
            d.Explain("R2.5", $"Symptoms began {ctx.DaysSinceOnset} days ago (more than {Thresholds.ProgressionDays}), are ongoing and were never treated: possible progression rather than relapse; specialist review.", "E-NICE-2022", "E-AAN-2011");
            return false;
        }

        d.Status = EpisodeStatus.Relapse;
        d.Explain("R2.6", $"New or worsening symptoms for at least 24 hours, {Text.Count(ctx.DaysSinceOnset ?? 0, "day")} since onset, without a current fever or infection to explain them: relapse.", "E-MENACTRIMS-2023");
        return true;
    }

    /// <summary>R2.6: a progressive course adds an info flag whatever the status, no-episode included (A37; E-MAGANA-2011).</summary>
    public static void ProgressiveCourseFlag(EvaluationContext ctx, Decision d)
    {
        if (ctx.ProgressiveCourse is { } p)
        {
            d.AddFlag(FlagCode.ProgressiveCourse, FlagSeverity.Info,
                "Progressive MS course on record: apheresis response is lower (about 30 % vs 75 % in relapsing disease).",
                "E-MAGANA-2011");
            d.Used("ms-course", p.Course.ToString(), p.Recorded?.Date, p.Source, "R2.6");
        }
    }

    /// <summary>R2.3 pseudo-relapse; also raises the info flags of triggers that are no longer current.</summary>
    /// <summary>Whether any fever, dated infection or positive nitrite falls in R2.3's window (the lists PseudoRelapse filters).</summary>
    private static bool AnyInTriggerWindow(EvaluationContext ctx)
    {
        foreach (var f in ctx.FeverEvents)
        {
            if (R0Validation.InTriggerWindow(ctx, f.Date))
            {
                return true;
            }
        }

        foreach (var c in ctx.Infections)
        {
            if (R0Validation.InTriggerWindow(ctx, c.Onset!.Value.Date))
            {
                return true;
            }
        }

        foreach (var n in ctx.PositiveNitrites)
        {
            if (R0Validation.InTriggerWindow(ctx, n.When.Date))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// R2.2a (2026.2): an attack never closed in the record stops being a current episode 180 days after its last
    /// activity when it was treated, 365 days when it was not (choice of the knowledge base). Last activity: the
    /// latest record onset, course end (courses that count for it) or apheresis session. A record marked
    /// <c>recurrence</c>/<c>relapse</c> is never aged out.
    /// </summary>
    private static bool UnclosedOldAttack(EvaluationContext ctx, Decision d, Attack attack)
    {
        if (attack.Records.Any(r => r.MarkedRecurrence))
        {
            return false;
        }

        var treated = !ctx.CoursesForAttack.IsEmpty || !ctx.SessionsSinceOnset.IsEmpty;
        var lastActivity = attack.Records.Select(r => r.Onset!.Value.Date)
            .Concat(ctx.CoursesForAttack.Select(c => c.End))
            .Concat(ctx.SessionsSinceOnset.Select(s => s.When.Date))
            .Max();
        var limit = treated ? Thresholds.UnclosedTreatedAttackDays : Thresholds.UnclosedUntreatedAttackDays;
        if (EvaluationContext.Days(lastActivity, ctx.AsOf) <= limit)
        {
            return false;
        }

        var open = attack.Records.Last(r => r.Abatement is not { } a || a.Date > ctx.AsOf);
        var onset = Text.Date(open.Onset!.Value.Date);
        d.Status = EpisodeStatus.NoEpisode;
        d.SetPrimary(ActionCode.Observe, Urgency.Routine, "R2.2a");
        d.AddFlag(FlagCode.UnclosedRelapseRecord, FlagSeverity.Info, UnclosedRecordMessage(onset, open.Source.Resource));
        d.Explain("R2.2a", $"The attack of {Text.Date(attack.Onset.Date)} was never closed, and its last activity ({Text.Date(lastActivity)}) is more than {limit} days ago ({(treated ? "treated" : "untreated")}): no current episode.");
        return true;
    }

    private static bool PseudoRelapse(EvaluationContext ctx, Decision d)
    {
        foreach (var undated in ctx.UndatedInfections)
        {
            d.AddFlag(FlagCode.Infection, FlagSeverity.Warning,
                "An active infection is recorded without an onset date: exclude a current infection (urine and chest) before treating.",
                Trigger);
            d.Missing(MissingItem.InfectionDate, "whether a recorded infection is current (R2.3, R8.2)", blocking: false);
            d.Used("infection", "undated", null, undated.Source, "R2.3");
        }

        if (!AnyInTriggerWindow(ctx))
        {
            // The usual case, answered without the three filtered lists below.
            return false;
        }

        var fever = ctx.FeverEvents.Where(f => R0Validation.InTriggerWindow(ctx, f.Date)).ToList();
        var infections = ctx.Infections.Where(c => R0Validation.InTriggerWindow(ctx, c.Onset!.Value.Date)).ToList();
        var nitrites = ctx.PositiveNitrites.Where(n => R0Validation.InTriggerWindow(ctx, n.When.Date)).ToList();
        if (fever.Count == 0 && infections.Count == 0 && nitrites.Count == 0)
        {
            return false;
        }

        // A9: any fever in the last 3 days makes the trigger current, provided a fever lies in the window.
        var feverCurrent = fever.Count > 0 && ctx.CurrentFever;
        var currentInfections = infections.Where(ctx.CurrentInfections.Contains).ToList();
        var nitriteCurrent = nitrites.Any(n => ctx.Within(n.When.Date, Thresholds.NitriteCurrentDays));
        var sepsis = currentInfections.Any(c => c.IsSepsis);
        foreach (var f in fever)
        {
            d.Used("fever", Text.Date(f.Date), f.Date, f.Source, "R2.3");
        }

        foreach (var c in infections)
        {
            d.Used(c.IsSepsis ? "sepsis" : "infection", Text.Date(c.Onset!.Value.Date), c.Onset!.Value.Date, c.Source, "R2.3");
        }

        foreach (var n in nitrites)
        {
            d.Used("urine-nitrite", "positive", n.When.Date, n.Source, "R2.3");
        }

        if (!feverCurrent && currentInfections.Count == 0 && !nitriteCurrent)
        {
            if (fever.Count > 0)
            {
                d.AddFlag(FlagCode.Fever, FlagSeverity.Info, "A fever around the onset of the attack has settled; it no longer explains the symptoms.", Trigger);
            }

            if (infections.Count > 0 || nitrites.Count > 0)
            {
                d.AddFlag(FlagCode.Infection, FlagSeverity.Info, "An infection around the onset of the attack is no longer current; it no longer explains the symptoms.", Trigger);
            }

            d.Explain("R2.3", "A fever or infection around the onset is no longer current: evaluated as a relapse.", Trigger);
            return false;
        }

        d.Status = EpisodeStatus.PseudoRelapseSuspected;
        var severity = sepsis ? FlagSeverity.Critical : FlagSeverity.Warning;
        if (feverCurrent)
        {
            d.AddFlag(FlagCode.Fever, severity, "Fever in the last 3 days: a rise in temperature can worsen old symptoms (pseudo-relapse); find and treat the cause.", Trigger);
        }
        else if (fever.Count > 0)
        {
            d.AddFlag(FlagCode.Fever, FlagSeverity.Info, "A fever around the onset of the attack has settled.", Trigger);
        }

        if (currentInfections.Count > 0 || nitriteCurrent)
        {
            d.AddFlag(FlagCode.Infection, severity, sepsis
                ? "Sepsis: treat as an emergency; steroids are not given."
                : nitriteCurrent && currentInfections.Count == 0
                    ? "Positive urine nitrite: probable urinary infection; treat it before attributing symptoms to a relapse."
                    : "Current infection: treat it before attributing symptoms to a relapse; steroids are not given during an untreated infection.",
                Trigger);
        }

        d.SetPrimary(ActionCode.TreatTrigger, sepsis ? Urgency.Emergency : Urgency.Soon, "R2.3");
        d.ReassessOn = ctx.AsOf.AddDays(Thresholds.TreatTriggerReassessDays);
        const string reason = "Steroids are not given for a suspected pseudo-relapse or an untreated infection.";
        d.AddNotRecommended(ActionCode.OralMethylprednisolone, reason, Trigger);
        d.AddNotRecommended(ActionCode.IvMethylprednisolone, reason, Trigger);
        d.AddNotRecommended(ActionCode.EscalatedIvMethylprednisolone, reason, Trigger);
        d.Explain("R2.3", "Fever or infection from 14 days before to 3 days after the onset, and still current: suspected pseudo-relapse; treat the trigger and reassess in 3 days.", Trigger);
        if (ctx.IsSevere)
        {
            d.AddConcurrent(ActionCode.SpecialistReview);
            d.RaiseFloor(Urgency.Urgent);
            d.ReassessOn = ctx.AsOf.AddDays(Thresholds.SevereTriggerReassessDays);
            d.Explain("R2.3", "The deficit is severe: specialist review alongside, and reassess tomorrow.");
        }

        return true;
    }
}
