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

    private static ApheresisResponseFactor Known(ResponseFactor factor, double? number, string? word, string? unit, Favours favours, string effect, bool contested, SourceRef? source, params string[] evidence) =>
        new(factor, number, word, unit, favours, effect, contested, null, [.. evidence], source);

    private static ApheresisResponseFactor Unknown(ResponseFactor factor, string effect, bool contested, string missing, params string[] evidence) =>
        new(factor, null, null, null, Favours.Unknown, effect, contested, missing, [.. evidence], null);

    /// <summary>Days from the attack's onset to the first session: given (the first session since onset), else planned.</summary>
    private static ApheresisResponseFactor TimeToApheresis(EvaluationContext ctx, DateOnly onset, ImmutableArray<PlannedSession> planned)
    {
        const string effect = "earlier is better: odds of response × 0.7 per 7 days of delay (E-BLECHINGER-2021); early exchange OR 6.29 for the 6-month response (E-LLUFRIU-2009); the greatest benefit within 14 days of onset in a 2025 review (E-MARRODAN-2025); one large series found no timing effect (E-MAGANA-2011)";
        string[] evidence = ["E-BLECHINGER-2021", "E-LLUFRIU-2009", "E-MARRODAN-2025", "E-MAGANA-2011"];
        var given = ctx.SessionsSinceOnset.FirstOrDefault();
        var first = given?.When.Date ?? (planned.IsEmpty ? (DateOnly?)null : planned[0].Date);
        return first is { } date
            ? Known(ResponseFactor.TimeToApheresis, EvaluationContext.Days(onset, date), null, "days", Favours.Continuous, effect, true, given?.Source, evidence)
            : Unknown(ResponseFactor.TimeToApheresis, effect, true, "the date of the first apheresis session", evidence);
    }

    private static ApheresisResponseFactor Age(EvaluationContext ctx)
    {
        const string effect = "younger is better: odds of response × 0.5 per 5 years older";
        return ctx.AgeYears is { } years
            ? Known(ResponseFactor.Age, years, null, "years", Favours.Continuous, effect, false, null, "E-BLECHINGER-2021")
            : Unknown(ResponseFactor.Age, effect, false, "the patient's birth date", "E-BLECHINGER-2021");
    }

    /// <summary>Progressive by the codes of R2's <c>progressive-course</c> flag; relapsing by an RRMS code; MS without a course code → unknown.</summary>
    private static ApheresisResponseFactor DiseaseCourse(EvaluationContext ctx)
    {
        const string effect = "relapsing course OR 3.1 for response (E-BLECHINGER-2021); 75 % responded in relapsing vs 30 % in progressive disease (E-MAGANA-2011)";
        string[] evidence = ["E-BLECHINGER-2021", "E-MAGANA-2011"];
        if (ctx.ProgressiveCourse is { } progressive)
        {
            return Known(ResponseFactor.DiseaseCourse, null, "progressive", null, Favours.LessResponse, effect, false, progressive.Source, evidence);
        }

        var relapsing = ctx.Record.MsDiagnoses.FirstOrDefault(m => m.Active && m.Course == MsCourse.RelapsingRemitting
            && (m.Recorded is null || m.Recorded.Value.Date <= ctx.AsOf));
        return relapsing is not null
            ? Known(ResponseFactor.DiseaseCourse, null, "relapsing", null, Favours.Response, effect, false, relapsing.Source, evidence)
            : Unknown(ResponseFactor.DiseaseCourse, effect, false, "the MS course (relapsing-remitting, secondary or primary progressive) on the MS diagnosis", evidence);
    }

    /// <summary>
    /// Enhancement on any MRI dated from onset − 14 days to asOf counts (a scan after steroids may hide it);
    /// <c>absent</c> only when every MRI in that window shows none.
    /// </summary>
    private static ApheresisResponseFactor MriActivity(EvaluationContext ctx, DateOnly onset)
    {
        const string effect = "enhancing lesions OR 3.2 for response (E-BLECHINGER-2021); the only multivariable predictor in one cohort (E-EHLER-2015); ring enhancement OR 4.0 (E-MAGANA-2011)";
        string[] evidence = ["E-BLECHINGER-2021", "E-EHLER-2015", "E-MAGANA-2011"];
        var from = onset.AddDays(-Thresholds.ResponseFactorMriBeforeOnsetDays);
        var scans = ctx.Findings.Where(f => f.Kind == FindingKind.GadoliniumEnhancingLesions && f.When.Date >= from).ToList();
        if (scans.Count == 0)
        {
            return Unknown(ResponseFactor.MriActivity, effect, false, "an MRI with gadolinium (enhancing lesions present or absent) dated from 14 days before onset", evidence);
        }

        var enhancing = scans.LastOrDefault(f => f.Positive);
        return enhancing is not null
            ? Known(ResponseFactor.MriActivity, null, "present", null, Favours.Response, effect, false, enhancing.Source, evidence)
            : Known(ResponseFactor.MriActivity, null, "absent", null, Favours.LessResponse, effect, false, scans[^1].Source, evidence);
    }

    /// <summary>An examination dated from onset to asOf; the latest date decides, and on that date any <c>lost</c> counts.</summary>
    private static ApheresisResponseFactor Reflexes(EvaluationContext ctx, DateOnly onset)
    {
        const string effect = "preserved reflexes: about 4-fold more likely to respond (E-MAGANA-2011); a predictor of response (E-KEEGAN-2002)";
        string[] evidence = ["E-MAGANA-2011", "E-KEEGAN-2002"];
        var exams = ctx.Findings.Where(f => f.Kind == FindingKind.DeepTendonReflexes && f.When.Date >= onset).ToList();
        if (exams.Count == 0)
        {
            return Unknown(ResponseFactor.Reflexes, effect, false, "a deep tendon reflex examination since onset", evidence);
        }

        var latestDate = exams[^1].When.Date;
        var lost = exams.FirstOrDefault(f => f.When.Date == latestDate && !f.Positive);
        return lost is not null
            ? Known(ResponseFactor.Reflexes, null, "lost", null, Favours.LessResponse, effect, false, lost.Source, evidence)
            : Known(ResponseFactor.Reflexes, null, "preserved", null, Favours.Response, effect, false, exams[^1].Source, evidence);
    }

    /// <summary>Years, one decimal, from the earliest MS diagnosis condition's onset to asOf (no onset → unknown).</summary>
    private static ApheresisResponseFactor DiseaseDuration(EvaluationContext ctx)
    {
        const string effect = "shorter disease duration predicted response";
        // clinical.md 2026.2: "from the earliest MS diagnosis condition's onset to asOf (no onset → unknown)". The
        // recorded date is when the diagnosis was entered, not when the disease began: it is not used (it would
        // shorten the duration and tilt the factor towards "response").
        var earliest = ctx.Record.MsDiagnoses.Where(m => m.Onset is { } o && o.Date <= ctx.AsOf).MinBy(m => m.Onset!.Value);
        if (earliest is null)
        {
            return Unknown(ResponseFactor.DiseaseDuration, effect, false, "the onset date of the MS diagnosis", "E-MAGANA-2011");
        }

        var years = Math.Round(EvaluationContext.Days(earliest.Onset!.Value.Date, ctx.AsOf) / Thresholds.DaysPerYear, 1, MidpointRounding.AwayFromZero);
        return Known(ResponseFactor.DiseaseDuration, years, null, "years", Favours.Continuous, effect, false, earliest.Source, "E-MAGANA-2011");
    }

    /// <summary>EDSS at nadir: below 7.5 points to response, 7.5 or more to a poorer outcome (review; contested).</summary>
    private static ApheresisResponseFactor DisabilityAtAttack(EvaluationContext ctx)
    {
        const string effect = "EDSS ≥ 7.5 at the attack predicts a poor outcome (E-MARRODAN-2025, review); smaller series disagree on the direction of baseline disability (E-EHLER-2015)";
        string[] evidence = ["E-MARRODAN-2025", "E-EHLER-2015"];
        return ctx.Nadir is { } nadir
            ? Known(ResponseFactor.DisabilityAtAttack, nadir.Value, null, null,
                nadir.Value < Thresholds.ResponseFactorPoorEdss ? Favours.Response : Favours.LessResponse, effect, true, nadir.Assessment.Source, evidence)
            : Unknown(ResponseFactor.DisabilityAtAttack, effect, true, "an EDSS since onset", evidence);
    }
}
