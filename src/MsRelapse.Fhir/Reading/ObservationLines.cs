using System.Text.Json;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// Infrastructure (a micro-optimisation, kept here on purpose): an Observation given as one JSON object (an NDJSON
/// line of a Bulk Data export) read in one forward pass of <see cref="Utf8JsonReader"/> into plain views, with no
/// <see cref="JsonDocument"/>. Observations are most of an export's bytes (71 % of a synthetic one), and building a
/// document of each only to look a dozen members up in it was a large share of what reading a patient cost
/// (<c>benchmarks/README.md</c>, "Screening").
/// </summary>
/// <remarks>
/// It takes only the plain shape that exports write: the line starts with <c>{"resourceType":"Observation",</c>;
/// names are written without escapes and given once; every member the views read has the JSON kind of its FHIR type
/// (strings; numbers a decimal holds; objects; arrays of objects); there is no null. Anything else, and it gives up
/// (null): the line is then read the usual way (<see cref="JsonViews"/> over a document), which holds every ruling on
/// odd JSON (Firely's answers for wrong kinds, nulls, nested arrays, repeated or escaped names). Within the plain
/// shape, the plain views answer every question the mapping can ask exactly as <see cref="JsonViews"/> answer it
/// for the same text, and the mapping (<see cref="BundleReader"/>) is the same one: no code, unit or date is read
/// here. The differential tests (<c>ObservationLinesTests</c>) hold both ways to the same record.
/// </remarks>
internal static class ObservationLines
{
    private static ReadOnlySpan<byte> Start => "{\"resourceType\":\"Observation\","u8;

    /// <summary>As the document the usual way parses: comments are not JSON.</summary>
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The entry of an Observation line in the plain shape; null for any other line (read it the usual way).</summary>
    public static BundleReader.Entry? TryRead(ReadOnlySpan<byte> line, int index)
    {
        if (!line.StartsWith(Start))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(line, Options);
            return Read(ref reader, index);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null; // not well-formed JSON, or a string that is not text: the usual way says which
        }
    }

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

    private static BundleReader.Entry? Read(ref Utf8JsonReader reader, int index)
    {
        reader.Read(); // the root object (the line starts with it)
        string? id = null, subject = null, status = null;
        PlainConcept? code = null;
        PlainChoice? value = null, effective = null;
        PlainConcept[]? interpretation = null;
        PlainComponent[]? components = null;
        var seen = Member.Other;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
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
                return null;
            }

            seen |= member;
            var plain = member switch
            {
                Member.ResourceType => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("Observation"u8),
                Member.Id => TryString(ref reader, out id),
                Member.Subject => TryReference(ref reader, out subject),
                Member.Status => TryString(ref reader, out status),
                Member.Code => (code = PlainConcept.Read(ref reader)) is not null,
                Member.Value => (value = PlainChoice.Read(ref reader, type!)) is not null,
                Member.Effective => (effective = PlainChoice.Read(ref reader, type!)) is not null,
                Member.Interpretation => (interpretation = PlainArrays.Read(ref reader, PlainConcept.Read)) is not null,
                Member.Component => (components = PlainArrays.Read(ref reader, PlainComponent.Read)) is not null,
                _ => false, // subjectReference, patient, patientReference: not an Observation's; the usual way rules on them
            };
            if (!plain)
            {
                return null;
            }
        }

        if (reader.Read())
        {
            return null; // content after the object (the reader throws first; kept for clarity)
        }

        var header = new ResourceHeader(1, "Observation", id, subject, null, null, null);
        if (BundleScanner.ScanHeader(header, index) is not { } e)
        {
            return null;
        }

        var view = new PlainObservation(status ?? string.Empty, code, value, effective, interpretation ?? [], components ?? []);
        return new BundleReader.Entry(e.Index, e.FullUrl, e.TypeName, e.Id, view, e.PatientReferences);
    }

    private static (Member Member, JsonViews.ChoiceType? Type) MemberOf(ReadOnlySpan<byte> name)
    {
        if (name.SequenceEqual("resourceType"u8))
        {
            return (Member.ResourceType, null);
        }

        if (name.SequenceEqual("id"u8))
        {
            return (Member.Id, null);
        }

        if (name.SequenceEqual("subject"u8))
        {
            return (Member.Subject, null);
        }

        if (name.SequenceEqual("status"u8))
        {
            return (Member.Status, null);
        }

        if (name.SequenceEqual("code"u8))
        {
            return (Member.Code, null);
        }

        if (name.SequenceEqual("interpretation"u8))
        {
            return (Member.Interpretation, null);
        }

        if (name.SequenceEqual("component"u8))
        {
            return (Member.Component, null);
        }

        if (name.SequenceEqual("subjectReference"u8) || name.SequenceEqual("patient"u8) || name.SequenceEqual("patientReference"u8))
        {
            return (Member.OtherReference, null);
        }

        return ChoiceOf(name, "value"u8, Member.Value) is { } value ? value : ChoiceOf(name, "effective"u8, Member.Effective) ?? (Member.Other, null);
    }

    /// <summary>A choice element's member (<c>valueQuantity</c>): the element name followed by a FHIR type's name.</summary>
    private static (Member, JsonViews.ChoiceType?)? ChoiceOf(ReadOnlySpan<byte> name, ReadOnlySpan<byte> element, Member member) =>
        name.Length > element.Length && name.StartsWith(element) && JsonViews.ChoiceTypeOfSuffix(name[element.Length..]) is { } type
            ? (member, type)
            : null;

    /// <summary>A string value (the reader on it).</summary>
    internal static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? Utf8StringCache.GetString(ref reader) : null;
        return value is not null;
    }

    /// <summary>The <c>reference</c> of a Reference object (the reader on its start; left on its end).</summary>
    private static bool TryReference(ref Utf8JsonReader reader, out string? reference)
    {
        reference = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = false;
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

            if (seen || !TryString(ref reader, out reference))
            {
                return false;
            }

            seen = true;
        }

        return true;
    }
}

