// Firely POCO elements are all nullable; a null here is a test failure, reported as such.
#pragma warning disable CS8602

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

    // F6: the Provenance that evaluate --fhir writes (engine version, knowledge base, the rules that fired; policy the
    // PlanDefinition) is kept, and the RequestGroup and every request name what they instantiate.
    [Theory]
    [MemberData(nameof(Examples))]
    public void Apply_keeps_the_provenance_and_names_the_plan_definition_and_activity_definitions(string example)
    {
        var json = SharedExamples.Load(example);
        var recommendation = FhirEvaluation.Evaluate(json, SharedExamples.AsOf).Recommendation!;
        var carePlan = PathwayApply.Apply(json, SharedExamples.AsOf);
        var version = Core.Evidence.KnowledgeBase.Current.Version;
        var plan = $"{KnowledgeArtifacts.PlanDefinitionUrl}|{version}";

        var provenance = Assert.Single(carePlan.Contained.OfType<Provenance>());
        Assert.Equal([plan], provenance.Policy);
        Assert.Equal(recommendation.FiredRules, provenance.Entity.Select(e => e.What.Identifier.Value));
        Assert.Contains(recommendation.Engine.Version, provenance.Agent[0].Who!.Display, StringComparison.Ordinal);
        Assert.Contains(provenance.Target, t => t.Reference == "#");
        Assert.All(provenance.Target, t => Assert.StartsWith("#", t.Reference, StringComparison.Ordinal));

        var group = Assert.Single(carePlan.Contained.OfType<RequestGroup>());
        Assert.Equal([plan], group.InstantiatesCanonical);
        var definitions = KnowledgeArtifacts.All().OfType<ActivityDefinition>().Select(a => (string?)$"{a.Url}|{version}").ToHashSet(StringComparer.Ordinal);
        var requests = carePlan.Contained.OfType<MedicationRequest>().Select(m => (string?)m.InstantiatesCanonical.Single())
            .Concat(carePlan.Contained.OfType<ServiceRequest>().Select(m => (string?)m.InstantiatesCanonical.Single())).ToList();
        Assert.Equal(carePlan.Contained.Count(r => r is MedicationRequest or ServiceRequest), requests.Count);
        Assert.All(requests, url => Assert.Contains(url, definitions));
        foreach (var task in carePlan.Contained.OfType<Hl7.Fhir.Model.Task>())
        {
            var action = Enum.GetValues<Core.Pathway.ActionCode>().Single(a => Core.Pathway.WireNames.Of(a) == task.Code.Coding[0].Code);
            Assert.Equal(KnowledgeArtifacts.ActivityDefinitionId(action) is { } id ? $"{KnowledgeArtifacts.Canonical("ActivityDefinition", id)}|{version}" : null, task.InstantiatesCanonical);
        }
    }

    /// <summary>
    /// Every resource of the writer's Bundle but the CarePlan is contained (the Provenance too), identical once urn:uuid
    /// references read as local ones (the Provenance's target that is the CarePlan reads "#", the container); ids are unique.
    /// </summary>
    internal static void AssertSameRequests(Bundle written, CarePlan carePlan)
    {
        var expected = written.Entry.Select(e => e.Resource!).Where(r => r is not CarePlan).ToList();
        var writtenPlanId = written.Entry.Select(e => e.Resource).OfType<CarePlan>().Single().Id;
        Assert.Contains(expected, r => r is RequestGroup);
        Assert.Contains(expected, r => r is Provenance);
        Assert.Equal(expected.Count, carePlan.Contained.Count);
        Assert.Equal(carePlan.Contained.Count, carePlan.Contained.Select(r => r.Id).Distinct().Count());
        foreach (var resource in expected)
        {
            var contained = carePlan.Contained.Single(r => r.Id == resource.Id && r.TypeName == resource.TypeName);
            var expectedJson = Serializer.SerializeToString(resource)
                .Replace($"\"urn:uuid:{writtenPlanId}\"", "\"#\"", StringComparison.Ordinal)
                .Replace("\"urn:uuid:", "\"#", StringComparison.Ordinal);
            Assert.Equal(expectedJson, Serializer.SerializeToString(contained));
        }

        var writtenPlan = written.Entry.Select(e => e.Resource).OfType<CarePlan>().Single();
        Assert.Equal(writtenPlan.Activity.Count, carePlan.Activity.Count);
        Assert.All(carePlan.Activity, a => Assert.StartsWith("#", a.Reference?.Reference ?? string.Empty, StringComparison.Ordinal));
        Assert.StartsWith(KnowledgeArtifacts.PlanDefinitionUrl, carePlan.InstantiatesCanonical.Single(), StringComparison.Ordinal);
    }
}
