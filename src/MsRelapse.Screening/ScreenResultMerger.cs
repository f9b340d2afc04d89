using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MsRelapse.Screening;

/// <summary>
/// Merges per-partition results into the outputs of a screen: <c>patients.csv</c> (rows sorted by patient id,
/// whatever the order partitions finished in), <c>summary.json</c> and <c>report.html</c>. Memory is bounded (the
/// report's worklist aside: the patients needing action now): each partition's rows are spilled to a sorted run file
/// when added, and the runs are merged (k-way) when the screen completes. Adding a partition a second time (a re-run
/// after a host died) replaces its first result: nothing is counted twice.
/// </summary>
public sealed class ScreenResultMerger
{
    private static readonly SearchValues<char> FhirIdCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.");

    private static readonly JsonSerializerOptions RunJson = new() { WriteIndented = false };

    /// <summary>Runs merged at once by default: the files a merge keeps open, whatever the number of partitions.</summary>
    public const int DefaultMergeFanIn = 256;

    private readonly string _workDirectory;
    private readonly int _mergeFanIn;
    private readonly SortedDictionary<int, (string RunFile, ScreenTally Tally)> _partitions = [];
    private readonly Lock _gate = new();

    /// <summary>Creates a merger spilling its runs under <paramref name="workDirectory"/>.</summary>
    public ScreenResultMerger(string workDirectory)
        : this(workDirectory, DefaultMergeFanIn)
    {
    }

