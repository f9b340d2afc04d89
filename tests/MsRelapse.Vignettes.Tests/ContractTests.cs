using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using NJsonSchema;

namespace MsRelapse.Vignettes.Tests;

/// <summary>
/// Checks across the whole suite: every vignette output validates against the contract schema, and together the
/// outputs cite every top-level rule R0–R9 and every evidence id of clinical.md, and use every flag, action,
/// status and urgency of the schema. The outputs are those of <see cref="VignetteRuns"/> (every vignette, run once).
/// </summary>
public sealed partial class ContractTests
{
    private static readonly Lazy<IReadOnlyList<(string Vignette, JsonObject Output)>> Outputs =
        new(() => [.. VignetteRuns.All.Select(v => (v.Vignette, v.Run.Output))]);

    [Fact]
    public void The_suite_has_at_least_sixty_vignettes_with_outputs()
    {
        var vignettes = Outputs.Value.Select(o => o.Vignette).Distinct(StringComparer.Ordinal).Count();
        Assert.True(vignettes >= 60, $"only {vignettes} vignettes produced a recommendation");
    }

    [Fact]
    public async Task Every_vignette_output_validates_against_the_recommendation_schema()
    {
        var schema = await JsonSchema.FromFileAsync(RepoPaths.SharedFile("contract", "recommendation.schema.json"));
        var failures = new List<string>();
        foreach (var (vignette, output) in Outputs.Value)
        {
            var errors = schema.Validate(output.ToJsonString());
            if (errors.Count > 0)
            {
                failures.Add($"{vignette}: {string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}"))}");
            }
        }

        Assert.NotEmpty(Outputs.Value);
        Assert.True(failures.Count == 0, "schema violations:\n" + string.Join("\n", failures.Distinct(StringComparer.Ordinal)));
    }

    // A validator that accepts anything would make the schema test vacuous: a broken output must be rejected.
    [Fact]
    public async Task Schema_validator_rejects_an_output_that_breaks_the_contract()
    {
        var schema = await JsonSchema.FromFileAsync(RepoPaths.SharedFile("contract", "recommendation.schema.json"));
        var output = Outputs.Value.First().Output.DeepClone().AsObject();
        output["episode"]!["status"] = "maybe-a-relapse";
        output["recommendation"]!["primary"] = "homeopathy";
        Assert.NotEmpty(schema.Validate(output.ToJsonString()));
    }

    [Fact]
    public void Every_top_level_rule_is_cited_by_some_vignette()
    {
        var cited = Outputs.Value.SelectMany(o => o.Output.RuleIds()).Select(id => id.Split('.')[0]).ToHashSet(StringComparer.Ordinal);
        var missing = Enumerable.Range(0, 10).Select(i => "R" + i.ToString(CultureInfo.InvariantCulture)).Where(id => !cited.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "rules never cited: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_evidence_id_of_the_specification_is_cited_by_some_vignette()
    {
        var specification = File.ReadAllText(RepoPaths.SharedFile("clinical.md"));
        var ids = EvidenceRow().Matches(specification).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.True(ids.Count >= 25, $"expected the evidence table of clinical.md, found {ids.Count} ids");
        var cited = Outputs.Value.SelectMany(o => o.Output.EvidenceIds()).ToHashSet(StringComparer.Ordinal);
        var missing = ids.Where(id => !cited.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "evidence never cited: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_flag_action_status_and_urgency_of_the_schema_appears_in_some_vignette()
    {
        var schema = JsonNode.Parse(File.ReadAllText(RepoPaths.SharedFile("contract", "recommendation.schema.json")))!;
        static IEnumerable<string> Enum(JsonNode? node) => (node?["enum"] as JsonArray ?? []).Select(n => n!.GetValue<string>());
        var outputs = Outputs.Value.Select(o => o.Output).ToList();
        var missing = new List<string>();
        void Check(string kind, IEnumerable<string> expected, IEnumerable<string> seen)
        {
            var seenSet = seen.ToHashSet(StringComparer.Ordinal);
            missing.AddRange(expected.Where(e => !seenSet.Contains(e)).Select(e => $"{kind} {e}"));
        }

        Check("flag", Enum(schema["$defs"]?["flagCode"]), outputs.SelectMany(o => o.Flags().Select(f => f.Code)));
        Check("action", Enum(schema["$defs"]?["action"]), outputs.SelectMany(o => o.Offered().Concat(o.NotRecommended())));
        Check("status", Enum(schema["properties"]?["episode"]?["properties"]?["status"]), outputs.Select(o => o.Status()).OfType<string>());
        Check("urgency", Enum(schema["properties"]?["recommendation"]?["properties"]?["urgency"]), outputs.Select(o => o.Urgency()).OfType<string>());
        Check("treatmentStage", Enum(schema["properties"]?["episode"]?["properties"]?["treatmentStage"]), outputs.Select(o => o.Stage()).OfType<string>());
        Assert.True(missing.Count == 0, "never produced by any vignette: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"^\|\s*(E-[A-Z0-9-]+)\s*\|", RegexOptions.Multiline)]
    private static partial Regex EvidenceRow();
}
