using Hl7.Fhir.Model;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// The reader's views (<see cref="IResourceView"/>) over Firely's POCOs. Each getter reads the Firely property when
/// the mapping asks: Firely keeps a value of the wrong JSON type in overflow and its getter throws then, which the
/// mapping reports as an error of that resource.
/// </summary>
internal static class FirelyViews
{
    /// <summary>The view of a resource of a type the reader maps; null for any other type.</summary>
    public static IResourceView? Of(Resource resource) => resource switch
    {
        Patient p => new PatientView(p),
        Condition c => new ConditionView(c),
        Observation o => new ObservationView(o),
        MedicationAdministration ma => new AdministrationView(ma),
        MedicationRequest mr => new RequestView(mr),
        MedicationStatement ms => new StatementView(ms),
        AllergyIntolerance ai => new AllergyView(ai),
        Procedure p => new ProcedureView(p),
        Medication m => new MedicationView(m),
        _ => null,
    };

    private static string StatusOf(PrimitiveType? status) => status?.JsonValue as string ?? status?.JsonValue?.ToString() ?? string.Empty;

    /// <summary>The view of a CodeableConcept; null for none.</summary>
    public static IConceptView? Concept(CodeableConcept? concept) => concept is null ? null : new ConceptView(concept);

    private static ChoiceView? Choice(DataType? value) => value is null ? null : new ChoiceView(value);

    private sealed class CodingView(Coding coding) : ICodingView
    {
        public string? System => coding.System;

        public string? Code => coding.Code;

        public string? Display => coding.Display;
    }

    private sealed class ConceptView(CodeableConcept concept) : IConceptView
    {
        public string? Text => concept.Text;

        public IReadOnlyList<ICodingView> Codings => [.. concept.Coding.Where(c => c is not null).Select(c => (ICodingView)new CodingView(c))];
    }

    private sealed class QuantityView(Quantity quantity) : IQuantityView
    {
        public decimal? Value => quantity.Value;

        public string? Unit => quantity.Unit;

        public string? System => quantity.System;

        public string? Code => quantity.Code;
    }

    private sealed class ChoiceView(DataType value) : IChoiceView
    {
        public string TypeName => value.TypeName;

        public bool IsQuantity => value is Quantity;

        public IQuantityView AsQuantity() => new QuantityView((Quantity)value);

        public IConceptView AsConcept() => new ConceptView((CodeableConcept)value);

        public int? AsInteger() => ((Integer)value).Value;

        public decimal? AsDecimal() => ((FhirDecimal)value).Value;

        public bool? AsBoolean() => ((FhirBoolean)value).Value;

        public string? AsString() => value switch
        {
            FhirString s => s.Value,
            FhirDateTime dt => dt.Value,
            Date d => d.Value,
            _ => null,
        };

        public ClinicalTime? AsInstant() =>
            ((Instant)value).Value is { } v ? new ClinicalTime(DateOnly.FromDateTime(v.DateTime), TimeOnly.FromDateTime(v.DateTime)) : null;

        public string? PeriodStart() => ((Period)value).Start;

        public string? PeriodEnd() => ((Period)value).End;

        public string? AsReference() => ((ResourceReference)value).Reference;

        public string? ReferenceDisplay() => ((ResourceReference)value).Display;
    }

    private sealed class PatientView(Patient patient) : IPatientView
    {
        public string? Gender => patient.GenderElement?.JsonValue as string;

        public string? BirthDate => patient.BirthDate;

        public IChoiceView? Deceased => Choice(patient.Deceased);
    }

    private sealed class ConditionView(Condition condition) : IConditionView
    {
        public IConceptView? VerificationStatus => Concept(condition.VerificationStatus);

        public IConceptView? ClinicalStatus => Concept(condition.ClinicalStatus);

        public IConceptView? Code => Concept(condition.Code);

        public IChoiceView? Onset => Choice(condition.Onset);

        public IChoiceView? Abatement => Choice(condition.Abatement);

