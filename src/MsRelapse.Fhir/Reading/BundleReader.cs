using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// The work of reading one patient's resources into a <see cref="PatientRecord"/> (state for one call): the one
/// mapping of fhir-profile.md "Read", over the reader's views (<see cref="IResourceView"/>), so that the Firely
/// reader and the UTF-8 reader share every decision. One partial file per resource family, beside its tests:
/// patients (<c>BundleReader.Patients.cs</c>), conditions, observations, medications, allergies and procedures.
/// </summary>
internal sealed partial class BundleReader
{
    private readonly IReadOnlyList<Entry> _entries;
    private readonly List<InputError> _errors = [];
    private readonly List<string> _notes = [];

    private readonly List<MsDiagnosis> _ms = [];
    private readonly List<RelapseRecord> _relapses = [];
    private readonly List<EdssAssessment> _edss = [];
    private readonly List<Measurement> _measurements = [];
    private readonly List<Finding> _findingsOut = [];
    private readonly List<ConditionFact> _conditions = [];
    private readonly List<AllergyFact> _allergies = [];
    private readonly List<SteroidDose> _steroids = [];
    private readonly List<MedicationFact> _medications = [];
    private readonly List<ApheresisSession> _apheresis = [];
    private readonly List<UnresolvedMedication> _unresolvedMedications = [];

    /// <summary>One entry that holds a resource of a FHIR R4 type.</summary>
    /// <param name="Index">0-based position in <c>Bundle.entry</c> (or in the list of resources).</param>
    /// <param name="FullUrl"><c>entry.fullUrl</c>, if a string.</param>
    /// <param name="TypeName">The resource type.</param>
    /// <param name="Id">The resource id, if a string.</param>
    /// <param name="View">The resource as the mapping reads it; null for the types the reader does not map.</param>
    /// <param name="PatientReferences"><c>subject.reference</c> then <c>patient.reference</c>.</param>
    /// <param name="Diagnose">
    /// When the mapping of this resource fails: the path and message of the first problem a validator finds in it, for
    /// a better error message (null: the error names the resource and the exception type).
    /// </param>
    internal sealed record Entry(int Index, string? FullUrl, string TypeName, string? Id, IResourceView? View, IReadOnlyList<string> PatientReferences, Func<(string Path, string Message)?>? Diagnose = null)
    {
        private string? _label;

        /// <summary>How errors and sources name the resource: <c>Type/id</c>, or its place when it has no id (made once).</summary>
        public string Label => _label ??= BundleReader.Label(TypeName, Id, Index);
    }

    /// <summary>Entries of the bundle by every name a reference may use (Type/id, fullUrl).</summary>
    private readonly Dictionary<string, Entry> _byReference;

    /// <summary>What is wrong with an entry whose mapping failed, for entries that carry no <see cref="Entry.Diagnose"/> (null: nothing to say).</summary>
    private readonly Func<Entry, (string Path, string Message)?>? _diagnose;

    public BundleReader(IReadOnlyList<Entry> entries, Func<Entry, (string Path, string Message)?>? diagnose = null)
    {
        _entries = entries;
        _diagnose = diagnose;
        _byReference = new(entries.Count, StringComparer.Ordinal);
    }

    public FhirReadResult Read()
    {
        var entries = _entries;
        foreach (var entry in entries)
        {
            if (entry.Id is { } id)
            {
                // Type/id is the entry's label; an empty id keeps the key it always had (Type/).
                _byReference.TryAdd(id.Length > 0 ? entry.Label : $"{entry.TypeName}/", entry);
            }

            if (!string.IsNullOrEmpty(entry.FullUrl))
            {
                _byReference.TryAdd(entry.FullUrl, entry);
            }
        }

        var patients = new List<Entry>();
        foreach (var entry in entries)
        {
            if (entry.View is IPatientView)
            {
                patients.Add(entry);
            }
        }

        var patientKeys = CheckPatients(entries, patients);
        if (_errors.Count > 0)
        {
            return new FhirReadResult(null, _errors);
        }

        if (patients.Count == 0)
        {
            // No Patient (fhir-profile.md): no one to evaluate. Without a birth date and sex the age- and
            // pregnancy-dependent rules cannot be judged, and an empty Bundle would get "observe" it did not earn.
            // The input was read (it is not unreadable): the record names the one patient the resources name, if any.
            return new FhirReadResult(
                new PatientRecord { PatientId = patientKeys.Count == 1 ? patientKeys.First() : null },
                [new InputError(FhirErrorCodes.NoPatient, "The Bundle holds no Patient resource: there is no one to evaluate (expected one patient's record, with its Patient).", new SourceRef("Bundle", "Bundle.entry"))]);
        }

        var record = ReadPatient(patients[0], new PatientRecord());

        foreach (var entry in entries)
        {
            if (entry.View is { } view && view is not IPatientView)
            {
                ReadResource(entry, view);
            }
        }

        record = record with
        {
            MsDiagnoses = [.. _ms],
            Relapses = [.. _relapses],
            EdssAssessments = [.. _edss],
            Measurements = [.. _measurements],
            Findings = [.. _findingsOut],
            Conditions = [.. _conditions],
            Allergies = [.. _allergies],
            SteroidDoses = [.. _steroids],
            Medications = [.. _medications],
            ApheresisSessions = [.. _apheresis],
            ReadingNotes = [.. _notes],
            UnresolvedMedications = [.. _unresolvedMedications],
        };
        return new FhirReadResult(_errors.Count == 0 ? record : null, _errors);
    }

