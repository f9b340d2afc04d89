using System.Globalization;
using Hl7.Fhir.Model;
using MsRelapse.Core.Model;
using MsRelapse.Fhir;

namespace MsRelapse.Knowledge;

/// <summary>
/// <c>PlanDefinition/$apply</c> (CPG-on-FHIR shape): the patient's record evaluated by the engine, returned as one
/// CarePlan that holds (as contained resources) exactly the RequestGroup, MedicationRequests, ServiceRequests, Tasks,
/// DetectedIssues and the Provenance (engine version, knowledge-base version, the rules that fired; policy the
/// PlanDefinition) that <c>evaluate --fhir</c> writes, each keeping its id (content-derived, unique within the
/// result); the RequestGroup and each request name the PlanDefinition or ActivityDefinition they instantiate. When
/// the record cannot be evaluated, the CarePlan holds the OperationOutcome with the errors instead (never an exception).
/// </summary>
public static class PathwayApply
{
    /// <summary>Applies the pathway to a record (FHIR JSON Bundle) at <paramref name="asOf"/>.</summary>
    public static CarePlan Apply(string bundleJson, DateOnly asOf)
    {
        FhirEvaluationOutcome outcome;
        try
        {
            outcome = FhirEvaluation.Evaluate(bundleJson, asOf);
        }
#pragma warning disable CA1031 // $apply answers with an OperationOutcome, never a 500: any failure to read the record is reported, not thrown.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Failed(null, asOf, [new InputError("parse-error", $"The record could not be read ({ex.GetType().Name}).", null)]);
        }

        if (!outcome.IsValid)
        {
            return Failed(outcome.Record?.PatientId, asOf, outcome.Errors);
        }

        return FromWriterBundle(RecommendationFhirWriter.ToBundle(outcome.Recommendation!));
    }

    /// <summary>
    /// The writer's Bundle as one CarePlan: the writer's CarePlan, with every other resource contained (the Provenance
    /// too: an R4 $apply returns one resource) and every reference made local ("#id"; the Provenance's target that is
    /// the CarePlan itself becomes "#", the container).
    /// </summary>
    public static CarePlan FromWriterBundle(Bundle written)
    {
        ArgumentNullException.ThrowIfNull(written);
        var resources = written.Entry.Select(e => (Resource)e.Resource!.DeepCopy()).ToList();
        var carePlan = (CarePlan)resources.Single(r => r is CarePlan);
        var contained = resources.Where(r => r is not CarePlan).ToList();
        var local = contained.Select(r => r.Id!).ToHashSet(StringComparer.Ordinal);
        foreach (var resource in contained.Append(carePlan))
        {
            foreach (var reference in References(resource))
            {
                if (reference.Reference is not { } target || !target.StartsWith("urn:uuid:", StringComparison.Ordinal))
                {
                    continue;
                }

                var id = target["urn:uuid:".Length..];
                if (local.Contains(id))
                {
                    reference.Reference = "#" + id;
                }
                else if (id == carePlan.Id)
                {
                    reference.Reference = "#";
                }
            }
        }

        // Keep the top-level id; contained resources keep theirs (unique, content-derived).
        carePlan.Contained = [.. contained.Cast<Resource>()];
        carePlan.InstantiatesCanonical = [$"{KnowledgeArtifacts.PlanDefinitionUrl}|{Core.Evidence.KnowledgeBase.Current.Version}"];
        // Every contained resource must be referenced from the container (dom-3): the DetectedIssues are named as
        // the plan's addressed concerns' support via notes already; reference them as activities' outcome-free links.
        foreach (var issue in contained.OfType<DetectedIssue>())
        {
            carePlan.SupportingInfo.Add(new ResourceReference("#" + issue.Id));
        }

        return carePlan;
    }

    /// <summary>Every ResourceReference under <paramref name="node"/>.</summary>
    private static IEnumerable<ResourceReference> References(Base node)
    {
        foreach (var (_, value) in node.EnumerateElements())
        {
            var children = value switch
            {
                Base b => [b],
                IEnumerable<Base> list => list,
                _ => [],
            };
            foreach (var child in children)
            {
                if (child is ResourceReference r)
                {
                    yield return r;
                }

                foreach (var inner in References(child))
                {
                    yield return inner;
                }
            }
        }
    }

    private static CarePlan Failed(string? patientId, DateOnly asOf, IEnumerable<InputError> errors)
    {
        var outcome = RecommendationFhirWriter.ErrorsToOperationOutcome(errors);
        return new CarePlan
        {
            Status = RequestStatus.Draft,
            Intent = CarePlan.CarePlanIntent.Proposal,
            Subject = patientId is { Length: > 0 } ? new ResourceReference($"Patient/{patientId}") : new ResourceReference { Display = "the patient of the submitted record" },
            Created = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Title = "MS relapse plan: not made (the record was refused)",
            InstantiatesCanonical = [$"{KnowledgeArtifacts.PlanDefinitionUrl}|{Core.Evidence.KnowledgeBase.Current.Version}"],
            Contained = [outcome],
            SupportingInfo = [new ResourceReference("#" + outcome.Id)],
            Note = [new Annotation { Text = "The pathway could not be applied: see the contained OperationOutcome." }],
        };
    }
}
