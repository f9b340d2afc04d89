using System.Collections.Immutable;
using System.Text.Json;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;

namespace MsRelapse.Screening;

/// <summary>
/// The second pass of a screen, one partition at a time: groups the partition's lines by patient (in memory: a
/// partition is small by construction), reads each patient's resources into a record, evaluates it at asOf and
/// makes the patient's row. Independent of the host: a local run calls it on each core, a cluster on each silo.
/// </summary>
public static class PartitionScreener
{
    /// <summary>Screens partition <paramref name="partition"/> of <paramref name="export"/>.</summary>
    public static PartitionResult Screen(PartitionedExport export, int partition, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        return Screen(partition, export.PartitionFiles[partition], export.MedicationFiles, asOf, cancellationToken);
    }

    /// <summary>Screens one partition given by its spill files.</summary>
    /// <param name="partition">The partition number (carried into the result).</param>
    /// <param name="spillFiles">The spill files of this partition.</param>
    /// <param name="medicationFiles">The spill files of the export's own Medication resources (<see cref="PartitionedExport.MedicationFiles"/>).</param>
    /// <param name="asOf">Evaluation date.</param>
    /// <param name="cancellationToken">Checked between spill files and between patients.</param>
    public static PartitionResult Screen(int partition, IReadOnlyList<string> spillFiles, IReadOnlyList<string> medicationFiles, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spillFiles);
        ArgumentNullException.ThrowIfNull(medicationFiles);
        var patients = new Dictionary<string, List<(int File, long Line, ResourceLine Resource)>>(StringComparer.Ordinal);
        var buffer = PartitionBuffers.Rent(spillFiles.Sum(f => new FileInfo(f).Length));
        try
        {
            long resources = 0, bytes = 0;
            var offset = 0;
            foreach (var spill in spillFiles)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var length = SpillRecord.ReadInto(spill, buffer, offset);
                var records = buffer.AsMemory(offset, length);
                offset += length;
                foreach (var (key, file, line, resource, compact) in SpillRecord.Parse(records))
                {
                    if (!patients.TryGetValue(key, out var list))
                    {
                        list = [];
                        patients.Add(key, list);
                    }

                    list.Add((file, line, new ResourceLine(resource, compact)));
                    resources++;
                    bytes += resource.Length;
                }
            }

            var medications = patients.Count > 0 ? LoadMedications(medicationFiles) : [];
            var rows = ImmutableArray.CreateBuilder<PatientRow>(patients.Count);
            foreach (var (key, lines) in patients.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                // The export's order: by file, then by line (workers spilled in parallel).
                lines.Sort((a, b) => a.File != b.File ? a.File.CompareTo(b.File) : a.Line.CompareTo(b.Line));
                var patientResources = lines.Select(l => l.Resource).ToList();
                AttachMedications(patientResources, medications);
                rows.Add(ScreenPatient(key, patientResources, asOf));
            }

