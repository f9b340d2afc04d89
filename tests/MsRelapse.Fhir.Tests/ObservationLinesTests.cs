using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MsRelapse.Testing;
using static MsRelapse.Fhir.Tests.TestBundles;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// The plain way of reading an Observation line (<see cref="ObservationLines"/>: one forward pass, no document), and
/// its compact form written and read back (<see cref="CompactObservations"/>: what a screen spills), give what the
/// document way (<see cref="JsonViews"/>) gives: the same record, the same errors with the same messages and the same
/// notes, on the examples, the demo patients, the Synthea sample, every observation shape the reader tests write, and
/// thousands of mutated observations. Each test also counts the lines the plain way took, so that a plain way that
/// gave up on everything (and so agreed with everything) fails.
/// </summary>
public sealed class ObservationLinesTests
{
    [Fact]
    public void Examples_demo_patients_and_the_Synthea_sample_read_the_same_both_ways()
    {
        var inputs = SharedExamples.Names.Select(n => (n, SharedData.ResourceLines(SharedExamples.Load(n))))
            .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "MsRelapse.Server", "DemoPatients"), "*.json").Select(f => (Path.GetFileName(f), SharedData.ResourceLines(File.ReadAllText(f)))))
            .Concat(SyntheaPatients())
            .ToList();
        var plain = 0;
        var observations = 0;
        foreach (var (name, lines) in inputs)
        {
            AssertSameBothWays(lines, name);
            observations += lines.Count(IsObservation);
            plain += lines.Count(l => ObservationLines.TryRead(l.Span, 0) is not null);
        }

        Assert.True(observations > 50, $"only {observations} observations were compared");
        Assert.True(plain > observations * 9 / 10, $"the plain way read {plain} of {observations} observations: it should read nearly all of these");
    }

    public static TheoryData<string, bool> Shapes => new()
    {
        // The shapes exports write: read the plain way.
        { Loinc("w", "29463-7", "2026-05-01", Q(72.5, "kg", "kg")), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", """{"value":3,"system":"http://unitsofmeasure.org","code":"{score}"}"""), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "4.5", "valueDecimal"), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "4", "valueInteger"), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "\"3.5\"", "valueString"), true },
        { Obs("a", "http://loinc.org", "68548-7", "2026-05-01", """{"coding":[{"system":"http://snomed.info/sct","code":"10828004","display":"Positive"}],"text":"positive"}""", "valueCodeableConcept"), true },
        { Obs("a", "http://loinc.org", "68548-7", "2026-05-01", "true", "valueBoolean"), true },
        { Obs("a", "http://loinc.org", "68548-7", "2026-05-01", "\" Positive \"", "valueString"), true },
        { """{"resourceType":"Observation","id":"t","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/p1","display":"x"},"effectiveInstant":"2026-05-01T10:00:00+02:00","valueQuantity":{"value":38.4,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}""", true },
        { """{"resourceType":"Observation","id":"t","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2026-05-01","end":"2026-05-02"},"valueQuantity":{"value":101.2,"unit":"[degF]"}}""", true },
        { """{"resourceType":"Observation","id":"bp","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":85,"unit":"mm[Hg]","code":"mm[Hg]"}},{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":50,"code":"mm[Hg]"}}]}""", true },
        { """{"resourceType":"Observation","id":"i","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"68548-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"POS"}]}]}""", true },
        { """{"resourceType":"Observation","id":"x","status":"entered-in-error","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"}}""", true },
        // Values the mapping refuses, in the plain shape: the same error, with the same message, both ways.
        { Loinc("w", "29463-7", "2026-13-45", Q(72.5, "kg", "kg")), true },
        { Loinc("w", "29463-7", "2026-05-01", Q(72.5, "furlong")), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", """{"value":3,"code":"kg"}"""), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "\"high\"", "valueString"), true },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "{\"start\":\"2026-05-01\"}", "valuePeriod"), true },
        { """{"resourceType":"Observation","id":"t","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/p1"},"effectiveInstant":"not an instant","valueQuantity":{"value":38.4,"code":"Cel"}}""", true },
        // Anything else is left to the document way, which holds Firely's rulings.
        { Loinc("w", "29463-7", "2026-05-01", "null"), false },
        { Loinc("w", "29463-7", "2026-05-01", "[" + Q(72.5, "kg") + "]"), false },
        { Loinc("w", "29463-7", "2026-05-01", "\"72.5 kg\""), false },
        { Loinc("w", "29463-7", "2026-05-01", """{"value":"72.5","code":"kg"}"""), false },
        { Loinc("w", "29463-7", "2026-05-01", """{"value":1e999,"code":"kg"}"""), false },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "99999999999999999999999999999999", "valueInteger"), false },
        { Obs("e", "http://snomed.info/sct", "273554001", "2026-05-01", "\"4\"", "valueInteger"), false },
        { """{"resourceType":"Observation","id":"w","status":"final","status":"entered-in-error","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"},"valueString":"72"}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","c\u006fde":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
        { """{"resourceType":"Observation","id":"w","status":null,"code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[null,{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[[{"system":"http://loinc.org","code":"29463-7"}]]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":"Patient/p1","effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}} {}""", false },
        { """{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}""", false },
        { """ {"resourceType":"Observation","id":"w","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-05-01","valueQuantity":{"value":72.5,"code":"kg"}}""", false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Each_shape_reads_the_same_both_ways_and_only_the_plain_ones_the_plain_way(string observation, bool plain)
    {
        var line = Encoding.UTF8.GetBytes(observation);
        Assert.Equal(plain, ObservationLines.TryRead(line, 1) is not null);
        AssertSameBothWays([Encoding.UTF8.GetBytes(PatientP1), line], observation);
    }

    [Fact]
    public void Thousands_of_mutated_observations_read_the_same_both_ways()
    {
        // Every observation of the examples, the Synthea sample and the plain shapes above, mutated as the reader's property
        // tests mutate bundles (values retyped, deleted, swapped, truncated, numbers and strings flipped, extremes…),
        // each read with its record's Patient.
        var observations = SharedExamples.Names.Select(n => SharedData.ResourceLines(SharedExamples.Load(n)))
            .Concat(SyntheaPatients().Select(p => p.Lines))
            .SelectMany(lines => lines.Where(IsObservation).Select(o => (Patient: lines.FirstOrDefault(IsPatient), Observation: JsonNode.Parse(o.Span)!)))
            .Where(o => o.Patient.Length > 0)
            .Concat(Shapes.Where(s => (bool)s[1]).Select(s => ((ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(PatientP1), JsonNode.Parse((string)s[0])!)))
            .ToArray();
        Assert.True(observations.Length > 35, $"only {observations.Length} observations to mutate");
        var random = new Random(20261207);
        var plain = 0;
        var cases = 3000;
        for (var i = 0; i < cases; i++)
        {
            var (patient, observation) = observations[random.Next(observations.Length)];
            var ops = Enumerable.Range(0, 3 * random.Next(1, 3)).Select(_ => random.Next()).ToArray();
            var mutated = NeverThrowPropertyTests.Mutate(observation.DeepClone(), ops)?.ToJsonString() ?? "null";
            var line = Encoding.UTF8.GetBytes(mutated);
            plain += ObservationLines.TryRead(line, 1) is not null ? 1 : 0;
            AssertSameBothWays([patient, line], $"case {i} [{string.Join(',', ops)}]: {mutated}");
        }

        // A mutation keeps the plain shape often (a value changed, a member deleted): those are the cases that test it.
        Assert.True(plain > cases / 5, $"only {plain} of {cases} mutated observations were read the plain way");
    }

    [Fact]
    public void A_damaged_compact_form_stops_the_read_instead_of_reading_a_record_wrong()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.True(CompactObservations.TryWrite(Encoding.UTF8.GetBytes(Loinc("w", "29463-7", "2026-05-01", Q(72.5, "kg", "kg"))), output, out var subject));
        Assert.Equal("Patient/p1", subject);
        var whole = output.WrittenMemory.ToArray();
        ReadOnlyMemory<byte> patient = Encoding.UTF8.GetBytes(PatientP1);
        Assert.NotNull(Utf8RecordReader.ReadLines([new(patient), new(whole, IsCompact: true)]).Record);

        Assert.Throws<InvalidDataException>(() => Utf8RecordReader.ReadLines([new(patient), new(whole[..^1], IsCompact: true)]));
        Assert.Throws<InvalidDataException>(() => Utf8RecordReader.ReadLines([new(patient), new(whole.Append((byte)0).ToArray(), IsCompact: true)]));
    }

    /// <summary>
    /// Both ways give the same errors (code, resource and message), notes and record; so do the lines with each plain
    /// Observation written in its compact form and read back (what a screen's split spills,
    /// <see cref="CompactObservations"/>), whose subject, with no other reference, is what <see cref="ResourceHeader.OfLine"/> reads.
    /// </summary>
    internal static void AssertSameBothWays(IReadOnlyList<ReadOnlyMemory<byte>> lines, string label)
    {
        var plain = Render(Utf8RecordReader.ReadResources(lines, plainObservations: true));
        var document = Render(Utf8RecordReader.ReadResources(lines, plainObservations: false));
        Assert.True(plain == document, $"The plain way differs on {label}:\n--- document\n{document}\n--- plain\n{plain}");

        var spilled = new List<ResourceLine>();
        foreach (var line in lines)
        {
            var output = new ArrayBufferWriter<byte>();
            if (CompactObservations.TryWrite(line.Span, output, out var subject))
            {
                var header = ResourceHeader.OfLine(line.Span);
                Assert.Equal(new ResourceHeader(1, "Observation", header?.Id, subject, null, null, null), header);
                spilled.Add(new ResourceLine(output.WrittenMemory, IsCompact: true));
            }
            else
            {
                spilled.Add(new ResourceLine(line)); // what TryWrite wrote before it gave up is discarded, as the split does
            }
        }

        var compact = Render(Utf8RecordReader.ReadLines(spilled));
        Assert.True(compact == document, $"The compact form differs on {label}:\n--- document\n{document}\n--- compact\n{compact}");
    }

    /// <summary>As <see cref="ReaderDifferential.Render"/>, with the errors' messages, and numbers such as an infinite score read from "1e999" written out.</summary>
    private static string Render(FhirReadResult result) =>
        "errors:\n" + string.Join("\n", result.Errors.Select(e => $"{e.Code} @ {e.Source?.Resource}: {e}")) +
        "\nrecord:\n" + (result.Record is null ? "(no record)" : JsonSerializer.Serialize(result.Record, RenderOptions));

    private static readonly JsonSerializerOptions RenderOptions = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static bool IsObservation(ReadOnlyMemory<byte> line) => line.Span.IndexOf("\"resourceType\":\"Observation\""u8) >= 0;

    private static bool IsPatient(ReadOnlyMemory<byte> line) => line.Span.IndexOf("\"resourceType\":\"Patient\""u8) >= 0;

    /// <summary>The Synthea sample's lines grouped by patient, as written (not re-serialised).</summary>
    private static IEnumerable<(string Name, List<ReadOnlyMemory<byte>> Lines)> SyntheaPatients() =>
        SharedData.SyntheaLinesByPatient().Select(p => ("Synthea " + p.Key, p.Value.Select(l => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(l)).ToList()));
}