    // ---- dispatch ----------------------------------------------------------------------------------------------

    private void ReadResource(Entry entry, IResourceView view)
    {
        var source = new SourceRef(entry.Label);
        Guard<object?, (BundleReader Reader, IResourceView View, SourceRef Source)>(source, entry, null, (this, view, source), static state =>
        {
            var (reader, view, source) = state;
            switch (view)
            {
                case IConditionView c:
                    reader.ReadCondition(c, source);
                    break;
                case IObservationView o:
                    reader.ReadObservation(o, source);
                    break;
                case IMedicationAdministrationView ma:
                    reader.ReadMedicationAdministration(ma, source);
                    break;
                case IMedicationRequestView mr:
                    reader.ReadMedicationRequest(mr, source);
                    break;
                case IMedicationStatementView ms:
                    reader.ReadMedicationStatement(ms, source);
                    break;
                case IAllergyView ai:
                    reader.ReadAllergy(ai, source);
                    break;
                case IProcedureView p:
                    reader.ReadProcedure(p, source);
                    break;
                default:
                    break; // Unknown resources (and Medication, read through references) are not mapped on their own.
            }

            return null;
        });
    }

    /// <summary>
    /// Runs one resource's mapping. A value the mapping needs that is unreadable becomes an error naming the
    /// resource and the path (the validator's finding when it has one); the rest of the bundle is still read.
    /// </summary>
    private T Guard<T>(SourceRef source, Entry entry, T fallback, Func<T> map, bool withFinding = true) =>
        Guard(source, entry, fallback, map, static map => map(), withFinding);

    /// <summary>
    /// <see cref="Guard{T}(SourceRef, Entry, T, Func{T}, bool)"/> with the mapping's state passed in (a static lambda
    /// allocates nothing): what runs once per resource.
    /// </summary>
    private T Guard<T, TState>(SourceRef source, Entry entry, T fallback, TState state, Func<TState, T> map, bool withFinding = true) =>
        NeverThrow.Run(state, map, (this, source, entry, fallback, withFinding), static (context, ex) =>
        {
            var (reader, source, entry, fallback, withFinding) = context;
            return reader.Failed(source, entry, fallback, withFinding, ex);
        });

    private T Failed<T>(SourceRef source, Entry entry, T fallback, bool withFinding, Exception ex)
    {
        if (ex is UnreadableValueException unreadable)
        {
            _errors.Add(new InputError(unreadable.Code, $"{unreadable.Path} {unreadable.Problem}.", source.At(unreadable.Path)));
            return fallback;
        }

        var finding = withFinding ? entry.Diagnose?.Invoke() ?? _diagnose?.Invoke(entry) : null;
        var path = finding?.Path ?? entry.TypeName;
        // Without a finding, Firely's own words for a value it could not take (a number where a date belongs), else the
        // exception's kind: a bug of ours, named so that it can be found.
        var what = finding?.Message ?? (ex is Hl7.Fhir.Utility.CodedException coded ? coded.Message : $"could not be read ({ex.GetType().Name})");
        _errors.Add(new InputError(FhirErrorCodes.InvalidValue, $"{path}: {what.TrimEnd('.')}.", source.At(path)));
        return fallback;
    }

    private static string Label(string typeName, string? id, int index) =>
        id is { Length: > 0 } ? $"{typeName}/{id}" : $"{typeName}/(entry {index + 1})";
}
