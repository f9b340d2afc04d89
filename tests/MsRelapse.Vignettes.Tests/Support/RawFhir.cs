using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MsRelapse.Testing;

namespace MsRelapse.Vignettes.Tests.Support;

/// <summary>
/// FHIR shapes the builder does not write (interpretation POS, doses in grams, names in text, intent plan), built
/// inline with Firely POCOs and added to a builder's bundle.
/// </summary>
public static class RawFhir
{
    /// <summary>The builder's patient.</summary>
    public static ResourceReference Subject => new("Patient/p1");

    /// <summary>The builder's bundle plus extra resources, as FHIR JSON.</summary>
    public static string With(PatientBundle b, params Resource[] extra)
    {
        var bundle = b.ToBundle();
        foreach (var r in extra)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"https://ehr.example.org/fhir/{r.TypeName}/{r.Id}", Resource = r });
        }

        return bundle.ToJson();
    }
}
