using System.Globalization;
using Hl7.Fhir.Model;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;
using Flag = MsRelapse.Core.Pathway.Flag;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// order-select / order-sign (shared/contract/cds-hooks.md "Cards"): each draft glucocorticoid or apheresis order,
/// recognised with the reader's code tables (<see cref="TherapyCodes"/>), is compared with the recommendation. A
/// card when it is under <c>notRecommended</c>, conflicts with a flag that contraindicates it, differs from the
/// planned dose/route/days (sessions), or misses the escalation to apheresis; agreeing orders give none.
/// </summary>
internal static class OrderCards
{
    /// <summary>An order of a relapse therapy, as read from a draft resource.</summary>
    private sealed record Ordered(Resource Draft, string Reference, ActionCode? Action, bool IsSteroid, ApheresisKind? Apheresis, double? DoseMgPerDay, DoseRoute Route, int? Days, int? Sessions, string What);

    public static List<CdsCard> Build(Recommendation r, IEnumerable<Resource> drafts, CardContext context)
    {
        var cards = new List<CdsCard>();
        if (r.Episode.Status == EpisodeStatus.NoEpisode)
        {
            return cards;
        }

        var proposals = Proposals.Of(r);
        foreach (var order in drafts.Select(Read).OfType<Ordered>())
        {
            if (Check(r, order, proposals, context) is { } card)
            {
                cards.Add(card);
            }
        }

        return cards;
    }

    private static CdsCard? Check(Recommendation r, Ordered order, IReadOnlyDictionary<ActionCode, Resource> proposals, CardContext context)
    {
        var steps = new[] { r.Advice.Primary }.Concat(r.Advice.Concurrent).ToList();
        var key = (string problem) => CdsIds.Of(context.ServiceId, context.PatientId, context.InputKey, "order", order.Reference, problem);

        // 1. A flag that contraindicates this therapy: critical.
        if (Conflict(r, order) is { } flag)
        {
            return Card(key("conflict"), "critical", $"Contraindicated: {order.What} — {WireNames.Of(flag.Code)}",
                $"The draft order ({CardText.Md(order.What)}) conflicts with **{WireNames.Of(flag.Code)}**: {CardText.Md(flag.Message)}",
                r, order, Replacement(r, order, proposals, steps), context);
        }

        // 2. Under notRecommended.
        var notRecommended = r.Advice.NotRecommended.FirstOrDefault(n => Matches(order, n.Action));
        if (notRecommended is not null)
        {
            return Card(key("not-recommended"), "warning", $"Not recommended now: {order.What} — {CardText.Episode(r)}",
                $"**Not recommended:** `{WireNames.Of(notRecommended.Action)}`: {CardText.Md(notRecommended.Reason)}{Evidence(notRecommended.Evidence)}\n\n**Recommended instead:** {CardText.Md(CardText.Step(r.Advice.Primary, r))} ({WireNames.Of(r.Advice.Urgency)}).",
                r, order, Replacement(r, order, proposals, steps), context);
        }

        // 3. A recommended step: check the numbers against the plan.
        var step = steps.FirstOrDefault(s => Matches(order, s), (ActionCode)(-1));
        if ((int)step >= 0)
        {
            var differences = Differences(r, order, step);
            return differences.Count == 0 ? null : Card(key("differs"), "warning", $"Differs from the plan: {order.What}",
                $"The draft order differs from the planned {CardText.Md(CardText.Step(step, r))}:\n\n" + string.Join('\n', differences.Select(d => "- " + d)),
                r, order, proposals.TryGetValue(step, out var p) ? Replace(order, [(step, p)], r) : null, context);
        }

        // An accepted alternative (e.g. immunoadsorption where plasma exchange is primary): agrees.
        if (r.Advice.Alternatives.Any(a => Matches(order, a.Action)))
        {
            return null;
        }

        // 4. A steroid course ordered where apheresis is now the primary: the missed escalation.
        if (order.IsSteroid && r.Advice.Primary is ActionCode.PlasmaExchange or ActionCode.Immunoadsorption)
        {
            return Card(key("missed-escalation"), "warning", $"Escalation missed: {CardText.Step(r.Advice.Primary, r)} is recommended, not more steroids",
                $"The recommendation is **{CardText.Md(CardText.Step(r.Advice.Primary, r))}** ({WireNames.Of(r.Advice.Urgency)}); the draft orders {CardText.Md(order.What)}.",
                r, order, Replacement(r, order, proposals, steps), context);
        }

        return Card(key("not-in-plan"), "info", $"Not in the recommendation: {order.What}",
            $"The recommendation is **{CardText.Md(CardText.Step(r.Advice.Primary, r))}** ({WireNames.Of(r.Advice.Urgency)}); the draft orders {CardText.Md(order.What)}.",
            r, order, null, context);
    }

