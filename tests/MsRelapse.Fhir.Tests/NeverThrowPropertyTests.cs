using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using MsRelapse.Core.Pathway;
using MsRelapse.Testing;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// <see cref="FhirRecordReader.Read(string)"/> and <see cref="FhirEvaluation.Evaluate(string, DateOnly)"/> never throw:
/// the four shared example bundles, mutated at the JSON level (members deleted, nulled, retyped, swapped; arrays
/// truncated; numbers made strings and strings numbers; huge numbers, NaN-like strings, impossible dates, deep
/// nesting), always give a record or errors, and a recommendation or errors.
/// </summary>
/// <remarks>
/// The number of cases is <c>MSR_FUZZ_CASES</c> (default 300, a few seconds; run 2,000+ locally after touching the
/// reader: <c>MSR_FUZZ_CASES=2000 dotnet test tests/MsRelapse.Fhir.Tests --filter NeverThrow</c>). A failure prints
/// the example, the mutation program (shrunk by FsCheck) and the mutated JSON.
/// </remarks>
public sealed class NeverThrowPropertyTests
{
    private static readonly JsonNode[] Examples = [.. SharedExamples.Names.Select(n => JsonNode.Parse(SharedExamples.Load(n))!)];

    private static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("MSR_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 300;

    [Fact]
    public void Mutated_example_bundles_never_make_the_reader_or_the_evaluation_throw()
    {
        // A mutation program: triples (which node, which mutation, a parameter), applied in turn.
        var program = ArbMap.Default.GeneratorFor<int>().ListOf().Select(l => l.ToArray());
        var property = Prop.ForAll(
            Gen.Choose(0, Examples.Length - 1).ToArbitrary(),
            program.ToArbitrary(),
            (example, ops) => Holds(example, ops));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property);
    }

    [Theory]
    [InlineData("""{"resourceType":"Bundle","entry":null}""")]
    [InlineData("""{"resourceType":"Bundle","entry":{}}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[null]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p1"},"fullUrl":5}]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":[{"resourceType":"Patient","id":"p1"}]}]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":[1]}}]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Encounter","id":"e","subject":{"reference":17}}}]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","id":"o","subject":{"reference":["Patient/p1"]},"code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":"heavy"}}}]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","id":"o","code":{"coding":[{"system":"http://snomed.info/sct","code":"273554001"}]},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":1e999}}}]}""")]
    [InlineData("""{"resourceType":"Bundle","resourceType":"Patient"}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[],"entry":{}}""")]
    public void Bundles_that_once_made_the_reader_throw_now_give_an_answer(string json)
    {
        Assert.True(Holds(json), json);
    }

    [Fact]
    public void An_entry_that_is_not_a_list_is_an_error_not_an_empty_record()
    {
        var error = Assert.Single(FhirRecordReader.Read("""{"resourceType":"Bundle","entry":{}}""").Errors);
        Assert.Equal("fhir-invalid-value", error.Code);
        Assert.Equal("Bundle.entry", error.Source?.Path);
    }

    [Fact]
    public void A_null_entry_list_or_a_null_entry_reads_as_no_entry()
    {
        // No entry at all: no Patient, refused (not "observe").
        var outcome = FhirEvaluation.Evaluate("""{"resourceType":"Bundle","entry":null}""", SharedExamples.AsOf);
        Assert.Null(outcome.Recommendation);
        Assert.Equal("no-patient", Assert.Single(outcome.Errors).Code);
        Assert.True(FhirRecordReader.Read("""{"resourceType":"Bundle","entry":[null,{"resource":{"resourceType":"Patient","id":"p1"}}]}""").IsValid);
    }

