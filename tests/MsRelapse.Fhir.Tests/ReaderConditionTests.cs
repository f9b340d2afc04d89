using MsRelapse.Core.Model;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>fhir-profile.md "Read": Patient and Condition rows.</summary>
public sealed class ReaderConditionTests
{
    private const string Sct = "http://snomed.info/sct";
    private const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    private const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";

    [Fact]
    public void Patient_birth_date_sex_and_id_are_read()
    {
        var record = ReadValid(Bundle());
        Assert.Equal("p1", record.PatientId);
        Assert.Equal(new DateOnly(1985, 3, 14), record.BirthDate);
        Assert.Equal(Sex.Female, record.Sex);
        Assert.False(record.DeceasedFlag);
    }

    [Fact]
    public void Deceased_boolean_and_deceased_date_are_read()
    {
        var flag = ReadValid(BundleWithoutPatient("""{"resourceType":"Patient","id":"p1","deceasedBoolean":true}"""));
        Assert.True(flag.DeceasedFlag);
        var dated = ReadValid(BundleWithoutPatient("""{"resourceType":"Patient","id":"p1","deceasedDateTime":"2024-02-03T10:00:00+01:00"}"""));
        Assert.Equal(new DateOnly(2024, 2, 3), dated.DeceasedOn);
    }

    [Theory]
    [InlineData(Sct, "24700007", MsCourse.Unspecified)]
    [InlineData(Sct, "426373005", MsCourse.RelapsingRemitting)]
    [InlineData(Sct, "425500002", MsCourse.SecondaryProgressive)]
    [InlineData(Sct, "428700003", MsCourse.PrimaryProgressive)]
    [InlineData(Icd10, "G35", MsCourse.Unspecified)]
    [InlineData(Icd10Cm, "G35", MsCourse.Unspecified)]
    [InlineData(Icd10Cm, "G35.A", MsCourse.RelapsingRemitting)]
    [InlineData(Icd10Cm, "G35.B0", MsCourse.PrimaryProgressive)]
    [InlineData(Icd10Cm, "G35.C1", MsCourse.SecondaryProgressive)]
    [InlineData(Icd10Cm, "G35.D", MsCourse.Unspecified)]
    public void MS_diagnosis_codes_give_the_course(string system, string code, MsCourse course)
    {
        var record = ReadValid(Bundle(Condition("ms", system, code, "2018-02-22")));
        var dx = Assert.Single(record.MsDiagnoses);
        Assert.Equal(course, dx.Course);
        Assert.True(dx.Active);
        Assert.Equal(new ClinicalTime(new DateOnly(2018, 2, 22)), dx.Recorded);
        Assert.Equal("Condition/ms", dx.Source.Resource);
    }

