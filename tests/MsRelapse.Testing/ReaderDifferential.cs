using System.Text;
using System.Text.Json;
using MsRelapse.Fhir;

namespace MsRelapse.Testing;

/// <summary>
/// Holds the two FHIR readers to one answer: the Firely reader (<see cref="FhirRecordReader"/>) and the UTF-8 reader
/// (<see cref="Utf8RecordReader"/>) must give the same <c>PatientRecord</c> (every field, compared as JSON: the record's
/// lists are immutable arrays, which compare by reference), or the same errors (code and resource; the wording of a
/// broken value's message may differ, the Firely reader quotes its validator).
/// </summary>
public static class ReaderDifferential
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, IncludeFields = false };

    /// <summary>A comparable rendering of a read: the record (or none) and the errors' codes and resources.</summary>
    public static string Render(FhirReadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var errors = string.Join("\n", result.Errors.Select(e => $"{e.Code} @ {e.Source?.Resource}"));
        var record = result.Record is null ? "(no record)" : JsonSerializer.Serialize(result.Record, Options);
        return $"errors:\n{errors}\nrecord:\n{record}";
    }

    /// <summary>Both readers' renderings of a Bundle given as JSON text.</summary>
    public static (string Firely, string Utf8) Both(string bundleJson)
    {
        var bytes = Encoding.UTF8.GetBytes(bundleJson);
        return (Render(FhirRecordReader.Read(bytes)), Render(Utf8RecordReader.Read(bytes)));
    }

    /// <summary>Asserts both readers give the same answer for <paramref name="bundleJson"/>; returns the rendering.</summary>
    public static string AssertSame(string bundleJson, string? label = null)
    {
        var (firely, utf8) = Both(bundleJson);
        if (firely != utf8)
        {
            throw new InvalidOperationException($"The readers differ{(label is null ? "" : " on " + label)}:\n--- Firely\n{firely}\n--- UTF-8\n{utf8}\n--- input\n{bundleJson}");
        }

        return firely;
    }

    /// <summary>
    /// The CDS Hooks path: the resources of a Bundle taken as the prefetch assembler takes them (each entry's
    /// <c>resource</c> object and string <c>fullUrl</c>), read parsed by <see cref="Utf8RecordReader.ReadParsed"/>, and
    /// the same resources written as the collection Bundle the assembler wrote before, read by the Firely reader.
    /// Null when the JSON is not an object with an <c>entry</c> array (the assembler refuses such a prefetch).
    /// </summary>
    public static (string Firely, string Parsed)? BothParsed(string bundleJson)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bundleJson);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var resources = new List<ParsedResource>();
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource) && resource.ValueKind == JsonValueKind.Object)
                {
                    var fullUrl = entry.TryGetProperty("fullUrl", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                    resources.Add(new ParsedResource(resource, fullUrl));
                }
            }

            return (Render(FhirRecordReader.Read(Collection(resources))), Render(Utf8RecordReader.ReadParsed(resources)));
        }
    }

    /// <summary>The resources as one collection Bundle, each entry with its fullUrl (what the prefetch assembler writes).</summary>
    private static byte[] Collection(IReadOnlyList<ParsedResource> resources)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("resourceType", "Bundle");
            writer.WriteString("type", "collection");
            writer.WriteStartArray("entry");
            foreach (var (resource, fullUrl) in resources)
            {
                writer.WriteStartObject();
                if (fullUrl is not null)
                {
                    writer.WriteString("fullUrl", fullUrl);
                }

                writer.WritePropertyName("resource");
                resource.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
