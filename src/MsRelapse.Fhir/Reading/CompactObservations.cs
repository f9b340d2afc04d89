using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MsRelapse.Fhir;

/// <summary>One resource as a screen holds it: its JSON as exported, or the compact form of an Observation (<see cref="CompactObservations"/>).</summary>
/// <param name="Bytes">The resource's UTF-8 JSON, or its compact form.</param>
/// <param name="IsCompact">True for the compact form.</param>
public readonly record struct ResourceLine(ReadOnlyMemory<byte> Bytes, bool IsCompact = false);

/// <summary>
/// Infrastructure (a micro-optimisation, kept here on purpose): the compact form of an Observation line of the plain
/// shape, what a screen's split spills instead of the line. The split reads every line once anyway, to route it to its
/// patient; for an Observation it writes what the reader needs as it reads (<c>ObservationLines</c>), so that the
/// Observation is never parsed again and the spill is smaller (Observations are most of an export). The form holds
/// exactly what the plain views answer, so the record read back from it is the record the line gives
/// (<c>ObservationLinesTests</c>). It is private to one run: written and read by the same build (every silo of a
/// cluster runs the same build), never stored.
/// </summary>
/// <remarks>
/// The form: an object is a list of tagged members (a tag byte, its value) ended by tag 0, in the order the JSON gave
/// them; an array is its items, each after tag 1, ended by tag 0; a string is its UTF-8 length + 1 as a 7-bit varint
/// (0 for none) and its bytes, unescaped; a choice is its FHIR type's name, its JSON kind and its value.
/// </remarks>
public static class CompactObservations
{
    /// <summary>
    /// Reads an Observation line of the plain shape and appends its compact form to <paramref name="output"/>, with its
    /// <c>subject.reference</c> as <see cref="ResourceHeader.OfLine"/> reads it (an Observation of the plain shape has
    /// no other reference member, so it is routed as the line would be). False for any other line (spill that one as
    /// it is); what was appended to <paramref name="output"/> is then to be discarded.
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> line, IBufferWriter<byte> output, out string? subject)
    {
        ArgumentNullException.ThrowIfNull(output);
        return ObservationLines.TryWrite(line, output, out subject);
    }

    /// <summary>
    /// The Observation a compact form holds. Throws <see cref="InvalidDataException"/> when the bytes are not one (a
    /// damaged spill): a screen stops rather than read a record wrong.
    /// </summary>
    internal static PlainObservation Read(ReadOnlySpan<byte> compact)
    {
        try
        {
            var reader = new CompactReader(compact);
            var observation = Observation(ref reader);
            return reader.AtEnd ? observation : throw new InvalidDataException("A compact Observation has bytes after its end.");
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or KeyNotFoundException or OverflowException)
        {
            throw new InvalidDataException("A compact Observation is damaged.", ex);
        }
    }

    private static PlainObservation Observation(ref CompactReader reader)
    {
        string? id = null, subject = null, status = null;
        PlainConcept? code = null;
        PlainChoice? value = null, effective = null;
        PlainConcept[]? interpretation = null;
        PlainComponent[]? components = null;
        for (var tag = reader.Byte(); tag != CompactTags.End; tag = reader.Byte())
        {
            switch (tag)
            {
                case CompactTags.Id: id = reader.String(); break;
                case CompactTags.Subject: subject = reader.String(); break;
                case CompactTags.Status: status = reader.String(); break;
                case CompactTags.Code: code = Concept(ref reader); break;
                case CompactTags.Value: value = Choice(ref reader); break;
                case CompactTags.Effective: effective = Choice(ref reader); break;
                case CompactTags.Interpretation: interpretation = Array(ref reader, Concept); break;
                case CompactTags.Component: components = Array(ref reader, Component); break;
                default: throw Unknown(tag);
            }
        }

        return new PlainObservation(id, subject, status ?? string.Empty, code, value, effective, interpretation ?? [], components ?? []);
    }

    private delegate T ItemReader<T>(ref CompactReader reader);

    private static T[] Array<T>(ref CompactReader reader, ItemReader<T> item)
    {
        // Most arrays of a record hold one item (a concept's coding): no list for them.
        if (reader.Byte() == CompactTags.End)
        {
            return [];
        }

        var first = item(ref reader);
        if (reader.Byte() == CompactTags.End)
        {
            return [first];
        }

        var items = new List<T>(4) { first };
        do
        {
            items.Add(item(ref reader));
        }
        while (reader.Byte() != CompactTags.End);

        return [.. items];
    }

    private static PlainConcept Concept(ref CompactReader reader)
    {
        string? text = null;
        PlainCoding[]? coding = null;
        for (var tag = reader.Byte(); tag != CompactTags.End; tag = reader.Byte())
        {
            switch (tag)
            {
                case CompactTags.Text: text = reader.String(); break;
                case CompactTags.Coding: coding = Array(ref reader, Coding); break;
                default: throw Unknown(tag);
            }
        }

        return new PlainConcept(text, coding);
    }

    private static PlainCoding Coding(ref CompactReader reader)
    {
        string? system = null, code = null, display = null;
        for (var tag = reader.Byte(); tag != CompactTags.End; tag = reader.Byte())
        {
            switch (tag)
            {
                case CompactTags.System: system = reader.String(); break;
                case CompactTags.Code: code = reader.String(); break;
                case CompactTags.Display: display = reader.String(); break;
                default: throw Unknown(tag);
            }
        }

        return new PlainCoding(system, code, display);
    }

    private static PlainComponent Component(ref CompactReader reader)
    {
        PlainConcept? code = null;
        PlainChoice? value = null;
        for (var tag = reader.Byte(); tag != CompactTags.End; tag = reader.Byte())
        {
            switch (tag)
            {
                case CompactTags.Code: code = Concept(ref reader); break;
                case CompactTags.Value: value = Choice(ref reader); break;
                default: throw Unknown(tag);
            }
        }

        return new PlainComponent(code, value);
    }

    private static PlainChoice Choice(ref CompactReader reader)
    {
        var type = JsonViews.ChoiceTypesByName[reader.String() ?? throw new InvalidDataException("A compact choice has no type.")];
        var kind = (JsonValueKind)reader.Byte();
        switch (kind)
        {
            case JsonValueKind.String:
                return new PlainChoice(type, kind, text: reader.String());
            case JsonValueKind.Number:
                var flags = reader.Byte();
                int? integer = (flags & 1) != 0 ? reader.Int32() : null;
                return new PlainChoice(type, kind, integer: integer, number: reader.Decimal(), integerLiteral: (flags & 2) != 0);
            case JsonValueKind.True or JsonValueKind.False:
                return new PlainChoice(type, kind);
            case JsonValueKind.Object:
                return new PlainChoice(type, kind, value: Union(ref reader));
            default:
                throw new InvalidDataException($"A compact choice has an unknown kind ({kind}).");
        }
    }

    private static PlainObject Union(ref CompactReader reader)
    {
        string? system = null, code = null, display = null, text = null, unit = null, start = null, end = null, reference = null;
        decimal? value = null;
        PlainCoding[]? coding = null;
        for (var tag = reader.Byte(); tag != CompactTags.End; tag = reader.Byte())
        {
            switch (tag)
            {
                case CompactTags.System: system = reader.String(); break;
                case CompactTags.Code: code = reader.String(); break;
                case CompactTags.Display: display = reader.String(); break;
                case CompactTags.Text: text = reader.String(); break;
                case CompactTags.Unit: unit = reader.String(); break;
                case CompactTags.Start: start = reader.String(); break;
                case CompactTags.PeriodEnd: end = reader.String(); break;
                case CompactTags.Reference: reference = reader.String(); break;
                case CompactTags.Value: value = reader.Decimal(); break;
                case CompactTags.Coding: coding = Array(ref reader, Coding); break;
                default: throw Unknown(tag);
            }
        }

        return new PlainObject
        {
            System = system, Code = code, Display = display, Text = text, Unit = unit, StartLiteral = start, EndLiteral = end,
            Reference = reference, Value = value, Coding = coding,
        };
    }

    private static InvalidDataException Unknown(byte tag) => new($"A compact Observation has an unknown tag ({tag}).");
}

