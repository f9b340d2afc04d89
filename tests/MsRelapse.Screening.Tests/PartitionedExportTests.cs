using System.Text.Json;

namespace MsRelapse.Screening.Tests;

/// <summary>
/// A split done in parts — some of the export's files each, into folders of their own, as the silos of a cluster do
/// it (<see cref="ExportPartitioner.PartitionFiles"/>) — and joined (<see cref="PartitionedExport.Combine"/>) holds the
/// same records as one split of every file: the same lines and compact forms in each partition, with the same file
/// indices and line numbers, the same Medication resources, the same malformed lines and counts; and each partition
/// screens to the same rows.
/// </summary>
public sealed class PartitionedExportTests
{
    [Fact]
    public void A_split_done_in_parts_and_combined_holds_what_one_split_of_every_file_holds()
    {
        var export = ExportFixture.CopyOfSynthea();
        var work = ExportFixture.TempDirectory();
        try
        {
            // Medications by reference in a file of their own (two patients name one), and a file of malformed lines.
            foreach (var file in Directory.GetFiles(ExportFixture.ExportOf([MedicationReferenceTests.ByReference("m1"), MedicationReferenceTests.ByReference("m2")])))
            {
                File.Move(file, Path.Combine(export, "byref-" + Path.GetFileName(file)));
            }

            File.WriteAllLines(Path.Combine(export, "broken.ndjson"),
            [
                "not json",
                """{"id":"no-type"}""",
                """{"resourceType":"Observation","id":"no-patient","status":"final"}""",
                """{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/m1"}}""",
            ]);
            var files = ExportPartitioner.FilesOf(export);
            const int partitions = 3;

            var whole = ExportPartitioner.Partition(export, Path.Combine(work, "whole"), partitions, compactObservations: true);
            var parts = new[] { 0, 1, 2 }.Select(k => ExportPartitioner.PartitionFiles(
                export, [.. Enumerable.Range(0, files.Length).Where(i => i % 3 == k)], Path.Combine(work, $"part{k}"), partitions, compactObservations: true)).ToList();
            var combined = PartitionedExport.Combine(parts);

            Assert.Equal(whole.InputFiles.ToList(), combined.InputFiles.ToList());
            Assert.Equal(whole.Bytes, combined.Bytes);
            Assert.Equal(whole.Lines, combined.Lines);
            Assert.Equal(whole.Malformed.ToList(), combined.Malformed.ToList());
            Assert.Equal(3, combined.Malformed.Length);
            Assert.Equal(whole.MalformedByFile, combined.MalformedByFile);
            Assert.Equal(whole.SkippedByType, combined.SkippedByType);
            Assert.NotEmpty(combined.MedicationFiles);
            Assert.Equal(Records(whole.MedicationFiles), Records(combined.MedicationFiles));
            Assert.True(parts.Count(p => p.PartitionFiles.Any(f => !f.IsEmpty)) >= 2, "the parts' files did not spread over two parts: the test would say little");
            for (var p = 0; p < partitions; p++)
            {
                Assert.NotEmpty(Records(whole.PartitionFiles[p]));
                Assert.Equal(Records(whole.PartitionFiles[p]), Records(combined.PartitionFiles[p]));
                Assert.Equal(Rows(PartitionScreener.Screen(whole, p, ExportFixture.AsOf)), Rows(PartitionScreener.Screen(combined, p, ExportFixture.AsOf)));
            }

            // A partition screened for a call given up on (a cluster silo's grain, its token cancelled) stops.
            Assert.Throws<OperationCanceledException>(() => PartitionScreener.Screen(whole, 0, ExportFixture.AsOf, new CancellationToken(canceled: true)));

            // A part crosses the cluster as JSON: nothing of it may be lost on the way (the medication files above all).
            var sent = parts.Single(p => !p.MedicationFiles.IsEmpty);
            var received = JsonSerializer.Deserialize<PartitionedExport>(JsonSerializer.SerializeToUtf8Bytes(sent))!;
            Assert.Equal(JsonSerializer.Serialize(sent), JsonSerializer.Serialize(received));
            Assert.Equal(sent.MedicationFiles.ToList(), received.MedicationFiles.ToList());
            Assert.Equal(sent.PartitionFiles.SelectMany(f => f).ToList(), received.PartitionFiles.SelectMany(f => f).ToList());
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(work, true);
        }
    }

