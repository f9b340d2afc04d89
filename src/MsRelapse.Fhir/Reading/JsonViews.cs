using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// The reader's views (<see cref="IResourceView"/>) straight over UTF-8 JSON (<see cref="JsonElement"/>), with no
/// FHIR object model: what the fast reader reads. They answer as the Firely views do (the differential test holds
/// them to it): a value of the wrong JSON kind throws when the mapping reads it (Firely keeps it in overflow and its
/// getter throws), a JSON null for an object reads as an empty object, a null primitive as absent, and a null item
/// of a list stays a null item.
/// </summary>
internal static class JsonViews
{
    /// <summary>A view over a parsed resource: its JSON, for a message that says what is wrong with it (<see cref="FhirRecordReader.DiagnoseJson"/>).</summary>
    internal interface IJsonBacked
    {
        JsonElement Json { get; }
    }

    /// <summary>An empty object: what Firely makes of <c>"code": null</c>.</summary>
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>The FHIR data types a choice element can carry, by the suffix of its JSON name (<c>valueQuantity</c>).</summary>
    private static readonly FrozenDictionary<string, ChoiceType> ChoiceTypes = new Dictionary<string, string>
    {
        ["Boolean"] = "boolean", ["Integer"] = "integer", ["Decimal"] = "decimal", ["String"] = "string", ["Uri"] = "uri",
        ["Url"] = "url", ["Canonical"] = "canonical", ["Base64Binary"] = "base64Binary", ["Instant"] = "instant",
        ["Date"] = "date", ["DateTime"] = "dateTime", ["Time"] = "time", ["Code"] = "code", ["Oid"] = "oid", ["Id"] = "id",
        ["Markdown"] = "markdown", ["UnsignedInt"] = "unsignedInt", ["PositiveInt"] = "positiveInt", ["Uuid"] = "uuid",
        ["Quantity"] = "Quantity", ["Age"] = "Age", ["Duration"] = "Duration", ["Count"] = "Count", ["Distance"] = "Distance",
        ["CodeableConcept"] = "CodeableConcept", ["Coding"] = "Coding", ["Period"] = "Period", ["Range"] = "Range",
        ["Ratio"] = "Ratio", ["SampledData"] = "SampledData", ["Attachment"] = "Attachment", ["Reference"] = "Reference",
        ["Identifier"] = "Identifier", ["Timing"] = "Timing", ["Annotation"] = "Annotation", ["Money"] = "Money",
        ["HumanName"] = "HumanName", ["Address"] = "Address", ["ContactPoint"] = "ContactPoint", ["Signature"] = "Signature",
        ["Expression"] = "Expression", ["Meta"] = "Meta", ["Dosage"] = "Dosage", ["ContactDetail"] = "ContactDetail",
    }.ToFrozenDictionary(t => t.Key, t => new ChoiceType(t.Value), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ChoiceType>.AlternateLookup<ReadOnlySpan<char>> ChoiceTypeLookup = ChoiceTypes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The same types by their FHIR name (<c>dateTime</c>, <c>Quantity</c>): how a compact Observation names its choice's type.</summary>
    internal static readonly FrozenDictionary<string, ChoiceType> ChoiceTypesByName = ChoiceTypes.Values.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>True when the UTF-8 <paramref name="utf8"/> starts with the ASCII <paramref name="prefix"/>.</summary>
    private static bool StartsWithAscii(ReadOnlySpan<byte> utf8, string prefix)
    {
        for (var i = 0; i < prefix.Length; i++)
        {
            if (utf8[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A FHIR type a choice element can carry: its name, as UTF-8 too (for messages), and whether it is a Quantity.</summary>
    internal sealed class ChoiceType(string name)
    {
        public string Name { get; } = name;

        public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(name);

        public bool IsQuantity { get; } = name is "Quantity" or "Age" or "Duration" or "Count" or "Distance";
    }

    /// <summary>The view of a resource of a type the reader maps; null for any other type.</summary>
    public static IResourceView? Of(string typeName, JsonElement resource) => typeName switch
    {
        "Patient" => new PatientView(resource),
        "Condition" => new ConditionView(resource),
        "Observation" => new ObservationView(resource),
        "MedicationAdministration" => new AdministrationView(resource),
        "MedicationRequest" => new RequestView(resource),
        "MedicationStatement" => new StatementView(resource),
        "AllergyIntolerance" => new AllergyView(resource),
        "Procedure" => new ProcedureView(resource),
        "Medication" => new MedicationView(resource),
        _ => null,
    };

    // ---- element access with Firely's answers ---------------------------------------------------------------------

    private static InvalidOperationException Broken(string name, JsonElement value) => Broken(name, value.ValueKind);

    /// <summary>What a view throws when the mapping reads a value of the wrong JSON kind (the plain views' wording too).</summary>
    internal static InvalidOperationException Broken(string name, JsonValueKind kind) =>
        new($"'{name}' is a JSON {kind}, not the FHIR type the element holds");

    private static InvalidOperationException Broken(ReadOnlySpan<byte> name, JsonElement value) => Broken(Encoding.UTF8.GetString(name), value);

    /// <summary>
    /// A member of an object. A primitive where an object was expected is kept by Firely as that object's
    /// <c>value</c>, of the wrong type: its other members are absent and its <c>value</c> throws.
    /// </summary>
    private static bool TryMember(JsonElement owner, ReadOnlySpan<byte> name, out JsonElement value)
    {
        if (owner.ValueKind == JsonValueKind.Object)
        {
            return owner.TryGetProperty(name, out value);
        }

        if (name.SequenceEqual("value"u8) && owner.ValueKind == JsonValueKind.Number && !IsIntegerLiteral(owner))
        {
            value = owner; // a decimal literal: Firely holds it as a decimal, which is what a Quantity's value is
            return true;
        }

        if (name.SequenceEqual("value"u8) || owner.ValueKind == JsonValueKind.Array)
        {
            throw Broken(name, owner);
        }

        value = default;
        return false;
    }

    /// <summary>A number written without a fraction or exponent (Firely holds it as an integer, not a decimal).</summary>
    private static bool IsIntegerLiteral(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny(".eE") < 0;

    /// <summary>A number Firely cannot hold as an integer or a decimal: it keeps its text, as a string.</summary>
    private static bool IsHuge(JsonElement number) => !number.TryGetInt64(out _) && !number.TryGetDecimal(out _);

    /// <summary>
    /// A string primitive: absent, null or an object → null; a string → it; a number too large for a decimal → its
    /// text (Firely keeps it as text); anything else throws.
    /// </summary>
    private static string? Text(JsonElement owner, ReadOnlySpan<byte> name) =>
        TryMember(owner, name, out var value) ? StringOf(value, name) : null;

    private static string? StringOf(JsonElement value, ReadOnlySpan<byte> name) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Object => null,
        JsonValueKind.String => Utf8StringCache.GetString(value),
        JsonValueKind.Number when IsHuge(value) => value.GetRawText(),
        _ => throw Broken(name, value),
    };

    /// <summary>A code read as Firely's <c>JsonValue</c> is shown: a string as it is, a number or boolean as its text; absent → "".</summary>
    private static string StatusCode(JsonElement owner, ReadOnlySpan<byte> name)
    {
        if (!TryMember(owner, name, out var value))
        {
            return string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Object => string.Empty,
            JsonValueKind.String => Utf8StringCache.GetString(value),
            JsonValueKind.Number => value.TryGetInt32(out var i) ? i.ToString(CultureInfo.InvariantCulture)
                : value.TryGetInt64(out var l) ? l.ToString(CultureInfo.InvariantCulture)
                : value.TryGetDecimal(out var d) ? d.ToString(CultureInfo.InvariantCulture)
                : value.GetRawText(),
            JsonValueKind.True => bool.TrueString,
            JsonValueKind.False => bool.FalseString,
            _ => throw Broken(name, value),
        };
    }

    /// <summary>An object element: absent → null; null → an empty object; an array throws; a primitive is kept (its members throw when read).</summary>
    private static JsonElement? Object(JsonElement owner, ReadOnlySpan<byte> name)
    {
        if (!TryMember(owner, name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null => EmptyObject,
            JsonValueKind.Array => throw Broken(name, value),
            _ => value,
        };
    }

    /// <summary>
    /// A list element: absent → empty; an array → its items (null items as null, nested arrays flattened, as Firely
    /// reads them); null or anything else throws.
    /// </summary>
    private static List<JsonElement?> List(JsonElement owner, ReadOnlySpan<byte> name)
    {
        if (!TryMember(owner, name, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Broken(name, value);
        }

        var items = new List<JsonElement?>(value.GetArrayLength());
        Flatten(value, items);
        return items;
    }

    /// <summary>
    /// <see cref="List"/>'s reading, each item made into a view (null items stay null): an array of the items as
    /// written, without the intermediate list when the array is flat (nearly always).
    /// </summary>
    private static T?[] Items<T>(JsonElement owner, ReadOnlySpan<byte> name, Func<JsonElement, T> view)
        where T : class
    {
        if (!TryMember(owner, name, out var value))
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Broken(name, value);
        }

        var items = new T?[value.GetArrayLength()];
        var count = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                return Flattened(value, view);
            }

            items[count++] = item.ValueKind == JsonValueKind.Null ? null : view(item);
        }

        return items;
    }

    /// <summary><see cref="Items"/> of an array with nested arrays (its own method: the lambda's closure is made only here).</summary>
    private static T?[] Flattened<T>(JsonElement array, Func<JsonElement, T> view)
        where T : class
    {
        var flattened = new List<JsonElement?>();
        Flatten(array, flattened);
        return [.. flattened.Select(i => i is { } e ? view(e) : null)];
    }

    private static void Flatten(JsonElement array, List<JsonElement?> items)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, items);
            }
            else
            {
                items.Add(item.ValueKind == JsonValueKind.Null ? null : item);
            }
        }
    }

