using System.Text.Json;
using System.Text.Json.Serialization;

namespace MsRelapse.Server.CdsHooks;

// The CDS Hooks 2.0 wire shapes this service writes. Optional members are null here and omitted on the wire
// (CdsJson.Options ignores nulls): the contract's "omitted, never null".

/// <summary>Discovery response.</summary>
public sealed record CdsDiscovery(IReadOnlyList<CdsServiceDescription> Services);

/// <summary>One service in discovery.</summary>
public sealed record CdsServiceDescription(
    string Hook,
    string Title,
    string Description,
    string Id,
    IReadOnlyDictionary<string, string> Prefetch,
    string? UsageRequirements = null);

/// <summary>A hook response.</summary>
public sealed record CdsResponse(IReadOnlyList<CdsCard> Cards);

/// <summary>A card.</summary>
public sealed record CdsCard
{
    public required string Uuid { get; init; }

    public required string Summary { get; init; }

    public string? Detail { get; init; }

    public required string Indicator { get; init; }

    public required CdsSource Source { get; init; }

    public IReadOnlyList<CdsSuggestion>? Suggestions { get; init; }

    public string? SelectionBehavior { get; init; }

    public IReadOnlyList<CdsCoding>? OverrideReasons { get; init; }

    public IReadOnlyList<CdsLink>? Links { get; init; }
}

/// <summary>Card source.</summary>
public sealed record CdsSource(string Label, string? Url = null, CdsCoding? Topic = null);

/// <summary>A coding (override reasons, topics).</summary>
public sealed record CdsCoding(string Code, string System, string? Display = null);

/// <summary>A suggestion.</summary>
public sealed record CdsSuggestion
{
    public required string Label { get; init; }

    public required string Uuid { get; init; }

    public bool? IsRecommended { get; init; }

    public IReadOnlyList<CdsAction>? Actions { get; init; }
}

/// <summary>An action of a suggestion: <c>create</c> carries a resource, <c>delete</c> a <c>resourceId</c>.</summary>
public sealed record CdsAction
{
    public required string Type { get; init; }

    public required string Description { get; init; }

    public JsonElement? Resource { get; init; }

    public IReadOnlyList<string>? ResourceId { get; init; }
}

/// <summary>A link.</summary>
public sealed record CdsLink(string Label, string Url, string Type, string? AppContext = null);

/// <summary>JSON options of the CDS Hooks wire format.</summary>
public static class CdsJson
{
    /// <summary>camelCase, nulls omitted.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
