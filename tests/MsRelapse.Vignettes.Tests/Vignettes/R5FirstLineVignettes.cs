using Hl7.Fhir.Model;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>R5 — first-line treatment of an untreated relapse: by severity, IV instead of oral, late attacks.</summary>
public sealed class R5FirstLineVignettes
{
    // R4 grades (E-SEVERITY-2019: mild +0.5, moderate +1.0–1.5, severe ≥ +2.0) and R5: mild → observe, routine,
    // oral steroids as an alternative; moderate → oral methylprednisolone, soon; severe → IV, urgent. R9 dmt-review.
    [Theory]
    [InlineData(2.5, "mild", "observe", "routine")]
    [InlineData(3.0, "moderate", "oral-methylprednisolone", "soon")]
    [InlineData(3.5, "moderate", "oral-methylprednisolone", "soon")]
    [InlineData(4.0, "severe", "iv-methylprednisolone", "urgent")]
    public void Untreated_relapse_is_treated_by_its_severity(double nadir, string severity, string primary, string urgency)
    {
        var r = Evaluate.Run(Woman().Attack(2, nadir));
        Expect.Status(r, "relapse");
        Expect.Stage(r, "untreated");
        Expect.SteroidResponse(r, "not-applicable");
        Expect.ApheresisResponse(r, "not-applicable");
        Expect.Severity(r, severity);
        Expect.Decision(r, primary, urgency);
        Expect.Flag(r, "dmt-review", "info");
        Expect.Rule(r, "R4");
        Expect.Rule(r, "R5");
        Expect.Evidence(r, "E-SEVERITY-2019");
        Expect.Disjoint(r);
        if (severity == "mild")
        {
            Expect.Alternative(r, "oral-methylprednisolone");
        }
    }

    // R5 moderate: oral methylprednisolone 500 mg/day × 5 days (E-NICE-2022): total 2,500 mg, prednisone equivalent
    // 2,500 × 5/4 = 3,125 mg; the plan notes 1,000 mg/day × 3 days as equivalent (E-COPOUSEP-2015);
    // reassessOn = planned course end + 10 days (course of 5 days starting today or tomorrow → day +14 or +15).
    [Fact]
    public void Moderate_relapse_gets_five_days_of_oral_methylprednisolone_500_mg()
    {
        var r = Evaluate.Run(Woman().Attack(2, 3.0));
        var plan = r.SteroidPlan();
        Expect.True(r, Out.Str(plan?["route"]) == "oral", "oral route");
        Expect.Near(r, 500, Out.Num(plan?["doseMgPerDay"]), 0.001, "doseMgPerDay");
        Expect.True(r, Out.Num(plan?["days"]) == 5, "5 days");
        Expect.Near(r, 2500, Out.Num(plan?["totalDoseMg"]), 0.001, "totalDoseMg");
        Expect.Near(r, 3125, Out.Num(plan?["prednisoneEquivalentMg"]), 0.001, "prednisoneEquivalentMg");
        var notes = plan?["notes"]?.ToJsonString() ?? "";
        Expect.True(r, notes.Contains("1,000", StringComparison.Ordinal) || notes.Contains("1000", StringComparison.Ordinal), "notes name the 1,000 mg × 3 days regimen");
        Expect.True(r, r.ReassessOn() == Out.Iso(Day(14)) || r.ReassessOn() == Out.Iso(Day(15)), "reassessOn = planned end + 10");
        Expect.Evidence(r, "E-NICE-2022", "E-COPOUSEP-2015");
    }