    /// <summary>A choice element <c>name[x]</c>: the first member named <paramref name="name"/> + a FHIR type.</summary>
    private static ChoiceView? Choice(JsonElement owner, string name)
    {
        if (owner.ValueKind != JsonValueKind.Object)
        {
            throw Broken(name, owner);
        }

        foreach (var member in owner.EnumerateObject())
        {
            // Only a member whose raw name starts with the element name (or is escaped) is looked at: most are not.
            var raw = JsonMarshal.GetRawUtf8PropertyName(member);
            var escaped = raw.IndexOf((byte)'\\') >= 0;
            if (!escaped && (raw.Length <= name.Length || !StartsWithAscii(raw, name)))
            {
                continue;
            }

            if (ChoiceTypeOf(member, raw, escaped, name) is { } type)
            {
                var value = member.Value;
                if (value.ValueKind == JsonValueKind.Null)
                {
                    return char.IsLower(type.Name[0]) ? null : new ChoiceView(type, EmptyObject);
                }

                if (value.ValueKind == JsonValueKind.Array)
                {
                    throw Broken(member.Name, value);
                }

                return new ChoiceView(type, value);
            }
        }

        return null;
    }

    /// <summary>
    /// The FHIR type a member named <paramref name="name"/> + suffix carries, or null. An unescaped name's suffix is
    /// looked up as written (a type name is short ASCII: widened on the stack, no string made for each observation's
    /// <c>valueQuantity</c>); an escaped name is decoded first.
    /// </summary>
    private static ChoiceType? ChoiceTypeOf(JsonProperty member, ReadOnlySpan<byte> raw, bool escaped, string name)
    {
        if (escaped)
        {
            var key = member.Name;
            return key.Length > name.Length && key.StartsWith(name, StringComparison.Ordinal) &&
                ChoiceTypeLookup.TryGetValue(key.AsSpan(name.Length), out var decoded) ? decoded : null;
        }

        return ChoiceTypeOfSuffix(raw[name.Length..]);
    }

