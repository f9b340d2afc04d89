using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace MsRelapse.Fhir;

/// <summary>
/// Infrastructure (a micro-optimisation, kept here on purpose): an Observation given as one JSON object (an NDJSON
/// line of a Bulk Data export) read in one forward pass of <see cref="Utf8JsonReader"/>, with no
/// <see cref="JsonDocument"/>, straight into its compact form (<see cref="CompactObservations"/>), which reads back into
/// plain views (<see cref="PlainObservation"/>). Observations are most of an export's bytes (71 % of a synthetic one);
/// building a document of each only to look a dozen members up in it was a large share of what reading a patient cost,
/// and a screen's split, which reads every line anyway to route it, can keep what it read instead of the line
/// (<c>benchmarks/README.md</c>, "Screening").
/// </summary>
/// <remarks>
/// It takes only the plain shape that exports write: the line starts with <c>{"resourceType":"Observation",</c>;
/// names are written without escapes and given once; every member the views read has the JSON kind of its FHIR type
/// (strings of valid UTF-8; numbers a decimal holds; objects; arrays of objects); there is no null. Anything else, and
/// it gives up (null): the line is then read the usual way (<see cref="JsonViews"/> over a document), which holds every
/// ruling on odd JSON (Firely's answers for wrong kinds, nulls, nested arrays, repeated or escaped names). Within the
/// plain shape the plain views answer every question the mapping can ask exactly as <see cref="JsonViews"/> answer it
/// for the same text, and the mapping (<see cref="BundleReader"/>) is the same one: no code, unit or date is read here.
/// The differential tests (<c>ObservationLinesTests</c>) hold the ways to the same record.
/// </remarks>
internal static class ObservationLines
{
    private static ReadOnlySpan<byte> Start => "{\"resourceType\":\"Observation\","u8;

