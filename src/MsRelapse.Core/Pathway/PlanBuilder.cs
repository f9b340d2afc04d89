using System.Collections.Immutable;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Model;
using MsRelapse.Core.Steroids;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// Fills the plans from the decision ("Steroid plan", "Plasma exchange plan", "Immunoadsorption plan"), using the
/// calculators (no formula is repeated here).
/// </summary>
internal static class PlanBuilder
{
    public static TreatmentPlan Build(EvaluationContext ctx, Decision d)
    {
        var steroids = SteroidPlanFor(ctx, d);
        var tpe = d.Has(ActionCode.PlasmaExchange) ? TpePlanFor(ctx, d) : null;
        var ia = d.Has(ActionCode.Immunoadsorption) ? IaPlanFor(ctx, d) : null;
        return new TreatmentPlan(steroids, tpe, ia);
    }

    /// <summary>The steroid course planned now: the primary steroid, else a concurrent one (A24: an alternative only carries its regimen in its reason).</summary>
    private static SteroidPlan? SteroidPlanFor(EvaluationContext ctx, Decision d)
    {
        ActionCode? action = Decision.IsSteroid(d.Primary) ? d.Primary : FirstConcurrent(d, Decision.IsSteroid);
        if (action is not { } a)
        {
            return null;
        }

        var notes = ImmutableArray.CreateBuilder<string>();
        SteroidRegimen? regimen;
        if (ctx.IsChild)
        {
            regimen = Rules.R9People.ChildSteroidRegimen(ctx, d, notes);
        }
        else
        {
            regimen = a switch
            {
                ActionCode.OralMethylprednisolone => SteroidRegimens.OralStandard,
                ActionCode.EscalatedIvMethylprednisolone => SteroidRegimens.EscalatedIntravenous,
                _ => SteroidRegimens.Intravenous(Thresholds.CourseDays),
            };
        }

        var route = ctx.IsChild || a != ActionCode.OralMethylprednisolone ? PlannedRoute.Intravenous : PlannedRoute.Oral;
        var days = regimen?.Days ?? Thresholds.CourseDays;
        var start = ctx.AsOf;
        var end = start.AddDays(days - 1);
        var reassess = end.AddDays(Thresholds.SteroidReassessDays);
        var taper = ctx.HasNmosd || ctx.HasMogad
            ? "Slow oral prednisone taper over weeks to months after the pulse, set by the specialist (rebound risk; bridge to maintenance therapy)."
            : null;

        if (a == ActionCode.OralMethylprednisolone && !ctx.IsChild)
        {
            notes.Add("Equivalent regimen: oral methylprednisolone 1,000 mg/day for 3 days (E-COPOUSEP-2015).");
        }

        if (taper is null)
        {
            notes.Add("No taper after an MS pulse, and no lower doses (E-NICE-2022).");
        }

        if (route == PlannedRoute.Intravenous && !ctx.IsChild && Rules.R5FirstLine.IvReason(ctx) is { } why)
        {
            notes.Add($"IV because of {why} (E-NICE-2022).");
        }

        var afterMri = ctx.Natalizumab is not null;
        if (afterMri)
        {
            notes.Add("Only after MRI has excluded PML (active natalizumab).");
        }

        if (ctx.Pregnancy is not null)
        {
            notes.Add("Pregnancy: methylprednisolone or prednisolone only, never dexamethasone.");
        }

        if (ctx.Breastfeeding is not null && route == PlannedRoute.Intravenous)
        {
            notes.Add("Breastfeeding: nurse 2–4 hours after the infusion (E-BOZ-2018).");
        }

        foreach (var dose in ctx.Doses)
        {
            if (dose.UnitAssumedMg)
            {
                notes.Add($"A recorded dose on {Text.Date(dose.Day)} had no unit and was read as mg.");
            }
        }

        // The plan cites its regimen's sources (clinical.md intro: "the output cites both"): children R9 / E-PEDS-2021;
        // adults the rule that chose the steroid, with E-NICE-2022 (standard), E-COPOUSEP-2015 (the oral 1,000 mg × 3
        // equivalent) or E-PFEUFFER-2020 (escalated).
        var evidence = ctx.IsChild ? PediatricEvidence
            : a == ActionCode.OralMethylprednisolone ? OralEvidence
            : a == ActionCode.EscalatedIvMethylprednisolone ? EscalatedEvidence
            : StandardEvidence;
        var what = route == PlannedRoute.Intravenous ? "IV methylprednisolone" : "oral methylprednisolone";
        if (ctx.IsChild)
        {
            Rules.R9People.ExplainChildSteroidPlan(ctx, d, what, regimen, days, start, evidence);
        }
        else
        {
            // A39: the plan's rationale entry cites the rule that first placed the action (a child's plan cites R9).
            d.Explain(d.PlacedBy(a) ?? d.PrimaryRule, a == ActionCode.OralMethylprednisolone
                ? $"Steroid plan: {what} {Text.Milligrams(regimen!.DoseMgPerDay)} mg/day for {days} days from {Text.Date(start)} (equivalent: 1,000 mg/day for 3 days)."
                : $"Steroid plan: {what} {Text.Milligrams(regimen!.DoseMgPerDay)} mg/day for {days} days from {Text.Date(start)}.",
                evidence);
        }

        var monitoring = ImmutableArray.Create(
            "Capillary glucose before and 6–9 hours after each dose",
            "Blood pressure and potassium",
            "Sleep and mood",
            "Symptoms of infection",
            $"Reassess the relapse on {Text.Date(reassess)} (course end + 10 days, E-STOPPE-2017)");

        return new SteroidPlan
        {
            Drug = "methylprednisolone",
            Action = a,
            Route = route,
            DoseMgPerDay = regimen?.DoseMgPerDay,
            DoseMgPerKgPerDay = ctx.IsChild ? SteroidRegimens.PediatricMgPerKgPerDay : null,
            Days = days,
            TotalDoseMg = regimen?.TotalDoseMg,
            PrednisoneEquivalentMg = regimen?.PrednisoneEquivalentMg,
            StartDate = start,
            EndDate = end,
            ReassessOn = reassess,
            Infusion = route == PlannedRoute.Intravenous ? "Infuse over at least 30–60 minutes (faster infusion risks arrhythmia)." : null,
            AfterMriExcludesPml = afterMri,
            Monitoring = monitoring,
            Taper = taper,
            Notes = notes.ToImmutable(),
            Evidence = evidence,
        };
    }

