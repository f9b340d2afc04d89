using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
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
    private static readonly FhirJsonSerializer Serializer = new();

    private static readonly Dictionary<string, ActionCode> Steps = Enum.GetValues<ActionCode>().ToDictionary(WireNames.Of, StringComparer.Ordinal);

    /// <summary>Step → proposal resource, for the steps (primary, concurrent) that carry a plan.</summary>
    public static IReadOnlyDictionary<ActionCode, Resource> Of(Recommendation r)
    {
        var bundle = RecommendationFhirWriter.ToBundle(r);
        var byId = bundle.Entry.Select(e => e.Resource).OfType<DomainResource>().Where(x => x is MedicationRequest or ServiceRequest)
            .ToDictionary(x => "urn:uuid:" + x.Id, x => (Resource)x, StringComparer.Ordinal);
        var group = bundle.Entry.Select(e => e.Resource).OfType<RequestGroup>().FirstOrDefault();
        var result = new Dictionary<ActionCode, Resource>();
        foreach (var action in group?.Action ?? [])
        {
            if (action.Resource?.Reference is not { } reference || action.Title is not { } title)
            {
                continue;
            }

            if (byId.TryGetValue(reference, out var resource) && Steps.TryGetValue(title, out var step))
            {
                AddActionCode(resource, step);
                result[step] = resource;
            }
        }

        return result;
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

    /// <summary>The resource as a JSON element for an action's <c>resource</c>.</summary>
    public static JsonElement Json(Resource resource)
    {
        using var doc = JsonDocument.Parse(Serializer.SerializeToString(resource));
        return doc.RootElement.Clone();
    }
}