    /// <summary>As the document the usual way parses: comments are not JSON.</summary>
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// Reads an Observation line of the plain shape into its compact form, appended to <paramref name="output"/>, with its
    /// <c>subject.reference</c> (what routes it). False for any other line, and what was appended is then to be discarded.
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> line, IBufferWriter<byte> output, out string? subject)
    {
        subject = null;
        if (!line.StartsWith(Start))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(line, Options);
            var writer = new CompactWriter(output);
            return Observation(ref reader, ref writer, out subject);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false; // not well-formed JSON, or a string that is not text: the usual way says which
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The entry of an Observation line of the plain shape, read the plain way; null for any other line (read it the usual way).</summary>
    public static BundleReader.Entry? TryRead(ReadOnlySpan<byte> line, int index)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return TryWrite(line, buffer, out _) ? EntryOf(CompactObservations.Read(buffer.WrittenSpan), index) : null;
    }

    /// <summary>The reader's entry of an Observation read the plain way (its header as <see cref="ResourceHeader"/> reads it).</summary>
    public static BundleReader.Entry? EntryOf(PlainObservation observation, int index) =>
        BundleScanner.ScanHeader(observation.Header, index) is { } e
            ? new BundleReader.Entry(e.Index, e.FullUrl, e.TypeName, e.Id, observation, e.PatientReferences)
            : null;

    [Flags]
    private enum Member
    {
        Other = 0,
        ResourceType = 1,
        Id = 2,
        Subject = 4,
        OtherReference = 8,
        Status = 16,
        Code = 32,
        Value = 64,
        Effective = 128,
        Interpretation = 256,
        Component = 512,
    }

    private static bool Observation(ref Utf8JsonReader reader, ref CompactWriter writer, out string? subject)
    {
        reader.Read(); // the root object (the line starts with it)
        subject = null;
        var seen = Member.Other;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var (member, type) = MemberOf(reader.ValueSpan);
            reader.Read();
            if (member == Member.Other)
            {
                reader.Skip();
                continue;
            }

            if ((seen & member) != 0)
            {
                return false;
            }

            seen |= member;
            switch (member)
            {
                case Member.ResourceType:
                    if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("Observation"u8))
                    {
                        return false;
                    }

                    break;
                case Member.Id:
                    if (!String(ref reader, ref writer, CompactTags.Id))
                    {
                        return false;
                    }

                    break;
                case Member.Subject:
                    writer.Tag(CompactTags.Subject);
                    if (!Reference(ref reader, ref writer, out subject))
                    {
                        return false;
                    }

                    break;
                case Member.Status:
                    if (!String(ref reader, ref writer, CompactTags.Status))
                    {
                        return false;
                    }

                    break;
                case Member.Code:
                    writer.Tag(CompactTags.Code);
                    if (!Concept(ref reader, ref writer))
                    {
                        return false;
                    }

                    break;
                case Member.Value or Member.Effective:
                    writer.Tag(member == Member.Value ? CompactTags.Value : CompactTags.Effective);
                    if (!Choice(ref reader, ref writer, type!))
                    {
                        return false;
                    }

                    break;
                case Member.Interpretation:
                    writer.Tag(CompactTags.Interpretation);
                    if (!Array(ref reader, ref writer, Concept))
                    {
                        return false;
                    }

                    break;
                case Member.Component:
                    writer.Tag(CompactTags.Component);
                    if (!Array(ref reader, ref writer, Component))
                    {
                        return false;
                    }

                    break;
                default:
                    return false; // subjectReference, patient, patientReference: not an Observation's; the usual way rules on them
            }
        }

        if (reader.Read())
        {
            return false; // content after the object (the reader throws first; kept for clarity)
        }

        writer.Tag(CompactTags.End);
        return true;
    }

    private static (Member Member, JsonViews.ChoiceType? Type) MemberOf(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("resourceType"u8) => (Member.ResourceType, null),
        _ when name.SequenceEqual("id"u8) => (Member.Id, null),
        _ when name.SequenceEqual("subject"u8) => (Member.Subject, null),
        _ when name.SequenceEqual("status"u8) => (Member.Status, null),
        _ when name.SequenceEqual("code"u8) => (Member.Code, null),
        _ when name.SequenceEqual("interpretation"u8) => (Member.Interpretation, null),
        _ when name.SequenceEqual("component"u8) => (Member.Component, null),
        _ when name.SequenceEqual("subjectReference"u8) || name.SequenceEqual("patient"u8) || name.SequenceEqual("patientReference"u8) => (Member.OtherReference, null),
        _ => ChoiceOf(name, "value"u8, Member.Value) ?? ChoiceOf(name, "effective"u8, Member.Effective) ?? (Member.Other, null),
    };

    /// <summary>A choice element's member (<c>valueQuantity</c>): the element name followed by a FHIR type's name.</summary>
    private static (Member, JsonViews.ChoiceType?)? ChoiceOf(ReadOnlySpan<byte> name, ReadOnlySpan<byte> element, Member member) =>
        name.Length > element.Length && name.StartsWith(element) && JsonViews.ChoiceTypeOfSuffix(name[element.Length..]) is { } type
            ? (member, type)
            : null;

    /// <summary>A string member: its tag and value; false when it is not a string.</summary>
    private static bool String(ref Utf8JsonReader reader, ref CompactWriter writer, byte tag)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        writer.Tag(tag);
        writer.JsonString(ref reader);
        return true;
    }

    /// <summary>A Reference object: its <c>reference</c> (the reader on its start; left on its end).</summary>
    private static bool Reference(ref Utf8JsonReader reader, ref CompactWriter writer, out string? reference)
    {
        reference = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var isReference = reader.ValueTextEquals("reference"u8);
            reader.Read();
            if (!isReference)
            {
                reader.Skip();
                continue;
            }

            if (reference is not null || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            reference = Utf8StringCache.GetString(ref reader);
            writer.JsonString(ref reader);
        }

        if (reference is null)
        {
            writer.String(null);
        }

        return true;
    }

    /// <summary>Writes one item of an array (the reader on its start; left on its end); false when it is not of the plain shape.</summary>
    private delegate bool ItemWriter(ref Utf8JsonReader reader, ref CompactWriter writer);

    /// <summary>An array of objects (the reader on its start; left on its end): each item flagged, then an end.</summary>
    private static bool Array(ref Utf8JsonReader reader, ref CompactWriter writer, ItemWriter item)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            writer.Tag(CompactTags.Item);
            if (!item(ref reader, ref writer))
            {
                return false;
            }
        }

        writer.Tag(CompactTags.End);
        return true;
    }

    /// <summary>A CodeableConcept: its text and codings (other members are never read as a concept's).</summary>
    private static bool Concept(ref Utf8JsonReader reader, ref CompactWriter writer) =>
        Members(ref reader, ref writer, static name => name.SequenceEqual("text"u8) ? CompactTags.Text : name.SequenceEqual("coding"u8) ? CompactTags.Coding : CompactTags.End);

    /// <summary>A Coding: its system, code and display (other members are never read as a coding's).</summary>
    private static bool Coding(ref Utf8JsonReader reader, ref CompactWriter writer) =>
        Members(ref reader, ref writer, static name => name.SequenceEqual("system"u8) ? CompactTags.System : name.SequenceEqual("code"u8) ? CompactTags.Code : name.SequenceEqual("display"u8) ? CompactTags.Display : CompactTags.End);

    /// <summary>
    /// The object of a choice element: every member a view reads of an object (a Coding's, a CodeableConcept's, a
    /// Quantity's, a Period's, a Reference's), since the mapping may ask a choice's value as any of them.
    /// </summary>
    private static bool Union(ref Utf8JsonReader reader, ref CompactWriter writer) => Members(ref reader, ref writer, UnionTag);

    /// <summary>The tag of a member of a choice's object (<see cref="CompactTags.End"/>: not kept).</summary>
    private static byte UnionTag(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("end"u8) => CompactTags.PeriodEnd,
        4 when name.SequenceEqual("code"u8) => CompactTags.Code,
        4 when name.SequenceEqual("text"u8) => CompactTags.Text,
        4 when name.SequenceEqual("unit"u8) => CompactTags.Unit,
        5 when name.SequenceEqual("value"u8) => CompactTags.Value,
        5 when name.SequenceEqual("start"u8) => CompactTags.Start,
        6 when name.SequenceEqual("system"u8) => CompactTags.System,
        6 when name.SequenceEqual("coding"u8) => CompactTags.Coding,
        7 when name.SequenceEqual("display"u8) => CompactTags.Display,
        9 when name.SequenceEqual("reference"u8) => CompactTags.Reference,
        _ => CompactTags.End,
    };

    /// <summary>An Observation's component: its code and its <c>value[x]</c>.</summary>
    private static bool Component(ref Utf8JsonReader reader, ref CompactWriter writer)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        bool code = false, value = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var name = reader.ValueSpan;
            var isCode = name.SequenceEqual("code"u8);
            var type = !isCode ? ChoiceOf(name, "value"u8, Member.Value)?.Item2 : null;
            reader.Read();
            if (isCode)
            {
                writer.Tag(CompactTags.Code);
                if (code || !Concept(ref reader, ref writer))
                {
                    return false;
                }

                code = true;
            }
            else if (type is not null)
            {
                writer.Tag(CompactTags.Value);
                if (value || !Choice(ref reader, ref writer, type))
                {
                    return false;
                }

                value = true;
            }
            else
            {
                reader.Skip();
            }
        }

        writer.Tag(CompactTags.End);
        return true;
    }

    /// <summary>Which tag a member name has in an object (<see cref="CompactTags.End"/>: not kept).</summary>
    private delegate byte TagOf(ReadOnlySpan<byte> name);

    /// <summary>
    /// An object whose kept members are strings, a decimal <c>value</c> and a <c>coding</c> array (the reader on its start;
    /// left on its end); each kept member once, of its kind.
    /// </summary>
    private static bool Members(ref Utf8JsonReader reader, ref CompactWriter writer, TagOf tagOf)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return false;
            }

            var tag = tagOf(reader.ValueSpan);
            reader.Read();
            if (tag == CompactTags.End)
            {
                reader.Skip();
                continue;
            }

            if ((seen & (1 << tag)) != 0)
            {
                return false;
            }

            seen |= 1 << tag;
            if (tag == CompactTags.Value)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var number))
                {
                    return false;
                }

                writer.Tag(tag);
                writer.Decimal(number);
            }
            else if (tag == CompactTags.Coding)
            {
                writer.Tag(tag);
                if (!Array(ref reader, ref writer, Coding))
                {
                    return false;
                }
            }
            else if (!String(ref reader, ref writer, tag))
            {
                return false;
            }
        }

        writer.Tag(CompactTags.End);
        return true;
    }

    /// <summary>
    /// A choice element's value, of type <paramref name="type"/>: its type's name, its JSON kind and the value; false when
    /// its JSON kind is not the type's (a string for a string-valued primitive, a number a decimal holds for a numeric one,
    /// true/false for a boolean, an object for a complex type).
    /// </summary>
    private static bool Choice(ref Utf8JsonReader reader, ref CompactWriter writer, JsonViews.ChoiceType type)
    {
        var name = type.Name;
        switch (reader.TokenType)
        {
            case JsonTokenType.String when char.IsLower(name[0]) && !IsNumeric(name) && name != "boolean":
                writer.String(name);
                writer.Byte((byte)JsonValueKind.String);
                writer.JsonString(ref reader);
                return true;
            case JsonTokenType.Number when IsNumeric(name):
                if (!reader.TryGetDecimal(out var number))
                {
                    return false; // beyond a decimal: Firely keeps its text (the usual way)
                }

                var hasInteger = reader.TryGetInt32(out var integer);
                writer.String(name);
                writer.Byte((byte)JsonValueKind.Number);
                writer.Byte((byte)((hasInteger ? 1 : 0) | (reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 ? 2 : 0)));
                if (hasInteger)
                {
                    writer.Int32(integer);
                }

                writer.Decimal(number);
                return true;
            case JsonTokenType.True or JsonTokenType.False when name == "boolean":
                writer.String(name);
                writer.Byte((byte)(reader.TokenType == JsonTokenType.True ? JsonValueKind.True : JsonValueKind.False));
                return true;
            case JsonTokenType.StartObject when char.IsUpper(name[0]):
                writer.String(name);
                writer.Byte((byte)JsonValueKind.Object);
                return Union(ref reader, ref writer);
            default:
                return false;
        }
    }

    private static bool IsNumeric(string typeName) => typeName is "integer" or "decimal" or "unsignedInt" or "positiveInt";
}
