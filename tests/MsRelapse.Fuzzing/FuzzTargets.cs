using System.Text;
using MsRelapse.Fhir;
using MsRelapse.Screening;
using MsRelapse.Server.CdsHooks;

namespace MsRelapse.Fuzzing;

/// <summary>
/// The fuzz targets: each takes arbitrary bytes and must return normally. An exception escaping, a hang, or a
/// broken promise (checked with <see cref="FuzzFinding"/>) is a finding. The same methods run under AFL++ (fuzz/run.sh)
/// and in the CI replay of the corpus (tests/MsRelapse.Fuzzing.Tests).
/// </summary>
public static class FuzzTargets
{
    /// <summary>The evaluation date of the shared examples (the corpus seeds).</summary>
    public static readonly DateOnly AsOf = new(2026, 5, 11);

    /// <summary>Target name → target.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["fhir-bundle"] = FhirBundle,
        ["cli-args"] = CliArgs,
        ["ndjson"] = Ndjson,
        ["cds-request"] = CdsRequest,
    };


    /// <summary>
    /// The FHIR Bundle reader and the engine behind it (what <c>POST /api/evaluate</c> and <c>msrelapse evaluate</c>
    /// run): never throws; a result is either a recommendation or a list of input errors, each with a code.
    /// </summary>
    public static void FhirBundle(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outcome = FhirEvaluation.Evaluate(input, AsOf);
        if (outcome.IsValid != (outcome.Recommendation is not null && outcome.Errors.Count == 0))
        {
            throw new FuzzFinding("IsValid disagrees with the outcome");
        }

        if (outcome.Recommendation is null && outcome.Errors.Count == 0)
        {
            throw new FuzzFinding("neither a recommendation nor an error");
        }

        foreach (var error in outcome.Errors)
        {
            if (string.IsNullOrWhiteSpace(error.Code))
            {
                throw new FuzzFinding("an input error without a code");
            }
        }
    }

    /// <summary>
    /// The CLI's argument parsing and the commands behind it, in-process: arguments are the input's lines. Exit 0 or
    /// 2 only (1 is an internal failure), and on exit 2 one line on stderr and nothing on stdout (the contract).
    /// <c>serve</c> (it would start a server), response files (<c>@file</c>) and paths (anything with '/' or '\')
    /// are left out: the target is the parser and the commands, not the file system.
    /// </summary>
    public static void CliArgs(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = Encoding.UTF8.GetString(input);
        var args = text.Split('\n', StringSplitOptions.None);
        if (args.Length > 64 || args.Any(a => a == "serve" || a.StartsWith('@') || a.Contains('/', StringComparison.Ordinal) || a.Contains('\\', StringComparison.Ordinal)))
        {
            return;
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader("");
        var exit = Cli.Program.Run(args, stdout, stderr, stdin);
        if (exit == Cli.Program.InternalFailure)
        {
            throw new FuzzFinding($"exit 1 (internal failure): {stderr}");
        }

        if (exit != Cli.Program.Ok && exit != Cli.Program.BadInput)
        {
            throw new FuzzFinding($"unexpected exit code {exit}");
        }

        if (exit == Cli.Program.BadInput)
        {
            if (stdout.GetStringBuilder().Length != 0)
            {
                throw new FuzzFinding("exit 2 with output on stdout");
            }

            // The future-asOf warning line (issue #12 item 6) is printed before the input is read; reported to the
            // server engineer as a breach of "one line on stderr" when the input then fails. Tolerated here until fixed.
            var lines = stderr.ToString().TrimEnd('\r', '\n').Split('\n').Where(l => !l.StartsWith("msrelapse: warning:", StringComparison.Ordinal)).ToArray();
            if (lines.Length != 1 || lines[0].Length == 0)
            {
                throw new FuzzFinding($"exit 2 without exactly one line on stderr: {stderr}");
            }
        }
    }
    /// <summary>
    /// The screening line path (<c>msrelapse screen</c>) in memory: the input is one NDJSON file of a Bulk Data export
    /// (one line or a few), read line by line (<see cref="NdjsonLines"/>), each line routed to its patient or counted
    /// malformed or skipped (<c>ExportPartitioner.Route</c>, what the split does before spilling), and each patient's
    /// resources, in file order, read and evaluated into the patient's row (<see cref="PartitionScreener.ScreenPatient"/>).
    /// The spill files between the two are left out (they keep the line's bytes as they are, or an Observation's compact
    /// form; a file per execution would cost more than the code under test). Never throws; every non-blank line is a
    /// patient's, skipped or malformed with a reason; every patient's row has a recommendation or an error code; and a
    /// patient's row from the compact forms the split made is the row from the lines themselves.
    /// </summary>
    public static void Ndjson(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var patients = new Dictionary<string, (List<ResourceLine> Spilled, List<ReadOnlyMemory<byte>> Lines)>(StringComparer.Ordinal);
        var compact = new System.Buffers.ArrayBufferWriter<byte>();
        long lines = 0, routed = 0, skipped = 0, malformed = 0;
        using (var reader = new NdjsonLines(new MemoryStream(input, writable: false)))
        {
            while (reader.TryRead(out var line))
            {
                if (line.TrimStart(" \t\r"u8).IsEmpty)
                {
                    continue;
                }

                lines++;
                var (type, key, problem, isCompact) = ExportPartitioner.Route(line, compact);
                if (ExportPartitioner.Route(line) != (type, key, problem) || (isCompact && problem is not null))
                {
                    throw new FuzzFinding("the compact route differs from the line's");
                }

                if (problem is not null)
                {
                    malformed += problem.Length > 0 ? 1 : throw new FuzzFinding("a malformed line without a reason");
                }
                else if (key is null)
                {
                    skipped += !string.IsNullOrEmpty(type) ? 1 : throw new FuzzFinding("a skipped line without a type");
                }
                else
                {
                    routed++;
                    if (!patients.TryGetValue(key, out var resources))
                    {
                        patients[key] = resources = ([], []);
                    }

                    resources.Spilled.Add(new ResourceLine(isCompact ? compact.WrittenMemory.ToArray() : line.ToArray(), isCompact));
                    resources.Lines.Add(line.ToArray());
                }
            }
        }

        if (routed + skipped + malformed != lines)
        {
            throw new FuzzFinding($"lines unaccounted for: {lines} read, {routed} routed, {malformed} malformed, {skipped} skipped");
        }

        foreach (var (key, (spilled, resources)) in patients)
        {
            var row = PartitionScreener.ScreenPatient(key, spilled, AsOf);
            if (row.Error is null ? string.IsNullOrEmpty(row.PrimaryAction) : row.Error.Length == 0)
            {
                throw new FuzzFinding("a patient row with neither a recommendation nor an error code");
            }

            if (Render(row) != Render(PartitionScreener.ScreenPatient(key, resources, AsOf)))
            {
                throw new FuzzFinding("a patient's row from the compact forms differs from the row from the lines");
            }
        }

        static string Render(PatientRow row) => row with { Flags = [] } + string.Join(";", row.Flags);
    }

    /// <summary>The CDS Hooks services a <see cref="CdsRequest"/> input may address (its first line), and one that is not.</summary>
    private static readonly string[] CdsServiceIds = ["msrelapse-patient-view", "msrelapse-order-select", "msrelapse-order-sign", "no-such-service"];

    /// <summary>
    /// The CDS Hooks request parsing (<c>POST /cds-services/{id}</c>): the input's first line is the service id, the
    /// rest the request body; <see cref="CdsRequestParsing.Parse"/> runs the endpoint's checks (body, hook, draft
    /// orders, prefetch → the assembled record; no network). Never throws; the answer is a parsed request with a
    /// well-formed record Bundle of the context's patient, or a 400/404/412 with a code.
    /// </summary>
    public static void CdsRequest(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var newline = Array.IndexOf(input, (byte)'\n');
        var service = newline < 0 ? CdsServiceIds[0] : Encoding.UTF8.GetString(input, 0, newline);
        var body = newline < 0 ? input : input[(newline + 1)..];
        var result = CdsRequestParsing.Parse(service, body);
        switch (result.Status)
        {
            case 200:
                if (result.BundleUtf8 is null || string.IsNullOrEmpty(result.PatientId) || result.Code is not null)
                {
                    throw new FuzzFinding("a 200 without a record or a patient");
                }

                using (var bundle = System.Text.Json.JsonDocument.Parse(result.BundleUtf8))
                {
                    if (!bundle.RootElement.TryGetProperty("resourceType", out var type) || !type.ValueEquals("Bundle"))
                    {
                        throw new FuzzFinding("the assembled record is not a Bundle");
                    }
                }

                break;
            case 400 or 404 or 412:
                if (string.IsNullOrEmpty(result.Code))
                {
                    throw new FuzzFinding($"a {result.Status} without a code");
                }

                break;
            default:
                throw new FuzzFinding($"unexpected status {result.Status}");
        }
    }

}

/// <summary>A broken promise found by a fuzz target (distinct from the exceptions the code under test throws).</summary>
public sealed class FuzzFinding(string message) : Exception(message);
