using System.Globalization;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>Observations: EDSS, measurements with their units, qualitative findings (tests: ReaderObservationTests).</summary>
internal sealed partial class BundleReader
{
    private void ReadObservation(IObservationView observation, SourceRef source)
    {
        if (observation.Status == "entered-in-error")
        {
            return;
        }

        var code = observation.Code;
        if (code.Has(Codes.Edss))
        {
            ReadEdss(observation, source);
            return;
        }

        if (code.Has(Codes.BloodPressurePanel))
        {
            var components = observation.Components;
            var systolic = components.FirstOrDefault(c => c!.Code.Has(Codes.Systolic));
            if (systolic is not null)
            {
                var index = IndexOf(components, systolic);
                ReadMeasurement(MeasurementKind.SystolicMmHg, observation, systolic.Value, source, $"Observation.component[{index}].valueQuantity");
            }

            return;
        }

        var codings = code.Codings();
        for (var i = 0; i < codings.Count; i++)
        {
            var coding = codings[i];
            if (coding.System == CodeSystems.Loinc && coding.Code is { } loinc && Codes.Measurements.TryGetValue(loinc, out var kind))
            {
                ReadMeasurement(kind, observation, observation.Value, source, "Observation.valueQuantity");
                return;
            }
        }

        foreach (var (kind, rules) in Codes.Findings)
        {
            if (code.Has(rules))
            {
                ReadFinding(kind, observation, source);
                return;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<IComponentView?> components, IComponentView component)
    {
        for (var i = 0; i < components.Count; i++)
        {
            if (ReferenceEquals(components[i], component))
            {
                return i;
            }
        }

        return -1;
    }

    private ClinicalTime? EffectiveOf(IObservationView observation, SourceRef source)
    {
        var when = FhirDates.Read(observation.Effective, "Observation.effective");
        if (when is null)
        {
            _notes.Add($"{source.Resource}: no effective date; not used.");
        }

        return when;
    }

    private void ReadEdss(IObservationView observation, SourceRef source)
    {
        var when = EffectiveOf(observation, source);
        if (when is null)
        {
            return;
        }

        // EDSS is unitless: the total is read as recorded (R0 judges its range and steps).
        var value = observation.Value;
        CheckUnitless(value, -1, null);
        var total = Number(value, -1);
        // One score per system, the last component of a system winning; the set is made once (an EDSS has eight).
        double? visual = null, brainstem = null, pyramidal = null, cerebellar = null, sensory = null, bowelBladder = null, cerebral = null, ambulation = null;
        var components = observation.Components;
        for (var i = 0; i < components.Count; i++)
        {
            var name = EdssComponentName(components[i]!.Code);
            if (name is null)
            {
                continue;
            }

            var componentValue = components[i]!.Value;
            CheckUnitless(componentValue, i, name);
            var score = Number(componentValue, i);
            switch (name)
            {
                case "visual": visual = score; break;
                case "brainstem": brainstem = score; break;
                case "pyramidal": pyramidal = score; break;
                case "cerebellar": cerebellar = score; break;
                case "sensory": sensory = score; break;
                case "bowel-bladder": bowelBladder = score; break;
                case "cerebral": cerebral = score; break;
                case "ambulation": ambulation = score; break;
            }
        }

        var fs = new RawFunctionalSystems(visual, brainstem, pyramidal, cerebellar, sensory, bowelBladder, cerebral, ambulation);
        if (total is null && fs.IsEmpty)
        {
            _notes.Add($"{source.Resource}: EDSS assessment without a total or any functional system; not used.");
            return;
        }

        _edss.Add(new EdssAssessment(when.Value, total, fs, source.At(total is null ? "Observation.component" : "Observation.valueQuantity")));
    }

    /// <summary>The EDSS component a concept names (its first MsRelapse coding with a component code), or null.</summary>
    private static string? EdssComponentName(IConceptView? concept)
    {
        var codings = concept.Codings();
        for (var i = 0; i < codings.Count; i++)
        {
            var c = codings[i];
            if (c.System == CodeSystems.Msr && c.Code is not null && Codes.EdssComponents.Contains(c.Code))
            {
                return c.Code;
            }
        }

        return null;
    }

    /// <summary>
    /// EDSS, FS and ambulation scores are unitless (clinical.md R0): a Quantity may carry no unit, UCUM <c>1</c>,
    /// the annotation <c>{score}</c> (or <c>{points}</c>), or the unit text "score"/"points"; any other unit (kg,
    /// mm[Hg], …) means the value is not a score, an R0 rejection (<c>unknown-unit</c>). R0 judges every EDSS
    /// assessment whatever its date, so the reader can refuse it here.
    /// </summary>
    /// <param name="value">The total's value (<paramref name="component"/> -1) or a component's.</param>
    /// <param name="component">The component's index; -1 for the total.</param>
    /// <param name="name">The component's name (<c>pyramidal</c>, <c>ambulation</c>…); null for the total.</param>
    private static void CheckUnitless(IChoiceView? value, int component, string? name)
    {
        if (value is not { IsQuantity: true })
        {
            return;
        }

        var unit = Units.UnitOf(value.AsQuantity());
        if (Units.IsScoreUnit(unit))
        {
            return;
        }

        // The path and the wording are made only here: an EDSS assessment has eight components, read by the thousand.
        var what = name switch
        {
            null => "EDSS",
            "ambulation" => "The ambulation score",
            _ => $"The {name} functional system score",
        };
        throw new UnreadableValueException(EdssPath(component, ".valueQuantity.code"), $"'{unit}' is not a unit of a score: {what} is unitless (expected no unit, UCUM 1 or {{score}})", FhirErrorCodes.UnknownUnit);
    }

    /// <summary>The path of an element of an EDSS observation's value (<paramref name="component"/> -1) or of a component's.</summary>
    private static string EdssPath(int component, string element) =>
        component < 0 ? "Observation" + element : $"Observation.component[{component}]{element}";

    /// <summary>A unitless number from valueQuantity, valueInteger or valueDecimal-like values (of the total, or of component <paramref name="component"/>).</summary>
    private static double? Number(IChoiceView? value, int component)
    {
        if (value is null)
        {
            return null;
        }

        if (value.IsQuantity)
        {
            return value.AsQuantity().Value is { } v ? (double)v : null;
        }

        switch (value.TypeName)
        {
            case "integer":
                return value.AsInteger();
            case "decimal":
                return value.AsDecimal() is { } d ? (double)d : null;
            case "string" when double.TryParse(value.AsString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw new UnreadableValueException(EdssPath(component, ".value") + value.TypeName, "is not a number");
        }
    }

    private void ReadMeasurement(MeasurementKind kind, IObservationView observation, IChoiceView? value, SourceRef source, string path)
    {
        var quantity = value is { IsQuantity: true } ? value.AsQuantity() : null;
        if (quantity?.Value is not { } raw)
        {
            _notes.Add($"{source.Resource}: no numeric value; not used.");
            return;
        }

        var when = EffectiveOf(observation, source);
        if (when is null)
        {
            return;
        }

        var unit = Units.UnitOf(quantity);
        var (converted, problem) = Units.ToCanonical(kind, (double)raw, unit);
        _measurements.Add(new Measurement(kind, when.Value, converted, unit, source.At(path), problem));
    }

    private void ReadFinding(FindingKind kind, IObservationView observation, SourceRef source)
    {
        var positive = Positivity(kind, observation);
        if (positive is null)
        {
            _notes.Add($"{source.Resource}: no readable result; not used.");
            return;
        }

        var when = EffectiveOf(observation, source);
        if (when is null)
        {
            return;
        }

        _findingsOut.Add(new Finding(kind, when.Value, positive.Value, source.At("Observation.value")));
    }

    /// <summary>
    /// Positive: interpretation POS or DET; valueCodeableConcept SNOMED 10828004 "Positive" or 260373001 "Detected"
    /// (pregnancy: also 77386006 "Pregnant"); valueBoolean true; a string that says "positive" or "detected" (alone or
    /// before a titre: "Positive (1:320)"). Negative only when the result says so: 260385009 "Negative" or 260415000 "Not
    /// detected" (pregnancy: also 60001007 "Not pregnant"), interpretation NEG or ND, valueBoolean false, the string
    /// "negative" or "not detected". Anything else is no readable result (null: a note, and no finding): fhir-profile.md
    /// defines only the positive values, and reading every other value as negative took an AQP4-IgG reported "Detected"
    /// for a negative one — an NMOSD attack treated as MS (clinical review, ruling A48 in docs/pathway.md). An
    /// observation coded <c>MSR#breastfeeding</c> with no value states breastfeeding.
    /// </summary>
    private static bool? Positivity(FindingKind kind, IObservationView observation)
    {
        var interpretation = observation.Interpretation;
        if (interpretation.Any(i => i.Has(Codes.InterpretationsPositive)))
        {
            return true;
        }

        bool? interpreted = interpretation.Any(i => i.Has(Codes.InterpretationsNegative)) ? false : null;
        var value = observation.Value;
        return value?.TypeName switch
        {
            // 2026.2 (fhir-profile.md): enhancing lesions as a count (0 = none) or a boolean; reflexes MSR#preserved / MSR#lost.
            "integer" when kind == FindingKind.GadoliniumEnhancingLesions => value.AsInteger() is { } n ? n > 0 : null,
            "CodeableConcept" when kind == FindingKind.DeepTendonReflexes => value.AsConcept() is var reflexes && reflexes.Has(new CodeRule(CodeSystems.Msr, "preserved"))
                ? true
                : reflexes.Has(new CodeRule(CodeSystems.Msr, "lost")) ? false : null,
            "CodeableConcept" => ResultOf(kind, value.AsConcept()) ?? interpreted,
            "boolean" => value.AsBoolean(),
            "string" => ResultOf(value.AsString()) ?? interpreted,
            null when kind == FindingKind.Breastfeeding && observation.Code.Has(Codes.BreastfeedingStated) => true,
            _ => interpreted,
        };
    }

    /// <summary>A coded qualitative result: true, false, or null when its codes say neither.</summary>
    private static bool? ResultOf(FindingKind kind, IConceptView? result) =>
        result.Has(Codes.PositiveResults) || (kind == FindingKind.Pregnancy && result.Has(Codes.Pregnant)) ? true
        : result.Has(Codes.NegativeResults) || (kind == FindingKind.Pregnancy && result.Has(Codes.NotPregnant)) ? false
        : null;

    /// <summary>
    /// A qualitative result as text: "positive" or "detected" (alone, or followed by a space or punctuation: "Positive
    /// (1:320)") is true; "negative" or "not detected" likewise false; any other text null.
    /// </summary>
    internal static bool? ResultOf(string? text)
    {
        var t = text?.Trim() ?? "";
        static bool Says(string text, string word) =>
            text.StartsWith(word, StringComparison.OrdinalIgnoreCase) && (text.Length == word.Length || !char.IsLetterOrDigit(text[word.Length]));
        return Says(t, "positive") || Says(t, "detected") ? true
            : Says(t, "negative") || Says(t, "not detected") ? false
            : null;
    }
}
