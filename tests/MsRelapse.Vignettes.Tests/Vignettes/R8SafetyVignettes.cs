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
    public void Low_systolic_pressure_stops_plasma_exchange(double mmHg, int daysAgo, bool panel, bool contraindicated)
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).SystolicBp(Day(daysAgo), mmHg, panel));
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
}
