using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MsRelapse.Fhir;
using MsRelapse.Screening;

// Usage: MsRelapse.ScreenBench floor|tokens|firely|split|screen|warm|steps EXPORT_DIR [WORK_DIR]   or   one BUNDLE.json (per-call cost of each step)
// One line of results: mode, seconds, MB, MB/s, patients, patients/s, CPU seconds (user + system), peak working set
// (MB). Both cores in every mode. CPU seconds say what a mode costs when the machine is shared (wall time then depends
// on the other processes).
var mode = args[0];
var export = args[1];
var work = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "msr-screenbench-" + Environment.ProcessId);
var asOf = new DateOnly(2026, 5, 11);
var files = Directory.Exists(export) ? ExportPartitioner.FilesOf(export) : [];
var bytes = files.Sum(f => new FileInfo(Path.Combine(export, f)).Length);
var clock = Stopwatch.StartNew();
// What the process had spent before the timed work (the warm mode's first run): subtracted from the totals printed.
var (cpuBefore, jitBefore, jitMethodsBefore, allocatedBefore, pausedBefore) = (TimeSpan.Zero, TimeSpan.Zero, 0L, 0L, TimeSpan.Zero);
var collectionsBefore = new int[3];
long patients = 0;
string? phases = null;
switch (mode)
{
    case "floor":
        // The floor: a bare JsonDocument.Parse of every line of every file, files in parallel on every core.
        EveryLine(files, export, static line =>
        {
            using var document = JsonDocument.Parse(line.ToArray());
        });
        patients = -1;
        break;
    case "tokens":
        // Not a goal's floor: a bare Utf8JsonReader pass over every line (no DOM), the least a forward-only reader
        // that maps each line as it is tokenised would pay.
        EveryLine(files, export, static line =>
        {
            var reader = new Utf8JsonReader(line);
            while (reader.Read())
            {
            }
        });
        patients = -1;
        break;
    case "firely":
    {
        // The Firely path: the same split, then each patient's resources as a Bundle through the Firely reader.
        var split = ExportPartitioner.Partition(export, Path.Combine(work, "spill"), PatientPartition.CountFor(bytes), compactObservations: false);
        Parallel.For(0, split.PartitionCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, p =>
        {
            var groups = new Dictionary<string, List<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
            foreach (var file in split.PartitionFiles[p])
            {
                foreach (var (key, _, _, json, _) in SpillRecord.ReadAll(file))
                {
                    (groups.TryGetValue(key, out var list) ? list : groups[key] = []).Add(json);
                }
            }

            foreach (var (_, resources) in groups)
            {
                FhirEvaluation.Evaluate(PartitionScreener.BundleOf(resources), asOf);
            }

            Interlocked.Add(ref patients, groups.Count);
        });
        break;
    }
    case "steps":
    {
        // Not a goal's mode: where a screen's CPU goes per patient, one step at a time on one thread over the same
        // patients (the splits done first, not timed): parse each resource's line (a bare JsonDocument), read the lines
        // (the UTF-8 reader; the record dropped, as in a screen), read them as a screen's split spills them (the
        // Observations in their compact form), the engine alone on the records. CPU time moves with the host; the bytes
        // allocated do not. Two passes; the second is the one to read.
        var groups = new List<List<ReadOnlyMemory<byte>>>();
        var spilled = new List<List<ResourceLine>>();
        foreach (var compact in new[] { false, true })
        {
            var split = ExportPartitioner.Partition(export, Path.Combine(work, compact ? "compact" : "spill"), PatientPartition.CountFor(bytes), compact);
            foreach (var partition in split.PartitionFiles)
            {
                var byPatient = new Dictionary<string, List<ResourceLine>>(StringComparer.Ordinal);
                foreach (var (key, _, _, resource, isCompact) in partition.SelectMany(SpillRecord.ReadAll))
                {
                    (byPatient.TryGetValue(key, out var list) ? list : byPatient[key] = []).Add(new ResourceLine(resource, isCompact));
                }

                if (compact)
                {
                    spilled.AddRange(byPatient.Values);
                }
                else
                {
                    groups.AddRange(byPatient.Values.Select(l => l.Select(r => r.Bytes).ToList()));
                }
            }
        }

        var records = groups.Select(resources => Utf8RecordReader.ReadResources(resources).Record).OfType<MsRelapse.Core.Model.PatientRecord>().ToList();
        for (var pass = 1; pass <= 2; pass++)
        {
            Step(pass, "parse", groups, static resources =>
            {
                foreach (var json in resources)
                {
                    JsonDocument.Parse(json).Dispose();
                }
            });
            Step(pass, "read", groups, static resources => Utf8RecordReader.ReadResources(resources));
            Step(pass, "spilled", spilled, static resources => Utf8RecordReader.ReadLines(resources));
            Step(pass, "engine", records, record => MsRelapse.Core.Pathway.PathwayEngine.Evaluate(record, asOf));
        }

        patients = groups.Count;
        break;

        static void Step<T>(int pass, string what, List<T> items, Action<T> each)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            foreach (var item in items)
            {
                each(item);
            }

            var micros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / items.Count;
            var kilobytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / items.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pass {pass}  {what,-7} {micros,8:0.0} us CPU  {kilobytes,7:0.0} kB allocated  a patient ({items.Count})"));
        }
    }
    case "split":
        // Not a goal's mode: the screen's first pass alone (the export split by patient into its spill, Observations in
        // their compact form), to see what it costs beside the floor.
        ExportPartitioner.Partition(export, Path.Combine(work, "spill"), PatientPartition.CountFor(bytes), compactObservations: true);
        break;
    case "warm":
        // Not a goal's mode: a screen run a second time in the same process, timed alone. The first run compiled the
        // code; the second shows what a screen costs without the one-off JIT (a silo, or a service that screens again).
        ScreenRun.Run(new ScreenOptions(export, Path.Combine(work, "first"), asOf));
        (cpuBefore, jitBefore, jitMethodsBefore, allocatedBefore, pausedBefore) = (Environment.CpuUsage.TotalTime,
            System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount(), GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration());
        collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        clock.Restart();
        goto case "screen";
    case "screen":
    {
        // The CPU and JIT time of the process when the split ends (its last progress) and when the last partition was
        // screened (what follows is the outputs: the merge, patients.csv, the report): printed after the result line,
        // so that a reader can see what each phase cost.
        var (splitCpu, splitJit) = (TimeSpan.Zero, TimeSpan.Zero);
        var (screenedCpu, screenedJit, screenedAt) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        patients = ScreenRun.Run(new ScreenOptions(export, Path.Combine(work, "out"), asOf), p =>
        {
            // Environment.CpuUsage: no Process object (and its handle) made at each of the split's thousands of progresses.
            var now = (Cpu: Environment.CpuUsage.TotalTime - cpuBefore, Jit: System.Runtime.JitInfo.GetCompilationTime() - jitBefore);
            if (p.Phase == "split")
            {
                (splitCpu, splitJit) = now;
            }
            else if (p.Phase == "screen")
            {
                (screenedCpu, screenedJit, screenedAt) = (now.Cpu, now.Jit, clock.Elapsed);
            }
        }).Tally.Patients;
        var (endCpu, endJit) = (Environment.CpuUsage.TotalTime - cpuBefore, System.Runtime.JitInfo.GetCompilationTime() - jitBefore);
        phases = string.Create(CultureInfo.InvariantCulture,
            $"CPU (of which JIT): split {splitCpu.TotalSeconds:0.00} s ({splitJit.TotalSeconds:0.00} s), screen {(screenedCpu - splitCpu).TotalSeconds:0.00} s ({(screenedJit - splitJit).TotalSeconds:0.00} s), outputs {(endCpu - screenedCpu).TotalSeconds:0.00} s ({(endJit - screenedJit).TotalSeconds:0.00} s) in {(clock.Elapsed - screenedAt).TotalSeconds:0.00} s");
        break;
    }
    case "one":
    {
        // Per-call cost of each step on one bundle (EXPORT_DIR is then a Bundle file): read (both readers), evaluate.
        var json = File.ReadAllBytes(export);
        void Time(string what, Action action)
        {
            action();
            var sw = Stopwatch.StartNew();
            var n = 0;
            while (sw.ElapsedMilliseconds < 2000)
            {
                action();
                n++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-22} {sw.Elapsed.TotalMilliseconds * 1000 / n,10:0.0} us"));
        }

        var read = Utf8RecordReader.Read(json);
        Time("firely read", () => FhirRecordReader.Read(json));
        Time("utf8 read", () => Utf8RecordReader.Read(json));
        Time("json parse", () => JsonDocument.Parse(json).Dispose());
        using var parsedBundle = JsonDocument.Parse(json);
        var parsed = parsedBundle.RootElement.GetProperty("entry").EnumerateArray().Select(e => new ParsedResource(e.GetProperty("resource"), null)).ToList();
        Time("utf8 map (parsed)", () => Utf8RecordReader.ReadParsed(parsed));
        Time("engine", () => MsRelapse.Core.Pathway.PathwayEngine.Evaluate(read.Record!, asOf));
        return;
    }
    default:
        throw new ArgumentException("mode: floor, tokens, firely, split, screen, warm, steps or one");
}

