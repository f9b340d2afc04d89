using System.Text.Json;

namespace MsRelapse.Server.CdsHooks;

/// <summary>A CDS Hooks request as read from the body (the members this service uses).</summary>
internal sealed class CdsRequest
{
    private CdsRequest(JsonDocument document)
    {
        Document = document;
    }

    public JsonDocument Document { get; }

    public required string Hook { get; init; }

    public required string HookInstance { get; init; }

    public required string PatientId { get; init; }

    public Uri? FhirServer { get; init; }

    public string? FhirAccessToken { get; init; }

    public JsonElement Context { get; init; }

    public JsonElement? Prefetch { get; init; }

    /// <summary>Reads and checks the request; on failure returns null and the reason (for a 400).</summary>
    public static CdsRequest? Parse(byte[] body, out string? error)
    {
        // The REST API's guard (found by fuzzing, fuzz/regressions/cds-request): a string that is not text (invalid
        // UTF-8, an escaped lone surrogate) threw from GetString (a 500), and a repeated key was read as its first value.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "The request body is not valid UTF-8.";
            return null;
        }

        var document = Infrastructure.JsonGuard.Parse(body, new JsonDocumentOptions { MaxDepth = 128 }, out var finding);
        if (document is null)
        {
            error = finding is null ? "The request body is not valid JSON." : $"{finding.Message} ({finding.Path})";
            return null;
        }

        var root = document.RootElement;
        string? hook = null, instance = null, patientId = null;
        JsonElement context = default;
        error = root.ValueKind != JsonValueKind.Object ? "The request body must be a JSON object."
            : !TryString(root, "hook", out hook) ? "'hook' is required (a string)."
            : !TryString(root, "hookInstance", out instance) ? "'hookInstance' is required (a string)."
            : !Guid.TryParseExact(instance, "D", out _) ? "'hookInstance' must be a UUID (CDS Hooks 2.0: a universally unique identifier of this call, e.g. d1577c69-dfbe-44ad-ba6d-3e05e953b2ea)."
            : !root.TryGetProperty("context", out context) || context.ValueKind != JsonValueKind.Object ? "'context' is required (an object)."
            : !TryString(context, "patientId", out patientId) ? "'context.patientId' is required (a string)."
            : !IsFhirId(patientId) ? "'context.patientId' must be a FHIR id (1 to 64 characters from A-Z, a-z, 0-9, '-', '.')."
            : null;
        if (error is not null)
        {
            document.Dispose();
            return null;
        }

        Uri? server = null;
        if (root.TryGetProperty("fhirServer", out var fs) && fs.ValueKind != JsonValueKind.Null)
        {
            if (fs.ValueKind != JsonValueKind.String || !Uri.TryCreate(fs.GetString(), UriKind.Absolute, out server) || server.Scheme is not ("http" or "https"))
            {
                document.Dispose();
                error = "'fhirServer' must be an absolute http(s) URL.";
                return null;
            }
        }

        string? token = null;
        if (root.TryGetProperty("fhirAuthorization", out var auth) && auth.ValueKind == JsonValueKind.Object && TryString(auth, "access_token", out var t))
        {
            token = t;
        }

        JsonElement? prefetch = null;
        if (root.TryGetProperty("prefetch", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                error = "'prefetch' must be an object.";
                return null;
            }

            prefetch = p;
        }

        return new CdsRequest(document)
        {
            Hook = hook!,
            HookInstance = instance!,
            PatientId = patientId!,
            FhirServer = server,
            FhirAccessToken = token,
            Context = context,
            Prefetch = prefetch,
        };
    }

    internal static bool IsFhirId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    private static bool TryString(JsonElement element, string name, out string? value)
    {
        value = element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return !string.IsNullOrEmpty(value);
    }
}
