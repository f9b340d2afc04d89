using System.Collections.Immutable;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway.Facts;

/// <summary>
/// 2026.2, "Apheresis response factors" (informational, never a decision): the seven published predictors of
/// response to apheresis after a steroid-refractory relapse, each as found in this record, in the order of
/// clinical.md's table. Present exactly when a plasma exchange or immunoadsorption plan is present and neither
/// <c>possible-nmosd</c> nor <c>possible-mogad</c> is raised (the cohorts are MS relapses). Built after every rule
/// has decided: it reads the decision and never writes to it, so no action, urgency or flag depends on it, and
/// the factors are never combined into a score, a count or a probability (no validated model exists across
/// cohorts, whose response definitions differ). Evidence: E-BLECHINGER-2021, E-LLUFRIU-2009, E-MARRODAN-2025,
/// E-MAGANA-2011, E-EHLER-2015, E-KEEGAN-2002.
/// </summary>
internal static class ApheresisResponseFactors
{
    /// <summary>The factors, or an empty list when they do not apply.</summary>
    public static ImmutableArray<ApheresisResponseFactor> Build(EvaluationContext ctx, Decision d, TreatmentPlan plan)
    {
        var planned = plan.PlasmaExchange?.Schedule ?? plan.Immunoadsorption?.Schedule;
        if (planned is null || ctx.Onset is not { } onset || d.HasFlag(FlagCode.PossibleNmosd) || d.HasFlag(FlagCode.PossibleMogad))
        {
            return [];
        }

        return
        [
            TimeToApheresis(ctx, onset, planned.Value),
            Age(ctx),
            DiseaseCourse(ctx),
            MriActivity(ctx, onset),
            Reflexes(ctx, onset),
            DiseaseDuration(ctx),
            DisabilityAtAttack(ctx),
        ];
    }

    private static ApheresisResponseFactor Known(ResponseFactor factor, double? number, string? word, string? unit, Favours favours, string effect, bool contested, SourceRef? source, ImmutableArray<string> evidence) =>
        new(factor, number, word, unit, favours, effect, contested, null, evidence, source);

    private static ApheresisResponseFactor Unknown(ResponseFactor factor, string effect, bool contested, string missing, ImmutableArray<string> evidence) =>
        new(factor, null, null, null, Favours.Unknown, effect, contested, missing, evidence, null);

    /// <summary>The published effect and the evidence of a factor: one source, <see cref="ResponseFactorCatalog"/>.</summary>
    private static (string Effect, bool Contested, ImmutableArray<string> Evidence) Definition(ResponseFactor factor)
    {
        var definition = ResponseFactorCatalog.Of(factor);
        return (definition.Effect, definition.Contested, definition.Evidence);
    }