    private static Flag? Conflict(Recommendation r, Ordered order)
    {
        foreach (var flag in r.Flags)
        {
            var conflicts = flag.Code switch
            {
                FlagCode.SteroidAllergy => order.IsSteroid,
                FlagCode.ApheresisContraindicationHemodynamic or FlagCode.ApheresisContraindicationInfection => order.Apheresis is not null && flag.Severity == FlagSeverity.Critical,
                // Albumin is the plasma-exchange replacement fluid; immunoadsorption uses none.
                FlagCode.TpeCautionAlbuminAllergy => order.Apheresis == ApheresisKind.PlasmaExchange,
                _ => false,
            };
            if (conflicts)
            {
                return flag;
            }
        }

        return null;
    }

    private static bool Matches(Ordered order, ActionCode action) => action switch
    {
        ActionCode.PlasmaExchange => order.Apheresis == ApheresisKind.PlasmaExchange,
        ActionCode.Immunoadsorption => order.Apheresis == ApheresisKind.Immunoadsorption,
        // An order whose route is not given matches any steroid action; otherwise the route and dose decide.
        // An escalated-dose IV order is an IV course (its dose is then compared with the plan); a standard-dose repeat
        // course is not the escalated alternative.
        ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone =>
            order.IsSteroid && (order.Action is null || order.Action == action
                || (order.Action == ActionCode.EscalatedIvMethylprednisolone && action == ActionCode.IvMethylprednisolone)),
        _ => false,
    };

    private static List<string> Differences(Recommendation r, Ordered order, ActionCode step)
    {
        var list = new List<string>();
        if (order.IsSteroid && r.Plan.Steroids is { } plan)
        {
            var plannedRoute = plan.Route == PlannedRoute.Intravenous ? DoseRoute.Intravenous : DoseRoute.Oral;
            if (order.Route != DoseRoute.Unknown && order.Route != plannedRoute)
            {
                list.Add($"route {Route(order.Route)}; planned {Route(plannedRoute)}");
            }

            if (order.DoseMgPerDay is { } dose && plan.DoseMgPerDay is { } planned && Math.Abs(dose - planned) > planned * 0.01)
            {
                list.Add($"dose {CardText.Number(dose)} mg/day; planned {CardText.Number(planned)} mg/day");
            }

            if (order.Days is { } days && days != plan.Days)
            {
                list.Add($"{CardText.Count(days, "day")}; planned {CardText.Count(plan.Days, "day")}");
            }
        }
        else if (order.Sessions is { } sessions)
        {
            var planned = step == ActionCode.PlasmaExchange ? r.Plan.PlasmaExchange?.Schedule.Count(s => !s.Done) : r.Plan.Immunoadsorption?.Schedule.Count(s => !s.Done);
            if (planned is { } n && n > 0 && sessions != n)
            {
                list.Add($"{CardText.Count(sessions, "session")}; planned {CardText.Count(n, "session")}");
            }
        }

        return list;
    }

    private static string Route(DoseRoute route) => route == DoseRoute.Intravenous ? "intravenous" : "oral";

    /// <summary>Replace the draft with the recommended treatment's proposals; only cancel it when there is none.</summary>
    private static CdsSuggestion Replacement(Recommendation r, Ordered order, IReadOnlyDictionary<ActionCode, Resource> proposals, List<ActionCode> steps)
    {
        // Never re-propose the therapy being replaced (a conflicting or not-recommended order of the same kind).
        var creates = steps.Distinct().Where(proposals.ContainsKey).Where(s => !Matches(order, s)).Select(s => (s, proposals[s])).ToList();
        return Replace(order, creates, r);
    }

    private static CdsSuggestion Replace(Ordered order, List<(ActionCode Step, Resource Proposal)> creates, Recommendation r)
    {
        var actions = new List<CdsAction>
        {
            new() { Type = "delete", Description = CardText.Fit($"Remove the draft order ({order.What})"), ResourceId = [order.Reference] },
        };
        actions.AddRange(creates.Select(c => new CdsAction
        {
            Type = "create",
            Description = CardText.Fit($"Propose {CardText.Step(c.Step, r)}"),
            Resource = Proposals.Json(c.Proposal),
        }));
        var label = creates.Count == 0 ? "Remove the draft order" : "Replace with " + string.Join(" with ", creates.Select(c => CardText.Step(c.Step, r)));
        return new CdsSuggestion
        {
            Label = CardText.Fit(label),
            Uuid = CdsIds.Of(order.Reference, "replace", string.Join(',', creates.Select(c => WireNames.Of(c.Step)))),
            IsRecommended = true,
            Actions = actions,
        };
    }

