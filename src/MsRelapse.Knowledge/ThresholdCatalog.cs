using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Knowledge;

/// <summary>One number of the pathway: its member (of <see cref="Thresholds"/> or of the plasma exchange calculator), value and documentation.</summary>
/// <param name="Name">Member name, e.g. <c>SteroidsTooLateDays</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Type">FHIR type of the value: <c>integer</c> or <c>decimal</c>.</param>
/// <param name="Documentation">The member's XML documentation summary (empty when the documentation file is not beside the assembly).</param>
/// <param name="Source">The class that holds the number: <c>Thresholds</c> or <c>PlasmaExchangePlanner</c>.</param>
public sealed partial record ThresholdEntry(string Name, decimal Value, string Type, string Documentation, string Source = nameof(Thresholds))
{
    /// <summary>
    /// The knowledge base's own decision where the evidence gives no number: clinical.md marks it "(choice)" or
    /// "(choice, as R6.5)", and the code's documentation repeats the mark.
    /// </summary>
    public bool IsChoice => SpecChoice().IsMatch(Documentation);

    /// <summary>A number the engine needed where clinical.md names none (documented "(engine choice …)"): not the spec's choice.</summary>
    public bool IsEngineChoice => Documentation.Contains("(engine choice", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\(choice[,)]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpecChoice();

    /// <summary>The value as text (invariant culture).</summary>
    public string ValueText => Value.ToString("0.##########", CultureInfo.InvariantCulture);
}

/// <summary>
/// Every public constant of <see cref="Thresholds"/>, and the plasma exchange calculator's own constants (Nadler's
/// coefficients, Kaplan's 0.065 L/kg, 70 mL/kg under 25 kg, 45 % intravascular IgG, 0.05 g/mL albumin, 12.5 g vials),
/// read by reflection from the classes that hold them (the one place each number lives), with the documentation
/// written beside it (read from the XML documentation file the build puts beside <c>MsRelapse.Core.dll</c>).
/// </summary>
public static class ThresholdCatalog
{
    private static readonly Lazy<IReadOnlyList<ThresholdEntry>> Loaded = new(Load);

    private static readonly Lazy<Dictionary<string, string>> Docs = new(ReadDocs);

    /// <summary>
    /// The calculator constants that are its own numbers (the others alias a <see cref="Thresholds"/> member and are
    /// listed there once).
    /// </summary>
    public static IReadOnlyList<string> PlannerConstants { get; } =
    [
        nameof(PlasmaExchangePlanner.NadlerMaleHeightCubedLitres), nameof(PlasmaExchangePlanner.NadlerMaleWeightLitresPerKg), nameof(PlasmaExchangePlanner.NadlerMaleConstantLitres),
        nameof(PlasmaExchangePlanner.NadlerFemaleHeightCubedLitres), nameof(PlasmaExchangePlanner.NadlerFemaleWeightLitresPerKg), nameof(PlasmaExchangePlanner.NadlerFemaleConstantLitres),
        nameof(PlasmaExchangePlanner.WeightBasedBelowKg), nameof(PlasmaExchangePlanner.ChildBloodVolumeMlPerKg), nameof(PlasmaExchangePlanner.KaplanBloodVolumeLitresPerKg),
        nameof(PlasmaExchangePlanner.IntravascularIgGFraction), nameof(PlasmaExchangePlanner.AlbuminGramsPerMl), nameof(PlasmaExchangePlanner.AlbuminGramsPerVial),
    ];

    /// <summary>The XML documentation summary of a Core member by its documentation id (<c>F:MsRelapse.Core.Pathway.RecoveryClass.Complete</c>), or empty.</summary>
    public static string Documentation(string memberId) => Docs.Value.TryGetValue(memberId, out var text) ? text : string.Empty;

    /// <summary>The thresholds in declaration order.</summary>
    public static IReadOnlyList<ThresholdEntry> All => Loaded.Value;

    /// <summary>The threshold with this name; throws for an unknown name (a descriptor naming a member that does not exist).</summary>
    public static ThresholdEntry Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"Thresholds has no public constant {name}.");

    private static List<ThresholdEntry> Load()
    {
        var docs = Docs.Value;
        var list = new List<ThresholdEntry>();
        var thresholds = typeof(Thresholds).GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken);
        var planner = PlannerConstants.Select(name => typeof(PlasmaExchangePlanner).GetField(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"PlasmaExchangePlanner has no public constant {name}."));
        foreach (var field in thresholds.Concat(planner))
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

            docs.TryGetValue($"F:{field.DeclaringType!.FullName}.{field.Name}", out var doc);
            list.Add(new ThresholdEntry(field.Name, value, type, doc ?? string.Empty, field.DeclaringType.Name));
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
