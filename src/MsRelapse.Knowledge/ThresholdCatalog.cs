using System.Globalization;
using System.Reflection;
using System.Xml.Linq;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Knowledge;

/// <summary>One number of the pathway: its <see cref="Thresholds"/> member, value and documentation.</summary>
/// <param name="Name">Member name, e.g. <c>SteroidsTooLateDays</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Type">FHIR type of the value: <c>integer</c> or <c>decimal</c>.</param>
/// <param name="Documentation">The member's XML documentation summary (empty when the documentation file is not beside the assembly).</param>
public sealed record ThresholdEntry(string Name, decimal Value, string Type, string Documentation)
{
    /// <summary>The knowledge base's own decision where the evidence gives no number (marked "(choice)" in the spec and the code).</summary>
    public bool IsChoice => Documentation.Contains("(choice)", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as text (invariant culture).</summary>
    public string ValueText => Value.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>
/// Every public constant of <see cref="Thresholds"/> (read by reflection: the class is the one place the numbers
/// live), with the documentation written beside it (read from the XML documentation file the build puts beside
/// <c>MsRelapse.Core.dll</c>).
/// </summary>
public static class ThresholdCatalog
{
    private static readonly Lazy<IReadOnlyList<ThresholdEntry>> Loaded = new(Load);

    /// <summary>The thresholds in declaration order.</summary>
    public static IReadOnlyList<ThresholdEntry> All => Loaded.Value;

    /// <summary>The threshold with this name; throws for an unknown name (a descriptor naming a member that does not exist).</summary>
    public static ThresholdEntry Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"Thresholds has no public constant {name}.");

    private static List<ThresholdEntry> Load()
    {
        var docs = ReadDocs();
        var list = new List<ThresholdEntry>();
        foreach (var field in typeof(Thresholds).GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken))
        {
            if (!field.IsLiteral && !field.IsInitOnly)
            {
                continue;
            }

            var raw = field.GetValue(null);
            (decimal value, string type) = raw switch
            {
                int i => ((decimal)i, "integer"),
                double d => ((decimal)d, "decimal"),
                decimal m => (m, "decimal"),
                _ => (decimal.MinValue, string.Empty),
            };
            if (type.Length == 0)
            {
                continue;
            }

            docs.TryGetValue($"F:{typeof(Thresholds).FullName}.{field.Name}", out var doc);
            list.Add(new ThresholdEntry(field.Name, value, type, doc ?? string.Empty));
        }

        return list;
    }

    private static Dictionary<string, string> ReadDocs()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Path.ChangeExtension(typeof(Thresholds).Assembly.Location, ".xml");
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return result;
        }

        var xml = XDocument.Load(path);
        foreach (var member in xml.Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            var summary = member.Element("summary");
            if (name is null || summary is null)
            {
                continue;
            }

            // <see cref="X"/> → X; whitespace collapsed.
            var text = string.Concat(summary.Nodes().Select(n => n switch
            {
                XText t => t.Value,
                XElement e when e.Name == "see" => ((string?)e.Attribute("cref"))?.Split('.')[^1] ?? e.Value,
                XElement e => e.Value,
                _ => string.Empty,
            }));
            result[name] = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        return result;
    }
}
