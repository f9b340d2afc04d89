using System.Runtime.InteropServices;
using System.Text.Json;

namespace MsRelapse.Fhir;

/// <summary>
/// The members that route a resource, read without interpreting anything clinical: its <c>resourceType</c> (and how
/// many times it is given), its <c>id</c>, and the <c>reference</c> of its <c>subject</c>/<c>patient</c>
/// (<c>subjectReference</c>/<c>patientReference</c> for the choice forms). The one reading of them, shared by the
/// Bundle pre-scan (<see cref="BundleScanner"/>), the UTF-8 reader's NDJSON input and the screen's split by patient.
/// Members are read in order; the last of a repeated member wins. A value of the wrong JSON kind reads as absent.
/// </summary>
/// <param name="TypeCount">How many <c>resourceType</c> members the object has (a valid resource has one).</param>
/// <param name="Type">The <c>resourceType</c> when it is a string.</param>
/// <param name="Id">The <c>id</c> when it is a string.</param>
/// <param name="Subject"><c>subject.reference</c>.</param>
/// <param name="SubjectReference"><c>subjectReference.reference</c>.</param>
/// <param name="Patient"><c>patient.reference</c>.</param>
/// <param name="PatientReference"><c>patientReference.reference</c>.</param>
public readonly record struct ResourceHeader(int TypeCount, string? Type, string? Id, string? Subject, string? SubjectReference, string? Patient, string? PatientReference)
{
    private enum Member
    {
        Other,
        ResourceType,
        Id,
        Subject,
        SubjectReference,
        Patient,
        PatientReference,
    }

    private static readonly (byte[] Name, Member Kind)[] Members =
    [
        ("resourceType"u8.ToArray(), Member.ResourceType), ("id"u8.ToArray(), Member.Id),
        ("subject"u8.ToArray(), Member.Subject), ("subjectReference"u8.ToArray(), Member.SubjectReference),
        ("patient"u8.ToArray(), Member.Patient), ("patientReference"u8.ToArray(), Member.PatientReference),
    ];

    /// <summary>
    /// The header of one NDJSON line; null when the line is JSON but not an object. Reads every token, so a line
    /// that is not well-formed JSON (truncated, trailing content) throws <see cref="JsonException"/>.
    /// </summary>
    public static ResourceHeader? OfLine(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        ResourceHeader? header = null;
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            header = Read(ref reader);
        }

        reader.Skip();
        while (reader.Read())
        {
            reader.Skip();
        }

        return header;
    }

    /// <summary>The header of the object at <paramref name="reader"/> (on its StartObject; left on its EndObject).</summary>
    internal static ResourceHeader Read(ref Utf8JsonReader reader)
    {
        var header = default(ResourceHeader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var kind = KindOf(ref reader);
            reader.Read();
            if (kind != Member.Other)
            {
                header = header.With(kind, kind is Member.ResourceType or Member.Id ? StringOf(ref reader) : ReferenceOf(ref reader));
            }

            reader.Skip();
        }

        return header;
    }

    /// <summary>The header of a parsed object (what <see cref="Read"/> gives for its text); null when it is not an object.</summary>
    internal static ResourceHeader? Of(JsonElement resource)
    {
        if (resource.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var header = default(ResourceHeader);
        foreach (var member in resource.EnumerateObject())
        {
            if (KindOf(member) is var kind and not Member.Other)
            {
                header = header.With(kind, kind is Member.ResourceType or Member.Id ? StringOf(member.Value) : ReferenceOf(member.Value));
            }
        }

        return header;
    }

    private ResourceHeader With(Member kind, string? value) => kind switch
    {
        Member.ResourceType => this with { TypeCount = TypeCount + 1, Type = value },
        Member.Id => this with { Id = value },
        Member.Subject => this with { Subject = value },
        Member.SubjectReference => this with { SubjectReference = value },
        Member.Patient => this with { Patient = value },
        Member.PatientReference => this with { PatientReference = value },
        _ => this,
    };

    private static Member KindOf(ref Utf8JsonReader reader)
    {
        foreach (var (name, kind) in Members)
        {
            if (reader.ValueTextEquals(name))
            {
                return kind;
            }
        }

        return Member.Other;
    }

    private static Member KindOf(JsonProperty property)
    {
        // A name written without escapes is compared as it stands (most names: no unescaping, no length mismatch read).
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        var escaped = raw.IndexOf((byte)'\\') >= 0;
        foreach (var (name, kind) in Members)
        {
            if (escaped ? property.NameEquals(name) : raw.SequenceEqual(name))
            {
                return kind;
            }
        }

        return Member.Other;
    }

    private static string? StringOf(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String ? Utf8StringCache.GetString(ref reader) : null;

    private static string? StringOf(JsonElement value) => value.ValueKind == JsonValueKind.String ? Utf8StringCache.GetString(value) : null;

    /// <summary><c>reference</c> of the Reference object at the reader (left on its end); null when it is not one.</summary>
    private static string? ReferenceOf(ref Utf8JsonReader reader)
    {
        string? reference = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isReference = reader.ValueTextEquals("reference"u8);
            reader.Read();
            reference = isReference ? StringOf(ref reader) : reference;
            reader.Skip();
        }

        return reference;
    }

    private static string? ReferenceOf(JsonElement value)
    {
        string? reference = null;
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in value.EnumerateObject())
            {
                reference = member.NameEquals("reference"u8) ? StringOf(member.Value) : reference;
            }
        }

        return reference;
    }
}
