using MsRelapse.Fhir;
using MsRelapse.Screening;

namespace MsRelapse.Synthetic.Tests;

/// <summary>
/// A synthetic export screens to the rows that <c>msrelapse evaluate</c> gives for a Bundle of each patient's resources
/// (the Firely reader): the screen's split, its compact Observations, the UTF-8 reader and the medication spill agree
/// with the reference path on every shape the generator writes — steroids named by reference to the export's
/// formulary Medications among them, which count only when the Medication file is read.
/// </summary>
public sealed class ScreenTests
{
    [Fact]
    public void Each_patient_of_a_synthetic_export_gets_the_row_evaluate_gives_and_formulary_references_are_resolved()
    {
        using var export = new TempFolder();
        using var output = new TempFolder();
        Export.Generate(export.Path, 400, seed: 5);

        var formulary = File.ReadAllLines(Path.Combine(export.Path, "Medication.000.ndjson"));
        Assert.Equal(3, formulary.Length);
        var byReference = Directory.GetFiles(export.Path, "Medication*.ndjson").Where(f => !Path.GetFileName(f).StartsWith("Medication.", StringComparison.Ordinal))
            .SelectMany(File.ReadLines).Count(l => l.Contains("\"medicationReference\":{\"reference\":\"Medication/formulary-", StringComparison.Ordinal));
        Assert.True(byReference > 20, $"only {byReference} steroid resources name the formulary");

        ScreenRun.Run(new ScreenOptions(export.Path, output.Path, Export.AsOf, PartitionCount: 4));
        var rows = Rows(output.Path);
        var (byPatient, _) = Export.Group(export.Path);
        Assert.Equal(byPatient.Count, rows.Count);
        foreach (var (id, lines) in byPatient)
        {
            var expected = PartitionScreener.RowOf(id, FhirEvaluation.Evaluate(Export.Bundle(lines), Export.AsOf), Export.AsOf);
            Assert.Equal(string.Join(',', ScreenResultMerger.CsvCells(expected)), rows[id]);
        }

        // Without the formulary, the courses given from it are not counted: some patients' rows change.
        File.Delete(Path.Combine(export.Path, "Medication.000.ndjson"));
        using var without = new TempFolder();
        ScreenRun.Run(new ScreenOptions(export.Path, without.Path, Export.AsOf, PartitionCount: 4));
        var changed = Rows(without.Path).Count(r => rows[r.Key] != r.Value);
        Assert.True(changed > 0, "no row depends on the formulary Medications: the references were not read");
        Console.WriteLine($"synthetic screen: {rows.Count} patients as evaluate reads them; {byReference} steroid resources name the formulary; {changed} rows change without it");
    }

    private static Dictionary<string, string> Rows(string output) =>
        File.ReadLines(Path.Combine(output, "patients.csv")).Skip(1).ToDictionary(l => l[..l.IndexOf(',', StringComparison.Ordinal)], StringComparer.Ordinal);
}
