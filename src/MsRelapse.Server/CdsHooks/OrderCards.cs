using System.Globalization;
using Hl7.Fhir.Model;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Core.Steroids;
using MsRelapse.Fhir;
using Flag = MsRelapse.Core.Pathway.Flag;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// A draft order of <c>context.draftOrders</c>: the resource, its entry's fullUrl, its position in the Bundle, and the
/// Bundle's Medications (<see cref="TherapyCodes.MedicationsOf"/>), which a medication order may name by reference.
/// </summary>
internal sealed record DraftOrder(Resource Resource, string? FullUrl, int Index, IReadOnlyDictionary<string, Medication> Medications);

/// <summary>
/// order-select / order-sign (shared/contract/cds-hooks.md "Cards"): each draft glucocorticoid or apheresis order,
/// recognised with the reader's code tables (<see cref="TherapyCodes"/>), is compared with the recommendation. A
/// card when it is under <c>notRecommended</c>, conflicts with a flag that contraindicates it, differs from the
/// planned dose/route/days (sessions), or misses the escalation to apheresis; agreeing orders give none.
/// </summary>
internal static class OrderCards
{
    /// <summary>An order of a relapse therapy, as read from a draft resource.</summary>
    /// <param name="Draft">The draft resource.</param>
    /// <param name="Identity">What card and suggestion uuids derive from: the reference when the draft has an id (so those
    /// uuids are unchanged), else its entry's fullUrl, else its position in the draftOrders Bundle.</param>
    /// <param name="Reference"><c>Type/id</c>; null when the draft has no id (then nothing can be deleted by reference).</param>
    /// <param name="Action">The action the order amounts to (null: a steroid without a route).</param>
    /// <param name="IsSteroid">A glucocorticoid order.</param>
    /// <param name="Drug">The glucocorticoid ordered.</param>
    /// <param name="Apheresis">An apheresis order: which kind.</param>
    /// <param name="DoseMgPerDay">mg/day of the drug ordered; null when it could not be worked out (<paramref name="DoseProblem"/>).</param>
    /// <param name="MpEquivalentMgPerDay"><paramref name="DoseMgPerDay"/> in methylprednisolone equivalents (clinical.md "Steroid plan": methylprednisolone 4 mg = prednisone 5 mg).</param>
    /// <param name="DoseProblem">For a steroid: why the daily dose could not be worked out, else null.</param>
    /// <param name="Route">The steroid's route.</param>
    /// <param name="Days">The steroid course's days.</param>
    /// <param name="Sessions">The apheresis sessions.</param>
    /// <param name="What">The order in words, for the cards.</param>
    /// <param name="PlacentaCrossing">An order of a glucocorticoid that crosses the placenta (not a relapse steroid): its ingredient.</param>
    /// <param name="TaperMgPerDay">A steroid order whose dosage instructions, in sequence, end lower than they start: their mg/day.</param>
    private sealed record Ordered(Resource Draft, string Identity, string? Reference, ActionCode? Action, bool IsSteroid, SteroidDrug? Drug, ApheresisKind? Apheresis,
        double? DoseMgPerDay, double? MpEquivalentMgPerDay, string? DoseProblem, DoseRoute Route, int? Days, int? Sessions, string What, string? PlacentaCrossing = null,
        IReadOnlyList<double>? TaperMgPerDay = null);

    /// <summary>Whether any draft is a glucocorticoid or apheresis order this service checks.</summary>
    public static bool AnyTherapy(IEnumerable<DraftOrder> drafts) => drafts.Any(d => Read(d) is not null);

