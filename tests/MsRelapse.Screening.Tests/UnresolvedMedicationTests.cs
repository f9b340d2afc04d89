using System.Text.Json;
using System.Text.Json.Nodes;

namespace MsRelapse.Screening.Tests;

/// <summary>
/// An export whose administrations name their drug by <c>medicationReference</c> but that holds no Medication file (a
/// Bulk Data <c>Patient/$export</c> leaves Medication out): the steroid courses are not counted, so the screen says so —
/// summary.json <c>unresolvedMedicationReferences</c>, a warning on report.html, the line a host prints — however the
/// partitions were screened and merged. patients.csv keeps its columns.
/// </summary>
public sealed class UnresolvedMedicationTests
{
    /// <summary>The steroid-refractory example by reference (five methylprednisolone administrations each), for two patients.</summary>
    private static string ExportByReference() =>
        ExportFixture.ExportOf([MedicationReferenceTests.ByReference("p1"), MedicationReferenceTests.ByReference("p2")]);

    private static (JsonNode Summary, string Report, ScreenSummary Result, string[] Csv) Screen(string export)
    {
        var output = ExportFixture.TempDirectory();
        try
        {
            var result = ScreenRun.Run(new ScreenOptions(export, output, ExportFixture.AsOf, PartitionCount: 2));
            return (
                JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!,
                File.ReadAllText(Path.Combine(output, "report.html")),
                result,
                File.ReadAllLines(Path.Combine(output, "patients.csv")));
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void An_export_without_its_Medication_file_counts_the_unresolved_medications_and_the_report_warns()
    {
        var export = ExportByReference();
        try
        {
            File.Delete(Path.Combine(export, "Medication.000.ndjson"));
            var (summary, report, result, csv) = Screen(export);

            var unresolved = summary["unresolvedMedicationReferences"]!;
            Assert.Equal(2, unresolved["patients"]!.GetValue<long>());
            Assert.Equal(10, unresolved["resources"]!.GetValue<long>());
            Assert.Equal(2, unresolved["possibleSteroidCourses"]!["patients"]!.GetValue<long>());
            Assert.Equal(10, unresolved["possibleSteroidCourses"]!["resources"]!.GetValue<long>());

            Assert.Contains("<p class=\"warning\" id=\"unresolved-medications\"", report, StringComparison.Ordinal);
            Assert.Contains("2 patients have medications that name a Medication resource the export does not hold", report, StringComparison.Ordinal);
            Assert.Contains("steroid courses among them are not counted", report, StringComparison.Ordinal);

            Assert.Equal(
                "warning: 2 patients have medications that name a Medication resource the export does not hold (10 resources; 2 patients with a drug given that nothing else identifies): steroid courses among them are not counted. Export the Medication resources too (many servers leave them out of Patient/$export; $export?_type=Medication gives them), put their files in the export folder and screen again.",
                result.UnresolvedMedicationsWarning);

            // The contract's columns, unchanged.
            Assert.Equal(string.Join(',', ScreenResultMerger.CsvColumns), csv[0]);
        }
        finally
        {
            Directory.Delete(export, true);
        }
    }

    [Fact]
    public void An_export_with_its_Medication_file_counts_none_and_the_report_does_not_warn()
    {
        var export = ExportByReference();
        try
        {
            var (summary, report, result, _) = Screen(export);
            var unresolved = summary["unresolvedMedicationReferences"]!;
            Assert.Equal(0, unresolved["patients"]!.GetValue<long>());
            Assert.Equal(0, unresolved["resources"]!.GetValue<long>());
            Assert.Equal(0, unresolved["possibleSteroidCourses"]!["patients"]!.GetValue<long>());
            Assert.DoesNotContain("unresolved-medications", report, StringComparison.Ordinal);
            Assert.Null(result.UnresolvedMedicationsWarning);
        }
        finally
        {
            Directory.Delete(export, true);
        }
    }

    [Fact]
    public void The_counts_survive_the_partition_result_as_the_cluster_sends_it_and_add_up_across_partitions()
    {
        // A cluster silo sends its PartitionResult as JSON; the merger tallies what arrives.
        PatientRow Row(string id, int unresolved, int courses, string? error = null) =>
            new(id, error is null ? "relapse" : "", "", "", "", "", null, null, [], error, null, unresolved, courses);
        var first = new PartitionResult(0, [Row("a", 3, 2), Row("b", 0, 0)], [], 0, 0);
        var second = new PartitionResult(1, [Row("c", 1, 0, error: "no-patient")], [], 0, 0);
        var sent = JsonSerializer.Deserialize<PartitionResult>(JsonSerializer.SerializeToUtf8Bytes(first))!;

        var tally = ScreenTally.Of(sent);
        tally.Add(ScreenTally.Of(second));
        Assert.Equal(2, tally.PatientsWithUnresolvedMedications);
        Assert.Equal(4, tally.UnresolvedMedications);
        Assert.Equal(1, tally.PatientsWithUnresolvedPossibleSteroidCourses);
        Assert.Equal(2, tally.UnresolvedPossibleSteroidCourses);

        var work = ExportFixture.TempDirectory();
        try
        {
            var merger = new ScreenResultMerger(work);
            merger.Add(sent);
            merger.Add(second);
            Assert.Equal([3, 0, 1], merger.Rows().Select(r => r.UnresolvedMedications));
            Assert.Equal(2, merger.Tally().PatientsWithUnresolvedMedications);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }
}