    [Theory]
    [InlineData("2026", "2026-01-01")]
    [InlineData("2026-03", "2026-03-01")]
    public void A_relapse_onset_without_a_day_is_read_as_its_first_day_and_a_note_says_so(string onset, string read)
    {
        // A review of the CLI: a year-only onset silently became 1 January, which moved the attack past R6.5's 90 days.
        var record = ReadValid(Bundle(Condition("r", Sct, "192929006", onset)));
        Assert.Equal(DateOnly.Parse(read, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(record.Relapses).Onset!.Value.Date);
        Assert.Contains($"Condition/r: onset '{onset}' gives no day; read as {read}, the earliest it allows (the day decides the 14-, 42- and 90-day windows: check it).", record.ReadingNotes);

        Assert.DoesNotContain(ReadValid(Bundle(Condition("r", Sct, "192929006", "2026-03-04"))).ReadingNotes, n => n.Contains("gives no day", StringComparison.Ordinal));
    }

    [Fact]
    public void Relapse_onset_with_time_is_kept_as_written_without_time_zone_conversion()
    {
        var record = ReadValid(Bundle(Condition("r", Sct, "192929006", "2026-04-23T23:30:00-05:00")));
        var relapse = Assert.Single(record.Relapses);
        // 23:30 at -05:00 would be 04:30 the next day in UTC: the date and time stay as written.
        Assert.Equal(new ClinicalTime(new DateOnly(2026, 4, 23), new TimeOnly(23, 30)), relapse.Onset);
        Assert.Null(relapse.Abatement);
        Assert.False(relapse.ResolvedWithoutDate);
    }

    [Fact]
    public void Relapse_onset_falls_back_to_onsetPeriod_start()
    {
        var json = Bundle("""{"resourceType":"Condition","id":"r","code":{"coding":[{"system":"http://snomed.info/sct","code":"192929006"}]},"subject":{"reference":"Patient/p1"},"onsetPeriod":{"start":"2026-04-20","end":"2026-04-22"}}""");
        var relapse = Assert.Single(ReadValid(json).Relapses);
        Assert.Equal(ClinicalTime.On(new DateOnly(2026, 4, 20)), relapse.Onset);
    }

    [Fact]
    public void Relapse_without_onset_is_kept_for_the_engine_to_name_as_missing_data()
    {
        var relapse = Assert.Single(ReadValid(Bundle(Condition("r", Sct, "192929006"))).Relapses);
        Assert.Null(relapse.Onset);
    }

    [Fact]
    public void Relapse_abatement_and_resolved_status_without_date_are_read()
    {
        var abated = ReadValid(Bundle(Condition("r", Sct, "192929006", "2026-04-01", "resolved", ",\"abatementDateTime\":\"2026-04-03\"")));
        Assert.Equal(ClinicalTime.On(new DateOnly(2026, 4, 3)), Assert.Single(abated.Relapses).Abatement);
        Assert.False(abated.Relapses[0].ResolvedWithoutDate);

        var undated = ReadValid(Bundle(Condition("r", Sct, "192929006", "2026-04-01", "remission")));
        Assert.True(Assert.Single(undated.Relapses).ResolvedWithoutDate);
    }

    [Fact]
    public void Partial_onset_date_is_read_as_the_first_day_of_the_month()
    {
        var relapse = Assert.Single(ReadValid(Bundle(Condition("r", Sct, "192929006", "2020-05"))).Relapses);
        Assert.Equal(ClinicalTime.On(new DateOnly(2020, 5, 1)), relapse.Onset);
    }

    [Theory]
    [InlineData(Sct, "40733004", false)]
    [InlineData(Sct, "91302008", true)]
    [InlineData(Sct, "68566005", false)]
    [InlineData(Sct, "197927001", false)]
    [InlineData(Sct, "301011002", false)]
    [InlineData(Sct, "38822007", false)]
    [InlineData(Sct, "233604007", false)]
    [InlineData(Sct, "10509002", false)]
    [InlineData(Sct, "444814009", false)]
    [InlineData(Sct, "36971009", false)]
    [InlineData(Sct, "195662009", false)]
    [InlineData(Sct, "43878008", false)]
    [InlineData(Sct, "840539006", false)]
    [InlineData(Icd10, "A00", false)]
    [InlineData(Icd10, "B99", false)]
    [InlineData(Icd10, "A41.9", true)]
    [InlineData(Icd10, "A40.0", true)]
    [InlineData(Icd10, "N39.0", false)]
    [InlineData(Icd10, "N30.0", false)]
    [InlineData(Icd10Cm, "N30.00", false)]
    [InlineData(Icd10, "J00", false)]
    [InlineData(Icd10Cm, "J01.90", false)]
    [InlineData(Icd10, "J22", false)]
    [InlineData(Icd10, "U07.1", false)]
    public void Infection_codes_are_recognised_and_sepsis_is_marked(string system, string code, bool sepsis)
    {
        var fact = Assert.Single(ReadValid(Bundle(Condition("i", system, code, "2026-05-01"))).Conditions);
        Assert.Equal(ConditionKind.Infection, fact.Kind);
        Assert.Equal(sepsis, fact.IsSepsis);
        Assert.False(fact.MatchedByName);
        Assert.Equal(ClinicalTime.On(new DateOnly(2026, 5, 1)), fact.Onset);
    }

    [Theory]
    [InlineData(Icd10, "J23")] // just outside J00–J22
    [InlineData(Icd10, "C00")] // just outside A00–B99
    [InlineData(Icd10, "N30.1")] // interstitial cystitis, not N30.0
    [InlineData(Sct, "195967001")] // asthma
    public void Neighbouring_codes_are_not_infections(string system, string code)
    {
        Assert.Empty(ReadValid(Bundle(Condition("i", system, code, "2026-05-01"))).Conditions);
    }

    [Theory]
    [InlineData("Urinary tract infection", false)]
    [InlineData("Suspected SEPSIS", true)]
    [InlineData("Community acquired pneumonia", false)]
    public void Infection_is_recognised_by_a_whole_word_when_no_code_matches(string text, bool sepsis)
    {
        var fact = Assert.Single(ReadValid(Bundle(TextCondition("i", text, "2026-05-01"))).Conditions);
        Assert.Equal(ConditionKind.Infection, fact.Kind);
        Assert.True(fact.MatchedByName);
        Assert.Equal(sepsis, fact.IsSepsis);
    }

    [Theory]
    [InlineData("Disinfection of wound")] // "infection" inside a word
    [InlineData("Pneumonias vaccine counselling")]
    public void Words_inside_other_words_do_not_make_an_infection(string text)
    {
        Assert.Empty(ReadValid(Bundle(TextCondition("i", text, "2026-05-01"))).Conditions);
    }

    [Theory]
    [InlineData(Sct, "386661006", ConditionKind.Fever)]
    [InlineData(Sct, "73211009", ConditionKind.Diabetes)]
    [InlineData(Sct, "44054006", ConditionKind.Diabetes)]
    [InlineData(Sct, "46635009", ConditionKind.Diabetes)]
    [InlineData(Icd10, "E10.9", ConditionKind.Diabetes)]
    [InlineData(Icd10, "E14", ConditionKind.Diabetes)]
    [InlineData(Sct, "69322001", ConditionKind.PsychiatricHistory)]
    [InlineData(Sct, "13746004", ConditionKind.PsychiatricHistory)]
    [InlineData(Icd10, "F20.0", ConditionKind.PsychiatricHistory)]
    [InlineData(Icd10, "F31.9", ConditionKind.PsychiatricHistory)]
    [InlineData(Sct, "13200003", ConditionKind.PepticUlcer)]
    [InlineData(Icd10, "K25.3", ConditionKind.PepticUlcer)]
    [InlineData(Icd10, "K28", ConditionKind.PepticUlcer)]
    [InlineData(Sct, "25044007", ConditionKind.Nmosd)]
    [InlineData(Icd10, "G36.0", ConditionKind.Nmosd)]
    [InlineData(Sct, "77386006", ConditionKind.Pregnancy)]
    [InlineData(Sct, "72892002", ConditionKind.Pregnancy)]
    public void Other_conditions_are_recognised_by_code(string system, string code, ConditionKind kind)
    {
        var fact = Assert.Single(ReadValid(Bundle(Condition("c", system, code, "2025-01-01"))).Conditions);
        Assert.Equal(kind, fact.Kind);
    }

    [Theory]
    [InlineData(Icd10, "F32.9")] // depression is not F20–F31
    [InlineData(Icd10, "E15")] // outside E10–E14
    [InlineData(Icd10, "K29.0")] // gastritis, outside K25–K28
    public void Neighbouring_ICD_ranges_are_not_read(string system, string code)
    {
        Assert.Empty(ReadValid(Bundle(Condition("c", system, code, "2025-01-01"))).Conditions);
    }

    [Theory]
    [InlineData("active", null, true)]
    [InlineData("recurrence", null, true)]
    [InlineData("relapse", null, true)]
    [InlineData("resolved", null, false)]
    [InlineData("inactive", null, false)]
    [InlineData(null, null, true)]
    [InlineData(null, "2025-02-01", false)]
    public void Condition_is_active_by_clinical_status_or_absent_status_without_abatement(string? status, string? abatement, bool active)
    {
        var extra = abatement is null ? null : $",\"abatementDateTime\":\"{abatement}\"";
        var fact = Assert.Single(ReadValid(Bundle(Condition("c", Sct, "73211009", "2025-01-01", status, extra))).Conditions);
        Assert.Equal(active, fact.Active);
    }

    [Theory]
    [InlineData("entered-in-error")]
    [InlineData("refuted")]
    public void Condition_entered_in_error_or_refuted_is_ignored(string verification)
    {
        var extra = $$""","verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"{{verification}}"}]}""";
        var record = ReadValid(Bundle(Condition("c", Sct, "192929006", "2026-05-01", "active", extra)));
        Assert.Empty(record.Relapses);
    }

    [Fact]
    public void Unknown_codes_and_unknown_resources_are_ignored_without_error()
    {
        var record = ReadValid(Bundle(
            Condition("x", Sct, "195967001", "2025-01-01"),
            """{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p1"}}""",
            """{"resourceType":"FooBar","id":"z"}"""));
        Assert.Empty(record.Conditions);
        Assert.Empty(record.Relapses);
    }
}
