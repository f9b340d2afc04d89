namespace MsRelapse.Cli.Tests;

/// <summary>The schema check used by the command tests can fail: documents that break the contract are caught.</summary>
public sealed class CalculatorSchemaTests
{
    [Theory]
    [InlineData("edss", """{ "edss": 11, "functionalSystemStep": 0, "ambulationStep": null }""")] // above 10
    [InlineData("edss", """{ "edss": 4.25, "functionalSystemStep": 0, "ambulationStep": null }""")] // not a half step
    [InlineData("edss", """{ "functionalSystemStep": 0, "ambulationStep": null }""")] // edss missing
    [InlineData("tpePlan", """{ "totalBloodVolumeMl": 5419, "plasmaVolumeMl": 3035, "exchangeVolumeMl": 3035, "fractionRemainingPerExchange": 0.37, "exchanges": 5.5 }""")]
    [InlineData("tpePlan", """{ "method": "guess", "totalBloodVolumeMl": 5419, "plasmaVolumeMl": 3035, "exchangeVolumeMl": 3035, "fractionRemainingPerExchange": 0.37, "exchanges": 5 }""")]
    public async Task Documents_that_break_the_contract_are_rejected(string definition, string json) =>
        Assert.NotEmpty(await CalculatorSchema.Validate(definition, json));
}
