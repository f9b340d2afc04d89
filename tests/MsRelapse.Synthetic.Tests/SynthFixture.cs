using System.Text;
using System.Text.Json;
using MsRelapse.Synthetic;

namespace MsRelapse.Synthetic.Tests;

/// <summary>A temporary folder removed at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "msr-synth-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Reads a generated export back: lines by patient, malformed lines apart.</summary>
internal static class Export
{
    public static readonly DateOnly AsOf = new(2026, 5, 11);

    public static SynthResult Generate(string folder, long patients, long seed = 11, CohortParameters? parameters = null, long limit = SynthOptions.DefaultFileSizeLimitBytes, int threads = 2) =>
        CohortGenerator.Generate(new SynthOptions(patients, seed, AsOf, folder, limit) { Parameters = parameters ?? CohortParameters.Default, Threads = threads });

    /// <summary>
    /// Every line of every file, grouped by patient id, each patient's lines followed by the export's formulary
    /// Medications (which its steroid resources may name by reference: a Bundle of them reads as the screen reads the
    /// patient); lines that are not JSON or name no patient are counted apart.
    /// </summary>
    public static (Dictionary<string, List<string>> ByPatient, int Malformed) Group(string folder)
    {
        var byPatient = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var medications = new List<string>();
        var malformed = 0;
        foreach (var file in Directory.GetFiles(folder, "*.ndjson").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                string? key;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("resourceType", out var type) && type.ValueEquals("Medication"))
                    {
                        medications.Add(line);
                        continue;
                    }

                    key = PatientKey(doc.RootElement);
                }
                catch (JsonException)
                {
                    key = null;
                }

                if (key is null)
                {
                    malformed++;
                    continue;
                }

                if (!byPatient.TryGetValue(key, out var list))
                {
                    byPatient[key] = list = [];
                }

                list.Add(line);
            }
        }

        foreach (var lines in byPatient.Values)
        {
            lines.AddRange(medications);
        }

        return (byPatient, malformed);
    }

    public static string Bundle(IEnumerable<string> lines) =>
        new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[")
            .AppendJoin(',', lines.Select(l => "{\"resource\":" + l + "}")).Append("]}").ToString();

    private static string? PatientKey(JsonElement resource)
    {
        if (resource.TryGetProperty("resourceType", out var type) && type.GetString() == "Patient")
        {
            return resource.GetProperty("id").GetString();
        }

        foreach (var name in new[] { "subject", "patient" })
        {
            if (resource.TryGetProperty(name, out var r) && r.TryGetProperty("reference", out var reference) && reference.GetString() is { } s)
            {
                return s[(s.LastIndexOfAny(['/', ':']) + 1)..];
            }
        }

        return null;
    }
}