    public static List<CdsCard> Build(Recommendation r, IEnumerable<DraftOrder> drafts, CardContext context)
    {
        var cards = new List<CdsCard>();
        if (r.Episode.Status == EpisodeStatus.NoEpisode)
        {
            // No attack to treat: the orders are not relapse treatment, and only a dose no regimen of the pathway reaches is
            // worth a word (a dose error, mg for µg, g for mg, is the likelier reading).
            foreach (var order in drafts.Select(Read).OfType<Ordered>())
            {
                if (AboveHighestDose(r, order, null, context) is { } card)
                {
                    cards.Add(card);
                }
            }

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
        var key = (string problem) => Key(context, order, problem);

        // 0. Dexamethasone or betamethasone: outside the pathway, but never the glucocorticoid of a relapse in pregnancy.
        if (order.PlacentaCrossing is { } ingredient)
        {
            return r.Flags.FirstOrDefault(f => f.Code == FlagCode.Pregnancy) is { } pregnancy ? InPregnancy(r, order, ingredient, pregnancy, proposals, steps, key("pregnancy"), context) : null;
        }

        // 0b. A daily dose above every regimen of the pathway.
        if (AboveHighestDose(r, order, () => Replacement(r, order, proposals, steps), context) is { } overdose)
        {
            return overdose;
        }

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
            var suggestion = proposals.TryGetValue(step, out var p) ? Replace(order, [(step, p)], r) : null;
            if (Tapered(step, () => suggestion) is { } tapered)
            {
                return tapered;
            }

            var differences = Differences(r, order, step);
            if (differences.Count > 0)
            {
                return Card(key("differs"), "warning", $"Differs from the plan: {order.What}",
                    $"The draft order differs from the planned {CardText.Md(CardText.Step(step, r))}:\n\n" + string.Join('\n', differences.Select(d => "- " + d)),
                    r, order, suggestion, context);
            }

            // A daily dose that cannot be worked out is never read as agreeing with the plan.
            if (order.IsSteroid && order.DoseProblem is { } problem && r.Plan.Steroids?.DoseMgPerDay is { } plannedDose)
            {
                return Card(key("dose-unchecked"), "warning", $"Daily dose not checked against the plan: {order.What}",
                    $"The daily dose of the draft order could not be worked out ({CardText.Md(problem)}), so it was not checked against the planned {CardText.Md(CardText.Step(step, r))} "
                    + $"({CardText.Number(plannedDose)} mg/day). Check the dose and its timing.",
                    r, order, suggestion, context);
            }

            return null;
        }

        // 3b. A current fever or infection (flags fever/infection, warning): a steroid comes only "once the infection is
        // treated" (clinical.md R8.2: the steroid "moves to alternatives 'once the infection is treated'"; "a steroid that is
        // only an alternative keeps its place with that condition"; R2.3: "steroids are not given during an untreated
        // infection"), and apheresis only "once infection is controlled" (R8.3.2: an infection with onset in the last 14 days
        // and not abated, or fever in the last 3 days — the fever and infection flags' own windows). Whether the order is an
        // alternative or not in the recommendation at all, ordered now it comes before the infection is treated. (With
        // sepsis the flags are critical and the order conflicts with them: step 1.)
        var alternative = r.Advice.Alternatives.FirstOrDefault(a => Matches(order, a.Action));
        if ((order.IsSteroid || order.Apheresis is not null)
            && r.Flags.FirstOrDefault(f => f.Code is FlagCode.Fever or FlagCode.Infection && f.Severity == FlagSeverity.Warning) is { } infection)
        {
            var creates = Creates(order, proposals, steps);
            var why = order.IsSteroid ? "treated" : "controlled";
            var place = alternative is not null
                ? $"The recommendation lists `{WireNames.Of(alternative.Action)}` only as an alternative: {CardText.Md(alternative.Reason)}{Evidence(alternative.Evidence)}"
                : $"The recommendation does not list {CardText.Md(order.What)} now.";
            // An alternative comes once the infection is treated; an order the recommendation does not list is not made now.
            var summary = alternative is not null
                ? $"Treat the {WireNames.Of(infection.Code)} first: {order.What} only once it is {why}"
                : $"Treat the {WireNames.Of(infection.Code)} first: not {order.What} while it lasts";
            return Card(key("infection-first"), "warning", summary,
                $"**{WireNames.Of(infection.Code)}**: {CardText.Md(infection.Message)}\n\n{place} "
                + (order.IsSteroid ? "Steroids are not given during an untreated infection (pathway R8.2, E-NICE-2022: exclude infection)." : "Apheresis waits until the infection is controlled (pathway R8.3).")
                + $"\n\n**Recommended now:** {CardText.Md(CardText.Step(r.Advice.Primary, r))} ({WireNames.Of(r.Advice.Urgency)}).",
                r, order, creates.Count > 0 ? Replace(order, creates, r) : null, context);
        }

        // 3c. An accepted alternative (e.g. immunoadsorption where plasma exchange is primary): agrees when its numbers are
        // the alternative's regimen (where the recommendation gives one), and it is not a taper.
        if (alternative is not null)
        {
            var differences = AlternativeDifferences(r, order, alternative.Action, out var regimen);
            if (differences.Count > 0)
            {
                return Card(key("differs-alternative"), "warning", $"Differs from the alternative: {order.What}",
                    $"The draft order is the alternative `{WireNames.Of(alternative.Action)}` ({CardText.Md(alternative.Reason)}{Evidence(alternative.Evidence)}), but differs from its regimen, {CardText.Md(regimen!)}:\n\n"
                    + string.Join('\n', differences.Select(d => "- " + d))
                    + $"\n\n**Recommended:** {CardText.Md(CardText.Step(r.Advice.Primary, r))} ({WireNames.Of(r.Advice.Urgency)}).",
                    r, order, null, context);
            }

            return Tapered(r.Advice.Primary, () => Replacement(r, order, proposals, steps));
        }

        // 4. A steroid course ordered after the steroid response was judged inadequate, where apheresis is now the primary:
        // the missed escalation (R6.4). (Apheresis primary for another reason — an NMOSD or MOGAD attack, R3 — is no escalation.)
        if (order.IsSteroid && r.Episode.SteroidResponse == ResponseStatus.Inadequate && r.Advice.Primary is ActionCode.PlasmaExchange or ActionCode.Immunoadsorption)
        {
            return Card(key("missed-escalation"), "warning", $"Escalation missed: {CardText.Step(r.Advice.Primary, r)} is recommended, not more steroids",
                $"The recommendation is **{CardText.Md(CardText.Step(r.Advice.Primary, r))}** ({WireNames.Of(r.Advice.Urgency)}); the draft orders {CardText.Md(order.What)}.",
                r, order, Replacement(r, order, proposals, steps), context);
        }

        // 5. A glucocorticoid below the planned pulse's daily dose, by a route the plan does not use: clinical.md R5
        // "Never: lower doses" (E-NICE-2022: no lower doses) — not merely "not in the recommendation". Ordered as a taper,
        // it is the taper card (R5 "Never: … a taper after an MS pulse"), which says both.
        if (order.IsSteroid && r.Plan.Steroids is not null && Tapered(r.Advice.Primary, () => Replacement(r, order, proposals, steps)) is { } taperCard)
        {
            return taperCard;
        }

        if (order.IsSteroid && order.MpEquivalentMgPerDay is { } dose && r.Plan.Steroids is { DoseMgPerDay: { } plannedMg } plan
            && MpEquivalentMg(PlannedDrug(plan), plannedMg) is var planned && dose < planned * 0.99)
        {
            return Card(key("lower-dose"), "warning", $"Lower than the relapse pulse: {order.What}",
                $"The draft order gives {CardText.Number(dose)} mg/day in methylprednisolone equivalents; the planned course is {CardText.Md(CardText.Step(plan.Action, r))} "
                + $"({CardText.Number(planned)} mg/day methylprednisolone equivalent). A relapse is treated with a pulse, never with lower doses (E-NICE-2022). "
                + "If this order is for another condition, it is outside this pathway."
                + $"\n\n**Recommended:** {CardText.Md(CardText.Step(r.Advice.Primary, r))} ({WireNames.Of(r.Advice.Urgency)}).",
                r, order, Replacement(r, order, proposals, steps), context);
        }

        return Card(key("not-in-plan"), "info", $"Not in the recommendation: {order.What}",
            $"The recommendation is **{CardText.Md(CardText.Step(r.Advice.Primary, r))}** ({WireNames.Of(r.Advice.Urgency)}); the draft orders {CardText.Md(order.What)}.",
            r, order, null, context);

        // clinical.md R5 "Never: … a taper after an MS pulse" (clinical-evidence.md §2.3: generally unnecessary after a
        // 3–5-day pulse; E-NICE-2022: no lower doses; the plan's own note): a steroid the
        // recommendation lists, ordered as a taper. A slow taper follows the pulse only in an NMOSD or MOGAD attack
        // (R3.1, R3.2), whose plan carries one.
        CdsCard? Tapered(ActionCode planned, Func<CdsSuggestion?> suggestion) =>
            order.TaperMgPerDay is { } taper && r.Plan.Steroids?.Taper is null
                ? Card(key("taper"), "warning", $"No taper after an MS pulse: {order.What}",
                    $"The draft order lowers the daily dose step by step ({string.Join(" → ", taper.Select(CardText.Number))} mg/day). After a 3–5-day pulse for an MS "
                    + "relapse the steroid stops without a taper, which is generally unnecessary (pathway R5), and no lower doses are given (E-NICE-2022). A slow taper follows the pulse only in an NMOSD or MOGAD "
                    + $"attack, which this record does not suggest.\n\n**Recommended:** {CardText.Md(CardText.Step(planned, r))} ({WireNames.Of(r.Advice.Urgency)}).",
                    r, order, suggestion(), context)
                : null;
    }

