using Hl7.Fhir.Model;
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

    // fhir-profile.md: AQP4-IgG "positive as above" (SNOMED 10828004 or interpretation POS). Laboratories also report an
    // antibody as "Detected" (SNOMED 260373001) or as text with its titre: both positive (ruling A48). Read as negative
    // before — the NMOSD attack went down the MS pathway (clinical review).
    [Theory]
    [Trait("Ruling", "A48")]
    [InlineData("detected-code")]
    [InlineData("positive-titre-text")]
    [InlineData("detected-interpretation")]
    public void Aqp4_igg_reported_as_detected_or_with_its_titre_is_positive(string form)
    {
        var b = Woman().WithBody();
        b = form switch
        {
            "detected-code" => b.Aqp4Reported(Day(-1), new CodeableConcept("http://snomed.info/sct", "260373001", "Detected")),
            "positive-titre-text" => b.Aqp4Reported(Day(-1), new FhirString("Positive (1:320)")),
            _ => b.Aqp4Reported(Day(-1), new Quantity(320, "{titer}"), new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "DET", "Detected")),
        };

        var r = Evaluate.Run(b.Attack(2, 2.5));
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Decision(r, "plasma-exchange", "emergency");
    }

    // Ruling A48: a result that says neither positive nor negative ("Equivocal", a text the reader does not know) is not
    // a negative result: the record says it could not be read (a reading note), and no AQP4 result is used.
    [Fact]
    [Trait("Ruling", "A48")]
    public void An_aqp4_result_that_says_neither_positive_nor_negative_is_not_read_as_negative()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Reported(Day(-1), new CodeableConcept("http://snomed.info/sct", "42425007", "Equivocal")).Attack(2, 2.5));
        Expect.NoFlag(r, "possible-nmosd");
        Expect.True(r, (r["readingNotes"]?.AsArray() ?? []).Any(n => ((string)n!).Contains("no readable result", StringComparison.Ordinal)), "a reading note says the result could not be read");
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
    [Trait("Ruling", "A49")]
    public void Aqp4_positive_attack_after_iv_steroids_without_apheresis_still_gets_plasma_exchange()
    {
        // A49: R3.1's first line is plasma exchange with IV methylprednisolone; steroids alone are half of it. Before, the
        // attack waited for the steroid response (await-response), and plasma exchange was listed nowhere (clinical review).
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-5)).Attack(8, 4.0).IvMethylprednisolone(Day(-7)));
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "too-early");
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.Concurrent(r, "specialist-review");
        Expect.NotConcurrent(r, "iv-methylprednisolone"); // the course given stands for it
        Expect.True(r, r.PlasmaExchangePlan() is not null, "plasma-exchange plan filled");
        Expect.Disjoint(r);
    }

    // A49: an NMOSD attack that has responded to the steroids (R6.3) is left to the response rules: no apheresis.
    [Fact]
    [Trait("Ruling", "A49")]
    public void Aqp4_positive_attack_that_responded_to_iv_steroids_is_left_to_the_response_rules()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-20)).Attack(25, 4.0).IvMethylprednisolone(Day(-24)).Edss(Day(-2), 2.0));
        Expect.SteroidResponse(r, "responded");
        Expect.NoApheresisOffered(r);
        Expect.Concurrent(r, "specialist-review");
        Expect.Urgency(r, "urgent");
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

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // R3.2 governs first line for MOGAD, and R5's time rules (late-for-steroids at 15–42 days, specialist review
    // after 42) belong to R5 ("not NMOSD or MOGAD"): a severe MOG-positive attack 50 days old still gets IV MP,
    // urgent, with concurrent specialist review and the slow taper.
    [Trait("Source", "audit")]
    [Fact]
    public void Severe_mog_positive_attack_after_six_weeks_still_gets_iv_steroids_with_taper()
    {
        var r = Evaluate.Run(Woman().MogPositive(Day(-200)).Attack(50, 4.5));
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.NoFlag(r, "late-for-steroids");
        Expect.True(r, Out.Str(r.SteroidPlan()?["taper"]) is not null, "taper");
    }

    // R2.5 does not apply to NMOSD. 2026.2 R3.1 (changed): an untreated NMOSD attack more than 90 days old is a
    // specialist decision: specialist-review, urgent, plasma exchange and IV methylprednisolone as alternatives, and
    // apheresis-delayed (ruling A34 is now settled by R3.1/R6.5 of 2026.2).
    [Trait("Source", "audit")]
    [Fact]
    public void Untreated_nmosd_attack_after_a_hundred_days_is_a_specialist_decision_with_delay_flag()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-200)).Attack(100, 3.0));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Alternative(r, "plasma-exchange");
        Expect.Alternative(r, "iv-methylprednisolone");
    }

    // fhir-profile.md: AQP4-IgG (LOINC 46718-3) positive by interpretation POS → possible-nmosd; R3.1 first line.
    [Trait("Source", "audit")]
    [Fact]
    public void Aqp4_positive_by_interpretation_code_is_possible_nmosd()
    {
        var aqp4 = new Observation
        {
            Id = "aqp4-interp",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(FhirCodes.Loinc, "46718-3"),
            Subject = RawFhir.Subject,
            Effective = new FhirDateTime("2026-04-01"),
            Interpretation = [new CodeableConcept(FhirCodes.Interpretation, "POS")],
        };
        var r = Evaluate.Run(RawFhir.With(Woman().WithBody().Attack(3, 3.0), aqp4), AsOf);
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Decision(r, "plasma-exchange", "emergency");
    }

    // fhir-profile.md: medications are recognised "by the ingredient's name as a whole word in … text": natalizumab
    // named only in MedicationStatement.medication.text → pml-risk; R3.3: specialist review, at least urgent.
    [Trait("Source", "audit")]
    [Fact]
    public void Natalizumab_named_only_in_text_raises_pml_risk()
    {
        var statement = new MedicationStatement
        {
            Id = "tysabri",
            Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept { Text = "Tysabri (natalizumab) 300 mg IV every 4 weeks" },
            Subject = RawFhir.Subject,
        };
        var r = Evaluate.Run(RawFhir.With(Woman().Attack(3, 3.0), statement), AsOf);
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Decision(r, "oral-methylprednisolone", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.True(r, r.SteroidPlan() is { } s && s["afterMriExcludesPml"]?.GetValue<bool>() == true, "steroid plan after MRI");
    }

    // Step 2: "an attack resolved under R2.2: R2's action stands (R3 and R9 flags still apply)": a resolved attack
    // in an AQP4-positive patient → observe, flag possible-nmosd; no plasma exchange. 2026.2 (changed): R3's
    // concurrent specialist review applies under every status in which an attack is evaluated, "an attack resolved
    // under R2.2 included", at least urgent; and no dmt-review beside possible-nmosd (R9).
    [Trait("Source", "audit")]
    [Fact]
    public void Resolved_attack_in_an_aqp4_positive_patient_is_observed_with_the_nmosd_flag()
    {
        var r = Evaluate.Run(Woman().Aqp4Positive(Day(-200)).Relapse(Day(-30), Day(-10)).Edss(Day(-29), 3.0).Edss(Day(-5), 2.0));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "observe", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.NoFlag(r, "dmt-review");
        Expect.NoApheresisOffered(r);
        Expect.NoSteroidOffered(r);
    }

    // Step 2 for statuses other than relapse: "R2's action stands (R3 and R9 flags still apply)". AMBIGUOUS: the
    // engine also adds R3's concurrent specialist-review and "at least urgent" (docs/pathway.md #10). A literal
    // reading gives treat-trigger, soon, no concurrent action. Accepting the engine's documented reading.
    [Trait("Ruling", "A10")]
    [Trait("Source", "audit")]
    [Fact]
    public void Pseudo_relapse_in_an_aqp4_positive_patient_adds_urgent_specialist_review_engine_reading()
    {
        var r = Evaluate.Run(Woman().Aqp4Positive(Day(-40)).Attack(2, 3.0).Temperature(Day(0), 38.5));
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Primary(r, "treat-trigger");
        Expect.Urgency(r, "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.ReassessOn(r, Day(3));
    }

    // Same ambiguity (docs #10) for unconfirmed on natalizumab: observe stays primary, reassess tomorrow; the engine
    // adds concurrent specialist-review and urgent (literal: observe, routine, flag pml-risk only).
    [Trait("Source", "audit")]
    [Fact]
    public void Symptoms_today_on_natalizumab_are_unconfirmed_with_urgent_specialist_review_engine_reading()
    {
        var r = Evaluate.Run(Woman().Natalizumab().Relapse(Day(0)).Edss(Day(0), 3.0));
        Expect.Status(r, "unconfirmed");
        Expect.Primary(r, "observe");
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Urgency(r, "urgent");
        Expect.ReassessOn(r, Day(1));
    }
}
