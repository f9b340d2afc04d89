using MsRelapse.Core.Pathway.Facts;
using System.Collections.Immutable;
using MsRelapse.Core.Evidence;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway.Rules;

namespace MsRelapse.Core.Pathway;

/// <summary>The "Evaluation order" of clinical.md, steps 1–6.</summary>
internal static class Orchestrator
{
    public static EvaluationResult Run(PatientRecord record, DateOnly asOf)
    {
        var ctx = new EvaluationContext(record, asOf);

        // Step 1: R0 before anything else; no recommendation from impossible input.
        var errors = R0Validation.Validate(ctx);
        if (!errors.IsEmpty)
        {
            return new EvaluationResult(null, errors);
        }

        var d = new Decision(ctx);
        R0Validation.ReportAssumedUnits(ctx, d);

        R1Attack.Apply(ctx, d);
        var ongoingRelapse = R2Status.Apply(ctx, d);
        R2Status.ProgressiveCourseFlag(ctx, d);
        R4Severity.Apply(ctx, d);
        R3Differential.Flags(ctx, d);
        R1Attack.ReportDosesBelowTreatment(ctx, d);
        R6SteroidResponse.ReportDosesWithoutAmount(ctx, d);

        if (ongoingRelapse)
        {
            // Step 3: the treatment stage picks one rule.
            d.TreatmentRulesApplied = true;
            if (!ctx.SessionsSinceOnset.IsEmpty)
            {
                R7Apheresis.Apply(ctx, d);
            }
            else if (!ctx.CoursesForAttack.IsEmpty)
            {
                d.Stage = TreatmentStage.SteroidsGiven;
                R6SteroidResponse.Apply(ctx, d);
            }
            else if (!R3Differential.FirstLine(ctx, d))
            {
                R5FirstLine.Apply(ctx, d);
            }

            // Step 4: R3 concurrent actions first.
            R3Differential.Concurrent(ctx, d, ongoingRelapseTreated: d.Stage != TreatmentStage.Untreated);
        }
        else
        {
            d.Stage = StageOf(ctx);
            // 2026.2: R3's concurrent specialist review applies under every status in which an attack is evaluated,
            // an attack resolved under R2.2 (status relapse) included.
            if (d.Status is EpisodeStatus.Unconfirmed or EpisodeStatus.PseudoRelapseSuspected or EpisodeStatus.PossibleProgression or EpisodeStatus.Relapse)
            {
                R3Differential.NonRelapseReview(ctx, d);
            }

            // A29: treatment given but not judged under this status is unknown, not not-applicable.
            d.SteroidResponse = ctx.CoursesForAttack.IsEmpty ? ResponseStatus.NotApplicable : ResponseStatus.Unknown;
            d.ApheresisResponse = ctx.SessionsSinceOnset.IsEmpty ? ResponseStatus.NotApplicable : ResponseStatus.Unknown;
        }

        // Step 4, continued: safety modifiers in order (they act only where a steroid or apheresis is listed).
        R8Safety.SteroidAllergy(ctx, d);
        R6SteroidResponse.Delay(ctx, d);
        R8Safety.InfectionAndSteroids(ctx, d);
        R8Safety.ApheresisSafety(ctx, d);
        R8Safety.SteroidCautions(ctx, d);
        R9People.Apply(ctx, d);

        var plan = ctx.Attack is null || ctx.IsDeceased ? TreatmentPlan.None : PlanBuilder.Build(ctx, d);
        d.ReassessOn = ReassessOn(ctx, d, plan);
        R9People.MissingDataFlag(d);

        // 2026.2: the response factors read the finished decision and plan; nothing reads them back.
        var factors = ApheresisResponseFactors.Build(ctx, d, plan);
        return new EvaluationResult(Assemble(ctx, d, plan, factors), []);
    }

    private static TreatmentStage StageOf(EvaluationContext ctx) =>
        !ctx.SessionsSinceOnset.IsEmpty
            ? ctx.SessionsSinceOnset.Length >= Thresholds.ApheresisCourseSessions ? TreatmentStage.ApheresisCompleted : TreatmentStage.ApheresisInProgress
            : !ctx.CoursesForAttack.IsEmpty ? TreatmentStage.SteroidsGiven : TreatmentStage.Untreated;

