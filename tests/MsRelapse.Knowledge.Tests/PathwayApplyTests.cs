using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Fhir;
using MsRelapse.Testing;

namespace MsRelapse.Knowledge.Tests;

/// <summary>$apply gives the CarePlan holding exactly the RequestGroup and requests that evaluate --fhir writes.</summary>
public sealed class PathwayApplyTests
{
    private static readonly FhirJsonSerializer Serializer = new();

    public static TheoryData<string> Examples() => [.. SharedExamples.Names];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Apply_holds_the_request_group_that_evaluate_fhir_writes(string example)
    {
        var json = SharedExamples.Load(example);
        var written = RecommendationFhirWriter.ToBundle(FhirEvaluation.Evaluate(json, SharedExamples.AsOf).Recommendation!);
        var carePlan = PathwayApply.Apply(json, SharedExamples.AsOf);
        AssertSameRequests(written, carePlan);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Apply_result_validates_against_the_R4_base_definitions(string example)
    {
        var carePlan = PathwayApply.Apply(SharedExamples.Load(example), SharedExamples.AsOf);
        var outcome = ArtifactValidationTests.SharedValidator.Value.Validate(carePlan);
        // Every invariant holds, rqg-1 included (each RequestGroup action holds a resource or sub-actions: steps
        // without a plan and each alternative refer to a draft Task).
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Expression.FirstOrDefault()}: {e.Details?.Text ?? e.Diagnostics}")));
    }

    [Fact]
    public void A_refused_record_gives_a_care_plan_holding_the_operation_outcome()
    {
        // Resources of two patients in one Bundle: refused (fhir-profile.md).
        var carePlan = PathwayApply.Apply("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"a"}},{"resource":{"resourceType":"Patient","id":"b"}}]}""", SharedExamples.AsOf);
        var outcome = Assert.IsType<OperationOutcome>(Assert.Single(carePlan.Contained));
        Assert.NotEmpty(outcome.Issue);
        Assert.Empty(carePlan.Activity);
        var broken = PathwayApply.Apply("not json", SharedExamples.AsOf);
        Assert.IsType<OperationOutcome>(Assert.Single(broken.Contained));
    }

    /// <summary>Every resource of the writer's Bundle but the CarePlan and Provenance is contained, identical once urn:uuid references read as local ones; ids are unique.</summary>
    internal static void AssertSameRequests(Bundle written, CarePlan carePlan)
    {
        var expected = written.Entry.Select(e => e.Resource!).Where(r => r is not CarePlan and not Provenance).ToList();
        Assert.Contains(expected, r => r is RequestGroup);
        Assert.Equal(expected.Count, carePlan.Contained.Count);
        Assert.Equal(carePlan.Contained.Count, carePlan.Contained.Select(r => r.Id).Distinct().Count());
        foreach (var resource in expected)
        {
            var contained = carePlan.Contained.Single(r => r.Id == resource.Id && r.TypeName == resource.TypeName);
            var expectedJson = Serializer.SerializeToString(resource).Replace("\"urn:uuid:", "\"#", StringComparison.Ordinal);
            Assert.Equal(expectedJson, Serializer.SerializeToString(contained));
        }

        var writtenPlan = written.Entry.Select(e => e.Resource).OfType<CarePlan>().Single();
        Assert.Equal(writtenPlan.Activity.Count, carePlan.Activity.Count);
        Assert.All(carePlan.Activity, a => Assert.StartsWith("#", a.Reference?.Reference ?? string.Empty, StringComparison.Ordinal));
        Assert.StartsWith(KnowledgeArtifacts.PlanDefinitionUrl, carePlan.InstantiatesCanonical.Single(), StringComparison.Ordinal);
    }
}
