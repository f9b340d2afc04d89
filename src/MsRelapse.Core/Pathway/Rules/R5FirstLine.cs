namespace MsRelapse.Core.Pathway.Rules;

/// <summary>R5 — first line for an untreated relapse (not NMOSD or MOGAD), by severity (E-NICE-2022).</summary>
internal static class R5FirstLine
{
    /// <summary>What R5 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R5",
        Title = "First-line treatment",
        Description = "An untreated relapse (not NMOSD or MOGAD) is treated by its severity: observe a mild one, oral steroids for a moderate one, IV steroids for a severe one; IV instead of oral for diabetes, psychiatric history or children; after six weeks a specialist decides.",
        Criteria =
        [
            new("R5-severity", $"Mild: observe (oral methylprednisolone if it impairs daily activities); moderate or unknown: oral methylprednisolone {Thresholds.OralStandardMgPerDay:0} mg/day × {Thresholds.CourseDays} days; severe: IV methylprednisolone {Thresholds.IntravenousMgPerDay:0,0} mg/day × {Thresholds.CourseDays} days."),
            new("R5-iv-diabetes", "Diabetes (active): IV instead of oral, glucose monitoring in hospital.", RuleCatalog.Decided(c => c.Diabetes is not null)),
            new("R5-iv-psychiatric", "Psychiatric history (any status): IV instead of oral, monitoring in hospital.", RuleCatalog.Decided(c => c.Psychiatric is not null)),
            new("R5-iv-child", $"Age under {Thresholds.AdultAgeYears}: IV, dosed per kg (R9).", RuleCatalog.Decided(c => c.IsChild)),
            new("R5-late", $"{Thresholds.LateForSteroidsDays}–{Thresholds.SteroidsTooLateDays} days since onset: flag late-for-steroids; more than {Thresholds.SteroidsTooLateDays} days: specialist review with the steroid as an alternative."),
        ],
        Actions = [ActionCode.Observe, ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone, ActionCode.SpecialistReview],
        Urgency = "routine (mild), soon (moderate), urgent (severe)",
        Thresholds =
        [
            nameof(Thresholds.OralStandardMgPerDay), nameof(Thresholds.IntravenousMgPerDay), nameof(Thresholds.CourseDays), nameof(Thresholds.AdultAgeYears),
            nameof(Thresholds.LateForSteroidsDays), nameof(Thresholds.SteroidsTooLateDays),
        ],
        Evidence = ["E-NICE-2022", "E-COPOUSEP-2015", "E-MENACTRIMS-2023", "E-PEDS-2021"],
    };

    public static void Apply(EvaluationContext ctx, Decision d)
    {
        var days = ctx.DaysSinceOnset!.Value;
        var ivInstead = IvReason(ctx);
        // A13: IV instead of oral also turns the mild attack's steroid alternative into IV methylprednisolone.
        var steroid = ivInstead is null ? ActionCode.OralMethylprednisolone : ActionCode.IvMethylprednisolone;
        var steroidText = ivInstead is null
            ? "oral methylprednisolone 500 mg/day for 5 days"
            : ctx.IsChild ? "IV methylprednisolone 30 mg/kg/day (max 1,000 mg) for 5 days" : "IV methylprednisolone 1,000 mg/day for 5 days";

        switch (ctx.Severity)
        {
            case AttackSeverity.Mild:
                d.SetPrimary(ActionCode.Observe, Urgency.Routine, "R5");
                d.AddAlternative(steroid, $"{Capital(steroidText)} if the relapse impairs daily activities.", "E-NICE-2022");
                d.Explain("R5", days > Thresholds.SteroidsTooLateDays
                    ? "Mild relapse: steroids only if it impairs daily activities."
                    : "Mild relapse: observe; steroids only if it impairs daily activities.", "E-NICE-2022");
                break;
            case AttackSeverity.Severe:
                d.SetPrimary(ActionCode.IvMethylprednisolone, Urgency.Urgent, "R5");
                d.Explain("R5", $"Severe relapse: {(ctx.IsChild ? steroidText : "IV methylprednisolone 1,000 mg/day for 5 days")}, urgently.", "E-NICE-2022", "E-MENACTRIMS-2023");
                break;
            default:
                d.SetPrimary(steroid, Urgency.Soon, "R5");
                d.Explain("R5", ctx.Severity == AttackSeverity.Unknown
                    ? $"Severity unknown, treated as moderate: {steroidText}."
                    : $"Moderate relapse: {steroidText}.", "E-NICE-2022");
                if (steroid == ActionCode.OralMethylprednisolone)
                {
                    d.Explain("R5", "Oral methylprednisolone 1,000 mg/day for 3 days is an equivalent regimen.", "E-COPOUSEP-2015");
                }

                break;
        }

        if (ivInstead is not null && d.Has(ActionCode.IvMethylprednisolone) && ctx.Severity != AttackSeverity.Severe)
        {
            d.Explain("R5", $"IV rather than oral: {ivInstead}.", ctx.IsChild ? "E-PEDS-2021" : "E-NICE-2022");
        }

        // R5: "More than 42 days → primary specialist-review, soon, with the steroid as an alternative" — for every
        // severity (A12, lead's ruling on the audit). A steroid primary is displaced to the front of the alternatives; a
        // mild attack's primary (observe) is not kept as an alternative, and its steroid alternative keeps its reason.
        // A severe attack keeps urgent (Evaluation order step 5: demotions keep urgent for a severe attack).
        if (days > Thresholds.SteroidsTooLateDays)
        {
            if (Decision.IsSteroid(d.Primary))
            {
                var demoted = d.Primary;
                d.DisplacePrimary(ActionCode.SpecialistReview, $"{Capital(steroidTextFor(ctx, demoted))} only if the specialist judges it worthwhile this late (trials enrolled within 15–25 days of onset).", ["E-NICE-2022"], "R5");
                d.Lower(ctx.IsSevere ? Urgency.Urgent : Urgency.Soon, Urgency.Routine);
            }
            else
            {
                d.SetPrimary(ActionCode.SpecialistReview, Urgency.Soon, "R5");
            }

            d.Explain("R5", $"{days} days since onset (more than {Thresholds.SteroidsTooLateDays}): no evidence for starting steroids this late; specialist review, with the steroid as an alternative.", "E-NICE-2022");
        }
        else if (days >= Thresholds.LateForSteroidsDays && days <= Thresholds.SteroidsTooLateDays)
        {
            d.AddFlag(FlagCode.LateForSteroids, FlagSeverity.Info,
                "More than 14 days since onset: steroids work best when started within 14 days; the recommendation stands.",
                "E-NICE-2022");
        }
    }

    private static string steroidTextFor(EvaluationContext ctx, ActionCode action) => action switch
    {
        ActionCode.OralMethylprednisolone => "oral methylprednisolone 500 mg/day for 5 days",
        _ when ctx.IsChild => "IV methylprednisolone 30 mg/kg/day (max 1,000 mg) for 5 days",
        _ => "IV methylprednisolone 1,000 mg/day for 5 days",
    };

    /// <summary>Why IV replaces oral (diabetes or psychiatric history: monitoring in hospital, E-NICE-2022; under 18, E-PEDS-2021), or null.</summary>
    public static string? IvReason(EvaluationContext ctx)
    {
        if (ctx.IsChild)
        {
            return "under 18 years (paediatric regimen, IV in every branch)";
        }

        if (ctx.Diabetes is not null)
        {
            return "diabetes (glucose monitoring in hospital)";
        }

        if (ctx.Psychiatric is not null)
        {
            return "psychiatric history (monitoring in hospital)";
        }

        return null;
    }

    private static string Capital(string text) => Text.Capital(text);
}
