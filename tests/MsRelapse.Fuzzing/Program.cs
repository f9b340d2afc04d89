using System.Diagnostics;
using SharpFuzz;

namespace MsRelapse.Fuzzing;

/// <summary>
/// <code>
/// msrelapse-fuzz TARGET [--warm-up DIR]       AFL++ persistent mode (run under afl-fuzz by fuzz/run.sh)
/// msrelapse-fuzz --list                       the target names, one a line
/// msrelapse-fuzz TARGET --replay PATH...      runs each file (or every file of each folder) once; exit 1 on a finding
/// msrelapse-fuzz TARGET --mutate SECONDS DIR  blind mutation of the corpus in DIR, no coverage feedback; counts executions
/// </code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        GiveTheTraceABuffer();
        if (args is ["--list"])
        {
            Console.WriteLine(string.Join('\n', FuzzTargets.All.Keys));
            return 0;
        }

        if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: msrelapse-fuzz {string.Join('|', FuzzTargets.All.Keys)} [--replay PATH... | --mutate SECONDS DIR]");
            return 2;
        }

        if (args.Length == 1 || (args.Length == 3 && args[1] == "--warm-up"))
        {
            if (args.Length == 3)
            {
                WarmUp(target, args[2]);
            }

            // Persistent mode: this one process runs every input afl-fuzz sends (SharpFuzz's fork-server loop). The
            // first harness ran each input in a child process (Fuzzer.OutOfProcess), paying an inter-process round trip
            // per input and a .NET start (seconds, with every method compiled again) after each timeout.
            var memory = new MemoryStream();
            Fuzzer.Run(stream =>
            {
                memory.SetLength(0);
                stream.CopyTo(memory);
                target(memory.ToArray());
            });
            return 0;
        }

        return args[1] switch
        {
            "--replay" => Replay(target, args[2..]),
            "--mutate" when args.Length == 4 => Mutate(target, TimeSpan.FromSeconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)), args[3]),
            _ => 2,
        };
    }

    /// <summary>
    /// Instrumented code writes its coverage to SharpFuzz's trace pointer, which only <see cref="Fuzzer.Run(Action{Stream})"/>
    /// points at afl-fuzz's shared memory: until then (the warm-up, a replay of an instrumented copy) it points here.
    /// </summary>
    private static unsafe void GiveTheTraceABuffer()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 17);
        }
    }

    /// <summary>
    /// Runs every seed once before the fork-server loop starts: the JIT compiles the code under test (Firely's
    /// model, the engine) here rather than inside afl-fuzz's first timed executions, where it looked like a hang.
    /// </summary>
    private static void WarmUp(Action<byte[]> target, string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception)
            {
                // A finding here is afl-fuzz's to report, on its own execution of the seed.
            }
        }
    }

    private static int Replay(Action<byte[]> target, string[] paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order(StringComparer.Ordinal).ToList();
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failures++;
                Console.Error.WriteLine($"{file}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Console.WriteLine($"replayed {files.Count} inputs, {failures} findings");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// Byte-level mutation (flip, insert, delete, splice, duplicate a range, interesting JSON tokens) of corpus inputs
    /// for a bounded time. Crashing inputs are written to ./crashes. Prints "executions=N findings=M".
    /// </summary>
    private static int Mutate(Action<byte[]> target, TimeSpan duration, string corpusDirectory)
    {
        var corpus = Directory.EnumerateFiles(corpusDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        if (corpus.Count == 0)
        {
            Console.Error.WriteLine("empty corpus");
            return 2;
        }

        var random = new Random(12345);
        var tokens = Tokens;
        var stopwatch = Stopwatch.StartNew();
        long executions = 0;
        var findings = 0;
        Directory.CreateDirectory("crashes");
        while (stopwatch.Elapsed < duration)
        {
            var input = Mutate(corpus[random.Next(corpus.Count)], corpus[random.Next(corpus.Count)], tokens, random);
            executions++;
            try
            {
                target(input);
            }
            catch (Exception ex)
            {
                findings++;
                var name = Path.Combine("crashes", $"{ex.GetType().Name}-{executions}");
                File.WriteAllBytes(name, input);
                Console.Error.WriteLine($"{name}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Console.WriteLine($"executions={executions} findings={findings} seconds={stopwatch.Elapsed.TotalSeconds:0} rate={executions / stopwatch.Elapsed.TotalSeconds:0}/s");
        return findings == 0 ? 0 : 1;
    }

    /// <summary>
    /// A deterministic, bounded blind-mutation run (the CI version): <paramref name="executions"/> mutants of
    /// <paramref name="corpus"/> from <paramref name="seed"/>; returns each finding as "exception: message".
    /// </summary>
    public static IReadOnlyList<string> MutateBounded(Action<byte[]> target, IReadOnlyList<byte[]> corpus, int executions, int seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(corpus);
        var random = new Random(seed);
        var findings = new List<string>();
        for (var i = 0; i < executions; i++)
        {
            var input = Mutate(corpus[random.Next(corpus.Count)], corpus[random.Next(corpus.Count)], Tokens, random);
            try
            {
                target(input);
            }
            catch (Exception ex)
            {
                findings.Add($"{ex.GetType().Name}: {ex.Message} (input, base64: {Convert.ToBase64String(input)})");
            }
        }

        return findings;
    }

    private static readonly byte[][] Tokens = [.. new[] { "null", "true", "-1", "1e309", "0", "\"\"", "{}", "[]", "\"\\ud800\"", "9999-12-31", "0001-01-01", "\"resourceType\"", "\"Bundle\"", "\"Patient\"", "\"Observation\"", "\"valueQuantity\"", "--json", "--fhir", "--as-of", "evaluate", "edss", "tpe-plan", "\n", "-", "NaN" }
        .Select(System.Text.Encoding.UTF8.GetBytes)];

    private static byte[] Mutate(byte[] seed, byte[] other, byte[][] tokens, Random random)
    {
        var data = new List<byte>(seed);
        var rounds = 1 + random.Next(8);
        for (var r = 0; r < rounds; r++)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(16)));
                    break;
                case 2:
                    data.InsertRange(at, tokens[random.Next(tokens.Length)]);
                    break;
                case 3 when other.Length > 0:
                    var from = random.Next(other.Length);
                    data.InsertRange(at, other.Skip(from).Take(1 + random.Next(Math.Min(64, other.Length - from))));
                    break;
                case 4 when data.Count > 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 5 when data.Count > 1:
                    var length = Math.Min(data.Count - at, 1 + random.Next(32));
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                default:
                    const string Punctuation = "{}[]\",:0123456789.-eE\\u";
                    data.Insert(at, (byte)Punctuation[random.Next(Punctuation.Length)]);
                    break;
            }
        }

        return [.. data];
    }
}