    /// <summary>The uuid of an order's card for <paramref name="problem"/>: stable for the same input (feedback names it).</summary>
    private static string Key(CardContext context, Ordered order, string problem) =>
        CdsIds.Of(context.ServiceId, context.PatientId, context.InputKey, "order", order.Identity, problem);

    /// <summary>
    /// A glucocorticoid order whose daily dose (methylprednisolone equivalents; any instruction of a taper) is above the
    /// highest of every regimen the pathway gives: escalated IV methylprednisolone 2,000 mg/day × 5 days (clinical.md R6.4,
    /// E-PFEUFFER-2020). No relapse regimen goes higher, and a unit slip (g for mg) is the likelier reading than intent.
    /// </summary>
    private static CdsCard? AboveHighestDose(Recommendation r, Ordered order, Func<CdsSuggestion?>? suggestion, CardContext context)
    {
        var highest = SteroidRegimens.EscalatedIntravenous;
        var dose = order.MpEquivalentMgPerDay ?? (order.TaperMgPerDay is { } taper && order.Drug is { } drug ? MpEquivalentMg(drug, taper.Max()) : null);
        if (!order.IsSteroid || dose is not { } mg || mg <= highest.DoseMgPerDay * 1.01)
        {
            return null;
        }

        return Card(Key(context, order, "above-highest-dose"), "warning", $"Above the pathway's highest dose: {order.What}",
            $"The draft order gives {CardText.Number(mg)} mg/day in methylprednisolone equivalents: above the highest daily dose of any relapse regimen of this "
            + $"pathway, escalated {Course(highest.Route, Name(highest.Drug), highest.DoseMgPerDay, highest.Days)} (pathway R6.4, E-PFEUFFER-2020). "
            + "Check the dose and its unit (mg, g). If this order is for another condition, it is outside this pathway."
            + (r.Episode.Status == EpisodeStatus.NoEpisode
                ? "\n\nThe record holds no current attack to treat."
                : $"\n\n**Recommended:** {CardText.Md(CardText.Step(r.Advice.Primary, r))} ({WireNames.Of(r.Advice.Urgency)})."),
            r, order, suggestion?.Invoke(), context);
    }

