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
}
