using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MsRelapse.Synthetic;

/// <summary>The resource types the generator writes, one NDJSON file series each.</summary>
public enum SynthResourceType
{
    Patient,
    Condition,
    Observation,
    MedicationAdministration,
    MedicationRequest,
    MedicationStatement,
    Procedure,
    AllergyIntolerance,
    Encounter,

    /// <summary>The export's formulary Medications, named by the steroid resources' <c>medicationReference</c> (written once).</summary>
    Medication,
}

/// <summary>
/// One batch of generated NDJSON: a UTF-8 buffer per resource type with the end offset of every line, so the file
/// writer can split files at line boundaries. Reused batch after batch (cleared, not reallocated).
/// </summary>
internal sealed class ResourceBuffers
{
    public static readonly int TypeCount = Enum.GetValues<SynthResourceType>().Length;

    private static readonly JsonWriterOptions Options = new()
    {
        // '+' in a time-zone offset and non-ASCII letters written as they are, as servers do (still valid JSON).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
        Indented = false,
    };

    private readonly ArrayBufferWriter<byte>[] _buffers;
    private readonly List<int>[] _lineEnds;
    private readonly Utf8JsonWriter[] _writers;

    public ResourceBuffers()
    {
        _buffers = new ArrayBufferWriter<byte>[TypeCount];
        _lineEnds = new List<int>[TypeCount];
        _writers = new Utf8JsonWriter[TypeCount];
        for (var i = 0; i < TypeCount; i++)
        {
            _buffers[i] = new ArrayBufferWriter<byte>(64 * 1024);
            _lineEnds[i] = [];
            _writers[i] = new Utf8JsonWriter(_buffers[i], Options);
        }
    }

    /// <summary>The first patient index of the batch.</summary>
    public long FirstIndex { get; set; }

    /// <summary>Patients in the batch.</summary>
    public int Count { get; set; }

    /// <summary>The writer for one resource of <paramref name="type"/>; call <see cref="EndLine"/> after it.</summary>
    public Utf8JsonWriter Begin(SynthResourceType type) => _writers[(int)type];

    /// <summary>Ends the resource just written: flushes it and ends the NDJSON line.</summary>
    public void EndLine(SynthResourceType type)
    {
        var i = (int)type;
        _writers[i].Flush();
        _writers[i].Reset(_buffers[i]);
        var span = _buffers[i].GetSpan(1);
        span[0] = (byte)'\n';
        _buffers[i].Advance(1);
        _lineEnds[i].Add(_buffers[i].WrittenCount);
    }

    /// <summary>Appends raw bytes as one line (used for the deliberately malformed lines).</summary>
    public void RawLine(SynthResourceType type, ReadOnlySpan<byte> utf8)
    {
        var i = (int)type;
        _buffers[i].Write(utf8);
        var span = _buffers[i].GetSpan(1);
        span[0] = (byte)'\n';
        _buffers[i].Advance(1);
        _lineEnds[i].Add(_buffers[i].WrittenCount);
    }

    public ReadOnlyMemory<byte> Written(SynthResourceType type) => _buffers[(int)type].WrittenMemory;

    public IReadOnlyList<int> LineEnds(SynthResourceType type) => _lineEnds[(int)type];

    public long TotalBytes()
    {
        long total = 0;
        foreach (var b in _buffers)
        {
            total += b.WrittenCount;
        }

        return total;
    }

    public void Clear()
    {
        for (var i = 0; i < TypeCount; i++)
        {
            _buffers[i].ResetWrittenCount();
            _lineEnds[i].Clear();
            _writers[i].Reset(_buffers[i]);
        }

        Count = 0;
    }
}
