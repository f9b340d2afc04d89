using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// Medications: relapse steroids given (administrations, orders), other medications by class, and how a medication
/// is recognised (tests: ReaderMedicationTests).
/// </summary>
internal sealed partial class BundleReader
{
    /// <summary>Guards against absurd periods (a typo in a year) expanding into millions of doses.</summary>
    private const int MaxDaysPerResource = 366;

    /// <summary>What a medication is: the matching drug rule, the name for messages, and whether by name.</summary>
    internal sealed record DrugMatch(DrugRule Rule, string Name, bool ByName);

    /// <summary>
    /// The concepts that say what <paramref name="medication"/> is (see <see cref="MedicationConcepts"/>), with the
    /// entries of this record as the Medications a reference may name; a reference to a Medication the record does not
    /// hold is noted, and kept as an <see cref="UnresolvedMedication"/> for hosts to count (a note is for the clinician,
    /// not a count).
    /// </summary>
    /// <param name="medication">The <c>medication[x]</c> element.</param>
    /// <param name="owner">The resource that holds it.</param>
    /// <param name="source">The resource, for notes.</param>
    /// <param name="given">
    /// An administration given or an order given: a course the pathway would count if its drug were a relapse steroid.
    /// </param>
    private List<IConceptView> ConceptsOf(IChoiceView? medication, IMedicationUseView owner, SourceRef source, bool given)
    {
        var concepts = MedicationConcepts(medication, owner, reference => _byReference.GetValueOrDefault(reference)?.View as IMedicationView, out var unresolved);
        if (unresolved is not null)
        {
            _notes.Add(concepts.Count == 0
                ? $"{source.Resource}: its medication ({unresolved}) is not in the record; not read."
                : $"{source.Resource}: its medication ({unresolved}) is not in the record; read by the reference's display.");

            // Unknown drug given: it may have been the attack's steroid course, now uncounted. A display that names a
            // drug the reader knows settles it (a steroid is then counted by name; another drug is not a course).
            var mayBeCourse = given && Recognise(concepts, Codes.Drugs) is null && Recognise(concepts, Codes.PlacentaCrossingSteroids) is null;
            _unresolvedMedications.Add(new UnresolvedMedication(unresolved, mayBeCourse, source));
        }

        return concepts;
    }

    /// <summary>
    /// The concepts that say what <paramref name="medication"/> is: the CodeableConcept itself; or, for a Reference, the
    /// referenced Medication's code and ingredients (contained, or found by <paramref name="inRecord"/>) and the
    /// reference's display, the text of what it names. The display counts as a text, recognised by name only
    /// (fhir-profile.md reads a medication's name in <c>coding.display</c> or <c>text</c>): a course given as a
    /// reference to a Medication the record does not hold — an EHR's own formulary entry — is then not lost.
    /// Shared with the order hooks (<see cref="TherapyCodes"/>), so that an order is recognised as the reader would
    /// count it once given.
    /// </summary>
    /// <param name="medication">The <c>medication[x]</c> element.</param>
    /// <param name="owner">The resource that holds it (its contained Medications).</param>
    /// <param name="inRecord">The Medication a reference names among the resources read with it; null when none.</param>
    /// <param name="unresolved">The reference, when it names a Medication neither contained nor in the record.</param>
    internal static List<IConceptView> MedicationConcepts(IChoiceView? medication, IMedicationUseView owner, Func<string, IMedicationView?> inRecord, out string? unresolved)
    {
        unresolved = null;
        var concepts = new List<IConceptView>();
        switch (medication?.TypeName)
        {
            case "CodeableConcept":
                concepts.Add(medication.AsConcept());
                break;
            case "Reference":
                if (medication.AsReference() is { } reference)
                {
                    var target = reference.StartsWith('#') ? owner.ContainedMedication(reference[1..]) : inRecord(reference);
                    if (target is null)
                    {
                        unresolved = reference;
                    }
                    else
                    {
                        if (target.Code is { } code)
                        {
                            concepts.Add(code);
                        }

                        concepts.AddRange(target.IngredientConcepts);
                    }
                }

                if (medication.ReferenceDisplay() is { } display && !string.IsNullOrWhiteSpace(display))
                {
                    concepts.Add(new TextConceptView(display));
                }

                break;
            default:
                break;
        }

        return concepts;
    }

