using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using MsRelapse.Fhir;

namespace MsRelapse.Screening;

/// <summary>An export split by patient: the input files, the partition files, and what the split found.</summary>
/// <param name="InputFiles">The export's NDJSON files (names relative to the export folder), in the order read (ordinal by name).</param>
/// <param name="PartitionCount">The number of partitions.</param>
/// <param name="PartitionFiles">For each partition, the spill files that hold its lines (several writers may have written to it).</param>
/// <param name="Malformed">Malformed lines found while splitting.</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="Lines">Non-blank lines read.</param>
/// <param name="MalformedByFile">Malformed lines counted by file (all of them; <paramref name="Malformed"/> keeps the first <see cref="ExportPartitioner.MalformedKeptPerFile"/> of each file).</param>
/// <param name="SkippedByType">Resources not needed for screening, by type: types the pathway does not read (only
/// their patient reference matters, and it was read), and resources of no patient (Organization, Practitioner…).</param>
public sealed record PartitionedExport(
    ImmutableArray<string> InputFiles,
    int PartitionCount,
    ImmutableArray<ImmutableArray<string>> PartitionFiles,
    ImmutableArray<MalformedLine> Malformed,
    long Bytes,
    long Lines,
    ImmutableSortedDictionary<string, long> MalformedByFile,
    ImmutableSortedDictionary<string, long> SkippedByType)
{
    /// <summary>
    /// The spill files of the export's own Medication resources (one per worker that met any): what
    /// <see cref="PartitionScreener"/> attaches, in every partition, to a patient whose medications point at them.
    /// </summary>
    public ImmutableArray<string> MedicationFiles { get; init; } = [];

    /// <summary>
    /// The split of a whole export from the splits of its parts (<see cref="ExportPartitioner.PartitionFiles"/> over
    /// disjoint sets of its files, possibly on other machines): each partition's spill files from every part, the
    /// malformed lines and counts of all. The same records as one split of every file, in other spill files.
    /// </summary>
    public static PartitionedExport Combine(IReadOnlyList<PartitionedExport> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("At least one part is needed.", nameof(parts));
        }

        var first = parts[0];
        if (parts.Any(p => p.PartitionCount != first.PartitionCount || !p.InputFiles.SequenceEqual(first.InputFiles)))
        {
            throw new ArgumentException("The parts split different exports, or into different partition counts.", nameof(parts));
        }

        static ImmutableSortedDictionary<string, long> Sum(IEnumerable<ImmutableSortedDictionary<string, long>> counts) =>
            counts.SelectMany(c => c).GroupBy(c => c.Key, StringComparer.Ordinal)
                .ToImmutableSortedDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);

        return new PartitionedExport(
            first.InputFiles,
            first.PartitionCount,
            [.. Enumerable.Range(0, first.PartitionCount).Select(p => parts.SelectMany(part => part.PartitionFiles[p]).Order(StringComparer.Ordinal).ToImmutableArray())],
            [.. parts.SelectMany(p => p.Malformed).OrderBy(m => m.File, StringComparer.Ordinal).ThenBy(m => m.Line)],
            parts.Sum(p => p.Bytes),
            parts.Sum(p => p.Lines),
            Sum(parts.Select(p => p.MalformedByFile)),
            Sum(parts.Select(p => p.SkippedByType)))
        {
            MedicationFiles = [.. parts.SelectMany(p => p.MedicationFiles).Order(StringComparer.Ordinal)],
        };
    }
}

/// <summary>
/// The first pass of a screen: streams every NDJSON file of an export once and spills each line to the partition
/// of its patient (<see cref="PatientPartition"/>), so that a patient's resources, spread over many files, meet
/// in one partition without the export ever being loaded. Memory is one read buffer and one write buffer per
/// partition per worker, whatever the export's size. Files are read in parallel (one worker per core).
/// </summary>
/// <remarks>
/// A spilled record is binary: key length, key (UTF-8), file index, line number, line length, line. The line is
/// kept byte for byte, so screening reads exactly what the export holds; or, for an Observation of the plain shape
/// when the caller asks for it, what the split read of it (<see cref="CompactObservations"/>: the answers the reader's
/// views give for that line, so that it is not parsed a second time).
/// </remarks>
public static class ExportPartitioner
{
    /// <summary>The key of a Medication resource in a medication spill file: its reference, <c>Medication/id</c>.</summary>
    public const string MedicationKeyPrefix = "Medication/";

    /// <summary>Malformed lines kept per file for the report (all are counted).</summary>
    public const int MalformedKeptPerFile = 100;

