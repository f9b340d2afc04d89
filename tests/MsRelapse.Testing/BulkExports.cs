using System.Text.Json.Nodes;

namespace MsRelapse.Testing;

/// <summary>FHIR Bundles written as a Bulk Data export would hold their resources: one NDJSON file per resource type.</summary>
public static class BulkExports
{
    /// <summary>Writes every entry's resource of <paramref name="bundles"/> into <c>TYPE.000.ndjson</c> files in <paramref name="directory"/> (created); returns the directory.</summary>
    public static string Write(IEnumerable<string> bundles, string directory)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        Directory.CreateDirectory(directory);
        var byType = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var bundle in bundles)
        {
            foreach (var entry in JsonNode.Parse(bundle)!["entry"]!.AsArray())
            {
                var resource = entry!["resource"]!;
                var type = resource["resourceType"]!.GetValue<string>();
                if (!byType.TryGetValue(type, out var lines))
                {
                    lines = [];
                    byType[type] = lines;
                }

                lines.Add(resource.ToJsonString());
            }
        }

        foreach (var (type, lines) in byType)
        {
            File.WriteAllLines(Path.Combine(directory, type + ".000.ndjson"), lines);
        }

        return directory;
    }
}
