using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway.Rules;

/// <summary>R7 — apheresis given since onset governs: in progress, interrupted, or completed and judged.</summary>
internal static class R7Apheresis
{
    /// <summary>What R7 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R7",
        Title = "Apheresis given",
        Description = "Once any plasma exchange or immunoadsorption session has been given for the attack, the course is completed, resumed by a specialist, or judged.",
        SubRules =
        [
            new()
            {
                Id = "R7.1",
                Title = "Course in progress",
                Description = "Fewer than five sessions and the last one recent: continue the course.",
                Criteria = [new("R7.1-in-progress", $"Fewer than {Thresholds.ApheresisCourseSessions} sessions and the last ≤ {Thresholds.ApheresisInterruptedAfterDays} days ago.")],
                Actions = [ActionCode.PlasmaExchange, ActionCode.Immunoadsorption],
                Urgency = "urgent with possible NMOSD or a severe attack, else soon",
                Thresholds = [nameof(Thresholds.ApheresisCourseSessions), nameof(Thresholds.ApheresisInterruptedAfterDays)],
                Evidence = ["E-ASFA-2023"],
            },
            new()
            {
                Id = "R7.2",
                Title = "Course interrupted",
                Description = "Fewer than five sessions and none recently: a specialist decides whether to resume.",
                Criteria = [new("R7.2-interrupted", $"Fewer than {Thresholds.ApheresisCourseSessions} sessions and the last > {Thresholds.ApheresisInterruptedAfterDays} days ago.")],
                Actions = [ActionCode.SpecialistReview],
                Urgency = "soon",
                Thresholds = [nameof(Thresholds.ApheresisCourseSessions), nameof(Thresholds.ApheresisInterruptedAfterDays)],
            },
            new()
            {
                Id = "R7.3",
                Title = "Course completed: response",
                Description = "After five sessions, judge the response as for steroids; late responders are common, so wait four weeks before calling it a failure.",
                Criteria = [new("R7.3-judge", $"≥ {Thresholds.ApheresisCourseSessions} sessions: responded → rehabilitation or observe; not responded and < {Thresholds.ApheresisResponseDays} days after the last session → await response; ≥ {Thresholds.ApheresisResponseDays} days → specialist review.")],
                Actions = [ActionCode.Rehabilitation, ActionCode.Observe, ActionCode.AwaitResponse, ActionCode.SpecialistReview],
                Urgency = "routine or soon",
                Thresholds = [nameof(Thresholds.ApheresisCourseSessions), nameof(Thresholds.ApheresisResponseDays), nameof(Thresholds.RespondedWithinBaseline), nameof(Thresholds.RespondedMinImprovement)],
                Evidence = ["E-LLUFRIU-2009"],
            },
        ],
    };

    public static void Apply(EvaluationContext ctx, Decision d)
    {
        var sessions = ctx.SessionsSinceOnset;
        var last = sessions[^1];
        var lastDate = last.When.Date;
        var sinceLast = EvaluationContext.Days(lastDate, ctx.AsOf);
        var count = sessions.Length;
        d.Used("apheresis-sessions", count.ToString(System.Globalization.CultureInfo.InvariantCulture), lastDate, last.Source, "R7");

        // Apheresis that followed a steroid course means the steroid response was inadequate.
        var firstSession = sessions[0].When.Date;
        d.SteroidResponse = ctx.CoursesForAttack.Any(c => c.End <= firstSession) ? ResponseStatus.Inadequate : ResponseStatus.NotApplicable;

        if (count < Thresholds.ApheresisCourseSessions)
        {
            d.Stage = TreatmentStage.ApheresisInProgress;
            d.ApheresisResponse = ResponseStatus.NotApplicable;
            if (sinceLast <= Thresholds.ApheresisInterruptedAfterDays)
            {
                var kind = last.Kind == ApheresisKind.Immunoadsorption ? ActionCode.Immunoadsorption : ActionCode.PlasmaExchange;
                d.SetPrimary(kind, ctx.HasNmosd || ctx.IsSevere ? Urgency.Urgent : Urgency.Soon, "R7.1");
                // R7: sessions of both kinds count together; R7.1: the plan lists the remaining sessions (PlanBuilder).
                var remaining = Thresholds.ApheresisCourseSessions - count;
                d.Explain("R7.1", $"{count} of {Thresholds.ApheresisCourseSessions} sessions given (plasma exchange and immunoadsorption count together), the last {(sinceLast == 0 ? "today" : Text.Count(sinceLast, "day") + " ago")}: continue the course with the {Text.Count(remaining, "remaining session")}.", "E-ASFA-2023");
            }
            else
            {
                d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R7.2");
                d.Explain("R7.2", $"The apheresis course was interrupted after {Text.Count(count, "session")} (the last {Text.Count(sinceLast, "day")} ago): specialist review.", "E-ASFA-2023");
            }

            return;
        }

        d.Stage = TreatmentStage.ApheresisCompleted;
        var judge = ctx.EdssByDate.LastOrDefault(e => e.Date > lastDate);
        if (judge is null)
        {
            d.ApheresisResponse = ResponseStatus.Unknown;
            d.SetPrimary(ActionCode.AwaitResponse, Urgency.Soon, "R7.3");
            d.ReassessOn = ctx.AsOf;
            d.Missing(MissingItem.EdssAfterApheresis, "judging the response to apheresis (EDSS after the last session)", blocking: true);
            d.Explain("R7.3", $"Apheresis completed ({count} sessions, the last on {Text.Date(lastDate)}) with no EDSS since: assess EDSS now.", "E-LLUFRIU-2009");
            return;
        }

        d.Used("edss", judge.Value, judge.Date, judge.Assessment.Source, "R7.3");
        var outcome = Response.Judge(ctx, judge.Value);
        if (outcome == Response.Outcome.Responded)
        {
            d.ApheresisResponse = ResponseStatus.Responded;
            var above = ctx.Baseline is not null && judge.Value > ctx.Baseline.Value;
            d.SetPrimary(above ? ActionCode.Rehabilitation : ActionCode.Observe, Urgency.Routine, "R7.3");
            d.Explain("R7.3", $"EDSS {Text.Number(judge.Value)} after apheresis: responded{(above ? "; rehabilitation for the remaining deficit" : string.Empty)}.", "E-ASFA-2023");
            return;
        }

        if (outcome == Response.Outcome.UnknownWithoutBaseline)
        {
            // R7.3 judges "as R6.3": without a baseline and with an improvement from the nadir under 1.0 the response
            // cannot be judged → unknown, specialist review, soon, edss-baseline missing (A16, lead's ruling on the audit).
            // Unlike R6.3, plasma exchange is not offered as an alternative: the apheresis course was just given.
            d.ApheresisResponse = ResponseStatus.Unknown;
            d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R7.3");
            d.Missing(MissingItem.EdssBaseline, "judging the response to apheresis", blocking: true);
            d.Explain("R7.3", $"EDSS {Text.Number(judge.Value)} after apheresis improved less than 1.0 from the highest, and there is no baseline: the response cannot be judged (as R6.3); specialist review.", "E-ASFA-2023");
            return;
        }

        if (sinceLast < Thresholds.ApheresisResponseDays)
        {
            d.ApheresisResponse = ResponseStatus.TooEarly;
            d.SetPrimary(ActionCode.AwaitResponse, Urgency.Routine, "R7.3");
            d.ReassessOn = lastDate.AddDays(Thresholds.ApheresisResponseDays);
            d.Explain("R7.3", $"No response yet {Text.Count(sinceLast, "day")} after the last session: late responses are common (39 % at discharge, 63 % at 6 months); reassess on {Text.Date(lastDate.AddDays(Thresholds.ApheresisResponseDays))}.", "E-LLUFRIU-2009");
            return;
        }

        d.ApheresisResponse = ResponseStatus.Inadequate;
        d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R7.3");
        d.Explain("R7.3", $"No response {sinceLast} days after the last session: specialist review (fulminant disease: only case-level evidence for cyclophosphamide or rituximab).", "E-LLUFRIU-2009");
    }
}