    [Fact]
    public void Parts_of_other_exports_or_partition_counts_are_refused_and_so_are_wrong_file_indices()
    {
        var export = ExportFixture.CopyOfSynthea();
        var work = ExportFixture.TempDirectory();
        try
        {
            var count = ExportPartitioner.FilesOf(export).Length;
            var two = ExportPartitioner.PartitionFiles(export, [0], Path.Combine(work, "a"), 2, compactObservations: true);
            var three = ExportPartitioner.PartitionFiles(export, [1], Path.Combine(work, "b"), 3, compactObservations: true);

            Assert.Throws<ArgumentException>(() => PartitionedExport.Combine([two, three]));
            Assert.Throws<ArgumentException>(() => PartitionedExport.Combine([]));
            Assert.Throws<ArgumentException>(() => ExportPartitioner.PartitionFiles(export, [0, 0], Path.Combine(work, "c"), 2, compactObservations: true));
            Assert.Throws<ArgumentException>(() => ExportPartitioner.PartitionFiles(export, [count], Path.Combine(work, "d"), 2, compactObservations: true));
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(work, true);
        }
    }

    [Fact]
    public void Files_are_grouped_into_parts_that_differ_by_at_most_their_largest_file_each_file_in_one_part()
    {
        var export = ExportFixture.TempDirectory();
        try
        {
            int[] sizes = [10_000, 9_000, 8_000, 1_000, 1_000, 1_000, 500];
            for (var i = 0; i < sizes.Length; i++)
            {
                File.WriteAllText(Path.Combine(export, $"f{i}.ndjson"), new string('x', sizes[i]));
            }

            var files = ExportPartitioner.FilesOf(export);
            long Weight(int[] group) => group.Sum(i => new FileInfo(Path.Combine(export, files[i])).Length);
            foreach (var count in new[] { 1, 2, 3, 7, 20 })
            {
                var groups = ExportPartitioner.GroupFiles(export, count);
                Assert.Equal(Math.Min(count, files.Length), groups.Length);
                Assert.Equal(Enumerable.Range(0, files.Length), groups.SelectMany(g => g).Order());
                Assert.All(groups, g => Assert.NotEmpty(g));
                Assert.True(groups.Max(Weight) - groups.Min(Weight) <= sizes.Max(), $"{count} groups: {string.Join(" / ", groups.Select(Weight))}");
                Assert.Equal(groups, ExportPartitioner.GroupFiles(export, count)); // the same export, the same groups
            }

            // Largest first into the lightest: 10,000 | 9,000 + 8,000 … the small files fill the first group.
            Assert.Equal([13_500L, 17_000L], ExportPartitioner.GroupFiles(export, 2).Select(Weight));
            Directory.EnumerateFiles(export).ToList().ForEach(File.Delete);
            Assert.Empty(ExportPartitioner.GroupFiles(export, 4));
        }
        finally
        {
            Directory.Delete(export, true);
        }
    }

    /// <summary>Every record of some spill files, in a fixed order (which file of the split holds it does not matter).</summary>
    private static List<string> Records(IEnumerable<string> spillFiles) =>
        [.. spillFiles.SelectMany(SpillRecord.ReadAll)
            .Select(r => $"{r.Key} {r.FileIndex} {r.Line} {r.IsCompact} {Convert.ToBase64String(r.Bytes)}")
            .Order(StringComparer.Ordinal)];

    private static List<string> Rows(PartitionResult result) => [.. result.Rows.Select(r => JsonSerializer.Serialize(r))];
}
