using System.Text.Json.Nodes;
using MsRelapse.Testing;
using NJsonSchema;

namespace MsRelapse.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams.</summary>
internal static class CliRunner
{
    public static CliRun Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader(string.Empty);
        var exit = Program.Run(args, stdout, stderr, stdin);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What one run produced.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public JsonObject Json => JsonNode.Parse(Out)!.AsObject();

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The shared contract schema (calculators.schema.json), one definition at a time.</summary>
internal static class CalculatorSchema
{
    private static readonly Lazy<JsonObject> Document = new(() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.SharedFile("contract", "calculators.schema.json")))!.AsObject());

    /// <summary>The errors of <paramref name="json"/> against <c>$defs/{definition}</c> (empty when valid).</summary>
    public static async Task<IReadOnlyList<string>> Validate(string definition, string json)
    {
        var def = Document.Value["$defs"]![definition]!.DeepClone().AsObject();
        def["$schema"] = "http://json-schema.org/draft-07/schema#"; // NJsonSchema reads the draft-07 keywords used here
        var schema = await JsonSchema.FromJsonAsync(def.ToJsonString());
        return [.. schema.Validate(json).Select(e => e.ToString())];
    }
}
