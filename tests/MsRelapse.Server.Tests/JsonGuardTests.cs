using System.Text;
using System.Text.Json;
using MsRelapse.Server.Infrastructure;
using Xunit;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The guard every JSON body passes before a reader sees it: keys that JSON readers would resolve differently (a
/// weight of 8 kg for System.Text.Json, 82 kg for JavaScript) and strings no store can keep. The endpoints' answers
/// are in <see cref="SecurityProbeTests"/>; these pin the guard's own reading, its paths and its large-object set.
/// </summary>
public sealed class JsonGuardTests
{
    private static JsonGuard.Finding? Check(string json) => JsonGuard.Check(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_weight_given_twice_in_one_quantity_is_refused_with_the_path_to_it()
    {
        var finding = Check("""{"resourceType":"Observation","valueQuantity":{"value":8,"unit":"kg","value":82}}""");

        Assert.NotNull(finding);
        Assert.Equal("duplicate-key", finding.Code);
        Assert.Equal("$.valueQuantity.value", finding.Path);
        Assert.Contains("\"value\"", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_key_in_sibling_objects_and_array_items_is_each_object_s_own()
    {
        var bundle = """
            {"resourceType":"Bundle","entry":[
              {"resource":{"resourceType":"Observation","valueQuantity":{"value":82,"unit":"kg"}}},
              {"resource":{"resourceType":"Observation","valueQuantity":{"value":83,"unit":"kg"}}}],
             "type":"collection"}
            """;

        Assert.Null(Check(bundle));
    }

    [Fact]
    public void A_key_written_with_an_escape_is_the_same_key()
    {
        var finding = Check("""{"a":{"value":8,"\u0076alue":82}}""");

        Assert.NotNull(finding);
        Assert.Equal("$.a.value", finding.Path);
    }

    [Fact]
    public void A_duplicate_after_a_nested_object_closed_is_still_found_in_its_parent()
    {
        var finding = Check("""{"entry":[{"resource":{"code":{"text":"x"},"value":1,"code":2}}]}""");

        Assert.NotNull(finding);
        Assert.Equal("$.entry[].resource.code", finding.Path);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(25)]
    [InlineData(400)]
    public void Objects_with_many_keys_find_a_duplicate_at_either_end(int keyCount)
    {
        var keys = Enumerable.Range(0, keyCount).Select(i => $"\"k{i}\":{i}").ToList();
        Assert.Null(Check("{" + string.Join(',', keys) + "}"));

        Assert.Equal("$.k0", Check("{" + string.Join(',', keys) + ",\"k0\":-1}")?.Path);
        Assert.Equal($"$.k{keyCount - 1}", Check("{" + string.Join(',', keys) + $",\"k{keyCount - 1}\":-1}}")?.Path);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_name_is_refused_as_invalid_string_with_its_object_s_path()
    {
        var finding = Check("""{"resourceType":"Patient","name":[{"family":"Kel\ud800ler"}]}""");

        Assert.NotNull(finding);
        Assert.Equal("invalid-string", finding.Code);
        Assert.Equal("$.name[]", finding.Path);
    }

    [Fact]
    public void A_surrogate_pair_written_as_escapes_is_text()
        => Assert.Null(Check("""{"family":"\ud83d\ude00"}"""));

    [Fact]
    public void What_is_not_JSON_is_left_to_the_reader_to_name()
        => Assert.Null(Check("""{"a":1"""));
}

/// <summary>
/// <see cref="JsonGuard.Parse"/> (one pass when the body has no backslash) against the guard's scan followed by a
/// parse: the same finding, and a document exactly when the body passes both — over the cases above and random
/// bodies whose keys repeat, some written with escapes, some only byte for byte.
/// </summary>
public sealed class JsonGuardParseTests
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128 };

    public static TheoryData<string> Bodies()
    {
        var data = new TheoryData<string>
        {
            """{"resourceType":"Observation","valueQuantity":{"value":8,"unit":"kg","value":82}}""",
            """{"a":{"value":8,"\u0076alue":82}}""",
            """{"entry":[{"resource":{"code":{"text":"x"},"value":1,"code":2}}]}""",
            """{"resourceType":"Patient","name":[{"family":"Kel\ud800ler"}]}""",
            """{"family":"\ud83d\ude00"}""",
            """{"a":1""",
            """{"a":"x\/y","a\/":1,"a/":2}""",
            """{"a":"say \"hi\"","b":{"c":[{"d":1},{"d":1,"e":{"d":2,"d":3}}]}}""",
            "[" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "]",
            "[" + string.Concat(Enumerable.Repeat("{\"k\":", 150)) + "{\"k\":1,\"k\":2}" + string.Concat(Enumerable.Repeat("}", 150)) + "]",
        };

        foreach (var body in RandomBodies())
        {
            data.Add(body);
        }

        return data;
    }

    /// <summary>400 distinct random bodies (seeded).</summary>
    private static IEnumerable<string> RandomBodies()
    {
        var random = new Random(20261206);
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        while (bodies.Count < 400)
        {
            bodies.Add(RandomBody(random, depth: 0));
        }

        return bodies;
    }

    [Fact]
    public void The_random_bodies_hold_repeated_keys_both_with_and_without_a_backslash()
    {
        var withoutEscapes = RandomBodies().Where(b => !b.Contains('\\', StringComparison.Ordinal)).ToList();
        Assert.True(withoutEscapes.Count(b => JsonGuard.Check(Encoding.UTF8.GetBytes(b)) is { Code: "duplicate-key" }) >= 50);
        Assert.True(RandomBodies().Except(withoutEscapes).Count(b => JsonGuard.Check(Encoding.UTF8.GetBytes(b)) is not null) >= 50);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Parse_refuses_what_the_guard_or_the_parser_refuses_and_names_it_as_the_guard_does(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var expected = JsonGuard.Check(utf8);
        bool parses;
        try
        {
            using var _ = JsonDocument.Parse(utf8, Options);
            parses = true;
        }
        catch (JsonException)
        {
            parses = false;
        }

        using var document = JsonGuard.Parse(utf8, Options, out var finding);

        Assert.Equal(expected, finding);
        Assert.Equal(expected is null && parses, document is not null);
    }

    /// <summary>An object of a few keys from a small set (so they repeat), some escaped, values nested or not.</summary>
    private static string RandomBody(Random random, int depth)
    {
        string[] keys = ["a", "b", "value", "code", "\\u0061", "v\\u0061lue", "a\\/b", "a/b"];
        string[] leaves = ["1", "8.5", "\"kg\"", "null", "true", "\"x\\\"y\"", "\"\\ud800\"", "[]", "{}"];
        var count = random.Next(0, 5);
        var members = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            // Escapes are rarer than plain keys, as in real bodies: most bodies take the one-pass path.
            var key = keys[random.Next(random.NextDouble() < 0.8 ? 4 : keys.Length)];
            var value = depth < 4 && random.NextDouble() < 0.4
                ? (random.NextDouble() < 0.5 ? RandomBody(random, depth + 1) : "[" + RandomBody(random, depth + 1) + "," + RandomBody(random, depth + 1) + "]")
                : leaves[random.Next(random.NextDouble() < 0.9 ? 5 : leaves.Length)];
            members.Add($"\"{key}\":{value}");
        }

        return "{" + string.Join(',', members) + "}";
    }
}
