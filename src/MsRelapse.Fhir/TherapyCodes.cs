using Hl7.Fhir.Model;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// Recognises relapse therapies in an order (CDS Hooks <c>draftOrders</c>) with the reader's own recognition
/// (<see cref="Codes"/>, fhir-profile.md "Read"): a glucocorticoid by its ingredient code, ATC code or name as a
/// whole word — in the order's concept, or in the Medication its reference names (contained, or an entry of the
/// draftOrders Bundle), or in that reference's display —, an apheresis procedure by CPT or <c>MSR#</c> code, a route
/// by SNOMED or its words. The medication and the route go through the reader's own code (<c>BundleReader</c> over
/// Firely views), so an order is recognised exactly when the reader would count it once given.
/// </summary>
public static class TherapyCodes
{
    /// <summary>The Medications of a draftOrders Bundle, by the names a reference may use (<c>Medication/id</c>, fullUrl).</summary>
    public static IReadOnlyDictionary<string, Medication> MedicationsOf(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var byReference = new Dictionary<string, Medication>(StringComparer.Ordinal);
        foreach (var entry in bundle.Entry)
        {
            if (entry?.Resource is not Medication medication)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(medication.Id))
            {
                byReference.TryAdd("Medication/" + medication.Id, medication);
            }

            if (!string.IsNullOrEmpty(entry.FullUrl))
            {
                byReference.TryAdd(entry.FullUrl, medication);
            }
        }

        return byReference;
    }

    /// <summary>
    /// The relapse glucocorticoid a medication order names, or null: by its <c>medicationCodeableConcept</c>, or by the
    /// Medication its <c>medicationReference</c> names — contained, or in <paramref name="medications"/> (see
    /// <see cref="MedicationsOf"/>) — and the reference's display.
    /// </summary>
    public static SteroidDrug? SteroidOf(MedicationRequest order, IReadOnlyDictionary<string, Medication> medications) =>
        BundleReader.Recognise(ConceptsOf(order, medications), Codes.SteroidDrugs)?.Rule.Steroid;

    /// <summary>
    /// The glucocorticoid crossing the placenta (dexamethasone, betamethasone) that a medication order names, or null:
    /// recognised as <see cref="SteroidOf"/> recognises a relapse steroid. Not a relapse steroid: the order hooks warn
    /// when it is ordered in pregnancy (clinical.md R5, "never dexamethasone in pregnancy").
    /// </summary>
    public static string? PlacentaCrossingSteroidOf(MedicationRequest order, IReadOnlyDictionary<string, Medication> medications) =>
        BundleReader.Recognise(ConceptsOf(order, medications), Codes.PlacentaCrossingSteroids)?.Rule.Ingredient;

    private static List<IConceptView> ConceptsOf(MedicationRequest order, IReadOnlyDictionary<string, Medication> medications)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(medications);
        var view = (IMedicationUseView)FirelyViews.Of(order)!;
        return BundleReader.MedicationConcepts(
            view.Medication, view, reference => medications.GetValueOrDefault(reference) is { } m ? FirelyViews.Of(m) as IMedicationView : null, out _);
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

    /// <summary>
    /// The route a route concept names (SNOMED 47625008 IV, 26643006 oral, else the words "intravenous"/"IV",
    /// "oral"/"by mouth" in its text or displays, as the reader), or <see cref="DoseRoute.Unknown"/>.
    /// </summary>
    public static DoseRoute RouteOf(CodeableConcept? route) => BundleReader.RouteOf(FirelyViews.Concept(route));
}
