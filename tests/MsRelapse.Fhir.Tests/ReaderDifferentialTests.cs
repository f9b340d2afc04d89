using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// The UTF-8 reader (<see cref="Utf8RecordReader"/>) and the Firely reader give the same <c>PatientRecord</c> or the
/// same errors: on the shared examples, the demo patients, the Synthea sample, and thousands of mutated bundles (the
/// mutations of <see cref="NeverThrowPropertyTests"/>). Every bundle the Reader*Tests read with <c>ReadValid</c> is
/// checked too. The number of mutated cases is <c>MSR_DIFF_CASES</c> (default 2,000).
/// </summary>
public sealed class ReaderDifferentialTests
{
    private static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("MSR_DIFF_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 2000;

    public static TheoryData<string> Examples => [.. SharedExamples.Names];

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_shared_examples_read_the_same_and_as_lines_the_same_as_their_bundle(string name)
    {
        var json = SharedExamples.Load(name);
        var rendering = ReaderDifferential.AssertSame(json, name);
        Assert.DoesNotContain("(no record)", rendering, StringComparison.Ordinal);
        Assert.Equal(rendering, ReaderDifferential.Render(Utf8RecordReader.ReadResources(SharedData.ResourceLines(json))));
    }

    [Fact]
    public void The_demo_patients_read_the_same()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            ReaderDifferential.AssertSame(File.ReadAllText(file), Path.GetFileName(file));
        }
    }

    [Fact]
    public void Every_patient_of_the_Synthea_sample_reads_the_same()
    {
        var byPatient = SharedData.SyntheaLinesByPatient();
        Assert.Equal(13, byPatient.Count);
        foreach (var (key, lines) in byPatient)
        {
            var bundle = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + string.Join(",", lines.Select(l => "{\"resource\":" + l + "}")) + "]}";
            var rendering = ReaderDifferential.AssertSame(bundle, key);
            Assert.Equal(rendering, ReaderDifferential.Render(Utf8RecordReader.ReadResources([.. lines.Select(l => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(l))])));
        }
    }

    [Fact]
    public void Thousands_of_mutated_bundles_read_the_same()
    {
        var examples = SharedExamples.Names.Select(n => JsonNode.Parse(SharedExamples.Load(n))!).ToArray();
        var random = new Random(20260511);
        var differences = new List<string>();
        for (var i = 0; i < Cases && differences.Count < (Environment.GetEnvironmentVariable("MSR_DIFF_DUMP") is { Length: > 0 } ? 200 : 3); i++)
        {
            var ops = Enumerable.Range(0, 3 * random.Next(1, 5)).Select(_ => random.Next()).ToArray();
            var json = NeverThrowPropertyTests.Mutate(examples[i % examples.Length].DeepClone(), ops)?.ToJsonString() ?? "null";
            var (firely, utf8) = ReaderDifferential.Both(json);
            if (firely != utf8)
            {
                if (Environment.GetEnvironmentVariable("MSR_DIFF_DUMP") is { Length: > 0 } dump)
                {
                    File.WriteAllText(Path.Combine(dump, $"diff-{i}.txt"), $"--- Firely\n{firely}\n--- UTF-8\n{utf8}\n--- input\n{json}");
                }

                differences.Add($"case {i} [{string.Join(',', ops)}]:\n--- Firely\n{Head(firely)}\n--- UTF-8\n{Head(utf8)}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n\n", differences));
    }

    [Fact]
    public void Prefetched_resources_read_where_they_were_parsed_give_the_record_of_their_assembled_bundle()
    {
        // The CDS Hooks path maps the prefetch's elements as parsed with the request; before, it wrote them out as a
        // collection Bundle for the Firely reader. Examples, demo patients and mutated bundles: the same answer.
        var inputs = SharedExamples.Names.Select(SharedExamples.Load)
            .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients"), "*.json").Select(File.ReadAllText))
            .ToList();
        var examples = SharedExamples.Names.Select(n => JsonNode.Parse(SharedExamples.Load(n))!).ToArray();
        var random = new Random(20261205);
        for (var i = 0; i < Cases; i++)
        {
            var ops = Enumerable.Range(0, 3 * random.Next(1, 5)).Select(_ => random.Next()).ToArray();
            inputs.Add(NeverThrowPropertyTests.Mutate(examples[i % examples.Length].DeepClone(), ops)?.ToJsonString() ?? "null");
        }

        var compared = 0;
        var withRecord = 0;
        var differences = new List<string>();
        foreach (var (json, i) in inputs.Select((j, i) => (j, i)))
        {
            if (ReaderDifferential.BothParsed(json) is not var (firely, parsed))
            {
                continue;
            }

            compared++;
            withRecord += firely.Contains("(no record)", StringComparison.Ordinal) ? 0 : 1;
            if (firely != parsed && differences.Count < 3)
            {
                differences.Add($"input {i}:\n--- Firely on the assembled Bundle\n{Head(firely)}\n--- UTF-8 on the parsed elements\n{Head(parsed)}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n\n", differences));
        Assert.True(compared > inputs.Count / 2, $"only {compared} of {inputs.Count} inputs had an entry array");
        Assert.True(withRecord > compared / 4, $"only {withRecord} of {compared} gave a record: the comparison would say little");
    }

    /// <summary>
    /// A choice element (`valueQuantity`, `effectiveDateTime`, `onsetDateTime`, …) is found by its name as written
    /// unless the name holds an escape: with one letter of each choice name escaped, both readers give the record of the
    /// unescaped example; with the type suffix made unknown (a non-ASCII letter, or a suffix longer than any type name)
    /// both readers still agree.
    /// </summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public void Choice_elements_read_the_same_whether_their_names_are_escaped_or_their_type_unknown(string name)
    {
        var json = SharedExamples.Load(name);
        var choice = new System.Text.RegularExpressions.Regex("\"(value|effective|onset|abatement|occurrence|performed|medication|deceased|multipleBirth|asNeeded|dose|rate)([A-Z][A-Za-z]*)\"\\s*:");
        Assert.True(choice.IsMatch(json), "the example has no choice element to rewrite");
        var plain = ReaderDifferential.AssertSame(json, name);

        var escaped = choice.Replace(json, m => $"\"{m.Groups[1].Value}\\u{(int)m.Groups[2].Value[0]:x4}{m.Groups[2].Value[1..]}\":");
        Assert.NotEqual(json, escaped);
        Assert.Equal(plain, ReaderDifferential.AssertSame(escaped, name + " (escaped choice names)"));

        ReaderDifferential.AssertSame(choice.Replace(json, m => $"\"{m.Groups[1].Value}{m.Groups[2].Value}é\":"), name + " (non-ASCII type suffix)");
        ReaderDifferential.AssertSame(choice.Replace(json, m => $"\"{m.Groups[1].Value}{m.Groups[2].Value}{new string('x', 40)}\":"), name + " (overlong type suffix)");
    }

    /// <summary>
    /// A medicationReference's display is read as the medication's name when the Medication is not in the record: both
    /// readers agree on every JSON kind it may come as (a wrong kind is an error of that resource in both), on an
    /// escaped name and with or without a resolvable reference.
    /// </summary>
    [Theory]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":\"methylprednisolone 1 g IV\"")]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":\"methyl\\u0070rednisolone\"")]
    [InlineData("\"display\":\"prednisone 50 mg\"")]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":5")]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":null")]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":{\"text\":\"prednisone\"}")]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":[\"prednisone\"]")]
    [InlineData("\"reference\":\"Medication/e1\",\"display\":\"  \"")]
    [InlineData("\"reference\":\"Medication/m1\",\"display\":\"prednisone\"")]
    [InlineData("\"reference\":\"#c1\",\"display\":\"prednisone\"")]
    public void A_medication_reference_display_reads_the_same_in_both_readers(string reference)
    {
        var json = """
            {"resourceType":"Bundle","type":"collection","entry":[
             {"resource":{"resourceType":"Patient","id":"p1"}},
             {"resource":{"resourceType":"Medication","id":"m1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6902"}]}}},
             {"resource":{"resourceType":"MedicationAdministration","id":"a1","status":"completed","medicationReference":{ REFERENCE },
               "contained":[{"resourceType":"Medication","id":"c1","code":{"text":"Solu-Medrol"}}],
               "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-04-25","dosage":{"dose":{"value":1000,"system":"http://unitsofmeasure.org","code":"mg"}}}}]}
            """.Replace("REFERENCE", reference, StringComparison.Ordinal);
        var (firely, utf8) = ReaderDifferential.Both(json);
        Assert.Equal(firely, utf8);
    }

    private static string Head(string text) => text.Length > 1500 ? text[..1500] + "…" : text;
}