    private static bool Holds(int example, int[] ops)
    {
        var json = Mutate(Examples[example].DeepClone(), ops)?.ToJsonString() ?? "null";
        try
        {
            return Holds(json);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"example {SharedExamples.Names[example]}, program [{string.Join(',', ops)}] threw on:\n{json}", ex);
        }
    }

    /// <summary>The property: an answer (a record or errors; a recommendation or errors), never an exception.</summary>
    private static bool Holds(string json)
    {
        var read = FhirRecordReader.Read(json);
        if (read.Record is null && read.Errors.Count == 0)
        {
            return false;
        }

        var outcome = FhirEvaluation.Evaluate(json, SharedExamples.AsOf);
        return outcome.Recommendation is not null || outcome.Errors.Count > 0;
    }

    // ---- the mutations ---------------------------------------------------------------------------------------------

    private static readonly string[] Strange =
    [
        "", " ", "NaN", "-NaN", "Infinity", "-Infinity", "1e999", "-0", "0x10", "１２", "2026-02-30", "2026-13-01T25:61:00Z",
        "0000-01-01", "9999-12-31T23:59:59+14:00", "yesterday", "Patient/", "urn:uuid:", "#", "\u0000", new string('9', 400),
    ];

    private static JsonNode? Mutate(JsonNode? root, int[] ops)
    {
        for (var i = 0; i < ops.Length; i += 3)
        {
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            if (nodes.Count == 0)
            {
                break;
            }

            var target = nodes[Index(ops[i], nodes.Count)];
            var op = i + 1 < ops.Length ? Index(ops[i + 1], 12) : 0;
            var payload = i + 2 < ops.Length ? ops[i + 2] : 0;
            var other = nodes[Index(payload, nodes.Count)];
            JsonNode? replacement = op switch
            {
                0 => Delete(target),
                1 => null,
                2 => Retyped(payload),
                3 => Swap(target, other),
                4 => Truncate(target, payload),
                5 => NumberStringFlip(target),
                6 => JsonNode.Parse(Index(payload, 4) switch { 0 => "1e999", 1 => "-1e308", 2 => "99999999999999999999999999999999", _ => "1.0e-400" }),
                7 => JsonValue.Create(Strange[Index(payload, Strange.Length)]),
                8 => Deep(Index(payload, 120)),
                9 => other.DeepClone(),
                10 => new JsonArray(target.DeepClone()),
                _ => new JsonObject { ["value"] = target.DeepClone(), ["unit"] = "kg" },
            };
            if (op is 0 or 3 or 4 or 5)
            {
                root = op == 5 ? Replace(root, target, replacement) : root;
                continue;
            }

            root = Replace(root, target, replacement);
        }

        return root;
    }

    private static int Index(int value, int count) => unchecked((int)((uint)value % (uint)count));

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        if (node is JsonObject o)
        {
            foreach (var (_, child) in o)
            {
                Collect(child, nodes);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                Collect(child, nodes);
            }
        }
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="target"/> is (the root when it has no parent).</summary>
    private static JsonNode? Replace(JsonNode? root, JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case null:
                return replacement;
            case JsonObject o:
                o[target.GetPropertyName()] = replacement;
                return root;
            case JsonArray a:
                a[target.GetElementIndex()] = replacement;
                return root;
            default:
                return root;
        }
    }

    private static JsonNode? Delete(JsonNode target)
    {
        switch (target.Parent)
        {
            case JsonObject o:
                o.Remove(target.GetPropertyName());
                break;
            case JsonArray a:
                a.RemoveAt(target.GetElementIndex());
                break;
            default:
                break;
        }

        return null;
    }

    private static JsonNode? Retyped(int payload) => Index(payload, 6) switch
    {
        0 => JsonValue.Create("x"),
        1 => JsonValue.Create(payload),
        2 => JsonValue.Create(payload % 2 == 0),
        3 => new JsonObject(),
        4 => new JsonArray(),
        _ => new JsonArray(JsonValue.Create(1), JsonValue.Create("a"), null),
    };

    /// <summary>Exchanges the values of two members (unless one contains the other).</summary>
    private static JsonNode? Swap(JsonNode a, JsonNode b)
    {
        if (ReferenceEquals(a, b) || a.Parent is null || b.Parent is null || Contains(a, b) || Contains(b, a))
        {
            return null;
        }

        var copyA = a.DeepClone();
        var copyB = b.DeepClone();
        Replace(null, a, copyB);
        Replace(null, b, copyA);
        return null;
    }

    private static bool Contains(JsonNode outer, JsonNode inner)
    {
        for (var n = inner.Parent; n is not null; n = n.Parent)
        {
            if (ReferenceEquals(n, outer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Cuts the nearest array (the node itself or an ancestor) to a shorter length.</summary>
    private static JsonNode? Truncate(JsonNode target, int payload)
    {
        for (JsonNode? n = target; n is not null; n = n.Parent)
        {
            if (n is JsonArray a && a.Count > 0)
            {
                var keep = Index(payload, a.Count);
                while (a.Count > keep)
                {
                    a.RemoveAt(a.Count - 1);
                }

                break;
            }
        }

        return null;
    }

    /// <summary>A number becomes its text; a string that reads as a number becomes that number; anything else "1".</summary>
    private static JsonNode NumberStringFlip(JsonNode target)
    {
        if (target is JsonValue v && v.TryGetValue<double>(out var d))
        {
            return JsonValue.Create(d.ToString("R", CultureInfo.InvariantCulture));
        }

        if (target is JsonValue s && s.TryGetValue<string>(out var text) &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
        {
            return JsonValue.Create(parsed);
        }

        return JsonValue.Create("1");
    }

    /// <summary>Arrays and objects nested <paramref name="depth"/> deep (past 64 the JSON reader's limit is hit).</summary>
    private static JsonNode Deep(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["a"] = node };
        }

        return node;
    }
}
