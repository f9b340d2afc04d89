using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MsRelapse.Synthetic;

/// <summary>The FHIR R4 shapes, written straight to UTF-8 (codes exactly as shared/fhir-profile.md "Read" lists them).</summary>
internal sealed partial class PatientGenerator
{
    private static readonly string[] Offsets = ["+00:00", "+01:00", "+02:00", "-05:00", "-04:00"];

    // ---- Building blocks ---------------------------------------------------------------------------------------

    private Utf8JsonWriter Start(SynthResourceType type, string? id = null)
    {
        var w = _out.Begin(type);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, TypeName(type));
        w.WriteString("id"u8, id ?? _rng.Uuid());
        return w;
    }

    private void End(SynthResourceType type, Utf8JsonWriter w)
    {
        w.WriteEndObject();
        _out.EndLine(type);
    }

    private static string TypeName(SynthResourceType type) => type switch
    {
        SynthResourceType.Patient => "Patient",
        SynthResourceType.Condition => "Condition",
        SynthResourceType.Observation => "Observation",
        SynthResourceType.MedicationAdministration => "MedicationAdministration",
        SynthResourceType.MedicationRequest => "MedicationRequest",
        SynthResourceType.MedicationStatement => "MedicationStatement",
        SynthResourceType.Procedure => "Procedure",
        SynthResourceType.AllergyIntolerance => "AllergyIntolerance",
        SynthResourceType.Medication => "Medication",
        _ => "Encounter",
    };

    private void Subject(Utf8JsonWriter w, string property = "subject")
    {
        w.WriteStartObject(property);
        w.WriteString("reference"u8, _patientRef);
        w.WriteEndObject();
    }

    private static void Date(Utf8JsonWriter w, string property, DateOnly date)
    {
        Span<char> buffer = stackalloc char[10];
        date.TryFormat(buffer, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        w.WriteString(property, buffer);
    }

    /// <summary>A dateTime: a date only, or (some) with a time of day and an offset, as EHRs write them.</summary>
    private void When(Utf8JsonWriter w, string property, DateOnly date)
    {
        if (!_rng.Chance(p.DateTimeShare))
        {
            Date(w, property, date);
            return;
        }

        Span<char> buffer = stackalloc char[25];
        date.TryFormat(buffer, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var hour = _rng.Between(7, 18);
        var minute = _rng.Between(0, 59);
        buffer[10] = 'T';
        buffer[11] = (char)('0' + (hour / 10));
        buffer[12] = (char)('0' + (hour % 10));
        buffer[13] = ':';
        buffer[14] = (char)('0' + (minute / 10));
        buffer[15] = (char)('0' + (minute % 10));
        ":00".AsSpan().CopyTo(buffer[16..]);
        Offsets[_rng.Between(0, Offsets.Length - 1)].AsSpan().CopyTo(buffer[19..]);
        w.WriteString(property, buffer);
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartObject();
        w.WriteString("system"u8, system);
        w.WriteString("code"u8, code);
        if (display is not null)
        {
            w.WriteString("display"u8, display);
        }

        w.WriteEndObject();
    }

    private static void Concept(Utf8JsonWriter w, string property, string? system, string? code, string? display, string? text = null)
    {
        w.WriteStartObject(property);
        if (system is not null && code is not null)
        {
            w.WriteStartArray("coding"u8);
            Coding(w, system, code, display);
            w.WriteEndArray();
        }

        if (text is not null)
        {
            w.WriteString("text"u8, text);
        }

        w.WriteEndObject();
    }

    /// <summary>The steroid: a <c>medicationReference</c> to the formulary Medication, or a <c>medicationCodeableConcept</c>.</summary>
    private static void Medication(Utf8JsonWriter w, string? formulary, string? system, string? code, string? display, string? text)
    {
        if (formulary is null)
        {
            Concept(w, "medicationCodeableConcept", system, code, display, text);
            return;
        }

        w.WriteStartObject("medicationReference"u8);
        w.WriteString("reference"u8, "Medication/" + formulary);
        w.WriteEndObject();
    }

    /// <summary>
    /// The export's formulary: the steroids as an EHR's Medication resources — the clinical drug in words, the
    /// ingredient coded (RxNorm) — which steroid resources name by reference, or by the clinical drug's words alone.
    /// In this order: IV methylprednisolone, oral methylprednisolone, oral prednisone.
    /// </summary>
    private static readonly (string Id, string Text, string Ingredient, string IngredientName)[] Formulary =
    [
        ("formulary-methylprednisolone-1g-iv", "Methylprednisolone sodium succinate 1000 MG Injection", "6902", "methylprednisolone"),
        ("formulary-methylprednisolone-100mg-oral", "Methylprednisolone 100 MG Oral Tablet", "6902", "methylprednisolone"),
        ("formulary-prednisone-50mg-oral", "Prednisone 50 MG Oral Tablet", "8640", "prednisone"),
    ];

    /// <summary>Writes the formulary Medications (<see cref="SynthResourceType.Medication"/>), once per export.</summary>
    internal static void WriteFormulary(ResourceBuffers output)
    {
        foreach (var (id, text, ingredient, name) in Formulary)
        {
            var w = output.Begin(SynthResourceType.Medication);
            w.WriteStartObject();
            w.WriteString("resourceType"u8, "Medication");
            w.WriteString("id"u8, id);
            Concept(w, "code", null, null, null, text);
            w.WriteStartArray("ingredient"u8);
            w.WriteStartObject();
            Concept(w, "itemCodeableConcept", RxNorm, ingredient, name);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            output.EndLine(SynthResourceType.Medication);
        }
    }

    private static void Quantity(Utf8JsonWriter w, string property, double value, string unit)
    {
        w.WriteStartObject(property);
        w.WriteNumber("value"u8, value);
        w.WriteString("unit"u8, unit);
        w.WriteString("system"u8, Ucum);
        w.WriteString("code"u8, unit);
        w.WriteEndObject();
    }

    private static void Category(Utf8JsonWriter w, string system, string code)
    {
        w.WriteStartArray("category"u8);
        w.WriteStartObject();
        w.WriteStartArray("coding"u8);
        Coding(w, system, code, null);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    // ---- Patient, conditions -----------------------------------------------------------------------------------

    private void WritePatient(string id, DateOnly? deathDate)
    {
        var w = Start(SynthResourceType.Patient, id);
        w.WriteStartArray("identifier"u8);
        w.WriteStartObject();
        w.WriteString("system"u8, "urn:oid:2.16.840.1.113883.19.5");
        w.WriteString("value"u8, "SYN-" + id[..8]);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("gender"u8, _female ? "female" : "male");
        Date(w, "birthDate", _birthDate);
        if (deathDate is { } died)
        {
            Date(w, "deceasedDateTime", died);
        }
        else if (_rng.Chance(0.3))
        {
            w.WriteBoolean("deceasedBoolean"u8, false);
        }

        End(SynthResourceType.Patient, w);
    }

    private void WriteDiagnosis(SynthCourse course, DateOnly diagnosed)
    {
        // Progressive courses in SNOMED (ICD-10-CM's course subdivisions are new and rarely used); relapsing MS in
        // any of the three systems the profile reads.
        var system = course == SynthCourse.RelapsingRemitting ? _rng.Pick(p.DiagnosisCodeSystemWeights) : 0;
        var (codeSystem, code, display) = (system, course) switch
        {
            (0, SynthCourse.SecondaryProgressive) => (Snomed, "425500002", "Secondary progressive multiple sclerosis (disorder)"),
            (0, SynthCourse.PrimaryProgressive) => (Snomed, "428700003", "Primary progressive multiple sclerosis (disorder)"),
            (0, _) => _rng.Chance(0.7) ? (Snomed, "426373005", "Relapsing remitting multiple sclerosis (disorder)") : (Snomed, "24700007", "Multiple sclerosis (disorder)"),
            (1, _) => (Icd10Cm, "G35.A", "Relapsing-remitting multiple sclerosis"),
            _ => (Icd10, "G35", "Multiple sclerosis"),
        };
        WriteCondition(codeSystem, code, display, diagnosed, null, "active");
    }

    private void WriteCondition(string system, string code, string display, DateOnly? onset, DateOnly? abatement, string clinicalStatus, string verification = "confirmed")
    {
        if (onset > _until)
        {
            return;
        }

        var w = Start(SynthResourceType.Condition);
        if (verification is not ("entered-in-error" or "refuted"))
        {
            Concept(w, "clinicalStatus", ConditionClinical, clinicalStatus, null);
        }

        Concept(w, "verificationStatus", ConditionVerification, verification, null);
        Concept(w, "code", system, code, display, display);
        Subject(w);
        if (onset is { } o)
        {
            When(w, "onsetDateTime", o);
        }

        if (abatement is { } a && a <= _until)
        {
            When(w, "abatementDateTime", a);
        }

        Date(w, "recordedDate", onset ?? _until);
        End(SynthResourceType.Condition, w);
    }

    private void WriteAllergy(string system, string code, string display)
    {
        var w = Start(SynthResourceType.AllergyIntolerance);
        Concept(w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", null);
        Concept(w, "verificationStatus", "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", null);
        Concept(w, "code", system, code, display, display);
        Subject(w, "patient");
        Date(w, "recordedDate", RandomPast(10));
        End(SynthResourceType.AllergyIntolerance, w);
    }

    private void WritePregnancy(DateOnly onset)
    {
        if (_rng.Chance(0.5))
        {
            WriteCondition(Snomed, "77386006", "Patient currently pregnant (finding)", onset, null, "active");
            return;
        }

        var w = Start(SynthResourceType.Observation);
        w.WriteString("status"u8, "final");
        Concept(w, "code", Loinc, "82810-3", "Pregnancy status");
        Subject(w);
        When(w, "effectiveDateTime", Max(onset, _until.AddDays(-_rng.Between(0, 60))));
        Concept(w, "valueCodeableConcept", Snomed, "77386006", "Patient currently pregnant (finding)");
        End(SynthResourceType.Observation, w);
    }

    private void WriteAntibodies(bool aqp4, bool mog)
    {
        if (aqp4 || _rng.Chance(p.AntibodyTestedShare))
        {
            Qualitative(Loinc, "68548-7", "Aquaporin 4 IgG Ab [Presence] in Serum", RandomPast(4), aqp4, "laboratory");
        }

        if (mog || _rng.Chance(p.AntibodyTestedShare * 0.6))
        {
            var msr = _rng.Chance(0.5);
            Qualitative(msr ? Msr : Loinc, msr ? "mog-igg" : "91545-4", "MOG IgG", RandomPast(4), mog, "laboratory");
        }
    }

    // ---- Medications --------------------------------------------------------------------------------------------

    private void WriteMedicationStatement(string? system, string? code, string? display, string? text, string status, DateOnly start)
    {
        var w = Start(SynthResourceType.MedicationStatement);
        w.WriteString("status"u8, status);
        Concept(w, "medicationCodeableConcept", system, code, display, text ?? display);
        Subject(w);
        w.WriteStartObject("effectivePeriod"u8);
        Date(w, "start", start);
        if (status != "active")
        {
            Date(w, "end", Max(start, _until.AddDays(-_rng.Between(30, 700))));
        }

        w.WriteEndObject();
        Date(w, "dateAsserted", start);
        End(SynthResourceType.MedicationStatement, w);
    }

    private void WriteMedicationOrder(string? system, string? code, string? display, string? text, string status, DateOnly authored)
    {
        var w = Start(SynthResourceType.MedicationRequest);
        w.WriteString("status"u8, status);
        w.WriteString("intent"u8, "order");
        Concept(w, "medicationCodeableConcept", system, code, display, text ?? display);
        Subject(w);
        Date(w, "authoredOn", authored);
        End(SynthResourceType.MedicationRequest, w);
    }

    private void WriteAceInhibitor()
    {
        var status = ActiveOrStale();
        var started = RandomPast(10);
        if (_rng.Chance(p.AceInhibitorClinicalDrugShare))
        {
            // The clinical-drug code EHRs send (fhir-profile.md): recognised by the ingredient name in display/text.
            WriteMedicationOrder(RxNorm, "314076", "lisinopril 10 MG Oral Tablet", null, status, started);
            return;
        }

        var (system, code, display) = _rng.Pick([0.35, 0.35, 0.3]) switch
        {
            0 => (RxNorm, "29046", "lisinopril"),
            1 => (RxNorm, "35296", "ramipril"),
            _ => (Atc, "C09AA05", "ramipril"),
        };
        WriteMedicationStatement(system, code, display, null, status, started);
    }

    private void WriteNatalizumab()
    {
        var status = ActiveOrStale();
        var started = RandomPast(5);
        switch (_rng.Pick([0.6, 0.25, 0.15]))
        {
            case 0:
                WriteMedicationOrder(RxNorm, "354770", "natalizumab", null, status, started);
                break;
            case 1:
                WriteMedicationStatement(Atc, "L04AG03", "natalizumab", null, status, started);
                break;
            default:
                WriteMedicationStatement(null, null, null, "Tysabri (natalizumab) 300 MG per 15 ML Injection", status, started);
                break;
        }
    }

    /// <summary>A steroid course as one order (MedicationRequest, intent order) or as one administration per day.</summary>
    private void SteroidCourse(bool methylprednisolone, bool intravenous, double mgPerDay, int days, DateOnly start, bool asAdministration)
    {
        if (start > _until)
        {
            return;
        }

        var coding = _rng.Pick(p.SteroidCodingWeights);
        var (system, code, display) = (coding, methylprednisolone) switch
        {
            (0, true) => (RxNorm, "6902", "methylprednisolone"),
            (0, false) => (RxNorm, "8640", "prednisone"),
            (1, true) => (Atc, "H02AB04", "methylprednisolone"),
            (1, false) => (Atc, "H02AB07", "prednisone"),
            _ => ((string?)null, (string?)null, (string?)null),
        };
        // coding 2: only the clinical drug's name; coding 3: the export's formulary Medication for that drug, by reference.
        var drug = Formulary[methylprednisolone ? intravenous ? 0 : 1 : 2];
        var text = coding == 2 ? drug.Text : display;
        var formulary = coding == 3 ? drug.Id : null;
        var routeMissing = _rng.Chance(p.RouteMissingShare);
        var (routeCode, routeDisplay) = intravenous ? ("47625008", "Intravenous route") : ("26643006", "Oral route");

        if (asAdministration)
        {
            for (var day = 0; day < days; day++)
            {
                var date = start.AddDays(day);
                if (date > _until)
                {
                    break;
                }

                var w = Start(SynthResourceType.MedicationAdministration);
                w.WriteString("status"u8, "completed");
                Medication(w, formulary, system, code, display, text);
                Subject(w);
                When(w, "effectiveDateTime", date);
                w.WriteStartObject("dosage"u8);
                if (!routeMissing)
                {
                    Concept(w, "route", Snomed, routeCode, routeDisplay);
                }

                Quantity(w, "dose", mgPerDay, "mg");
                w.WriteEndObject();
                End(SynthResourceType.MedicationAdministration, w);
            }

            return;
        }

        var o = Start(SynthResourceType.MedicationRequest);
        o.WriteString("status"u8, start.AddDays(days - 1) <= _until ? "completed" : _until < asOf ? "stopped" : "active"); // stopped: died during the course
        o.WriteString("intent"u8, "order");
        Medication(o, formulary, system, code, display, text);
        Subject(o);
        Date(o, "authoredOn", start);
        o.WriteStartArray("dosageInstruction"u8);
        o.WriteStartObject();
        o.WriteStartObject("timing"u8);
        o.WriteStartObject("repeat"u8);
        o.WriteStartObject("boundsPeriod"u8);
        Date(o, "start", start);
        Date(o, "end", start.AddDays(days - 1));
        o.WriteEndObject();
        o.WriteNumber("count"u8, days);
        o.WriteNumber("frequency"u8, 1);
        o.WriteNumber("period"u8, 1);
        o.WriteString("periodUnit"u8, "d");
        o.WriteEndObject();
        o.WriteEndObject();
        if (!routeMissing)
        {
            Concept(o, "route", Snomed, routeCode, routeDisplay);
        }

        o.WriteStartArray("doseAndRate"u8);
        o.WriteStartObject();
        Quantity(o, "doseQuantity", mgPerDay, "mg");
        o.WriteEndObject();
        o.WriteEndArray();
        o.WriteEndObject();
        o.WriteEndArray();
        End(SynthResourceType.MedicationRequest, o);
    }

    private void ApheresisProcedure(DateOnly date, bool plasmaExchange, bool cpt)
    {
        if (date > _until)
        {
            return;
        }

        var w = Start(SynthResourceType.Procedure);
        w.WriteString("status"u8, "completed");
        var (system, code, display) = (plasmaExchange, cpt) switch
        {
            (true, true) => (Cpt, "36514", "Therapeutic apheresis; for plasma pheresis"),
            (true, false) => (Msr, "therapeutic-plasma-exchange", "Therapeutic plasma exchange"),
            (false, true) => (Cpt, "36516", "Therapeutic apheresis; with extracorporeal immunoadsorption"),
            _ => (Msr, "immunoadsorption", "Immunoadsorption"),
        };
        Concept(w, "code", system, code, display, display);
        Subject(w);
        When(w, "performedDateTime", date);
        End(SynthResourceType.Procedure, w);
    }

    private void Encounter(DateOnly date, string classCode)
    {
        if (!p.WriteEncounters || date > _until)
        {
            return;
        }

        var w = Start(SynthResourceType.Encounter);
        w.WriteString("status"u8, "finished");
        w.WriteStartObject("class"u8);
        w.WriteString("system"u8, ActCode);
        w.WriteString("code"u8, classCode);
        w.WriteEndObject();
        w.WriteStartArray("type"u8);
        w.WriteStartObject();
        w.WriteString("text"u8, classCode == "IMP" ? "Neurology day unit" : "Neurology clinic");
        w.WriteEndObject();
        w.WriteEndArray();
        Subject(w);
        w.WriteStartObject("period"u8);
        Date(w, "start", date);
        Date(w, "end", date);
        w.WriteEndObject();
        End(SynthResourceType.Encounter, w);
    }

    // ---- Observations -----------------------------------------------------------------------------------------

    /// <summary>EDSS: the total and/or the seven FS plus ambulation as MSR components (fhir-profile.md).</summary>
    private void EdssObservation(DateOnly date, int[] fs, double? totalOverride = null, string status = "final", string? rawDate = null)
    {
        if (date > _until)
        {
            return;
        }

        var withFs = totalOverride is null && _rng.Chance(p.EdssWithFunctionalSystemsShare);
        var withTotal = totalOverride is not null || !withFs || !_rng.Chance(p.EdssWithoutTotalShare);
        var w = Start(SynthResourceType.Observation);
        w.WriteString("status"u8, status);
        Category(w, ObservationCategory, "survey");
        if (_rng.Chance(p.EdssMsrCodeShare))
        {
            Concept(w, "code", Msr, "edss", "Expanded Disability Status Scale");
        }
        else
        {
            Concept(w, "code", Snomed, "273554001", "Kurtzke multiple sclerosis rating scale");
        }

        Subject(w);
        if (rawDate is not null)
        {
            w.WriteString("effectiveDateTime"u8, rawDate);
        }
        else
        {
            When(w, "effectiveDateTime", date);
        }

        if (withTotal)
        {
            w.WriteStartObject("valueQuantity"u8);
            w.WriteNumber("value"u8, totalOverride ?? Edss(fs));
            w.WriteString("system"u8, Ucum);
            w.WriteString("code"u8, "{score}");
            w.WriteEndObject();
        }

        if (withFs)
        {
            w.WriteStartArray("component"u8);
            for (var i = 0; i < fs.Length; i++)
            {
                w.WriteStartObject();
                Concept(w, "code", Msr, FsCodes[i], null);
                w.WriteNumber("valueInteger"u8, fs[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        End(SynthResourceType.Observation, w);
    }

    private void Quantity(string system, string code, string display, DateOnly date, double value, string unit, string category, bool withSubject = true)
    {
        if (date > _until)
        {
            return;
        }

        var w = Start(SynthResourceType.Observation);
        w.WriteString("status"u8, "final");
        Category(w, ObservationCategory, category);
        Concept(w, "code", system, code, display);
        if (withSubject)
        {
            Subject(w);
        }

        When(w, "effectiveDateTime", date);
        Quantity(w, "valueQuantity", value, unit);
        End(SynthResourceType.Observation, w);
    }

    private void Qualitative(string system, string code, string display, DateOnly date, bool positive, string category)
    {
        if (date > _until)
        {
            return;
        }

        var w = Start(SynthResourceType.Observation);
        w.WriteString("status"u8, "final");
        Category(w, ObservationCategory, category);
        Concept(w, "code", system, code, display);
        Subject(w);
        When(w, "effectiveDateTime", date);
        if (positive)
        {
            Concept(w, "valueCodeableConcept", Snomed, "10828004", "Positive");
        }
        else
        {
            Concept(w, "valueCodeableConcept", Snomed, "260385009", "Negative");
        }

        End(SynthResourceType.Observation, w);
    }

    private void Weight(DateOnly date)
    {
        var kg = _weightKg + _rng.Normal(0, 1.0);
        switch (_rng.Pick(p.WeightUnitWeights))
        {
            case 0:
                Quantity(Loinc, "29463-7", "Body weight", date, Math.Round(kg, 1), "kg", "vital-signs");
                break;
            case 1:
                Quantity(Loinc, "29463-7", "Body weight", date, Math.Round(kg * 1000), "g", "vital-signs");
                break;
            default:
                Quantity(Loinc, "29463-7", "Body weight", date, Math.Round(kg * 2.20462, 1), "[lb_av]", "vital-signs");
                break;
        }
    }

    private void MaybeHeight(DateOnly date)
    {
        // Never for the patients drawn into HeightNeverRecordedShare (not even before apheresis: a data gap the
        // engine must name); for the others once, at the first measured visit or work-up.
        if (_heightWritten || _heightNeverRecorded)
        {
            return;
        }

        _heightWritten = date <= _until;
        switch (_rng.Pick(p.HeightUnitWeights))
        {
            case 0:
                Quantity(Loinc, "8302-2", "Body height", date, Math.Round(_heightCm, 1), "cm", "vital-signs");
                break;
            case 1:
                Quantity(Loinc, "8302-2", "Body height", date, Math.Round(_heightCm / 100, 2), "m", "vital-signs");
                break;
            default:
                Quantity(Loinc, "8302-2", "Body height", date, Math.Round(_heightCm / 2.54, 1), "[in_i]", "vital-signs");
                break;
        }
    }

    private void Hematocrit(DateOnly date)
    {
        var percent = Math.Clamp(_rng.Normal((_female ? p.WomanHematocritPercent : p.ManHematocritPercent)[0], (_female ? p.WomanHematocritPercent : p.ManHematocritPercent)[1]), 28, 55);
        switch (_rng.Pick(p.HematocritUnitWeights))
        {
            case 0:
                Quantity(Loinc, "4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", date, Math.Round(percent, 1), "%", "laboratory");
                break;
            case 1:
                Quantity(Loinc, "4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", date, Math.Round(percent / 100, 3), "1", "laboratory");
                break;
            default:
                Quantity(Loinc, "4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", date, Math.Round(percent / 100, 3), "L/L", "laboratory");
                break;
        }
    }

    private void Calcium(DateOnly date)
    {
        if (_rng.Chance(0.7))
        {
            Quantity(Loinc, "17861-6", "Calcium [Mass/volume] in Serum or Plasma", date, Math.Round(_rng.Uniform(8.6, 10.2), 1), "mg/dL", "laboratory");
        }
        else
        {
            Quantity(Loinc, "17861-6", "Calcium [Moles/volume] in Serum or Plasma", date, Math.Round(_rng.Uniform(2.15, 2.55), 2), "mmol/L", "laboratory");
        }
    }

    private void Fibrinogen(DateOnly date)
    {
        var mgPerDl = _rng.Uniform(180, 420);
        if (_rng.Chance(0.6))
        {
            Quantity(Loinc, "3255-7", "Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay", date, Math.Round(mgPerDl), "mg/dL", "laboratory");
        }
        else
        {
            Quantity(Loinc, "3255-7", "Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay", date, Math.Round(mgPerDl / 100, 2), "g/L", "laboratory");
        }
    }

    private void Temperature(DateOnly date, double celsius)
    {
        if (_rng.Chance(p.FahrenheitShare))
        {
            Quantity(Loinc, "8310-5", "Body temperature", date, Math.Round((celsius * 9 / 5) + 32, 1), "[degF]", "vital-signs");
        }
        else
        {
            Quantity(Loinc, "8310-5", "Body temperature", date, Math.Round(celsius, 1), "Cel", "vital-signs");
        }
    }

    private void BloodPressure(DateOnly date)
    {
        if (date > _until)
        {
            return;
        }

        var systolic = Math.Round(Math.Clamp(_rng.Normal(_ageYears > 60 ? 138 : 122, 14), 90, 200));
        var w = Start(SynthResourceType.Observation);
        w.WriteString("status"u8, "final");
        Category(w, ObservationCategory, "vital-signs");
        Concept(w, "code", Loinc, "85354-9", "Blood pressure panel with all children optional");
        Subject(w);
        When(w, "effectiveDateTime", date);
        w.WriteStartArray("component"u8);
        w.WriteStartObject();
        Concept(w, "code", Loinc, "8480-6", "Systolic blood pressure");
        Quantity(w, "valueQuantity", systolic, "mm[Hg]");
        w.WriteEndObject();
        w.WriteStartObject();
        Concept(w, "code", Loinc, "8462-4", "Diastolic blood pressure");
        Quantity(w, "valueQuantity", Math.Round(systolic * _rng.Uniform(0.58, 0.68)), "mm[Hg]");
        w.WriteEndObject();
        w.WriteEndArray();
        End(SynthResourceType.Observation, w);
    }

    // ---- Messiness ---------------------------------------------------------------------------------------------

    /// <summary>A wrong EDSS or a wrong relapse, marked entered-in-error (the reader must ignore it).</summary>
    private void WriteEnteredInError(DateOnly historyStart, int historyDays)
    {
        if (_rng.Chance(0.5))
        {
            EdssObservation(historyStart.AddDays(_rng.Between(0, Math.Max(0, historyDays))), [6, 5, 6, 5, 6, 6, 5, 14], totalOverride: 9.5, status: "entered-in-error");
        }
        else
        {
            WriteCondition(Snomed, "192929006", "Exacerbation of multiple sclerosis (disorder)", _until.AddDays(-_rng.Between(1, 40)), null, "active", verification: "entered-in-error");
        }
    }

    private void WriteDefect(SynthDefect defect)
    {
        switch (defect)
        {
            case SynthDefect.HematocritFractionAsPercent:
                Quantity(Loinc, "4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", _until.AddDays(-_rng.Between(0, 20)), 0.41, "%", "laboratory");
                break;
            case SynthDefect.ImpossibleEdss:
                EdssObservation(_until.AddDays(-_rng.Between(0, 300)), [0, 0, 0, 0, 0, 0, 0, 0], totalOverride: 0.5);
                break;
            default:
                EdssObservation(_until.AddDays(-400), [0, 0, 0, 0, 0, 0, 0, 0], totalOverride: 2.0,
                    rawDate: (_until.Year - 1).ToString("0000", CultureInfo.InvariantCulture) + "-02-30");
                break;
        }
    }

    /// <summary>A truncated line (not JSON), or a weight with no patient reference: the screen counts both and goes on.</summary>
    private void WriteMalformed()
    {
        if (_rng.Chance(0.5))
        {
            var line = "{\"resourceType\":\"Observation\",\"id\":\"" + _rng.Uuid() + "\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\"";
            _out.RawLine(SynthResourceType.Observation, Encoding.UTF8.GetBytes(line));
        }
        else
        {
            Quantity(Loinc, "29463-7", "Body weight", _until.AddDays(-_rng.Between(0, 100)), Math.Round(_weightKg, 1), "kg", "vital-signs", withSubject: false);
        }
    }
}