    /// <summary>
    /// Recognises a medication by an ingredient code or ATC code, else by an ingredient's name as a whole word in
    /// coding.display or text (fhir-profile.md).
    /// </summary>
    internal static DrugMatch? Recognise(List<IConceptView> concepts, DrugRule[] rules)
    {
        foreach (var rule in rules)
        {
            foreach (var concept in concepts)
            {
                foreach (var coding in concept.Codings())
                {
                    foreach (var codeRule in rule.Codes)
                    {
                        if (codeRule.Matches(coding.System, coding.Code))
                        {
                            var name = codeRule.IsPrefix ? $"{rule.Ingredient} (ATC {coding.Code})" : rule.Ingredient;
                            return new DrugMatch(rule, name, false);
                        }
                    }
                }
            }
        }

        foreach (var rule in rules)
        {
            foreach (var concept in concepts)
            {
                foreach (var text in concept.Texts())
                {
                    if (Codes.MatchName(rule, text) is { } m)
                    {
                        return new DrugMatch(rule, m.Value.ToLowerInvariant(), true);
                    }
                }
            }
        }

        return null;
    }

    private void NoteByName(DrugMatch match, SourceRef source)
    {
        if (match.ByName)
        {
            _notes.Add($"{source.Resource}: recognised {match.Name} by name (no ingredient or ATC code).");
        }
    }

    private void AddSteroidDays(SteroidDrug drug, DateOnly first, int days, IQuantityView? dose, DoseRoute route, SourceRef source)
    {
        if (days > MaxDaysPerResource)
        {
            _notes.Add($"{source.Resource}: {days} days of doses; only the first {MaxDaysPerResource} are read.");
            days = MaxDaysPerResource;
        }

        var (mg, assumed, problem) = dose?.Value is { } raw ? Units.DoseMg((double)raw, Units.UnitOf(dose)) : (null, false, null);
        if (assumed)
        {
            _notes.Add($"{source.Resource}: dose without a unit, read as mg.");
        }

        if (problem is not null)
        {
            _notes.Add($"{source.Resource}: {problem}; dose not read.");
        }

        for (var d = 0; d < Math.Max(days, 1); d++)
        {
            _steroids.Add(new SteroidDose(drug, first.AddDays(d), mg, route, assumed, source) { UnitProblem = problem });
        }
    }

    internal static DoseRoute RouteOf(IConceptView? route)
    {
        if (route.Has(Codes.RouteIntravenous))
        {
            return DoseRoute.Intravenous;
        }

        if (route.Has(Codes.RouteOral))
        {
            return DoseRoute.Oral;
        }

        foreach (var text in route.Texts())
        {
            var t = text.ToLowerInvariant();
            if (t.Contains("intravenous", StringComparison.Ordinal) || t.Trim() == "iv")
            {
                return DoseRoute.Intravenous;
            }

            if (t.Contains("oral", StringComparison.Ordinal) || t.Contains("by mouth", StringComparison.Ordinal))
            {
                return DoseRoute.Oral;
            }
        }

        return DoseRoute.Unknown;
    }

    private void ReadMedicationAdministration(IMedicationAdministrationView administration, SourceRef source)
    {
        // not-done: nothing was given; entered-in-error: ignored.
        if (administration.Status is "entered-in-error" or "not-done")
        {
            return;
        }

        var concepts = ConceptsOf(administration.Medication, administration, source, given: true);
        var match = Recognise(concepts, Codes.SteroidDrugs);
        if (match is null)
        {
            NoteUncountedGlucocorticoid(concepts, source);
            return;
        }

        NoteByName(match, source);
        var effective = administration.Effective;
        var start = FhirDates.Read(effective, "MedicationAdministration.effective");
        if (start is null)
        {
            _notes.Add($"{source.Resource}: no effective date; not used.");
            return;
        }

        // A dose on each day of effectiveDateTime / effectivePeriod (fhir-profile.md).
        var end = effective?.TypeName == "Period" && effective.PeriodEnd() is { } e ? FhirDates.Parse(e, "MedicationAdministration.effectivePeriod.end") : null;
        var days = end is { } last && last.Date >= start.Value.Date ? last.Date.DayNumber - start.Value.Date.DayNumber + 1 : 1;
        AddSteroidDays(match.Rule.Steroid!.Value, start.Value.Date, days, administration.DosageDose, RouteOf(administration.DosageRoute), source.At("MedicationAdministration.dosage.dose"));
    }

