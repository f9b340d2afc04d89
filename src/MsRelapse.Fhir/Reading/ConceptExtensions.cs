namespace MsRelapse.Fhir;

/// <summary>
/// How the mapping asks a CodeableConcept questions: by code rule, by ICD-10 range, by status code, by text. Plain
/// loops by index over the concept's codings (no closures, no boxed enumerators): the mapping asks each concept against
/// dozens of rules, for every resource of a screen.
/// </summary>
internal static class ConceptExtensions
{
    /// <summary>The codings (none for an absent concept).</summary>
    public static IReadOnlyList<ICodingView> Codings(this IConceptView? concept) => concept?.Codings ?? [];

    /// <summary>True when a coding matches any of <paramref name="rules"/>.</summary>
    public static bool Has(this IConceptView? concept, CodeRule[] rules) => AnyMatch(concept, rules, static (r, system, code) => r.Matches(system, code));

    /// <summary>True when a coding matches <paramref name="rule"/>.</summary>
    public static bool Has(this IConceptView? concept, CodeRule rule)
    {
        var codings = concept.Codings();
        for (var i = 0; i < codings.Count; i++)
        {
            var c = codings[i];
            if (rule.Matches(c.System, c.Code))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a coding lies in one of the ICD-10 <paramref name="ranges"/>.</summary>
    public static bool HasRange(this IConceptView? concept, IcdRange[] ranges) => AnyMatch(concept, ranges, static (r, system, code) => r.Matches(system, code));

    /// <summary>True when a coding (in order) matches one of <paramref name="rules"/> (in order).</summary>
    private static bool AnyMatch<TRule>(IConceptView? concept, TRule[] rules, Func<TRule, string?, string?, bool> matches)
    {
        var codings = concept.Codings();
        for (var i = 0; i < codings.Count; i++)
        {
            var c = codings[i];
            foreach (var rule in rules)
            {
                if (matches(rule, c.System, c.Code))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when a coding's code (any system) is one of <paramref name="codes"/>: status concepts.</summary>
    public static bool HasStatusCode(this IConceptView? concept, params ReadOnlySpan<string> codes)
    {
        var codings = concept.Codings();
        for (var i = 0; i < codings.Count; i++)
        {
            if (codings[i].Code is { } code && codes.Contains(code))
            {
                return true;
            }
        }

        return false;
    }

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