            return new PartitionResult(partition, rows.MoveToImmutable(), [], resources, bytes);
        }
        finally
        {
            // Nothing read from the buffer outlives this call: the rows hold no JSON.
            PartitionBuffers.Return(buffer);
        }
    }

    /// <summary>The export's own Medication resources by reference (<c>Medication/id</c>; the first of a repeated id wins).</summary>
    private static Dictionary<string, byte[]> LoadMedications(IReadOnlyList<string> medicationFiles)
    {
        var medications = new Dictionary<string, (int File, long Line, byte[] Json)>(StringComparer.Ordinal);
        foreach (var file in medicationFiles)
        {
            foreach (var (key, fileIndex, line, json, _) in SpillRecord.ReadAll(file))
            {
                if (!medications.TryGetValue(key, out var seen) || (fileIndex, line).CompareTo((seen.File, seen.Line)) < 0)
                {
                    medications[key] = (fileIndex, line, json);
                }
            }
        }

        return medications.ToDictionary(m => m.Key, m => m.Value.Json, StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds to a patient's resources the Medication resources their <c>medicationReference</c> names that the export
    /// holds on their own (after the patient's resources, each once): the record a Bundle of the patient's resources
    /// and those Medications gives, where the reader resolves the reference as it does inside a Bundle.
    /// </summary>
    internal static void AttachMedications(List<ResourceLine> resources, IReadOnlyDictionary<string, byte[]> medications)
    {
        if (medications.Count == 0)
        {
            return;
        }

        HashSet<string>? attached = null;
        var count = resources.Count;
        for (var i = 0; i < count; i++)
        {
            // A compact form is an Observation's: it points at no Medication.
            var (bytes, compact) = resources[i];
            if (compact || bytes.Span.IndexOf("\"medicationReference\""u8) < 0 || MedicationReferenceOf(bytes) is not { } reference)
            {
                continue;
            }

            if (medications.TryGetValue(reference, out var medication) && (attached ??= new(StringComparer.Ordinal)).Add(reference))
            {
                resources.Add(new ResourceLine(medication));
            }
        }
    }

    private static string? MedicationReferenceOf(ReadOnlyMemory<byte> resource)
    {
        try
        {
            using var document = JsonDocument.Parse(resource);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("medicationReference", out var medication) &&
                medication.ValueKind == JsonValueKind.Object &&
                medication.TryGetProperty("reference", out var reference) && reference.ValueKind == JsonValueKind.String &&
                reference.GetString() is { } text && text.StartsWith(ExportPartitioner.MedicationKeyPrefix, StringComparison.Ordinal)
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null; // a malformed resource: the reader reports it
        }
    }

    /// <summary>
    /// One patient: the resources (one JSON object each, in export order) read as one Bundle of them would be by
    /// <c>msrelapse evaluate</c>, evaluated at <paramref name="asOf"/>.
    /// </summary>
    public static PatientRow ScreenPatient(string patientKey, IReadOnlyList<ReadOnlyMemory<byte>> resources, DateOnly asOf)
    {
        var outcome = EvaluatePatient(resources, asOf);
        return RowOf(patientKey, outcome, asOf);
    }

    /// <summary><see cref="ScreenPatient(string, IReadOnlyList{ReadOnlyMemory{byte}}, DateOnly)"/> for resources as a split spilled them (some compact).</summary>
    public static PatientRow ScreenPatient(string patientKey, IReadOnlyList<ResourceLine> resources, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return RowOf(patientKey, FhirEvaluation.Evaluate(Utf8RecordReader.ReadLines(resources), asOf), asOf);
    }

    /// <summary>
    /// One patient's resources evaluated at <paramref name="asOf"/> with the fast reader (no FHIR object model):
    /// the outcome <c>msrelapse evaluate</c> gives for a collection Bundle of them (the differential and screening
    /// tests hold it to that).
    /// </summary>
    public static FhirEvaluationOutcome EvaluatePatient(IReadOnlyList<ReadOnlyMemory<byte>> resources, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return FhirEvaluation.Evaluate(Utf8RecordReader.ReadResources(resources), asOf);
    }

    /// <summary>A collection Bundle of the resources, in order (UTF-8 JSON).</summary>
    public static byte[] BundleOf(IReadOnlyList<ReadOnlyMemory<byte>> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        using var buffer = new MemoryStream();
        buffer.Write("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["u8);
        for (var i = 0; i < resources.Count; i++)
        {
            buffer.Write(i == 0 ? "{\"resource\":"u8 : ",{\"resource\":"u8);
            buffer.Write(resources[i].Span);
            buffer.Write("}"u8);
        }

        buffer.Write("]}"u8);
        return buffer.ToArray();
    }

    /// <summary>The row of one patient from an evaluation outcome.</summary>
    public static PatientRow RowOf(string patientKey, FhirEvaluationOutcome outcome, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var id = outcome.Record?.PatientId ?? patientKey;

        // Counted for a rejected record too: it is a fact about the export (its Medication resources), not the pathway.
        var unresolved = outcome.Record?.UnresolvedMedications ?? [];
        var mayBeCourses = unresolved.Count(u => u.MayBeSteroidCourse);
        if (!outcome.IsValid)
        {
            var code = outcome.Errors.Count > 0 ? outcome.Errors[0].Code : "no-recommendation";
            return new PatientRow(id, "", "", "", "", "", null, null, [], code, null, unresolved.Length, mayBeCourses);
        }

        var r = outcome.Recommendation!;
        var e = r.Episode;
        return new PatientRow(
            id,
            WireNames.Of(e.Status),
            WireNames.Of(e.Severity),
            WireNames.Of(r.Advice.Primary),
            WireNames.Of(r.Advice.Urgency),
            WireNames.Of(e.SteroidResponse),
            e.Onset,
            e.DaysSinceOnset,
            [.. r.Flags.Select(f => WireNames.Of(f.Code))],
            null,
            e.SteroidResponse == ResponseStatus.Inadequate ? SteroidFailureToApheresis(outcome.Record!, e.Onset, asOf) : null,
            unresolved.Length,
            mayBeCourses);
    }

    /// <summary>
    /// Days from the last steroid dose of the attack to the first apheresis session after it (both from onset to
    /// asOf): how long escalation took once steroids had failed. Null without both.
    /// </summary>
    internal static int? SteroidFailureToApheresis(PatientRecord record, DateOnly? onset, DateOnly asOf)
    {
        if (onset is not { } from)
        {
            return null;
        }

        var sessions = record.ApheresisSessions.Where(s => s.When.Date >= from && s.When.Date <= asOf).Select(s => s.When.Date).Order().ToList();
        foreach (var first in sessions)
        {
            var lastDose = record.SteroidDoses.Where(d => d.Day >= from && d.Day < first).Select(d => (DateOnly?)d.Day).Max();
            if (lastDose is { } last)
            {
                return first.DayNumber - last.DayNumber;
            }
        }

        return null;
    }

}
