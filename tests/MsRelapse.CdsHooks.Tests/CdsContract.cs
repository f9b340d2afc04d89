using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// The checks a CDS Hooks 2.0 conformance kit runs on a service's answers: required members and their types,
/// indicator and action vocabularies, summary length, <c>source.label</c>, suggestion uuids, action resources
/// (parsed by Firely's strict parser), links, no <c>null</c> anywhere, Markdown without HTML.
/// </summary>
internal static partial class CdsContract
{
    public static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    public static void AssertResponse(JsonNode response)
    {
        AssertNoNull(response, "$");
        var cards = Assert.IsType<JsonArray>(response["cards"]);
        var uuids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var card in cards)
        {
            AssertCard(card!, uuids);
        }
    }

    public static void AssertCard(JsonNode card, HashSet<string> uuids)
    {
        var uuid = Uuid(card["uuid"]);
        Assert.True(uuids.Add(uuid), $"card uuid {uuid} repeated");
        var summary = (string)card["summary"]!;
        Assert.False(string.IsNullOrWhiteSpace(summary));
        Assert.True(summary.Length < 140, $"summary has {summary.Length} characters: {summary}");
        Assert.Contains((string)card["indicator"]!, new[] { "info", "warning", "critical" });
        var source = card["source"]!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)source["label"]));
        Assert.Matches(@"knowledge base \d{4}\.\d+", (string)source["label"]!);
        if (card["detail"] is { } detail)
        {
            Assert.DoesNotMatch(HtmlTag(), (string)detail!);
        }

        if (card["suggestions"] is JsonArray suggestions)
        {
            Assert.NotEmpty(suggestions);
            Assert.Contains((string)card["selectionBehavior"]!, new[] { "at-most-one", "any" });
            foreach (var suggestion in suggestions)
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)suggestion!["label"]));
                Assert.True(uuids.Add(Uuid(suggestion["uuid"])), "suggestion uuid repeated");
                if (suggestion["isRecommended"] is { } rec)
                {
                    Assert.True(rec.GetValueKind() == System.Text.Json.JsonValueKind.True || rec.GetValueKind() == System.Text.Json.JsonValueKind.False);
                }

                foreach (var action in suggestion["actions"]!.AsArray())
                {
                    AssertAction(action!);
                }
            }
        }
        else
        {
            Assert.Null(card["selectionBehavior"]);
        }

        foreach (var reason in card["overrideReasons"]?.AsArray() ?? [])
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)reason!["code"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)reason["system"]));
        }

        foreach (var link in card["links"]?.AsArray() ?? [])
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)link!["label"]));
            Assert.True(Uri.TryCreate((string?)link["url"], UriKind.Absolute, out _));
            Assert.Contains((string)link["type"]!, new[] { "absolute", "smart" });
        }
    }

    /// <summary>The card's suggestion deletes the draft <paramref name="draftReference"/> and creates one MedicationRequest proposal: returned.</summary>
    public static MedicationRequest AssertReplacesDraft(JsonNode card, string draftReference)
    {
        var actions = card["suggestions"]![0]!["actions"]!.AsArray();
        Assert.Equal(["delete", "create"], actions.Select(a => (string)a!["type"]!));
        Assert.Equal(draftReference, (string?)actions[0]!["resourceId"]![0]);
        return Assert.IsType<MedicationRequest>(AssertAction(actions[1]!));
    }

    public static Resource AssertAction(JsonNode action)
    {
        var type = (string)action["type"]!;
        Assert.Contains(type, new[] { "create", "update", "delete" });
        Assert.False(string.IsNullOrWhiteSpace((string?)action["description"]));
        if (type == "delete")
        {
            var ids = action["resourceId"]!.AsArray();
            Assert.NotEmpty(ids);
            Assert.All(ids, i => Assert.Matches("^[A-Za-z]+/[A-Za-z0-9.-]+$", (string)i!));
            return null!;
        }

        var resource = action["resource"]!;
        Assert.NotNull(resource["resourceType"]);
        // Strict: throws on any unknown member, bad value or cardinality problem.
        return Strict.DeserializeResource(resource.ToJsonString());
    }

    public static string Uuid(JsonNode? node)
    {
        var text = (string)node!;
        Assert.True(Guid.TryParseExact(text, "D", out _), $"not a uuid: {text}");
        return text;
    }

    /// <summary>Optional members are omitted, never null.</summary>
    public static void AssertNoNull(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                Assert.Fail($"null at {path}");
                break;
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    AssertNoNull(v, $"{path}.{k}");
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    AssertNoNull(a[i], $"{path}[{i}]");
                }

                break;
        }
    }

    /// <summary>An HTML tag or entity not escaped with a backslash.</summary>
    [GeneratedRegex(@"(?<!\\)<[A-Za-z/!]|(?<!\\)&[a-zA-Z#][a-zA-Z0-9]*;")]
    private static partial Regex HtmlTag();
}
