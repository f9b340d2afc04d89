using System.Text.Json.Nodes;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>
/// Independent audit (clinical.md, Evaluation order steps 4–5): combinations of the modifiers R3 → R8.1 → R8.2 →
/// R8.3 → R9 on every treatment stage, with exact urgency, reassessOn, alternatives order and flag severities.
/// Written from clinical.md alone; where the engine disagreed and the spec is clear, the lead has ruled and the
/// engine now follows the spec (docs/pathway.md names each ruling).
/// </summary>
public sealed class AuditModifierVignettes
{
    /// <summary>An AQP4-positive woman (RRMS on record, baseline 2.0) with height, weight and hematocrit.</summary>
    private static PatientBundle Aqp4Woman() => Woman().WithBody().Aqp4Positive(Day(-40));

    /// <summary>A MOG-IgG positive woman with height, weight and hematocrit.</summary>
    private static PatientBundle MogWoman() => Woman().WithBody().MogPositive(Day(-40));

    /// <summary>Moderate attack 18 days ago (EDSS 3.5), oral MP 500 mg × 5 from day −16, EDSS still 3.5 on day −2: R6.4 oral branch.</summary>
    private static PatientBundle ModerateAfterOral() =>
        Woman().WithBody().Attack(18, 3.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 3.5);

    private static IReadOnlyList<string> Dates(JsonObject? plan) => plan.Schedule().Select(s => s.Date).ToList();

    private static IReadOnlyList<string> PlannedDates(JsonObject? plan) => plan.Schedule().Where(s => !s.Done).Select(s => s.Date).ToList();

    private static void Alternatives(JsonObject r, params string[] exactly) =>
        Expect.True(r, r.Alternatives().SequenceEqual(exactly), $"alternatives exactly [{string.Join(",", exactly)}]");

    private static void ConcurrentExactly(JsonObject r, params string[] exactly) =>
        Expect.True(r, r.Concurrent().OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(exactly.OrderBy(x => x, StringComparer.Ordinal)), $"concurrent exactly [{string.Join(",", exactly)}]");

    // ------------------------------------------------------------------ R3.1 with the R8 modifiers

    // R3.1 untreated → plasma-exchange, concurrent iv-MP + specialist-review, emergency. R8.1: "Every steroid action,
    // in every rule, moves to notRecommended" — the concurrent IV steroid goes; the primary (apheresis) is not a
    // steroid so it stays, urgency emergency (highest set). reassessOn: only apheresis is planned now → its last
    // planned session: asOf + 1, +3, +5, +7, +9 → Day(9).
    [Fact]
    public void Steroid_allergic_aqp4_positive_attack_keeps_emergency_plasma_exchange_without_steroids()
    {
        var r = Evaluate.Run(Aqp4Woman().SteroidAllergy().Attack(3, 3.0));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "plasma-exchange", "emergency");
        ConcurrentExactly(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.NoSteroidOffered(r);
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Flag(r, "steroid-allergy", "warning");
        Expect.True(r, r.SteroidPlan() is null, "no steroid plan");
        Assert.Equal([Out.Iso(Day(1)), Out.Iso(Day(3)), Out.Iso(Day(5)), Out.Iso(Day(7)), Out.Iso(Day(9))], Dates(r.PlasmaExchangePlan()));
        Expect.ReassessOn(r, Day(9));
        Expect.Disjoint(r);
    }

    // R3.1 + R8.3.3: albumin allergy → immunoadsorption primary, same urgency (emergency); the IV steroid stays
    // concurrent; plasma exchange is displaced (R8.3.3 does not put it under notRecommended, so it is an alternative).
    [Fact]
    public void Albumin_allergic_aqp4_positive_attack_gets_emergency_immunoadsorption_with_iv_steroids()
    {
        var r = Evaluate.Run(Aqp4Woman().AlbuminAllergy().Attack(3, 3.0));
        Expect.Decision(r, "immunoadsorption", "emergency");
        ConcurrentExactly(r, "iv-methylprednisolone", "specialist-review");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
        Expect.True(r, r.ImmunoadsorptionPlan() is not null, "immunoadsorption plan");
        Expect.True(r, r.SteroidPlan() is { } s && Out.Str(s["taper"]) is not null, "steroid plan with the NMOSD taper");
        Expect.Disjoint(r);
    }

