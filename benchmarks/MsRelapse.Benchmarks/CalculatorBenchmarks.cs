using BenchmarkDotNet.Attributes;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;

namespace MsRelapse.Benchmarks;

/// <summary>The clinical calculators: EDSS and plasma exchange planning (plus their JSON, as the HTTP service serves it).</summary>
[MemoryDiagnoser]
public class CalculatorBenchmarks
{
    private readonly FunctionalSystemScores moderate = new(visual: 1, brainstem: 0, pyramidal: 4, cerebellar: 0, sensory: 2, bowelBladder: 0, cerebral: 1, ambulation: 1);
    private readonly RawFunctionalSystems recorded = new(1, 0, 4, 0, 2, 0, 1, 1);
    private readonly PlasmaExchangeRequest request = new()
    {
        Sex = Sex.Male, HeightCm = 181, WeightKg = 82, HematocritPercent = 44, StartDate = new DateOnly(2026, 5, 13),
    };

    private EdssResult edssResult = null!;
    private PlasmaExchangePlan plan = null!;

    [GlobalSetup]
    public void Setup()
    {
        edssResult = EdssCalculator.Calculate(moderate);
        plan = PlasmaExchangePlanner.Plan(request);
    }

    [Benchmark(Description = "EDSS: calculate")]
    public EdssResult Edss() => EdssCalculator.Calculate(moderate);

    [Benchmark(Description = "EDSS: validate raw + calculate")]
    public EdssResult? EdssFromRecorded() =>
        FunctionalSystemScores.TryCreate(recorded, out var scores, out _) ? EdssCalculator.Calculate(scores!) : null;

    [Benchmark(Description = "EDSS: serialize JSON")]
    public string EdssJson() => CalculatorJson.Serialize(edssResult);

    [Benchmark(Description = "TPE: plan (5 × 1.0 PV)")]
    public PlasmaExchangePlan TpePlan() => PlasmaExchangePlanner.Plan(request);

    [Benchmark(Description = "TPE: serialize JSON")]
    public string TpeJson() => CalculatorJson.Serialize(plan);
}
