using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

// The reader's view of a resource: the elements the pathway reads, as plain values (strings, numbers, lists), with
// no FHIR object model in the types. Two adapters implement them — over Firely's POCOs (FirelyViews) and straight
// over UTF-8 JSON (JsonViews) — and one mapping (the partial BundleReader) reads both, so the two readers cannot
// disagree on which code means what, which unit converts how or which date wins. A third, for Observations only
// (PlainViews), holds what one forward pass read of a line in the plain shape (ObservationLines) and answers as
// JsonViews does for that text.
//
// Views are lazy: an element is read when the mapping asks for it, and an element present with the wrong JSON
// shape throws then (an error of that resource, see NeverThrow), exactly where the mapping needed it. An element
// the mapping never reads can be as broken as it likes. (The plain views are read eagerly, but only a line whose
// every element they keep has the right shape is read that way: the answers are the same.)

/// <summary>A Coding.</summary>
internal interface ICodingView
{
    string? System { get; }

    string? Code { get; }

    string? Display { get; }
}

/// <summary>A CodeableConcept.</summary>
internal interface IConceptView
{
    string? Text { get; }

    /// <summary>The codings, nulls left out.</summary>
    IReadOnlyList<ICodingView> Codings { get; }
}

/// <summary>
/// A concept that is only a text: a Reference's <c>display</c> read as the name of the medication it points at, when
/// that Medication is not in the record.
/// </summary>
internal sealed class TextConceptView(string text) : IConceptView
{
    public string? Text => text;

    public IReadOnlyList<ICodingView> Codings => [];
}

/// <summary>A Quantity (or Duration, Age, …).</summary>
internal interface IQuantityView
{
    decimal? Value { get; }

    string? Unit { get; }

    string? System { get; }

    string? Code { get; }
}

/// <summary>A choice element (<c>value[x]</c>, <c>effective[x]</c>, …): its FHIR type, and the value as that type.</summary>
internal interface IChoiceView
{
    /// <summary>The FHIR type name as FHIR spells it: <c>Quantity</c>, <c>integer</c>, <c>dateTime</c>, <c>Period</c>, …</summary>
    string TypeName { get; }

    /// <summary>True for Quantity and its profiles (Duration, Age, …).</summary>
    bool IsQuantity { get; }

    IQuantityView AsQuantity();

    IConceptView AsConcept();

    int? AsInteger();

    decimal? AsDecimal();

    bool? AsBoolean();

    /// <summary>A string-valued primitive (string, dateTime, date) as written.</summary>
    string? AsString();

    /// <summary>An instant, as written (its local date and time, the offset dropped).</summary>
    ClinicalTime? AsInstant();

    /// <summary>A Period's start literal.</summary>
    string? PeriodStart();

    /// <summary>A Period's end literal.</summary>
    string? PeriodEnd();

    /// <summary>A Reference's <c>reference</c>.</summary>
    string? AsReference();

    /// <summary>A Reference's <c>display</c>: the text of what it names.</summary>
    string? ReferenceDisplay();
}

/// <summary>A resource of a type the reader maps.</summary>
internal interface IResourceView;

internal interface IPatientView : IResourceView
{
    string? Gender { get; }

    string? BirthDate { get; }

    IChoiceView? Deceased { get; }
}

internal interface IConditionView : IResourceView
{
    IConceptView? VerificationStatus { get; }

    IConceptView? ClinicalStatus { get; }

    IConceptView? Code { get; }

    IChoiceView? Onset { get; }

    IChoiceView? Abatement { get; }

    string? RecordedDate { get; }
}

internal interface IObservationView : IResourceView
{
    /// <summary>The status code as written ("" when absent).</summary>
    string Status { get; }

    IConceptView? Code { get; }

    IChoiceView? Value { get; }

    IChoiceView? Effective { get; }

    /// <summary>Interpretations; an entry may be null (it counts, and matches nothing).</summary>
    IReadOnlyList<IConceptView?> Interpretation { get; }

    /// <summary>Components; an entry may be null (<c>component: [null]</c>), which the mapping cannot read.</summary>
    IReadOnlyList<IComponentView?> Components { get; }
}

internal interface IComponentView
{
    IConceptView? Code { get; }

    IChoiceView? Value { get; }
}

/// <summary>What every medication resource has: a medication (concept or reference) and contained resources.</summary>
internal interface IMedicationUseView : IResourceView
{
    /// <summary>The status code as written ("" when absent).</summary>
    string Status { get; }

    /// <summary><c>medication[x]</c>: a CodeableConcept or a Reference.</summary>
    IChoiceView? Medication { get; }

    /// <summary>A contained Medication by id (for <c>#id</c> references); null when there is none.</summary>
    IMedicationView? ContainedMedication(string id);
}

internal interface IMedicationAdministrationView : IMedicationUseView
{
    IChoiceView? Effective { get; }

    IQuantityView? DosageDose { get; }

    IConceptView? DosageRoute { get; }
}

internal interface IMedicationRequestView : IMedicationUseView
{
    /// <summary>The intent code as written ("" when absent).</summary>
    string Intent { get; }

    string? AuthoredOn { get; }

    /// <summary>The first dosage instruction, if any.</summary>
    IDosageView? FirstDosage { get; }
}

internal interface IDosageView
{
    /// <summary><c>timing.repeat.bounds[x]</c>.</summary>
    IChoiceView? RepeatBounds { get; }

    /// <summary><c>timing.repeat.count</c>.</summary>
    int? RepeatCount { get; }

    /// <summary>The first <c>doseAndRate.doseQuantity</c>.</summary>
    IQuantityView? Dose { get; }

    IConceptView? Route { get; }
}

internal interface IMedicationStatementView : IMedicationUseView
{
    IChoiceView? Effective { get; }
}

internal interface IAllergyView : IResourceView
{
    IConceptView? VerificationStatus { get; }

    IConceptView? ClinicalStatus { get; }

    IConceptView? Code { get; }
}

internal interface IProcedureView : IResourceView
{
    string Status { get; }

    IConceptView? Code { get; }

    IChoiceView? Performed { get; }
}

internal interface IMedicationView : IResourceView
{
    IConceptView? Code { get; }

    /// <summary><c>ingredient.itemCodeableConcept</c> of every ingredient.</summary>
    IEnumerable<IConceptView> IngredientConcepts { get; }
}