    // R5 severe: IV methylprednisolone 1,000 mg/day × 5 days: total 5,000 mg = prednisone 6,250 mg; infusion and
    // monitoring stated.
    [Fact]
    public void Severe_relapse_gets_five_days_of_iv_methylprednisolone_one_gram()
    {
        var r = Evaluate.Run(Woman().Attack(2, 4.5));
        var plan = r.SteroidPlan();
        Expect.True(r, Out.Str(plan?["route"]) == "intravenous", "intravenous route");
        Expect.Near(r, 1000, Out.Num(plan?["doseMgPerDay"]), 0.001, "doseMgPerDay");
        Expect.Near(r, 5000, Out.Num(plan?["totalDoseMg"]), 0.001, "totalDoseMg");
        Expect.Near(r, 6250, Out.Num(plan?["prednisoneEquivalentMg"]), 0.001, "prednisoneEquivalentMg");
        Expect.True(r, (plan?["monitoring"] as System.Text.Json.Nodes.JsonArray)?.Count > 0, "monitoring listed");
        Expect.True(r, !string.IsNullOrWhiteSpace(Out.Str(plan?["drug"])) && Out.Str(plan?["drug"])!.Contains("methylprednisolone", StringComparison.OrdinalIgnoreCase), "drug methylprednisolone");
    }