    /// <summary>Step 5, reassessOn: a steroid course planned now → its end + 10 days; apheresis planned now → its last session; the earlier when both (A18); treat-trigger → as set (asOf + 3, or + 1 when severe under R2.3).</summary>
    private static DateOnly? ReassessOn(EvaluationContext ctx, Decision d, TreatmentPlan plan)
    {
        // The earliest of the planned candidates (a running minimum: no list per evaluation).
        DateOnly? earliest = null;
        void Candidate(DateOnly date) => earliest = earliest is { } e && e <= date ? e : date;
        if (plan.Steroids is { } s)
        {
            Candidate(s.ReassessOn);
        }

        if (d.IsPrimaryOrConcurrent(ActionCode.PlasmaExchange) && plan.PlasmaExchange is { } tpe)
        {
            Candidate(tpe.Schedule[^1].Date);
        }

        if (d.IsPrimaryOrConcurrent(ActionCode.Immunoadsorption) && plan.Immunoadsorption is { } ia)
        {
            Candidate(ia.Schedule[^1].Date);
        }

        if (earliest is not null)
        {
            return earliest;
        }

        if (d.Primary == ActionCode.TreatTrigger && d.ReassessOn is null)
        {
            return ctx.AsOf.AddDays(Thresholds.TreatTriggerReassessDays);
        }

        return d.ReassessOn;
    }

    /// <summary>
    /// Section "Recovery" (A40): the EDSS milestones of the current attack. Month k is the latest assessment in its own
    /// window (after the previous month's window, up to onset + 30 / 91 / 182 days), reported once that day has
    /// come; the end of steroids and of apheresis are as <see cref="EdssCourse"/> (choice, docs/pathway.md).
    /// </summary>
    private static RecoveryCourse RecoveryOf(EvaluationContext ctx)
    {
        var onset = ctx.Onset!.Value;
        RecoveryPoint? Point(DailyEdss? e) => e is null ? null : new RecoveryPoint(e.Date, e.Value, EvaluationContext.Days(onset, e.Date));
        RecoveryPoint? Month(int fromDays, int toDays) =>
            onset.AddDays(toDays) <= ctx.AsOf ? Point(ctx.LatestBetween(onset.AddDays(fromDays + 1), onset.AddDays(toDays))) : null;

        return new RecoveryCourse(
            Point(ctx.Baseline),
            Point(ctx.Nadir),
            ctx.LastCourseForAttack is { } c ? Point(ctx.LatestBetween(onset, c.End)) : null,
            ctx.SessionsSinceOnset.IsEmpty ? null : Point(ctx.LatestBetween(onset, ctx.SessionsSinceOnset[^1].When.Date)),
            Month(0, Thresholds.RecoveryMonth1Days),
            Month(Thresholds.RecoveryMonth1Days, Thresholds.RecoveryMonth3Days),
            Month(Thresholds.RecoveryMonth3Days, Thresholds.RecoveryMonth6Days),
            Point(ctx.Latest));
    }

    private static EngineInfo? engine;

    /// <summary>Engine and knowledge-base versions: fixed for the process, so made once.</summary>
    private static EngineInfo EngineOf(KnowledgeBase kb) => engine ??= new EngineInfo(PathwayEngine.EngineVersion, kb.Version);

    /// <summary>Every evidence id cited anywhere in the result, once each, sorted by id (ordinal).</summary>
    private static ImmutableArray<EvidenceEntry> CitedEvidence(ImmutableArray<Flag> flags, ImmutableArray<RationaleEntry> rationale, Advice advice, ImmutableArray<ApheresisResponseFactor> factors)
    {
        // Mark each cited entry by its index in the (ordinal) id order: no sort, no duplicates.
        var kb = KnowledgeBase.Current;
        Span<bool> marked = stackalloc bool[kb.Count];
        var count = 0;
        void Mark(ImmutableArray<string> ids, Span<bool> marks)
        {
            foreach (var id in ids)
            {
                var i = kb.IndexOf(id);
                if (!marks[i])
                {
                    marks[i] = true;
                    count++;
                }
            }
        }

        foreach (var f in flags)
        {
            Mark(f.Evidence, marked);
        }

        foreach (var r in rationale)
        {
            Mark(r.Evidence, marked);
        }

        foreach (var a in advice.Alternatives)
        {
            Mark(a.Evidence, marked);
        }

        foreach (var a in advice.NotRecommended)
        {
            Mark(a.Evidence, marked);
        }

        foreach (var f in factors)
        {
            Mark(f.Evidence, marked);
        }

        var cited = ImmutableArray.CreateBuilder<EvidenceEntry>(count);
        for (var i = 0; i < marked.Length; i++)
        {
            if (marked[i])
            {
                cited.Add(kb.CitedAt(i));
            }
        }

        return cited.MoveToImmutable();
    }

