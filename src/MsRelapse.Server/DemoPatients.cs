using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MsRelapse.Server;

/// <summary>
/// The demo patients shipped inside the service (DemoPatients/*.json): seven FHIR R4 Bundles, one per main
/// pathway (untreated severe relapse, steroid-refractory → plasma exchange, pseudo-relapse with fever,
/// AQP4-positive myelitis, mild relapse, apheresis in progress, a child). Four are the shared examples with
/// distinct ids and names. They were written for <see cref="ReferenceDate"/>; <see cref="Load"/> shifts every
/// date by the same number of days so that, evaluated today, each still shows its pathway.
/// </summary>
public static partial class DemoPatients
{
    /// <summary>The date the bundles were written for (the shared examples' asOf).</summary>
    public static readonly DateOnly ReferenceDate = new(2026, 5, 11);

    /// <summary>One demo patient: id and bundle JSON.</summary>
    public sealed record DemoPatient(string Id, string BundleJson);

    /// <summary>The bundles as written (dated for <see cref="ReferenceDate"/>), ordered by id.</summary>
    public static IReadOnlyList<DemoPatient> LoadAsWritten()
    {
        var assembly = typeof(DemoPatients).Assembly;
        const string prefix = "MsRelapse.Server.DemoPatients.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => new DemoPatient(n[prefix.Length..^".json".Length], Read(assembly, n)))];
    }

    /// <summary>The bundles with every date moved so that <see cref="ReferenceDate"/> becomes <paramref name="today"/>.</summary>
    public static IReadOnlyList<DemoPatient> Load(DateOnly today)
    {
        var shiftDays = today.DayNumber - ReferenceDate.DayNumber;
        return [.. LoadAsWritten().Select(p => p with { BundleJson = ShiftDates(p.BundleJson, shiftDays) })];
    }

    /// <summary>Moves every FHIR date and dateTime (values starting YYYY-MM-DD) by <paramref name="days"/>.</summary>
    public static string ShiftDates(string json, int days)
    {
        var root = JsonNode.Parse(json) ?? throw new InvalidOperationException("a demo bundle is empty");
        Shift(root, days);
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    private static void Shift(JsonNode node, int days)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue value && value.TryGetValue<string>(out var text) && DatePrefix().Match(text) is { Success: true } m)
                    {
                        var date = DateOnly.ParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days);
                        obj[key] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + text[m.Length..];
                    }
                    else if (obj[key] is { } child)
                    {
                        Shift(child, days);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Shift(child, days);
                    }
                }

                break;
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"missing resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?=$|T)", RegexOptions.CultureInvariant)]
    private static partial Regex DatePrefix();
}
