using BenchmarkDotNet.Running;

namespace MsRelapse.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project benchmarks/MsRelapse.Benchmarks -- --filter '*' --job short</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks chosen on the command line (BenchmarkSwitcher).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