    private static CdsCard Card(string uuid, string indicator, string summary, string detail, Recommendation r, Ordered order, CdsSuggestion? suggestion, CardContext context)
    {
        // The suggestion uuid is scoped by the card's (so two cards never share one).
        suggestion = suggestion is null ? null : suggestion with { Uuid = CdsIds.Of(uuid, suggestion.Uuid) };
        return new CdsCard
        {
            Uuid = uuid,
            Summary = CardText.Fit(summary),
            Indicator = indicator,
            Detail = detail + "\n\nDecision support: it recommends; the clinician decides.",
            Source = PatientViewCards.Source(r),
            Suggestions = suggestion is null ? null : [suggestion],
            SelectionBehavior = suggestion is null ? null : "at-most-one",
            OverrideReasons = PatientViewCards.OverrideReasons,
            Links = [PatientViewCards.Link(context)],
        };
    }

    private static string Evidence(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return list.Count == 0 ? "" : " (" + string.Join(", ", list) + ")";
    }

    // ---- reading the drafts ----------------------------------------------------------------------------------

    private static Ordered? Read(Resource resource)
    {
        var reference = $"{resource.TypeName}/{resource.Id}";
        switch (resource)
        {
            case MedicationRequest mr when TherapyCodes.SteroidOf(mr.Medication as CodeableConcept) is { } steroid:
            {
                var dosage = mr.DosageInstruction.FirstOrDefault();
                var route = TherapyCodes.RouteOf(dosage?.Route);
                var dose = DoseMg(dosage?.DoseAndRate.Select(d => d.Dose).OfType<Quantity>().FirstOrDefault());
                var perDay = dose is { } d && dosage?.Timing?.Repeat is { Frequency: { } f and > 1, PeriodUnit: Timing.UnitsOfTime.D, Period: 1 } ? d * f : dose;
                var days = Days(dosage?.Timing?.Repeat);
                ActionCode? action = route switch
                {
                    DoseRoute.Intravenous => perDay is >= 2000 ? ActionCode.EscalatedIvMethylprednisolone : ActionCode.IvMethylprednisolone,
                    DoseRoute.Oral => ActionCode.OralMethylprednisolone,
                    _ => null,
                };
                var name = steroid.ToString().ToLowerInvariant();
                var what = $"{(route == DoseRoute.Intravenous ? "IV " : route == DoseRoute.Oral ? "oral " : "")}{name}"
                    + (perDay is { } p ? $" {CardText.Number(p)} mg/day" : "") + (days is { } n ? $" × {CardText.Count(n, "day")}" : "");
                return new Ordered(mr, reference, action, true, null, perDay, route, days, null, what);
            }

            case ServiceRequest sr when TherapyCodes.ApheresisOf(sr.Code) is { } kind:
            {
                var sessions = sr.Occurrence switch
                {
                    Timing { EventElement.Count: > 0 } t => t.EventElement.Count,
                    Timing { Repeat.Count: { } c } => c,
                    _ => (int?)null,
                };
                var what = (kind == ApheresisKind.PlasmaExchange ? "plasma exchange" : "immunoadsorption") + (sessions is { } s ? $", {CardText.Count(s, "session")}" : "");
                return new Ordered(sr, reference, kind == ApheresisKind.PlasmaExchange ? ActionCode.PlasmaExchange : ActionCode.Immunoadsorption, false, kind, null, DoseRoute.Unknown, null, sessions, what);
            }

            default:
                return null;
        }
    }

    private static double? DoseMg(Quantity? q)
    {
        if (q?.Value is not { } v)
        {
            return null;
        }

        return (q.Code ?? q.Unit) switch
        {
            "mg" => (double)v,
            "g" => (double)v * 1000,
            _ => null,
        };
    }

    private static int? Days(Timing.RepeatComponent? repeat)
    {
        if (repeat is null)
        {
            return null;
        }

        if (repeat.Count is { } count and > 0)
        {
            return count;
        }

        if (repeat.Bounds is Period { Start: { } s, End: { } e }
            && DateOnly.TryParse(s.AsSpan(0, Math.Min(10, s.Length)), CultureInfo.InvariantCulture, out var start)
            && DateOnly.TryParse(e.AsSpan(0, Math.Min(10, e.Length)), CultureInfo.InvariantCulture, out var end) && end >= start)
        {
            return end.DayNumber - start.DayNumber + 1;
        }

        return repeat.Bounds is Duration { Value: { } n, Code: "d" } ? (int)n : null;
    }
}