    private void ReadMedicationRequest(IMedicationRequestView request, SourceRef source)
    {
        var status = request.Status;
        if (status == "entered-in-error")
        {
            return;
        }

        // Given: intent order (and its specialisations), status active or completed.
        var given = request.Intent.EndsWith("order", StringComparison.Ordinal) && status is "active" or "completed";
        var concepts = ConceptsOf(request.Medication, request, source, given);
        var match = Recognise(concepts, Codes.Drugs);
        if (match is null)
        {
            if (given)
            {
                NoteUncountedGlucocorticoid(concepts, source);
            }

            return;
        }

        NoteByName(match, source);
        var dosage = request.FirstDosage;
        var bounds = dosage?.RepeatBounds;
        var isPeriod = bounds?.TypeName == "Period";
        var boundsStart = FhirDates.Parse(isPeriod ? bounds!.PeriodStart() : null, "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.start");
        var boundsEnd = FhirDates.Parse(isPeriod ? bounds!.PeriodEnd() : null, "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end");
        var authored = FhirDates.Parse(request.AuthoredOn, "MedicationRequest.authoredOn");

        if (match.Rule.Steroid is { } steroid)
        {
            if (!given)
            {
                return;
            }

            var first = boundsStart ?? authored;
            if (first is null)
            {
                _notes.Add($"{source.Resource}: steroid order without a start date; not used.");
                return;
            }

            // days = timing.repeat.count, else the bounds' length, else 1 (fhir-profile.md).
            var days = dosage?.RepeatCount is { } count && count > 0 ? count
                : boundsStart is { } s && boundsEnd is { } e && e.Date >= s.Date ? e.Date.DayNumber - s.Date.DayNumber + 1
                : bounds?.TypeName == "Duration" && DurationDays(bounds.AsQuantity()) is { } dd ? dd
                : 1;
            AddSteroidDays(steroid, first.Value.Date, days, dosage?.Dose, RouteOf(dosage?.Route), source.At("MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity"));
            return;
        }

        _medications.Add(new MedicationFact(
            match.Rule.Class!.Value, match.Name, MedicationStatusOf(status),
            (boundsStart ?? authored)?.Date, boundsEnd?.Date, match.ByName, source.At("MedicationRequest.medication")));
    }

    /// <summary>
    /// A glucocorticoid given or ordered that the pathway does not count as a relapse course (dexamethasone,
    /// betamethasone: <see cref="Codes.PlacentaCrossingSteroids"/>) is said so: a relapse treated with it would otherwise
    /// look untreated without a word, and the clinician is the one to weigh it.
    /// </summary>
    private void NoteUncountedGlucocorticoid(List<IConceptView> concepts, SourceRef source)
    {
        if (Recognise(concepts, Codes.PlacentaCrossingSteroids) is { } other)
        {
            _notes.Add($"{source.Resource}: {other.Rule.Ingredient} is not a relapse steroid of this pathway; not counted as a course.");
        }
    }

    /// <summary>A Duration in days (d or wk), capped just past <see cref="MaxDaysPerResource"/>; null when unusable.</summary>
    private static int? DurationDays(IQuantityView duration)
    {
        if (duration.Value is not { } v)
        {
            return null;
        }

        var unit = duration.Code ?? duration.Unit;
        var days = unit switch
        {
            "d" or "day" or "days" => (double)v,
            "wk" or "week" or "weeks" => (double)v * 7,
            _ => double.NaN,
        };
        return double.IsNaN(days) || days < 1 ? null : (int)Math.Ceiling(Math.Min(days, MaxDaysPerResource + 1));
    }

    private void ReadMedicationStatement(IMedicationStatementView statement, SourceRef source)
    {
        var status = statement.Status;
        if (status == "entered-in-error")
        {
            return;
        }

        // Relapse steroids count from administrations and orders only; a statement of prednisone is maintenance.
        var match = Recognise(ConceptsOf(statement.Medication, statement, source, given: false), Codes.ClassDrugs);
        if (match is null)
        {
            return;
        }

        NoteByName(match, source);
        var effective = statement.Effective;
        var start = FhirDates.Read(effective, "MedicationStatement.effective");
        var end = effective?.TypeName switch
        {
            "dateTime" => start,
            "Period" when effective.PeriodEnd() is { } e => FhirDates.Parse(e, "MedicationStatement.effectivePeriod.end"),
            _ => null,
        };
        _medications.Add(new MedicationFact(
            match.Rule.Class!.Value, match.Name, MedicationStatusOf(status), start?.Date, end?.Date, match.ByName, source.At("MedicationStatement.medication")));
    }

    private static MedicationStatus MedicationStatusOf(string status) => status switch
    {
        "active" => MedicationStatus.Active,
        "completed" => MedicationStatus.Completed,
        _ => MedicationStatus.Inactive,
    };
}
