using System.Text;
using System.Text.Json;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// Real messy Bulk Data (Synthea, shared/data/synthea-bulk-10): thousands of unrelated resources, US Core
/// extensions, conditions left active for decades, clinical-drug codes. Every patient must read without error
/// and without being fooled.
/// </summary>
public sealed class SyntheaSweepTests
{
    /// <summary>One Bundle per patient: the NDJSON lines grouped by their subject/patient reference.</summary>
    internal static IReadOnlyDictionary<string, string> BundlesByPatient()
    {
        var lines = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(SharedData.Synthea, "*.ndjson").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var key = root.GetProperty("resourceType").GetString() == "Patient"
                    ? root.GetProperty("id").GetString()!
                    : PatientKey(root);
                if (key is null)
                {
                    continue;
                }

                if (!lines.TryGetValue(key, out var list))
                {
                    lines[key] = list = [];
                }

                list.Add(line);
            }
        }

        return lines.ToDictionary(
            kv => kv.Key,
            kv => new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[")
                .AppendJoin(',', kv.Value.Select(l => "{\"resource\":" + l + "}")).Append("]}").ToString(),
            StringComparer.Ordinal);
    }

    private static string? PatientKey(JsonElement resource)
    {
        foreach (var name in new[] { "subject", "patient" })
        {
            if (resource.TryGetProperty(name, out var r) && r.TryGetProperty("reference", out var reference) && reference.GetString() is { } s)
            {
                return s[(s.LastIndexOfAny(['/', ':']) + 1)..];
            }
        }

        return null;
    }

    [Fact]
    public void Every_Synthea_patient_reads_without_error()
    {
        var bundles = BundlesByPatient();
        Assert.True(bundles.Count >= 10, $"expected at least 10 patients, found {bundles.Count}");
        foreach (var (patientId, json) in bundles)
        {
            var result = FhirRecordReader.Read(json);
            Assert.True(result.Errors.Count == 0, $"{patientId}: {string.Join("; ", result.Errors)}");
            Assert.Equal(patientId, result.Record!.PatientId);
            Assert.NotNull(result.Record.BirthDate);
            Assert.Empty(result.Record.Relapses); // none of them has MS (README of the data set)
            Assert.Empty(result.Record.MsDiagnoses);
        }
    }

    [Fact]
    public void A_sepsis_left_active_since_1976_stays_a_dated_infection_fact()
    {
        var record = FhirRecordReader.Read(BundlesByPatient()["129c6ac7-8d06-89de-ad63-0204a93e76c3"]).Record!;
        var sepsis = Assert.Single(record.Conditions, c => c.Source.Resource == "Condition/0023b3a7-2ded-840c-ee5b-6b123fdcfb0b");
        Assert.Equal(ConditionKind.Infection, sepsis.Kind);
        Assert.True(sepsis.IsSepsis);
        Assert.True(sepsis.Active); // the problem list says so; the engine's recency rules (R2.3, R8) decide
        // 1976-01-19T22:58:16-05:00 as written: the date stays 19 January (not the 20th in UTC).
        Assert.Equal(new ClinicalTime(new DateOnly(1976, 1, 19), new TimeOnly(22, 58, 16)), sepsis.Onset);
    }

    [Fact]
    public void Lisinopril_clinical_drug_orders_are_ACE_inhibitors_recognised_by_name_with_their_status()
    {
        var meds = BundlesByPatient().Values.SelectMany(json => FhirRecordReader.Read(json).Record!.Medications).ToList();
        var lisinopril = meds.Where(m => m.Name == "lisinopril").ToList();
        Assert.NotEmpty(lisinopril);
        Assert.All(lisinopril, m =>
        {
            Assert.Equal(MedicationClass.AceInhibitor, m.Class);
            Assert.True(m.MatchedByName);
        });
        // Synthea stops old prescriptions: most are not active.
        Assert.Contains(lisinopril, m => m.Status == MedicationStatus.Inactive);
    }
}
