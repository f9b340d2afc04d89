namespace MsRelapse.Fhir;

/// <summary>How the mapping asks a CodeableConcept questions: by code rule, by ICD-10 range, by status code, by text.</summary>
internal static class ConceptExtensions
{
    /// <summary>The codings (none for an absent concept).</summary>
    public static IEnumerable<ICodingView> Codings(this IConceptView? concept) => concept?.Codings ?? [];

    /// <summary>True when a coding matches any of <paramref name="rules"/>.</summary>
    public static bool Has(this IConceptView? concept, IEnumerable<CodeRule> rules) =>
        concept.Codings().Any(c => rules.Any(r => r.Matches(c.System, c.Code)));

    /// <summary>True when a coding matches <paramref name="rule"/>.</summary>
    public static bool Has(this IConceptView? concept, CodeRule rule) => concept.Codings().Any(c => rule.Matches(c.System, c.Code));

    /// <summary>True when a coding lies in one of the ICD-10 <paramref name="ranges"/>.</summary>
    public static bool HasRange(this IConceptView? concept, IEnumerable<IcdRange> ranges) =>
        concept.Codings().Any(c => ranges.Any(r => r.Matches(c.System, c.Code)));

    /// <summary>True when a coding's code (any system) is one of <paramref name="codes"/>: status concepts.</summary>
    public static bool HasStatusCode(this IConceptView? concept, params string[] codes) =>
        concept.Codings().Any(c => c.Code is not null && codes.Contains(c.Code, StringComparer.Ordinal));

    /// <summary>The concept's text, then each coding's display (blank ones left out).</summary>
    public static IEnumerable<string> Texts(this IConceptView? concept)
    {
        if (concept is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(concept.Text))
        {
            yield return concept.Text;
        }

        foreach (var c in concept.Codings())
        {
            if (!string.IsNullOrWhiteSpace(c.Display))
            {
                yield return c.Display;
            }
        }
    }
}
