using System.Diagnostics;

namespace MsRelapse.Synthetic;

/// <summary>What to generate.</summary>
/// <param name="Patients">Number of patients (≥ 1).</param>
/// <param name="Seed">The seed: the same seed, as-of and parameters give byte-identical files.</param>
/// <param name="AsOf">The export's date: nothing is dated after it, and ages are counted to it.</param>
/// <param name="OutputDirectory">Where the NDJSON files go (created if missing).</param>
/// <param name="FileSizeLimitBytes">A file is closed before a line would take it past this size.</param>
public sealed record SynthOptions(long Patients, long Seed, DateOnly AsOf, string OutputDirectory, long FileSizeLimitBytes = SynthOptions.DefaultFileSizeLimitBytes)
{
    /// <summary>100 MiB: big enough to keep the file count small for a million patients, small enough to stream and retry.</summary>
    public const long DefaultFileSizeLimitBytes = 100L * 1024 * 1024;

    /// <summary>The cohort's distributions.</summary>
    public CohortParameters Parameters { get; init; } = CohortParameters.Default;

    /// <summary>Threads generating patients (the file writing runs beside them). Default: every core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>Progress of a run: patients written and bytes written so far.</summary>
public readonly record struct SynthProgress(long PatientsDone, long PatientsTotal, long Bytes, TimeSpan Elapsed);

/// <summary>What a run wrote.</summary>
public sealed record SynthResult(long Patients, long Resources, long Bytes, IReadOnlyList<SynthFile> Files, TimeSpan Elapsed);

/// <summary>
/// <c>msrelapse synth</c>: generates a synthetic MS cohort as FHIR Bulk Data NDJSON. Patients are generated in
/// batches on every core, each patient from its own seeded generator, and written in patient order, so the output
/// is the same whatever the number of threads. Memory stays bounded: a few batches are in flight at a time.
/// </summary>
public static class CohortGenerator
{
    private const int BatchSize = 256;

    /// <summary>Generates the cohort; <paramref name="progress"/> is called after each batch is written.</summary>
    public static SynthResult Generate(SynthOptions options, Action<SynthProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Patients, 1);
        Directory.CreateDirectory(options.OutputDirectory);
        var clock = Stopwatch.StartNew();
        var batches = (options.Patients + BatchSize - 1) / BatchSize;
        var inFlight = Math.Max(2, options.Threads * 2);
        var pool = new System.Collections.Concurrent.ConcurrentBag<ResourceBuffers>();
        var generators = new ThreadLocal<PatientGenerator>(() => new PatientGenerator(options.Parameters, options.Seed, options.AsOf));
        var window = new Queue<Task<ResourceBuffers>>();
        long done = 0;

        using var writer = new BulkExportWriter(options.OutputDirectory, options.FileSizeLimitBytes);
        var formulary = new ResourceBuffers();
        PatientGenerator.WriteFormulary(formulary);
        writer.Write(formulary);
        using var throttle = new SemaphoreSlim(options.Threads);
        void Drain()
        {
            var batch = window.Dequeue().GetAwaiter().GetResult();
            writer.Write(batch);
            done += batch.Count;
            batch.Clear();
            pool.Add(batch);
            progress?.Invoke(new SynthProgress(done, options.Patients, writer.Bytes, clock.Elapsed));
        }

        for (long b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = b * BatchSize;
            var count = (int)Math.Min(BatchSize, options.Patients - first);
            window.Enqueue(Task.Run(async () =>
            {
                await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var buffers = pool.TryTake(out var reused) ? reused : new ResourceBuffers();
                    buffers.FirstIndex = first;
                    var generator = generators.Value!;
                    for (var i = 0; i < count; i++)
                    {
                        generator.Generate(first + i, buffers);
                    }

                    buffers.Count = count;
                    return buffers;
                }
                finally
                {
                    throttle.Release();
                }
            }, cancellationToken));
            if (window.Count >= inFlight)
            {
                Drain();
            }
        }

        while (window.Count > 0)
        {
            Drain();
        }

        generators.Dispose();
        return new SynthResult(options.Patients, writer.Lines.Sum(), writer.Bytes, [.. writer.Files], clock.Elapsed);
    }

    /// <summary>
    /// The ground truth of patients <paramref name="first"/>.. without writing files (the distribution tests use it):
    /// the same draws as <see cref="Generate"/>.
    /// </summary>
    public static IEnumerable<PatientSummary> Summaries(CohortParameters parameters, long seed, DateOnly asOf, long first, long count)
    {
        var generator = new PatientGenerator(parameters, seed, asOf);
        var scratch = new ResourceBuffers();
        for (var i = first; i < first + count; i++)
        {
            scratch.Clear();
            yield return generator.Generate(i, scratch);
        }
    }
}