    /// <summary>The first concurrent action of a kind (a loop over the list: no LINQ iterator per plan).</summary>
    private static ActionCode? FirstConcurrent(Decision d, Func<ActionCode, bool> kind)
    {
        var concurrent = d.Concurrent;
        for (var i = 0; i < concurrent.Count; i++)
        {
            if (kind(concurrent[i]))
            {
                return concurrent[i];
            }
        }

        return null;
    }

    /// <summary>First new session: asOf + 1, or + 2 with an active ACE inhibitor (hold ≥ 24 h, E-OWEN-1994), immunoadsorption too (A23).</summary>
    private static DateOnly FirstNewSession(EvaluationContext ctx) =>
        ctx.AsOf.AddDays(ctx.AceInhibitor is not null ? Thresholds.ApheresisStartDaysWithAceInhibitor : Thresholds.ApheresisStartDays);

    /// <summary>
    /// The sessions already given in a course that R7.1 continues, of both kinds, else none. R7: "Sessions of plasma
    /// exchange and immunoadsorption count together"; R7.1: "the plan lists the remaining sessions" — so the plan of
    /// whichever kind is planned now (also immunoadsorption after an albumin allergy displaced plasma exchange, R8.3
    /// item 3, or apheresis moved to the alternatives by R8.3) holds 5 − (all sessions since onset) new sessions (A17).
    /// </summary>
    private static ImmutableArray<ApheresisSession> Given(EvaluationContext ctx, Decision d) =>
        d.Stage == TreatmentStage.ApheresisInProgress
            && (d.PlacedBy(ActionCode.PlasmaExchange) == "R7.1" || d.PlacedBy(ActionCode.Immunoadsorption) == "R7.1")
            ? ctx.SessionsSinceOnset
            : [];

    /// <summary>The plan rationale's words for the sessions already given ("", or " Sessions of … : 3 given, 2 remaining (5 in all).").</summary>
    private static string GivenText(ImmutableArray<ApheresisSession> given, int total) =>
        given.IsEmpty
            ? string.Empty
            : $" Sessions of plasma exchange and immunoadsorption count together: {given.Length} given, {total - given.Length} remaining ({total} in all).";

