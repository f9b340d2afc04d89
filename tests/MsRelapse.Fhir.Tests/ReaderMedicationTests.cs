using MsRelapse.Core.Model;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>fhir-profile.md "Read": steroids given, other medications, allergies, apheresis sessions.</summary>
public sealed class ReaderMedicationTests
{
    private const string Iv = """{"coding":[{"system":"http://snomed.info/sct","code":"47625008"}]}""";
    private const string Oral = """{"coding":[{"system":"http://snomed.info/sct","code":"26643006"}]}""";

    private static string Rx(string code, string? display = null) =>
        $$"""{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"{{code}}"{{(display is null ? "" : $",\"display\":\"{display}\"")}}}]}""";

    private static string Administration(string id, string effective, string dose, string route = Iv, string medication = "", string status = "completed") =>
        $$$"""{"resourceType":"MedicationAdministration","id":"{{{id}}}","status":"{{{status}}}",{{{(medication.Length > 0 ? medication : "\"medicationCodeableConcept\":" + Rx("6902"))}}},"subject":{"reference":"Patient/p1"},{{{effective}}},"dosage":{"route":{{{route}}},"dose":{{{dose}}}}}""";

    private static string Request(string id, string status, string intent, string medication, string dosage, string authoredOn = "2026-04-20") =>
        $$"""{"resourceType":"MedicationRequest","id":"{{id}}","status":"{{status}}","intent":"{{intent}}","medicationCodeableConcept":{{medication}},"subject":{"reference":"Patient/p1"},"authoredOn":"{{authoredOn}}","dosageInstruction":[{{dosage}}]}""";

    private static string Statement(string id, string status, string medication, string effective = "\"effectivePeriod\":{\"start\":\"2025-04-06\"}") =>
        $$"""{"resourceType":"MedicationStatement","id":"{{id}}","status":"{{status}}","medicationCodeableConcept":{{medication}},"subject":{"reference":"Patient/p1"},{{effective}}}""";