/// <summary>
/// The object of a choice element of the plain shape (<c>valueQuantity</c>, <c>effectivePeriod</c>, …), with every
/// member any view reads of an object (a Coding's, a CodeableConcept's, a Quantity's, a Period's, a Reference's): the
/// mapping may ask a choice's value as any of them, and gets what <see cref="JsonViews"/> would give.
/// </summary>
internal sealed class PlainObject : ICodingView, IConceptView, IQuantityView
{
    /// <summary>What a choice of a primitive type is asked as a concept: no text, no coding (as <see cref="JsonViews"/>).</summary>
    public static readonly PlainObject Empty = new();

    private PlainCoding[]? _coding;

    public string? System { get; private set; }

    public string? Code { get; private set; }

    public string? Display { get; private set; }

    public string? Text { get; private set; }

    public decimal? Value { get; private set; }

    public string? Unit { get; private set; }

    public string? StartLiteral { get; private set; }

    public string? EndLiteral { get; private set; }

    public string? Reference { get; private set; }

    public IReadOnlyList<ICodingView> Codings => _coding ?? (IReadOnlyList<ICodingView>)[];

    [Flags]
    private enum Member
    {
        Other = 0,
        System = 1,
        Code = 2,
        Display = 4,
        Text = 8,
        Value = 16,
        Unit = 32,
        Start = 64,
        End = 128,
        Reference = 256,
        Coding = 512,
    }

    /// <summary>The object at the reader (on its start; left on its end); null when it is not of the plain shape.</summary>
    public static PlainObject? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var o = new PlainObject();
        var seen = Member.Other;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            var member = MemberOf(reader.ValueSpan);
            reader.Read();
            if (member == Member.Other)
            {
                reader.Skip();
                continue;
            }

            if ((seen & member) != 0)
            {
                return null;
            }

            seen |= member;
            if (member == Member.Value)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var d))
                {
                    return null;
                }

                o.Value = d;
            }
            else if (member == Member.Coding)
            {
                if ((o._coding = PlainArrays.Read(ref reader, PlainCoding.Read)) is null)
                {
                    return null;
                }
            }
            else
            {
                if (!ObservationLines.TryString(ref reader, out var text))
                {
                    return null;
                }

                o.Set(member, text);
            }
        }

        return o;
    }

    private void Set(Member member, string? text)
    {
        switch (member)
        {
            case Member.System: System = text; break;
            case Member.Code: Code = text; break;
            case Member.Display: Display = text; break;
            case Member.Text: Text = text; break;
            case Member.Unit: Unit = text; break;
            case Member.Start: StartLiteral = text; break;
            case Member.End: EndLiteral = text; break;
            case Member.Reference: Reference = text; break;
        }
    }

    private static Member MemberOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("end"u8) => Member.End,
        4 when name.SequenceEqual("code"u8) => Member.Code,
        4 when name.SequenceEqual("text"u8) => Member.Text,
        4 when name.SequenceEqual("unit"u8) => Member.Unit,
        5 when name.SequenceEqual("value"u8) => Member.Value,
        5 when name.SequenceEqual("start"u8) => Member.Start,
        6 when name.SequenceEqual("system"u8) => Member.System,
        6 when name.SequenceEqual("coding"u8) => Member.Coding,
        7 when name.SequenceEqual("display"u8) => Member.Display,
        9 when name.SequenceEqual("reference"u8) => Member.Reference,
        _ => Member.Other,
    };
}

