using System.Text.Json;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

// The views of an Observation read the plain way (ObservationLines writes its compact form, CompactObservations reads
// it back into these): plain values, no JSON. The JSON the plain way accepts has the kind of each FHIR type (see
// ObservationLines), and these views answer every accessor as JsonViews answers it for a value of that kind, including
// the accessors the mapping would not ask of that type: the mapping cannot tell the two ways apart
// (ObservationLinesTests).

/// <summary>A Coding read the plain way (only ever read as a Coding).</summary>
internal sealed class PlainCoding(string? system, string? code, string? display) : ICodingView
{
    public string? System => system;

    public string? Code => code;

    public string? Display => display;
}

/// <summary>A CodeableConcept read the plain way (only ever read as a concept).</summary>
internal sealed class PlainConcept(string? text, PlainCoding[]? coding) : IConceptView
{
    public string? Text => text;

    /// <summary>The codings (none given and an empty array read the same, as in <see cref="JsonViews"/>).</summary>
    public IReadOnlyList<ICodingView> Codings => coding ?? (IReadOnlyList<ICodingView>)[];
}

/// <summary>
/// The object of a choice element read the plain way (<c>valueQuantity</c>, <c>effectivePeriod</c>, …), with every member
/// any view reads of an object (a Coding's, a CodeableConcept's, a Quantity's, a Period's, a Reference's): the mapping
/// may ask a choice's value as any of them, and gets what <see cref="JsonViews"/> would give.
/// </summary>
internal sealed class PlainObject : ICodingView, IConceptView, IQuantityView
{
    /// <summary>What a choice of a primitive type is asked as a concept: no text, no coding (as <see cref="JsonViews"/>).</summary>
    public static readonly PlainObject Empty = new();

    public string? System { get; init; }

    public string? Code { get; init; }

    public string? Display { get; init; }

    public string? Text { get; init; }

    public decimal? Value { get; init; }

    public string? Unit { get; init; }

    public string? StartLiteral { get; init; }

    public string? EndLiteral { get; init; }

    public string? Reference { get; init; }

    public PlainCoding[]? Coding { get; init; }

    public IReadOnlyList<ICodingView> Codings => Coding ?? (IReadOnlyList<ICodingView>)[];
}

/// <summary>
/// A choice element read the plain way: a string for a string-valued primitive type, a number for a numeric one,
/// true/false for a boolean, an object for a complex type. Each accessor answers as <see cref="JsonViews"/>' does for a
/// value of that JSON kind, including the ones the mapping would not ask of that type.
/// </summary>
internal sealed class PlainChoice(JsonViews.ChoiceType type, JsonValueKind kind, string? text = null, int? integer = null, decimal? number = null, bool integerLiteral = false, PlainObject? value = null)
    : IChoiceView
{
    public string TypeName => type.Name;

    public bool IsQuantity => type.IsQuantity;

    public IQuantityView AsQuantity() => value ?? (IQuantityView)new PrimitiveQuantity(kind, number, integerLiteral);

    public IConceptView AsConcept() => value ?? PlainObject.Empty;

    public int? AsInteger() => kind switch
    {
        JsonValueKind.Object => null,
        JsonValueKind.Number when integer is { } i => i,
        _ => throw JsonViews.Broken(type.Name, kind),
    };

    public decimal? AsDecimal() => kind switch
    {
        JsonValueKind.Object => null,
        JsonValueKind.Number => number,
        _ => throw JsonViews.Broken(type.Name, kind),
    };

    public bool? AsBoolean() => kind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object => null,
        _ => throw JsonViews.Broken(type.Name, kind),
    };

    public string? AsString() => kind switch
    {
        JsonValueKind.Object => null,
        JsonValueKind.String => text,
        _ => throw JsonViews.Broken(type.Name, kind),
    };

    public ClinicalTime? AsInstant() => AsString() is { } literal ? JsonViews.InstantOf(literal) : null;

    public string? PeriodStart() => value?.StartLiteral;

    public string? PeriodEnd() => value?.EndLiteral;

    public string? AsReference() => value?.Reference;

    public string? ReferenceDisplay() => value?.Display;

    /// <summary>
    /// A primitive asked as a Quantity: Firely keeps it as the Quantity's <c>value</c>, so a decimal literal reads as the
    /// value and anything else throws when the value is read; the other members are absent.
    /// </summary>
    private sealed class PrimitiveQuantity(JsonValueKind kind, decimal? number, bool integerLiteral) : IQuantityView
    {
        public decimal? Value => kind == JsonValueKind.Number && !integerLiteral ? number : throw JsonViews.Broken("value", kind);

        public string? Unit => null;

        public string? System => null;

        public string? Code => null;
    }
}

/// <summary>An Observation's component read the plain way: its code and its <c>value[x]</c>.</summary>
internal sealed class PlainComponent(PlainConcept? code, PlainChoice? value) : IComponentView
{
    public IConceptView? Code => code;

    public IChoiceView? Value => value;
}

/// <summary>An Observation read the plain way, with its <c>id</c> and <c>subject.reference</c>.</summary>
internal sealed class PlainObservation(string? id, string? subject, string status, PlainConcept? code, PlainChoice? value, PlainChoice? effective, PlainConcept[] interpretation, PlainComponent[] components)
    : IObservationView
{
    /// <summary>What <see cref="ResourceHeader"/> reads of the line (the plain shape has no other reference member).</summary>
    public ResourceHeader Header => new(1, "Observation", id, subject, null, null, null);

    public string Status => status;

    public IConceptView? Code => code;

    public IChoiceView? Value => value;

    public IChoiceView? Effective => effective;

    public IReadOnlyList<IConceptView?> Interpretation => interpretation;

    public IReadOnlyList<IComponentView?> Components => components;
}
