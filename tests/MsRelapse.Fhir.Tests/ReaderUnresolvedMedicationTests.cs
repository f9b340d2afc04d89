using System.Text;
using MsRelapse.Core.Model;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// A medication named by reference to a Medication the record does not hold (a Bulk Data <c>Patient/$export</c> leaves
/// Medication out) is kept on the record as a count hosts can report, not only as a reading note: the steroid course it
/// may have been is otherwise lost without a word (PatientRecord.UnresolvedMedications).
/// </summary>
public sealed class ReaderUnresolvedMedicationTests
{
    private const string MethylprednisoloneCode = """{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902"}]}""";

    private static string Administration(string id, string medication, string extra = "") =>
        $$$$"""{"resourceType":"MedicationAdministration","id":"{{{{id}}}}","status":"completed"{{{{extra}}}},{{{{medication}}}},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-04-25","dosage":{"dose":{"value":1000,"system":"http://unitsofmeasure.org","code":"mg"}}}""";

    private static string Order(string id, string status, string medication) =>
        $$$$"""{"resourceType":"MedicationRequest","id":"{{{{id}}}}","status":"{{{{status}}}}","intent":"order",{{{{medication}}}},"subject":{"reference":"Patient/p1"},"authoredOn":"2026-04-25","dosageInstruction":[{"timing":{"repeat":{"count":3}}}]}""";

    private static string Statement(string id, string medication) =>
        $$$"""{"resourceType":"MedicationStatement","id":"{{{id}}}","status":"active",{{{medication}}},"subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2025-04-06"}}""";

    private static string Reference(string reference, string? display = null) =>
        $$"""
        "medicationReference":{"reference":"{{reference}}"{{(display is null ? "" : $",\"display\":\"{display}\"")}}}
        """;

    /// <summary>Both readers (ReadValid holds them to the same record), the UTF-8 reader's record asserted on its own too.</summary>
    private static PatientRecord ReadBoth(string bundle)
    {
        var record = ReadValid(bundle);
        var utf8 = Utf8RecordReader.Read(Encoding.UTF8.GetBytes(bundle)).Record!;
        Assert.Equal(record.UnresolvedMedications.ToArray(), utf8.UnresolvedMedications.ToArray()); // ImmutableArray compares by reference
        return record;
    }

    [Fact]
    public void An_administration_naming_a_Medication_the_record_does_not_hold_is_counted_as_a_steroid_course_perhaps_lost()
    {
        var record = ReadBoth(Bundle(Administration("a1", Reference("Medication/e4411"))));
        Assert.Empty(record.SteroidDoses);
        var unresolved = Assert.Single(record.UnresolvedMedications);
        Assert.Equal(new UnresolvedMedication("Medication/e4411", true, new SourceRef("MedicationAdministration/a1")), unresolved);
    }

    [Fact]
    public void A_contained_or_present_Medication_is_not_counted()
    {
        var contained = Administration(
            "a1", Reference("#m1"),
            $$""","contained":[{"resourceType":"Medication","id":"m1","code":{{MethylprednisoloneCode}}}]""");
        var present = Administration("a2", Reference("Medication/m2"));
        var medication = $$"""{"resourceType":"Medication","id":"m2","code":{{MethylprednisoloneCode}}}""";
        var record = ReadBoth(Bundle(contained, present, medication));
        Assert.Equal(2, record.SteroidDoses.Length);
        Assert.Empty(record.UnresolvedMedications);
    }

    [Fact]
    public void Only_a_drug_given_that_nothing_else_identifies_may_be_a_steroid_course()
    {
        var record = ReadBoth(Bundle(
            Order("r1", "completed", Reference("Medication/x1")),                        // an order given, drug unknown
            Order("r2", "draft", Reference("Medication/x2")),                            // never given
            Statement("s1", Reference("Medication/x3")),                                 // a statement: never a course
            Administration("a1", Reference("Medication/x4", "methylprednisolone 1 g")),  // counted by the display's name
            Administration("a2", Reference("Medication/x5", "natalizumab 300 mg")),      // another drug, by name
            Administration("a3", Reference("Medication/x6"))));                         // given, drug unknown
        Assert.Equal(
            [("Medication/x1", true), ("Medication/x2", false), ("Medication/x3", false), ("Medication/x4", false), ("Medication/x5", false), ("Medication/x6", true)],
            record.UnresolvedMedications.Select(u => (u.Reference, u.MayBeSteroidCourse)));
        Assert.Single(record.SteroidDoses); // a1, by name
    }

    [Theory]
    [InlineData("not-done")]
    [InlineData("entered-in-error")]
    public void An_administration_not_given_is_not_counted(string status)
    {
        var administration = $$"""{"resourceType":"MedicationAdministration","id":"a1","status":"{{status}}",{{Reference("Medication/e4411")}},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-04-25"}""";
        Assert.Empty(ReadBoth(Bundle(administration)).UnresolvedMedications);
    }
}
