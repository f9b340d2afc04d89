using System.Collections.Frozen;
using System.Text.Json;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace MsRelapse.Fhir;

/// <summary>One entry of a Bundle as the pre-scan saw it: where its resource is, and what the reader needs of it.</summary>
/// <param name="Index">0-based position in <c>Bundle.entry</c>.</param>
/// <param name="FullUrl"><c>entry.fullUrl</c> when it is a string.</param>
/// <param name="TypeName">The resource's <c>resourceType</c> (a FHIR R4 resource type).</param>
/// <param name="Id">The resource's <c>id</c> when it is a string.</param>
/// <param name="PatientReferences"><c>subject.reference</c> then <c>patient.reference</c>, where the type defines them as one Reference.</param>
/// <param name="Start">Byte offset of the resource object in the UTF-8 input.</param>
/// <param name="Length">Byte length of the resource object.</param>
internal readonly record struct ScannedEntry(int Index, string? FullUrl, string TypeName, string? Id, IReadOnlyList<string> PatientReferences, int Start, int Length);

/// <summary>
/// A routing pre-scan of a Bundle with <see cref="Utf8JsonReader"/>: finds each entry's resource, its type, id and
/// patient reference, so that only the resources the reader maps are handed to Firely (Bulk and Synthea records
/// carry thousands of resources the pathway never reads; parsing them into POCOs was most of the reader's time).
/// It interprets no clinical element: that stays Firely's job.
/// </summary>
/// <remarks>
/// It also checks the whole input is well-formed JSON (the reader reads every token), so a syntax error anywhere
/// is still a parse error, with the line and position of the <see cref="JsonException"/>.
/// </remarks>
internal static class BundleScanner
{
    /// <summary>The outcome of a scan.</summary>
    public enum Outcome
    {
        /// <summary>A Bundle whose entries were scanned.</summary>
        Bundle,

        /// <summary><c>Bundle.entry</c> is present but not an array.</summary>
        EntryNotAnArray,

        /// <summary>Not plainly a Bundle (root not an object, resourceType missing, not "Bundle" or repeated, entry
        /// repeated, …): the caller lets Firely parse the whole input to say what it is.</summary>
        Other,
    }

    /// <summary>The resource types the reader maps (and <c>Medication</c>, which medication references point at).</summary>
    public static readonly FrozenSet<string> MappedTypes = new[]
    {
        "Patient", "Condition", "Observation", "MedicationAdministration", "MedicationRequest", "MedicationStatement",
        "AllergyIntolerance", "Procedure", "Medication",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Which JSON member carries each patient reference of a resource type.</summary>
    internal sealed record ReferenceMembers(string? Subject, string? Patient);

    /// <summary>
    /// <see cref="FirelyModel.ResourceTypes"/> for the types the reader maps, written out so that reading them (a screen reads
    /// nothing else) does not pay for inspecting Firely's whole model at start; a test holds it equal to the table
    /// built from the model.
    /// </summary>
    internal static readonly FrozenDictionary<string, ReferenceMembers> MappedReferenceMembers = new Dictionary<string, ReferenceMembers>
    {
        ["Patient"] = new(null, null),
        ["Condition"] = new("subject", null),
        ["Observation"] = new("subject", null),
        ["MedicationAdministration"] = new("subject", null),
        ["MedicationRequest"] = new("subject", null),
        ["MedicationStatement"] = new("subject", null),
        ["AllergyIntolerance"] = new(null, "patient"),
        ["Procedure"] = new("subject", null),
        ["Medication"] = new(null, null),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The reference members of a FHIR R4 resource type; false when it is not one.</summary>
    internal static bool TryMembersOf(string typeName, out ReferenceMembers members) =>
        MappedReferenceMembers.TryGetValue(typeName, out members!) || FirelyModel.ResourceTypes.TryGetValue(typeName, out members!);

    /// <summary>
    /// For every FHIR R4 resource type, the JSON member of its <c>subject</c> and <c>patient</c> element when that
    /// element is a single Reference (<c>subject</c>), or a choice that can be one (<c>subjectReference</c>);
    /// null when the type has no such element or it is a list or another type (<c>Contract.subject</c> is
    /// Reference[]). Built once from Firely's model, so it matches what <c>Resource.TryGetValue</c> would give.
    /// An unknown resourceType is absent from the table: such a resource is ignored, as Firely drops it.
    /// </summary>
    internal static class FirelyModel
    {
        /// <summary>Every FHIR R4 resource type and its reference members.</summary>
        public static readonly FrozenDictionary<string, ReferenceMembers> ResourceTypes = BuildResourceTypes();
    }

    private static FrozenDictionary<string, ReferenceMembers> BuildResourceTypes()
    {
        var inspector = ModelInfo.ModelInspector;
        var table = new Dictionary<string, ReferenceMembers>(StringComparer.Ordinal);
        foreach (var name in ModelInfo.SupportedResources)
        {
            if (inspector.FindClassMapping(name) is not { IsResource: true } mapping)
            {
                continue;
            }

            table[name] = new ReferenceMembers(Member(mapping, "subject"), Member(mapping, "patient"));
        }

        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string? Member(ClassMapping mapping, string element)
    {
        if (mapping.FindMappedElementByName(element) is not { IsCollection: false } property)
        {
            return null;
        }

        if (property.Choice == ChoiceType.DatatypeChoice)
        {
            return property.FhirType.Contains(typeof(ResourceReference)) ? element + "Reference" : null;
        }

        return property.ImplementingType == typeof(ResourceReference) ? element : null;
    }

    /// <summary>True when <paramref name="typeName"/> is a FHIR R4 resource type.</summary>
    public static bool IsResourceType(string typeName) => TryMembersOf(typeName, out _);

    /// <summary>
    /// Scans <paramref name="utf8"/>. Throws <see cref="JsonException"/> when the input is not well-formed JSON
    /// (the caller reports it as a parse error).
    /// </summary>
    public static Outcome Scan(ReadOnlySpan<byte> utf8, List<ScannedEntry> entries)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            ReadToEnd(ref reader);
            return Outcome.Other;
        }

        var typeCount = 0;
        var isBundle = true;
        var entryCount = 0;
        var entryNotArray = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("resourceType"u8))
            {
                reader.Read();
                typeCount++;
                isBundle &= reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("Bundle"u8);
                reader.Skip();
            }
            else if (reader.ValueTextEquals("entry"u8))
            {
                reader.Read();
                entryCount++;
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ScanEntries(ref reader, entries);
                }
                else
                {
                    // null means absent; anything else is not a list of entries.
                    entryNotArray = reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        ReadToEnd(ref reader);
        if (typeCount != 1 || !isBundle || entryCount > 1)
        {
            return Outcome.Other;
        }

        return entryNotArray ? Outcome.EntryNotAnArray : Outcome.Bundle;
    }

    /// <summary>
    /// Scans one resource given on its own (an NDJSON line): as <see cref="Scan"/> would scan it as the resource of
    /// entry <paramref name="index"/> of a Bundle. Null when it is not an object of a FHIR R4 resource type. Throws
    /// <see cref="JsonException"/> when it is not well-formed JSON.
    /// </summary>
    public static ScannedEntry? ScanResource(ReadOnlySpan<byte> utf8, int index)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            ReadToEnd(ref reader);
            return null;
        }