    [Fact]
    public void Administration_with_a_date_gives_one_IV_dose_in_mg()
    {
        var dose = Assert.Single(ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25T09:00:00\"", Q(1000, "mg")))).SteroidDoses);
        Assert.Equal(SteroidDrug.Methylprednisolone, dose.Drug);
        Assert.Equal(new DateOnly(2026, 4, 25), dose.Day);
        Assert.Equal(1000, dose.DoseMg);
        Assert.Equal(DoseRoute.Intravenous, dose.Route);
        Assert.False(dose.UnitAssumedMg);
    }

    [Fact]
    public void Administration_over_a_period_gives_a_dose_on_each_day()
    {
        // 2026-04-25 … 2026-04-27 inclusive = 3 days; 1 g × 1000 = 1000 mg each.
        var doses = ReadValid(Bundle(Administration("a1", "\"effectivePeriod\":{\"start\":\"2026-04-25\",\"end\":\"2026-04-27\"}", Q(1, "g")))).SteroidDoses;
        Assert.Equal([new DateOnly(2026, 4, 25), new DateOnly(2026, 4, 26), new DateOnly(2026, 4, 27)], doses.Select(d => d.Day));
        Assert.All(doses, d => Assert.Equal(1000, d.DoseMg));
    }

    [Fact]
    public void Dexamethasone_given_or_ordered_is_not_a_relapse_course_and_the_record_says_so()
    {
        var dexamethasone = "\"medicationCodeableConcept\":" + Rx("3264", "dexamethasone");
        var record = ReadValid(Bundle(
            Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(20, "mg"), medication: dexamethasone),
            Request("r1", "active", "order", """{"text":"Betamethasone 0.6 MG Oral Tablet"}""", """{"doseAndRate":[{"doseQuantity":{"value":6,"unit":"mg"}}]}"""),
            Request("r2", "draft", "order", Rx("3264"), "{}")));
        Assert.Empty(record.SteroidDoses);
        Assert.Contains("MedicationAdministration/a1: dexamethasone is not a relapse steroid of this pathway; not counted as a course.", record.ReadingNotes);
        Assert.Contains("MedicationRequest/r1: betamethasone is not a relapse steroid of this pathway; not counted as a course.", record.ReadingNotes);
        Assert.DoesNotContain(record.ReadingNotes, n => n.StartsWith("MedicationRequest/r2", StringComparison.Ordinal)); // a draft was never given
    }

    [Fact]
    public void Dose_without_unit_is_read_as_mg_and_says_so()
    {
        var record = ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", "{\"value\":500}", Oral)));
        var dose = Assert.Single(record.SteroidDoses);
        Assert.Equal(500, dose.DoseMg);
        Assert.True(dose.UnitAssumedMg);
        Assert.Equal(DoseRoute.Oral, dose.Route);
        Assert.Contains(record.ReadingNotes, n => n.Contains("read as mg", StringComparison.Ordinal));
    }

    [Fact]
    public void Dose_with_an_unknown_unit_is_not_guessed()
    {
        var dose = Assert.Single(ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(20, "mg/kg")))).SteroidDoses);
        Assert.Null(dose.DoseMg);
        Assert.NotNull(dose.UnitProblem);
    }

    [Theory]
    [InlineData("entered-in-error")]
    [InlineData("not-done")]
    public void Administration_not_given_or_in_error_is_ignored(string status)
    {
        Assert.Empty(ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(1000, "mg"), status: status))).SteroidDoses);
    }

    [Theory]
    [InlineData("8640", SteroidDrug.Prednisone)]
    [InlineData("8638", SteroidDrug.Prednisolone)]
    public void Prednisone_and_prednisolone_by_RxNorm_ingredient(string code, SteroidDrug drug)
    {
        var med = "\"medicationCodeableConcept\":" + Rx(code);
        Assert.Equal(drug, Assert.Single(ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(625, "mg"), Oral, med))).SteroidDoses).Drug);
    }

    [Fact]
    public void Steroid_by_ATC_code_and_by_name_in_a_clinical_drug_display()
    {
        var atc = "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.whocc.no/atc\",\"code\":\"H02AB04\"}]}";
        Assert.Equal(SteroidDrug.Methylprednisolone, Assert.Single(ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(1000, "mg"), Iv, atc))).SteroidDoses).Drug);

        var byName = "\"medicationCodeableConcept\":" + Rx("1743704", "methylPREDNISolone sodium succinate 1000 MG Injection");
        var record = ReadValid(Bundle(Administration("a2", "\"effectiveDateTime\":\"2026-04-25\"", Q(1000, "mg"), Iv, byName)));
        Assert.Equal(SteroidDrug.Methylprednisolone, Assert.Single(record.SteroidDoses).Drug);
        Assert.Contains(record.ReadingNotes, n => n.Contains("by name", StringComparison.Ordinal));
    }

    [Fact]
    public void MedicationReference_to_a_contained_Medication_is_resolved()
    {
        var med = """
            "contained":[{"resourceType":"Medication","id":"m1","code":{"text":"Solu-Medrol"},"ingredient":[{"itemCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902"}]}}]}],
            "medicationReference":{"reference":"#m1"}
            """;
        Assert.Single(ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(1000, "mg"), Iv, med))).SteroidDoses);
    }

    [Fact]
    public void MedicationReference_to_a_Medication_in_the_bundle_is_resolved_by_urn_uuid_or_relative_reference()
    {
        var json = """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{"resourceType":"Patient","id":"p1"}},
             {"fullUrl":"urn:uuid:22222222-2222-2222-2222-222222222222","resource":{"resourceType":"Medication","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"8640"}]}}},
             {"resource":{"resourceType":"Medication","id":"m2","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902"}]}}},
             {"resource":{"resourceType":"MedicationAdministration","id":"a1","status":"completed","medicationReference":{"reference":"urn:uuid:22222222-2222-2222-2222-222222222222"},
               "subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"},"effectiveDateTime":"2026-04-25","dosage":{"dose":{"value":625,"system":"http://unitsofmeasure.org","code":"mg"}}}},
             {"resource":{"resourceType":"MedicationAdministration","id":"a2","status":"completed","medicationReference":{"reference":"Medication/m2"},
               "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-04-26","dosage":{"dose":{"value":1000,"system":"http://unitsofmeasure.org","code":"mg"}}}}]}
            """;
        var doses = ReadValid(json).SteroidDoses;
        Assert.Equal([SteroidDrug.Prednisone, SteroidDrug.Methylprednisolone], doses.Select(d => d.Drug));
    }

    [Fact]
    public void MedicationReference_to_a_Medication_not_in_the_record_is_read_by_its_display_and_said_so()
    {
        // An EHR's formulary entry, not exported with the record: the reference's display is the drug's name.
        var med = "\"medicationReference\":{\"reference\":\"Medication/e4411\",\"display\":\"methylPREDNISolone sodium succinate 1,000 mg IV\"}";
        var record = ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(1000, "mg"), Iv, med)));
        var dose = Assert.Single(record.SteroidDoses);
        Assert.Equal(SteroidDrug.Methylprednisolone, dose.Drug);
        Assert.Equal(1000, dose.DoseMg);
        Assert.Contains(record.ReadingNotes, n => n.Contains("(Medication/e4411) is not in the record; read by the reference's display", StringComparison.Ordinal));
        Assert.Contains(record.ReadingNotes, n => n.Contains("by name", StringComparison.Ordinal));

        // The same for an order (a course ordered as given) and for a statement's class (an ACE inhibitor by name).
        var order = """
            {"resourceType":"MedicationRequest","id":"r1","status":"completed","intent":"order","medicationReference":{"reference":"Medication/e4411","display":"methylprednisolone 1 g"},
             "subject":{"reference":"Patient/p1"},"authoredOn":"2026-04-25","dosageInstruction":[{"timing":{"repeat":{"count":3}},"doseAndRate":[{"doseQuantity":{"value":1000,"unit":"mg"}}]}]}
            """;
        var statement = """
            {"resourceType":"MedicationStatement","id":"s1","status":"active","medicationReference":{"display":"lisinopril 10 mg tablet"},
             "subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2025-04-06"}}
            """;
        var both = ReadValid(Bundle(order, statement));
        Assert.Equal(3, both.SteroidDoses.Length);
        Assert.Equal(MedicationClass.AceInhibitor, Assert.Single(both.Medications).Class);
    }

    [Fact]
    public void MedicationReference_to_a_Medication_not_in_the_record_and_without_a_display_is_not_read_and_said_so()
    {
        var med = "\"medicationReference\":{\"reference\":\"Medication/e4411\"}";
        var record = ReadValid(Bundle(Administration("a1", "\"effectiveDateTime\":\"2026-04-25\"", Q(1000, "mg"), Iv, med)));
        Assert.Empty(record.SteroidDoses);
        Assert.Contains(record.ReadingNotes, n => n.Contains("(Medication/e4411) is not in the record; not read", StringComparison.Ordinal));
    }

    [Fact]
    public void A_resolved_Medication_code_wins_over_the_reference_display()
    {
        // Codes before names (fhir-profile.md): the Medication in the bundle is prednisone, whatever the display says.
        var json = """
            {"resourceType":"Bundle","type":"collection","entry":[
             {"resource":{"resourceType":"Patient","id":"p1"}},
             {"resource":{"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"8640"}]}}},
             {"resource":{"resourceType":"MedicationAdministration","id":"a1","status":"completed","medicationReference":{"reference":"Medication/m1","display":"methylprednisolone"},
               "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-04-25","dosage":{"dose":{"value":1250,"system":"http://unitsofmeasure.org","code":"mg"}}}}]}
            """;
        var record = ReadValid(json);
        Assert.Equal(SteroidDrug.Prednisone, Assert.Single(record.SteroidDoses).Drug);
        Assert.DoesNotContain(record.ReadingNotes, n => n.Contains("by name", StringComparison.Ordinal) || n.Contains("not in the record", StringComparison.Ordinal));
    }

    [Fact]
    public void Steroid_order_expands_to_count_days_from_the_bounds_start()
    {
        // boundsPeriod.start 2026-04-25, count 5 → 25, 26, 27, 28, 29 April; 1000 mg IV each.
        var dosage = $$$"""{"timing":{"repeat":{"boundsPeriod":{"start":"2026-04-25"},"count":5,"frequency":1,"period":1,"periodUnit":"d"}},"route":{{{Iv}}},"doseAndRate":[{"doseQuantity":{{{Q(1000, "mg")}}}}]}""";
        var doses = ReadValid(Bundle(Request("r1", "completed", "order", Rx("6902"), dosage))).SteroidDoses;
        Assert.Equal(5, doses.Length);
        Assert.Equal(new DateOnly(2026, 4, 25), doses[0].Day);
        Assert.Equal(new DateOnly(2026, 4, 29), doses[^1].Day);
        Assert.All(doses, d => Assert.Equal(DoseRoute.Intravenous, d.Route));
    }

    [Fact]
    public void Steroid_order_without_count_uses_the_bounds_length_else_one_day_from_authoredOn()
    {
        // bounds 2026-05-01 … 2026-05-03 = 3 days.
        var bounded = "{\"timing\":{\"repeat\":{\"boundsPeriod\":{\"start\":\"2026-05-01\",\"end\":\"2026-05-03\"}}},\"doseAndRate\":[{\"doseQuantity\":" + Q(500, "mg") + "}]}";
        Assert.Equal(3, ReadValid(Bundle(Request("r1", "active", "order", Rx("6902"), bounded))).SteroidDoses.Length);

        var single = $$"""{"doseAndRate":[{"doseQuantity":{{Q(500, "mg")}}}]}""";
        var dose = Assert.Single(ReadValid(Bundle(Request("r1", "active", "order", Rx("6902"), single, "2026-05-02T10:00:00Z"))).SteroidDoses);
        Assert.Equal(new DateOnly(2026, 5, 2), dose.Day);
    }

    [Theory]
    [InlineData("draft", "order")]
    [InlineData("stopped", "order")]
    [InlineData("active", "proposal")]
    [InlineData("active", "plan")]
    public void Steroid_requests_that_are_not_active_or_completed_orders_are_not_doses(string status, string intent)
    {
        var dosage = $$"""{"doseAndRate":[{"doseQuantity":{{Q(1000, "mg")}}}]}""";
        Assert.Empty(ReadValid(Bundle(Request("r1", status, intent, Rx("6902"), dosage))).SteroidDoses);
    }

    [Fact]
    public void Lisinopril_clinical_drug_code_is_an_ACE_inhibitor_by_name()
    {
        // Synthea sends RxNorm 314076 "lisinopril 10 MG Oral Tablet", a clinical drug, not the ingredient 29046.
        var record = ReadValid(Bundle(Request("r1", "active", "order", Rx("314076", "lisinopril 10 MG Oral Tablet"), "{}")));
        var med = Assert.Single(record.Medications);
        Assert.Equal(MedicationClass.AceInhibitor, med.Class);
        Assert.Equal("lisinopril", med.Name);
        Assert.True(med.MatchedByName);
        Assert.Equal(MedicationStatus.Active, med.Status);
        Assert.Equal(new DateOnly(2026, 4, 20), med.EffectiveStart);
    }

    [Theory]
    [InlineData("35296", null, MedicationClass.AceInhibitor, "ramipril", false)]
    [InlineData("29046", null, MedicationClass.AceInhibitor, "lisinopril", false)]
    [InlineData("11289", null, MedicationClass.Anticoagulant, "warfarin", false)]
    [InlineData("1364430", null, MedicationClass.Anticoagulant, "apixaban", false)]
    [InlineData("1114195", null, MedicationClass.Anticoagulant, "rivaroxaban", false)]
    [InlineData("354770", null, MedicationClass.Natalizumab, "natalizumab", false)]
    [InlineData("999999", "Enoxaparin 40 MG/0.4ML Prefilled Syringe", MedicationClass.Anticoagulant, "enoxaparin", true)]
    [InlineData("999999", "Ibuprofen 400 MG Oral Tablet", MedicationClass.Nsaid, "ibuprofen", true)]
    [InlineData("999999", "Indometacin 25 mg capsule", MedicationClass.Nsaid, "indometacin", true)]
    [InlineData("999999", "Perindopril arginine 5 mg", MedicationClass.AceInhibitor, "perindopril", true)]
    [InlineData("999999", "Interferon beta-1a 30 MCG/0.5ML", MedicationClass.InterferonBeta, "interferon beta", true)]
    [InlineData("999999", "Ocrelizumab 300 MG in 10 ML Injection", MedicationClass.OtherDiseaseModifying, "ocrelizumab", true)]
    public void Medication_statements_are_recognised_by_ingredient_code_or_name(string rxnorm, string? display, MedicationClass cls, string name, bool byName)
    {
        var med = Assert.Single(ReadValid(Bundle(Statement("s1", "active", Rx(rxnorm, display)))).Medications);
        Assert.Equal(cls, med.Class);
        Assert.Equal(name, med.Name);
        Assert.Equal(byName, med.MatchedByName);
        Assert.Equal(new DateOnly(2025, 4, 6), med.EffectiveStart);
    }

    [Theory]
    [InlineData("C09AA05", MedicationClass.AceInhibitor)]
    [InlineData("C09BA02", MedicationClass.AceInhibitor)]
    [InlineData("B01AA03", MedicationClass.Anticoagulant)]
    [InlineData("B01AB05", MedicationClass.Anticoagulant)]
    [InlineData("B01AE07", MedicationClass.Anticoagulant)]
    [InlineData("B01AF01", MedicationClass.Anticoagulant)]
    [InlineData("M01AE01", MedicationClass.Nsaid)]
    [InlineData("B01AC06", MedicationClass.Nsaid)]
    [InlineData("L04AA23", MedicationClass.Natalizumab)]
    [InlineData("L04AG03", MedicationClass.Natalizumab)]
    [InlineData("L03AB07", MedicationClass.InterferonBeta)]
    [InlineData("L03AB08", MedicationClass.InterferonBeta)]
    public void Medications_are_recognised_by_ATC_code_or_prefix(string atc, MedicationClass cls)
    {
        var concept = $$"""{"coding":[{"system":"http://www.whocc.no/atc","code":"{{atc}}"}]}""";
        var med = Assert.Single(ReadValid(Bundle(Statement("s1", "active", concept))).Medications);
        Assert.Equal(cls, med.Class);
        Assert.False(med.MatchedByName);
    }

    [Theory]
    [InlineData("C09CA01")] // losartan: an ARB, not C09A/C09B
    [InlineData("B01AC04")] // clopidogrel: antiplatelet, not listed
    [InlineData("M02AA15")] // topical diclofenac, not M01A
    public void Neighbouring_ATC_codes_are_not_read(string atc)
    {
        var concept = $$"""{"coding":[{"system":"http://www.whocc.no/atc","code":"{{atc}}"}]}""";
        Assert.Empty(ReadValid(Bundle(Statement("s1", "active", concept))).Medications);
    }

    [Theory]
    [InlineData("Aspirinate compound")] // not the whole word
    [InlineData("Hydrocodone 5 MG / Acetaminophen 325 MG")]
    public void Names_match_only_as_whole_words(string display)
    {
        Assert.Empty(ReadValid(Bundle(Statement("s1", "active", Rx("1", display)))).Medications);
    }

    [Theory]
    [InlineData("active", MedicationStatus.Active)]
    [InlineData("completed", MedicationStatus.Completed)]
    [InlineData("stopped", MedicationStatus.Inactive)]
    [InlineData("on-hold", MedicationStatus.Inactive)]
    public void Medication_status_is_kept_for_the_engine(string status, MedicationStatus expected)
    {
        Assert.Equal(expected, Assert.Single(ReadValid(Bundle(Statement("s1", status, Rx("35296")))).Medications).Status);
    }

    [Fact]
    public void Medication_statement_entered_in_error_is_ignored()
    {
        Assert.Empty(ReadValid(Bundle(Statement("s1", "entered-in-error", Rx("35296")))).Medications);
    }

    [Theory]
    [InlineData("""{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902"}]}""", AllergyKind.Steroid)]
    [InlineData("""{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"8640"}]}""", AllergyKind.Steroid)]
    [InlineData("""{"text":"Prednisolone"}""", AllergyKind.Steroid)]
    [InlineData("""{"coding":[{"system":"http://msrelapse.org/fhir/CodeSystem/msrelapse","code":"albumin"}]}""", AllergyKind.Albumin)]
    public void Allergies_to_steroids_and_albumin_are_read(string code, AllergyKind kind)
    {
        var allergy = $$$"""{"resourceType":"AllergyIntolerance","id":"al","clinicalStatus":{"coding":[{"code":"active"}]},"code":{{{code}}},"patient":{"reference":"Patient/p1"}}""";
        var fact = Assert.Single(ReadValid(Bundle(allergy)).Allergies);
        Assert.Equal(kind, fact.Kind);
        Assert.True(fact.Active);
    }

    [Fact]
    public void Aspirin_allergy_is_not_a_steroid_allergy()
    {
        var allergy = """{"resourceType":"AllergyIntolerance","id":"al","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1191","display":"Aspirin"}]},"patient":{"reference":"Patient/p1"}}""";
        Assert.Empty(ReadValid(Bundle(allergy)).Allergies);
    }

    [Theory]
    [InlineData("http://www.ama-assn.org/go/cpt", "36514", ApheresisKind.PlasmaExchange)]
    [InlineData("http://msrelapse.org/fhir/CodeSystem/msrelapse", "therapeutic-plasma-exchange", ApheresisKind.PlasmaExchange)]
    [InlineData("http://www.ama-assn.org/go/cpt", "36516", ApheresisKind.Immunoadsorption)]
    [InlineData("http://msrelapse.org/fhir/CodeSystem/msrelapse", "immunoadsorption", ApheresisKind.Immunoadsorption)]
    public void Completed_apheresis_sessions_are_read(string system, string code, ApheresisKind kind)
    {
        var proc = $$"""{"resourceType":"Procedure","id":"px","status":"completed","code":{"coding":[{"system":"{{system}}","code":"{{code}}"}]},"subject":{"reference":"Patient/p1"},"performedDateTime":"2026-05-02T14:00:00"}""";
        var s = Assert.Single(ReadValid(Bundle(proc)).ApheresisSessions);
        Assert.Equal(kind, s.Kind);
        Assert.Equal(new ClinicalTime(new DateOnly(2026, 5, 2), new TimeOnly(14, 0)), s.When);

        var planned = proc.Replace("\"completed\"", "\"preparation\"", StringComparison.Ordinal);
        Assert.Empty(ReadValid(Bundle(planned)).ApheresisSessions);
    }
}