    /// <summary>The FHIR type a choice element's unescaped name suffix (<c>Quantity</c> of <c>valueQuantity</c>) names, or null.</summary>
    internal static ChoiceType? ChoiceTypeOfSuffix(ReadOnlySpan<byte> suffix)
    {
        if (suffix.Length > MaxChoiceSuffix)
        {
            return null;
        }

        // No type name has a non-ASCII letter: such a suffix is no type.
        Span<char> chars = stackalloc char[MaxChoiceSuffix];
        return Ascii.ToUtf16(suffix, chars, out var length) == OperationStatus.Done
            && ChoiceTypeLookup.TryGetValue(chars[..length], out var type) ? type : null;
    }

    /// <summary>Room for the longest type suffix of a choice element (<c>CodeableConcept</c>, 15 letters), with some to spare.</summary>
    private const int MaxChoiceSuffix = 32;

    /// <summary>An instant's local date and time as written, the offset dropped (throws when it is not an instant).</summary>
    internal static ClinicalTime InstantOf(string literal)
    {
        var instant = System.Xml.XmlConvert.ToDateTimeOffset(literal);
        return new ClinicalTime(DateOnly.FromDateTime(instant.DateTime), TimeOnly.FromDateTime(instant.DateTime));
    }

    private static ConceptView? Concept(JsonElement? element) => element is { } e ? new ConceptView(e) : null;

