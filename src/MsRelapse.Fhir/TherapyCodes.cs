using Hl7.Fhir.Model;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// Recognises relapse therapies in an order (CDS Hooks <c>draftOrders</c>) with the reader's own code tables
/// (<see cref="Codes"/>, fhir-profile.md "Read"): a glucocorticoid by its ingredient code, ATC code or name as a
/// whole word, an apheresis procedure by CPT or <c>MSR#</c> code, a route by SNOMED. One table, two users: an
/// order is recognised exactly when the reader would count it once given.
/// </summary>
public static class TherapyCodes
{
    /// <summary>The relapse glucocorticoid a medication concept names, or null.</summary>
    public static SteroidDrug? SteroidOf(CodeableConcept? medication)
    {
        if (medication is null)
        {
            return null;
        }

        foreach (var rule in Codes.Drugs)
        {
            if (rule.Steroid is not { } steroid)
            {
                continue;
            }

            if (medication.Coding.Any(c => c is not null && rule.Codes.Any(r => r.Matches(c.System, c.Code))))
            {
                return steroid;
            }
        }

        // As the reader: the ingredient's name as a whole word in text or display (clinical-drug codes).
        var texts = new[] { medication.Text }.Concat(medication.Coding.Where(c => c is not null).Select(c => c.Display))
            .Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        foreach (var rule in Codes.Drugs)
        {
            if (rule.Steroid is { } steroid && texts.Any(t => Codes.DrugNamePatterns[rule].IsMatch(t!)))
            {
                return steroid;
            }
        }

        return null;
    }

    /// <summary>The apheresis kind a procedure code names (CPT 36514 / <c>MSR#therapeutic-plasma-exchange</c>, CPT 36516 / <c>MSR#immunoadsorption</c>), or null.</summary>
    public static ApheresisKind? ApheresisOf(CodeableConcept? code)
    {
        if (code is null)
        {
            return null;
        }

        foreach (var (kind, rules) in Codes.Apheresis)
        {
            if (code.Coding.Any(c => c is not null && rules.Any(r => r.Matches(c.System, c.Code))))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The route a route concept names (SNOMED 47625008 IV, 26643006 oral), or <see cref="DoseRoute.Unknown"/>.</summary>
    public static DoseRoute RouteOf(CodeableConcept? route)
    {
        if (route is null)
        {
            return DoseRoute.Unknown;
        }

        if (route.Coding.Any(c => c is not null && Codes.RouteIntravenous.Matches(c.System, c.Code)))
        {
            return DoseRoute.Intravenous;
        }

        return route.Coding.Any(c => c is not null && Codes.RouteOral.Matches(c.System, c.Code)) ? DoseRoute.Oral : DoseRoute.Unknown;
    }
}
