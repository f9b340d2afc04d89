using Hl7.Fhir.ElementModel;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;

namespace MsRelapse.Knowledge.Tests;

/// <summary>
/// Every FHIRPath condition of the PlanDefinition, evaluated with Firely's FHIRPath engine on every vignette's input,
/// agrees with the engine's own decision of that criterion (<see cref="RuleCriterion.Decide"/>).
/// </summary>
public sealed class FhirPathCriteriaTests
{
    private static readonly FhirJsonDeserializer Parser = new();

    public static TheoryData<string> CriteriaWithFhirPath() => [.. FhirPathCriteria.ById.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_fhirpath_criterion_belongs_to_a_rule_criterion_the_engine_decides()
    {
        var decided = RuleCatalog.All.SelectMany(r => r.Criteria).Where(c => c.Decide is not null).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(FhirPathCriteria.ById.Keys, id => Assert.Contains(id, decided));
    }

    [Theory]
    [MemberData(nameof(CriteriaWithFhirPath))]
    public void Fhirpath_condition_agrees_with_the_rule_on_every_vignette(string criterionId)
    {
        var criterion = RuleCatalog.All.SelectMany(r => r.Criteria).Single(c => c.Id == criterionId);
        var compiled = new FhirPathCompiler().Compile(FhirPathCriteria.ById[criterionId]);
        var checkedCount = 0;
        var trueCount = 0;
        var disagreements = new List<string>();
        foreach (var input in Vignettes.All)
        {
            var read = FhirRecordReader.Read(input.BundleJson);
            if (read.Record is null || read.Errors.Count > 0)
            {
                continue;
            }

            var bundle = Parser.Deserialize<Bundle>(input.BundleJson);
            var context = new FhirEvaluationContext { Environment = { ["asOf"] = [new Date(input.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToPocoNode()] } };
            var byFhirPath = compiled.IsTrue(bundle.ToPocoNode(), context);
            var byEngine = criterion.Decide!(read.Record, input.AsOf);
            checkedCount++;
            trueCount += byEngine ? 1 : 0;
            if (byFhirPath != byEngine)
            {
                disagreements.Add($"{input.Vignette}({input.Row}) as of {input.AsOf:yyyy-MM-dd}: FHIRPath {byFhirPath}, engine {byEngine}");
            }
        }

        Assert.True(checkedCount > 100, $"only {checkedCount} vignette inputs were read");
        Assert.True(trueCount > 0, $"no vignette meets {criterionId}: the agreement would be vacuous");
        Assert.True(disagreements.Count == 0, $"{criterionId}: {disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Distinct().Take(20)));
    }
}
