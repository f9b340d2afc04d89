using System.Runtime.InteropServices;
using System.Text.Json;

namespace MsRelapse.Fhir;

/// <summary>
/// Infrastructure (a micro-optimisation, kept here on purpose): the strings of the JSON the fast reader reads, made
/// once per distinct short value instead of once per occurrence. A record repeats the same few strings hundreds of
/// times (<c>final</c>, <c>http://loinc.org</c>, LOINC and SNOMED codes, units, resource types), and making each of
/// them again was the largest share of what the reader allocated (measured in <c>benchmarks/README.md</c>).
/// </summary>
/// <remarks>
/// A direct-mapped table: the hash of a value's raw UTF-8 picks one slot; a slot holding the same bytes gives its
/// string, any other value replaces it. Slots are immutable objects swapped by reference, so threads share the table
/// without locks (a race costs one extra string, never a wrong one: a slot's bytes and string are made together).
/// A slot is found by the value's raw bytes (escapes and all) and its string is made by the JSON reader, so an
/// escaped value reads as the reader reads it. Only values up to <see cref="MaxBytes"/> bytes are kept. The table holds
/// values from patient records in process memory only, as the records themselves are; nothing reads it but this class.
/// A value is kept the second time its slot sees it in a row (<see cref="Seen"/> holds the hash of the last value
/// each slot missed): resource ids, references and timestamps are mostly seen once, and keeping each of them cost
/// a slot and a copy of its bytes, and pushed out the codes that do repeat.
/// </remarks>
internal static class Utf8StringCache
{
    /// <summary>Longer values (narratives, long identifiers) are rarely repeated: read as usual.</summary>
    private const int MaxBytes = 64;

    private const int SlotBits = 12;

    private sealed class Slot(byte[] utf8, string value)
    {
        public readonly byte[] Utf8 = utf8;
        public readonly string Value = value;
    }

    private static readonly Slot?[] Slots = new Slot?[1 << SlotBits];

    /// <summary>Per slot, the full hash of the last value it missed (a race costs one value kept late or early).</summary>
    private static readonly int[] Seen = new int[1 << SlotBits];

    /// <summary>The string of a JSON string value (as <see cref="JsonElement.GetString"/>).</summary>
    public static string GetString(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            raw = raw.Slice(1, raw.Length - 2); // the quotes
            if (raw.Length <= MaxBytes)
            {
                var hash = HashOf(raw);
                return Cached(hash, raw) ?? Keep(hash, raw, value.GetString()!);
            }
        }

        return value.GetString()!;
    }

    /// <summary>The string of the reader's current string token (as <see cref="Utf8JsonReader.GetString"/>).</summary>
    public static string GetString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && reader.ValueSpan.Length <= MaxBytes)
        {
            var raw = reader.ValueSpan;
            var hash = HashOf(raw);
            return Cached(hash, raw) ?? Keep(hash, raw, reader.GetString()!);
        }

        return reader.GetString()!;
    }

    /// <summary>
    /// The string of UTF-8 text already unescaped (a compact Observation's strings, <see cref="CompactObservations"/>).
    /// Text without a backslash is also its own JSON form, so it shares the table with the values above; text with one
    /// would not read the same as JSON, and is made as it is.
    /// </summary>
    public static string GetString(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= MaxBytes && utf8.IndexOf((byte)'\\') < 0)
        {
            var hash = HashOf(utf8);
            return Cached(hash, utf8) ?? Keep(hash, utf8, System.Text.Encoding.UTF8.GetString(utf8));
        }

        return System.Text.Encoding.UTF8.GetString(utf8);
    }

    private static int HashOf(ReadOnlySpan<byte> utf8)
    {
        var hash = default(HashCode); // seeded per process: a crafted record cannot aim at one slot
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }

    private static int IndexOf(int hash) => hash & ((1 << SlotBits) - 1);

    private static string? Cached(int hash, ReadOnlySpan<byte> utf8) =>
        Volatile.Read(ref Slots[IndexOf(hash)]) is { } slot && utf8.SequenceEqual(slot.Utf8) ? slot.Value : null;

    /// <summary>
    /// Keeps a value the JSON reader made (so that text that is not valid UTF-8 throws as it always does), if its slot
    /// missed it last time too; else only notes it.
    /// </summary>
    private static string Keep(int hash, ReadOnlySpan<byte> utf8, string value)
    {
        var index = IndexOf(hash);
        if (Volatile.Read(ref Seen[index]) != hash)
        {
            Volatile.Write(ref Seen[index], hash);
            return value;
        }

        Volatile.Write(ref Slots[index], new Slot(utf8.ToArray(), value));
        return value;
    }
}