        public string? RecordedDate => condition.RecordedDate;
    }

    private sealed class ComponentView(Observation.ComponentComponent component) : IComponentView
    {
        public IConceptView? Code => Concept(component.Code);

        public IChoiceView? Value => Choice(component.Value);
    }

    private sealed class ObservationView(Observation observation) : IObservationView
    {
        public string Status => StatusOf(observation.StatusElement);

        public IConceptView? Code => Concept(observation.Code);

        public IChoiceView? Value => Choice(observation.Value);

        public IChoiceView? Effective => Choice(observation.Effective);

        public IReadOnlyList<IConceptView?> Interpretation => [.. observation.Interpretation.Select(i => i is null ? null : (IConceptView)new ConceptView(i))];

        public IReadOnlyList<IComponentView?> Components => [.. observation.Component.Select(c => c is null ? null : (IComponentView)new ComponentView(c))];
    }

    private abstract class MedicationUseView(DomainResource resource) : IMedicationUseView
    {
        public abstract string Status { get; }

        public abstract IChoiceView? Medication { get; }

        public IMedicationView? ContainedMedication(string id) =>
            resource.Contained.FirstOrDefault(c => c.Id == id) is Medication m ? new MedicationView(m) : null;
    }

    private sealed class AdministrationView(MedicationAdministration administration) : MedicationUseView(administration), IMedicationAdministrationView
    {
        public override string Status => StatusOf(administration.StatusElement);

        public override IChoiceView? Medication => Choice(administration.Medication);

        public IChoiceView? Effective => Choice(administration.Effective);

        public IQuantityView? DosageDose => administration.Dosage?.Dose is { } dose ? new QuantityView(dose) : null;

        public IConceptView? DosageRoute => Concept(administration.Dosage?.Route);
    }

    private sealed class DosageView(Dosage dosage) : IDosageView
    {
        public IChoiceView? RepeatBounds => Choice(dosage.Timing?.Repeat?.Bounds);

        public int? RepeatCount => dosage.Timing?.Repeat?.Count;

        public IQuantityView? Dose => dosage.DoseAndRate.Select(d => d.Dose).OfType<Quantity>().FirstOrDefault() is { } q ? new QuantityView(q) : null;

        public IConceptView? Route => Concept(dosage.Route);
    }

    private sealed class RequestView(MedicationRequest request) : MedicationUseView(request), IMedicationRequestView
    {
        public override string Status => StatusOf(request.StatusElement);

        public override IChoiceView? Medication => Choice(request.Medication);

        public string Intent => StatusOf(request.IntentElement);

        public string? AuthoredOn => request.AuthoredOn;

        public IDosageView? FirstDosage => request.DosageInstruction.FirstOrDefault() is { } d ? new DosageView(d) : null;
    }

    private sealed class StatementView(MedicationStatement statement) : MedicationUseView(statement), IMedicationStatementView
    {
        public override string Status => StatusOf(statement.StatusElement);

        public override IChoiceView? Medication => Choice(statement.Medication);

        public IChoiceView? Effective => Choice(statement.Effective);
    }

    private sealed class AllergyView(AllergyIntolerance allergy) : IAllergyView
    {
        public IConceptView? VerificationStatus => Concept(allergy.VerificationStatus);

        public IConceptView? ClinicalStatus => Concept(allergy.ClinicalStatus);

        public IConceptView? Code => Concept(allergy.Code);
    }

    private sealed class ProcedureView(Procedure procedure) : IProcedureView
    {
        public string Status => StatusOf(procedure.StatusElement);

        public IConceptView? Code => Concept(procedure.Code);

        public IChoiceView? Performed => Choice(procedure.Performed);
    }

    private sealed class MedicationView(Medication medication) : IMedicationView
    {
        public IConceptView? Code => Concept(medication.Code);

        public IEnumerable<IConceptView> IngredientConcepts => medication.Ingredient.Select(i => i.Item).OfType<CodeableConcept>().Select(c => (IConceptView)new ConceptView(c));
    }
}
