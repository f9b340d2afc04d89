using System.Globalization;

namespace MsRelapse.Core.Pathway.Rules;

/// <summary>R8 — safety modifiers, in order: 8.1 steroid allergy, 8.2 infection and steroids, 8.3 apheresis safety, 8.4 steroid cautions.</summary>
internal static class R8Safety
{
    /// <summary>What R8 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R8",
        Title = "Safety modifiers",
        Description = "Allergies, infection, blood pressure and laboratory values can replace or caution the treatment chosen so far.",
        SubRules =
        [
            new()
            {
                Id = "R8.1",
                Title = "Steroid allergy",
                Description = "A documented steroid allergy raises flag steroid-allergy whenever an attack is evaluated (2026.2: every status except no-episode) and moves every steroid to not recommended; where a steroid was the primary, a severe attack gets plasma exchange, otherwise a specialist decides.",
                Criteria = [new("R8.1-allergy", "An active allergy to methylprednisolone, prednisone or prednisolone.", RuleCatalog.Decided(c => c.SteroidAllergy is not null))],
                Actions = [ActionCode.PlasmaExchange, ActionCode.SpecialistReview, ActionCode.Immunoadsorption],
                NotRecommended = [ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone, ActionCode.EscalatedIvMethylprednisolone],
                Urgency = "urgent (severe), else soon",
                Evidence = ["E-ASFA-2023"],
            },
            new()
            {
                Id = "R8.2",
                Title = "Infection and steroids",
                Description = "A current fever or infection comes first: treat it, and give the steroid once it is treated (never with sepsis).",
                Criteria = [new("R8.2-current", $"Fever in the last {Thresholds.FeverCurrentDays} days, or an infection with onset in the last {Thresholds.InfectionCurrentDays} days and not abated, while a steroid is listed.")],
                Actions = [ActionCode.TreatTrigger, ActionCode.SpecialistReview],
                Urgency = "soon (emergency with sepsis; at least urgent when severe)",
                Thresholds = [nameof(Thresholds.FeverCurrentDays), nameof(Thresholds.InfectionCurrentDays), nameof(Thresholds.FeverCelsius)],
                Evidence = ["E-NICE-2022", "E-MENACTRIMS-2023"],
            },
            new()
            {
                Id = "R8.3",
                Title = "Apheresis safety",
                Description = "Low blood pressure or a current infection contraindicate apheresis; an albumin allergy turns plasma exchange into immunoadsorption; ACE inhibitors, low calcium, low fibrinogen and anticoagulants are cautions.",
                Criteria =
                [
                    new("R8.3-hypotension", $"Systolic pressure below {Thresholds.HypotensionSystolicMmHg:0} mmHg in the last {Thresholds.BloodPressureRecentDays} days: contraindication, specialist review, emergency.", RuleCatalog.Decided(c => c.LowSystolic is not null)),
                    new("R8.3-infection", "A current infection or fever: contraindication, treat the trigger first."),
                    new("R8.3-albumin", "Albumin allergy: immunoadsorption instead (no replacement fluid).", RuleCatalog.Decided(c => c.AlbuminAllergy is not null)),
                    new("R8.3-cautions", $"Active ACE inhibitor (hold ≥ 24 h); calcium below {Thresholds.LowCalciumMgPerDl:0.0} mg/dL; fibrinogen below {Thresholds.LowFibrinogenMgPerDl:0} mg/dL (labs from the last {Thresholds.LabRecentDays} days); an active anticoagulant."),
                ],
                Actions = [ActionCode.SpecialistReview, ActionCode.TreatTrigger, ActionCode.Immunoadsorption],
                Urgency = "emergency (hypotension), soon (infection; emergency with sepsis)",
                Thresholds = [nameof(Thresholds.HypotensionSystolicMmHg), nameof(Thresholds.BloodPressureRecentDays), nameof(Thresholds.LowCalciumMgPerDl), nameof(Thresholds.LowFibrinogenMgPerDl), nameof(Thresholds.LabRecentDays)],
                Evidence = ["E-OWEN-1994", "E-WODAJO-2024", "E-ASFA-2023"],
            },
            new()
            {
                Id = "R8.4",
                Title = "Steroid cautions",
                Description = "Diabetes, psychiatric history, stomach risks and frequent courses are cautions when a steroid is planned.",
                Criteria =
                [
                    new("R8.4-diabetes", "Diabetes: glucose before and 6–9 hours after each dose.", RuleCatalog.Decided(c => c.Diabetes is not null)),
                    new("R8.4-gi", "Peptic ulcer, active NSAID or anticoagulant: consider a proton-pump inhibitor."),
                    new("R8.4-frequent", $"≥ {Thresholds.FrequentCoursesCount} courses ended in the {Thresholds.FrequentCoursesLookbackDays} days before onset: frequent-steroid-courses."),
                ],
                Thresholds = [nameof(Thresholds.FrequentCoursesCount), nameof(Thresholds.FrequentCoursesLookbackDays)],
                Evidence = ["E-NICE-2022"],
            },
        ],
    };

    private static readonly ActionCode[] Steroids = [ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone, ActionCode.EscalatedIvMethylprednisolone];
    private static readonly ActionCode[] Apheresis = [ActionCode.PlasmaExchange, ActionCode.Immunoadsorption];

    /// <summary>R8.1: every steroid action to not-recommended; a steroid primary is replaced.</summary>
    public static void SteroidAllergy(EvaluationContext ctx, Decision d)
    {
        // 2026.2 (R8.1 clarification): raised whenever an attack is evaluated — every status except no-episode (which
        // also covers a deceased patient, R1).
        if (ctx.SteroidAllergy is not { } allergy || d.Status == EpisodeStatus.NoEpisode)
        {
            return;
        }

        d.AddFlag(FlagCode.SteroidAllergy, FlagSeverity.Warning, "Documented allergy to methylprednisolone, prednisone or prednisolone: no steroid is recommended.");
        d.Used("allergy", "steroid", null, allergy.Source, "R8.1");
        d.Fire("R8.1");
        var present = Steroids.Where(d.Has).ToList();
        if (Decision.IsSteroid(d.Primary))
        {
            if (ctx.IsSevere)
            {
                d.SetPrimary(ActionCode.PlasmaExchange, Urgency.Urgent, "R8.1");
                d.Explain("R8.1", "Steroid allergy in a severe attack: plasma exchange instead.", "E-ASFA-2023", "E-AAN-2011");
            }
            else
            {
                d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R8.1");
                d.AddAlternative(ActionCode.PlasmaExchange, "Apheresis as first line for an attack that is not severe is a specialist decision (ASFA category II is second line).", "E-ASFA-2023");
                d.AddAlternative(ActionCode.Immunoadsorption, "As plasma exchange, without replacement fluid (a specialist decision).", "E-IA-DORST-2019", "E-ASFA-2023");
                d.Explain("R8.1", "Steroid allergy: specialist review, with apheresis as an alternative.", "E-ASFA-2023");
            }
        }

        foreach (var s in present)
        {
            d.AddNotRecommended(s, "Documented allergy.");
        }
    }

    /// <summary>R8.2: current fever or infection while a steroid is the primary, concurrent or an alternative.</summary>
    public static void InfectionAndSteroids(EvaluationContext ctx, Decision d)
    {
        if (!ctx.CurrentInfectionOrFever || !d.HasAny(Steroids))
        {
            return;
        }

        var sepsis = ctx.CurrentSepsis;
        RaiseInfectionFlags(ctx, d, "R8.2");
        const string reason = "Once the infection is treated.";
        const string sepsisReason = "Not during sepsis.";
        var steroidLeads = d.AnyPrimaryOrConcurrent(Steroids);
        if (steroidLeads)
        {
            d.DisplacePrimary(ActionCode.TreatTrigger, d.Primary is ActionCode.PlasmaExchange or ActionCode.Immunoadsorption ? "Once the infection is controlled." : reason, ["E-NICE-2022"], "R8.2");
            d.Lower(sepsis ? Urgency.Emergency : Urgency.Soon, InfectionFloor(ctx, d));
            // A19: reassess asOf + 3 days even when severe; the concurrent specialist review is the earlier look.
            d.ReassessOn = ctx.AsOf.AddDays(Thresholds.TreatTriggerReassessDays);
            d.Explain("R8.2", "Current fever or infection: treat it first; steroids can worsen an infection.", "E-NICE-2022", "E-MENACTRIMS-2023");
            if (ctx.IsSevere)
            {
                d.AddConcurrent(ActionCode.SpecialistReview);
                d.RaiseFloor(Urgency.Urgent);
                d.Explain("R8.2", "The attack is severe: specialist review alongside, at least urgently.");
            }
        }
        else
        {
            d.Explain("R8.2", sepsis ? "Sepsis: steroids are not recommended." : "Current fever or infection: a steroid alternative only once the infection is treated.", "E-NICE-2022");
        }

        foreach (var s in Steroids.Where(d.Has))
        {
            if (sepsis)
            {
                d.AddNotRecommended(s, sepsisReason, "E-NICE-2022");
            }
            else
            {
                var existing = d.Alternatives.FirstOrDefault(a => a.Action == s);
                d.MoveToAlternatives(s, existing is null || existing.Reason == reason ? reason : $"{reason} {existing.Reason}", "E-NICE-2022");
            }
        }
    }

    /// <summary>R8.3: apheresis safety whenever apheresis is the primary, concurrent or an alternative.</summary>
    public static void ApheresisSafety(EvaluationContext ctx, Decision d)
    {
        if (!d.HasAny(Apheresis))
        {
            return;
        }

        d.Fire("R8.3");
        var decided = false;
        if (ctx.LowSystolic is { } bp)
        {
            d.AddFlag(FlagCode.ApheresisContraindicationHemodynamic, FlagSeverity.Critical,
                "Systolic pressure below 90 mmHg in the last 2 days: apheresis is contraindicated until the circulation is stable.", "E-ASFA-2023");
            d.Used("systolic-mmhg", bp.Value, bp.When.Date, bp.Source, "R8.3");
            if (Decision.IsApheresis(d.Primary))
            {
                d.DisplacePrimary(ActionCode.SpecialistReview, "Once the circulation is stable (systolic pressure at least 90 mmHg).", ["E-ASFA-2023"], "R8.3");
                d.Raise(Urgency.Emergency);
                d.Explain("R8.3", "Hypotension: same-day specialist review; apheresis once the circulation is stable.", "E-ASFA-2023");
                decided = true;
            }
        }

        if (ctx.CurrentInfectionOrFever)
        {
            d.AddFlag(FlagCode.ApheresisContraindicationInfection, FlagSeverity.Critical,
                "Current infection or fever: apheresis (and its venous access) is contraindicated until the infection is controlled.", "E-ASFA-2023");
            RaiseInfectionFlags(ctx, d, "R8.3");
            if (!decided && Decision.IsApheresis(d.Primary))
            {
                d.DisplacePrimary(ActionCode.TreatTrigger, "Once infection is controlled.", ["E-ASFA-2023"], "R8.3");
                d.Lower(ctx.CurrentSepsis ? Urgency.Emergency : Urgency.Soon, InfectionFloor(ctx, d));
                d.ReassessOn = ctx.AsOf.AddDays(Thresholds.TreatTriggerReassessDays);
                // R8.3 item 2 names no concurrent action (only R8.2 and R2.3 add specialist review for a severe
                // attack): for a severe attack its "floor of Evaluation order step 5" is the urgency floor — never
                // below urgent (InfectionFloor) — and nothing more (A20, lead's ruling on the audit).
                d.Explain("R8.3", "Current infection or fever: treat it first; apheresis once infection is controlled.", "E-ASFA-2023");
                decided = true;
            }

            foreach (var a in Apheresis.Where(x => d.Alternatives.Any(y => y.Action == x) || d.Concurrent.Contains(x)))
            {
                var existing = d.Alternatives.FirstOrDefault(y => y.Action == a);
                const string once = "Once infection is controlled.";
                d.MoveToAlternatives(a, existing is null ? once : existing.Reason.Contains("infection", StringComparison.Ordinal) ? existing.Reason : $"{once} {existing.Reason}", "E-ASFA-2023");
            }
        }

        if (ctx.AlbuminAllergy is { } albumin)
        {
            d.AddFlag(FlagCode.TpeCautionAlbuminAllergy, FlagSeverity.Warning,
                "Albumin allergy: plasma exchange with albumin replacement is unsuitable; immunoadsorption needs no replacement fluid.", "E-IA-DORST-2019");
            d.Used("allergy", "albumin", null, albumin.Source, "R8.3");
            if (!decided && d.Primary == ActionCode.PlasmaExchange)
            {
                // A21: plasma exchange goes to the alternatives (a caution: plasma replacement remains possible), not to not-recommended.
                d.DisplacePrimary(ActionCode.Immunoadsorption, "Only with a replacement fluid other than albumin (albumin allergy).", ["E-IA-DORST-2019"], "R8.3");
                d.Explain("R8.3", "Albumin allergy: immunoadsorption instead of plasma exchange (no replacement fluid), same urgency.", "E-IA-DORST-2019");
            }
        }

        if (ctx.AceInhibitor is { } ace)
        {
            d.AddFlag(FlagCode.TpeCautionAceInhibitor, FlagSeverity.Warning,
                "Active ACE inhibitor: hold it at least 24 hours before each exchange (some centres 48–72 hours); the first exchange is planned a day later." + (ace.MatchedByName ? " (Medication recognised by name.)" : string.Empty),
                "E-OWEN-1994");
            d.Used("medication", "ace-inhibitor", ace.EffectiveStart, ace.Source, "R8.3");
        }

        // A31: the latest calcium and fibrinogen of the last 30 days decide; any systolic below 90 mmHg in the last 2 days.
        if (ctx.Calcium is { } ca && ca.Value < Thresholds.LowCalciumMgPerDl)
        {
            d.AddFlag(FlagCode.TpeCautionHypocalcemia, FlagSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"Calcium {Text.Number(ca.Value)} mg/dL (below 8.0): correct it before apheresis; citrate lowers calcium further."));
            d.Used("calcium-mg-per-dl", ca.Value, ca.When.Date, ca.Source, "R8.3");
        }

        if (ctx.Fibrinogen is { } fib && fib.Value < Thresholds.LowFibrinogenMgPerDl)
        {
            d.AddFlag(FlagCode.TpeCautionLowFibrinogen, FlagSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"Fibrinogen {Text.Number(fib.Value)} mg/dL (below 100): consider plasma replacement or a delay, and recheck before each exchange."),
                "E-WODAJO-2024");
            d.Used("fibrinogen-mg-per-dl", fib.Value, fib.When.Date, fib.Source, "R8.3");
        }

        if (ctx.Anticoagulant is { } ac)
        {
            d.AddFlag(FlagCode.TpeCautionAnticoagulant, FlagSeverity.Warning,
                "Active anticoagulant: bleeding risk rises as fibrinogen falls during the course; check fibrinogen and clotting before each exchange." + (ac.MatchedByName ? " (Medication recognised by name.)" : string.Empty),
                "E-WODAJO-2024");
            d.Used("medication", "anticoagulant", ac.EffectiveStart, ac.Source, "R8.3");
        }
    }

    /// <summary>R8.4: cautions whenever a steroid is the primary or concurrent.</summary>
    public static void SteroidCautions(EvaluationContext ctx, Decision d)
    {
        if (!d.AnyPrimaryOrConcurrent(Steroids))
        {
            return;
        }

        d.Fire("R8.4");
        if (ctx.Diabetes is { } dm)
        {
            d.AddFlag(FlagCode.SteroidCautionDiabetes, FlagSeverity.Warning, "Diabetes: check glucose before and 6–9 hours after each dose; adjust treatment.", "E-NICE-2022");
            d.Used("condition", "diabetes", dm.Onset?.Date, dm.Source, "R8.4");
        }

        if (ctx.Psychiatric is { } psy)
        {
            d.AddFlag(FlagCode.SteroidCautionPsychiatric, FlagSeverity.Warning, "Psychotic or bipolar disorder on record: high-dose steroids can trigger mania or psychosis; monitor mood and sleep.", "E-NICE-2022");
            d.Used("condition", "psychiatric-history", psy.Onset?.Date, psy.Source, "R8.4");
        }

        if (ctx.PepticUlcer is not null || ctx.Nsaid is not null || ctx.Anticoagulant is not null)
        {
            d.AddFlag(FlagCode.SteroidCautionGi, FlagSeverity.Warning, "Peptic ulcer, NSAID or anticoagulant: consider a proton-pump inhibitor during the course.");
        }

        if (ctx.Onset is { } onset)
        {
            // A32: frequent courses are those whose end lies 1–365 days before the attack's onset.
            var recent = ctx.Courses.Count(c => c.End < onset && EvaluationContext.Days(c.End, onset) <= Thresholds.FrequentCoursesLookbackDays);
            if (recent >= Thresholds.FrequentCoursesCount)
            {
                d.AddFlag(FlagCode.FrequentSteroidCourses, FlagSeverity.Warning,
                    string.Create(CultureInfo.InvariantCulture, $"{recent} steroid courses ended in the year before this attack: more than 2 a year is not advised unless disabling relapses recur; review disease-modifying therapy."),
                    "E-NICE-2022");
            }
        }
    }

    private static Urgency InfectionFloor(EvaluationContext ctx, Decision d) =>
        ctx.HasNmosd || d.HasFlag(FlagCode.PmlRisk) || ctx.IsSevere ? Urgency.Urgent : Urgency.Routine;

    private static void RaiseInfectionFlags(EvaluationContext ctx, Decision d, string rule)
    {
        // A33: with a current sepsis both fever and infection are critical.
        var severity = ctx.CurrentSepsis ? FlagSeverity.Critical : FlagSeverity.Warning;
        if (ctx.CurrentFever)
        {
            d.AddFlag(FlagCode.Fever, severity, "Fever in the last 3 days: find and treat the cause before steroids or apheresis.", "E-NICE-2022");
            var f = ctx.FeverEvents.Last(x => ctx.Within(x.Date, Thresholds.FeverCurrentDays));
            d.Used("fever", Text.Date(f.Date), f.Date, f.Source, rule);
        }

        if (!ctx.CurrentInfections.IsEmpty)
        {
            d.AddFlag(FlagCode.Infection, severity, ctx.CurrentSepsis
                ? "Sepsis: treat as an emergency; no steroids."
                : "Current infection (onset in the last 14 days, not resolved): treat it before steroids or apheresis.", "E-NICE-2022");
            foreach (var c in ctx.CurrentInfections)
            {
                d.Used(c.IsSepsis ? "sepsis" : "infection", Text.Date(c.Onset!.Value.Date), c.Onset!.Value.Date, c.Source, rule);
            }
        }
    }
}