    /// <summary>Days from the attack's onset to the first session: given (the first session since onset), else planned.</summary>
    private static ApheresisResponseFactor TimeToApheresis(EvaluationContext ctx, DateOnly onset, ImmutableArray<PlannedSession> planned)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.TimeToApheresis);
        var given = ctx.SessionsSinceOnset.FirstOrDefault();
        var first = given?.When.Date ?? (planned.IsEmpty ? (DateOnly?)null : planned[0].Date);
        return first is { } date
            ? Known(ResponseFactor.TimeToApheresis, EvaluationContext.Days(onset, date), null, "days", Favours.Continuous, effect, contested, given?.Source, evidence)
            : Unknown(ResponseFactor.TimeToApheresis, effect, contested, "the date of the first apheresis session", evidence);
    }

    private static ApheresisResponseFactor Age(EvaluationContext ctx)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.Age);
        return ctx.AgeYears is { } years
            ? Known(ResponseFactor.Age, years, null, "years", Favours.Continuous, effect, contested, null, evidence)
            : Unknown(ResponseFactor.Age, effect, contested, "the patient's birth date", evidence);
    }

    /// <summary>Progressive by the codes of R2's <c>progressive-course</c> flag; relapsing by an RRMS code; MS without a course code → unknown.</summary>
    private static ApheresisResponseFactor DiseaseCourse(EvaluationContext ctx)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.DiseaseCourse);
        if (ctx.ProgressiveCourse is { } progressive)
        {
            return Known(ResponseFactor.DiseaseCourse, null, "progressive", null, Favours.LessResponse, effect, contested, progressive.Source, evidence);
        }

        var relapsing = ctx.Record.MsDiagnoses.FirstOrDefault(m => m.Active && m.Course == MsCourse.RelapsingRemitting
            && (m.Recorded is null || m.Recorded.Value.Date <= ctx.AsOf));
        return relapsing is not null
            ? Known(ResponseFactor.DiseaseCourse, null, "relapsing", null, Favours.Response, effect, contested, relapsing.Source, evidence)
            : Unknown(ResponseFactor.DiseaseCourse, effect, contested, "the MS course (relapsing-remitting, secondary or primary progressive) on the MS diagnosis", evidence);
    }

    /// <summary>
    /// Enhancement on any MRI dated from onset − 14 days to asOf counts (a scan after steroids may hide it);
    /// <c>absent</c> only when every MRI in that window shows none.
    /// </summary>
    private static ApheresisResponseFactor MriActivity(EvaluationContext ctx, DateOnly onset)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.MriActivity);
        var from = onset.AddDays(-Thresholds.ResponseFactorMriBeforeOnsetDays);
        var scans = ctx.Findings.Where(f => f.Kind == FindingKind.GadoliniumEnhancingLesions && f.When.Date >= from).ToList();
        if (scans.Count == 0)
        {
            return Unknown(ResponseFactor.MriActivity, effect, contested, "an MRI with gadolinium (enhancing lesions present or absent) dated from 14 days before onset", evidence);
        }

        var enhancing = scans.LastOrDefault(f => f.Positive);
        return enhancing is not null
            ? Known(ResponseFactor.MriActivity, null, "present", null, Favours.Response, effect, contested, enhancing.Source, evidence)
            : Known(ResponseFactor.MriActivity, null, "absent", null, Favours.LessResponse, effect, contested, scans[^1].Source, evidence);
    }

    /// <summary>An examination dated from onset to asOf; the latest date decides, and on that date any <c>lost</c> counts.</summary>
    private static ApheresisResponseFactor Reflexes(EvaluationContext ctx, DateOnly onset)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.Reflexes);
        var exams = ctx.Findings.Where(f => f.Kind == FindingKind.DeepTendonReflexes && f.When.Date >= onset).ToList();
        if (exams.Count == 0)
        {
            return Unknown(ResponseFactor.Reflexes, effect, contested, "a deep tendon reflex examination since onset", evidence);
        }

        var latestDate = exams[^1].When.Date;
        var lost = exams.FirstOrDefault(f => f.When.Date == latestDate && !f.Positive);
        return lost is not null
            ? Known(ResponseFactor.Reflexes, null, "lost", null, Favours.LessResponse, effect, contested, lost.Source, evidence)
            : Known(ResponseFactor.Reflexes, null, "preserved", null, Favours.Response, effect, contested, exams[^1].Source, evidence);
    }

    /// <summary>Years, one decimal, from the earliest MS diagnosis condition's onset to asOf (no onset → unknown).</summary>
    private static ApheresisResponseFactor DiseaseDuration(EvaluationContext ctx)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.DiseaseDuration);
        // clinical.md 2026.2: "from the earliest MS diagnosis condition's onset to asOf (no onset → unknown)". The
        // recorded date is when the diagnosis was entered, not when the disease began: it is not used (it would
        // shorten the duration and tilt the factor towards "response").
        var earliest = ctx.Record.MsDiagnoses.Where(m => m.Onset is { } o && o.Date <= ctx.AsOf).MinBy(m => m.Onset!.Value);
        if (earliest is null)
        {
            return Unknown(ResponseFactor.DiseaseDuration, effect, contested, "the onset date of the MS diagnosis", evidence);
        }

        var years = Math.Round(EvaluationContext.Days(earliest.Onset!.Value.Date, ctx.AsOf) / Thresholds.DaysPerYear, 1, MidpointRounding.AwayFromZero);
        return Known(ResponseFactor.DiseaseDuration, years, null, "years", Favours.Continuous, effect, contested, earliest.Source, evidence);
    }

    /// <summary>EDSS at nadir: below 7.5 points to response, 7.5 or more to a poorer outcome (review; contested).</summary>
    private static ApheresisResponseFactor DisabilityAtAttack(EvaluationContext ctx)
    {
        var (effect, contested, evidence) = Definition(ResponseFactor.DisabilityAtAttack);
        return ctx.Nadir is { } nadir
            ? Known(ResponseFactor.DisabilityAtAttack, nadir.Value, null, null,
                nadir.Value < Thresholds.ResponseFactorPoorEdss ? Favours.Response : Favours.LessResponse, effect, contested, nadir.Assessment.Source, evidence)
            : Unknown(ResponseFactor.DisabilityAtAttack, effect, contested, "an EDSS since onset", evidence);
    }
}