    // R5: "IV instead of oral (same urgency ...): diabetes" + R8.4 steroid-caution-diabetes (warning).
    [Fact]
    public void Diabetic_with_a_moderate_relapse_gets_iv_steroids_and_glucose_monitoring()
    {
        var r = Evaluate.Run(Woman().Diabetes().Attack(2, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Flag(r, "steroid-caution-diabetes", "warning");
    }

    // R5 + R8.4 with diabetes coded in ICD-10 or ICD-10-CM (fhir-profile.md: "diabetes … ICD-10 E10–E14"): the same
    // answer as a SNOMED-coded diabetes. The published FHIRPath criteria R5-iv-diabetes and R8.4-diabetes must agree.
    [Theory]
    [InlineData(FhirCodes.Icd10, "E11.9")]
    [InlineData(FhirCodes.Icd10Cm, "E10.65")]
    [InlineData(FhirCodes.Icd10, "E14")]
    public void Diabetic_coded_in_icd10_with_a_moderate_relapse_gets_iv_steroids_and_glucose_monitoring(string system, string code)
    {
        var r = Evaluate.Run(Woman().DiabetesCoded(system, code).Attack(2, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Flag(r, "steroid-caution-diabetes", "warning");
    }

    // R5: psychiatric history → IV in hospital; Recency: psychiatric history counts "any status" (resolved here);
    // R8.4 steroid-caution-psychiatric.
    [Fact]
    public void Past_bipolar_disorder_moves_steroids_to_iv_with_a_psychiatric_caution()
    {
        var r = Evaluate.Run(Woman().PsychiatricHistory(FhirCodes.Bipolar, "resolved").Attack(2, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Flag(r, "steroid-caution-psychiatric", "warning");
    }

    // R5: "15–42 days since onset → flag late-for-steroids (info); the recommendation stands. More than 42 days →
    // primary specialist-review, soon, with the steroid as an alternative".
    [Theory]
    [InlineData(14, "oral-methylprednisolone", false)]
    [InlineData(15, "oral-methylprednisolone", true)]
    [InlineData(42, "oral-methylprednisolone", true)]
    [InlineData(43, "specialist-review", false)]
    public void Steroids_are_late_after_two_weeks_and_need_review_after_six(int onsetDaysAgo, string primary, bool lateFlag)
    {
        var r = Evaluate.Run(Woman().Attack(onsetDaysAgo, 3.0));
        Expect.Decision(r, primary, "soon");
        if (lateFlag)
        {
            Expect.Flag(r, "late-for-steroids", "info");
        }
        else if (onsetDaysAgo < 15)
        {
            Expect.NoFlag(r, "late-for-steroids");
        }

        if (primary == "specialist-review")
        {
            Expect.Alternative(r, "oral-methylprednisolone");
        }
    }

    // Evaluation order 5: "Demotions to specialist-review (R5 after 42 days ...) keep urgent for a severe attack".
    [Fact]
    public void Severe_relapse_after_six_weeks_gets_urgent_specialist_review_with_iv_steroids_as_alternative()
    {
        var r = Evaluate.Run(Woman().Attack(43, 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.Alternative(r, "iv-methylprednisolone");
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // fhir-profile.md: a MedicationRequest counts as steroid given only with intent=order; intent=plan is not
    // treatment given → the attack is untreated (severe → IV MP, urgent).
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_request_with_intent_plan_is_not_treatment_given()
    {
        var request = new MedicationRequest
        {
            Id = "mp-plan",
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Plan,
            Medication = new CodeableConcept(FhirCodes.RxNorm, FhirCodes.Methylprednisolone),
            Subject = RawFhir.Subject,
            AuthoredOn = "2026-05-10",
            DosageInstruction = [new Dosage { Timing = new Timing { Repeat = new Timing.RepeatComponent { Count = 3 } }, DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = 1000, System = FhirCodes.Ucum, Code = "mg" } }] }],
        };
        var r = Evaluate.Run(RawFhir.With(Woman().Attack(3, 4.5), request), AsOf);
        Expect.Stage(r, "untreated");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }

    // R5: 42 days is still "15–42" → recommendation stands with late-for-steroids (info); psychiatric history → IV
    // instead of oral, same urgency (soon), with steroid-caution-psychiatric (warning).
    [Trait("Source", "audit")]
    [Fact]
    public void Moderate_relapse_on_day_42_with_psychiatric_history_gets_iv_steroids_flagged_late()
    {
        var r = Evaluate.Run(Woman().PsychiatricHistory(clinicalStatus: "inactive").Attack(42, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Flag(r, "late-for-steroids", "info");
        Expect.Flag(r, "steroid-caution-psychiatric", "warning");
        Expect.ReassessOn(r, Day(14));
    }

    // R5 > 42 days, severe, diabetic: demoted to specialist-review, urgent (Step 5: severe keeps urgent), IV MP as the
    // alternative; R8.4 cautions only when a steroid is primary or concurrent → no diabetes caution; no late flag.
    [Trait("Source", "audit")]
    [Fact]
    public void Severe_relapse_on_day_43_in_a_diabetic_is_urgent_specialist_review_without_steroid_cautions()
    {
        var r = Evaluate.Run(Woman().Diabetes().Attack(43, 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.Alternative(r, "iv-methylprednisolone");
        Expect.NoFlag(r, "steroid-caution-diabetes");
        Expect.NoFlag(r, "late-for-steroids");
        Expect.True(r, r.SteroidPlan() is null, "no steroid planned now");
    }

    // R5 "More than 42 days → primary specialist-review, soon, with the steroid as an alternative" applies to every
    // severity (lead's ruling; docs/pathway.md #12): a mild attack 50 days after onset (rise 2.5 − 2.0 = 0.5) →
    // specialist-review, soon; the oral steroid stays an alternative with its reason; observe is not listed.
    [Trait("Source", "audit")]
    [Fact]
    public void Mild_relapse_after_six_weeks_goes_to_specialist_review_with_the_oral_steroid_as_alternative()
    {
        var r = Evaluate.Run(Woman().Attack(50, 2.5));
        Expect.Severity(r, "mild");
        Expect.Decision(r, "specialist-review", "soon");
        Expect.Alternative(r, "oral-methylprednisolone");
        Expect.NoAlternative(r, "observe");
        Expect.True(r, (r["recommendation"]?["alternatives"] as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>().Any(a => (string?)a["action"] == "oral-methylprednisolone" && ((string?)a["reason"] ?? string.Empty).Contains("impairs daily activities", StringComparison.Ordinal)),
            "the steroid alternative keeps its reason");
        Expect.NoFlag(r, "late-for-steroids");
        Expect.Disjoint(r);
    }

    // R5 + R8.1 after 42 days: R5 demotes first (specialist-review, urgent for severe), so no steroid is primary when
    // R8.1 runs and it does not substitute plasma exchange; the IV steroid becomes not recommended.
    [Trait("Source", "audit")]
    [Fact]
    public void Steroid_allergic_severe_relapse_after_six_weeks_gets_urgent_specialist_review()
    {
        var r = Evaluate.Run(Woman().WithBody().SteroidAllergy().Attack(50, 4.5));
        Expect.Decision(r, "specialist-review", "urgent");
        Expect.NotRecommended(r, "iv-methylprednisolone");
        Expect.NoSteroidOffered(r);
        Expect.Flag(r, "steroid-allergy", "warning");
    }
}
