using System.Text.Json.Nodes;
using MsRelapse.Fhir;
using MsRelapse.Testing;

namespace MsRelapse.Screening.Tests;

/// <summary>Temporary export folders built from the shared data, and the per-patient grouping a reader of the spec would do.</summary>
internal static class ExportFixture
{
    public static readonly DateOnly AsOf = SharedExamples.AsOf;

    public static string Synthea => RepoPaths.SharedFile("data", "synthea-bulk-10");

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "msr-screen-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A copy of the Synthea sample.</summary>
    public static string CopyOfSynthea()
    {
        var dir = TempDirectory();
        foreach (var file in Directory.GetFiles(Synthea, "*.ndjson"))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }

    /// <summary>Each Bundle as NDJSON lines: one file per resource type, as a Bulk Data export writes them.</summary>
    public static string ExportOf(IEnumerable<string> bundles) => BulkExports.Write(bundles, TempDirectory());

    /// <summary>
    /// The export's resources grouped by the patient they name, in file-name then line order, each group as the
    /// Bundle <c>msrelapse evaluate</c> would be given.
    /// </summary>
    public static SortedDictionary<string, List<string>> ResourcesByPatient(string exportDirectory)
    {
        var groups = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(exportDirectory, "*.ndjson").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                JsonNode? node;
                try
                {
                    node = JsonNode.Parse(line);
                }
                catch (System.Text.Json.JsonException)
                {
                    continue;
                }

                var type = node?["resourceType"]?.GetValue<string>();
                var key = type == "Patient" ? node!["id"]?.GetValue<string>()
                    : PatientReferences.KeyOf(node?["subject"]?["reference"]?.GetValue<string>()) ?? PatientReferences.KeyOf(node?["patient"]?["reference"]?.GetValue<string>());
                if (key is null)
                {
                    continue;
                }

                if (!groups.TryGetValue(key, out var list))
                {
                    list = [];
                    groups[key] = list;
                }

                list.Add(line);
            }
        }

        return groups;
    }

    public static string BundleOf(IEnumerable<string> resources) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + string.Join(",", resources.Select(r => "{\"resource\":" + r + "}")) + "]}";
}