    private static ImmutableArray<PlannedSession> Schedule(EvaluationContext ctx, ImmutableArray<ApheresisSession> given, int total)
    {
        var builder = ImmutableArray.CreateBuilder<PlannedSession>(total);
        var n = 0;
        foreach (var s in given)
        {
            builder.Add(new PlannedSession(++n, s.When.Date, true));
        }

        var next = FirstNewSession(ctx);
        if (!given.IsEmpty)
        {
            var afterLast = given[^1].When.Date.AddDays(Thresholds.ApheresisIntervalDays);
            next = afterLast > next ? afterLast : next;
        }

        while (n < total)
        {
            builder.Add(new PlannedSession(++n, next, false));
            next = next.AddDays(Thresholds.ApheresisIntervalDays);
        }

        return builder.MoveToImmutable();
    }

    private static TpePlan TpePlanFor(EvaluationContext ctx, Decision d)
    {
        var given = Given(ctx, d);
        var total = Math.Max(PlasmaExchangePlanner.DefaultExchanges, given.Length);
        var schedule = Schedule(ctx, given, total);
        var start = schedule.FirstOrDefault(s => !s.Done)?.Date;
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest
        {
            Sex = ctx.Record.Sex,
            WeightKg = ctx.Weight?.Value,
            HeightCm = ctx.Height?.Value,
            HematocritPercent = ctx.Hematocrit?.Value,
            PlasmaVolumesPerExchange = Thresholds.PlasmaVolumesPerExchange,
            Exchanges = total,
            StartDate = start ?? FirstNewSession(ctx),
        });

        var notes = ImmutableArray.CreateBuilder<string>();
        foreach (var item in plan.MissingItems)
        {
            var missing = item switch
            {
                "weight" => MissingItem.Weight,
                "height" => MissingItem.Height,
                "sex" => MissingItem.Sex,
                _ => MissingItem.Hematocrit,
            };
            d.Missing(missing, "plasma exchange volumes", blocking: true);
            notes.Add($"No volumes: {WireNames.Of(missing)} is missing (recent values only); the schedule stands.");
        }

        if (plan.VolumeCheck is { } check)
        {
            // 2026.2: the volumes stay Nadler's; the warning asks for the weight, height and units to be checked.
            d.AddFlag(FlagCode.TpeVolumeCheck, FlagSeverity.Warning, check, "E-NADLER-1962", "E-KAPLAN-1990");
        }

        if (plan.MissingItems.IsEmpty)
        {
            d.Used("weight-kg", ctx.Weight!.Value, ctx.Weight.When.Date, ctx.Weight.Source, "plan");
            if (ctx.Height is { } h)
            {
                d.Used("height-cm", h.Value, h.When.Date, h.Source, "plan");
            }

            d.Used("hematocrit-percent", ctx.Hematocrit!.Value, ctx.Hematocrit.When.Date, ctx.Hematocrit.Source, "plan");
        }

        if (ctx.AceInhibitor is not null)
        {
            notes.Add("Active ACE inhibitor: hold it at least 24 hours before each exchange; the first exchange is a day later (E-OWEN-1994).");
        }

        if (!Decision.IsApheresis(d.Primary) && FirstConcurrent(d, Decision.IsApheresis) is null)
        {
            notes.Add("Plasma exchange is an alternative here, not the primary recommendation.");
        }

        // The plan cites the sources of its formulas (clinical.md "Plasma exchange plan (E-NADLER-1962, E-KAPLAN-1990,
        // E-ASFA-2023, E-REVERBERI-2007)"), under the rule that chose plasma exchange.
        d.Explain(d.PlacedBy(ActionCode.PlasmaExchange) ?? d.PrimaryRule,
            (plan.MissingItems.IsEmpty
                ? "Plasma exchange plan: total blood volume by Nadler's formula (70 mL/kg under 25 kg), plasma volume = blood volume × (1 − hematocrit) with Kaplan's formula as a cross-check"
                : "Plasma exchange plan: volumes not computed (missing data)")
            + $"; {Text.Count(total, "exchange")} of 1.0 plasma volume every other day with 5 % albumin; IgG predicted by a two-compartment model (45 % intravascular).{GivenText(given, total)}",
            TpeEvidence);