    /// <summary>
    /// How an order of an alternative differs from that alternative's regimen: a steroid from the plan's course when the
    /// plan's steroid is that action, or from escalated IV methylprednisolone 2,000 mg/day × 5 days (R6.4); an apheresis
    /// order's sessions from the plan's schedule of that kind. Empty when the recommendation gives no numbers to compare.
    /// </summary>
    private static List<string> AlternativeDifferences(Recommendation r, Ordered order, ActionCode alternative, out string? regimen)
    {
        regimen = null;
        if (order.IsSteroid)
        {
            if (r.Plan.Steroids is { } plan && plan.Action == alternative)
            {
                regimen = CardText.Step(alternative, r);
                return Differences(r, order, alternative);
            }

            if (alternative == ActionCode.EscalatedIvMethylprednisolone)
            {
                var escalated = SteroidRegimens.EscalatedIntravenous;
                regimen = Course(escalated.Route, Name(escalated.Drug), escalated.DoseMgPerDay, escalated.Days);
                return SteroidDifferences(order, escalated.Route, escalated.Drug, escalated.DoseMgPerDay, escalated.Days);
            }

            return [];
        }

        regimen = CardText.Step(alternative, r);
        return Differences(r, order, alternative);
    }

    /// <summary>
    /// A glucocorticoid that crosses the placenta, ordered in pregnancy: clinical.md R5 "Never: … dexamethasone in
    /// pregnancy", R9 <c>pregnancy</c> ("methylprednisolone or prednisolone, never dexamethasone"); clinical-evidence.md
    /// §8 names betamethasone with it. A warning, not a critical card: the same drugs are given on purpose, in pregnancy,
    /// as antenatal corticosteroids for fetal lung maturity, an obstetric decision that this pathway does not cover
    /// (those are intramuscular, and an order by another route than intravenous or oral is not read here at all).
    /// The suggestion replaces the draft with the recommended steroid course, when the recommendation has one.
    /// </summary>
    private static CdsCard InPregnancy(Recommendation r, Ordered order, string ingredient, Flag pregnancy, IReadOnlyDictionary<ActionCode, Resource> proposals, List<ActionCode> steps, string uuid, CardContext context)
    {
        var steroidCourses = Creates(order, proposals, steps)
            .Where(c => c.Step is ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone).ToList();
        return Card(uuid, "warning", $"Pregnancy: {order.What} — for the relapse, methylprednisolone or prednisolone",
            $"**pregnancy**: {CardText.Md(pregnancy.Message)}\n\n{CardText.Md(char.ToUpperInvariant(ingredient[0]) + ingredient[1..])} crosses the placenta freely; methylprednisolone and "
            + "prednisolone are about 90 % inactivated by it (placental 11β-HSD2), so a relapse in pregnancy is treated with them. If this order is an antenatal "
            + "corticosteroid for fetal lung maturity, it is outside this pathway: the obstetric team decides."
            + $"\n\n**Recommended:** {CardText.Md(CardText.Step(r.Advice.Primary, r))} ({WireNames.Of(r.Advice.Urgency)}).",
            r, order, steroidCourses.Count > 0 ? Replace(order, steroidCourses, r) : null, context);
    }

