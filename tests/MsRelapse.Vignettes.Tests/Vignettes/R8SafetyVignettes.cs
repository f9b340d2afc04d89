using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>R8 — safety modifiers: steroid allergy, infection with steroids, apheresis safety, steroid cautions.</summary>
public sealed class R8SafetyVignettes
{
    // ------------------------------------------------------------------ R8.1 steroid allergy

    // R8.1: steroid allergy → flag steroid-allergy (warning); every steroid action → notRecommended ("documented
    // allergy"); where a steroid was primary in a severe attack → plasma-exchange, urgent (TPE plan filled).
    [Fact]
    public void Severe_relapse_in_a_patient_allergic_to_methylprednisolone_gets_plasma_exchange()
    {
        var r = Evaluate.Run(Woman().WithBody().SteroidAllergy().Attack(2, 4.5));
        Expect.Flag(r, "steroid-allergy", "warning");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.SteroidsNotRecommended(r);
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.True(r, r.PlasmaExchangePlan() is not null, "plasma-exchange plan");
        Expect.Rule(r, "R8");
    }

    // R8.1: "otherwise primary specialist-review, soon, with plasma-exchange and immunoadsorption as alternatives";
    // a prednisone allergy (RxNorm 8640) counts as a steroid allergy.
    [Fact]
    public void Moderate_relapse_in_a_patient_allergic_to_prednisone_goes_to_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().SteroidAllergy(FhirCodes.Prednisone).Attack(2, 3.0));
        Expect.Flag(r, "steroid-allergy", "warning");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Alternative(r, "immunoadsorption");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.SteroidsNotRecommended(r);
    }

    // R8.1 "Every steroid action, in every rule": in a mild attack the oral alternative moves to notRecommended.
    [Fact]
    public void Mild_relapse_in_a_steroid_allergic_patient_does_not_offer_oral_steroids()
    {
        var r = Evaluate.Run(Woman().SteroidAllergy().Attack(2, 2.5));
        Expect.Decision(r, "observe", "routine");
        Expect.NoAlternative(r, "oral-methylprednisolone");
        Expect.NotRecommended(r, "oral-methylprednisolone");
    }

    // R8.1 on R6.4: the escalated-IV alternative becomes not recommended; plasma exchange stays primary.
    [Fact]
    public void Steroid_allergy_removes_escalated_iv_steroids_from_the_alternatives()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).SteroidAllergy());
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.NotRecommended(r, "escalated-iv-methylprednisolone");
        Expect.NoSteroidOffered(r);
        Expect.Disjoint(r);
    }

    // ------------------------------------------------------------------ R8.2 infection and steroids

    // R8.2: fever in the last 3 days while oral steroids are primary (onset 6 days ago: outside the R2.3 window) →
    // fever (warning), treat-trigger, soon, steroid to alternatives "once the infection is treated".
    [Fact]
    public void Fever_during_a_moderate_relapse_treats_the_fever_before_steroids()
    {
        var r = Evaluate.Run(Woman().Attack(6, 3.0).Temperature(Day(-1), 38.6));
        Expect.Status(r, "relapse");
        Expect.Flag(r, "fever", "warning");
        Expect.Decision(r, "treat-trigger", "soon");
        Expect.Alternative(r, "oral-methylprednisolone");
        Expect.Disjoint(r);
    }

    // R8.2: "a severe attack adds concurrent specialist-review and urgency at least urgent".
    [Trait("Ruling", "A19")]
    [Fact]
    public void Infection_during_a_severe_relapse_adds_urgent_specialist_review()
    {
        var r = Evaluate.Run(Woman().Attack(6, 4.5).Uti(Day(-1)));
        Expect.Flag(r, "infection", "warning");
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.Alternative(r, "iv-methylprednisolone");
    }

    // R8.2: with sepsis: infection critical, emergency, the steroid under notRecommended.
    [Fact]
    public void Sepsis_during_a_relapse_makes_steroids_not_recommended()
    {
        var r = Evaluate.Run(Woman().Attack(6, 3.0).Sepsis(Day(-1)));
        Expect.Flag(r, "infection", "critical");
        Expect.Decision(r, "treat-trigger", "emergency");
        Expect.SteroidsNotRecommended(r);
    }

    // R8.2: "A steroid that is only an alternative keeps its place with that condition": mild attack → observe.
    [Fact]
    public void Infection_during_a_mild_relapse_keeps_oral_steroids_as_a_conditional_alternative()
    {
        var r = Evaluate.Run(Woman().Attack(6, 2.5).Uti(Day(-1)));
        Expect.Flag(r, "infection", "warning");
        Expect.Decision(r, "observe", "routine");
        Expect.Alternative(r, "oral-methylprednisolone");
    }

    // R8.2 recency: "an infection ... with onset in the last 14 days and not abated": 14 days ago counts, 15 does not
    // (attack 30 days ago, so the infection is outside the R2.3 window).
    [Theory]
    [InlineData(14, "treat-trigger")]
    [InlineData(15, "oral-methylprednisolone")]
    public void Infection_counts_for_fourteen_days_after_its_onset(int infectionDaysAgo, string primary)
    {
        var r = Evaluate.Run(Woman().Attack(30, 3.0).Pneumonia(Day(-infectionDaysAgo)));
        Expect.Decision(r, primary, "soon");
        if (primary == "oral-methylprednisolone")
        {
            Expect.NoFlag(r, "infection");
        }
    }

    // R8.2 recency: "fever in the last 3 days": 3 days ago counts, 4 does not.
    [Theory]
    [InlineData(3, "treat-trigger")]
    [InlineData(4, "oral-methylprednisolone")]
    public void Fever_counts_for_three_days(int feverDaysAgo, string primary)
    {
        var r = Evaluate.Run(Woman().Attack(30, 3.0).Temperature(Day(-feverDaysAgo), 38.3));
        Expect.Decision(r, primary, "soon");
        if (primary == "oral-methylprednisolone")
        {
            Expect.NoFlag(r, "fever");
        }
    }

    // ------------------------------------------------------------------ R8.3 apheresis safety

    // R8.3.1: "systolic BP < 90 mmHg in the last 2 days → apheresis-contraindication-hemodynamic (critical): primary
    // specialist-review, urgency emergency". 89 yesterday and 85 two days ago count; 90 is not < 90; 85 three days
    // ago is outside the window. Panel (85354-9 + 8480-6) and 8480-6 alone are both read.
    [Theory]
    [InlineData(89, -1, true, true)]
    [InlineData(85, -2, false, true)]
    [InlineData(90, -1, true, false)]
    [InlineData(85, -3, true, false)]
    public void Low_systolic_pressure_stops_plasma_exchange(double systolic, int day, bool panel, bool contraindicated)
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).SystolicBp(Day(day), systolic, panel));
        if (contraindicated)
        {
            Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
            Expect.Decision(r, "specialist-review", "emergency");
        }
        else
        {
            Expect.NoFlag(r, "apheresis-contraindication-hemodynamic");
            Expect.Decision(r, "plasma-exchange", "urgent");
        }
    }

    // R8.3.2: current infection with plasma exchange primary → apheresis-contraindication-infection (critical) and
    // infection (warning); primary treat-trigger, urgency soon raised to urgent by the Evaluation-order floor (severe
    // attack); plasma exchange moves to alternatives "once infection is controlled".
    [Fact]
    public void Pneumonia_in_a_steroid_refractory_severe_relapse_is_treated_before_plasma_exchange()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).Pneumonia(Day(-3)));
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Flag(r, "infection", "warning");
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Disjoint(r);
    }

    // R8.3.2 without sepsis and not severe: urgency soon.
    [Fact]
    public void Fever_in_a_moderate_relapse_due_for_plasma_exchange_is_treated_first_soon()
    {
        var r = Evaluate.Run(RefractoryAfterIv(3.5).Temperature(Day(-1), 38.4));
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Flag(r, "fever", "warning");
        Expect.Decision(r, "treat-trigger", "soon");
        Expect.Alternative(r, "plasma-exchange");
    }

    // R8.3.2: "(emergency with sepsis ...)"; sepsis makes infection critical.
    [Fact]
    public void Sepsis_in_a_patient_due_for_plasma_exchange_is_an_emergency()
    {
        var r = Evaluate.Run(RefractoryAfterIv(3.5).Sepsis(Day(-2)));
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.Flag(r, "infection", "critical");
        Expect.Decision(r, "treat-trigger", "emergency");
    }

    // R8.2/R8.3.2 with R3.1: "the floor of Evaluation order step 5 applies": never below urgent with possible-nmosd.
    [Fact]
    public void Infection_in_an_aqp4_positive_attack_is_treated_first_but_stays_urgent()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-4)).Attack(6, 3.0).Uti(Day(-1)));
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Flag(r, "infection", "warning");
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.Alternative(r, "plasma-exchange");
    }

    // R8.3.3: "albumin allergy → tpe-caution-albumin-allergy (warning): primary immunoadsorption (no replacement
    // fluid), same urgency"; the immunoadsorption plan has replacementFluid "none" (E-IA-DORST-2019).
    [Fact]
    public void Albumin_allergy_switches_plasma_exchange_to_immunoadsorption()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).AlbuminAllergy());
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
        Expect.Decision(r, "immunoadsorption", "urgent");
        var ia = r.ImmunoadsorptionPlan();
        Expect.True(r, ia is not null && Out.Str(ia["replacementFluid"]) == "none", "immunoadsorption plan without replacement fluid");
        Expect.True(r, Out.Num(ia?["sessions"]) == 5, "5 sessions");
    }

    // R8.3.4 + plasma-exchange plan: an ACE inhibitor recognised by name in a clinical-drug code (lisinopril 10 MG
    // Oral Tablet) → tpe-caution-ace-inhibitor (E-OWEN-1994); exchanges start asOf + 2 instead of + 1.
    [Fact]
    public void Lisinopril_tablet_delays_plasma_exchange_by_a_day_and_is_flagged()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).Lisinopril());
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Expect.Evidence(r, "E-OWEN-1994");
        var schedule = r.PlasmaExchangePlan().Schedule().Select(s => s.Date).ToList();
        Assert.Equal([Out.Iso(Day(2)), Out.Iso(Day(4)), Out.Iso(Day(6)), Out.Iso(Day(8)), Out.Iso(Day(10))], schedule);
        Expect.ReassessOn(r, Day(10));
    }

    // R8.3 "whenever apheresis is the primary, concurrent or an alternative": after a failed oral course (moderate)
    // IV steroids are primary and plasma exchange an alternative → the ACE caution is still raised; "The plan is
    // filled whenever plasma-exchange is the primary, concurrent or an alternative".
    [Fact]
    public void Ace_inhibitor_caution_applies_when_plasma_exchange_is_only_an_alternative()
    {
        var r = Evaluate.Run(Woman().WithBody().Ramipril().Attack(18, 3.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 3.5));
        Expect.Primary(r, "iv-methylprednisolone");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Expect.True(r, r.PlasmaExchangePlan() is not null, "plasma-exchange plan filled for the alternative");
    }

    // R8.3.4: "calcium < 8.0 mg/dL → tpe-caution-hypocalcemia"; Conventions: mmol/L × 4.008
    // (1.99 → 7.98 flagged; 2.00 → 8.02 not).
    [Trait("Ruling", "A31")]
    [Theory]
    [InlineData(7.9, "mg/dL", true)]
    [InlineData(8.0, "mg/dL", false)]
    [InlineData(1.99, "mmol/L", true)]
    [InlineData(2.0, "mmol/L", false)]
    public void Calcium_below_eight_mg_per_dl_is_a_plasma_exchange_caution(double value, string unit, bool flagged)
    {
        var b = RefractoryAfterIv(4.5);
        b = unit == "mg/dL" ? b.Calcium(Day(-1), value) : b.CalciumMmol(Day(-1), value);
        var r = Evaluate.Run(b);
        Expect.Primary(r, "plasma-exchange");
        if (flagged)
        {
            Expect.Flag(r, "tpe-caution-hypocalcemia", "warning");
        }
        else
        {
            Expect.NoFlag(r, "tpe-caution-hypocalcemia");
        }
    }

    // R8.3.4: "fibrinogen < 100 mg/dL → tpe-caution-low-fibrinogen"; Conventions: g/L × 100.
    [Theory]
    [InlineData(99, "mg/dL", true)]
    [InlineData(100, "mg/dL", false)]
    [InlineData(0.9, "g/L", true)]
    [InlineData(1.0, "g/L", false)]
    public void Fibrinogen_below_one_hundred_mg_per_dl_is_a_plasma_exchange_caution(double value, string unit, bool flagged)
    {
        var b = RefractoryAfterIv(4.5);
        b = unit == "mg/dL" ? b.Fibrinogen(Day(-1), value) : b.FibrinogenGPerL(Day(-1), value);
        var r = Evaluate.Run(b);
        Expect.Primary(r, "plasma-exchange");
        if (flagged)
        {
            Expect.Flag(r, "tpe-caution-low-fibrinogen", "warning");
        }
        else
        {
            Expect.NoFlag(r, "tpe-caution-low-fibrinogen");
        }
    }

    // R8.3.4: "an active anticoagulant → tpe-caution-anticoagulant (E-WODAJO-2024)" — warfarin by RxNorm, apixaban.
    [Theory]
    [InlineData("warfarin")]
    [InlineData("apixaban")]
    public void Anticoagulant_is_a_plasma_exchange_caution(string drug)
    {
        var b = RefractoryAfterIv(4.5);
        b = drug == "warfarin" ? b.Warfarin() : b.Apixaban();
        var r = Evaluate.Run(b);
        Expect.Primary(r, "plasma-exchange");
        Expect.Flag(r, "tpe-caution-anticoagulant", "warning");
        Expect.Evidence(r, "E-WODAJO-2024");
    }

    // ------------------------------------------------------------------ R8.4 steroid cautions

    // R8.4: "steroid-caution-gi (peptic ulcer, active NSAID or anticoagulant: consider a PPI)" while a steroid is
    // primary or concurrent.
    [Theory]
    [InlineData("ulcer")]
    [InlineData("ibuprofen")]
    [InlineData("warfarin")]
    public void Gastrointestinal_risk_is_a_steroid_caution(string risk)
    {
        var b = Woman();
        b = risk switch
        {
            "ulcer" => b.PepticUlcer(),
            "ibuprofen" => b.Ibuprofen(),
            _ => b.Warfarin(),
        };
        var r = Evaluate.Run(b.Attack(2, 4.5));
        Expect.Primary(r, "iv-methylprednisolone");
        Expect.Flag(r, "steroid-caution-gi", "warning");
    }

    // R8.4 applies "whenever a steroid is the primary or concurrent": in a mild attack the steroid is only an
    // alternative → no GI caution.
    [Fact]
    public void No_steroid_caution_when_steroids_are_only_an_alternative()
    {
        var r = Evaluate.Run(Woman().PepticUlcer().Attack(2, 2.5));
        Expect.Primary(r, "observe");
        Expect.NoFlag(r, "steroid-caution-gi");
    }

    // R8.4: "frequent-steroid-courses (≥ 2 courses ended in the 365 days before the attack's onset)"; Conventions:
    // doses "at most 2 days apart" form one course — two 1 g doses 2 days apart are one course, 3 days apart two.
    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Two_courses_in_the_past_year_are_flagged_as_frequent(int gapDays, bool frequent)
    {
        var r = Evaluate.Run(Woman()
            .IvMethylprednisolone(Day(-200), days: 1).IvMethylprednisolone(Day(-200 + gapDays), days: 1)
            .Attack(2, 3.0));
        Expect.Primary(r, "oral-methylprednisolone");
        if (frequent)
        {
            Expect.Flag(r, "frequent-steroid-courses", "warning");
        }
        else
        {
            Expect.NoFlag(r, "frequent-steroid-courses");
        }
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // R3.2 + R8.1 (severe → plasma exchange, urgent) + R6.5 ("Apheresis chosen by … R8.1 more than 42 days after
    // onset → apheresis-delayed").
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergic_severe_mog_attack_after_six_weeks_gets_delayed_plasma_exchange()
    {
        var r = Evaluate.Run(Woman().WithBody().MogPositive(Day(-200)).SteroidAllergy().Attack(50, 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Concurrent(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
    }

    // R8.2 runs before R8.3: an untreated AQP4-positive attack with a urinary infection and systolic 80 mmHg — R8.2
    // already made treat-trigger the primary, so R8.3 item 1 ("only when apheresis is primary") raises its critical
    // flag without taking the primary; urgency urgent (NMOSD floor). Literal reading (clinical note in the audit
    // report: a hypotensive, infected patient at "urgent" rather than "emergency").
    [Trait("Source", "audit")]
    [Fact]
    public void Infected_hypotensive_nmosd_attack_treats_the_infection_first_and_flags_hypotension()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-40)).Attack(8, 3.0).Uti(Day(-1)).SystolicBp(Day(0), 80));
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.AlternativesInOrder(r, "plasma-exchange", "iv-methylprednisolone");
    }

    // R3.1 untreated → plasma-exchange, concurrent iv-MP + specialist-review, emergency. R8.1: "Every steroid action,
    // in every rule, moves to notRecommended" — the concurrent IV steroid goes; the primary (apheresis) is not a
    // steroid so it stays, urgency emergency (highest set). reassessOn: only apheresis is planned now → its last
    // planned session: asOf + 1, +3, +5, +7, +9 → Day(9).
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergic_aqp4_positive_attack_keeps_emergency_plasma_exchange_without_steroids()
    {
        var r = Evaluate.Run(Aqp4Woman().SteroidAllergy().Attack(3, 3.0));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.ConcurrentExactly(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.NoSteroidOffered(r);
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Flag(r, "steroid-allergy", "warning");
        Expect.True(r, r.SteroidPlan() is null, "no steroid plan");
        Assert.Equal([Out.Iso(Day(1)), Out.Iso(Day(3)), Out.Iso(Day(5)), Out.Iso(Day(7)), Out.Iso(Day(9))], Out.ScheduleDates(r.PlasmaExchangePlan()));
        Expect.ReassessOn(r, Day(9));
        Expect.Disjoint(r);
    }

    // R3.1 + R8.3.3: albumin allergy → immunoadsorption primary, same urgency (emergency); the IV steroid stays
    // concurrent; plasma exchange is displaced (R8.3.3 does not put it under notRecommended, so it is an alternative).
    [Trait("Source", "audit")]
    [Fact]
    public void Albumin_allergic_aqp4_positive_attack_gets_emergency_immunoadsorption_with_iv_steroids()
    {
        var r = Evaluate.Run(Aqp4Woman().AlbuminAllergy().Attack(3, 3.0));
        Expect.Decision(r, "immunoadsorption", "emergency");
        Expect.ConcurrentExactly(r, "iv-methylprednisolone", "specialist-review");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
        Expect.True(r, r.ImmunoadsorptionPlan() is not null, "immunoadsorption plan");
        Expect.True(r, r.SteroidPlan() is { } s && Out.Str(s["taper"]) is not null, "steroid plan with the NMOSD taper");
        Expect.Disjoint(r);
    }

    // R3.1 + R8.3.1: systolic 85 yesterday → hemodynamic (critical), primary specialist-review, emergency; the
    // concurrent IV steroid is untouched by R8.3 and keeps the steroid plan: reassessOn = planned end (asOf + 4) + 10.
    [Trait("Source", "audit")]
    [Fact]
    public void Hypotensive_aqp4_positive_attack_gets_same_day_specialist_review_and_keeps_iv_steroids()
    {
        var r = Evaluate.Run(Aqp4Woman().SystolicBp(Day(-1), 85).Attack(3, 3.0));
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
        Expect.Decision(r, "specialist-review", "emergency");
        Expect.ConcurrentExactly(r, "iv-methylprednisolone");
        Expect.Alternative(r, "plasma-exchange");
        Expect.ReassessOn(r, Day(14));
        Expect.Disjoint(r);
    }

    // R3.1 + R8.2 with sepsis (infection onset 1 day ago, attack onset 8 days ago: outside R2.3's window, so the
    // status stays relapse). The IV steroid is concurrent → primary treat-trigger, emergency; the steroid goes to
    // notRecommended (sepsis); the displaced plasma exchange is an alternative (R8.2 does not make it not
    // recommended); R8.3.2 raises apheresis-contraindication-infection; infection is critical (sepsis).
    [Trait("Source", "audit")]
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
    [Trait("Source", "audit")]
    [Fact]
    public void Aqp4_positive_attack_in_a_diabetic_on_warfarin_carries_steroid_and_exchange_cautions()
    {
        var r = Evaluate.Run(Aqp4Woman().Diabetes().Warfarin().Attack(3, 3.0));
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.Flag(r, "steroid-caution-diabetes", "warning");
        Expect.Flag(r, "steroid-caution-gi", "warning");
        Expect.Flag(r, "tpe-caution-anticoagulant", "warning");
    }

    // R3.2 untreated, moderate: iv-MP, soon, concurrent specialist-review → R8.2 fever: primary treat-trigger, soon
    // (not severe, no NMOSD/PML floor); the steroid becomes an alternative; specialist review stays concurrent.
    [Trait("Source", "audit")]
    [Fact]
    public void Feverish_mog_positive_moderate_attack_treats_the_fever_first()
    {
        var r = Evaluate.Run(MogWoman().Attack(8, 3.5).Temperature(Day(-1), 38.5));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "treat-trigger", "soon");
        Expect.Alternative(r, "iv-methylprednisolone");
        Expect.ConcurrentExactly(r, "specialist-review");
        Expect.Flag(r, "fever", "warning");
        Expect.Flag(r, "possible-mogad", "warning");
        Expect.ReassessOn(r, Day(3));
        Expect.Disjoint(r);
    }

    // R3.2 + R8.1, severe (2.0 → 4.5): "severe attack → primary plasma-exchange, urgent"; specialist review stays
    // concurrent (R3.2); reassessOn = last planned exchange (Day 9).
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergic_mog_positive_severe_attack_gets_urgent_plasma_exchange()
    {
        var r = Evaluate.Run(MogWoman().SteroidAllergy().Attack(3, 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.ConcurrentExactly(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.ReassessOn(r, Day(9));
        Expect.Disjoint(r);
    }

    // R3.2 + R8.1, moderate: "otherwise primary specialist-review, soon, with plasma-exchange and immunoadsorption as
    // alternatives" (in that order); specialist review is now primary, so it is not also concurrent.
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergic_mog_positive_moderate_attack_goes_to_specialist_review_with_apheresis_alternatives()
    {
        var r = Evaluate.Run(MogWoman().SteroidAllergy().Attack(3, 3.5));
        Expect.Decision(r, "specialist-review", "soon");
        Expect.AlternativesExactly(r, "plasma-exchange", "immunoadsorption");
        Expect.NotConcurrent(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.Disjoint(r);
    }

    // R3.3 + R8.2 (no sepsis) in a moderate attack: oral MP primary → treat-trigger; "R8.2 … may lower it, but never
    // below urgent when … pml-risk is raised" → urgent; specialist review concurrent (R3.3).
    [Trait("Source", "audit")]
    [Fact]
    public void Natalizumab_patient_with_a_urinary_infection_during_a_moderate_relapse_stays_urgent()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Attack(8, 3.0).Uti(Day(-1)));
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.ConcurrentExactly(r, "specialist-review");
        Expect.Alternative(r, "oral-methylprednisolone");
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Flag(r, "infection", "warning");
        Expect.ReassessOn(r, Day(3));
    }

    // R3.3 + R8.2 with sepsis in a severe attack: emergency, the steroid not recommended, specialist review concurrent.
    [Trait("Source", "audit")]
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
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergic_natalizumab_patient_with_a_moderate_relapse_is_reviewed_urgently()
    {
        var r = Evaluate.Run(Woman().Natalizumab().SteroidAllergy().Attack(4, 3.0));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.AlternativesExactly(r, "plasma-exchange", "immunoadsorption");
        Expect.NoSteroidOffered(r);
        Expect.Flag(r, "pml-risk", "warning");
    }

    // R6.4 oral branch + R8.2 fever: IV MP primary → treat-trigger, soon; the displaced IV steroid goes to the
    // alternatives with the condition; R8.3 (apheresis is an alternative) raises apheresis-contraindication-infection
    // as well; oral MP and symptomatic therapy stay not recommended.
    [Trait("Source", "audit")]
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
    [Trait("Source", "audit")]
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
    [Trait("Ruling", "A22")]
    [Trait("Source", "audit")]
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
    [Trait("Source", "audit")]
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
        Assert.Equal(Out.Iso(Day(2)), Out.ScheduleDates(r.PlasmaExchangePlan())[0]);
        Expect.ReassessOn(r, Day(10));
    }

    // R6.4 severe + albumin allergy + ACE inhibitor: immunoadsorption primary, same urgency (urgent); the ACE hold
    // applies to IA too (docs/pathway.md #23, "TPE and IA alike"): 5 sessions every other day from asOf + 2, so
    // reassessOn = last planned session = asOf + 10.
    [Trait("Ruling", "A23")]
    [Trait("Source", "audit")]
    [Fact]
    public void Albumin_allergy_with_an_ace_inhibitor_plans_immunoadsorption_from_the_second_day()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).AlbuminAllergy().Ramipril());
        Expect.Decision(r, "immunoadsorption", "urgent");
        Expect.Flag(r, "tpe-caution-albumin-allergy", "warning");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        Assert.Equal([Out.Iso(Day(2)), Out.Iso(Day(4)), Out.Iso(Day(6)), Out.Iso(Day(8)), Out.Iso(Day(10))], Out.ScheduleDates(r.ImmunoadsorptionPlan()));
        Expect.ReassessOn(r, Day(10));
        Expect.Disjoint(r);
    }

    // R6.4 IV branch, moderate (3.5): alternatives in the order R6.4 gives them; an ACE inhibitor that was stopped
    // (status completed) raises no caution and the exchanges start at asOf + 1.
    [Trait("Source", "audit")]
    [Fact]
    public void Stopped_ace_inhibitor_raises_no_caution_and_does_not_delay_exchanges()
    {
        var r = Evaluate.Run(RefractoryAfterIv(3.5).MedicationStatement(FhirCodes.RxNorm, FhirCodes.Ramipril, "ramipril", "completed"));
        Expect.Decision(r, "plasma-exchange", "soon");
        Expect.AlternativesExactly(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
        Expect.NoFlag(r, "tpe-caution-ace-inhibitor");
        Assert.Equal(Out.Iso(Day(1)), Out.ScheduleDates(r.PlasmaExchangePlan())[0]);
        Expect.ReassessOn(r, Day(9));
    }

    // R7.1 in progress, severe (urgent) + fever: R8.3.2 → treat-trigger; "the floor of Evaluation order step 5
    // applies" (severe) → urgent; plasma exchange waits as an alternative; reassess asOf + 3.
    [Trait("Source", "audit")]
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
    [Trait("Source", "audit")]
    [Fact]
    public void Hypotension_during_immunoadsorption_stops_it_for_same_day_review()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(10, 3.5).ImmunoadsorptionSessions(Day(-3), Day(-1)).SystolicBp(Day(0), 78));
        Expect.Decision(r, "specialist-review", "emergency");
        Expect.Alternative(r, "immunoadsorption");
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
    }

    // R8.2: "A steroid that is only an alternative keeps its place with that condition (sepsis: notRecommended)":
    // mild attack 20 days ago (late-for-steroids), sepsis yesterday (outside R2.3's window) → observe stays primary,
    // oral MP not recommended, infection critical.
    [Trait("Source", "audit")]
    [Fact]
    public void Sepsis_in_a_mild_relapse_makes_the_oral_alternative_not_recommended()
    {
        var r = Evaluate.Run(Woman().Attack(20, 2.5).Sepsis(Day(-1)));
        Expect.Status(r, "relapse");
        Expect.Primary(r, "observe");
        Expect.NotRecommended(r, "oral-methylprednisolone");
        Expect.Flag(r, "infection", "critical");
        Expect.Flag(r, "late-for-steroids", "info");
    }

    // R8.3 item 2 lists: flag, primary treat-trigger, urgency soon (floor: urgent when severe), apheresis to the
    // alternatives. Unlike R8.2 it does not add concurrent specialist-review (lead's ruling; docs/pathway.md #20).
    [Trait("Source", "audit")]
    [Fact]
    public void Pneumonia_before_plasma_exchange_adds_no_concurrent_action_literal_reading()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).Pneumonia(Day(-3)));
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.True(r, r.Concurrent().Count == 0, "no concurrent action");
    }
}
