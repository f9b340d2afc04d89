using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>R3 — differential diagnosis: NMOSD (AQP4-IgG), MOGAD (MOG-IgG), natalizumab and PML.</summary>
public sealed class R3DifferentialVignettes
{
    // R3.1: "Untreated attack of any severity (mild and unknown included): primary plasma-exchange, concurrent
    // iv-methylprednisolone and specialist-review, urgency emergency"; flag possible-nmosd critical (E-IPND-2015,
    // E-NEMOS-2016); "Steroids for NMOSD carry a slow oral taper (plan)"; the TPE plan is filled.
    [Fact]
    public void Mild_attack_in_an_aqp4_positive_patient_gets_emergency_plasma_exchange()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-1)).Attack(2, 2.5));
        Expect.Severity(r, "mild");
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.Concurrent(r, "iv-methylprednisolone");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Evidence(r, "E-IPND-2015", "E-NEMOS-2016");
        Expect.True(r, !string.IsNullOrWhiteSpace(Out.Str(r.SteroidPlan()?["taper"])), "steroid plan has a taper");
        Expect.True(r, r.PlasmaExchangePlan() is not null, "plasma-exchange plan filled");
        Expect.Disjoint(r);
    }

    // R3.1 "unknown included": no EDSS since onset → severity unknown, still emergency plasma exchange.
    [Fact]
    public void Aqp4_positive_attack_without_any_edss_since_onset_is_still_an_emergency()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-1)).Relapse(Day(-2)));
        Expect.Severity(r, "unknown");
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.Missing(r, "edss-since-onset");
    }

    // R3.1: "On interferon-beta or natalizumab → also dmt-harmful-in-nmosd (critical)"; an NMOSD diagnosis
    // (ICD-10 G36.0) counts like AQP4-IgG; natalizumab also raises pml-risk (R3.3).
    [Fact]
    public void Nmosd_diagnosis_on_natalizumab_flags_the_therapy_as_harmful()
    {
        var r = Evaluate.Run(Woman().WithBody().NmosdDiagnosis().Natalizumab().Attack(2, 3.0));
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Flag(r, "dmt-harmful-in-nmosd", "critical");
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Decision(r, "plasma-exchange", "emergency");
    }

    // R3.1: interferon beta (ATC L03AB07) in an AQP4-positive patient → dmt-harmful-in-nmosd.
    [Fact]
    public void Interferon_beta_in_an_aqp4_positive_patient_is_flagged_harmful()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-1)).InterferonBeta().Attack(2, 3.0));
        Expect.Flag(r, "dmt-harmful-in-nmosd", "critical");
        Expect.NoFlag(r, "pml-risk");
    }

    // R3.1: "After first-line treatment R6/R7 decide, with concurrent specialist-review and urgency at least urgent":
    // IV course ended 3 days ago → R6.1 too early (await-response, reassess course end + 10), raised to urgent.
    [Fact]
    public void Aqp4_positive_attack_after_iv_steroids_awaits_response_under_urgent_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-5)).Attack(8, 4.0).IvMethylprednisolone(Day(-7)));
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "too-early");
        Expect.Decision(r, "await-response", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.ReassessOn(r, Day(7));
    }

    // R3.1 applies to a positive result only: a negative AQP4-IgG does not flag NMOSD (R5 moderate → oral).
    [Fact]
    public void Negative_aqp4_result_does_not_suggest_nmosd()
    {
        var r = Evaluate.Run(Woman().Aqp4(Day(-1), positive: false).Attack(2, 3.0));
        Expect.NoFlag(r, "possible-nmosd");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // R3.2: MOG-IgG positive (LOINC 91545-4), untreated moderate attack → IV methylprednisolone 1,000 mg × 5 days
    // with a slow oral taper, soon, concurrent specialist-review; flag possible-mogad (warning, E-MOGAD-2023).
    [Fact]
    public void Moderate_attack_in_a_mog_positive_patient_gets_iv_steroids_with_a_taper()
    {
        var r = Evaluate.Run(Woman().MogPositive(Day(-1)).Attack(2, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "possible-mogad", "warning");
        Expect.Evidence(r, "E-MOGAD-2023");
        var plan = r.SteroidPlan();
        Expect.Near(r, 1000, Out.Num(plan?["doseMgPerDay"]), 0.001, "doseMgPerDay");
        Expect.True(r, Out.Num(plan?["days"]) == 5, "5 days");
        Expect.True(r, Out.Str(plan?["route"]) == "intravenous", "route intravenous");
        Expect.True(r, !string.IsNullOrWhiteSpace(Out.Str(plan?["taper"])), "taper present");
    }

    // R3.2: "urgency urgent if severe" (MOG-IgG coded MSR#mog-igg).
    [Fact]
    public void Severe_attack_in_a_mog_positive_patient_is_urgent()
    {
        var r = Evaluate.Run(Woman().MogPositive(Day(-1), msrCode: true).Attack(2, 4.5));
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Flag(r, "possible-mogad", "warning");
    }

    // R3.2: "After treatment R6/R7 decide, with concurrent specialist-review": no improvement after IV → R6.4.
    [Fact]
    public void Mog_positive_attack_not_improving_after_iv_steroids_gets_plasma_exchange_and_specialist_review()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).MogPositive(Day(-10)));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Concurrent(r, "specialist-review");
    }

    // R3.3: active natalizumab → pml-risk (warning), concurrent specialist-review, urgency at least urgent, the
    // steroid plan marked "after MRI has excluded PML"; R5 moderate → oral methylprednisolone stays primary.
    [Fact]
    public void Moderate_relapse_on_natalizumab_needs_pml_excluded_before_steroids()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Attack(2, 3.0));
        Expect.Decision(r, "oral-methylprednisolone", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "pml-risk", "warning");
        Expect.True(r, r.SteroidPlan()?.ToJsonString().Contains("PML", StringComparison.Ordinal) == true, "steroid plan mentions PML");
    }

    // Recency: medications count "with status active": a completed natalizumab statement raises nothing.
    [Fact]
    public void Natalizumab_that_was_stopped_raises_no_pml_flag()
    {
        var r = Evaluate.Run(Woman().Natalizumab(status: "completed").Attack(2, 3.0));
        Expect.NoFlag(r, "pml-risk");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // 2026.2 R3.1: "more than 42 days after onset the urgency is urgent and flag apheresis-delayed is raised"
    // (was emergency at any delay): an untreated AQP4-positive attack seven weeks old.
    [Fact]
    public void Untreated_aqp4_attack_seven_weeks_old_gets_urgent_plasma_exchange_with_the_delay_flag()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-200)).Attack(49, 4.0));
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Concurrent(r, "iv-methylprednisolone");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Flag(r, "possible-nmosd", "critical");
    }
}