    // R3.1 + R8.3.1: systolic 85 yesterday → hemodynamic (critical), primary specialist-review, emergency; the
    // concurrent IV steroid is untouched by R8.3 and keeps the steroid plan: reassessOn = planned end (asOf + 4) + 10.
    [Fact]
    public void Hypotensive_aqp4_positive_attack_gets_same_day_specialist_review_and_keeps_iv_steroids()
    {
        var r = Evaluate.Run(Aqp4Woman().SystolicBp(Day(-1), 85).Attack(3, 3.0));
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
        Expect.Decision(r, "specialist-review", "emergency");
        ConcurrentExactly(r, "iv-methylprednisolone");
        Expect.Alternative(r, "plasma-exchange");
        Expect.ReassessOn(r, Day(14));
        Expect.Disjoint(r);
    }

    // R3.1 + R8.2 with sepsis (infection onset 1 day ago, attack onset 8 days ago: outside R2.3's window, so the
    // status stays relapse). The IV steroid is concurrent → primary treat-trigger, emergency; the steroid goes to
    // notRecommended (sepsis); the displaced plasma exchange is an alternative (R8.2 does not make it not
    // recommended); R8.3.2 raises apheresis-contraindication-infection; infection is critical (sepsis).
    [Fact]
    public void Septic_aqp4_positive_attack_treats_the_sepsis_first_as_an_emergency()
    {
        var r = Evaluate.Run(Aqp4Woman().Attack(8, 3.0).Sepsis(Day(-1)));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "treat-trigger", "emergency");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "infection", "critical");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.ReassessOn(r, Day(3));
        Expect.Disjoint(r);
    }

    // R3.1 + R8.4: the concurrent IV steroid is "planned now", so steroid cautions apply (diabetes, GI by warfarin),
    // and R8.3.4's anticoagulant caution applies to the primary plasma exchange.
    [Fact]
    public void Aqp4_positive_attack_in_a_diabetic_on_warfarin_carries_steroid_and_exchange_cautions()
    {
        var r = Evaluate.Run(Aqp4Woman().Diabetes().Warfarin().Attack(3, 3.0));
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.Flag(r, "steroid-caution-diabetes", "warning");
        Expect.Flag(r, "steroid-caution-gi", "warning");
        Expect.Flag(r, "tpe-caution-anticoagulant", "warning");
    }

    // ------------------------------------------------------------------ R3.2 with the R8 modifiers

    // R3.2 untreated, moderate: iv-MP, soon, concurrent specialist-review → R8.2 fever: primary treat-trigger, soon
    // (not severe, no NMOSD/PML floor); the steroid becomes an alternative; specialist review stays concurrent.
    [Fact]
    public void Feverish_mog_positive_moderate_attack_treats_the_fever_first()
    {
        var r = Evaluate.Run(MogWoman().Attack(8, 3.5).Temperature(Day(-1), 38.5));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "treat-trigger", "soon");
        Expect.Alternative(r, "iv-methylprednisolone");
        ConcurrentExactly(r, "specialist-review");
        Expect.Flag(r, "fever", "warning");
        Expect.Flag(r, "possible-mogad", "warning");
        Expect.ReassessOn(r, Day(3));
        Expect.Disjoint(r);
    }

    // R3.2 + R8.1, severe (2.0 → 4.5): "severe attack → primary plasma-exchange, urgent"; specialist review stays
    // concurrent (R3.2); reassessOn = last planned exchange (Day 9).
    [Fact]
    public void Steroid_allergic_mog_positive_severe_attack_gets_urgent_plasma_exchange()
    {
        var r = Evaluate.Run(MogWoman().SteroidAllergy().Attack(3, 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
        ConcurrentExactly(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.ReassessOn(r, Day(9));
        Expect.Disjoint(r);
    }

    // R3.2 + R8.1, moderate: "otherwise primary specialist-review, soon, with plasma-exchange and immunoadsorption as
    // alternatives" (in that order); specialist review is now primary, so it is not also concurrent.
    [Fact]
    public void Steroid_allergic_mog_positive_moderate_attack_goes_to_specialist_review_with_apheresis_alternatives()
    {
        var r = Evaluate.Run(MogWoman().SteroidAllergy().Attack(3, 3.5));
        Expect.Decision(r, "specialist-review", "soon");
        Alternatives(r, "plasma-exchange", "immunoadsorption");
        Expect.NotConcurrent(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.Disjoint(r);
    }

    // ------------------------------------------------------------------ R3.3 with R8

    // R3.3 + R8.2 (no sepsis) in a moderate attack: oral MP primary → treat-trigger; "R8.2 … may lower it, but never
    // below urgent when … pml-risk is raised" → urgent; specialist review concurrent (R3.3).
    [Fact]
    public void Natalizumab_patient_with_a_urinary_infection_during_a_moderate_relapse_stays_urgent()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Attack(8, 3.0).Uti(Day(-1)));
        Expect.Decision(r, "treat-trigger", "urgent");
        ConcurrentExactly(r, "specialist-review");
        Expect.Alternative(r, "oral-methylprednisolone");
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Flag(r, "infection", "warning");
        Expect.ReassessOn(r, Day(3));
    }

    // R3.3 + R8.2 with sepsis in a severe attack: emergency, the steroid not recommended, specialist review concurrent.
    [Fact]
    public void Natalizumab_patient_with_sepsis_during_a_severe_relapse_is_an_emergency_without_steroids()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Attack(8, 4.5).Sepsis(Day(-2)));
        Expect.Decision(r, "treat-trigger", "emergency");
        Expect.Concurrent(r, "specialist-review");
        Expect.SteroidsNotRecommended(r);
        Expect.Flag(r, "infection", "critical");
    }

    // R3.3 + R8.1 moderate: R8.1 sets specialist-review "soon", but R3.3 raised urgency to at least urgent and
    // "Urgency: the highest that any applicable rule sets or raises" → urgent.
    [Fact]
    public void Steroid_allergic_natalizumab_patient_with_a_moderate_relapse_is_reviewed_urgently()
    {
        var r = Evaluate.Run(Woman().Natalizumab().SteroidAllergy().Attack(4, 3.0));
        Expect.Decision(r, "specialist-review", "urgent");
        Alternatives(r, "plasma-exchange", "immunoadsorption");
        Expect.NoSteroidOffered(r);
        Expect.Flag(r, "pml-risk", "warning");
    }

    // ------------------------------------------------------------------ R6.4 with R8

    // R6.4 oral branch + R8.2 fever: IV MP primary → treat-trigger, soon; the displaced IV steroid goes to the
    // alternatives with the condition; R8.3 (apheresis is an alternative) raises apheresis-contraindication-infection
    // as well; oral MP and symptomatic therapy stay not recommended.
    [Fact]
    public void Fever_after_a_failed_oral_course_is_treated_before_iv_steroids()
    {
        var r = Evaluate.Run(ModerateAfterOral().Temperature(Day(-1), 38.2));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "treat-trigger", "soon");
        Expect.AlternativesInOrder(r, "iv-methylprednisolone", "plasma-exchange", "immunoadsorption");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.NotRecommended(r, "symptomatic-therapy");
        Expect.Flag(r, "fever", "warning");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.ReassessOn(r, Day(3));
        Expect.Disjoint(r);
    }

    // R6.4 IV branch, moderate (2.0 → 3.5) + sepsis: R8.2 puts the escalated-IV alternative under notRecommended
    // (sepsis); R8.3.2 replaces the plasma-exchange primary with treat-trigger, emergency (sepsis).
    [Fact]
    public void Sepsis_after_a_failed_iv_course_is_an_emergency_and_escalated_steroids_are_not_recommended()
    {
        var r = Evaluate.Run(RefractoryAfterIv(3.5).Sepsis(Day(-1)));
        Expect.Decision(r, "treat-trigger", "emergency");
        Expect.NotRecommended(r, "escalated-iv-methylprednisolone");
        Expect.AlternativesInOrder(r, "plasma-exchange", "immunoadsorption", "ivig");
        Expect.Flag(r, "infection", "critical");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Disjoint(r);
    }

    // R6.4 IV branch, severe + hypotension + fever: item 1 (hemodynamic) is the first matching contraindication and
    // decides the primary (specialist-review, emergency); item 2's flags still accumulate ("cautions accumulate").
    [Fact]
    public void Hypotension_and_fever_in_a_patient_due_for_plasma_exchange_puts_hypotension_first()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).SystolicBp(Day(0), 82).Temperature(Day(0), 38.9));
        Expect.Decision(r, "specialist-review", "emergency");
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Flag(r, "fever", "warning");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Disjoint(r);
    }

    // R6.4 severe + all four R8.3.4 cautions together (ACE inhibitor, calcium 7.5, fibrinogen 0.8 g/L = 80 mg/dL,
    // apixaban): plasma exchange stays primary and urgent; every caution is a warning; no steroid caution because no
    // steroid is primary or concurrent (R8.4); the ACE inhibitor moves the first exchange to asOf + 2.
    [Fact]
    public void All_plasma_exchange_cautions_accumulate_without_changing_the_primary()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).Ramipril().Calcium(Day(-1), 7.5).FibrinogenGPerL(Day(-1), 0.8).Apixaban());
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Expect.Flag(r, "tpe-caution-hypocalcemia", "warning");
        Expect.Flag(r, "tpe-caution-low-fibrinogen", "warning");
        Expect.Flag(r, "tpe-caution-anticoagulant", "warning");
        Expect.NoFlag(r, "steroid-caution-gi");
        Assert.Equal(Out.Iso(Day(2)), Dates(r.PlasmaExchangePlan())[0]);
        Expect.ReassessOn(r, Day(10));
    }

    // R6.4 severe + albumin allergy + ACE inhibitor: immunoadsorption primary, same urgency (urgent); the ACE hold
    // applies to IA too (docs/pathway.md #23, "TPE and IA alike"): 5 sessions every other day from asOf + 2, so
    // reassessOn = last planned session = asOf + 10.
    [Fact]
    public void Albumin_allergy_with_an_ace_inhibitor_plans_immunoadsorption_from_the_second_day()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).AlbuminAllergy().Ramipril());
        Expect.Decision(r, "immunoadsorption", "urgent");
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Assert.Equal([Out.Iso(Day(2)), Out.Iso(Day(4)), Out.Iso(Day(6)), Out.Iso(Day(8)), Out.Iso(Day(10))], Dates(r.ImmunoadsorptionPlan()));
        Expect.ReassessOn(r, Day(10));
        Expect.Disjoint(r);
    }

    // R6.4 IV branch, moderate (3.5): alternatives in the order R6.4 gives them; an ACE inhibitor that was stopped
    // (status completed) raises no caution and the exchanges start at asOf + 1.
    [Fact]
    public void Stopped_ace_inhibitor_raises_no_caution_and_does_not_delay_exchanges()
    {
        var r = Evaluate.Run(RefractoryAfterIv(3.5).MedicationStatement(FhirCodes.RxNorm, FhirCodes.Ramipril, "ramipril", "completed"));
        Expect.Decision(r, "plasma-exchange", "soon");
        Alternatives(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
        Expect.NoFlag(r, "tpe-caution-ace-inhibitor");
        Assert.Equal(Out.Iso(Day(1)), Dates(r.PlasmaExchangePlan())[0]);
        Expect.ReassessOn(r, Day(9));
    }

    // ------------------------------------------------------------------ R7 with R8

    // R7.1 in progress, severe (urgent) + fever: R8.3.2 → treat-trigger; "the floor of Evaluation order step 5
    // applies" (severe) → urgent; plasma exchange waits as an alternative; reassess asOf + 3.
    [Fact]
    public void Fever_during_a_plasma_exchange_course_pauses_it_but_stays_urgent_for_a_severe_attack()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(10, 4.5).PlasmaExchangeSessions(Day(-4), Day(-2)).Temperature(Day(0), 38.3));
        Expect.Stage(r, "apheresis-in-progress");
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Flag(r, "fever", "warning");
        Expect.ReassessOn(r, Day(3));
    }

    // R7.1 immunoadsorption in progress + hypotension: R8.3 applies to IA alike → specialist-review, emergency.
    [Fact]
    public void Hypotension_during_immunoadsorption_stops_it_for_same_day_review()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(10, 3.5).ImmunoadsorptionSessions(Day(-3), Day(-1)).SystolicBp(Day(0), 78));
        Expect.Decision(r, "specialist-review", "emergency");
        Expect.Alternative(r, "immunoadsorption");
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
    }

    // R7.1 + ACE inhibitor. 2026.1 (docs/pathway.md A17) started the remaining sessions at max(last + 2, asOf + 2);
    // 2026.2 "Plasma exchange plan": "The ACE-inhibitor day of delay applies only to the first session of a new
    // course" — sessions on days −5, −3, −1 → remaining Day 1 and Day 3 (the drug is still held ≥ 24 h before each
    // exchange, and the caution stays); reassessOn = last planned session = Day 3.
    [Fact]
    public void Remaining_exchanges_of_a_course_in_progress_are_not_delayed_by_the_ace_inhibitor()
    {
        var r = Evaluate.Run(Woman().WithBody().Ramipril().Attack(10, 3.5).PlasmaExchangeSessions(Day(-5), Day(-3), Day(-1)));
        Expect.Decision(r, "plasma-exchange", "soon");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Assert.Equal([Out.Iso(Day(1)), Out.Iso(Day(3))], PlannedDates(r.PlasmaExchangePlan()));
        Expect.ReassessOn(r, Day(3));
    }

    // R7: "Sessions of plasma exchange and immunoadsorption count together"; R7.1 "the plan lists the remaining
    // sessions". Two exchanges and one immunoadsorption given (3 of 5) → the IA course in progress has 2 sessions
    // left (Day 1 and Day 3), reassessOn = the last planned session = Day 3.
    [Fact]
    public void Mixed_apheresis_course_plans_only_the_sessions_that_remain_of_five()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(10, 3.5)
            .PlasmaExchangeSessions(Day(-5), Day(-3)).ImmunoadsorptionSessions(Day(-1)));
        Expect.Decision(r, "immunoadsorption", "soon");
        Assert.Equal([Out.Iso(Day(1)), Out.Iso(Day(3))], PlannedDates(r.ImmunoadsorptionPlan()));
        Expect.ReassessOn(r, Day(3));
    }

    // R7.1 + R3.1: "urgent if possible-nmosd" even when not severe (moderate 3.5).
    [Fact]
    public void Apheresis_in_progress_for_a_moderate_nmosd_attack_is_urgent()
    {
        var r = Evaluate.Run(Aqp4Woman().Attack(10, 3.5).PlasmaExchangeSessions(Day(-4), Day(-2)));
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "possible-nmosd", "critical");
    }

    // R7.3 + R3.1: completed, not responded at ≥ 28 days → specialist-review "soon", but R3.1 "after first-line
    // treatment … urgency at least urgent" → urgent.
    [Fact]
    public void Nmosd_attack_not_responding_to_plasma_exchange_is_reviewed_urgently()
    {
        var r = Evaluate.Run(Aqp4Woman().Attack(60, 4.5)
            .PlasmaExchangeSessions(Day(-40), Day(-38), Day(-36), Day(-34), Day(-32)).Edss(Day(-1), 4.5));
        Expect.ApheresisResponse(r, "inadequate");
        Expect.Decision(r, "specialist-review", "urgent");
    }

    // ------------------------------------------------------------------ R6.5 with R3 and R8

    // R6.5: "Apheresis chosen by R6.1, R6.4 or R8.1 … more than 90 days → primary specialist-review … apheresis as
    // an alternative. (NMOSD apheresis under R3.1 gets the flag only, never the demotion.)" After a failed IV course
    // it is R6.4, not R3.1, that chose plasma exchange in this AQP4-positive patient, 100 days after onset → demoted
    // (lead's ruling; docs/pathway.md #34); urgent by R3.1's "after treatment … at least urgent".
    [Fact]
    public void Nmosd_attack_escalated_after_steroids_more_than_ninety_days_after_onset_goes_to_specialist_review()
    {
        var r = Evaluate.Run(Aqp4Woman().Attack(100, 4.5).IvMethylprednisolone(Day(-98)).Edss(Day(-2), 4.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "apheresis-delayed", "warning");
    }

    // R6.5 > 90 days, severe: "Demotions to specialist-review … keep urgent for a severe attack"; the displaced
    // plasma exchange is an alternative, the rest of R6.4's alternatives follow in their order.
    [Fact]
    public void Severe_refractory_attack_after_ninety_days_keeps_urgent_specialist_review_with_all_alternatives()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(95, 4.5).IvMethylprednisolone(Day(-93)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Disjoint(r);
    }

    // R6.5 > 42 days + R8.3.3: the delay flag is about apheresis chosen by R6.4; the albumin allergy then swaps
    // plasma exchange for immunoadsorption — both flags present, urgency urgent (severe).
    [Fact]
    public void Delayed_apheresis_with_albumin_allergy_is_immunoadsorption_flagged_delayed()
    {
        var r = Evaluate.Run(Woman().WithBody().AlbuminAllergy().Attack(50, 4.5).IvMethylprednisolone(Day(-48)).Edss(Day(-2), 4.5));
        Expect.Decision(r, "immunoadsorption", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
    }

    // R6.1 early worsening in a severe attack "escalate now as R6.4" more than 42 days after onset → apheresis-delayed.
    [Fact]
    public void Early_escalation_more_than_six_weeks_after_onset_is_flagged_delayed()
    {
        var r = Evaluate.Run(Woman().WithBody().Relapse(Day(-50)).Edss(Day(-49), 4.0)
            .IvMethylprednisolone(Day(-7)).Edss(Day(-3), 4.0).Edss(Day(-1), 4.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
    }
}
