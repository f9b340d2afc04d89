using System.Text.Json;

namespace MsRelapse.Fhir;

/// <summary>What a JSON text's root is, in words, when it cannot be a FHIR resource: the one wording of the readers and the service.</summary>
public static class JsonRoot
{
    /// <summary>
    /// "a JSON array", "a JSON string", "a JSON number", "a JSON boolean" or "JSON null" when the root of
    /// <paramref name="json"/> is not an object; null for an object, and for text that is not JSON (the parse says where).
    /// </summary>
    public static string? NotAnObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read())
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return reader.TokenType switch
        {
            JsonTokenType.StartArray => "a JSON array",
            JsonTokenType.String => "a JSON string",
            JsonTokenType.Number => "a JSON number",
            JsonTokenType.True or JsonTokenType.False => "a JSON boolean",
            JsonTokenType.Null => "JSON null",
            _ => null,
        };
    }
}
