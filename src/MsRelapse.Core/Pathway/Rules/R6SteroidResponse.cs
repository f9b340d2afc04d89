using MsRelapse.Core.Pathway.Facts;
using MsRelapse.Core.Model;
namespace MsRelapse.Core.Pathway.Rules;

/// <summary>R6 — response to a steroid course given since the attack's onset (E-STOPPE-2017).</summary>
internal static class R6SteroidResponse
{
    /// <summary>What R6 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R6",
        Title = "Response to steroids",
        Description = "After a steroid course for the attack, judges whether it worked and escalates when it did not.",
        SubRules =
        [
            new()
            {
                Id = "R6.1",
                Title = "Too early to judge",
                Description = "Less than a week after the course: wait, unless the EDSS has risen since the course ended.",
                Criteria = [new("R6.1-early", $"Fewer than {Thresholds.SteroidResponseEarliestDays} days after the course end; escalate early only when the EDSS rose ≥ {Thresholds.EarlyWorseningEdss:0.0} above its value at course end.")],
                Actions = [ActionCode.AwaitResponse, ActionCode.SpecialistReview, ActionCode.PlasmaExchange],
                Urgency = "routine (soon or urgent when worsening)",
                Thresholds = [nameof(Thresholds.SteroidResponseEarliestDays), nameof(Thresholds.SteroidReassessDays), nameof(Thresholds.EarlyWorseningEdss)],
                Evidence = ["E-STOPPE-2017"],
            },
            new()
            {
                Id = "R6.2",
                Title = "No assessment to judge",
                Description = "No EDSS after the course: the response is unknown; assess now.",
                Criteria = [new("R6.2-none", $"No assessment dated ≥ course end + {Thresholds.SteroidResponseEarliestDays} days.")],
                Actions = [ActionCode.AwaitResponse],
                Urgency = "soon",
                Thresholds = [nameof(Thresholds.SteroidResponseEarliestDays)],
                Evidence = ["E-STOPPE-2017"],
            },
            new()
            {
                Id = "R6.3",
                Title = "Responded",
                Description = "The EDSS is back near baseline or has clearly improved: rehabilitation or observe.",
                Criteria = [new("R6.3-responded", $"Latest ≤ baseline + {Thresholds.RespondedWithinBaseline:0.0}, or improved from nadir by ≥ {Thresholds.RespondedMinImprovement:0.0} and ≥ half the rise; without a baseline, improved ≥ {Thresholds.RespondedMinImprovement:0.0} (else specialist review).")],
                Actions = [ActionCode.Rehabilitation, ActionCode.Observe, ActionCode.SpecialistReview, ActionCode.PlasmaExchange],
                Urgency = "routine",
                Thresholds = [nameof(Thresholds.RespondedWithinBaseline), nameof(Thresholds.RespondedMinImprovement)],
                Evidence = ["E-STOPPE-2017"],
            },
            new()
            {
                Id = "R6.4",
                Title = "Inadequate response: escalate",
                Description = "The course did not work: IV steroids after an oral course in an attack that is not severe; otherwise plasma exchange, with immunoadsorption, escalated IV steroids (adults) and IVIG as alternatives.",
                Criteria =
                [
                    new("R6.4-after-oral", $"After an oral course, attack not severe: IV methylprednisolone {Thresholds.IntravenousMgPerDay:0,0} mg/day × {Thresholds.CourseDays} days; alternatives plasma exchange, immunoadsorption."),
                    new("R6.4-after-iv", $"After an IV course, or a severe attack: plasma exchange; alternatives immunoadsorption, escalated IV methylprednisolone {Thresholds.EscalatedMgPerDay:0,0} mg/day × {Thresholds.CourseDays} days (adults only), IVIG."),
                ],
                Actions = [ActionCode.IvMethylprednisolone, ActionCode.PlasmaExchange, ActionCode.Immunoadsorption, ActionCode.EscalatedIvMethylprednisolone, ActionCode.Ivig],
                NotRecommended = [ActionCode.OralMethylprednisolone, ActionCode.SymptomaticTherapy],
                Urgency = "urgent if severe, else soon",
                Thresholds = [nameof(Thresholds.IntravenousMgPerDay), nameof(Thresholds.EscalatedMgPerDay), nameof(Thresholds.CourseDays)],
                Evidence = ["E-NICE-2022", "E-AAN-2011", "E-ASFA-2023", "E-WEINSHENKER-1999", "E-IA-DORST-2019", "E-PFEUFFER-2020", "E-IVIG-2004", "E-MENACTRIMS-2023"],
            },
            new()
            {
                Id = "R6.5",
                Title = "Apheresis delayed",
                Description = "Apheresis helps less the later it starts: flag after six weeks, a specialist decision after three months.",
                Criteria = [new("R6.5-delay", $"Apheresis chosen more than {Thresholds.SteroidsTooLateDays} days after onset: flag apheresis-delayed; more than {Thresholds.ApheresisTooLateDays} days: specialist review, apheresis as an alternative. (NMOSD apheresis under R3.1: the flag after {Thresholds.SteroidsTooLateDays} days; after {Thresholds.ApheresisTooLateDays} days R3.1's own demotion, 2026.2.)")],
                Actions = [ActionCode.SpecialistReview, ActionCode.PlasmaExchange],
                Urgency = "soon (urgent for a severe attack)",
                Thresholds = [nameof(Thresholds.SteroidsTooLateDays), nameof(Thresholds.ApheresisTooLateDays)],
                Evidence = ["E-BLECHINGER-2021"],
            },
        ],
    };

    /// <summary>The number of different days with a dose (several doses on one day are one course day).</summary>
    private static int DistinctDays(SteroidCourse course) => course.Doses.Select(x => x.Day).Distinct().Count();

    public static void Apply(EvaluationContext ctx, Decision d)
    {
        var course = ctx.LastCourseForAttack!;
        var end = course.End;
        var sinceEnd = EvaluationContext.Days(end, ctx.AsOf);
        var route = course.IsIntravenous ? "IV" : "oral";
        d.Used("steroid-course-end", Text.Date(end), end, course.Doses[^1].Source, "R6");
        var courseDays = Text.Count(DistinctDays(course), "day");
        // Choice (A4): a last dose without a route is read as oral, so R6.4's next step is IV
        // steroids with apheresis listed; the clinician must see that this was assumed.
        var unknownRoute = course.Route == Model.DoseRoute.Unknown
            ? "; route not recorded: read as oral (check it: after a failed IV course the next step is apheresis)"
            : string.Empty;
        d.Explain("R6", $"{Text.Capital(Text.Article(route))} {route} course of {courseDays} ended {Text.Date(end)}, {Text.Count(sinceEnd, "day")} ago{unknownRoute}.", "E-STOPPE-2017");

        if (sinceEnd < Thresholds.SteroidResponseEarliestDays)
        {
            var atEnd = ctx.LatestBetween(ctx.Onset!.Value, end);
            var after = ctx.EdssByDate.LastOrDefault(e => e.Date > end);
            if (atEnd is not null && after is not null && after.Value - atEnd.Value >= Thresholds.EarlyWorseningEdss)
            {
                d.SteroidResponse = ResponseStatus.Inadequate;
                d.Used("edss", after.Value, after.Date, after.Assessment.Source, "R6.1");
                if (ctx.IsSevere)
                {
                    d.Explain("R6.1", $"EDSS has risen from {Text.Number(atEnd.Value)} to {Text.Number(after.Value)} since the course ended, in a severe attack: escalate now.", "E-STOPPE-2017");
                    Escalate(ctx, d, "R6.1", forceApheresis: true);
                }
                else
                {
                    // A14: not severe → specialist review, soon, with no alternatives listed (the text names none).
                    d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R6.1");
                    d.Explain("R6.1", $"EDSS has risen from {Text.Number(atEnd.Value)} to {Text.Number(after.Value)} since the course ended: specialist review.", "E-STOPPE-2017");
                }

                return;
            }

            d.SteroidResponse = ResponseStatus.TooEarly;
            d.SetPrimary(ActionCode.AwaitResponse, Urgency.Routine, "R6.1");
            d.ReassessOn = end.AddDays(Thresholds.SteroidReassessDays);
            d.Explain("R6.1", $"Fewer than {Thresholds.SteroidResponseEarliestDays} days since the course ended: too early to judge; reassess on {Text.Date(end.AddDays(Thresholds.SteroidReassessDays))}.", "E-STOPPE-2017");
            return;
        }

        var judge = ctx.EdssByDate.LastOrDefault(e => e.Date >= end.AddDays(Thresholds.SteroidResponseEarliestDays));
        if (judge is null)
        {
            d.SteroidResponse = ResponseStatus.Unknown;
            d.SetPrimary(ActionCode.AwaitResponse, Urgency.Soon, "R6.2");
            d.ReassessOn = ctx.AsOf;
            d.Missing(MissingItem.EdssAfterSteroids, "judging the response to steroids (EDSS at least 7 days after the course)", blocking: true);
            d.Explain("R6.2", "No EDSS at least 7 days after the course: the response cannot be judged; assess EDSS now.", "E-STOPPE-2017");
            return;
        }

        d.Used("edss", judge.Value, judge.Date, judge.Assessment.Source, "R6.2");
        switch (Response.Judge(ctx, judge.Value))
        {
            case Response.Outcome.Responded:
                d.SteroidResponse = ResponseStatus.Responded;
                var above = Response.AboveBaseline(ctx, judge.Value);
                d.SetPrimary(above ? ActionCode.Rehabilitation : ActionCode.Observe, Urgency.Routine, "R6.3");
                d.Explain("R6.3", $"EDSS {Text.Number(judge.Value)} on {Text.Date(judge.Date)}: responded to steroids{(above ? "; rehabilitation for the remaining deficit" : string.Empty)}.", "E-STOPPE-2017");
                return;
            case Response.Outcome.UnknownWithoutBaseline:
                d.SteroidResponse = ResponseStatus.Unknown;
                d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R6.3");
                d.AddAlternative(ActionCode.PlasmaExchange, "If the specialist judges the response inadequate (second line, ASFA category II).", "E-ASFA-2023", "E-AAN-2011");
                d.Missing(MissingItem.EdssBaseline, "judging the response to steroids", blocking: true);
                d.Explain("R6.3", $"EDSS {Text.Number(judge.Value)} improved less than 1.0 from the highest, and there is no baseline: the response cannot be judged; specialist review.", "E-STOPPE-2017");
                return;
            default:
                d.SteroidResponse = ResponseStatus.Inadequate;
                d.Explain("R6.4", $"EDSS {Text.Number(judge.Value)} on {Text.Date(judge.Date)}: inadequate response to steroids.", "E-STOPPE-2017");
                Escalate(ctx, d, "R6.4", forceApheresis: false);
                return;
        }
    }

    /// <summary>
    /// A5: a course is defined by its dose, so a dose without an amount is not counted; R6 names each one since onset
    /// (drug and date, once per drug and day) so that a clinician checks what was given, whichever rule then decides.
    /// </summary>
    public static void ReportDosesWithoutAmount(EvaluationContext ctx, Decision d)
    {
        if (ctx.Onset is not { } onset)
        {
            return;
        }

        SteroidDose? previous = null;
        foreach (var dose in ctx.DosesWithoutAmount)
        {
            if (dose.Day < onset || (previous is not null && previous.Day == dose.Day && previous.Drug == dose.Drug))
            {
                continue;
            }

            previous = dose;
            d.Explain("R6", $"A {DrugName(dose.Drug)} dose without an amount on {Text.Date(dose.Day)} was not counted as relapse treatment; check what was given.");
        }
    }

    private static string DrugName(SteroidDrug drug) => drug switch
    {
        SteroidDrug.Prednisone => "prednisone",
        SteroidDrug.Prednisolone => "prednisolone",
        _ => "methylprednisolone",
    };

    /// <summary>R6.4: escalation after an inadequate response.</summary>
    public static void Escalate(EvaluationContext ctx, Decision d, string rule, bool forceApheresis)
    {
        var course = ctx.LastCourseForAttack!;
        if (!forceApheresis && !course.IsIntravenous && !ctx.IsSevere)
        {
            d.SetPrimary(ActionCode.IvMethylprednisolone, Urgency.Soon, rule);
            d.AddAlternative(ActionCode.PlasmaExchange, "Second line if IV steroids are unsuitable (ASFA category II).", "E-ASFA-2023", "E-AAN-2011");
            d.AddAlternative(ActionCode.Immunoadsorption, "Equivalent to plasma exchange, without replacement fluid.", "E-IA-DORST-2019", "E-ASFA-2023");
            d.Explain(rule, "After an oral course in an attack that is not severe: IV methylprednisolone 1,000 mg/day for 5 days.", "E-NICE-2022");
        }
        else
        {
            d.SetPrimary(ActionCode.PlasmaExchange, ctx.IsSevere ? Urgency.Urgent : Urgency.Soon, rule);
            d.AddAlternative(ActionCode.Immunoadsorption, "Equivalent to plasma exchange, without replacement fluid.", "E-IA-DORST-2019", "E-ASFA-2023");
            if (!ctx.IsChild)
            {
                d.AddAlternative(ActionCode.EscalatedIvMethylprednisolone, "IV methylprednisolone 2,000 mg/day for 5 days: inferior to plasma exchange; adults only.", "E-PFEUFFER-2020");
            }
            else
            {
                d.AddNotRecommended(ActionCode.EscalatedIvMethylprednisolone, "Escalated steroid doses are for adults only.", "E-PEDS-2021");
            }

            d.AddAlternative(ActionCode.Ivig, "Only where apheresis and steroids are both unsuitable: IVIG adds nothing to steroids for relapses.", "E-IVIG-2004");
            d.Explain(rule, $"After {(course.IsIntravenous ? "an IV course" : "a course")}{(ctx.IsSevere ? " in a severe attack" : string.Empty)}: plasma exchange (second line for steroid-resistant relapses).", "E-AAN-2011", "E-ASFA-2023", "E-WEINSHENKER-1999");
            if (!ctx.IsSevere)
            {
                d.Explain(rule, "The attack is not severe: MENACTRIMS reserves plasma exchange for severe disability that fails IV methylprednisolone; weigh this with the specialist.", "E-MENACTRIMS-2023");
            }
        }

        // R6.4 "not recommended: oral-methylprednisolone (repeating a failed course)". A47: the reason names the route of the
        // course that failed (an IV course too: oral methylprednisolone would repeat it), and none when no dose recorded one.
        var failed = course.Route switch
        {
            DoseRoute.Intravenous => "a failed IV course",
            DoseRoute.Oral => "a failed oral course",
            _ => "a failed course",
        };
        d.AddNotRecommended(ActionCode.OralMethylprednisolone, $"Repeating {failed}.", "E-NICE-2022");
        d.AddNotRecommended(ActionCode.SymptomaticTherapy, "Symptomatic drugs treat symptoms, not the attack; they are not relapse treatment.");
    }

    /// <summary>
    /// R6.5: apheresis chosen by R3.1, R6.1, R6.4 or R8.1 more than 42 days after onset → flag; more than 90 days →
    /// specialist review with apheresis as an alternative (never for R3.1's first-line NMOSD apheresis: flag only).
    /// </summary>
    public static void Delay(EvaluationContext ctx, Decision d)
    {
        if (!Decision.IsApheresis(d.Primary) || d.PrimaryRule is not ("R3.1" or "R6.1" or "R6.4" or "R8.1") || ctx.DaysSinceOnset is not { } days)
        {
            return;
        }

        if (days > Thresholds.SteroidsTooLateDays)
        {
            R3Differential.ApheresisDelayedFlag(d);
            d.Fire("R6.5");
        }

        // R6.5: "(NMOSD apheresis under R3.1 gets the flag only, never the demotion.)" Only R3.1's first line for an
        // untreated NMOSD attack is exempt; apheresis that R6.1, R6.4 or R8.1 chose for NMOSD after treatment is
        // demoted like any other (A34, lead's ruling on the audit). R3.1's floor ("after first-line treatment … urgency at
        // least urgent", applied in R3Differential.Concurrent) keeps that review urgent.
        if (days > Thresholds.ApheresisTooLateDays && d.PrimaryRule != "R3.1")
        {
            var action = d.Primary;
            d.DisplacePrimary(ActionCode.SpecialistReview, "Apheresis this late (more than 90 days after onset) is a specialist decision.", ["E-BLECHINGER-2021"], "R6.5");
            d.Lower(ctx.IsSevere ? Urgency.Urgent : Urgency.Soon, Urgency.Routine);
            d.Explain("R6.5", $"{days} days since onset: apheresis is unlikely to help this late; specialist review, with {WireNames.Of(action)} as an alternative.", "E-BLECHINGER-2021");
        }
    }
}

