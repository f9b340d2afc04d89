namespace MsRelapse.Core.Pathway.Rules;

/// <summary>
/// R3 — differential diagnosis, always evaluated: R3.1 NMOSD (AQP4-IgG or an NMOSD diagnosis), R3.2 MOGAD
/// (MOG-IgG), R3.3 natalizumab and PML.
/// </summary>
internal static class R3Differential
{
    /// <summary>What R3 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R3",
        Title = "Differential diagnosis",
        Description = "Always evaluated: antibodies or a diagnosis that point to NMOSD or MOGAD, and natalizumab (PML risk), change the treatment and bring in a specialist.",
        SubRules =
        [
            new()
            {
                Id = "R3.1",
                Title = "Possible NMOSD",
                Description = "AQP4-IgG positive or an NMOSD diagnosis: an untreated attack of any severity gets plasma exchange with IV methylprednisolone and specialist review alongside — the same day, urgently after six weeks (flag apheresis-delayed) — and after three months acute treatment is a specialist decision; steroids carry a slow oral taper; MS therapies may harm.",
                Criteria =
                [
                    new("R3.1-nmosd", "AQP4-IgG positive (ever) or an active NMOSD diagnosis.", RuleCatalog.Decided(c => c.HasNmosd)),
                    new("R3.1-untreated", $"Untreated attack of any severity (mild and unknown included): primary plasma exchange, concurrent IV methylprednisolone and specialist review, emergency. More than {Thresholds.SteroidsTooLateDays} days after onset: urgent, and flag apheresis-delayed. More than {Thresholds.ApheresisTooLateDays} days after onset (choice, as R6.5): primary specialist review, urgent, with plasma exchange and IV methylprednisolone as alternatives (\"{LateNmosdReason}\")."),
                    new("R3.1-steroids-only", $"Steroids given but no apheresis session yet, no response, within {Thresholds.ApheresisTooLateDays} days of onset: plasma exchange stays the primary as for an untreated attack (emergency; urgent after {Thresholds.SteroidsTooLateDays} days), the course given standing for the IV methylprednisolone (A49)."),
                    new("R3.1-after", "After first-line treatment R6/R7 decide, with concurrent specialist review and urgency at least urgent; the concurrent specialist review applies under every status in which an attack is evaluated (A10)."),
                    new("R3.1-dmt", "Interferon-beta or natalizumab active: flag dmt-harmful-in-nmosd."),
                ],
                Actions = [ActionCode.PlasmaExchange, ActionCode.IvMethylprednisolone, ActionCode.SpecialistReview],
                Urgency = $"emergency (untreated attack up to {Thresholds.SteroidsTooLateDays} days after onset); urgent after {Thresholds.SteroidsTooLateDays} days, and for the specialist review after {Thresholds.ApheresisTooLateDays} days; at least urgent after treatment",
                Thresholds = [nameof(Thresholds.SteroidsTooLateDays), nameof(Thresholds.ApheresisTooLateDays)],
                Evidence = ["E-IPND-2015", "E-NEMOS-2016", "E-ASFA-2023", "E-BLECHINGER-2021"],
            },
            new()
            {
                Id = "R3.2",
                Title = "Possible MOGAD",
                Description = "MOG-IgG positive: an untreated attack gets IV methylprednisolone followed by a slow oral taper, with specialist review.",
                Criteria =
                [
                    new("R3.2-mogad", "MOG-IgG positive (ever).", RuleCatalog.Decided(c => c.HasMogad)),
                    new("R3.2-untreated", "Untreated attack of any severity: IV methylprednisolone 1,000 mg/day for 5 days, then a slow oral taper, with specialist review."),
                ],
                Actions = [ActionCode.IvMethylprednisolone, ActionCode.SpecialistReview],
                Urgency = "urgent if severe, else soon",
                Thresholds = [nameof(Thresholds.IntravenousMgPerDay), nameof(Thresholds.CourseDays)],
                Evidence = ["E-MOGAD-2023"],
            },
            new()
            {
                Id = "R3.3",
                Title = "Natalizumab: PML risk",
                Description = "On natalizumab, new symptoms may be PML: MRI (and JCV status) with specialist review before any steroid.",
                Criteria = [new("R3.3-natalizumab", "Natalizumab active.", RuleCatalog.Decided(c => c.Natalizumab is not null))],
                Actions = [ActionCode.SpecialistReview],
                Urgency = "at least urgent",
            },
        ],
    };

    /// <summary>R3.1 (2026.2): the reason given to the alternatives of an untreated NMOSD attack more than 90 days old (one text for the rule and its descriptor).</summary>
    internal const string LateNmosdReason = "Acute treatment this late is a specialist decision; maintenance therapy is the priority.";

    /// <summary>The flags, whatever the status.</summary>
    public static void Flags(EvaluationContext ctx, Decision d)
    {
        if (ctx.Nmosd is { } nmosd)
        {
            d.AddFlag(FlagCode.PossibleNmosd, FlagSeverity.Critical,
                "AQP4-IgG positive or NMOSD diagnosed: treat attacks as NMOSD (early apheresis alongside IV methylprednisolone; MS therapies may harm).",
                "E-IPND-2015", "E-NEMOS-2016");
            d.Used("nmosd", "positive", null, nmosd, "R3.1");
            d.Fire("R3.1");
            foreach (var m in ctx.HarmfulInNmosd)
            {
                d.AddFlag(FlagCode.DmtHarmfulInNmosd, FlagSeverity.Critical,
                    "Interferon-beta or natalizumab is active: these MS therapies are ineffective or harmful in NMOSD; review with the NMOSD team." + (m.MatchedByName ? " (Medication recognised by name.)" : string.Empty),
                    "E-IPND-2015");
                d.Used("medication", m.Class.ToString(), m.EffectiveStart, m.Source, "R3.1");
            }
        }

        if (ctx.Mogad is { } mogad)
        {
            d.AddFlag(FlagCode.PossibleMogad, FlagSeverity.Warning,
                "MOG-IgG positive: attacks are steroid-responsive and may rebound when steroids stop quickly; a slow oral taper follows the pulse.",
                "E-MOGAD-2023");
            d.Used("mog-igg", "positive", null, mogad, "R3.2");
            d.Fire("R3.2");
        }

        if (ctx.Natalizumab is { } n)
        {
            d.AddFlag(FlagCode.PmlRisk, FlagSeverity.Warning,
                "Active natalizumab: new symptoms may be PML; MRI (and JCV status) before steroids, with specialist review." + (n.MatchedByName ? " (Medication recognised by name.)" : string.Empty));
            d.Used("medication", "natalizumab", n.EffectiveStart, n.Source, "R3.3");
            d.Fire("R3.3");
        }
    }

    /// <summary>Step 3: first line for an untreated relapse when NMOSD or MOGAD is possible. Returns false when neither applies.</summary>
    public static bool FirstLine(EvaluationContext ctx, Decision d)
    {
        if (ctx.HasNmosd && ctx.DaysSinceOnset > Thresholds.ApheresisTooLateDays)
        {
            // 2026.2: more than 90 days after onset (choice, as R6.5) acute treatment is a specialist decision; the
            // apheresis delay is flagged as after 42 days.
            var days = ctx.DaysSinceOnset!.Value;
            d.SetPrimary(ActionCode.SpecialistReview, Urgency.Urgent, "R3.1");
            d.AddAlternative(ActionCode.PlasmaExchange, LateNmosdReason, "E-NEMOS-2016", "E-BLECHINGER-2021");
            d.AddAlternative(ActionCode.IvMethylprednisolone, LateNmosdReason, "E-NEMOS-2016");
            ApheresisDelayedFlag(d);
            d.Explain("R3.1", $"Possible NMOSD with an attack never treated, {days} days after onset (more than {Thresholds.ApheresisTooLateDays}): acute treatment this late is a specialist decision and maintenance therapy is the priority; specialist review urgently, with plasma exchange and IV methylprednisolone as alternatives.", "E-NEMOS-2016", "E-IPND-2015");
            return true;
        }

        if (ctx.HasNmosd)
        {
            // NMOSD attacks of any severity: early apheresis improves complete remission (E-NEMOS-2016, ASFA II 1B).
            // 2026.2: more than 42 days after onset the urgency is urgent (R6.5 raises apheresis-delayed).
            var delayed = ctx.DaysSinceOnset > Thresholds.SteroidsTooLateDays;
            d.SetPrimary(ActionCode.PlasmaExchange, delayed ? Urgency.Urgent : Urgency.Emergency, "R3.1");
            d.AddConcurrent(ActionCode.IvMethylprednisolone);
            d.AddConcurrent(ActionCode.SpecialistReview);
            d.Explain("R3.1", delayed
                ? $"Possible NMOSD with an untreated attack (of any severity), {ctx.DaysSinceOnset} days after onset (more than {Thresholds.SteroidsTooLateDays}): plasma exchange urgently, with IV methylprednisolone and specialist review alongside."
                : "Possible NMOSD with an untreated attack (of any severity): plasma exchange now, with IV methylprednisolone and specialist review alongside, the same day.", "E-NEMOS-2016", "E-ASFA-2023", "E-IPND-2015");
            return true;
        }

        // A11: with both AQP4-IgG and MOG-IgG positive, NMOSD (above) governs; both flags are shown.
        if (ctx.HasMogad)
        {
            d.SetPrimary(ActionCode.IvMethylprednisolone, ctx.IsSevere ? Urgency.Urgent : Urgency.Soon, "R3.2");
            d.AddConcurrent(ActionCode.SpecialistReview);
            d.Explain("R3.2", "Possible MOGAD with an untreated attack (of any severity): IV methylprednisolone 1,000 mg/day for 5 days followed by a slow oral taper, with specialist review.", "E-MOGAD-2023");
            return true;
        }

        return false;
    }

    /// <summary>The apheresis-delayed warning, worded as R6.5 words it (one text for both rules).</summary>
    public static void ApheresisDelayedFlag(Decision d) =>
        d.AddFlag(FlagCode.ApheresisDelayed, FlagSeverity.Warning,
            "More than 6 weeks since onset: the response to plasma exchange falls about 30 % with each week of delay.",
            "E-BLECHINGER-2021");

    /// <summary>Step 4, first modifier: R3's concurrent actions once treatment has started, and R3.3 at any ongoing attack.</summary>
    public static void Concurrent(EvaluationContext ctx, Decision d, bool ongoingRelapseTreated)
    {
        if (ctx.HasNmosd && ongoingRelapseTreated)
        {
            if (ctx.SessionsSinceOnset.IsEmpty && d.SteroidResponse != ResponseStatus.Responded && ctx.DaysSinceOnset <= Thresholds.ApheresisTooLateDays
                && d.Primary is not (ActionCode.PlasmaExchange or ActionCode.Immunoadsorption))
            {
                // A49: R3.1's first line is plasma exchange with IV methylprednisolone alongside; "after first-line
                // treatment R6/R7 decide". Steroids alone are half of it: the attack has not had its first-line treatment
                // while no apheresis session has been given, and R6 would have it wait a week or more after the course
                // for a response before apheresis, against early apheresis in NMOSD attacks (E-NEMOS-2016). Unless it has
                // responded (R6.3), plasma exchange stays the primary as for an untreated attack (emergency; urgent after 42
                // days), the steroid course given standing for the concurrent IV methylprednisolone; R6's judgement of
                // the steroid response is kept.
                var delayed = ctx.DaysSinceOnset > Thresholds.SteroidsTooLateDays;
                d.SetPrimary(ActionCode.PlasmaExchange, delayed ? Urgency.Urgent : Urgency.Emergency, "R3.1");
                d.Explain("R3.1", $"Possible NMOSD, treated with steroids but no apheresis yet: the first line is not complete, so plasma exchange {(delayed ? "urgently" : "now")}, the steroid course given standing for the IV methylprednisolone alongside it, with specialist review.", "E-NEMOS-2016", "E-ASFA-2023");
            }
            else
            {
                d.Explain("R3.1", "Possible NMOSD after first-line treatment: the response rules decide, with specialist review and at least urgent.", "E-NEMOS-2016");
            }

            d.AddConcurrent(ActionCode.SpecialistReview);
            d.RaiseFloor(Urgency.Urgent);
        }

        if (ctx.HasMogad && !ctx.HasNmosd && ongoingRelapseTreated)
        {
            d.AddConcurrent(ActionCode.SpecialistReview);
            d.Explain("R3.2", "Possible MOGAD after treatment: the response rules decide, with specialist review.", "E-MOGAD-2023");
        }

        if (ctx.Natalizumab is not null)
        {
            // R3 is "always evaluated" and R3.3's review is not a first-line action: it applies to any ongoing attack
            // (choice kept by the lead, A10: PML must be excluded before steroids).
            d.AddConcurrent(ActionCode.SpecialistReview);
            d.RaiseFloor(Urgency.Urgent);
            d.Explain("R3.3", "On natalizumab: specialist review (MRI, JCV) at least urgently; any steroid only after MRI has excluded PML.");
        }
    }

    /// <summary>
    /// For an ongoing attack whose status is not <c>relapse</c> (unconfirmed, pseudo-relapse, possible progression):
    /// NMOSD and PML still need a specialist urgently (choice kept by the lead, A10: an NMOSD attack
    /// is a neurological emergency, E-NEMOS-2016 — safer than observe/routine; PML must be excluded whatever the
    /// episode turns out to be).
    /// </summary>
    public static void NonRelapseReview(EvaluationContext ctx, Decision d)
    {
        if (ctx.HasNmosd || ctx.Natalizumab is not null)
        {
            if (d.Primary != ActionCode.SpecialistReview)
            {
                d.AddConcurrent(ActionCode.SpecialistReview);
            }

            d.RaiseFloor(Urgency.Urgent);
            d.Explain(ctx.HasNmosd ? "R3.1" : "R3.3", "Possible NMOSD or PML with new symptoms: specialist review at least urgently, whatever the episode turns out to be.");
        }
    }
}
