using System.Globalization;

namespace MsRelapse.Synthetic;

/// <summary>
/// Writes batches of NDJSON lines into one file series per resource type, <c>Type.000.ndjson</c>,
/// <c>Type.001.ndjson</c>, …, starting a new file before a line would take the current one past the size limit, as
/// Bulk Data servers split their output. A line longer than the limit gets a file of its own. Files are written
/// only for types that have resources.
/// </summary>
internal sealed class BulkExportWriter : IDisposable
{
    private readonly string _directory;
    private readonly long _limitBytes;
    private readonly FileStream?[] _streams = new FileStream?[ResourceBuffers.TypeCount];
    private readonly long[] _fileBytes = new long[ResourceBuffers.TypeCount];
    private readonly int[] _fileIndex = new int[ResourceBuffers.TypeCount];
    private readonly SynthFile?[] _current = new SynthFile?[ResourceBuffers.TypeCount];
    private readonly List<SynthFile> _files = [];

    public BulkExportWriter(string directory, long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 1);
        _directory = directory;
        _limitBytes = limitBytes;
        Array.Fill(_fileIndex, -1);
    }

    /// <summary>Lines written per type.</summary>
    public long[] Lines { get; } = new long[ResourceBuffers.TypeCount];

    /// <summary>Bytes written so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>The files written, in order.</summary>
    public IReadOnlyList<SynthFile> Files => _files;

    public void Write(ResourceBuffers batch)
    {
        for (var t = 0; t < ResourceBuffers.TypeCount; t++)
        {
            var type = (SynthResourceType)t;
            var data = batch.Written(type).Span;
            var ends = batch.LineEnds(type);
            var from = 0;
            var line = 0;
            while (line < ends.Count)
            {
                // The longest run of whole lines that fits in the current file (at least one line in a fresh file).
                var stream = _streams[t];
                var room = stream is null ? 0 : _limitBytes - _fileBytes[t];
                var to = line;
                while (to < ends.Count && ends[to] - from <= room)
                {
                    to++;
                }

                if (to == line)
                {
                    Roll(t);
                    room = _limitBytes;
                    to = line + 1; // a fresh file takes at least one line, however long
                    while (to < ends.Count && ends[to] - from <= room)
                    {
                        to++;
                    }
                }

                var length = ends[to - 1] - from;
                _streams[t]!.Write(data.Slice(from, length));
                _fileBytes[t] += length;
                Bytes += length;
                Lines[t] += to - line;
                _current[t]!.Add(to - line, length);
                from = ends[to - 1];
                line = to;
            }
        }
    }

    private void Roll(int type)
    {
        _streams[type]?.Dispose();
        _fileIndex[type]++;
        var name = FileName((SynthResourceType)type, _fileIndex[type]);
        _streams[type] = new FileStream(Path.Combine(_directory, name), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        _fileBytes[type] = 0;
        _current[type] = new SynthFile(name, (SynthResourceType)type);
        _files.Add(_current[type]!);
    }

    public static string FileName(SynthResourceType type, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{type}.{index:000}.ndjson");

    public void Dispose()
    {
        foreach (var s in _streams)
        {
            s?.Dispose();
        }
    }
}

/// <summary>One NDJSON file of the export.</summary>
public sealed class SynthFile(string name, SynthResourceType type)
{
    /// <summary>File name within the output folder, e.g. <c>Observation.003.ndjson</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The resource type of every line.</summary>
    public SynthResourceType Type { get; } = type;

    /// <summary>Lines (resources) in the file.</summary>
    public long Lines { get; private set; }

    /// <summary>Size in bytes.</summary>
    public long Bytes { get; private set; }

    internal void Add(long lines, long bytes)
    {
        Lines += lines;
        Bytes += bytes;
    }
}