    private static Recommendation Assemble(EvaluationContext ctx, Decision d, TreatmentPlan plan, ImmutableArray<ApheresisResponseFactor> factors)
    {
        var notApplicable = d.Status is EpisodeStatus.NoEpisode or EpisodeStatus.NotARelapse;
        var hasAttack = ctx.Attack is not null && !ctx.IsDeceased;
        var edss = hasAttack && d.Status != EpisodeStatus.NotARelapse
            ? new EdssCourse(ctx.Baseline?.Value, ctx.Nadir?.Value, ctx.Latest?.Value, ctx.Rise,
                ctx.LastCourseForAttack is { } c ? ctx.LatestBetween(ctx.Onset!.Value, c.End)?.Value : null,
                ctx.SessionsSinceOnset.IsEmpty ? null : ctx.LatestBetween(ctx.Onset!.Value, ctx.SessionsSinceOnset[^1].When.Date)?.Value)
            : EdssCourse.Empty;

        DateOnly? onset = hasAttack ? ctx.Onset : d.Status == EpisodeStatus.NotARelapse ? ctx.LatestTransient?.Onset?.Date : null;
        var recovery = RecoveryClass.NotApplicable;
        if (!notApplicable && hasAttack && ctx.Baseline is { } b && ctx.Latest is { } l && ctx.Nadir is { } n)
        {
            // Section "Recovery": complete ≤ baseline; partial = improved ≥ 0.5 from nadir; else none — judged at the latest
            // assessment since onset, not the latest month milestone (A41).
            recovery = l.Value <= b.Value ? RecoveryClass.Complete : n.Value - l.Value >= Thresholds.RecoveryPartialImprovement ? RecoveryClass.Partial : RecoveryClass.None;
        }

        var episode = new Episode
        {
            Status = d.Status,
            Onset = onset,
            DaysSinceOnset = onset is { } o ? EvaluationContext.Days(o, ctx.AsOf) : null,
            Severity = notApplicable || !hasAttack ? AttackSeverity.NotApplicable : ctx.Severity,
            Edss = edss,
            TreatmentStage = d.Stage,
            SteroidResponse = d.SteroidResponse,
            ApheresisResponse = d.ApheresisResponse,
            RecoveryClass = recovery,
            Recovery = hasAttack && d.Status != EpisodeStatus.NotARelapse ? RecoveryOf(ctx) : null,
        };

        var lists = d.Arrays();
        var advice = new Advice
        {
            Primary = d.Primary,
            Urgency = d.Urgency,
            Concurrent = lists.Concurrent,
            ReassessOn = d.ReassessOn,
            PrimaryRule = d.PrimaryRule,
            Alternatives = lists.Alternatives,
            NotRecommended = lists.NotRecommended,
        };

        var flags = d.FlagArray();
        var rationale = lists.Rationale;
        var kb = KnowledgeBase.Current;
        var cited = CitedEvidence(flags, rationale, advice, factors);

        return new Recommendation
        {
            Engine = EngineOf(kb),
            AsOf = ctx.AsOf,
            Patient = new PatientSummary(ctx.Record.PatientId, ctx.AgeYears, ctx.Record.Sex),
            Episode = episode,
            Advice = advice,
            Plan = plan,
            Flags = flags,
            Rationale = rationale,
            MissingData = d.MissingArray(),
            Evidence = cited,
            FiredRules = lists.FiredRules,
            DataUsed = lists.DataUsed,
            ApheresisResponseFactors = factors,
            ReadingNotes = ctx.Record.ReadingNotes.IsDefaultOrEmpty ? [] : ctx.Record.ReadingNotes.Sort(StringComparer.Ordinal),
        };
    }
}
