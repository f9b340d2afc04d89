using MsRelapse.Fhir;

namespace MsRelapse.Screening.Tests;

public sealed class ScreenRunTests
{
    [Fact]
    public void Every_patient_of_the_Synthea_export_gets_the_row_evaluate_gives_for_a_Bundle_of_their_resources()
    {
        var export = ExportFixture.CopyOfSynthea();
        var output = ExportFixture.TempDirectory();
        try
        {
            var summary = ScreenRun.Run(new ScreenOptions(export, output, ExportFixture.AsOf, PartitionCount: 5));
            var csv = File.ReadAllLines(Path.Combine(output, "patients.csv"));
            Assert.Equal("patient_id,episode_status,severity,primary_action,urgency,steroid_response,onset,days_since_onset,flags,error", csv[0]);

            var expected = ExportFixture.ResourcesByPatient(export)
                .Select(g => PartitionScreener.RowOf(g.Key, FhirEvaluation.Evaluate(ExportFixture.BundleOf(g.Value), ExportFixture.AsOf), ExportFixture.AsOf))
                .OrderBy(r => r.PatientId, StringComparer.Ordinal)
                .Select(r => string.Join(',', ScreenResultMerger.CsvCells(r)))
                .ToList();
            Assert.Equal(13, expected.Count);
            Assert.Equal(expected, csv.Skip(1));
            Assert.All(csv.Skip(1), line => Assert.Contains(",no-episode,", line, StringComparison.Ordinal)); // README: none has MS
            Assert.Equal(13, summary.Tally.Patients);
            Assert.Empty(summary.Export.Malformed);
            Assert.True(File.Exists(Path.Combine(output, "summary.json")));
            Assert.True(File.Exists(Path.Combine(output, "report.html")));
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void Each_partition_s_spill_is_deleted_once_screened_and_the_run_leaves_only_its_outputs()
    {
        var export = ExportFixture.CopyOfSynthea();
        var output = ExportFixture.TempDirectory();
        try
        {
            var left = new List<int>();
            ScreenRun.Run(new ScreenOptions(export, output, ExportFixture.AsOf, Workers: 1, PartitionCount: 5), progress =>
            {
                if (progress.Phase == "screen")
                {
                    left.Add(Directory.EnumerateFiles(output, "part-*.spill", SearchOption.AllDirectories).Count());
                }
            });

            // One spill file per partition that has lines (one worker); each screened partition takes its file away
            // at once, not at the end of the run.
            var withLines = ExportFixture.ResourcesByPatient(export).Select(g => PatientPartition.Of(g.Key, 5)).Distinct().Count();
            Assert.True(withLines >= 3, $"only {withLines} partitions have lines: the test would say little");
            Assert.Equal(5, left.Count);
            var steps = left.Prepend(withLines).Zip(left, (before, after) => before - after).ToList();
            Assert.All(steps, step => Assert.InRange(step, 0, 1));
            Assert.Equal(withLines, steps.Sum());
            Assert.Equal(["patients.csv", "report.html", "summary.json"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void Malformed_lines_are_counted_with_file_and_line_and_skipped()
    {
        var export = ExportFixture.CopyOfSynthea();
        var output = ExportFixture.TempDirectory();
        try
        {
            File.WriteAllLines(Path.Combine(export, "Condition.001.ndjson"),
            [
                """{"resourceType":"Condition","subject":{"reference":"Patient/x"}""", // truncated
                """{"subject":{"reference":"Patient/x"}}""",
                """{"resourceType":"Observation","status":"final"}""",
                "",
                """{"resourceType":"Organization","id":"o1"}""",
            ]);
            var summary = ScreenRun.Run(new ScreenOptions(export, output, ExportFixture.AsOf, PartitionCount: 3));
            Assert.Equal(
                [new MalformedLine("Condition.001.ndjson", 1, "not-json"), new MalformedLine("Condition.001.ndjson", 2, "no-resource-type"), new MalformedLine("Condition.001.ndjson", 3, "no-patient-reference")],
                summary.Export.Malformed.ToArray());
            Assert.Equal(3, summary.Export.MalformedByFile["Condition.001.ndjson"]);
            Assert.Equal(13, summary.Tally.Patients);
            Assert.Contains("\"Condition.001.ndjson\"", File.ReadAllText(Path.Combine(output, "summary.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public void The_partition_of_a_patient_is_stable_and_the_output_does_not_depend_on_the_partitioning()
    {
        Assert.Equal(PatientPartition.Of("p1", 64), PatientPartition.Of("p1", 64));
        Assert.Equal(PatientPartition.Of("0023b3a7-2ded-840c-ee5b-6b123fdcfb0b", 1000), PatientPartition.Of("0023b3a7-2ded-840c-ee5b-6b123fdcfb0b", 1000));
        var export = ExportFixture.CopyOfSynthea();
        var a = ExportFixture.TempDirectory();
        var b = ExportFixture.TempDirectory();
        try
        {
            ScreenRun.Run(new ScreenOptions(export, a, ExportFixture.AsOf, Workers: 1, PartitionCount: 1));
            ScreenRun.Run(new ScreenOptions(export, b, ExportFixture.AsOf, Workers: 2, PartitionCount: 17));
            Assert.Equal(File.ReadAllText(Path.Combine(a, "patients.csv")), File.ReadAllText(Path.Combine(b, "patients.csv")));
            Assert.Equal(File.ReadAllText(Path.Combine(a, "summary.json")), File.ReadAllText(Path.Combine(b, "summary.json")));
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }
}