/// <summary>The tags of the compact form (all below 32: <c>ObservationLines</c> marks the members seen in an int).</summary>
internal static class CompactTags
{
    public const byte End = 0;
    public const byte Item = 1;
    public const byte Id = 2;
    public const byte Subject = 3;
    public const byte Status = 4;
    public const byte Code = 5;
    public const byte Value = 6;
    public const byte Effective = 7;
    public const byte Interpretation = 8;
    public const byte Component = 9;
    public const byte Text = 10;
    public const byte Coding = 11;
    public const byte System = 12;
    public const byte Display = 13;
    public const byte Unit = 14;
    public const byte Start = 15;
    public const byte PeriodEnd = 16;
    public const byte Reference = 17;
}

/// <summary>Writes the compact form (see <see cref="CompactObservations"/>).</summary>
internal readonly ref struct CompactWriter
{
    private readonly IBufferWriter<byte> _output;

    public CompactWriter(IBufferWriter<byte> output) => _output = output;

    public void Tag(byte tag) => Byte(tag);

    public void Byte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public void Count(int value)
    {
        var span = _output.GetSpan(5);
        var at = 0;
        var v = (uint)value;
        while (v >= 0x80)
        {
            span[at++] = (byte)((v & 0x7F) | 0x80);
            v >>= 7;
        }

        span[at++] = (byte)v;
        _output.Advance(at);
    }

    /// <summary>A string (or none).</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            Count(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Count(length + 1);
        _output.Advance(Encoding.UTF8.GetBytes(value, _output.GetSpan(length)));
    }

    /// <summary>
    /// The reader's string token, unescaped, as UTF-8: as written when it has no escape. Throws
    /// <see cref="InvalidOperationException"/> when it is not text (invalid UTF-8, an escaped lone surrogate), as
    /// <see cref="Utf8JsonReader.GetString"/> does, so that the line goes the usual way.
    /// </summary>
    public void JsonString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            Utf8Bytes(reader.ValueSpan);
            return;
        }

        // Unescaped text is never longer than its escaped form.
        var scratch = reader.ValueSpan.Length <= 256 ? stackalloc byte[256] : new byte[reader.ValueSpan.Length];
        Utf8Bytes(scratch[..reader.CopyString(scratch)]);
    }

    private void Utf8Bytes(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            throw new InvalidOperationException("A JSON string is not valid UTF-8.");
        }

        Count(utf8.Length + 1);
        utf8.CopyTo(_output.GetSpan(utf8.Length));
        _output.Advance(utf8.Length);
    }

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public void Decimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var part in bits)
        {
            Int32(part);
        }
    }
}

/// <summary>Reads what <see cref="CompactWriter"/> wrote.</summary>
internal ref struct CompactReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _at;

    public CompactReader(ReadOnlySpan<byte> data) => _data = data;

    public readonly bool AtEnd => _at == _data.Length;

    public byte Byte() => _data[_at++];

    public int Count()
    {
        var value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _data[_at++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public string? String()
    {
        var length = Count() - 1;
        if (length < 0)
        {
            return null;
        }

        var value = Utf8StringCache.GetString(_data.Slice(_at, length));
        _at += length;
        return value;
    }

    public int Int32()
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(_data[_at..]);
        _at += 4;
        return value;
    }

    public decimal Decimal()
    {
        Span<int> bits = [Int32(), Int32(), Int32(), Int32()];
        return new decimal(bits);
    }
}
