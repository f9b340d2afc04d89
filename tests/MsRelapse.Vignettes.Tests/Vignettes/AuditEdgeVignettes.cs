using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Testing.FhirCodes;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>
/// Independent audit, edge cases: MOGAD and NMOSD outside R5's time rules, late apheresis, several courses,
/// apheresis already given when a modifier switches the method, no-episode outputs, and FHIR shapes the builder
/// does not write (interpretation POS, Fahrenheit at the threshold, doses in grams, names in text), built inline
/// with Firely POCOs.
/// </summary>
public sealed class AuditEdgeVignettes
{
    private static readonly ResourceReference Subject = new("Patient/p1");

    /// <summary>The builder's bundle plus extra resources, as FHIR JSON.</summary>
    private static string With(PatientBundle b, params Resource[] extra)
    {
        var bundle = b.ToBundle();
        foreach (var r in extra)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"https://ehr.example.org/fhir/{r.TypeName}/{r.Id}", Resource = r });
        }

        return bundle.ToJson();
    }

    // R3.2 governs first line for MOGAD, and R5's time rules (late-for-steroids at 15–42 days, specialist review
    // after 42) belong to R5 ("not NMOSD or MOGAD"): a severe MOG-positive attack 50 days old still gets IV MP,
    // urgent, with concurrent specialist review and the slow taper.
    [Fact]
    public void Severe_mog_positive_attack_after_six_weeks_still_gets_iv_steroids_with_taper()
    {
        var r = Evaluate.Run(Woman().MogPositive(Day(-200)).Attack(50, 4.5));
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.NoFlag(r, "late-for-steroids");
        Expect.True(r, Out.Str(r.SteroidPlan()?["taper"]) is not null, "taper");
    }

    // R3.2 + R8.1 (severe → plasma exchange, urgent) + R6.5 ("Apheresis chosen by … R8.1 more than 42 days after
    // onset → apheresis-delayed").
    [Fact]
    public void Steroid_allergic_severe_mog_attack_after_six_weeks_gets_delayed_plasma_exchange()
    {
        var r = Evaluate.Run(Woman().WithBody().MogPositive(Day(-200)).SteroidAllergy().Attack(50, 4.5));
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.Flag(r, "apheresis-delayed", "warning");
        Expect.Concurrent(r, "specialist-review");
        Expect.NotRecommended(r, "iv-methylprednisolone");
    }

    // R2.5 does not apply to NMOSD. 2026.2 R3.1 (changed): an untreated NMOSD attack more than 90 days old is a
    // specialist decision: specialist-review, urgent, plasma exchange and IV methylprednisolone as alternatives, and
    // apheresis-delayed (ruling A34 is now settled by R3.1/R6.5 of 2026.2).
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

    // R9 + R3.1: a child without a weight: the concurrent IV steroid has no mg dose (30 mg/kg), and the exchange plan
    // has no volumes → weight (and the other volume inputs) missing, missing-data warning.
    [Fact]
    public void Aqp4_positive_child_without_weight_has_per_kg_steroids_and_no_exchange_volumes()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Male(12).Ms().Edss(BaselineDate, 1.0).Aqp4Positive(Day(-200)).Attack(3, 2.5));
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.True(r, Out.Num(r.SteroidPlan()?["doseMgPerDay"]) is null && Out.Num(r.SteroidPlan()?["doseMgPerKgPerDay"]) == 30, "30 mg/kg, no mg dose");
        Expect.Missing(r, "weight");
        Expect.Flag(r, "missing-data", "warning");
        Expect.Flag(r, "pediatric", "info");
    }

    // R6: "Course end = the end of the last course since the attack's onset": an oral course then an IV course, no
    // improvement → the IV branch of R6.4 (plasma exchange; moderate → soon), not the oral branch.
    [Fact]
    public void Second_course_given_iv_decides_the_escalation_branch()
    {
        var r = Evaluate.Run(Woman().WithBody().Attack(32, 3.5).OralMethylprednisolone(Day(-30)).IvMethylprednisolone(Day(-20)).Edss(Day(-5), 3.5));
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "soon");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
    }

    // R8.2 runs before R8.3: an untreated AQP4-positive attack with a urinary infection and systolic 80 mmHg — R8.2
    // already made treat-trigger the primary, so R8.3 item 1 ("only when apheresis is primary") raises its critical
    // flag without taking the primary; urgency urgent (NMOSD floor). Literal reading (clinical note in the audit
    // report: a hypotensive, infected patient at "urgent" rather than "emergency").
    [Fact]
    public void Infected_hypotensive_nmosd_attack_treats_the_infection_first_and_flags_hypotension()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-40)).Attack(8, 3.0).Uti(Day(-1)).SystolicBp(Day(0), 80));
        Expect.Decision(r, "treat-trigger", "urgent");
        Expect.Flag(r, "apheresis-contraindication-hemodynamic", "critical");
        Expect.Flag(r, "apheresis-contraindication-infection", "critical");
        Expect.AlternativesInOrder(r, "plasma-exchange", "iv-methylprednisolone");
    }

    // R7.1 + R8.3.3: three exchanges given (of 5), then an albumin allergy is recorded → immunoadsorption continues
    // the course. Sessions "count together" and the plan lists "the remaining sessions": 2 (Day 1, Day 3), so
    // reassessOn = Day 3 (lead's ruling; docs/pathway.md #17).
    [Fact]
    public void Albumin_allergy_mid_course_switches_the_remaining_sessions_to_immunoadsorption()
    {
        var r = Evaluate.Run(Woman().WithBody().AlbuminAllergy().Attack(10, 3.5).PlasmaExchangeSessions(Day(-5), Day(-3), Day(-1)));
        Expect.Decision(r, "immunoadsorption", "soon");
        Assert.Equal([Out.Iso(Day(1)), Out.Iso(Day(3))], r.ImmunoadsorptionPlan().Schedule().Where(s => !s.Done).Select(s => s.Date).ToList());
        Expect.ReassessOn(r, Day(3));
    }

    // Step 6: severity "not-applicable for no-episode" — so R4 does not run its missing-data clause: an attack that
    // resolved 280 days ago (no EDSS before it) is no episode and names no missing EDSS (lead's ruling;
    // docs/pathway.md #43).
    [Fact]
    public void Attack_resolved_long_ago_is_no_episode_without_missing_data()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-300), Day(-280)));
        Expect.Status(r, "no-episode");
        Expect.True(r, r.MissingItems().Count == 0, "no missing data");
        Expect.NoFlag(r, "missing-data");
    }

    // R1 + R2.2: a transient record 3 days ago after an old, resolved attack: "a transient record more recent than it
    // adds the info flag transient-under-24h and the attack is evaluated" → the attack resolved > 180 days ago → no
    // episode (R2.1 needs "only transient records").
    [Fact]
    public void Transient_record_after_an_old_resolved_attack_is_no_episode_with_the_transient_flag()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-300), Day(-280)).Relapse(Day(-3), Day(-3)));
        Expect.Status(r, "no-episode");
        Expect.Decision(r, "observe", "routine");
        Expect.Flag(r, "transient-under-24h", "info");
    }

    // fhir-profile.md: AQP4-IgG (LOINC 46718-3) positive by interpretation POS → possible-nmosd; R3.1 first line.
    [Fact]
    public void Aqp4_positive_by_interpretation_code_is_possible_nmosd()
    {
        var aqp4 = new Observation
        {
            Id = "aqp4-interp",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept(Loinc, "46718-3"),
            Subject = Subject,
            Effective = new FhirDateTime("2026-04-01"),
            Interpretation = [new CodeableConcept(Interpretation, "POS")],
        };
        var r = Evaluate.Run(With(Woman().WithBody().Attack(3, 3.0), aqp4), AsOf);
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Decision(r, "plasma-exchange", "emergency");
    }

    // Conventions: fever ≥ 38.0 °C; 100.4 °F is exactly 38.0 °C ((100.4 − 32) × 5/9) and must count, whatever the
    // floating-point rounding: fever today, onset 2 days ago → pseudo-relapse.
    [Fact]
    public void Temperature_of_100_point_4_fahrenheit_is_a_fever()
    {
        var r = Evaluate.Run(Woman().Attack(2, 3.0).Temperature(Day(0), 100.4, "[degF]"));
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Flag(r, "fever", "warning");
    }

    // Conventions: a course is methylprednisolone ≥ 500 mg/day; a dose written as 1 g (UCUM g) is 1,000 mg: IV 1 g
    // yesterday → steroids-given, too early (reassess course end + 10 = Day 9).
    [Fact]
    public void Methylprednisolone_dose_written_in_grams_counts_as_a_course()
    {
        var dose = new MedicationAdministration
        {
            Id = "mp-grams",
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept(RxNorm, Methylprednisolone),
            Subject = Subject,
            Effective = new FhirDateTime("2026-05-10"),
            Dosage = new MedicationAdministration.DosageComponent
            {
                Route = new CodeableConcept(Snomed, RouteIv),
                Dose = new Quantity { Value = 1, System = Ucum, Code = "g", Unit = "g" },
            },
        };
        var r = Evaluate.Run(With(Woman().Attack(3, 4.5), dose), AsOf);
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "too-early");
        Expect.Decision(r, "await-response", "routine");
        Expect.ReassessOn(r, Day(9));
    }

    // fhir-profile.md: medications are recognised "by the ingredient's name as a whole word in … text": natalizumab
    // named only in MedicationStatement.medication.text → pml-risk; R3.3: specialist review, at least urgent.
    [Fact]
    public void Natalizumab_named_only_in_text_raises_pml_risk()
    {
        var statement = new MedicationStatement
        {
            Id = "tysabri",
            Status = MedicationStatement.MedicationStatusCodes.Active,
            Medication = new CodeableConcept { Text = "Tysabri (natalizumab) 300 mg IV every 4 weeks" },
            Subject = Subject,
        };
        var r = Evaluate.Run(With(Woman().Attack(3, 3.0), statement), AsOf);
        Expect.Flag(r, "pml-risk", "warning");
        Expect.Decision(r, "oral-methylprednisolone", "urgent");
        Expect.Concurrent(r, "specialist-review");
        Expect.True(r, r.SteroidPlan() is { } s && s["afterMriExcludesPml"]?.GetValue<bool>() == true, "steroid plan after MRI");
    }

    // fhir-profile.md: a MedicationRequest counts as steroid given only with intent=order; intent=plan is not
    // treatment given → the attack is untreated (severe → IV MP, urgent).
    [Fact]
    public void Steroid_request_with_intent_plan_is_not_treatment_given()
    {
        var request = new MedicationRequest
        {
            Id = "mp-plan",
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Plan,
            Medication = new CodeableConcept(RxNorm, Methylprednisolone),
            Subject = Subject,
            AuthoredOn = "2026-05-10",
            DosageInstruction = [new Dosage { Timing = new Timing { Repeat = new Timing.RepeatComponent { Count = 3 } }, DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = 1000, System = Ucum, Code = "mg" } }] }],
        };
        var r = Evaluate.Run(With(Woman().Attack(3, 4.5), request), AsOf);
        Expect.Stage(r, "untreated");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }
}