var seconds = clock.Elapsed.TotalSeconds;
var process = Process.GetCurrentProcess();
var peak = process.PeakWorkingSet64 / 1e6;
var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;
if (Directory.Exists(work))
{
    Directory.Delete(work, true);
}

if (phases is not null)
{
    Console.Error.WriteLine(phases);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{mode,-7} {seconds,8:0.00} s  {bytes / 1e6,8:0.0} MB  {bytes / 1e6 / seconds,7:0.0} MB/s  {(patients >= 0 ? patients : 0),8} patients  {(patients > 0 ? patients / seconds : 0),8:0} patients/s  cpu {cpu,7:0.00} s  peak {peak,6:0} MB  gc {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:0.00} s paused, {GC.CollectionCount(0) - collectionsBefore[0]}/{GC.CollectionCount(1) - collectionsBefore[1]}/{GC.CollectionCount(2) - collectionsBefore[2]} collections, {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e9:0.0} GB allocated, jit {(System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds:0.00} s, {System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethodsBefore} methods"));

// Runs the action on every non-empty line of every file, files in parallel on every core; a malformed line (synth
// writes some on purpose) is paid for all the same.
static void EveryLine(IReadOnlyList<string> files, string export, Action<ReadOnlySpan<byte>> action) =>
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
    {
        using var reader = NdjsonLines.Open(Path.Combine(export, file));
        while (reader.TryRead(out var line))
        {
            if (line.IsEmpty)
            {
                continue;
            }

            try
            {
                action(line);
            }
            catch (JsonException)
            {
            }
        }
    });