        var entry = ScanResource(ref reader, index);
        ReadToEnd(ref reader);
        return entry;
    }

    /// <summary>Reads past the root value: trailing content after it is a syntax error, as for any JSON reader.</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        reader.Skip();
        while (reader.Read())
        {
            reader.Skip();
        }
    }

    private static void ScanEntries(ref Utf8JsonReader reader, List<ScannedEntry> entries)
    {
        var index = -1;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            index++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip(); // null or not an entry: nothing to read (as an unknown resource is ignored)
                continue;
            }

            string? fullUrl = null;
            ScannedEntry? entry = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("fullUrl"u8))
                {
                    reader.Read();
                    fullUrl = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("resource"u8))
                {
                    reader.Read();
                    entry = reader.TokenType == JsonTokenType.StartObject ? ScanResource(ref reader, index) : null;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (entry is not null)
            {
                entries.Add(entry.Value with { FullUrl = fullUrl });
            }
        }
    }

    /// <summary>The resource object at the reader (on its StartObject; left on its EndObject); null when it has no known type.</summary>
    private static ScannedEntry? ScanResource(ref Utf8JsonReader reader, int index)
    {
        var start = checked((int)reader.TokenStartIndex);
        var header = ResourceHeader.Read(ref reader);
        return Entry(index, header, start, checked((int)reader.TokenStartIndex + 1 - start));
    }

    /// <summary>
    /// Scans one resource already parsed (an NDJSON line read once with <see cref="JsonDocument"/>): what
    /// <see cref="ScanResource(ReadOnlySpan{byte}, int)"/> gives for its text (no byte offsets).
    /// </summary>
    public static ScannedEntry? ScanResource(JsonElement resource, int index) =>
        ResourceHeader.Of(resource) is { } header ? Entry(index, header, 0, 0) : null;

    /// <summary>The entry of a resource whose header was read by the caller (<see cref="ObservationLines"/>).</summary>
    internal static ScannedEntry? ScanHeader(ResourceHeader header, int index) => Entry(index, header, 0, 0);

    private static ScannedEntry? Entry(int index, ResourceHeader header, int start, int length)
    {
        var (typeCount, type, id, subject, subjectReference, patient, patientReference) = header;
        if (typeCount != 1 || type is null || !TryMembersOf(type, out var members))
        {
            return null; // no type, several, or not a FHIR R4 resource type: ignored (fhir-profile.md, unknown resources)
        }

        var s = members.Subject switch { "subject" => subject, "subjectReference" => subjectReference, _ => null };
        var p = members.Patient switch { "patient" => patient, "patientReference" => patientReference, _ => null };
        string[] references = (s, p) switch
        {
            (null, null) => [],
            (_, null) => [s],
            (null, _) => [p],
            _ => [s, p],
        };

        return new ScannedEntry(index, null, type, id, references, start, length);
    }
}
