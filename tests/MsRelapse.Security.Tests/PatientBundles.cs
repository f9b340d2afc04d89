using System.Text.Json.Nodes;
using MsRelapse.Testing;

namespace MsRelapse.Security.Tests;

internal static class PatientBundles
{
    /// <summary>A shared example re-labelled as patient <paramref name="id"/>, with a name (and optionally a birth date).</summary>
    public static string Bundle(string id, string example = "severe-relapse-untreated", string family = "Keller", string given = "Anna", string? birthDate = null)
    {
        var bundle = JsonNode.Parse(SharedExamples.Load(example).Replace("Patient/p1\"", $"Patient/{id}\"", StringComparison.Ordinal))!.AsObject();
        foreach (var entry in bundle["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!.AsObject();
            if ((string?)resource["resourceType"] == "Patient")
            {
                resource["id"] = id;
                resource["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray(given) });
                if (birthDate is not null)
                {
                    resource["birthDate"] = birthDate;
                }
            }
        }

        return bundle.ToJsonString();
    }
}
