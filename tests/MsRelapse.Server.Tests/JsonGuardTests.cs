using System.Text;
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