        var monitoring = plan.Monitoring;
        return new TpePlan
        {
            Method = plan.Method,
            TotalBloodVolumeMl = Round(plan.TotalBloodVolumeMl, PlanRounding.Millilitres),
            PlasmaVolumeMl = Round(plan.PlasmaVolumeMl, PlanRounding.Millilitres),
            KaplanPlasmaVolumeMl = Round(plan.KaplanPlasmaVolumeMl, PlanRounding.Millilitres),
            PlasmaVolumesPerExchange = plan.PlasmaVolumesPerExchange,
            ExchangeVolumeMl = Round(plan.ExchangeVolumeMl, PlanRounding.Millilitres),
            FractionRemainingPerExchange = PlanRounding.Fraction(plan.FractionRemainingPerExchange),
            Exchanges = total,
            Schedule = schedule,
            StartDate = start,
            ReplacementFluid = "5 % human albumin",
            AlbuminGramsPerExchange = Round(plan.AlbuminGramsPerExchange, PlanRounding.Grams),
            AlbuminVialsPerExchange = plan.AlbuminVialsPerExchange,
            PredictedIgG = RoundedIgG(plan),
            Monitoring = monitoring,
            Notes = notes.ToImmutable(),
            Evidence = TpeEvidence,
        };
    }

    private static IaPlan IaPlanFor(EvaluationContext ctx, Decision d)
    {
        var given = Given(ctx, d);
        var total = Math.Max(ImmunoadsorptionPlanner.Sessions, given.Length);
        var schedule = Schedule(ctx, given, total);
        var start = schedule.FirstOrDefault(s => !s.Done)?.Date;
        var plan = ImmunoadsorptionPlanner.Plan(start ?? FirstNewSession(ctx));
        d.Explain(d.PlacedBy(ActionCode.Immunoadsorption) ?? d.PrimaryRule,
            $"Immunoadsorption plan: {Text.Count(total, "session")} every other day, no replacement fluid; the processed plasma volume is set by the apheresis unit.{GivenText(given, total)}",
            IaEvidence);
        return new IaPlan
        {
            Evidence = IaEvidence,
            Sessions = total,
            Schedule = schedule,
            StartDate = start,
            ProcessedPlasmaVolumesPerSession = plan.ProcessedPlasmaVolumesPerSession,
            Monitoring = plan.Monitoring,
        };
    }

    // Immutable, so shared by every plan rather than copied per evaluation.
    private static readonly ImmutableArray<string> TpeEvidence = ["E-ASFA-2023", "E-KAPLAN-1990", "E-NADLER-1962", "E-REVERBERI-2007"];

    private static readonly ImmutableArray<string> IaEvidence = ["E-IA-DORST-2019"];

    private static readonly ImmutableArray<string> PediatricEvidence = ["E-PEDS-2021"];

    private static readonly ImmutableArray<string> OralEvidence = ["E-COPOUSEP-2015", "E-NICE-2022"];

    private static readonly ImmutableArray<string> EscalatedEvidence = ["E-PFEUFFER-2020"];

    private static readonly ImmutableArray<string> StandardEvidence = ["E-NICE-2022"];

    // The rounded IgG predictions depend only on the plasma volumes per exchange (fixed) and the number of
    // exchanges (5–7): made once per count and shared (immutable), not per evaluation.
    // (An ImmutableArray is one reference, so a racing first use writes it atomically: both threads compute the same.)
    private static readonly ImmutableArray<PredictedIgG>[] IgGByExchanges = new ImmutableArray<PredictedIgG>[PlasmaExchangePlanner.MaximumExchanges + 1];

    private static ImmutableArray<PredictedIgG> RoundedIgG(PlasmaExchangePlan plan)
    {
        static ImmutableArray<PredictedIgG> Round(PlasmaExchangePlan p) =>
            [.. p.PredictedIgG.Select(x => new PredictedIgG(x.Session, PlanRounding.Fraction(x.PlasmaFractionOfPreExchange), PlanRounding.Fraction(x.TotalBodyFractionAfter)))];

        var count = plan.PredictedIgG.Length;
        if (plan.PlasmaVolumesPerExchange != Thresholds.PlasmaVolumesPerExchange || count >= IgGByExchanges.Length)
        {
            return Round(plan);
        }

        var cached = IgGByExchanges[count];
        if (cached.IsDefault)
        {
            cached = Round(plan);
            IgGByExchanges[count] = cached;
        }

        return cached;
    }

    private static double? Round(double? value, Func<double, double> round) => value is { } v ? round(v) : null;
}
