using System.CommandLine;
using System.Globalization;
using MsRelapse.BulkData;
using MsRelapse.Synthetic;
using Spectre.Console;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse synth --patients N [--seed S] [--as-of DATE] [--file-size-mb N] --out DIR</c>: a synthetic MS cohort
/// as FHIR Bulk Data NDJSON (one file series per resource type, split at a size limit), the same files for the
/// same seed and date. A progress bar on a terminal; plain lines when the output is redirected.
/// </summary>
internal static class SynthCommand
{
    /// <summary>The largest cohort accepted (100 million patients would be about a terabyte).</summary>
    private const long MaxPatients = 10_000_000;

    public static Command Create(CliIo io) => Create(io, TimeProvider.System);

    public static Command Create(CliIo io, TimeProvider clock)
    {
        var patients = new Option<long>("--patients") { Description = $"Number of patients, 1–{MaxPatients:N0}", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed (default 1): the same seed and --as-of give the same files", DefaultValueFactory = _ => 1 };
        var asOfOption = new Option<string>("--as-of") { Description = "Export date, YYYY-MM-DD (default: today); nothing is dated after it" };
        var fileSizeMb = new Option<double>("--file-size-mb") { Description = "Split files at this size, MB (default 100)", DefaultValueFactory = _ => 100 };
        var output = new Option<string>("--out") { Description = "Folder for the NDJSON files (created; must not already hold NDJSON files)", Required = true };
        var command = new Command("synth", "Generate a synthetic multiple sclerosis cohort as FHIR Bulk Data NDJSON (for screening tests and benchmarks; no real patient).");
        command.Options.Add(patients);
        command.Options.Add(seed);
        command.Options.Add(asOfOption);
        command.Options.Add(fileSizeMb);
        command.Options.Add(output);

        command.SetAction(parsed =>
        {
            var n = parsed.GetValue(patients);
            if (n < 1 || n > MaxPatients)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--patients {n} is outside 1–{MaxPatients} (number of patients to generate)"));
            }

            var mb = parsed.GetValue(fileSizeMb);
            if (!double.IsFinite(mb) || mb < 0.001 || mb > 100_000)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--file-size-mb {mb} is outside 0.001–100000 (MB per NDJSON file)"));
            }

            var asOf = AsOfDate.Parse(parsed.GetValue(asOfOption), clock, AsOfDate.Synthetic);
            var directory = parsed.GetValue(output)!;
            CheckOutput(directory);

            var options = new SynthOptions(n, parsed.GetValue(seed), asOf, directory, (long)Math.Round(mb * 1024 * 1024));
            // Until the last file is closed the folder says it is incomplete, in the marker a Bulk Data download leaves: a
            // synth that is stopped (Ctrl+C, kill, a full disk) leaves files cut mid-line, which screen then refuses instead
            // of reading them as a whole export.
            var marker = Path.Combine(directory, BulkDataClient.IncompleteMarker);
            File.WriteAllText(marker, "INCOMPLETE: msrelapse synth did not finish writing this export (it is still running, or it was stopped or failed)\n");
            var result = Run(io, options);
            File.Delete(marker);
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"synth: {result.Patients:N0} patients, {result.Resources:N0} resources, {result.Bytes / 1e6:N1} MB in {result.Files.Count} files under {directory} " +
                $"({result.Elapsed.TotalSeconds:N1} s, {result.Patients / Math.Max(result.Elapsed.TotalSeconds, 1e-3):N0} patients/s, {result.Bytes / 1e6 / Math.Max(result.Elapsed.TotalSeconds, 1e-3):N1} MB/s); as of {asOf:yyyy-MM-dd}, seed {options.Seed}"));
            return Program.Ok;
        });
        return command;
    }

    private static SynthResult Run(CliIo io, SynthOptions options)
    {
        var terminal = ReferenceEquals(io.Out, Console.Out) && !Console.IsOutputRedirected;
        if (!terminal)
        {
            // Redirected: a plain line every ~2 seconds (and none for a quick run).
            var next = TimeSpan.FromSeconds(2);
            return CohortGenerator.Generate(options, p =>
            {
                if (p.Elapsed >= next && p.PatientsDone < p.PatientsTotal)
                {
                    next = p.Elapsed + TimeSpan.FromSeconds(2);
                    io.Out.WriteLine(Line(p));
                }
            });
        }

        SynthResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("synth", maxValue: options.Patients);
                result = CohortGenerator.Generate(options, p =>
                {
                    task.Value = p.PatientsDone;
                    task.Description = Markup.Escape(Line(p));
                });
                task.Value = options.Patients;
            });
        return result!;
    }

    private static string Line(SynthProgress p)
    {
        var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-3);
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.PatientsDone:N0}/{p.PatientsTotal:N0} patients, {p.PatientsDone / seconds:N0} patients/s, {p.Bytes / 1e6 / seconds:N1} MB/s");
    }

    private static void CheckOutput(string directory)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*.ndjson").Any())
        {
            // Never overwrite an export: it may be the only copy of someone's data.
            throw new CliInputException($"--out '{directory}' already holds NDJSON files (choose an empty or new folder)");
        }

        OutputFolder.Create(directory, "a folder for the NDJSON files");
    }
}
