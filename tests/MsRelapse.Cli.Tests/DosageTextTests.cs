using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MsRelapse.Testing;

namespace MsRelapse.Cli.Tests;

/// <summary>
/// <c>MedicationRequest.dosageInstruction.text</c> reads as clean sentences, for every steroid regimen the golden
/// outputs hold (every vignette, shared example and demo patient: adult IV and oral, paediatric mg/kg, escalated,
/// with the PML condition and the taper).
/// </summary>
public sealed partial class DosageTextTests
{
    public static TheoryData<string, string> DosageTexts()
    {
        var data = new TheoryData<string, string>();
        var golden = Path.Combine(RepoPaths.Root, "tests", "MsRelapse.Vignettes.Tests", "Golden");
        foreach (var file in Directory.EnumerateFiles(golden, "*.fhir.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var bundle = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var entry in bundle["entry"]?.AsArray() ?? [])
            {
                var resource = entry!["resource"]!;
                if ((string?)resource["resourceType"] != "MedicationRequest")
                {
                    continue;
                }

                foreach (var dosage in resource["dosageInstruction"]?.AsArray() ?? [])
                {
                    data.Add(Path.GetRelativePath(golden, file), (string)dosage!["text"]!);
                }
            }
        }

        return data;
    }

    [Fact]
    public void The_golden_outputs_hold_every_kind_of_regimen()
    {
        var texts = DosageTexts().Select(row => (string)row[1]).Distinct().ToList();
        Assert.Contains(texts, t => t.Contains("intravenously", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("by mouth", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("mg/kg", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("PML", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains(" Then ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DosageTexts))]
    public void The_dosage_text_is_clean_sentences(string file, string text)
    {
        Assert.True(CleanSentences().IsMatch(text), $"{file}: not clean sentences: {text}");
        Assert.DoesNotContain(".;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("..", text, StringComparison.Ordinal);
        Assert.DoesNotContain("  ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("infusion Infuse", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b(\w+) \1\b", text.ToUpperInvariant());
        Assert.DoesNotMatch(@" [a-z-]+-[a-z]+ ", text.Replace("30–60", "", StringComparison.Ordinal)); // no wire codes
    }

    /// <summary>Sentences: each starts with a capital letter or digit and ends with one full stop.</summary>
    [GeneratedRegex(@"^([A-Z0-9][^.]*(\.\d[^.]*)*\.)( [A-Z0-9][^.]*(\.\d[^.]*)*\.)*$")]
    private static partial Regex CleanSentences();
}
