using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// JSON-level work on stored bundles that the FHIR reader does not do: checking (or assigning) the Patient's id,
/// the names to search by, and appending resources. Every method returns a problem instead of throwing.
/// </summary>
public static partial class BundleEditing
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>FHIR logical id: 1–64 of letters, digits, '-' and '.' (R4 "id" datatype).</summary>
    public static bool IsValidId(string? id) => id is not null && FhirId().IsMatch(id);

    /// <summary>A PUT body ready to store.</summary>
    /// <param name="BundleJson">The JSON to store (the body unchanged unless the Patient's id was assigned).</param>
    /// <param name="SearchText">Family and given names, for the patient search.</param>
    public sealed record PreparedBundle(string BundleJson, string SearchText);

    /// <summary>
    /// PUT rule: the Bundle must hold exactly one Patient; if that Patient has an id, it must equal the URL id
    /// (422 <c>patient-id-mismatch</c> otherwise); if it has none, it is assigned the URL id. A body that is not a
    /// JSON object with resourceType Bundle is 400 <c>fhir-parse-error</c>.
    /// </summary>
    public static Outcome<PreparedBundle> PrepareForPut(string body, string patientId)
    {
        if (ParseObject(body) is not { } root)
        {
            return FhirBody.ParseError("The body is not a JSON object; expected a FHIR R4 Bundle.");
        }

        if (ResourceType(root) != "Bundle")
        {
            return FhirBody.ParseError("Expected a FHIR R4 Bundle (resourceType \"Bundle\") holding the patient's record.");
        }

        var unknown = IndexedResources(root).Select(r => (Type: ResourceType(r.Resource), r.Index)).Where(r => r.Type is null || !Hl7.Fhir.Model.ModelInfo.IsKnownResource(r.Type)).ToList();
        if (unknown.Count > 0)
        {
            // Stored, a resource of no FHIR type would be handed back in the record and to every reader of it.
            return Problems.Create(422, ProblemCodes.ValidationFailed, "Some entries are not FHIR R4 resources.", null,
                unknown.Select(u => new ProblemError(u.Type is null ? "missing-resource-type" : "unknown-resource-type",
                    u.Type is null ? "An entry has no resourceType." : $"'{Shorten(u.Type)}' is not a FHIR R4 resource type.", "Bundle", $"Bundle.entry[{u.Index}].resource")));
        }

        var patients = Resources(root).Where(r => ResourceType(r) == "Patient").ToList();
        if (patients.Count != 1)
        {
            return Problems.Create(422, ProblemCodes.ValidationFailed, "The Bundle must hold exactly one Patient.",
                $"found {patients.Count} Patient resources",
                [new ProblemError("patient-count", "A patient record is a Bundle with exactly one Patient resource.", "Bundle", "Bundle.entry")]);
        }

        var patient = patients[0];
        var bodyId = patient["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var json = body;
        if (bodyId is null)
        {
            // The caller left the id to the URL: assign it, so that the stored record names itself.
            patient["id"] = patientId;
            json = root.ToJsonString(Compact);
        }
        else if (!string.Equals(bodyId, patientId, StringComparison.Ordinal))
        {
            return Problems.Create(422, ProblemCodes.PatientIdMismatch, "The Patient in the body has another id.",
                "The Bundle's Patient.id must equal the id in the URL (or be absent, and then it is assigned).",
                [new ProblemError(ProblemCodes.PatientIdMismatch, "Patient.id differs from the URL id.", "Patient", "Patient.id")]);
        }

        return Outcome<PreparedBundle>.Ok(new(json, SearchText(patient)));
    }

    /// <summary>The names (family, given, text) of the bundle's Patient, for search; empty when none.</summary>
    public static string SearchTextOf(string bundleJson) =>
        ParseObject(bundleJson) is { } root && Resources(root).FirstOrDefault(r => ResourceType(r) == "Patient") is { } p ? SearchText(p) : "";

    /// <summary>The stored bundle with the resources appended.</summary>
    /// <param name="BundleJson">The merged bundle.</param>
    /// <param name="Count">How many resources the body added (or replaced).</param>
    /// <param name="Added">The labels (<c>Type/id</c>, ids assigned) of the resources the body added or replaced.</param>
    public sealed record AppendedBundle(string BundleJson, int Count, IReadOnlySet<string> Added);

    /// <summary>
    /// Appends one resource, or every entry of a Bundle, to the stored bundle. A resource without an id gets a new
    /// one; a resource with the type and id of one already stored replaces it (a corrected assessment). A Patient
    /// cannot be added this way (PUT replaces the record).
    /// </summary>
    public static Outcome<AppendedBundle> Append(string storedBundleJson, string body, Func<string> newId)
    {
        ArgumentNullException.ThrowIfNull(newId);
        if (ParseObject(body) is not { } incoming)
        {
            return FhirBody.ParseError("The body is not a JSON object; expected a FHIR resource or a Bundle of resources.");
        }

        if (ResourceType(incoming) is not { } incomingType)
        {
            return FhirBody.ParseError("The body has no resourceType; expected a FHIR resource or a Bundle of resources.");
        }

        var added = incomingType == "Bundle" ? Resources(incoming).ToList() : [incoming];
        if (added.Count == 0)
        {
            return Problems.Create(422, ProblemCodes.ValidationFailed, "Nothing to add.", "The Bundle holds no resources.",
                [new ProblemError("no-resources", "The Bundle holds no resources.", "Bundle", "Bundle.entry")]);
        }

        var errors = new List<ProblemError>();
        for (var i = 0; i < added.Count; i++)
        {
            var type = ResourceType(added[i]);
            if (type is null)
            {
                errors.Add(new("missing-resource-type", "An entry has no resourceType.", "Bundle", $"Bundle.entry[{i}].resource"));
            }
            else if (!Hl7.Fhir.Model.ModelInfo.IsKnownResource(type))
            {
                errors.Add(new("unknown-resource-type", $"'{Shorten(type)}' is not a FHIR R4 resource type.", "Bundle", $"Bundle.entry[{i}].resource.resourceType"));
            }
            else if (type is "Patient" or "Bundle")
            {
                errors.Add(new("resource-not-allowed", $"A {type} cannot be added to a record; PUT the whole Bundle to replace it.", type, $"Bundle.entry[{i}].resource"));
            }
            else if (added[i]["id"] is { } idNode && (idNode is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || !IsValidId(id)))
            {
                errors.Add(new("invalid-id", "The resource id is not a FHIR id (1–64 letters, digits, '-' or '.').", type, $"{type}.id"));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Create(422, ProblemCodes.ValidationFailed, "Some resources cannot be added.", null, errors);
        }

        if (ParseObject(storedBundleJson) is not { } stored)
        {
            throw new InvalidOperationException("the stored bundle is not a JSON object");
        }

        if (stored["entry"] is not JsonArray entries)
        {
            entries = [];
            stored["entry"] = entries;
        }

        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in added)
        {
            var copy = resource.DeepClone().AsObject();
            var type = ResourceType(copy)!;
            if (copy["id"] is null)
            {
                copy["id"] = newId();
            }

            var id = copy["id"]!.GetValue<string>();
            labels.Add($"{type}/{id}");
            var entry = new JsonObject { ["fullUrl"] = $"{type}/{id}", ["resource"] = copy };
            var existing = entries.Select((e, index) => (e, index))
                .FirstOrDefault(x => x.e?["resource"] is JsonObject r && ResourceType(r) == type && r["id"] is JsonValue rid && rid.TryGetValue<string>(out var s) && s == id);
            if (existing.e is not null)
            {
                entries[existing.index] = entry;
            }
            else
            {
                entries.Add(entry);
            }
        }

        return Outcome<AppendedBundle>.Ok(new(stored.ToJsonString(Compact), added.Count, labels));
    }

    private static JsonObject? ParseObject(string json)
    {
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 128, AllowDuplicateProperties = false }) as JsonObject;
            _ = node?.Count; // materialise now, so a duplicate key fails here rather than at first use
            return node;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A type name from the caller, cut for a message.</summary>
    private static string Shorten(string text) => QueryParameters.Shorten(text, 64);

    private static string? ResourceType(JsonObject resource) =>
        resource["resourceType"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IEnumerable<JsonObject> Resources(JsonObject bundle) => IndexedResources(bundle).Select(r => r.Resource);

    /// <summary>The entries' resources with the index of their entry (for an error's path).</summary>
    private static IEnumerable<(JsonObject Resource, int Index)> IndexedResources(JsonObject bundle) =>
        bundle["entry"] is JsonArray entries
            ? entries.Select((e, i) => (Resource: (e as JsonObject)?["resource"] as JsonObject, Index: i)).Where(r => r.Resource is not null).Select(r => (r.Resource!, r.Index))
            : [];

    private static string SearchText(JsonObject patient)
    {
        var parts = new List<string>();
        if (patient["name"] is JsonArray names)
        {
            foreach (var name in names.OfType<JsonObject>())
            {
                if (name["family"] is JsonValue f && f.TryGetValue<string>(out var family))
                {
                    parts.Add(family);
                }

                if (name["given"] is JsonArray given)
                {
                    parts.AddRange(given.OfType<JsonValue>().Select(g => g.TryGetValue<string>(out var s) ? s : null).OfType<string>());
                }

                if (name["text"] is JsonValue t && t.TryGetValue<string>(out var text))
                {
                    parts.Add(text);
                }
            }
        }

        var joined = string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()));
        return joined.Length <= 500 ? joined : joined[..500];
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirId();
}
