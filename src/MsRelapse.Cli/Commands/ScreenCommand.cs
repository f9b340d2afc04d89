using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MsRelapse.BulkData;
using MsRelapse.Screening;
using Spectre.Console;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse screen DIR [--as-of DATE] --out DIR</c>: every patient of a FHIR Bulk Data export (NDJSON) evaluated;
/// patients.csv, summary.json and report.html written (shared/contract/cli.md; docs/screening.md). Streaming and
/// memory-bounded (MsRelapse.Screening); a progress bar on a terminal, plain lines when the output is redirected.
/// </summary>
internal static class ScreenCommand
{
    public static Command Create(CliIo io) => Create(io, TimeProvider.System);

    public static Command Create(CliIo io, TimeProvider clock)
    {
        var command = new Command("screen", "Evaluate every patient of a FHIR Bulk Data export (NDJSON files) and write patients.csv, summary.json and report.html.");
        var dir = new Argument<string?>("DIR")
        {
            Description = "The export folder (*.ndjson files, any number and size); omitted with --fhir-server.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var asOfOption = new Option<string>("--as-of") { Description = "Evaluation date, YYYY-MM-DD (default: today)." };
        var outOption = new Option<string>("--out") { Description = "Output folder (created).", Required = true };
        var workersOption = new Option<int>("--workers") { Description = "Cores to use (default: all)." };
        var partitionsOption = new Option<int>("--partitions") { Description = "Partitions (default: from the export's size)." };
        command.Arguments.Add(dir);
        command.Options.Add(asOfOption);
        command.Options.Add(outOption);
        command.Options.Add(workersOption);
        command.Options.Add(partitionsOption);
        var bulk = BulkDataScreenOptions.AddTo(command);
        var cluster = ClusterOptions.ForScreen(command);

        command.SetAction(parsed =>
        {
            var asOf = AsOfDate.Parse(parsed.GetValue(asOfOption), clock, AsOfDate.Evaluation);
            var workers = parsed.GetValue(workersOption);
            var partitions = parsed.GetValue(partitionsOption);
            if (workers < 0 || partitions < 0)
            {
                throw new CliInputException("--workers and --partitions must be positive");
            }

            if (partitions > PatientPartition.MaxCount)
            {
                // Each worker of the split keeps a spill file open per partition it writes: beyond this the process runs out of files.
                throw new CliInputException($"--partitions {partitions} is above {PatientPartition.MaxCount:N0} (the default follows the export's size: about 16 MB a partition)");
            }

            var output = parsed.GetValue(outOption)!;
            // Created here (a download goes into it), and removed again if still empty when this run does not finish:
            // a screen refused for its input, or stopped, leaves no folder behind.
            var outCreated = !Directory.Exists(output) && !File.Exists(output);
            OutputFolder.Create(output, "a folder for patients.csv, summary.json and report.html");
            var exit = Program.InternalFailure;
            try
            {
                exit = DownloadAndScreen(parsed, output, asOf, workers, partitions);
                return exit;
            }
            finally
            {
                if (exit != Program.Ok && outCreated)
                {
                    RemoveIfEmpty(output);
                }
            }
        });
        return command;

        int DownloadAndScreen(ParseResult parsed, string output, DateOnly asOf, int workers, int partitions)
        {
            // --fhir-server: the Bulk Data export is downloaded first (into --download-to, default OUT/export).
            var download = bulk.DownloadIfRequested(parsed, output, io);
            var input = download?.Folder ?? parsed.GetValue(dir)
                ?? throw new CliInputException("screen needs an export folder DIR, or --fhir-server URL to download one");
            if (!Directory.Exists(input))
            {
                throw new CliInputException($"'{input}' is not a folder (expected a FHIR Bulk Data export: a folder of .ndjson files)");
            }

            try
            {
                return Screen(parsed, download, input, output, asOf, workers, partitions);
            }
            catch when (download is not null)
            {
                // A screen that did not finish leaves no download behind (patient data that no output announces).
                BulkDataClient.Discard(download.Folder, deleteFolder: download.FolderCreated);
                io.Error.WriteLine("export: the screen did not finish; the downloaded export was deleted");
                throw;
            }
        }

        int Screen(ParseResult parsed, BulkDownload? download, string input, string output, DateOnly asOf, int workers, int partitions)
        {
            // An incomplete export (the server's errors, or a download that did not finish) is never screened as if it
            // were whole: refused, or with --allow-partial-export screened with every output saying so.
            var incomplete = download is not null ? download.Incomplete : bulk.CheckFolder(parsed, input);
            if (ExportPartitioner.FilesOf(input).Length == 0)
            {
                throw new CliInputException($"'{input}' holds no .ndjson file (expected a FHIR Bulk Data export)");
            }

            if (incomplete is not null)
            {
                io.Out.WriteLine(BulkDataScreenOptions.Warning(incomplete));
            }

            if (new[] { "patients.csv", "summary.json", "report.html" }.FirstOrDefault(n => Directory.Exists(Path.Combine(output, n))) is { } blocked)
            {
                throw new CliInputException($"--out '{output}' holds a folder named {blocked}, where the screen writes that file (remove it, or choose another --out)");
            }

            var options = new ScreenOptions(Path.GetFullPath(input), Path.GetFullPath(output), asOf, workers, partitions);
            RemoveAbandonedWork(output, io);
            // --cluster: the partitions are screened by the silos of an Orleans cluster; the merged output is the same.
            ScreenSummary summary;
            ScreenSummary? clustered;
            try
            {
                clustered = cluster.TryScreen(parsed, options, io);
            }
            catch (NoPatientException ex)
            {
                throw NoPatient(ex);
            }

            if (clustered is not null)
            {
                summary = clustered;
            }
            else
            {
                // SIGINT/SIGTERM stop a local screen cleanly (as the silo host stops a --cluster run): the split sees the
                // token every 1,024 lines and the screen of a partition between patients, ScreenRun deletes its work
                // folder (the spill: patient data), and no output is written (the merger writes them all at the end). A
                // second signal ends the process at once; the next screen into this --out removes what it left.
                using var stop = StopSignals.Register();
                try
                {
                    summary = ReferenceEquals(io.Out, Console.Out) && !Console.IsOutputRedirected
                        ? WithProgressBar(options, stop.Token)
                        : WithPlainLines(options, io.Out, stop.Token);
                }
                catch (OperationCanceledException) when (stop.Received is not null)
                {
                    if (download is not null)
                    {
                        BulkDataClient.Discard(download.Folder, deleteFolder: download.FolderCreated);
                    }

                    io.Error.WriteLine($"msrelapse: stopped before the end by {stop.Name}; this run wrote no output{(download is null ? "" : " and deleted the downloaded export")}");
                    return stop.ExitCode;
                }
                catch (NoPatientException ex)
                {
                    throw NoPatient(ex);
                }
            }

            BulkDataScreenOptions.RecordInOutputs(output, download, incomplete);
            var seconds = Math.Max(summary.Elapsed?.TotalSeconds ?? 0, 1e-3);
            var mb = summary.Export.Bytes / 1e6;
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Screened {summary.Tally.Patients} {(summary.Tally.Patients == 1 ? "patient" : "patients")} ({mb:0.0} MB, {summary.Export.Lines} lines) in {seconds:0.0} s: {summary.Tally.Patients / seconds:0} patients/s, {mb / seconds:0.0} MB/s."));
            io.Out.WriteLine(Headline(summary));
            if (summary.UnresolvedMedicationsWarning is { } unresolved)
            {
                // Steroid courses that may be uncounted (a Medication file left out of the export): said where it is seen.
                io.Error.WriteLine(unresolved);
            }

            var rejected = summary.Tally.RejectedByReason.Values.Sum();
            var malformed = summary.Export.MalformedByFile.Values.Sum();
            io.Out.WriteLine($"{rejected} records rejected, {malformed} malformed lines skipped. Wrote {Path.Combine(output, "patients.csv")}, summary.json and report.html.");
            if (incomplete is not null)
            {
                io.Out.WriteLine(BulkDataScreenOptions.Warning(incomplete));
            }

            if (download is not null)
            {
                // Kept (the screen's input, for an audit or a re-run): the user is told where, since it is patient data.
                io.Out.WriteLine($"The downloaded export is kept in {download.Folder} (patient data: delete it when no longer needed).");
            }

            return Program.Ok;
        }
    }

    /// <summary>
    /// An export with lines but no patient, in one line. A Bundle saved as .ndjson (one line, skipped as a type of no
    /// patient) or a pretty-printed JSON file (every line malformed) is most likely one patient's Bundle, which evaluate reads.
    /// </summary>
    private static CliInputException NoPatient(NoPatientException ex)
    {
        var bundle = ex.Export.SkippedByType.ContainsKey("Bundle") || !ex.Export.MalformedByFile.IsEmpty;
        return new CliInputException($"{ex.Message}: screen reads Bulk Data NDJSON, one resource per line{(bundle ? "; use `msrelapse evaluate` for a Bundle" : "")}");
    }

    /// <summary>
    /// Removes the work folders that screens into <paramref name="output"/> left when they died (kill -9, a crash), and
    /// says so: they hold a spill of patient data. A live screen's folder is left alone.
    /// </summary>
    private static void RemoveAbandonedWork(string output, CliIo io)
    {
        var (removed, notRemoved) = ScreenRun.RemoveAbandonedWorkFolders(output);
        if (removed > 0)
        {
            io.Error.WriteLine(removed == 1
                ? "screen: removed the work folder of an earlier screen that did not finish"
                : string.Create(CultureInfo.InvariantCulture, $"screen: removed the work folders of {removed} earlier screens that did not finish"));
        }

        foreach (var folder in notRemoved)
        {
            io.Error.WriteLine($"screen: could not remove {folder}, the work folder of an earlier screen that did not finish: it holds patient data, remove it");
        }
    }

    /// <summary>Removes <paramref name="folder"/> if it is there and empty (never anything in it).</summary>
    private static void RemoveIfEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Something was written into it meanwhile, or it cannot be removed: left as it is.
        }
    }

    /// <summary>What the quality lead reads first: who needs action now, the steroid failures, how long escalation took.</summary>
    internal static string Headline(ScreenSummary summary)
    {
        var t = summary.Tally;
        var e = summary.Escalation;
        var emergencies = t.ByUrgency.GetValueOrDefault("emergency");
        return string.Create(CultureInfo.InvariantCulture,
            $"{t.NeedingActionNow} need action now ({emergencies} {(emergencies == 1 ? "emergency" : "emergencies")}); {t.BySteroidResponse.GetValueOrDefault("inadequate")} not responding to steroids; steroid failure to apheresis: ")
            + (e.Median is { } median
                ? string.Create(CultureInfo.InvariantCulture, $"median {median:0.#} days (IQR {e.Q1:0.#}-{e.Q3:0.#}) in {e.Count} {(e.Count == 1 ? "patient" : "patients")}.")
                : "no patient.");
    }

    private static ScreenSummary WithProgressBar(ScreenOptions options, CancellationToken cancellationToken)
    {
        ScreenSummary? summary = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var split = context.AddTask("Reading the export", maxValue: 1);
                var screen = context.AddTask("Screening patients", maxValue: 1, autoStart: false);
                summary = ScreenRun.Run(options, p =>
                {
                    var task = p.Phase == "split" ? split : screen;
                    if (!task.IsStarted)
                    {
                        split.Value = split.MaxValue;
                        task.StartTask();
                    }

                    task.MaxValue = Math.Max(1, p.BytesTotal);
                    task.Value = Math.Min(p.BytesDone, p.BytesTotal);
                    var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-3);
                    task.Description = p.Phase == "split"
                        ? string.Create(CultureInfo.InvariantCulture, $"Reading the export  {p.BytesDone / 1e6 / seconds,6:0.0} MB/s")
                        : string.Create(CultureInfo.InvariantCulture, $"Screening patients  {p.Patients,9:N0} · {p.Patients / seconds,7:0} patients/s");
                }, cancellationToken);
                split.Value = split.MaxValue;
                screen.Value = screen.MaxValue;
            });
        return summary!;
    }

    /// <summary>
    /// Redirected output: a plain line at most every two seconds per phase, and once at each phase's end. The split's
    /// first line waits those two seconds, and its last one is written once the screen of the partitions starts: an
    /// export refused after its split (no patient in it, exit 2) has written nothing on stdout, unless the split was long.
    /// </summary>
    private static ScreenSummary WithPlainLines(ScreenOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var gate = new object();
        var last = Stopwatch.StartNew();
        var lastPhase = "split";
        string? splitEnd = null;
        var ended = new HashSet<string>(StringComparer.Ordinal);
        var summary = ScreenRun.Run(options, p =>
        {
            lock (gate)
            {
                var done = p.BytesDone >= p.BytesTotal;
                // Partitions without a spill file end after the bytes are all done: their phase has ended already.
                if (ended.Contains(p.Phase) || (p.Phase == lastPhase && !done && last.Elapsed < TimeSpan.FromSeconds(2)))
                {
                    return;
                }

                if (done)
                {
                    ended.Add(p.Phase);
                }

                lastPhase = p.Phase;
                last.Restart();
                var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-3);
                var percent = p.BytesTotal > 0 ? 100.0 * p.BytesDone / p.BytesTotal : 100;
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{p.Phase,-6} {percent,5:0.0} %  {p.BytesDone / 1e6:0.0} MB  {p.BytesDone / 1e6 / seconds:0.0} MB/s  {p.Patients} patients  {p.Patients / seconds:0} patients/s");
                if (p.Phase == "split" && done)
                {
                    splitEnd = line;
                    return;
                }

                WriteSplitEnd();
                output.WriteLine(line);
            }
        }, cancellationToken);
        lock (gate)
        {
            WriteSplitEnd();
        }

        return summary;

        void WriteSplitEnd()
        {
            if (splitEnd is not null)
            {
                output.WriteLine(splitEnd);
                splitEnd = null;
            }
        }
    }
}