    private static Flag? Conflict(Recommendation r, Ordered order)
    {
        foreach (var flag in r.Flags)
        {
            var conflicts = flag.Code switch
            {
                FlagCode.SteroidAllergy => order.IsSteroid,
                // clinical.md R8.2 and "Flag severities": fever/infection are critical with sepsis, and steroids are then
                // not recommended at all ("never with sepsis"): a steroid order conflicts with them; so does an apheresis order
                // (R8.3.2: an infection, sepsis included, is a critical contraindication to apheresis).
                FlagCode.Fever or FlagCode.Infection => (order.IsSteroid || order.Apheresis is not null) && flag.Severity == FlagSeverity.Critical,
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
            list = SteroidDifferences(order, plan.Route == PlannedRoute.Intravenous ? DoseRoute.Intravenous : DoseRoute.Oral, PlannedDrug(plan), plan.DoseMgPerDay, plan.Days);
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

    /// <summary>How a steroid order differs from a course (route, daily dose, days).</summary>
    private static List<string> SteroidDifferences(Ordered order, DoseRoute plannedRoute, SteroidDrug plannedDrug, double? plannedMg, int plannedDays)
    {
        var list = new List<string>();
        if (order.Route != DoseRoute.Unknown && order.Route != plannedRoute)
        {
            list.Add($"route {Route(order.Route)}; planned {Route(plannedRoute)}");
        }

        // Compared in methylprednisolone equivalents (clinical.md: methylprednisolone 4 mg = prednisone 5 mg; prednisolone
        // as prednisone), whatever glucocorticoid the draft or the plan names.
        if (order.MpEquivalentMgPerDay is { } dose && plannedMg is { } mg)
        {
            var planned = MpEquivalentMg(plannedDrug, mg);
            if (Math.Abs(dose - planned) > planned * 0.01)
            {
                var ordered = order.Drug is { } drug && drug != SteroidDrug.Methylprednisolone
                    ? $"dose {CardText.Number(order.DoseMgPerDay!.Value)} mg/day {Name(drug)} = {CardText.Number(dose)} mg/day methylprednisolone equivalent"
                    : $"dose {CardText.Number(dose)} mg/day";
                var plannedText = plannedDrug == SteroidDrug.Methylprednisolone
                    ? $"{CardText.Number(mg)} mg/day"
                    : $"{CardText.Number(mg)} mg/day {Name(plannedDrug)} = {CardText.Number(planned)} mg/day methylprednisolone equivalent";
                list.Add($"{ordered}; planned {plannedText}");
            }
        }

        if (order.Days is { } days && days != plannedDays)
        {
            list.Add($"{CardText.Count(days, "day")}; planned {CardText.Count(plannedDays, "day")}");
        }

        return list;
    }

    private static SteroidDrug PlannedDrug(SteroidPlan plan) =>
        Enum.TryParse<SteroidDrug>(plan.Drug, ignoreCase: true, out var drug) ? drug : SteroidDrug.Methylprednisolone;

    private static string Route(DoseRoute route) => route == DoseRoute.Intravenous ? "intravenous" : "oral";

    private static string Name(SteroidDrug drug) => drug.ToString().ToLowerInvariant();

    /// <summary>mg of methylprednisolone with the effect of <paramref name="mg"/> of <paramref name="drug"/> (4 mg = prednisone 5 mg).</summary>
    private static double MpEquivalentMg(SteroidDrug drug, double mg) =>
        drug == SteroidDrug.Methylprednisolone ? mg : mg / Thresholds.PrednisonePerMethylprednisolone;

    /// <summary>Replace the draft with the recommended treatment's proposals; only cancel it when there is none.</summary>
    private static CdsSuggestion? Replacement(Recommendation r, Ordered order, IReadOnlyDictionary<ActionCode, Resource> proposals, List<ActionCode> steps) =>
        Replace(order, Creates(order, proposals, steps), r);

    // Never re-propose the therapy being replaced (a conflicting or not-recommended order of the same kind).
    private static List<(ActionCode Step, Resource Proposal)> Creates(Ordered order, IReadOnlyDictionary<ActionCode, Resource> proposals, List<ActionCode> steps) =>
        steps.Distinct().Where(proposals.ContainsKey).Where(s => !Matches(order, s)).Select(s => (s, proposals[s])).ToList();

    /// <summary>
    /// Delete the draft (when it has an id to name) and create the proposals; null when there is nothing to do (a draft
    /// without an id and no proposal: the card's text asks to amend or remove the draft).
    /// </summary>
    private static CdsSuggestion? Replace(Ordered order, List<(ActionCode Step, Resource Proposal)> creates, Recommendation r)
    {
        var actions = new List<CdsAction>();
        if (order.Reference is { } reference)
        {
            actions.Add(new() { Type = "delete", Description = CardText.Fit($"Remove the draft order ({order.What})"), ResourceId = [reference] });
        }
        else if (creates.Count == 0)
        {
            return null;
        }

        actions.AddRange(creates.Select(c => new CdsAction
        {
            Type = "create",
            Description = CardText.Fit($"Propose {CardText.Step(c.Step, r)}"),
            Resource = Proposals.Json(c.Proposal),
        }));
        var steps = string.Join(" with ", creates.Select(c => CardText.Step(c.Step, r)));
        var label = creates.Count == 0 ? "Remove the draft order" : order.Reference is null ? "Order " + steps + " (remove the draft yourself)" : "Replace with " + steps;
        return new CdsSuggestion
        {
            Label = CardText.Fit(label),
            Uuid = CdsIds.Of(order.Identity, "replace", string.Join(',', creates.Select(c => WireNames.Of(c.Step)))),
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
            Detail = detail + (order.Reference is null ? "\n\nThe draft order has no id, so it cannot be removed from here: amend or remove it in the order entry." : "")
                + "\n\nDecision support: it recommends; the clinician decides.",
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

    private static Ordered? Read(DraftOrder draft)
    {
        var resource = draft.Resource;
        string? reference = string.IsNullOrEmpty(resource.Id) ? null : $"{resource.TypeName}/{resource.Id}";
        // Without an id: the entry's fullUrl, else its position in the Bundle (stable for the same input, distinct per draft).
        var identity = reference ?? (string.IsNullOrEmpty(draft.FullUrl) ? $"draftOrders entry {draft.Index}" : $"draftOrders fullUrl {draft.FullUrl}");
        switch (resource)
        {
            case MedicationRequest mr when TherapyCodes.SteroidOf(mr, draft.Medications) is { } steroid:
            {
                var dosage = mr.DosageInstruction.FirstOrDefault();
                var route = TherapyCodes.RouteOf(dosage?.Route);
                var repeat = dosage?.Timing?.Repeat;
                var perDay = DailyDoseMg(mr, out var problem);
                var mpPerDay = perDay is { } mg ? MpEquivalentMg(steroid, mg) : (double?)null;
                var days = Days(repeat, DosesPerDay(repeat));
                ActionCode? action = route switch
                {
                    DoseRoute.Intravenous => mpPerDay is >= 2000 ? ActionCode.EscalatedIvMethylprednisolone : ActionCode.IvMethylprednisolone,
                    DoseRoute.Oral => ActionCode.OralMethylprednisolone,
                    _ => null,
                };
                var taper = Taper(mr);
                var what = taper is null
                    ? Course(route, Name(steroid), perDay, days)
                    : $"{Course(route, Name(steroid), null, null)} taper {CardText.Number(taper[0])} → {CardText.Number(taper[^1])} mg/day";
                return new Ordered(mr, identity, reference, action, true, steroid, null, perDay, mpPerDay, problem, route, days, null, what, TaperMgPerDay: taper);
            }

            case MedicationRequest mr when TherapyCodes.PlacentaCrossingSteroidOf(mr, draft.Medications) is { } ingredient:
            {
                var dosage = mr.DosageInstruction.FirstOrDefault();
                var route = TherapyCodes.RouteOf(dosage?.Route);
                if (route == DoseRoute.Unknown && dosage?.Route is not null)
                {
                    return null; // intramuscular (antenatal corticosteroids), topical, inhaled, …: not a course for a relapse
                }

                var perDay = DailyDoseMg(mr, out _);
                var days = Days(dosage?.Timing?.Repeat, DosesPerDay(dosage?.Timing?.Repeat));
                return new Ordered(mr, identity, reference, null, false, null, null, perDay, null, null, route, days, null, Course(route, ingredient, perDay, days), ingredient);
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
                return new Ordered(sr, identity, reference, kind == ApheresisKind.PlasmaExchange ? ActionCode.PlasmaExchange : ActionCode.Immunoadsorption, false, null, kind, null, null, null, DoseRoute.Unknown, null, sessions, what);
            }

            default:
                return null;
        }
    }

    /// <summary>A glucocorticoid course in words, for the cards: "IV methylprednisolone 1,000 mg/day × 5 days".</summary>
    private static string Course(DoseRoute route, string drug, double? mgPerDay, int? days) =>
        $"{(route == DoseRoute.Intravenous ? "IV " : route == DoseRoute.Oral ? "oral " : "")}{drug}"
        + (mgPerDay is { } mg ? $" {CardText.Number(mg)} mg/day" : "") + (days is { } n ? $" × {CardText.Count(n, "day")}" : "");

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

    /// <summary>
    /// mg/day = dose (mg) × <c>timing.repeat.frequency</c> (default 1) × (1 day / period in its unit: s, min, h, d, wk);
    /// null, with the reason, when that cannot be worked out (no dose in mg or g, no period or a unit that does not
    /// convert to days, several dosage instructions).
    /// </summary>
    private static double? DailyDoseMg(MedicationRequest mr, out string? problem)
    {
        problem = null;
        if (mr.DosageInstruction.Count > 1)
        {
            problem = "several dosage instructions";
            return null;
        }

        return DailyDoseMg(mr.DosageInstruction.FirstOrDefault(), out problem);
    }

    private static double? DailyDoseMg(Dosage? dosage, out string? problem)
    {
        problem = null;
        if (DoseMg(dosage?.DoseAndRate.Select(d => d.Dose).OfType<Quantity>().FirstOrDefault()) is not { } dose)
        {
            problem = "no dose in mg";
            return null;
        }

        if (DosesPerDay(dosage?.Timing?.Repeat) is not { } perDay)
        {
            problem = "no dosing interval in seconds, minutes, hours, days or weeks";
            return null;
        }

        return dose * perDay;
    }

    /// <summary>
    /// The mg/day of each dosage instruction, in their <c>sequence</c> (as written where it is not given), when there are
    /// several, each has a daily dose, and the last is below the first: a taper. Null otherwise.
    /// </summary>
    private static List<double>? Taper(MedicationRequest mr)
    {
        if (mr.DosageInstruction.Count < 2)
        {
            return null;
        }

        var doses = mr.DosageInstruction.OrderBy(d => d.Sequence ?? int.MaxValue).Select(d => DailyDoseMg(d, out _)).ToList();
        return doses.All(d => d is not null) && doses[^1] < doses[0] ? [.. doses.Select(d => d!.Value)] : null;
    }

    /// <summary>Doses a day: frequency (default 1) per period, the period converted to days; null when it does not convert.</summary>
    private static double? DosesPerDay(Timing.RepeatComponent? repeat)
    {
        if (repeat?.Period is not { } period || period <= 0 || repeat.Frequency is <= 0)
        {
            return null;
        }

        double? days = repeat.PeriodUnit switch
        {
            Timing.UnitsOfTime.S => (double)period / 86_400,
            Timing.UnitsOfTime.Min => (double)period / 1_440,
            Timing.UnitsOfTime.H => (double)period / 24,
            Timing.UnitsOfTime.D => (double)period,
            Timing.UnitsOfTime.Wk => (double)period * 7,
            _ => null, // months and years have no fixed length in days
        };
        return days is { } d ? (repeat.Frequency ?? 1) / d : null;
    }

    private static int? Days(Timing.RepeatComponent? repeat, double? dosesPerDay)
    {
        if (repeat is null)
        {
            return null;
        }

        if (repeat.Count is { } count and > 0)
        {
            // count is the number of doses (FHIR Timing): with several doses a day, the days they span.
            return dosesPerDay is > 1 ? (int)Math.Ceiling((count / dosesPerDay.Value) - 1e-9) : count;
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