    private static decimal? Decimal(JsonElement value, ReadOnlySpan<byte> name) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Object => null,
        JsonValueKind.Number when value.TryGetDecimal(out var d) => d,
        _ => throw Broken(name, value),
    };

    private static int? Integer(JsonElement value, ReadOnlySpan<byte> name) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Object => null,
        JsonValueKind.Number when value.TryGetInt32(out var i) => i,
        _ => throw Broken(name, value),
    };

    /// <summary>
    /// A Coding. The mapping asks each coding of a concept against many code rules, so each string is read from the
    /// JSON once, on first use (a value that throws is not kept, and throws again when asked again, as Firely does).
    /// </summary>
    private sealed class CodingView(JsonElement coding) : ICodingView
    {
        private string? _system, _code, _display;
        private int _read;

        public string? System => Once(ref _system, 1, "system"u8);

        public string? Code => Once(ref _code, 2, "code"u8);

        public string? Display => Once(ref _display, 4, "display"u8);

        private string? Once(ref string? value, int bit, ReadOnlySpan<byte> name)
        {
            if ((_read & bit) == 0)
            {
                value = Text(coding, name);
                _read |= bit;
            }

            return value;
        }
    }

    /// <summary>A CodeableConcept; its codings are read once, on first use (see <see cref="CodingView"/>).</summary>
    private sealed class ConceptView(JsonElement concept) : IConceptView
    {
        private ICodingView[]? _codings;

        public string? Text => JsonViews.Text(concept, "text"u8);

        public IReadOnlyList<ICodingView> Codings => _codings ??= ReadCodings();

        /// <summary><see cref="Items"/>' reading of <c>coding</c>, null items left out (Firely's list of codings has none).</summary>
        private ICodingView[] ReadCodings()
        {
            var items = Items<ICodingView>(concept, "coding"u8, static e => new CodingView(e));
            return Array.IndexOf(items, null) < 0 ? (ICodingView[])items : [.. items.OfType<ICodingView>()];
        }
    }

    private sealed class QuantityView(JsonElement quantity) : IQuantityView
    {
        public decimal? Value => TryMember(quantity, "value"u8, out var v) ? Decimal(v, "value"u8) : null;

        public string? Unit => Text(quantity, "unit"u8);

        public string? System => Text(quantity, "system"u8);

        public string? Code => Text(quantity, "code"u8);
    }

    private sealed class ChoiceView(ChoiceType type, JsonElement value) : IChoiceView
    {
        public string TypeName => type.Name;

        public bool IsQuantity => type.IsQuantity;

        public IQuantityView AsQuantity() => new QuantityView(value);

        public IConceptView AsConcept() => new ConceptView(value);

        public int? AsInteger() => Integer(value, type.Utf8);

        public decimal? AsDecimal() => Decimal(value, type.Utf8);

        public bool? AsBoolean() => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Object => null,
            _ => throw Broken(type.Name, value),
        };

        public string? AsString() => StringOf(value, type.Utf8);

        public ClinicalTime? AsInstant()
        {
            if (AsString() is not { } literal)
            {
                return null;
            }

            return InstantOf(literal);
        }

        public string? PeriodStart() => Text(value, "start"u8);

        public string? PeriodEnd() => Text(value, "end"u8);

        public string? AsReference() => Text(value, "reference"u8);

        public string? ReferenceDisplay() => Text(value, "display"u8);
    }

    private sealed class PatientView(JsonElement patient) : IPatientView, IJsonBacked
    {
        public JsonElement Json => patient;

        public string? Gender => TryMember(patient, "gender"u8, out var g) ? g.ValueKind switch
        {
            JsonValueKind.String => Utf8StringCache.GetString(g),
            JsonValueKind.Number when IsHuge(g) => g.GetRawText(),
            JsonValueKind.Array => throw Broken("gender", g),
            _ => null,
        } : null;

        public string? BirthDate => Text(patient, "birthDate"u8);

        public IChoiceView? Deceased => Choice(patient, "deceased");
    }

    private sealed class ConditionView(JsonElement condition) : IConditionView, IJsonBacked
    {
        public JsonElement Json => condition;

        public IConceptView? VerificationStatus => Concept(Object(condition, "verificationStatus"u8));

        public IConceptView? ClinicalStatus => Concept(Object(condition, "clinicalStatus"u8));

        public IConceptView? Code => Concept(Object(condition, "code"u8));

        public IChoiceView? Onset => Choice(condition, "onset");

        public IChoiceView? Abatement => Choice(condition, "abatement");

        public string? RecordedDate => Text(condition, "recordedDate"u8);
    }

    private sealed class ComponentView(JsonElement component) : IComponentView
    {
        public IConceptView? Code => Concept(Object(component, "code"u8));

        public IChoiceView? Value => Choice(component, "value");
    }

    private sealed class ObservationView(JsonElement observation) : IObservationView, IJsonBacked
    {
        public JsonElement Json => observation;

        public string Status => StatusCode(observation, "status"u8);

        public IConceptView? Code => Concept(Object(observation, "code"u8));

        public IChoiceView? Value => Choice(observation, "value");

        public IChoiceView? Effective => Choice(observation, "effective");

        public IReadOnlyList<IConceptView?> Interpretation => Items<IConceptView>(observation, "interpretation"u8, static e => new ConceptView(e));

        public IReadOnlyList<IComponentView?> Components => Items<IComponentView>(observation, "component"u8, static e => new ComponentView(e));
    }

    private abstract class MedicationUseView(JsonElement resource) : IMedicationUseView, IJsonBacked
    {
        public JsonElement Json => resource;

        protected JsonElement Resource => resource;

        public string Status => StatusCode(resource, "status"u8);

        public IChoiceView? Medication => Choice(resource, "medication");

        public IMedicationView? ContainedMedication(string id)
        {
            foreach (var item in List(resource, "contained"u8))
            {
                var contained = item ?? throw new InvalidOperationException("a contained resource is null");
                if (Text(contained, "id"u8) == id)
                {
                    return TryMember(contained, "resourceType"u8, out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("Medication")
                        ? new MedicationView(contained)
                        : null;
                }
            }

            return null;
        }
    }

    private sealed class AdministrationView(JsonElement administration) : MedicationUseView(administration), IMedicationAdministrationView
    {
        public IChoiceView? Effective => Choice(Resource, "effective");

        public IQuantityView? DosageDose => Object(Resource, "dosage"u8) is { } dosage && Object(dosage, "dose"u8) is { } dose ? new QuantityView(dose) : null;

        public IConceptView? DosageRoute => Object(Resource, "dosage"u8) is { } dosage ? Concept(Object(dosage, "route"u8)) : null;
    }

    private sealed class DosageView(JsonElement dosage) : IDosageView
    {
        private JsonElement? Repeat => Object(dosage, "timing"u8) is { } timing ? Object(timing, "repeat"u8) : null;

        public IChoiceView? RepeatBounds => Repeat is { } repeat ? Choice(repeat, "bounds") : null;

        public int? RepeatCount
        {
            get
            {
                return Repeat is { } repeat && TryMember(repeat, "count"u8, out var count) ? Integer(count, "count"u8) : null;
            }
        }

        public IQuantityView? Dose
        {
            get
            {
                foreach (var item in List(dosage, "doseAndRate"u8))
                {
                    var doseAndRate = item ?? throw new InvalidOperationException("a doseAndRate is null");
                    if (Choice(doseAndRate, "dose") is { IsQuantity: true } dose)
                    {
                        return dose.AsQuantity();
                    }
                }

                return null;
            }
        }

        public IConceptView? Route => Concept(Object(dosage, "route"u8));
    }

    private sealed class RequestView(JsonElement request) : MedicationUseView(request), IMedicationRequestView
    {
        public string Intent => StatusCode(Resource, "intent"u8);

        public string? AuthoredOn => Text(Resource, "authoredOn"u8);

        public IDosageView? FirstDosage => List(Resource, "dosageInstruction"u8).FirstOrDefault() is { } d ? new DosageView(d) : null;
    }

    private sealed class StatementView(JsonElement statement) : MedicationUseView(statement), IMedicationStatementView
    {
        public IChoiceView? Effective => Choice(Resource, "effective");
    }

    private sealed class AllergyView(JsonElement allergy) : IAllergyView, IJsonBacked
    {
        public JsonElement Json => allergy;

        public IConceptView? VerificationStatus => Concept(Object(allergy, "verificationStatus"u8));

        public IConceptView? ClinicalStatus => Concept(Object(allergy, "clinicalStatus"u8));

        public IConceptView? Code => Concept(Object(allergy, "code"u8));
    }

    private sealed class ProcedureView(JsonElement procedure) : IProcedureView, IJsonBacked
    {
        public JsonElement Json => procedure;

        public string Status => StatusCode(procedure, "status"u8);

        public IConceptView? Code => Concept(Object(procedure, "code"u8));

        public IChoiceView? Performed => Choice(procedure, "performed");
    }

    private sealed class MedicationView(JsonElement medication) : IMedicationView
    {
        public IConceptView? Code => Concept(Object(medication, "code"u8));

        public IEnumerable<IConceptView> IngredientConcepts =>
            List(medication, "ingredient"u8)
                .Select(i => Choice(i ?? throw new InvalidOperationException("an ingredient is null"), "item"))
                .Where(c => c?.TypeName == "CodeableConcept")
                .Select(c => c!.AsConcept());
    }
}