/// <summary>
/// A choice element of the plain shape: a string for a string-valued primitive type, a number for a numeric one,
/// true/false for a boolean, an object for a complex type. Each accessor answers as <see cref="JsonViews"/>' does for
/// a value of that JSON kind, including the ones the mapping would not ask of that type.
/// </summary>
internal sealed class PlainChoice : IChoiceView
{
    private readonly JsonViews.ChoiceType _type;
    private readonly JsonValueKind _kind;
    private readonly string? _text;
    private readonly int? _integer;
    private readonly decimal? _decimal;
    private readonly bool _integerLiteral;
    private readonly PlainObject? _object;

    private PlainChoice(JsonViews.ChoiceType type, JsonValueKind kind, string? text = null, int? integer = null, decimal? number = null, bool integerLiteral = false, PlainObject? value = null)
    {
        _type = type;
        _kind = kind;
        _text = text;
        _integer = integer;
        _decimal = number;
        _integerLiteral = integerLiteral;
        _object = value;
    }

    /// <summary>The choice's value at the reader, of type <paramref name="type"/>; null when its JSON kind is not the type's.</summary>
    public static PlainChoice? Read(ref Utf8JsonReader reader, JsonViews.ChoiceType type)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String when IsStringType(type.Name):
                return new PlainChoice(type, JsonValueKind.String, text: Utf8StringCache.GetString(ref reader));
            case JsonTokenType.Number when type.Name is "integer" or "decimal" or "unsignedInt" or "positiveInt":
                var hasInteger = reader.TryGetInt32(out var i);
                var hasDecimal = reader.TryGetDecimal(out var d);
                if (!hasDecimal)
                {
                    return null; // beyond a decimal: Firely keeps its text (the usual way)
                }

                return new PlainChoice(type, JsonValueKind.Number, integer: hasInteger ? i : null, number: d, integerLiteral: reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0);
            case JsonTokenType.True or JsonTokenType.False when type.Name == "boolean":
                return new PlainChoice(type, reader.TokenType == JsonTokenType.True ? JsonValueKind.True : JsonValueKind.False);
            case JsonTokenType.StartObject when char.IsUpper(type.Name[0]):
                return PlainObject.Read(ref reader) is { } value ? new PlainChoice(type, JsonValueKind.Object, value: value) : null;
            default:
                return null;
        }
    }

    /// <summary>The primitive types written as JSON strings (every primitive but boolean and the numbers).</summary>
    private static bool IsStringType(string name) =>
        char.IsLower(name[0]) && name is not ("boolean" or "integer" or "decimal" or "unsignedInt" or "positiveInt");

    public string TypeName => _type.Name;

    public bool IsQuantity => _type.IsQuantity;

    public IQuantityView AsQuantity() => _object ?? (IQuantityView)new PrimitiveQuantity(this);

    public IConceptView AsConcept() => _object ?? PlainObject.Empty;

    public int? AsInteger() => _kind switch
    {
        JsonValueKind.Object => null,
        JsonValueKind.Number when _integer is { } i => i,
        _ => throw JsonViews.Broken(_type.Name, _kind),
    };

    public decimal? AsDecimal() => _kind switch
    {
        JsonValueKind.Object => null,
        JsonValueKind.Number => _decimal,
        _ => throw JsonViews.Broken(_type.Name, _kind),
    };

    public bool? AsBoolean() => _kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => null,
        _ => throw JsonViews.Broken(_type.Name, _kind),
    };

    public string? AsString() => _kind switch
    {
        JsonValueKind.Object => null,
        JsonValueKind.String => _text,
        _ => throw JsonViews.Broken(_type.Name, _kind),
    };

    public ClinicalTime? AsInstant() => AsString() is { } literal ? JsonViews.InstantOf(literal) : null;

    public string? PeriodStart() => _object?.StartLiteral;

    public string? PeriodEnd() => _object?.EndLiteral;

    public string? AsReference() => _object?.Reference;

    /// <summary>
    /// A primitive asked as a Quantity: Firely keeps it as the Quantity's <c>value</c>, so a decimal literal reads as
    /// the value and anything else throws when the value is read; the other members are absent.
    /// </summary>
    private sealed class PrimitiveQuantity(PlainChoice choice) : IQuantityView
    {
        public decimal? Value => choice._kind == JsonValueKind.Number && !choice._integerLiteral
            ? choice._decimal
            : throw JsonViews.Broken("value", choice._kind);

        public string? Unit => null;

        public string? System => null;

        public string? Code => null;
    }
}

/// <summary>An Observation's component of the plain shape: its code and its <c>value[x]</c>.</summary>
internal sealed class PlainComponent(PlainConcept? code, PlainChoice? value) : IComponentView
{
    public IConceptView? Code => code;

    public IChoiceView? Value => value;

