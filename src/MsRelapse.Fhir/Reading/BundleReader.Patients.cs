using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>Patients: the one-patient check and the Patient resource (tests: ReaderRoutingTests, ReaderErrorTests).</summary>
internal sealed partial class BundleReader
{
    /// <summary>
    /// One patient only (fhir-profile.md): at most one Patient resource (by id), and every subject/patient
    /// reference naming it. Returns the patient keys seen.
    /// </summary>
    private HashSet<string> CheckPatients(IReadOnlyList<Entry> entries, List<Entry> patients)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var patient in patients)
        {
            var key = patient.Id ?? PatientReferences.KeyOf(patient.FullUrl) ?? $"(entry {patient.Index})";
            keys.Add(key);
            aliases.TryAdd(key, key);
            if (PatientReferences.KeyOf(patient.FullUrl) is { } urlKey)
            {
                aliases.TryAdd(urlKey, key);
            }
        }

        foreach (var (key, _) in NamedPatients(entries, aliases))
        {
            keys.Add(key);
        }

        if (keys.Count > 1)
        {
            // Only on this error are the references walked again to name examples.
            // Each patient named with the first resource that names it, and the error placed on the first resource that names
            // a patient other than the Bundle's first Patient (the stray one, where there is one Patient): the last resource
            // of the Bundle was named before, whoever it belonged to (CLI review).
            var named = NamedPatients(entries, aliases).ToList();
            var first = patients.Count > 0 ? aliases[patients[0].Id ?? PatientReferences.KeyOf(patients[0].FullUrl) ?? $"(entry {patients[0].Index})"] : null;
            var byPatient = patients.Select(p => (Key: aliases[p.Id ?? PatientReferences.KeyOf(p.FullUrl) ?? $"(entry {p.Index})"], p.Label))
                .Concat(named.Select(n => (n.Key, n.Resource.Label)))
                .GroupBy(n => n.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}: {g.First().Label}")
                .Take(4);
            var stray = named.FirstOrDefault(n => n.Key != first).Resource
                ?? (patients.Count > 1 ? patients[1] : named.Count > 0 ? named[^1].Resource : patients[0]);
            _errors.Add(new InputError(
                FhirErrorCodes.MultiplePatients,
                $"The Bundle holds resources of {keys.Count} different patients ({string.Join("; ", byPatient)}); expected one patient's record.",
                new SourceRef(stray.Label, stray.View is IPatientView ? "Patient.id" : "subject")));
        }

        return keys;
    }

    /// <summary>The patient each subject/patient reference of a non-Patient resource names (by its key among the patients' aliases), in order.</summary>
    private IEnumerable<(string Key, Entry Resource)> NamedPatients(IReadOnlyList<Entry> entries, Dictionary<string, string> aliases)
    {
        // A record's resources nearly all name their patient in the same words: the key of the last reference is kept,
        // not cut out of it again for every resource.
        string? lastNamed = null, lastKey = null;
        foreach (var entry in entries)
        {
            if (entry.View is IPatientView)
            {
                continue;
            }

            var references = entry.PatientReferences;
            for (var i = 0; i < references.Count; i++)
            {
                var named = NamedPatient(references[i]);
                if (!string.Equals(named, lastNamed, StringComparison.Ordinal))
                {
                    (lastNamed, lastKey) = (named, PatientReferences.KeyOf(named));
                }

                if (lastKey is { } key)
                {
                    yield return (aliases.GetValueOrDefault(key, key), entry);
                }
            }
        }
    }

    /// <summary>The patient a subject/patient reference names, if it points at a Patient (not a Group, Location, …); else null.</summary>
    private string? NamedPatient(string reference)
    {
        if (reference.StartsWith('#'))
        {
            return null;
        }

        if (_byReference.TryGetValue(reference, out var target))
        {
            return target.TypeName != "Patient" ? null
                : target.Id is { Length: > 0 } ? target.Label // Patient/id, made once
                : $"Patient/{target.Id ?? reference}";
        }

        return reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ||
            reference.Contains("Patient/", StringComparison.Ordinal)
            ? reference
            : null;
    }

    private PatientRecord ReadPatient(Entry entry, PatientRecord record)
    {
        var patient = (IPatientView)entry.View!;
        var source = new SourceRef(Label(entry.TypeName, entry.Id, 0));
        return Guard(source, entry, record, () =>
        {
            var sex = patient.Gender switch
            {
                "male" => Sex.Male,
                "female" => Sex.Female,
                "other" => Sex.Other,
                _ => Sex.Unknown,
            };
            var birth = FhirDates.Parse(patient.BirthDate, "Patient.birthDate");
            var deceased = patient.Deceased;
            var deceasedFlag = deceased?.TypeName == "boolean" && deceased.AsBoolean() == true;
            var deceasedOn = deceased?.TypeName == "dateTime" ? FhirDates.Parse(deceased.AsString(), "Patient.deceasedDateTime")?.Date : null;
            return record with
            {
                PatientId = entry.Id,
                BirthDate = birth?.Date,
                Sex = sex,
                DeceasedFlag = deceasedFlag,
                DeceasedOn = deceasedOn,
            };
        });
    }
}
