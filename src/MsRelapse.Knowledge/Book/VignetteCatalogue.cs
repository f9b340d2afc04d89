using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MsRelapse.Knowledge.Book;

/// <summary>One vignette evaluation: the vignette's name (test class and method), its theory row, the evaluation date and the FHIR Bundle it evaluates.</summary>
/// <param name="Vignette">Test class and method, e.g. <c>R5FirstLineVignettes.Moderate_relapse_gets_…</c>.</param>
/// <param name="Row">The theory row's arguments (empty for a fact).</param>
/// <param name="AsOf">Evaluation date.</param>
/// <param name="BundleJson">The input record (FHIR R4 Bundle JSON).</param>
public sealed record VignetteCase(string Vignette, string Row, DateOnly AsOf, string BundleJson);

/// <summary>
/// The inputs of every clinical vignette (tests/MsRelapse.Vignettes.Tests), as data: one JSON line per evaluation,
/// embedded in this assembly (<c>Book/vignettes.ndjson</c>). The file is written by the knowledge tests from a run
/// of the vignettes, and a test fails whenever it differs from what the vignettes evaluate now, so it cannot fall
/// behind them; the book evaluates every input with the engine when it is rendered, so the outputs it shows are the
/// engine's, never a stored copy.
/// </summary>
public static class VignetteCatalogue
{
    /// <summary>Name of the embedded resource.</summary>
    public const string ResourceName = "MsRelapse.Knowledge.vignettes.ndjson";

    private static readonly Lazy<IReadOnlyList<VignetteCase>> Loaded = new(Load);

    /// <summary>Every vignette evaluation, in the order the vignettes run.</summary>
    public static IReadOnlyList<VignetteCase> All => Loaded.Value;

    /// <summary>The catalogue as NDJSON text (the embedded file's format).</summary>
    public static string Write(IEnumerable<VignetteCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var text = new StringBuilder();
        foreach (var c in cases)
        {
            var line = new JsonObject
            {
                ["vignette"] = c.Vignette,
                ["row"] = c.Row,
                ["asOf"] = c.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["bundle"] = JsonNode.Parse(c.BundleJson),
            };
            text.Append(line.ToJsonString()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Parses NDJSON text as written by <see cref="Write"/>.</summary>
    public static IReadOnlyList<VignetteCase> Parse(string ndjson)
    {
        ArgumentNullException.ThrowIfNull(ndjson);
        var list = new List<VignetteCase>();
        foreach (var line in ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var node = JsonNode.Parse(line)!.AsObject();
            list.Add(new VignetteCase(
                node["vignette"]!.GetValue<string>(),
                node["row"]!.GetValue<string>(),
                DateOnly.ParseExact(node["asOf"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                node["bundle"]!.ToJsonString()));
        }

        return list;
    }

    private static IReadOnlyList<VignetteCase> Load()
    {
        using var stream = typeof(VignetteCatalogue).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return [];
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }
}