    /// <summary>Creates a merger that merges at most <paramref name="mergeFanIn"/> runs at once (tests use a small one).</summary>
    public ScreenResultMerger(string workDirectory, int mergeFanIn)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mergeFanIn, 2);
        _workDirectory = workDirectory;
        _mergeFanIn = mergeFanIn;
        Directory.CreateDirectory(workDirectory);
    }

    /// <summary>The column names of patients.csv, in order (issue 11).</summary>
    public static readonly ImmutableArray<string> CsvColumns =
        ["patient_id", "episode_status", "severity", "primary_action", "urgency", "steroid_response", "onset", "days_since_onset", "flags", "error"];

    /// <summary>Partitions added so far.</summary>
    public int PartitionCount
    {
        get
        {
            lock (_gate)
            {
                return _partitions.Count;
            }
        }
    }

    /// <summary>Adds (or replaces) one partition's result. Thread-safe.</summary>
    public void Add(PartitionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var runFile = Path.Combine(_workDirectory, $"run-{result.Partition:D5}.jsonl");
        var temp = runFile + ".tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
        {
            foreach (var row in result.Rows.OrderBy(r => r.PatientId, StringComparer.Ordinal))
            {
                writer.WriteLine(JsonSerializer.Serialize(row, RunJson));
            }
        }

        File.Move(temp, runFile, overwrite: true);
        var tally = ScreenTally.Of(result);
        lock (_gate)
        {
            _partitions[result.Partition] = (runFile, tally);
        }
    }

    /// <summary>The counts of every partition added so far.</summary>
    public ScreenTally Tally()
    {
        lock (_gate)
        {
            var total = new ScreenTally();
            foreach (var (_, (_, tally)) in _partitions)
            {
                total.Add(tally);
            }

            return total;
        }
    }

    /// <summary>
    /// Every row, sorted by patient id: a k-way merge of the partitions' runs, streaming. With more runs than the fan-in,
    /// they are first merged in groups into longer runs (an external merge sort), so that a merge never holds more than the
    /// fan-in's files open: one reader per partition at once ran a 30,000-partition screen out of files at the very end.
    /// </summary>
    public IEnumerable<PatientRow> Rows()
    {
        List<string> runs;
        lock (_gate)
        {
            runs = [.. _partitions.Values.Select(p => p.RunFile)];
        }

        for (var level = 0; runs.Count > _mergeFanIn; level++)
        {
            var longer = new List<string>();
            for (var first = 0; first < runs.Count; first += _mergeFanIn)
            {
                var file = Path.Combine(_workDirectory, $"merge-{level}-{first / _mergeFanIn:D5}.jsonl");
                using (var writer = new StreamWriter(file, false, new UTF8Encoding(false)))
                {
                    foreach (var row in Merge(runs.GetRange(first, Math.Min(_mergeFanIn, runs.Count - first))))
                    {
                        writer.WriteLine(JsonSerializer.Serialize(row, RunJson));
                    }
                }

                longer.Add(file);
            }

            runs = longer;
        }

        return Merge(runs);
    }

    /// <summary>The rows of <paramref name="runs"/> (each sorted by patient id) in one sorted stream.</summary>
    private static IEnumerable<PatientRow> Merge(List<string> runs)
    {
        var readers = new List<StreamReader>(runs.Count);
        try
        {
            foreach (var run in runs)
            {
                readers.Add(new StreamReader(run, Encoding.UTF8)); // inside the try: a reader that fails to open leaves none open
            }

            var queue = new PriorityQueue<(PatientRow Row, int Reader), string>(StringComparer.Ordinal);
            for (var i = 0; i < readers.Count; i++)
            {
                Next(i);
            }

            while (queue.TryDequeue(out var item, out _))
            {
                yield return item.Row;
                Next(item.Reader);
            }

            void Next(int i)
            {
                if (readers[i].ReadLine() is { } line)
                {
                    var row = JsonSerializer.Deserialize<PatientRow>(line, RunJson)!;
                    queue.Enqueue((row, i), row.PatientId);
                }
            }
        }
        finally
        {
            foreach (var r in readers)
            {
                r.Dispose();
            }
        }
    }

    /// <summary>
    /// Writes a screen's outputs into <paramref name="outDirectory"/> — patients.csv, summary.json and report.html —
    /// merging the rows once: the report's worklist is taken as patients.csv is written (the merge reads and parses
    /// every row back, on one core, at the end of a screen). Returns the summary.
    /// </summary>
    /// <param name="outDirectory">Where the files go.</param>
    /// <param name="export">The split export (for the summary's counts of lines).</param>
    /// <param name="asOf">The screen's date.</param>
    /// <param name="elapsed">The screen's duration so far, for the summary.</param>
    public ScreenSummary Complete(string outDirectory, PartitionedExport export, DateOnly asOf, TimeSpan? elapsed = null)
    {
        ArgumentNullException.ThrowIfNull(export);
        Directory.CreateDirectory(outDirectory);
        // Each written beside its final name first, and all three moved into place only once all are written: a run
        // that fails on the way (a full disk, a folder where a file should be) leaves the outputs of the last run whole,
        // never a patients.csv of this run beside a report.html of the last.
        string[] names = ["patients.csv", "summary.json", "report.html"];
        var partial = names.Select(n => Path.Combine(outDirectory, n + PartialSuffix)).ToArray();
        if (names.FirstOrDefault(n => Directory.Exists(Path.Combine(outDirectory, n))) is { } blocked)
        {
            throw new IOException($"cannot write {blocked} in {outDirectory}: a folder of that name is in the way");
        }

        try
        {
            var worklist = new List<PatientRow>();
            using (var csv = new StreamWriter(partial[0], false, new UTF8Encoding(false)))
            {
                WriteCsv(Rows().Select(row =>
                {
                    if (row.NeedsActionNow)
                    {
                        worklist.Add(row);
                    }

                    return row;
                }), csv);
            }

            var summary = ScreenSummary.Of(Tally(), export, asOf, elapsed);
            File.WriteAllText(partial[1], summary.ToJson(), new UTF8Encoding(false));
            ScreenReport.Write(partial[2], summary, worklist);
            for (var i = 0; i < names.Length; i++)
            {
                File.Move(partial[i], Path.Combine(outDirectory, names[i]), overwrite: true);
            }

            return summary;
        }
        finally
        {
            foreach (var file in partial)
            {
                if (File.Exists(file))
                {
                    File.Delete(file); // a failed run's half-written output
                }
            }
        }
    }

    /// <summary>The suffix of an output while it is written (moved to its name once all three are written).</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Writes rows as patients.csv (RFC 4180, LF line ends, header first).</summary>
    public static void WriteCsv(IEnumerable<PatientRow> rows, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(writer);
        writer.NewLine = "\n";
        writer.WriteLine(string.Join(',', CsvColumns));
        foreach (var r in rows)
        {
            writer.WriteLine(string.Join(',', CsvCells(r).Select(Escape)));
        }
    }

    /// <summary>The cells of one row in <see cref="CsvColumns"/> order.</summary>
    public static IEnumerable<string> CsvCells(PatientRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        yield return row.PatientId;
        yield return row.EpisodeStatus;
        yield return row.Severity;
        yield return row.PrimaryAction;
        yield return row.Urgency;
        yield return row.SteroidResponse;
        yield return row.Onset?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        yield return row.DaysSinceOnset?.ToString(CultureInfo.InvariantCulture) ?? "";
        yield return string.Join(';', row.Flags);
        yield return row.Error ?? "";
    }

    /// <summary>
    /// One cell as RFC 4180 has it (quoted when it holds a comma, a quote or a line end), and made safe to open in a
    /// spreadsheet: a cell that starts with <c>= + - @</c>, a tab or a CR would be run as a formula (CSV injection:
    /// a patient id such as <c>=HYPERLINK(…)</c> in an export), so it gets an apostrophe first, which spreadsheets
    /// show as text — unless it is a valid FHIR id (<c>[A-Za-z0-9\-\.]{1,64}</c>), which can hold no function call and
    /// is kept exactly, as are numbers such as a negative <c>days_since_onset</c>.
    /// </summary>
    private static string Escape(string cell)
    {
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsFhirId(cell))
        {
            cell = "'" + cell;
        }

        return cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }

    private static bool IsFhirId(string value) => value.Length <= 64 && !value.AsSpan().ContainsAnyExcept(FhirIdCharacters);
}
