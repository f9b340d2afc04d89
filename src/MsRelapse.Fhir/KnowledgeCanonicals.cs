using MsRelapse.Core.Pathway;

namespace MsRelapse.Fhir;

/// <summary>
/// The canonical URLs of the pathway's FHIR knowledge artifacts (the PlanDefinition and one ActivityDefinition per
/// orderable action), shared by the artifacts (MsRelapse.Knowledge) and the recommendation's FHIR output, whose
/// RequestGroup, requests and Provenance point to them (<c>instantiatesCanonical</c>, <c>policy</c>).
/// </summary>
public static class KnowledgeCanonicals
{
    /// <summary>Canonical base of the artifacts.</summary>
    public const string Base = "http://msrelapse.org/fhir";

    /// <summary>Id of the PlanDefinition.</summary>
    public const string PlanDefinitionId = "ms-relapse-pathway";

    /// <summary>The actions that are orderable, each with an ActivityDefinition, in the order they are listed.</summary>
    public static IReadOnlyList<ActionCode> Orderable { get; } =
    [
        ActionCode.OralMethylprednisolone, ActionCode.IvMethylprednisolone, ActionCode.EscalatedIvMethylprednisolone,
        ActionCode.PlasmaExchange, ActionCode.Immunoadsorption, ActionCode.Ivig, ActionCode.SpecialistReview,
    ];

    /// <summary>Canonical URL of a resource of this type and id.</summary>
    public static string Of(string type, string id) => $"{Base}/{type}/{id}";

    /// <summary>Canonical URL of the PlanDefinition.</summary>
    public static string PlanDefinition => Of("PlanDefinition", PlanDefinitionId);

    /// <summary>The ActivityDefinition id of an orderable action (its contract name), or null.</summary>
    public static string? ActivityDefinitionId(ActionCode action) => Orderable.Contains(action) ? WireNames.Of(action) : null;

    /// <summary>The ActivityDefinition URL of an orderable action, or null.</summary>
    public static string? ActivityDefinition(ActionCode action) => ActivityDefinitionId(action) is { } id ? Of("ActivityDefinition", id) : null;

    /// <summary>A canonical with its version (<c>url|version</c>): the knowledge-base version.</summary>
    public static string Versioned(string url, string version) => $"{url}|{version}";
}
