using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
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
            OutputFolder.Create(output, "a folder for patients.csv, summary.json and report.html");
            // --fhir-server: the Bulk Data export is downloaded first (into --download-to, default OUT/export).
            var download = bulk.DownloadIfRequested(parsed, output, io);
            var input = download?.Folder ?? parsed.GetValue(dir)
                ?? throw new CliInputException("screen needs an export folder DIR, or --fhir-server URL to download one");
            if (!Directory.Exists(input))
            {
                throw new CliInputException($"'{input}' is not a folder (expected a FHIR Bulk Data export: a folder of .ndjson files)");
            }

            // SIGINT/SIGTERM during the screen end the process (the screen has no half-way stop): the download goes first.
            void DiscardDownload(PosixSignalContext context) => BulkDataClient.Discard(download!.Folder, deleteFolder: download.FolderCreated);
            using var interrupt = download is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, DiscardDownload);
            using var terminate = download is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, DiscardDownload);
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
        });
        return command;

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

            var options = new ScreenOptions(Path.GetFullPath(input), Path.GetFullPath(output), asOf, workers, partitions);
            // --cluster: the partitions are screened by the silos of an Orleans cluster; the merged output is the same.
            var summary = cluster.TryScreen(parsed, options, io)
                ?? (ReferenceEquals(io.Out, Console.Out) && !Console.IsOutputRedirected
                    ? WithProgressBar(options)
                    : WithPlainLines(options, io.Out));
            BulkDataScreenOptions.RecordInOutputs(output, download, incomplete);
            var seconds = Math.Max(summary.Elapsed?.TotalSeconds ?? 0, 1e-3);
            var mb = summary.Export.Bytes / 1e6;
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Screened {summary.Tally.Patients} {(summary.Tally.Patients == 1 ? "patient" : "patients")} ({mb:0.0} MB, {summary.Export.Lines} lines) in {seconds:0.0} s: {summary.Tally.Patients / seconds:0} patients/s, {mb / seconds:0.0} MB/s."));
            io.Out.WriteLine(Headline(summary));
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

    private static ScreenSummary WithProgressBar(ScreenOptions options)
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
                });
                split.Value = split.MaxValue;
                screen.Value = screen.MaxValue;
            });
        return summary!;
    }

    /// <summary>Redirected output: a plain line at most every two seconds per phase, and once at each phase's end.</summary>
    private static ScreenSummary WithPlainLines(ScreenOptions options, TextWriter output)
    {
        var gate = new object();
        var last = Stopwatch.StartNew();
        var lastPhase = "";
        var ended = new HashSet<string>(StringComparer.Ordinal);
        return ScreenRun.Run(options, p =>
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
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Phase,-6} {percent,5:0.0} %  {p.BytesDone / 1e6:0.0} MB  {p.BytesDone / 1e6 / seconds:0.0} MB/s  {p.Patients} patients  {p.Patients / seconds:0} patients/s"));
            }
        });
    }
}