/// <summary>R6.3's response judgement, shared with R7.3.</summary>
internal static class Response
{
    public enum Outcome
    {
        Responded,
        NotResponded,
        UnknownWithoutBaseline,
    }

    /// <summary>
    /// Responded when latest ≤ baseline + 0.5, or the improvement from the nadir is ≥ 1.0 and ≥ half of the rise.
    /// Without a baseline: responded when the improvement is ≥ 1.0, else unknown.
    /// </summary>
    public static Outcome Judge(EvaluationContext ctx, double latest)
    {
        var nadir = ctx.Nadir?.Value ?? latest;
        var improvement = nadir - latest;
        if (ctx.Baseline is { } b)
        {
            var rise = nadir - b.Value;
            return latest <= b.Value + Thresholds.RespondedWithinBaseline || (improvement >= Thresholds.RespondedMinImprovement && improvement >= rise / 2)
                ? Outcome.Responded
                : Outcome.NotResponded;
        }

        return improvement >= Thresholds.RespondedMinImprovement ? Outcome.Responded : Outcome.UnknownWithoutBaseline;
    }

    /// <summary>
    /// Responded: is a deficit left (rehabilitation) or not (observe)? Latest above the baseline; 2026.2 (R6.3
    /// clarification) without a baseline: latest above 0. R7.3 judges "as R6.3" and uses the same test.
    /// </summary>
    public static bool AboveBaseline(EvaluationContext ctx, double latest) =>
        latest > (ctx.Baseline?.Value ?? 0);
}