    /// <summary>The component at the reader (on its start; left on its end); null when it is not of the plain shape.</summary>
    public static PlainComponent? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        PlainConcept? code = null;
        PlainChoice? value = null;
        bool seenCode = false, seenValue = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            var name = reader.ValueSpan;
            var isCode = name.SequenceEqual("code"u8);
            var type = !isCode && name.Length > 5 && name.StartsWith("value"u8) ? JsonViews.ChoiceTypeOfSuffix(name[5..]) : null;
            reader.Read();
            if (isCode)
            {
                if (seenCode || (code = PlainConcept.Read(ref reader)) is null)
                {
                    return null;
                }

                seenCode = true;
            }
            else if (type is not null)
            {
                if (seenValue || (value = PlainChoice.Read(ref reader, type)) is null)
                {
                    return null;
                }

                seenValue = true;
            }
            else
            {
                reader.Skip();
            }
        }

        return new PlainComponent(code, value);
    }
}

/// <summary>An Observation of the plain shape.</summary>
internal sealed class PlainObservation(string status, PlainConcept? code, PlainChoice? value, PlainChoice? effective, PlainConcept[] interpretation, PlainComponent[] components) : IObservationView
{
    public string Status => status;

    public IConceptView? Code => code;

    public IChoiceView? Value => value;

    public IChoiceView? Effective => effective;

    public IReadOnlyList<IConceptView?> Interpretation => interpretation;

    public IReadOnlyList<IComponentView?> Components => components;
}

/// <summary>A Coding of the plain shape (only ever read as a Coding: its other members are not kept).</summary>
internal sealed class PlainCoding : ICodingView
{
    public string? System { get; private set; }

    public string? Code { get; private set; }

    public string? Display { get; private set; }

    /// <summary>The coding at the reader (on its start; left on its end); null when it is not of the plain shape.</summary>
    public static PlainCoding? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var coding = new PlainCoding();
        bool system = false, code = false, display = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            var name = reader.ValueSpan;
            var which = name.SequenceEqual("system"u8) ? 1 : name.SequenceEqual("code"u8) ? 2 : name.SequenceEqual("display"u8) ? 3 : 0;
            reader.Read();
            if (which == 0)
            {
                reader.Skip();
                continue;
            }

            if (!ObservationLines.TryString(ref reader, out var text))
            {
                return null;
            }

            switch (which)
            {
                case 1 when Once(ref system):
                    coding.System = text;
                    break;
                case 2 when Once(ref code):
                    coding.Code = text;
                    break;
                case 3 when Once(ref display):
                    coding.Display = text;
                    break;
                default:
                    return null; // given twice
            }
        }

        return coding;
    }

    /// <summary>Marks a member seen; false when it was seen before.</summary>
    internal static bool Once(ref bool seen)
    {
        var first = !seen;
        seen = true;
        return first;
    }
}

/// <summary>A CodeableConcept of the plain shape (only ever read as a concept: its other members are not kept).</summary>
internal sealed class PlainConcept : IConceptView
{
    private PlainCoding[]? _coding;

    public string? Text { get; private set; }

    public IReadOnlyList<ICodingView> Codings => _coding ?? (IReadOnlyList<ICodingView>)[];

    /// <summary>The concept at the reader (on its start; left on its end); null when it is not of the plain shape.</summary>
    public static PlainConcept? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var concept = new PlainConcept();
        bool text = false, coding = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            var name = reader.ValueSpan;
            var isText = name.SequenceEqual("text"u8);
            var isCoding = !isText && name.SequenceEqual("coding"u8);
            reader.Read();
            if (isText)
            {
                if (!PlainCoding.Once(ref text) || !ObservationLines.TryString(ref reader, out var value))
                {
                    return null;
                }

                concept.Text = value;
            }
            else if (isCoding)
            {
                if (!PlainCoding.Once(ref coding) || (concept._coding = PlainArrays.Read(ref reader, PlainCoding.Read)) is null)
                {
                    return null;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return concept;
    }
}

/// <summary>Arrays of the plain shape: every item an object of the plain shape (no null, no nested array).</summary>
internal static class PlainArrays
{
    /// <summary>Reads one item at the reader (on its start; left on its end); null when it is not of the plain shape.</summary>
    public delegate T? ItemReader<T>(ref Utf8JsonReader reader)
        where T : class;

    /// <summary>The items of the array at the reader (on its start; left on its end); null when it is not of the plain shape.</summary>
    public static T[]? Read<T>(ref Utf8JsonReader reader, ItemReader<T> item)
        where T : class
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }

        // Most arrays of a record hold one item (a concept's coding): no list for them.
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return [];
        }

        if (item(ref reader) is not { } first)
        {
            return null;
        }

        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return [first];
        }

        var items = new List<T>(4) { first };
        do
        {
            if (item(ref reader) is not { } next)
            {
                return null;
            }

            items.Add(next);
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);

        return [.. items];
    }
}
