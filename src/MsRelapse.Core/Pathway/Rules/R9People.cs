using System.Collections.Immutable;
using MsRelapse.Core.Steroids;

namespace MsRelapse.Core.Pathway.Rules;

/// <summary>
/// R9 — people: children, pregnancy, breastfeeding, older age, DMT review, missing data. Whenever R9 changes or
/// annotates the result it says so in the rationale, with its evidence (clinical.md intro: "the output cites both").
/// </summary>
internal static class R9People
{
    /// <summary>What R9 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R9",
        Title = "People",
        Description = "Adjusts for children, pregnancy, breastfeeding and older age, asks for a review of disease-modifying therapy after a relapse, and names missing data.",
        Criteria =
        [
            new("R9-child", $"Age under {Thresholds.AdultAgeYears}: methylprednisolone {Thresholds.PediatricDoseMgPerKg:0} mg/kg/day rounded down to {Thresholds.PediatricDoseRoundingMg:0} mg, at most {Thresholds.PediatricMaxDoseMg:0,0} mg, IV, × {Thresholds.CourseDays} days; no escalated dose.", RuleCatalog.Decided(c => c.IsChild)),
            new("R9-older", $"Age {Thresholds.OlderAgeYears} or over: flag older-age.", RuleCatalog.Decided(c => c.AgeYears is >= Thresholds.OlderAgeYears)),
            new("R9-pregnancy", $"Pregnancy observed or with onset in the last {Thresholds.PregnancyRecentDays} days and not abated: methylprednisolone or prednisolone, never dexamethasone."),
            new("R9-breastfeeding", $"Breastfeeding observed in the last {Thresholds.BreastfeedingRecentDays} days: nurse 2–4 hours after an infusion."),
            new("R9-dmt-review", $"After every attack with status relapse: flag dmt-review (\"{DmtReviewMessage}\") — but not with possible-nmosd (2026.2: MS disease-modifying drugs may harm there, and maintenance therapy belongs to NMOSD expertise, which R3.1's specialist review already asks for); with possible-mogad it says \"{MogadDmtReviewMessage}\"."),
        ],
        NotRecommended = [ActionCode.EscalatedIvMethylprednisolone],
        Thresholds =
        [
            nameof(Thresholds.AdultAgeYears), nameof(Thresholds.OlderAgeYears), nameof(Thresholds.PediatricDoseMgPerKg), nameof(Thresholds.PediatricDoseRoundingMg),
            nameof(Thresholds.PediatricMaxDoseMg), nameof(Thresholds.PregnancyRecentDays), nameof(Thresholds.BreastfeedingRecentDays),
        ],
        Evidence = ["E-PEDS-2021", "E-BOZ-2018", "E-BLECHINGER-2021", "E-GALEA-2015", "E-MOGAD-2023"],
    };

    /// <summary>The <c>dmt-review</c> message after a relapse (one text for the flag and the published rule).</summary>
    internal const string DmtReviewMessage = "After a relapse, review disease-modifying therapy (start, switch or adherence) with the MS team.";

    /// <summary>The <c>dmt-review</c> message beside <c>possible-mogad</c> (clinical.md R9, 2026.2).</summary>
    internal const string MogadDmtReviewMessage = "After a relapse, review maintenance therapy with MOGAD expertise (MS disease-modifying drugs are not an established MOGAD treatment).";

    public static void Apply(EvaluationContext ctx, Decision d)
    {
        d.Fire("R9");
        var treatment = d.Has(ActionCode.OralMethylprednisolone) || d.Has(ActionCode.IvMethylprednisolone) || d.Has(ActionCode.EscalatedIvMethylprednisolone)
            || d.Has(ActionCode.PlasmaExchange) || d.Has(ActionCode.Immunoadsorption);
        if (ctx.AgeYears is null && treatment)
        {
            // Without age the adult regimen is shown, but whether the per-kg child dose (R9, E-PEDS-2021) applies
            // cannot be decided: the missing birth date blocks a dose, so the missing-data flag is a warning (lead's
            // ruling on the audit, A15; 2026.2 R9 clarification).
            d.Missing(MissingItem.BirthDate, "deciding between the adult dose and the per-kg child dose (under 18)", blocking: true);
            d.Explain("R9", "No birth date: the adult regimen is shown, but without an age it cannot be decided whether the per-kg child dose (30 mg/kg/day IV under 18) applies instead; confirm the age before dosing.", "E-PEDS-2021");
        }
        else if (ctx.AgeYears is null)
        {
            // 2026.2 (R9 clarification): `birth-date` is always named when missing; info when no steroid or apheresis is listed.
            d.Missing(MissingItem.BirthDate, "the age (R9: children, older age)", blocking: false);
        }

        // 2026.2 (R9 clarification): a child's steroid that is listed (primary, concurrent or alternative) without a
        // weight names `weight`, blocking (the per-kg dose). The plan does so for a steroid planned now; this covers a
        // steroid that is only an alternative.
        if (ctx.IsChild && ctx.Weight is null && HasListedSteroid(d))
        {
            d.Missing(MissingItem.Weight, "the paediatric steroid dose (mg/kg; weight in the last 30 days)", blocking: true);
        }

        if (ctx.IsChild)
        {
            d.AddFlag(FlagCode.Pediatric, FlagSeverity.Info,
                "Under 18: methylprednisolone 30 mg/kg/day (rounded down to 10 mg, max 1,000 mg) IV for 5 days; no escalated steroid dose; blood volume 70 mL/kg under 25 kg; involve paediatric neurology.",
                "E-PEDS-2021");
            d.Explain("R9", d.IsNotRecommended(ActionCode.EscalatedIvMethylprednisolone)
                    ? "Under 18: any steroid course is dosed per kg (30 mg/kg/day, at most 1,000 mg) and given IV, escalated steroid doses are not used, and paediatric neurology is involved."
                    : "Under 18: any steroid course is dosed per kg (30 mg/kg/day, at most 1,000 mg) and given IV, and paediatric neurology is involved.",
                "E-PEDS-2021");
        }

        if (ctx.Pregnancy is { } p)
        {
            d.AddFlag(FlagCode.Pregnancy, FlagSeverity.Info,
                "Pregnancy: use methylprednisolone or prednisolone (largely inactivated by the placenta), never dexamethasone; a small first-trimester cleft signal; apheresis is feasible.");
            d.Used("pregnancy", "positive", null, p, "R9");
            d.Explain("R9", "Pregnancy recorded in the last 300 days: methylprednisolone or prednisolone only, never dexamethasone; apheresis remains feasible.");
        }

        if (ctx.Breastfeeding is { } b)
        {
            d.AddFlag(FlagCode.Breastfeeding, FlagSeverity.Info, "Breastfeeding: nurse 2–4 hours after a methylprednisolone infusion.", "E-BOZ-2018");
            d.Used("breastfeeding", "positive", null, b, "R9");
            d.Explain("R9", "Breastfeeding recorded in the last 365 days: nurse 2–4 hours after an infusion.", "E-BOZ-2018");
        }

        if (ctx.AgeYears is >= Thresholds.OlderAgeYears)
        {
            d.AddFlag(FlagCode.OlderAge, FlagSeverity.Info, "Aged 65 or over: lower response to apheresis and more harm from steroids.", "E-BLECHINGER-2021");
            d.Explain("R9", "Aged 65 or over: apheresis works less well and steroids harm more; weigh both.", "E-BLECHINGER-2021");
        }

        // 2026.2: no dmt-review beside possible-nmosd (MS drugs may harm there, and R3.1's specialist review covers
        // maintenance therapy); beside possible-mogad it points to MOGAD expertise.
        if (d.Status == EpisodeStatus.Relapse && !d.HasFlag(FlagCode.PossibleNmosd))
        {
            if (d.HasFlag(FlagCode.PossibleMogad))
            {
                d.AddFlag(FlagCode.DmtReview, FlagSeverity.Info, MogadDmtReviewMessage, "E-GALEA-2015", "E-MOGAD-2023");
                d.Explain("R9", "A relapse with possible MOGAD: review maintenance therapy with MOGAD expertise.", "E-GALEA-2015", "E-MOGAD-2023");
            }
            else
            {
                d.AddFlag(FlagCode.DmtReview, FlagSeverity.Info, DmtReviewMessage, "E-GALEA-2015");
                d.Explain("R9", "A relapse: review the disease-modifying therapy.", "E-GALEA-2015");
            }
        }
    }

    /// <summary>
    /// R9's steroid regimen for a child: the IV paediatric regimen in every branch (E-PEDS-2021), dosed by the weight of
    /// the last 30 days; without one there is no mg dose, and the weight is named as blocking missing data.
    /// </summary>
    public static SteroidRegimen? ChildSteroidRegimen(EvaluationContext ctx, Decision d, ImmutableArray<string>.Builder notes)
    {
        var regimen = ctx.Weight is { } w ? SteroidRegimens.Pediatric(w.Value) : null;
        notes.Add("Paediatric regimen: 30 mg/kg/day rounded down to 10 mg, max 1,000 mg/day, IV for 5 days; involve paediatric neurology (E-PEDS-2021).");
        if (regimen is null)
        {
            d.Missing(MissingItem.Weight, "the paediatric steroid dose (mg/kg; weight in the last 30 days)", blocking: true);
            notes.Add("No weight in the last 30 days: weigh the child to set the mg dose.");
        }
        else
        {
            d.Used("weight-kg", ctx.Weight!.Value, ctx.Weight.When.Date, ctx.Weight.Source, "R9");
        }

        return regimen;
    }

    /// <summary>
    /// R9 explains a child's steroid plan: the per-kg arithmetic (weight × 30 mg/kg, rounded down to 10 mg, at most
    /// 1,000 mg). A39: the plan's rationale entry cites R9, which sets the per-kg dose.
    /// </summary>
    public static void ExplainChildSteroidPlan(EvaluationContext ctx, Decision d, string what, SteroidRegimen? regimen, int days, DateOnly start, ImmutableArray<string> evidence)
    {
        d.Explain("R9", regimen is null
            ? $"Steroid plan for a child: {what} 30 mg/kg/day for {days} days; no weight in the last 30 days, so no mg dose until the child is weighed."
            : $"Steroid plan for a child: {what} 30 mg/kg/day × {Text.Number(ctx.Weight!.Value)} kg ({Text.Date(ctx.Weight.When.Date)}), rounded down to 10 mg and at most 1,000 mg: {Text.Milligrams(regimen.DoseMgPerDay)} mg/day for {days} days from {Text.Date(start)}.",
            evidence);
    }

    /// <summary>A steroid is the primary, concurrent or an alternative (<see cref="Decision.Has"/> excludes notRecommended).</summary>
    private static bool HasListedSteroid(Decision d) =>
        d.HasAny([ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone, ActionCode.EscalatedIvMethylprednisolone]);

    /// <summary>The missing-data flag, once everything else has named what it missed.</summary>
    public static void MissingDataFlag(Decision d)
    {
        if (!d.AnyMissing)
        {
            return;
        }

        var missing = d.MissingItems.ToList();

        var blocking = missing.Any(m => m.Blocking);
        d.AddFlag(FlagCode.MissingData, blocking ? FlagSeverity.Warning : FlagSeverity.Info,
            blocking
                ? "Data needed for a dose, a volume or a response judgement are missing: see missing data."
                : "Some data are missing: see missing data.");
        d.Explain("R9", (blocking ? "Missing data that block a dose, a volume or a response judgement: " : "Missing data: ")
            + string.Join(", ", missing.Select(m => WireNames.Of(m.Item))) + ".");
    }
}
