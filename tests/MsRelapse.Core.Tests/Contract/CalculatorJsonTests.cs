using System.Text.Json.Nodes;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Tests.Contract;

/// <summary>The calculators' JSON shapes (calculators.schema.json): member names, order, rounding, nulls.</summary>
public sealed class CalculatorJsonTests
{
    private static readonly PlasmaExchangeRequest Man = new()
    {
        Sex = Sex.Male, HeightCm = 181, WeightKg = 82, HematocritPercent = 44, StartDate = new DateOnly(2026, 5, 13),
    };

    [Fact]
    public void EDSS_document_starts_with_the_required_members_in_a_stable_order()
    {
        var json = CalculatorJson.ToJson(EdssCalculator.Calculate(new FunctionalSystemScores(1, 0, 4, 0, 2, 0, 1, 0)));

        Assert.Equal(
            ["edss", "functionalSystemStep", "ambulationStep", "decidedBy", "decidingRule", "functionalSystemRule", "ambulationRule", "scores", "convertedScores", "counts", "explanation"],
            json.Select(p => p.Key));
        Assert.Equal(4.5, (double)json["edss"]!);
        Assert.Null(json["ambulationStep"]);
        Assert.Equal("FS: n4=1,n3=0,n2>=1 → 4.5", (string)json["decidingRule"]!);
        Assert.Equal(0, (int)json["convertedScores"]!["cerebral"]!); // cerebral 1 counted as 0
        Assert.Equal(1, (int)json["scores"]!["cerebral"]!);
        Assert.Equal(["visual", "brainstem", "pyramidal", "cerebellar", "sensory", "bowelBladder", "cerebral", "ambulation"], ((JsonObject)json["scores"]!).Select(p => p.Key));
    }

    [Fact]
    public void Plasma_exchange_document_rounds_volumes_to_whole_mL_and_fractions_to_4_decimals()
    {
        var json = CalculatorJson.ToJson(PlasmaExchangePlanner.Plan(Man));

        Assert.Equal("nadler", (string)json["method"]!);
        Assert.Equal(5419, (double)json["totalBloodVolumeMl"]!);
        Assert.Equal(3035, (double)json["plasmaVolumeMl"]!);
        Assert.Equal(2985, (double)json["kaplanPlasmaVolumeMl"]!);
        Assert.Equal(3035, (double)json["exchangeVolumeMl"]!);
        Assert.Equal(0.3679, (double)json["fractionRemainingPerExchange"]!);
        Assert.Equal(0.1876, (double)json["totalBodyIgGRemainingFraction"]!);
        Assert.Equal(151.7, (double)json["albuminGramsPerExchange"]!);
        Assert.Equal(13, (int)json["albuminVialsPerExchange"]!);
        Assert.Equal(5, (int)json["exchanges"]!);
        Assert.Equal("2026-05-21", (string)json["schedule"]![4]!["date"]!);
        Assert.Equal(5, (int)json["schedule"]![4]!["session"]!);
        Assert.Empty((JsonArray)json["missing"]!);
    }

    [Fact]
    public void Missing_inputs_give_null_volumes_and_name_the_missing_items()
    {
        var json = CalculatorJson.ToJson(PlasmaExchangePlanner.Plan(Man with { HematocritPercent = null }));

        Assert.Null(json["totalBloodVolumeMl"]);
        Assert.True(json.ContainsKey("totalBloodVolumeMl"));
        Assert.False(json.ContainsKey("albuminGramsPerExchange"));
        Assert.False(json.ContainsKey("kaplanPlasmaVolumeMl"));
        Assert.Equal(["hematocrit"], ((JsonArray)json["missing"]!).Select(m => (string)m!));
    }

    [Fact]
    public void Serialization_is_byte_for_byte_stable_and_keeps_arrows_readable()
    {
        var result = EdssCalculator.Calculate(new FunctionalSystemScores(0, 0, 3, 2, 0, 0, 0, 2));

        var first = CalculatorJson.Serialize(result);

        Assert.Equal(first, CalculatorJson.Serialize(EdssCalculator.Calculate(new FunctionalSystemScores(0, 0, 3, 2, 0, 0, 0, 2))));
        Assert.Contains("→", first, StringComparison.Ordinal);
        Assert.Contains("\"edss\": 4.5", first, StringComparison.Ordinal);
    }
}