    /// <summary>The NDJSON files of an export folder (<c>*.ndjson</c>, ordinal by name).</summary>
    public static ImmutableArray<string> FilesOf(string exportDirectory) =>
        [.. Directory.EnumerateFiles(exportDirectory, "*.ndjson", SearchOption.TopDirectoryOnly)
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>Splits the export in <paramref name="exportDirectory"/> into <paramref name="partitionCount"/> partitions under <paramref name="workDirectory"/>.</summary>
    /// <param name="exportDirectory">The folder of NDJSON files.</param>
    /// <param name="workDirectory">Where the partition files go (created).</param>
    /// <param name="partitionCount">Number of partitions (see <see cref="PatientPartition.CountFor"/>).</param>
    /// <param name="compactObservations">
    /// Spill the Observations of the plain shape in their compact form (<see cref="CompactObservations"/>, read back by
    /// <see cref="PartitionScreener"/>) instead of as lines: what a screen does. False spills every line as it is, for a
    /// reader that needs the JSON (the Firely path of the benchmark).
    /// </param>
    /// <param name="onBytes">Called with the bytes read since the last call (progress), from any thread.</param>
    /// <param name="maxWorkers">Files read at once (default: one per core).</param>
    /// <param name="cancellationToken">Cancels the split.</param>
    public static PartitionedExport Partition(string exportDirectory, string workDirectory, int partitionCount, bool compactObservations, Action<long>? onBytes = null, int maxWorkers = 0, CancellationToken cancellationToken = default) =>
        PartitionFiles(exportDirectory, [.. Enumerable.Range(0, FilesOf(exportDirectory).Length)], workDirectory, partitionCount, compactObservations, onBytes, maxWorkers, cancellationToken);

    /// <summary>
    /// The export's files (as indices into <see cref="FilesOf"/>) in at most <paramref name="count"/> groups of about
    /// equal size, for a split done in parts (<see cref="PartitionFiles"/>): the largest file first, each into the
    /// lightest group (ties: the lower group), so that no group outweighs another by more than its largest file. At
    /// most one group per file; none for an export without a file. The same export gives the same groups.
    /// </summary>
    public static int[][] GroupFiles(string exportDirectory, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var files = FilesOf(exportDirectory);
        var groups = Enumerable.Range(0, Math.Min(count, files.Length)).Select(_ => new List<int>()).ToArray();
        var lightest = new PriorityQueue<int, (long Bytes, int Group)>();
        for (var g = 0; g < groups.Length; g++)
        {
            lightest.Enqueue(g, (0, g));
        }

        var bySize = files.Select((name, index) => (Index: index, Bytes: new FileInfo(Path.Combine(exportDirectory, name)).Length))
            .OrderByDescending(f => f.Bytes).ThenBy(f => f.Index);
        foreach (var (index, bytes) in bySize)
        {
            lightest.TryDequeue(out var group, out var load);
            groups[group].Add(index);
            lightest.Enqueue(group, (load.Bytes + bytes, group));
        }

        return [.. groups.Select(g => g.Order().ToArray())];
    }

    /// <summary>
    /// Splits some of the export's files (<paramref name="fileIndices"/>, into <see cref="FilesOf"/>): one part of a
    /// split that several machines share, each its own files into its own <paramref name="workDirectory"/>;
    /// <see cref="PartitionedExport.Combine"/> joins the parts. Records keep the file's index in the whole export, so
    /// a patient's resources are read in export order whichever part spilled them.
    /// </summary>
    /// <param name="exportDirectory">The folder of NDJSON files.</param>
    /// <param name="fileIndices">The files of this part (indices into <see cref="FilesOf"/>).</param>
    /// <param name="workDirectory">Where this part's spill files go (created).</param>
    /// <param name="partitionCount">Number of partitions (the same in every part).</param>
    /// <param name="compactObservations">As for <see cref="Partition"/>.</param>
    /// <param name="onBytes">Called with the bytes read since the last call (progress), from any thread.</param>
    /// <param name="maxWorkers">Files read at once (default: one per core).</param>
    /// <param name="cancellationToken">Cancels the split.</param>
    public static PartitionedExport PartitionFiles(string exportDirectory, IReadOnlyList<int> fileIndices, string workDirectory, int partitionCount, bool compactObservations, Action<long>? onBytes = null, int maxWorkers = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentNullException.ThrowIfNull(fileIndices);
        var files = FilesOf(exportDirectory);
        if (fileIndices.Any(i => i < 0 || i >= files.Length) || fileIndices.Distinct().Count() != fileIndices.Count)
        {
            throw new ArgumentException($"File indices must be distinct and below {files.Length}, the export's file count.", nameof(fileIndices));
        }

        Directory.CreateDirectory(workDirectory);
        var malformed = new ConcurrentBag<MalformedLine>();
        var malformedCounts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var skipped = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var spills = new ConcurrentBag<(int Partition, string File)>();
        var medicationFiles = new ConcurrentBag<string>();
        long bytes = 0, lines = 0;
        var workerIds = 0;

        var order = fileIndices
            .OrderByDescending(i => new FileInfo(Path.Combine(exportDirectory, files[i])).Length).ToArray();
        var opened = new ConcurrentBag<SpillWriters>();
        try
        {
            Parallel.ForEach(
                order,
                new ParallelOptions { MaxDegreeOfParallelism = maxWorkers > 0 ? maxWorkers : Environment.ProcessorCount, CancellationToken = cancellationToken },
                () =>
                {
                    var writers = new SpillWriters(workDirectory, Interlocked.Increment(ref workerIds), partitionCount, compactObservations);
                    opened.Add(writers);
                    return writers;
                },
                (fileIndex, _, writers) =>
                {
                    var (fileBytes, fileLines) = SplitFile(exportDirectory, files[fileIndex], fileIndex, partitionCount, writers, malformed, malformedCounts, skipped, onBytes, cancellationToken);
                    Interlocked.Add(ref bytes, fileBytes);
                    Interlocked.Add(ref lines, fileLines);
                    return writers;
                },
                writers =>
                {
                    var (partitionSpills, medications) = writers.Close();
                    foreach (var spill in partitionSpills)
                    {
                        spills.Add(spill);
                    }

                    if (medications is not null)
                    {
                        medicationFiles.Add(medications);
                    }
                });
        }
        finally
        {
            // A split that failed (a file unreadable, too many files open, cancelled) leaves no spill file open: the caller
            // deletes the work folder — patient data — and must be able to (closing is a no-op for writers already closed).
            foreach (var writers in opened)
            {
                writers.CloseQuietly();
            }
        }

        var byPartition = new List<string>[partitionCount];
        for (var p = 0; p < partitionCount; p++)
        {
            byPartition[p] = [];
        }

        foreach (var (p, file) in spills)
        {
            byPartition[p].Add(file);
        }

        return new PartitionedExport(
            files,
            partitionCount,
            [.. byPartition.Select(l => l.Order(StringComparer.Ordinal).ToImmutableArray())],
            [.. malformed.OrderBy(m => m.File, StringComparer.Ordinal).ThenBy(m => m.Line)],
            bytes,
            lines,
            malformedCounts.ToImmutableSortedDictionary(StringComparer.Ordinal),
            skipped.ToImmutableSortedDictionary(StringComparer.Ordinal))
        {
            MedicationFiles = [.. medicationFiles.Order(StringComparer.Ordinal)],
        };
    }

    private static (long Bytes, long Lines) SplitFile(
        string directory, string name, int fileIndex, int partitionCount, SpillWriters writers,
        ConcurrentBag<MalformedLine> malformed, ConcurrentDictionary<string, long> malformedCounts, ConcurrentDictionary<string, long> skipped, Action<long>? onBytes, CancellationToken cancellationToken)
    {
        long lines = 0;
        long reported = 0;
        var keptMalformed = 0;
        using var reader = NdjsonLines.Open(Path.Combine(directory, name));
        while (reader.TryRead(out var line))
        {
            if (IsBlank(line))
            {
                continue;
            }

            lines++;
            var (type, key, problem, compact) = Route(line, writers.Compact);
            if (problem is not null)
            {
                malformedCounts.AddOrUpdate(name, 1, (_, n) => n + 1);
                if (keptMalformed++ < MalformedKeptPerFile)
                {
                    malformed.Add(new MalformedLine(name, reader.LineNumber, problem));
                }

                continue;
            }

            if (key is null)
            {
                skipped.AddOrUpdate(type!, 1, (_, n) => n + 1);
                continue;
            }

            if (type == "Medication")
            {
                writers.WriteMedication(key, fileIndex, reader.LineNumber, line);
            }
            else if (compact)
            {
                writers.Write(PatientPartition.Of(key, partitionCount), key, fileIndex, reader.LineNumber, writers.Compact!.WrittenSpan, compact: true);
            }
            else
            {
                writers.Write(PatientPartition.Of(key, partitionCount), key, fileIndex, reader.LineNumber, line, compact: false);
            }

            if ((lines & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                onBytes?.Invoke(reader.BytesRead - reported);
                reported = reader.BytesRead;
            }
        }

        onBytes?.Invoke(reader.BytesRead - reported);
        return (reader.BytesRead, lines);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The type and patient key of one line; key null for a line not needed (a type the pathway does not read, or a
    /// resource of no patient); a problem code for a malformed line. Reads every token (a truncated line is
    /// malformed, not half-read). With <paramref name="compact"/>, an Observation of the plain shape is read into its
    /// compact form there (<see cref="CompactObservations"/>; <c>Compact</c> true), in the same pass: its subject is the
    /// one <see cref="ResourceHeader.OfLine"/> reads, so it is routed as the line would be.
    /// </summary>
    internal static (string? Type, string? Key, string? Problem, bool Compact) Route(ReadOnlySpan<byte> line, ArrayBufferWriter<byte>? compact)
    {
        if (compact is not null)
        {
            compact.ResetWrittenCount();
            if (CompactObservations.TryWrite(line, compact, out var subject))
            {
                // An Observation's patient is its subject (it has no patient element; the plain shape has no other).
                return PatientReferences.KeyOf(subject) is { } observationKey
                    ? ("Observation", observationKey, null, true)
                    : ("Observation", null, MalformedReasons.NoPatientReference, false);
            }
        }

        var (type, key, problem) = Route(line);
        return (type, key, problem, false);
    }

    /// <summary>The type and patient key of one line, read as it is (see the other overload).</summary>
    internal static (string? Type, string? Key, string? Problem) Route(ReadOnlySpan<byte> line)
    {
        ResourceHeader header;
        try
        {
            if (ResourceHeader.OfLine(line) is not { } parsed)
            {
                return (null, null, MalformedReasons.NotJson);
            }

            header = parsed;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not text (invalid UTF-8, an escaped lone surrogate), found by
            // fuzzing (fuzz/regressions/ndjson): it stopped the whole screen.
            return (null, null, MalformedReasons.NotJson);
        }

        var type = header.Type;
        if (header.TypeCount != 1 || string.IsNullOrEmpty(type))
        {
            return (null, null, MalformedReasons.NoResourceType);
        }

        if (type == "Patient")
        {
            return string.IsNullOrEmpty(header.Id) ? (type, null, MalformedReasons.NoPatientReference) : (type, header.Id, null);
        }

        if (type == "Medication" && !string.IsNullOrEmpty(header.Id))
        {
            // A Medication of its own (a Bulk export puts them in Medication.ndjson): the medication resources of
            // any patient may point at it (medicationReference), so it goes beside every partition.
            return (type, MedicationKeyPrefix + header.Id, null);
        }

        var key = PatientReferences.KeyOf(header.Subject) ?? PatientReferences.KeyOf(header.Patient);
        var read = Utf8RecordReader.ReadResourceTypes.Contains(type) && type != "Medication";
        if (key is null)
        {
            return read ? (type, null, MalformedReasons.NoPatientReference) : (type, null, null);
        }

        // A type the pathway does not read adds nothing to a patient's record but its reference, which named this
        // patient: it is not spilled.
        return read ? (type, key, null) : (type, null, null);
    }

    /// <summary>One worker's spill files, one per partition, opened on first write.</summary>
    private sealed class SpillWriters(string directory, int worker, int partitionCount, bool compactObservations)
    {
        /// <summary>Where the worker writes an Observation's compact form before it spills it (null: lines spilled as they are).</summary>
        public ArrayBufferWriter<byte>? Compact { get; } = compactObservations ? new ArrayBufferWriter<byte>(4096) : null;

        /// <summary>
        /// Write buffers of one worker take about 1 MB together (64 kB each at most, 4 kB at least): with thousands
        /// of partitions (a large export) the buffers must not grow with the export.
        /// </summary>
        private readonly int _bufferBytes = (int)Math.Clamp((1L << 20) / partitionCount, 4L << 10, 64L << 10);

        private readonly BinaryWriter?[] _writers = new BinaryWriter?[partitionCount];
        private readonly List<(int, string)> _files = [];

        public void Write(int partition, string key, int fileIndex, long line, ReadOnlySpan<byte> bytes, bool compact)
        {
            var writer = _writers[partition];
            if (writer is null)
            {
                var path = Path.Combine(directory, $"part-{partition:D5}-w{worker:D3}.spill");
                writer = new BinaryWriter(new BufferedStream(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1), _bufferBytes), Encoding.UTF8);
                _writers[partition] = writer;
                _files.Add((partition, path));
            }

            SpillRecord.Write(writer, key, fileIndex, line, bytes, compact);
        }

        private BinaryWriter? _medications;
        private string? _medicationsPath;

        public void WriteMedication(string key, int fileIndex, long line, ReadOnlySpan<byte> json)
        {
            if (_medications is null)
            {
                _medicationsPath = Path.Combine(directory, $"medications-w{worker:D3}.spill");
                _medications = new BinaryWriter(new BufferedStream(new FileStream(_medicationsPath, FileMode.Create, FileAccess.Write, FileShare.None, 1), 64 << 10), Encoding.UTF8);
            }

            SpillRecord.Write(_medications, key, fileIndex, line, json);
        }

        private bool _closed;

        /// <summary>Closes every file; the partition spill files written, and the medication spill file if any.</summary>
        public (List<(int, string)> Partitions, string? Medications) Close()
        {
            _closed = true;
            foreach (var w in _writers)
            {
                w?.Dispose();
            }

            _medications?.Dispose();

            return (_files, _medicationsPath);
        }

        /// <summary>After a failed split: closes whatever is still open, ignoring what closing finds wrong (the split has failed already).</summary>
        public void CloseQuietly()
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            foreach (var w in _writers.Append(_medications))
            {
                try
                {
                    w?.Dispose();
                }
                catch (IOException)
                {
                    // a buffer that cannot be flushed: the file is closed all the same, and the spill is deleted
                }
            }
        }
    }
}

/// <summary>
/// The binary record of a spill file: key, file index, line number, length, bytes — the line as exported, or (a
/// negative length) an Observation's compact form (<see cref="CompactObservations"/>).
/// </summary>
public static class SpillRecord
{
    /// <summary>Writes one record: a line, or with <paramref name="compact"/> an Observation's compact form.</summary>
    public static void Write(BinaryWriter writer, string key, int fileIndex, long line, ReadOnlySpan<byte> bytes, bool compact = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (compact && bytes.IsEmpty)
        {
            throw new ArgumentException("A compact record is never empty.", nameof(bytes));
        }

        writer.Write(key);
        writer.Write(fileIndex);
        writer.Write(line);
        writer.Write(compact ? -bytes.Length : bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>
    /// Reads a whole spill file into <paramref name="buffer"/> at <paramref name="offset"/> (it must have room for the
    /// file); returns the file's length. What the screen does, so that a partition's lines live in one buffer instead
    /// of one array per line (see <see cref="PartitionBuffers"/>).
    /// </summary>
    public static int ReadInto(string path, byte[] buffer, int offset)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var length = checked((int)stream.Length);
        stream.ReadExactly(buffer, offset, length);
        return length;
    }

    /// <summary>The records of a spill file read into memory (<see cref="ReadInto"/>): each line (or compact form) a slice of it, not a copy.</summary>
    public static IEnumerable<(string Key, int FileIndex, long Line, ReadOnlyMemory<byte> Bytes, bool IsCompact)> Parse(ReadOnlyMemory<byte> file)
    {
        var at = 0;
        while (at < file.Length)
        {
            // The layout BinaryWriter wrote: the key as a 7-bit encoded length and UTF-8, then int32, int64, int32, bytes.
            var span = file.Span;
            var keyLength = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = span[at++];
                keyLength |= (b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }

            var key = Encoding.UTF8.GetString(span.Slice(at, keyLength));
            at += keyLength;
            var fileIndex = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            var line = BinaryPrimitives.ReadInt64LittleEndian(span[(at + 4)..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 12)..]);
            var compact = length < 0;
            length = Math.Abs(length);
            at += 16;
            yield return (key, fileIndex, line, file.Slice(at, length), compact);
            at += length;
        }
    }

    /// <summary>Reads every record of a spill file, each line (or compact form) a copy of its own (what keeps a record past the file's buffer).</summary>
    public static IEnumerable<(string Key, int FileIndex, long Line, byte[] Bytes, bool IsCompact)> ReadAll(string path)
    {
        var buffer = new byte[new FileInfo(path).Length];
        var length = ReadInto(path, buffer, 0);
        foreach (var (key, fileIndex, line, bytes, compact) in Parse(buffer.AsMemory(0, length)))
        {
            yield return (key, fileIndex, line, bytes.ToArray(), compact);
        }
    }
}
