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

    // A factor's published effect, contested mark and evidence come from its definition: one source, ResponseFactorCatalog.
    private static ApheresisResponseFactor Known(ResponseFactorDefinition d, double? number, string? word, string? unit, Favours favours, SourceRef? source) =>
        new(d.Factor, number, word, unit, favours, d.Effect, d.Contested, null, d.Evidence, source);

    private static ApheresisResponseFactor Unknown(ResponseFactorDefinition d, string missing) =>
        new(d.Factor, null, null, null, Favours.Unknown, d.Effect, d.Contested, missing, d.Evidence, null);

    /// <summary>Days from the attack's onset to the first session: given (the first session since onset), else planned.</summary>
    private static ApheresisResponseFactor TimeToApheresis(EvaluationContext ctx, DateOnly onset, ImmutableArray<PlannedSession> planned)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.TimeToApheresis);
        var given = ctx.SessionsSinceOnset.FirstOrDefault();
        var first = given?.When.Date ?? (planned.IsEmpty ? (DateOnly?)null : planned[0].Date);
        return first is { } date
            ? Known(d, EvaluationContext.Days(onset, date), null, "days", Favours.Continuous, given?.Source)
            : Unknown(d, "the date of the first apheresis session");
    }

    private static ApheresisResponseFactor Age(EvaluationContext ctx)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.Age);
        return ctx.AgeYears is { } years
            ? Known(d, years, null, "years", Favours.Continuous, null)
            : Unknown(d, "the patient's birth date");
    }

    /// <summary>Progressive by the codes of R2's <c>progressive-course</c> flag; relapsing by an RRMS code; MS without a course code → unknown.</summary>
    private static ApheresisResponseFactor DiseaseCourse(EvaluationContext ctx)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.DiseaseCourse);
        if (ctx.ProgressiveCourse is { } progressive)
        {
            return Known(d, null, "progressive", null, Favours.LessResponse, progressive.Source);
        }

        var relapsing = ctx.Record.MsDiagnoses.FirstOrDefault(m => m.Active && m.Course == MsCourse.RelapsingRemitting
            && (m.Recorded is null || m.Recorded.Value.Date <= ctx.AsOf));
        return relapsing is not null
            ? Known(d, null, "relapsing", null, Favours.Response, relapsing.Source)
            : Unknown(d, "the MS course (relapsing-remitting, secondary or primary progressive) on the MS diagnosis");
    }

    /// <summary>
    /// Enhancement on any MRI dated from onset − 14 days to asOf counts (a scan after steroids may hide it);
    /// <c>absent</c> only when every MRI in that window shows none.
    /// </summary>
    private static ApheresisResponseFactor MriActivity(EvaluationContext ctx, DateOnly onset)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.MriActivity);
        var from = onset.AddDays(-Thresholds.ResponseFactorMriBeforeOnsetDays);
        var scans = ctx.Findings.Where(f => f.Kind == FindingKind.GadoliniumEnhancingLesions && f.When.Date >= from).ToList();
        if (scans.Count == 0)
        {
            return Unknown(d, "an MRI with gadolinium (enhancing lesions present or absent) dated from 14 days before onset");
        }

        var enhancing = scans.LastOrDefault(f => f.Positive);
        return enhancing is not null
            ? Known(d, null, "present", null, Favours.Response, enhancing.Source)
            : Known(d, null, "absent", null, Favours.LessResponse, scans[^1].Source);
    }

    /// <summary>An examination dated from onset to asOf; the latest date decides, and on that date any <c>lost</c> counts.</summary>
    private static ApheresisResponseFactor Reflexes(EvaluationContext ctx, DateOnly onset)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.Reflexes);
        var exams = ctx.Findings.Where(f => f.Kind == FindingKind.DeepTendonReflexes && f.When.Date >= onset).ToList();
        if (exams.Count == 0)
        {
            return Unknown(d, "a deep tendon reflex examination since onset");
        }

        var latestDate = exams[^1].When.Date;
        var lost = exams.FirstOrDefault(f => f.When.Date == latestDate && !f.Positive);
        return lost is not null
            ? Known(d, null, "lost", null, Favours.LessResponse, lost.Source)
            : Known(d, null, "preserved", null, Favours.Response, exams[^1].Source);
    }

    /// <summary>Years, one decimal, from the earliest MS diagnosis condition's onset to asOf (no onset → unknown).</summary>
    private static ApheresisResponseFactor DiseaseDuration(EvaluationContext ctx)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.DiseaseDuration);
        // clinical.md 2026.2: "from the earliest MS diagnosis condition's onset to asOf (no onset → unknown)". The
        // recorded date is when the diagnosis was entered, not when the disease began: it is not used (it would
        // shorten the duration and tilt the factor towards "response").
        var earliest = ctx.Record.MsDiagnoses.Where(m => m.Onset is { } o && o.Date <= ctx.AsOf).MinBy(m => m.Onset!.Value);
        if (earliest is null)
        {
            return Unknown(d, "the onset date of the MS diagnosis");
        }

        var years = Math.Round(EvaluationContext.Days(earliest.Onset!.Value.Date, ctx.AsOf) / Thresholds.DaysPerYear, 1, MidpointRounding.AwayFromZero);
        return Known(d, years, null, "years", Favours.Continuous, earliest.Source);
    }

    /// <summary>EDSS at nadir: below 7.5 points to response, 7.5 or more to a poorer outcome (review; contested).</summary>
    private static ApheresisResponseFactor DisabilityAtAttack(EvaluationContext ctx)
    {
        var d = ResponseFactorCatalog.Of(ResponseFactor.DisabilityAtAttack);
        return ctx.Nadir is { } nadir
            ? Known(d, nadir.Value, null, null,
                nadir.Value < Thresholds.ResponseFactorPoorEdss ? Favours.Response : Favours.LessResponse, nadir.Assessment.Source)
            : Unknown(d, "an EDSS since onset");
    }
}
