using System.Text.Json.Nodes;
using MsRelapse.Testing;
using NJsonSchema;

namespace MsRelapse.Cli.Tests;

/// <summary><c>msrelapse evaluate FILE|- [--as-of DATE] [--json] [--fhir]</c> as shared/contract/cli.md describes it.</summary>
public sealed class EvaluateCommandTests
{
    private static string Example(string name) => RepoPaths.SharedFile("examples", name);

    private static CliRun RunWithStdin(string stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin);
        var exit = Program.Run(args, stdout, stderr, input);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    private static CliRun Run(params string[] args) => RunWithStdin(string.Empty, args);

    /// <summary>Errors of <paramref name="json"/> against recommendation.schema.json (read as draft-07 by NJsonSchema).</summary>
    private static async Task<IReadOnlyList<string>> SchemaErrors(string json)
    {
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.SharedFile("contract", "recommendation.schema.json")))!.AsObject();
        schema["$schema"] = "http://json-schema.org/draft-07/schema#";
        var parsed = await JsonSchema.FromJsonAsync(schema.ToJsonString());
        return [.. parsed.Validate(json).Select(e => e.ToString())];
    }

    [Theory]
    [InlineData("severe-relapse-untreated.json", "relapse", "iv-methylprednisolone", "urgent")]
    [InlineData("steroid-refractory-relapse.json", "relapse", "plasma-exchange", "urgent")]
    [InlineData("pseudo-relapse-with-fever.json", "pseudo-relapse-suspected", "treat-trigger", null)]
    [InlineData("aqp4-positive-myelitis.json", "relapse", "plasma-exchange", "emergency")]
    public async Task Shared_examples_with_json_print_one_contract_document(string file, string status, string primary, string? urgency)
    {
        var run = Run("evaluate", Example(file), "--as-of", "2026-05-11", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.Empty(await SchemaErrors(run.Out));
        var json = run.Json;
        Assert.Equal("2026-05-11", (string?)json["asOf"]);
        Assert.Equal(status, (string?)json["episode"]!["status"]);
        Assert.Equal(primary, (string?)json["recommendation"]!["primary"]);
        if (urgency is not null)
        {
            Assert.Equal(urgency, (string?)json["recommendation"]!["urgency"]);
        }
    }

    /// <summary>
    /// 2026.2 "a course in progress is planned as the rest of that course": with 4 of 5 exchanges given the summary
    /// shows "session 5 of 5" and the course's own end and 28-day reassessment (not those of a new course), the
    /// schedule marks the sessions given with their kind, and the JSON (summary, courseEndsOn, lateReassessOn, kind)
    /// matches the contract.
    /// </summary>
    [Fact]
    public async Task How_the_record_was_read_is_printed_and_is_an_added_member_of_the_json()
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Example("severe-relapse-untreated.json")))!;
        bundle["entry"]!.AsArray().Add(JsonNode.Parse("""
            {"resource":{"resourceType":"MedicationStatement","id":"ms-ace","status":"active","subject":{"reference":"Patient/p1"},
              "medicationReference":{"reference":"Medication/formulary-77","display":"lisinopril 10 mg tablet"},"effectivePeriod":{"start":"2025-01-01"}}}
            """));
        var text = RunWithStdin(bundle.ToJsonString(), "evaluate", "-", "--as-of", "2026-05-11");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("HOW THE RECORD WAS READ\n  - MedicationStatement/ms-ace: its medication (Medication/formulary-77) is not in the record; read by the reference's display.",
            text.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var json = RunWithStdin(bundle.ToJsonString(), "evaluate", "-", "--as-of", "2026-05-11", "--json");
        Assert.Empty(await SchemaErrors(json.Out));
        Assert.Equal(2, json.Json["readingNotes"]!.AsArray().Count);
        Assert.Null(Run("evaluate", Example("severe-relapse-untreated.json"), "--as-of", "2026-05-11", "--json").Json["readingNotes"]);
    }

    [Fact]
    public async Task Course_in_progress_is_summarised_as_the_rest_of_that_course()
    {
        var asOf = new DateOnly(2026, 5, 11);
        var bundle = new PatientBundle(asOf).Female(40).Ms()
            .Edss(asOf.AddDays(-200), 2.0).Weight(asOf.AddDays(-3), 70).Height(asOf.AddDays(-3), 168).Hematocrit(asOf.AddDays(-3), 40)
            .Relapse(asOf.AddDays(-30)).Edss(asOf.AddDays(-29), 4.5).IvMethylprednisolone(asOf.AddDays(-28)).Edss(asOf.AddDays(-15), 4.5)
            .PlasmaExchangeSessions(asOf.AddDays(-7), asOf.AddDays(-5), asOf.AddDays(-3), asOf.AddDays(-1)).ToJson();
        var text = RunWithStdin(bundle, "evaluate", "-", "--as-of", "2026-05-11");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("every other day: session 5 of 5 on 2026-05-12", text.Out, StringComparison.Ordinal);
        Assert.Contains("course ends 2026-05-12; reassess EDSS then and on 2026-06-09 (late responders)", text.Out, StringComparison.Ordinal);
        Assert.Contains("1: 2026-05-04 (given, plasma exchange)", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("from 2026-05-04", text.Out, StringComparison.Ordinal);

        var json = RunWithStdin(bundle, "evaluate", "-", "--as-of", "2026-05-11", "--json");
        Assert.Empty(await SchemaErrors(json.Out));
        var plan = json.Json["plan"]!["plasmaExchange"]!;
        Assert.Equal("2026-05-12", (string?)plan["courseEndsOn"]);
        Assert.Equal("plasma-exchange", (string?)plan["schedule"]![0]!["kind"]);
    }

    [Fact]
    public void Dash_reads_the_bundle_from_standard_input()
    {
        var bundle = File.ReadAllText(Example("steroid-refractory-relapse.json"));
        var fromStdin = RunWithStdin(bundle, "evaluate", "-", "--as-of", "2026-05-11", "--json");
        var fromFile = Run("evaluate", Example("steroid-refractory-relapse.json"), "--as-of", "2026-05-11", "--json");

        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Out, fromStdin.Out); // same input, same bytes
    }

    [Fact]
    public void Without_flags_prints_a_clinician_summary_without_escape_codes()
    {
        var run = Run("evaluate", Example("steroid-refractory-relapse.json"), "--as-of", "2026-05-11");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Error);
        Assert.DoesNotContain("\u001b[", run.Out, StringComparison.Ordinal);
        Assert.Contains("DO NOW: Plasma exchange", run.Out, StringComparison.Ordinal);
        Assert.Contains("Treatment: Steroids given; steroid response Inadequate", run.Out, StringComparison.Ordinal);
        Assert.Contains("baseline 2.5 · nadir 6.0", run.Out, StringComparison.Ordinal);
        Assert.Contains("2026-05-13", run.Out, StringComparison.Ordinal); // first exchange, ramipril held ≥ 24 h
        // Clinician words, not machine codes: the codes stay in --json.
        foreach (var code in new[] { "plasma-exchange", "steroids-given", "tpe-caution-ace-inhibitor", "iv-methylprednisolone" })
        {
            Assert.DoesNotContain(code, run.Out, StringComparison.Ordinal);
        }
        Assert.Contains("R6.4", run.Out, StringComparison.Ordinal);
    }

    // The apheresis response factors with their direction and published effect, as the FHIR note words them (F3):
    // "age: 44 years, favours continuous" alone told the clinician nothing, and "favours Unknown" read as a value.
    [Fact]
    public void Response_factors_are_printed_with_their_direction_and_published_effect()
    {
        var run = Run("evaluate", Example("steroid-refractory-relapse.json"), "--as-of", "2026-05-11");
        Assert.Equal(0, run.ExitCode);
        var block = run.Out[run.Out.IndexOf("APHERESIS RESPONSE FACTORS", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("\n\n", StringComparison.Ordinal)];
        var recommendation = MsRelapse.Fhir.FhirEvaluation.Evaluate(File.ReadAllText(Example("steroid-refractory-relapse.json")), new DateOnly(2026, 5, 11)).Recommendation!;
        Assert.Equal(7, recommendation.ApheresisResponseFactors.Length);
        Assert.All(recommendation.ApheresisResponseFactors, f => Assert.Contains(MsRelapse.Core.Pathway.ResponseFactorWords.Line(f), block, StringComparison.Ordinal));
        Assert.Contains("— graded effect, no validated cut-off; effect: younger is better: odds of response × 0.5 per 5 years older", block, StringComparison.Ordinal);
        Assert.DoesNotContain("favours Unknown", block, StringComparison.Ordinal);
        Assert.DoesNotContain("favours continuous", block, StringComparison.Ordinal);
        Assert.DoesNotContain("more likely to respond", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Fhir_flag_prints_a_FHIR_Bundle_with_a_RequestGroup()
    {
        var run = Run("evaluate", Example("severe-relapse-untreated.json"), "--as-of", "2026-05-11", "--fhir");

        Assert.Equal(0, run.ExitCode);
        var json = run.Json;
        Assert.Equal("Bundle", (string?)json["resourceType"]);
        Assert.Contains(json["entry"]!.AsArray(), e => (string?)e!["resource"]!["resourceType"] == "RequestGroup");
        Assert.Contains(json["entry"]!.AsArray(), e => (string?)e!["resource"]!["resourceType"] == "MedicationRequest");
    }

    [Theory]
    [InlineData("{ \"resourceType\": \"Bundle\", ", "fhir-parse-error")]
    [InlineData("""{"resourceType":"Patient","id":"p1"}""", "not-a-bundle")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"a"}},{"resource":{"resourceType":"Patient","id":"b"}}]}""", "multiple-patients")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/a"}}}]}""", "no-patient")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[]}""", "no-patient")]
    public void Bad_bundles_exit_2_with_one_line_on_stderr_and_nothing_on_stdout(string stdin, string code)
    {
        var run = RunWithStdin(stdin, "evaluate", "-", "--as-of", "2026-05-11", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(code, line, StringComparison.Ordinal);
    }

    [Fact]
    public void R0_errors_name_the_resource_on_one_line_and_count_the_rest()
    {
        // Two impossible values measured yesterday: weight 900 kg (2–400) and height 400 cm (40–250).
        var bundle = """
            {"resourceType":"Bundle","type":"collection","entry":[
             {"resource":{"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1980-01-01"}},
             {"resource":{"resourceType":"Observation","id":"w9","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-10","valueQuantity":{"value":900,"system":"http://unitsofmeasure.org","code":"kg"}}},
             {"resource":{"resourceType":"Observation","id":"h9","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-10","valueQuantity":{"value":400,"system":"http://unitsofmeasure.org","code":"cm"}}}]}
            """;
        var run = RunWithStdin(bundle, "evaluate", "-", "--as-of", "2026-05-11");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains("Observation/", line, StringComparison.Ordinal);
        Assert.Contains("(+1 more)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("11/05/2026")]
    [InlineData("yesterday")]
    public void Bad_as_of_exits_2_with_the_expected_format(string asOf)
    {
        var run = Run("evaluate", Example("severe-relapse-untreated.json"), "--as-of", asOf);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Contains("YYYY-MM-DD", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_file_exits_2_naming_the_file()
    {
        var run = Run("evaluate", "/nonexistent/bundle.json", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Contains("/nonexistent/bundle.json", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_and_fhir_together_are_a_usage_error()
    {
        var run = Run("evaluate", Example("severe-relapse-untreated.json"), "--json", "--fhir");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Single(run.ErrorLines);
    }

    [Fact]
    public void A_file_that_is_not_UTF8_is_refused_and_one_with_a_byte_order_mark_is_read()
    {
        // Latin-1 "femále": read as UTF-8 with replacement characters it gave "Patient: 31 y, Unknown" and exit 0.
        var json = File.ReadAllText(Example("severe-relapse-untreated.json"));
        Assert.Contains("\"gender\": \"female\"", json, StringComparison.Ordinal);
        var latin1 = Path.GetTempFileName();
        var bom = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(latin1, System.Text.Encoding.Latin1.GetBytes(json.Replace("\"gender\": \"female\"", "\"gender\": \"femále\"", StringComparison.Ordinal)));
            var refused = CliRunner.Run("evaluate", latin1, "--as-of", "2026-05-11");
            Assert.Equal(2, refused.ExitCode);
            Assert.Empty(refused.Out);
            Assert.StartsWith($"msrelapse: '{latin1}' is not UTF-8 text (an invalid byte near offset ", Assert.Single(refused.ErrorLines), StringComparison.Ordinal);

            File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(json)]);
            var read = CliRunner.Run("evaluate", bom, "--as-of", "2026-05-11", "--json");
            Assert.Equal(0, read.ExitCode);
            Assert.Equal(CliRunner.Run("evaluate", Example("severe-relapse-untreated.json"), "--as-of", "2026-05-11", "--json").Out, read.Out);
        }
        finally
        {
            File.Delete(latin1);
            File.Delete(bom);
        }
    }

    [Theory]
    [InlineData("2026-05-09", "Onset:     2026-05-09 (today)")]
    [InlineData("2026-05-10", "Onset:     2026-05-09 (1 day ago)")]
    [InlineData("2026-05-11", "Onset:     2026-05-09 (2 days ago)")]
    public void The_onset_line_says_today_and_one_day_in_words(string asOf, string line)
    {
        var run = CliRunner.Run("evaluate", Example("severe-relapse-untreated.json"), "--as-of", asOf);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(line, run.Out, StringComparison.Ordinal);
    }
}
