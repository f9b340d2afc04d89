using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Fhir.Tests;

/// <summary>The shared specification folders these tests read (found by <see cref="RepoPaths"/>, never a fixed path).</summary>
internal static class SharedData
{
    public static string Examples => RepoPaths.SharedFile("examples");

    public static string Synthea => RepoPaths.SharedFile("data", "synthea-bulk-10");

    /// <summary>
    /// The Synthea sample's lines grouped by patient (the Patient's id, else the patient its subject/patient reference
    /// names), in file order, as written.
    /// </summary>
    public static SortedDictionary<string, List<string>> SyntheaLinesByPatient()
    {
        var byPatient = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Synthea, "*.ndjson").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                var node = JsonNode.Parse(line)!;
                var key = (string?)node["resourceType"] == "Patient" ? (string?)node["id"]
                    : PatientReferences.KeyOf((string?)node["subject"]?["reference"]) ?? PatientReferences.KeyOf((string?)node["patient"]?["reference"]);
                if (key is not null)
                {
                    (byPatient.TryGetValue(key, out var list) ? list : byPatient[key] = []).Add(line);
                }
            }
        }

        return byPatient;
    }

    /// <summary>The resources of a Bundle's entries, each as one line of UTF-8 JSON.</summary>
    public static List<ReadOnlyMemory<byte>> ResourceLines(string bundleJson) =>
        [.. JsonNode.Parse(bundleJson)!["entry"]!.AsArray().Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e!["resource"]!.ToJsonString()))];
}
