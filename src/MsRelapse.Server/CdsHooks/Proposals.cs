using System.Text.Json;
using Hl7.Fhir.Model;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// The MedicationRequest / ServiceRequest proposals of a recommendation, taken from
/// <see cref="RecommendationFhirWriter"/> (one writer of the FHIR shapes), each also coded with its action's code in
/// <c>http://msrelapse.org/fhir/CodeSystem/msrelapse</c> (shared/contract/cds-hooks.md "Cards").
/// </summary>
internal static class Proposals
{
    /// <summary>Step → proposal resource, for the steps (primary, concurrent) that carry a plan.</summary>
    public static IReadOnlyDictionary<ActionCode, Resource> Of(Recommendation r)
    {
        var requests = RecommendationFhirWriter.StepRequests(r);
        foreach (var (step, resource) in requests)
        {
            AddActionCode(resource, step);
        }

        return requests;
    }

    private static void AddActionCode(Resource resource, ActionCode step)
    {
        var coding = new Coding(CodeSystems.Msr, WireNames.Of(step), CardText.Name(step));
        switch (resource)
        {
            case MedicationRequest { Medication: CodeableConcept medication } when !medication.Coding.Any(c => c.System == CodeSystems.Msr):
                medication.Coding.Add(coding);
                break;
            case ServiceRequest { Code: { } code } when !code.Coding.Any(c => c.System == CodeSystems.Msr && c.Code == coding.Code):
                code.Coding.Add(coding);
                break;
        }
    }

    /// <summary>The resource as a JSON element for an action's <c>resource</c> (an element that owns its bytes: nothing to dispose or clone).</summary>
    public static JsonElement Json(Resource resource) => RecommendationFhirWriter.ToJsonElement(resource);
}
