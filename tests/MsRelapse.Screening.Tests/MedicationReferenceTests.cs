using System.Text.Json.Nodes;
using MsRelapse.Fhir;
using MsRelapse.Testing;

namespace MsRelapse.Screening.Tests;

/// <summary>
/// Medication resources that arrive in their own NDJSON file (a Bulk export's Medication.ndjson), named by the
/// patients' administrations and orders as <c>medicationReference: Medication/id</c>: the screen attaches them to
/// each patient that names them, as the Firely reader resolves them inside a Bundle, so the steroid course counts.
/// </summary>
public sealed class MedicationReferenceTests
{
    /// <summary>
    /// The steroid-refractory example with its methylprednisolone given by reference to a Medication resource
    /// (RxNorm 6902) rather than inline; a second patient (a copy with another id) names the same Medication.
    /// </summary>
    internal static string ByReference(string patientId)
    {
        var bundle = JsonNode.Parse(SharedExamples.Load("steroid-refractory-relapse"))!;
        var entries = bundle["entry"]!.AsArray();
        foreach (var entry in entries)
        {
            var resource = entry!["resource"]!.AsObject();
            if (resource["resourceType"]!.GetValue<string>() == "Patient")
            {
                resource["id"] = patientId;
            }

            if (resource["subject"] is JsonObject subject)
            {
                subject["reference"] = "Patient/" + patientId;
            }

            if (resource["resourceType"]!.GetValue<string>() == "MedicationAdministration" && resource.Remove("medicationCodeableConcept"))
            {
                resource["medicationReference"] = new JsonObject { ["reference"] = "Medication/methylpred-1g" };
            }
        }

        entries.Add(new JsonObject
        {
            ["resource"] = JsonNode.Parse("""{"resourceType":"Medication","id":"methylpred-1g","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902"}]}}"""),
        });
        return bundle.ToJsonString();
    }

    [Fact]
    public void A_medication_in_its_own_file_is_attached_to_every_patient_that_names_it_as_evaluate_resolves_it_in_a_bundle()
    {
        var bundles = new[] { ByReference("p1"), ByReference("p2") };
        var export = ExportFixture.ExportOf(bundles);
        var output = ExportFixture.TempDirectory();
        try
        {
            Assert.True(File.Exists(Path.Combine(export, "Medication.000.ndjson")));
            ScreenRun.Run(new ScreenOptions(export, output, ExportFixture.AsOf, PartitionCount: 2));
            var rows = File.ReadAllLines(Path.Combine(output, "patients.csv")).Skip(1).ToList();

            // What evaluate gives for the Bundle (the Medication an entry of it), and what it gives for the inline original.
            var expected = bundles
                .Select((b, i) => PartitionScreener.RowOf("p" + (i + 1), FhirEvaluation.Evaluate(System.Text.Encoding.UTF8.GetBytes(b), ExportFixture.AsOf), ExportFixture.AsOf))
                .Select(r => string.Join(',', ScreenResultMerger.CsvCells(r)))
                .ToList();
            Assert.Equal(expected, rows);
            var inline = PartitionScreener.RowOf("p1", FhirEvaluation.Evaluate(System.Text.Encoding.UTF8.GetBytes(SharedExamples.Load("steroid-refractory-relapse")), ExportFixture.AsOf), ExportFixture.AsOf);
            Assert.Equal("inadequate", inline.SteroidResponse);
            Assert.All(rows, row => Assert.Contains(",inadequate,", row, StringComparison.Ordinal));

            // Without the Medication file the steroid course is not recognised: the row changes.
            File.Delete(Path.Combine(export, "Medication.000.ndjson"));
            var without = ExportFixture.TempDirectory();
            ScreenRun.Run(new ScreenOptions(export, without, ExportFixture.AsOf, PartitionCount: 2));
            Assert.DoesNotContain(",inadequate,", File.ReadAllLines(Path.Combine(without, "patients.csv"))[1], StringComparison.Ordinal);
            Directory.Delete(without, true);
        }
        finally
        {
            Directory.Delete(export, true);
            Directory.Delete(output, true);
        }
    }
}
