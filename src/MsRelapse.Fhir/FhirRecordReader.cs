using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>The outcome of reading a FHIR Bundle: the record (when it could be built) and every problem found.</summary>
/// <param name="Record">The patient's record; null when the input could not be read at all.</param>
/// <param name="Errors">Reading errors (parse errors, several patients, unreadable values the pathway needs).</param>
public sealed record FhirReadResult(PatientRecord? Record, IReadOnlyList<InputError> Errors)
{
    /// <summary>True when a record was built and nothing was wrong.</summary>
    public bool IsValid => Record is not null && Errors.Count == 0;
}

/// <summary>Stable error codes of the FHIR reader.</summary>
public static class FhirErrorCodes
{
    /// <summary>The input is not well-formed JSON (or is empty).</summary>
    public const string ParseError = "fhir-parse-error";

    /// <summary>The input is JSON but not a FHIR Bundle.</summary>
    public const string NotABundle = "not-a-bundle";

    /// <summary>The Bundle holds resources of more than one patient.</summary>
    public const string MultiplePatients = "multiple-patients";

    /// <summary>A value the pathway reads is present but not valid FHIR (a date, a number).</summary>
    public const string InvalidValue = "fhir-invalid-value";

    /// <summary>
    /// A value the engine uses carries a unit it cannot be in (clinical.md R0): an EDSS, FS or ambulation score
    /// with a physical unit. The same code as the engine's R0 unit errors.
    /// </summary>
    public const string UnknownUnit = "unknown-unit";
}

/// <summary>
/// Reads one patient's FHIR R4 Bundle into a <see cref="PatientRecord"/> (fhir-profile.md, "Read").
/// </summary>
/// <remarks>
/// <para>Tolerant but honest. The JSON must be well-formed and a Bundle (else <c>fhir-parse-error</c> /
/// <c>not-a-bundle</c> with the line and position reported). Beyond that, Firely's findings (unknown elements
/// such as US Core extensions, unknown resource types, codes outside a value set) are not errors: real EHR
/// exports are full of them and fhir-profile.md says unknown resources and codes are ignored. A finding becomes
/// an error only when the pathway actually needs the broken value (a date it must place, a number it must
/// compare): then the error names the resource and the element path.</para>
/// <para>Only the resources the pathway maps are parsed by Firely (Patient, Condition, Observation, the
/// medication resources, Medication, AllergyIntolerance, Procedure): a pre-scan (<see cref="BundleScanner"/>)
/// routes each entry and reads the type, id and patient reference of the others, which are all the reader
/// needs of them (references and the one-patient check).</para>
/// <para>The record keeps everything whatever its date; the engine applies <c>asOf</c> and recency.</para>
/// <para>Never throws on any input.</para>
/// </remarks>
public static class FhirRecordReader
{
    /// <summary>
    /// One deserializer for every call (it is thread-safe and caches its model). Firely's element validator is
    /// off: the reader validates, itself, every value it uses (dates by <see cref="FhirDates"/>, numbers, units,
    /// R0 in the engine) and ignores everything else, so validating each element of each resource only cost time
    /// (the findings that matter, values of the wrong JSON type, come from the parser and are kept).
    /// </summary>
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings { Validator = null });

    /// <summary>
    /// Firely with its validator, for the error paths only: what is not a Bundle (to say what it is), and a resource
    /// whose mapping failed (to name the element and the problem, e.g. "integer 12 is not the right type of literal
    /// for a code"). Validation costs about 2–3× the parse, so it is not run on inputs that read cleanly.
    /// </summary>
    internal static readonly FhirJsonDeserializer ValidatingDeserializer = new(new DeserializerSettings());

    /// <summary>Parses and reads a Bundle given as FHIR JSON.</summary>
    public static FhirReadResult Read(string bundleJson)
    {
        if (string.IsNullOrWhiteSpace(bundleJson))
        {
            return Fail(FhirErrorCodes.ParseError, "The input is empty; expected a FHIR R4 Bundle in JSON.");
        }

        byte[]? buffer = null;
        try
        {
            buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(bundleJson));
            var length = Encoding.UTF8.GetBytes(bundleJson, buffer);
            return Read(buffer, length, bundleJson);
        }
#pragma warning disable CA1031 // The reader never throws: anything unexpected is reported as a parse error of this input.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return Fail(FhirErrorCodes.ParseError, $"The input could not be parsed as FHIR ({ex.GetType().Name}); expected a FHIR R4 Bundle.");
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Parses and reads a Bundle given as FHIR JSON already encoded in UTF-8 (no byte-order mark), e.g. an HTTP
    /// request body: the same result as <see cref="Read(string)"/> on the decoded text, without decoding it and
    /// encoding it again. The caller vouches that the bytes are valid UTF-8 (the server checks it).
    /// </summary>
    public static FhirReadResult Read(byte[] utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);

        // string.IsNullOrWhiteSpace of the decoded text, without decoding: ASCII whitespace only → empty; any
        // non-ASCII byte before the first non-blank character (Unicode whitespace?) → decide on the text, as before.
        foreach (var b in utf8Json)
        {
            if (b is (byte)' ' or (>= 0x09 and <= 0x0D))
            {
                continue;
            }

            if (b >= 0x80)
            {
                return Read(Encoding.UTF8.GetString(utf8Json));
            }

            try
            {
                return Read(utf8Json, utf8Json.Length, null);
            }
#pragma warning disable CA1031 // The reader never throws: anything unexpected is reported as a parse error of this input.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                return Fail(FhirErrorCodes.ParseError, $"The input could not be parsed as FHIR ({ex.GetType().Name}); expected a FHIR R4 Bundle.");
            }
        }

        return Fail(FhirErrorCodes.ParseError, "The input is empty; expected a FHIR R4 Bundle in JSON.");
    }

    /// <summary>Reads a Bundle already parsed with Firely.</summary>
    public static FhirReadResult Read(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        try
        {
            return FromFirelyBundle(bundle, []);
        }
#pragma warning disable CA1031 // The reader never throws: anything unexpected is reported as an error of this input.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return Fail(FhirErrorCodes.InvalidValue, $"The Bundle could not be read ({ex.GetType().Name}).");
        }
    }

    private static FhirReadResult Read(byte[] buffer, int length, string? json)
    {
        var utf8 = buffer.AsSpan(0, length);
        var scanned = new List<ScannedEntry>();
        BundleScanner.Outcome outcome;
        try
        {
            outcome = BundleScanner.Scan(utf8, scanned);
        }
        catch (JsonException ex)
        {
            return JsonFail(ex);
        }

        switch (outcome)
        {
            case BundleScanner.Outcome.EntryNotAnArray:
                return EntryNotAList();
            case BundleScanner.Outcome.Other:
                // Not plainly a Bundle: Firely parses the whole input, to say what it is (or read it if it is one).
                return ReadWithFirely(json ?? Encoding.UTF8.GetString(buffer, 0, length));
            default:
                break;
        }

        var entries = new List<BundleReader.Entry>(scanned.Count);
        List<InputError>? errors = null;
        foreach (var e in scanned)
        {
            Resource? resource = null;
            IReadOnlyList<CodedException> issues = [];
            if (BundleScanner.MappedTypes.Contains(e.TypeName))
            {
                try
                {
                    var reader = new Utf8JsonReader(utf8.Slice(e.Start, e.Length));
                    Deserializer.TryDeserializeResource(ref reader, out resource, out var found);
                    issues = found as IReadOnlyList<CodedException> ?? [.. found];
                }
#pragma warning disable CA1031 // One resource Firely cannot build is an error of that resource, not a crash.
                catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
                {
                    var label = e.Id is { Length: > 0 } id ? $"{e.TypeName}/{id}" : $"{e.TypeName}/(entry {e.Index + 1})";
                    (errors ??= []).Add(new InputError(FhirErrorCodes.InvalidValue, $"{e.TypeName}: could not be read ({ex.GetType().Name}).", new SourceRef(label, e.TypeName)));
                    continue;
                }
            }

            entries.Add(new BundleReader.Entry(e.Index, e.FullUrl, e.TypeName, e.Id, resource, e.PatientReferences, issues, e.TypeName) { Start = e.Start, Length = e.Length });
        }

        return errors is null ? new BundleReader(entries, buffer).Read() : new FhirReadResult(null, errors);
    }

    /// <summary>The whole input through Firely (inputs that are not plainly a Bundle), as the reader always did.</summary>
    private static FhirReadResult ReadWithFirely(string json)
    {
        Resource? resource;
        IEnumerable<CodedException> findings;
        try
        {
            ValidatingDeserializer.TryDeserializeResource(json, out resource, out findings);
        }
        catch (JsonException ex)
        {
            return JsonFail(ex);
        }
#pragma warning disable CA1031 // The reader never throws: anything else Firely raises is a parse error of this input.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return Fail(FhirErrorCodes.ParseError, $"The input could not be parsed as FHIR ({ex.GetType().Name}); expected a FHIR R4 Bundle.");
        }

        var findingList = findings.ToList();
        if (resource is not Bundle bundle)
        {
            var found = resource is null or DynamicResource && findingList.OfType<ExtendedCodedException>().FirstOrDefault() is { } first
                ? $"{first.BaseErrorMessage} (line {first.LineNumber}, position {first.Position})"
                : $"found a {SafeTypeName(resource) ?? "JSON value"}";
            return Fail(FhirErrorCodes.NotABundle, $"Expected a FHIR R4 Bundle: {found}.");
        }

        return FromFirelyBundle(bundle, findingList);
    }

    private static string? SafeTypeName(Resource? resource)
    {
        try
        {
            return resource?.TypeName;
        }
#pragma warning disable CA1031 // A dynamic resource of a strange shape: no type name to show.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// The entries of a Firely Bundle. Firely keeps values of the wrong JSON type in overflow, and then the
    /// property getter throws (<c>entry: {}</c>, <c>fullUrl: 5</c>, <c>id: [1]</c>): each access is guarded.
    /// </summary>
    private static FhirReadResult FromFirelyBundle(Bundle bundle, IReadOnlyList<CodedException> findings)
    {
        var list = Try(() => bundle.Entry, out var entryBroken);
        if (entryBroken)
        {
            return EntryNotAList();
        }

        var entries = new List<BundleReader.Entry>();
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            var e = list![i];
            if (e is null)
            {
                continue;
            }

            var resource = Try(() => e.Resource, out _);
            var type = resource is null ? null : SafeTypeName(resource);
            if (resource is null || type is null || !BundleScanner.IsResourceType(type))
            {
                continue; // no resource, or not a FHIR R4 resource type: ignored (fhir-profile.md)
            }

            var fullUrl = Try(() => e.FullUrl, out _);
            var id = Try(() => resource.Id, out _);
            entries.Add(new BundleReader.Entry(i, fullUrl, type, id, resource, PatientReferencesOf(resource), findings, $"Bundle.entry[{i}].resource"));
        }

        return new BundleReader(entries).Read();
    }

    /// <summary>subject.reference then patient.reference, when the element is a Reference (not a Group list, …).</summary>
    private static List<string> PatientReferencesOf(Resource resource)
    {
        var references = new List<string>(1);
        foreach (var name in (string[])["subject", "patient"])
        {
            var reference = Try(() => resource.TryGetValue(name, out var value) && value is ResourceReference r ? r.Reference : null, out _);
            if (reference is not null)
            {
                references.Add(reference);
            }
        }

        return references;
    }

    private static T? Try<T>(Func<T?> get, out bool failed)
    {
        try
        {
            failed = false;
            return get();
        }
#pragma warning disable CA1031 // Firely throws on a value of the wrong JSON type kept in overflow: that value is unreadable.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            failed = true;
            return default;
        }
    }

    private static FhirReadResult JsonFail(JsonException ex)
    {
        // System.Text.Json reports a 0-based line and the byte position in the line.
        var line = (ex.LineNumber ?? 0) + 1;
        var position = (ex.BytePositionInLine ?? 0) + 1;
        return Fail(FhirErrorCodes.ParseError, $"The input is not well-formed JSON (line {line}, position {position}); expected a FHIR R4 Bundle.");
    }

    /// <summary>
    /// <c>Bundle.entry</c> present but not a list: nothing in the Bundle can be read, and an empty record would
    /// get a recommendation ("no episode") it did not earn, so this is an error, not an empty Bundle.
    /// (<c>entry: null</c> is read as absent.)
    /// </summary>
    private static FhirReadResult EntryNotAList() =>
        new(null, [new InputError(FhirErrorCodes.InvalidValue, "Bundle.entry is not a list of entries (expected a JSON array of {\"fullUrl\", \"resource\"} objects).", new SourceRef("Bundle", "Bundle.entry"))]);

    private static FhirReadResult Fail(string code, string message) =>
        new(null, [new InputError(code, message, new SourceRef("Bundle"))]);
}

/// <summary>The work of reading one Bundle (state for one call).</summary>
internal sealed class BundleReader
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

    /// <summary>One entry of the Bundle that holds a resource of a FHIR R4 type.</summary>
    /// <param name="Index">0-based position in <c>Bundle.entry</c>.</param>
    /// <param name="FullUrl"><c>entry.fullUrl</c>, if a string.</param>
    /// <param name="TypeName">The resource type.</param>
    /// <param name="Id">The resource id, if a string.</param>
    /// <param name="Resource">The Firely resource; null for the types the reader does not map (not parsed).</param>
    /// <param name="PatientReferences"><c>subject.reference</c> then <c>patient.reference</c>.</param>
    /// <param name="Issues">Firely's findings for this resource (or the whole Bundle, see <paramref name="IssuePrefix"/>).</param>
    /// <param name="IssuePrefix">The instance-path prefix of this resource in <paramref name="Issues"/>.</param>
    internal sealed record Entry(int Index, string? FullUrl, string TypeName, string? Id, Resource? Resource, IReadOnlyList<string> PatientReferences, IReadOnlyList<CodedException> Issues, string IssuePrefix)
    {
        /// <summary>Byte offset of the resource in the UTF-8 input, when read from JSON by the pre-scan.</summary>
        public int Start { get; init; }

        /// <summary>Byte length of the resource in the UTF-8 input (0 when not read from JSON).</summary>
        public int Length { get; init; }
    }

    /// <summary>The UTF-8 input the entries were scanned from (null for a Bundle parsed by the caller).</summary>
    private readonly byte[]? _source;

    /// <summary>Entries of the bundle by every name a reference may use (Type/id, fullUrl).</summary>
    private readonly Dictionary<string, Entry> _byReference = new(StringComparer.Ordinal);

    public BundleReader(IReadOnlyList<Entry> entries, byte[]? source = null)
    {
        _entries = entries;
        _source = source;
    }

    public FhirReadResult Read()
    {
        var entries = _entries;
        foreach (var entry in entries)
        {
            if (entry.Id is { } id)
            {
                _byReference.TryAdd($"{entry.TypeName}/{id}", entry);
            }

            if (!string.IsNullOrEmpty(entry.FullUrl))
            {
                _byReference.TryAdd(entry.FullUrl, entry);
            }
        }

        var patients = new List<Entry>();
        foreach (var entry in entries)
        {
            if (entry.Resource is Patient)
            {
                patients.Add(entry);
            }
        }

        var patientKeys = CheckPatients(entries, patients);
        if (_errors.Count > 0)
        {
            return new FhirReadResult(null, _errors);
        }

        var record = new PatientRecord();
        if (patients.Count > 0)
        {
            record = ReadPatient(patients[0], record);
        }
        else if (patientKeys.Count == 1)
        {
            // No Patient resource (e.g. a prefetch without it): the one patient every resource names.
            record = record with { PatientId = patientKeys.First() };
        }

        foreach (var entry in entries)
        {
            if (entry.Resource is { } resource && resource is not Patient)
            {
                ReadResource(entry, resource);
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
        };
        return new FhirReadResult(_errors.Count == 0 ? record : null, _errors);
    }

    // ---- patients ----------------------------------------------------------------------------------------------

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
            var key = patient.Id ?? KeyOf(patient.FullUrl) ?? $"(entry {patient.Index})";
            keys.Add(key);
            aliases.TryAdd(key, key);
            if (KeyOf(patient.FullUrl) is { } urlKey)
            {
                aliases.TryAdd(urlKey, key);
            }
        }

        List<(string Key, string Resource)>? named = null;
        foreach (var entry in entries)
        {
            if (entry.Resource is Patient || entry.PatientReferences.Count == 0)
            {
                continue;
            }

            foreach (var reference in PatientReferences(entry))
            {
                var key = KeyOf(reference);
                if (key is null)
                {
                    continue;
                }

                var patientKey = aliases.GetValueOrDefault(key, key);
                keys.Add(patientKey);
                (named ??= []).Add((patientKey, Label(entry)));
            }
        }

        if (keys.Count > 1)
        {
            named ??= [];
            var examples = named.GroupBy(n => n.Key).Select(g => g.First().Resource)
                .Concat(patients.Select(Label))
                .Distinct(StringComparer.Ordinal).Take(4);
            _errors.Add(new InputError(
                FhirErrorCodes.MultiplePatients,
                $"The Bundle holds resources of {keys.Count} different patients (e.g. {string.Join(", ", examples)}); expected one patient's record.",
                new SourceRef(named.Count > 0 ? named[^1].Resource : Label(patients[^1]), "subject")));
        }

        return keys;
    }

    /// <summary>Subject/patient references that point at a Patient (not a Group, Location, …).</summary>
    private IEnumerable<string> PatientReferences(Entry entry)
    {
        foreach (var reference in entry.PatientReferences)
        {
            if (reference.StartsWith('#'))
            {
                continue;
            }

            if (_byReference.TryGetValue(reference, out var target))
            {
                if (target.TypeName == "Patient")
                {
                    yield return $"Patient/{target.Id ?? reference}";
                }

                continue;
            }

            if (reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ||
                reference.Contains("Patient/", StringComparison.Ordinal))
            {
                yield return reference;
            }
        }
    }

    /// <summary>The id part of a patient reference: <c>Patient/x</c>, <c>http://…/Patient/x/_history/2</c>, <c>urn:uuid:x</c>.</summary>
    private static string? KeyOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (reference.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase))
        {
            return reference[(reference.LastIndexOf(':') + 1)..];
        }

        var at = reference.LastIndexOf("Patient/", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = reference[(at + "Patient/".Length)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? rest : rest[..slash];
    }

    private static string Label(Entry entry) => Label(entry.TypeName, entry.Id, entry.Index);

    private static string Label(string typeName, string? id, int index) =>
        id is { Length: > 0 } ? $"{typeName}/{id}" : $"{typeName}/(entry {index + 1})";

    private PatientRecord ReadPatient(Entry entry, PatientRecord record)
    {
        var patient = (Patient)entry.Resource!;
        var source = new SourceRef(Label(entry.TypeName, entry.Id, 0));
        return Guard(source, entry, record, () =>
        {
            var sex = (patient.GenderElement?.JsonValue as string) switch
            {
                "male" => Sex.Male,
                "female" => Sex.Female,
                "other" => Sex.Other,
                _ => Sex.Unknown,
            };
            var birth = FhirDates.Parse(patient.BirthDate, "Patient.birthDate");
            var deceasedFlag = patient.Deceased is FhirBoolean { Value: true };
            var deceasedOn = patient.Deceased is FhirDateTime dt ? FhirDates.Parse(dt.Value, "Patient.deceasedDateTime")?.Date : null;
            return record with
            {
                PatientId = entry.Id,
                BirthDate = birth?.Date,
                Sex = sex,
                DeceasedFlag = deceasedFlag,
                DeceasedOn = deceasedOn,
            };
        }, withFinding: false);
    }

    // ---- dispatch ----------------------------------------------------------------------------------------------

    private void ReadResource(Entry entry, Resource resource)
    {
        var source = new SourceRef(Label(entry));
        Guard<object?>(source, entry, null, () =>
        {
            switch (resource)
            {
                case Condition c:
                    ReadCondition(c, source);
                    break;
                case Observation o:
                    ReadObservation(o, source);
                    break;
                case MedicationAdministration ma:
                    ReadMedicationAdministration(ma, source);
                    break;
                case MedicationRequest mr:
                    ReadMedicationRequest(mr, source);
                    break;
                case MedicationStatement ms:
                    ReadMedicationStatement(ms, source);
                    break;
                case AllergyIntolerance ai:
                    ReadAllergy(ai, source);
                    break;
                case Procedure p:
                    ReadProcedure(p, source);
                    break;
                default:
                    break; // Unknown resources are ignored (fhir-profile.md).
            }

            return null;
        });
    }

    /// <summary>
    /// Runs one resource's mapping. A value the mapping needs that is unreadable becomes an error naming the
    /// resource and the path (Firely's finding when it has one); the rest of the bundle is still read.
    /// </summary>
    private T Guard<T>(SourceRef source, Entry entry, T fallback, Func<T> map, bool withFinding = true)
    {
        try
        {
            return map();
        }
        catch (UnreadableValueException ex)
        {
            _errors.Add(new InputError(ex.Code, $"{ex.Path} {ex.Problem}.", source.At(ex.Path)));
        }
#pragma warning disable CA1031 // A broken value in one resource must never crash the reader: it is reported as an error of that resource.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            var finding = withFinding ? FindingFor(entry) : null;
            var path = finding?.Path ?? entry.TypeName;
            var what = finding?.Message ?? $"could not be read ({ex.GetType().Name})";
            _errors.Add(new InputError(FhirErrorCodes.InvalidValue, $"{path}: {what}.", source.At(path)));
        }

        return fallback;
    }

    /// <summary>Firely's first finding inside this entry, with its path rewritten from its prefix (<c>Bundle.entry[i].resource</c>) to the resource type.</summary>
    private (string Path, string Message)? FindingFor(Entry entry)
    {
        var prefix = entry.IssuePrefix;
        var issues = entry.Issues;
        if (_source is not null && entry.Length > 0)
        {
            // Parsed without validation: parse this one resource again, validating, to learn what is wrong.
            try
            {
                var reader = new Utf8JsonReader(_source.AsSpan(entry.Start, entry.Length));
                FhirRecordReader.ValidatingDeserializer.TryDeserializeResource(ref reader, out _, out var found);
                issues = [.. found];
            }
#pragma warning disable CA1031 // Only a better message is at stake: without it the error names the resource.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                issues = [];
            }
        }

        foreach (var issue in issues)
        {
            if (issue is ExtendedCodedException { InstancePath: { } p } f && p.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (entry.TypeName + p[prefix.Length..], f.BaseErrorMessage);
            }
        }

        return null;
    }

    // ---- shared helpers ----------------------------------------------------------------------------------------

    private static IEnumerable<Coding> Codings(CodeableConcept? concept) => concept?.Coding.Where(c => c is not null) ?? [];

    private static bool Has(CodeableConcept? concept, IEnumerable<CodeRule> rules) =>
        Codings(concept).Any(c => rules.Any(r => r.Matches(c.System, c.Code)));

    private static bool Has(CodeableConcept? concept, CodeRule rule) => Codings(concept).Any(c => rule.Matches(c.System, c.Code));

    private static bool HasRange(CodeableConcept? concept, IEnumerable<IcdRange> ranges) =>
        Codings(concept).Any(c => ranges.Any(r => r.Matches(c.System, c.Code)));

    private static IEnumerable<string> Texts(CodeableConcept? concept)
    {
        if (concept is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(concept.Text))
        {
            yield return concept.Text;
        }

        foreach (var c in Codings(concept))
        {
            if (!string.IsNullOrWhiteSpace(c.Display))
            {
                yield return c.Display;
            }
        }
    }

    private static string StatusOf(PrimitiveType? status) => status?.JsonValue as string ?? status?.JsonValue?.ToString() ?? string.Empty;

    private static bool HasStatusCode(CodeableConcept? concept, params string[] codes) =>
        Codings(concept).Any(c => c.Code is not null && codes.Contains(c.Code, StringComparer.Ordinal));

    // ---- conditions --------------------------------------------------------------------------------------------

    private void ReadCondition(Condition condition, SourceRef source)
    {
        // Condition: verificationStatus entered-in-error or refuted → ignored (fhir-profile.md).
        if (HasStatusCode(condition.VerificationStatus, "entered-in-error", "refuted"))
        {
            return;
        }

        var code = condition.Code;
        var hasCourse = Codings(code).Select(c => Codes.MsCourseOf(c.System, c.Code)).FirstOrDefault(c => c is not null);
        var isRelapse = Has(code, Codes.Relapse);
        var kinds = new List<(ConditionKind Kind, bool Sepsis, bool ByName)>();
        if (Has(code, Codes.Infection.Codes) || HasRange(code, Codes.Infection.Ranges))
        {
            var sepsis = Has(code, Codes.Sepsis.Codes) || HasRange(code, Codes.Sepsis.Ranges) || Texts(code).Any(t => Codes.SepsisWord.IsMatch(t));
            kinds.Add((ConditionKind.Infection, sepsis, false));
        }

        foreach (var rule in Codes.OtherConditions)
        {
            if (Has(code, rule.Codes) || HasRange(code, rule.Ranges))
            {
                kinds.Add((rule.Kind, false, false));
            }
        }

        // Infections by word only where no code of ours matched (fhir-profile.md).
        if (kinds.Count == 0 && hasCourse is null && !isRelapse && Texts(code).Any(t => Codes.InfectionWords.IsMatch(t)))
        {
            kinds.Add((ConditionKind.Infection, Texts(code).Any(t => Codes.SepsisWord.IsMatch(t)), true));
            _notes.Add($"{source.Resource}: recognised as an infection by a word in its text, not by a code.");
        }

        if (hasCourse is null && !isRelapse && kinds.Count == 0)
        {
            return;
        }

        var onset = FhirDates.Read(condition.Onset, "Condition.onset");
        var abatement = FhirDates.Read(condition.Abatement, "Condition.abatement", periodEnd: true);
        var clinical = condition.ClinicalStatus;
        var active = clinical is null || !Codings(clinical).Any()
            ? abatement is null && condition.Abatement is null
            : HasStatusCode(clinical, "active", "recurrence", "relapse");

        if (hasCourse is { } course)
        {
            var recorded = onset ?? FhirDates.Parse(condition.RecordedDate, "Condition.recordedDate");
            _ms.Add(new MsDiagnosis(course, recorded, active, source.At("Condition.code")));
        }

        if (isRelapse)
        {
            // R1: a record without onset is kept (the engine names it in missing data as relapse-onset).
            var resolvedWithoutDate = abatement is null && HasStatusCode(clinical, "resolved", "inactive", "remission");
            _relapses.Add(new RelapseRecord(onset, abatement, resolvedWithoutDate, source.At(onset is null ? "Condition.onset" : condition.Onset is Period ? "Condition.onsetPeriod.start" : "Condition.onsetDateTime"))
            {
                // 2026.2 R2.2a: a record marked recurrence/relapse is never aged out.
                MarkedRecurrence = HasStatusCode(clinical, "recurrence", "relapse"),
            });
        }

        foreach (var (kind, sepsis, byName) in kinds)
        {
            _conditions.Add(new ConditionFact(kind, onset, abatement, active, sepsis, byName, source.At("Condition.code")));
        }
    }

    // ---- observations ------------------------------------------------------------------------------------------

    private void ReadObservation(Observation observation, SourceRef source)
    {
        if (StatusOf(observation.StatusElement) == "entered-in-error")
        {
            return;
        }

        var code = observation.Code;
        if (Has(code, Codes.Edss))
        {
            ReadEdss(observation, source);
            return;
        }

        if (Has(code, Codes.BloodPressurePanel))
        {
            var systolic = observation.Component.FirstOrDefault(c => Has(c.Code, Codes.Systolic));
            if (systolic is not null)
            {
                var index = observation.Component.IndexOf(systolic);
                ReadMeasurement(MeasurementKind.SystolicMmHg, observation, systolic.Value, source, $"Observation.component[{index}].valueQuantity");
            }

            return;
        }

        foreach (var coding in Codings(code))
        {
            if (coding.System == CodeSystems.Loinc && coding.Code is { } loinc && Codes.Measurements.TryGetValue(loinc, out var kind))
            {
                ReadMeasurement(kind, observation, observation.Value, source, "Observation.valueQuantity");
                return;
            }
        }

        foreach (var (kind, rules) in Codes.Findings)
        {
            if (Has(code, rules))
            {
                ReadFinding(kind, observation, source);
                return;
            }
        }
    }

    private ClinicalTime? EffectiveOf(Observation observation, SourceRef source)
    {
        var when = FhirDates.Read(observation.Effective, "Observation.effective");
        if (when is null)
        {
            _notes.Add($"{source.Resource}: no effective date; not used.");
        }

        return when;
    }

    private void ReadEdss(Observation observation, SourceRef source)
    {
        var when = EffectiveOf(observation, source);
        if (when is null)
        {
            return;
        }

        // EDSS is unitless: the total is read as recorded (R0 judges its range and steps).
        CheckUnitless(observation.Value, "Observation.valueQuantity.code", "EDSS");
        var total = Number(observation.Value, "Observation.value");
        var fs = RawFunctionalSystems.Empty;
        for (var i = 0; i < observation.Component.Count; i++)
        {
            var component = observation.Component[i];
            var name = Codings(component.Code).FirstOrDefault(c => c.System == CodeSystems.Msr && c.Code is not null && Codes.EdssComponents.Contains(c.Code))?.Code;
            if (name is null)
            {
                continue;
            }

            CheckUnitless(component.Value, $"Observation.component[{i}].valueQuantity.code", name == "ambulation" ? "The ambulation score" : $"The {name} functional system score");
            var value = Number(component.Value, $"Observation.component[{i}].value");
            fs = name switch
            {
                "visual" => fs with { Visual = value },
                "brainstem" => fs with { Brainstem = value },
                "pyramidal" => fs with { Pyramidal = value },
                "cerebellar" => fs with { Cerebellar = value },
                "sensory" => fs with { Sensory = value },
                "bowel-bladder" => fs with { BowelBladder = value },
                "cerebral" => fs with { Cerebral = value },
                "ambulation" => fs with { Ambulation = value },
                _ => fs,
            };
        }

        if (total is null && fs.IsEmpty)
        {
            _notes.Add($"{source.Resource}: EDSS assessment without a total or any functional system; not used.");
            return;
        }

        _edss.Add(new EdssAssessment(when.Value, total, fs, source.At(total is null ? "Observation.component" : "Observation.valueQuantity")));
    }

    /// <summary>
    /// EDSS, FS and ambulation scores are unitless (clinical.md R0): a Quantity may carry no unit, UCUM <c>1</c>,
    /// the annotation <c>{score}</c> (or <c>{points}</c>), or the unit text "score"/"points"; any other unit (kg,
    /// mm[Hg], …) means the value is not a score, an R0 rejection (<c>unknown-unit</c>). R0 judges every EDSS
    /// assessment whatever its date, so the reader can refuse it here. The unit is Quantity.code when its system
    /// is UCUM, else Quantity.unit (R0).
    /// </summary>
    private static void CheckUnitless(DataType? value, string path, string what)
    {
        if (value is not Quantity quantity)
        {
            return;
        }

        var unit = quantity.System == CodeSystems.Ucum ? quantity.Code ?? quantity.Unit : quantity.Unit ?? quantity.Code;
        if (Units.IsScoreUnit(unit))
        {
            return;
        }

        throw new UnreadableValueException(path, $"'{unit}' is not a unit of a score: {what} is unitless (expected no unit, UCUM 1 or {{score}})", FhirErrorCodes.UnknownUnit);
    }

    /// <summary>A unitless number from valueQuantity, valueInteger or valueDecimal-like values.</summary>
    private static double? Number(DataType? value, string path) => value switch
    {
        null => null,
        Quantity q => q.Value is { } v ? (double)v : null,
        Integer i => i.Value,
        FhirDecimal d => d.Value is { } v ? (double)v : null,
        FhirString s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new UnreadableValueException(path + value.TypeName, "is not a number"),
    };

    private void ReadMeasurement(MeasurementKind kind, Observation observation, DataType? value, SourceRef source, string path)
    {
        if (value is not Quantity { Value: { } raw } quantity)
        {
            _notes.Add($"{source.Resource}: no numeric value; not used.");
            return;
        }

        var when = EffectiveOf(observation, source);
        if (when is null)
        {
            return;
        }

        // The unit is Quantity.code when its system is UCUM, else Quantity.unit (clinical.md R0).
        var unit = quantity.System == CodeSystems.Ucum ? quantity.Code ?? quantity.Unit : quantity.Unit ?? quantity.Code;
        var (converted, problem) = Units.ToCanonical(kind, (double)raw, unit);
        _measurements.Add(new Measurement(kind, when.Value, converted, unit, source.At(path), problem));
    }

    private void ReadFinding(FindingKind kind, Observation observation, SourceRef source)
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
    /// Positive: valueCodeableConcept SNOMED 10828004 (pregnancy: 77386006), interpretation POS, valueBoolean
    /// true, or the string "positive". Null when there is no result at all. An observation coded
    /// <c>MSR#breastfeeding</c> with no value states breastfeeding.
    /// </summary>
    private static bool? Positivity(FindingKind kind, Observation observation)
    {
        if (observation.Interpretation.Any(i => Has(i, Codes.InterpretationPositive)))
        {
            return true;
        }

        var positiveCode = kind == FindingKind.Pregnancy ? Codes.Pregnant : Codes.Positive;
        return observation.Value switch
        {
            // 2026.2 (fhir-profile.md): enhancing lesions as a count (0 = none) or a boolean; reflexes MSR#preserved / MSR#lost.
            Integer lesions when kind == FindingKind.GadoliniumEnhancingLesions => lesions.Value is { } n ? n > 0 : null,
            CodeableConcept reflexes when kind == FindingKind.DeepTendonReflexes =>
                Has(reflexes, new CodeRule(CodeSystems.Msr, "preserved")) ? true : Has(reflexes, new CodeRule(CodeSystems.Msr, "lost")) ? false : null,
            CodeableConcept cc => Has(cc, positiveCode) || (kind == FindingKind.Breastfeeding && Has(cc, Codes.Positive)),
            FhirBoolean b => b.Value,
            FhirString s => string.Equals(s.Value?.Trim(), "positive", StringComparison.OrdinalIgnoreCase),
            null when kind == FindingKind.Breastfeeding && Has(observation.Code, new CodeRule(CodeSystems.Msr, "breastfeeding")) => true,
            null when observation.Interpretation.Count > 0 => false,
            _ => null,
        };
    }

    // ---- medications -------------------------------------------------------------------------------------------

    /// <summary>What a medication is: the matching drug rule, the name for messages, and whether by name.</summary>
    private sealed record DrugMatch(DrugRule Rule, string Name, bool ByName);

    /// <summary>
    /// Recognises a medication by an ingredient code or ATC code, else by an ingredient's name as a whole word in
    /// coding.display or text (fhir-profile.md): in the CodeableConcept, or in the referenced Medication (its
    /// code and ingredients), contained or in the bundle.
    /// </summary>
    private DrugMatch? Recognise(DataType? medication, Resource owner, IEnumerable<DrugRule> rules)
    {
        var concepts = new List<CodeableConcept>();
        switch (medication)
        {
            case CodeableConcept cc:
                concepts.Add(cc);
                break;
            case ResourceReference { Reference: { } reference }:
                var target = reference.StartsWith('#') && owner is DomainResource dr
                    ? dr.Contained.FirstOrDefault(c => c.Id == reference[1..])
                    : _byReference.GetValueOrDefault(reference)?.Resource;
                if (target is Medication med)
                {
                    if (med.Code is not null)
                    {
                        concepts.Add(med.Code);
                    }

                    concepts.AddRange(med.Ingredient.Select(i => i.Item).OfType<CodeableConcept>());
                }

                break;
            default:
                break;
        }

        var ruleList = rules.ToList();
        foreach (var rule in ruleList)
        {
            foreach (var coding in concepts.SelectMany(Codings))
            {
                if (rule.Codes.FirstOrDefault(r => r.Matches(coding.System, coding.Code)) is { } hit)
                {
                    var name = hit.IsPrefix ? $"{rule.Ingredient} (ATC {coding.Code})" : rule.Ingredient;
                    return new DrugMatch(rule, name, false);
                }
            }
        }

        foreach (var rule in ruleList)
        {
            var pattern = Codes.DrugNamePatterns[rule];
            foreach (var text in concepts.SelectMany(Texts))
            {
                var m = pattern.Match(text);
                if (m.Success)
                {
                    return new DrugMatch(rule, m.Value.ToLowerInvariant(), true);
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

    private static (double? DoseMg, bool Assumed, string? Problem) DoseOf(Quantity? dose)
    {
        if (dose?.Value is not { } raw)
        {
            return (null, false, null);
        }

        var unit = dose.System == CodeSystems.Ucum ? dose.Code ?? dose.Unit : dose.Unit ?? dose.Code;
        var value = (double)raw;
        return unit?.Trim().ToLowerInvariant() switch
        {
            null or "" => (value, true, null), // R0: a dose without unit is read as mg, and the rationale says so.
            "mg" or "milligram" or "milligrams" => (value, false, null),
            "g" or "gram" or "grams" => (value * 1000, false, null),
            _ => (null, false, $"dose unit '{unit}' is not mg or g"),
        };
    }

    private static DoseRoute RouteOf(CodeableConcept? route)
    {
        if (Has(route, Codes.RouteIntravenous))
        {
            return DoseRoute.Intravenous;
        }

        if (Has(route, Codes.RouteOral))
        {
            return DoseRoute.Oral;
        }

        foreach (var text in Texts(route))
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

    /// <summary>Guards against absurd periods (a typo in a year) expanding into millions of doses.</summary>
    private const int MaxDaysPerResource = 366;

    private void AddSteroidDays(SteroidDrug drug, DateOnly first, int days, Quantity? dose, DoseRoute route, SourceRef source)
    {
        if (days > MaxDaysPerResource)
        {
            _notes.Add($"{source.Resource}: {days} days of doses; only the first {MaxDaysPerResource} are read.");
            days = MaxDaysPerResource;
        }

        var (mg, assumed, problem) = DoseOf(dose);
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

    private void ReadMedicationAdministration(MedicationAdministration administration, SourceRef source)
    {
        // not-done: nothing was given; entered-in-error: ignored.
        var status = StatusOf(administration.StatusElement);
        if (status is "entered-in-error" or "not-done")
        {
            return;
        }

        var match = Recognise(administration.Medication, administration, Codes.Drugs.Where(d => d.Steroid is not null));
        if (match is null)
        {
            return;
        }

        NoteByName(match, source);
        var start = FhirDates.Read(administration.Effective, "MedicationAdministration.effective");
        if (start is null)
        {
            _notes.Add($"{source.Resource}: no effective date; not used.");
            return;
        }

        // A dose on each day of effectiveDateTime / effectivePeriod (fhir-profile.md).
        var end = administration.Effective is Period { End: { } e } ? FhirDates.Parse(e, "MedicationAdministration.effectivePeriod.end") : null;
        var days = end is { } last && last.Date >= start.Value.Date ? last.Date.DayNumber - start.Value.Date.DayNumber + 1 : 1;
        AddSteroidDays(match.Rule.Steroid!.Value, start.Value.Date, days, administration.Dosage?.Dose, RouteOf(administration.Dosage?.Route), source.At("MedicationAdministration.dosage.dose"));
    }

    private void ReadMedicationRequest(MedicationRequest request, SourceRef source)
    {
        var status = StatusOf(request.StatusElement);
        if (status == "entered-in-error")
        {
            return;
        }

        var match = Recognise(request.Medication, request, Codes.Drugs);
        if (match is null)
        {
            return;
        }

        NoteByName(match, source);
        var dosage = request.DosageInstruction.FirstOrDefault();
        var repeat = dosage?.Timing?.Repeat;
        var bounds = repeat?.Bounds as Period;
        var boundsStart = FhirDates.Parse(bounds?.Start, "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.start");
        var boundsEnd = FhirDates.Parse(bounds?.End, "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end");
        var authored = FhirDates.Parse(request.AuthoredOn, "MedicationRequest.authoredOn");

        if (match.Rule.Steroid is { } steroid)
        {
            // Steroid given: intent order (and its specialisations), status active or completed.
            var intent = StatusOf(request.IntentElement);
            if (!intent.EndsWith("order", StringComparison.Ordinal) || status is not ("active" or "completed"))
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
            var days = repeat?.Count is { } count && count > 0 ? count
                : boundsStart is { } s && boundsEnd is { } e && e.Date >= s.Date ? e.Date.DayNumber - s.Date.DayNumber + 1
                : repeat?.Bounds is Duration { Value: { } n } duration && DurationDays(duration) is { } dd ? dd
                : 1;
            var dose = dosage?.DoseAndRate.Select(d => d.Dose).OfType<Quantity>().FirstOrDefault();
            AddSteroidDays(steroid, first.Value.Date, days, dose, RouteOf(dosage?.Route), source.At("MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity"));
            return;
        }

        _medications.Add(new MedicationFact(
            match.Rule.Class!.Value, match.Name, MedicationStatusOf(status),
            (boundsStart ?? authored)?.Date, boundsEnd?.Date, match.ByName, source.At("MedicationRequest.medication")));
    }

    private static int? DurationDays(Duration duration)
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

    private void ReadMedicationStatement(MedicationStatement statement, SourceRef source)
    {
        var status = StatusOf(statement.StatusElement);
        if (status == "entered-in-error")
        {
            return;
        }

        // Relapse steroids count from administrations and orders only; a statement of prednisone is maintenance.
        var match = Recognise(statement.Medication, statement, Codes.Drugs.Where(d => d.Class is not null));
        if (match is null)
        {
            return;
        }

        NoteByName(match, source);
        var start = FhirDates.Read(statement.Effective, "MedicationStatement.effective");
        var end = statement.Effective switch
        {
            FhirDateTime => start,
            Period { End: { } e } => FhirDates.Parse(e, "MedicationStatement.effectivePeriod.end"),
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

    // ---- allergies and procedures ------------------------------------------------------------------------------

    private void ReadAllergy(AllergyIntolerance allergy, SourceRef source)
    {
        if (HasStatusCode(allergy.VerificationStatus, "entered-in-error", "refuted"))
        {
            return;
        }

        var match = Recognise(allergy.Code, allergy, Codes.Drugs.Where(d => d.Steroid is not null).Append(Codes.Albumin));
        if (match is null)
        {
            return;
        }

        NoteByName(match, source);
        var clinical = allergy.ClinicalStatus;
        var active = clinical is null || !Codings(clinical).Any() || HasStatusCode(clinical, "active");
        var kind = match.Rule == Codes.Albumin ? AllergyKind.Albumin : AllergyKind.Steroid;
        _allergies.Add(new AllergyFact(kind, active, match.Name, source.At("AllergyIntolerance.code")));
    }

    private void ReadProcedure(Procedure procedure, SourceRef source)
    {
        foreach (var (kind, rules) in Codes.Apheresis)
        {
            if (!Has(procedure.Code, rules))
            {
                continue;
            }

            // Only completed sessions count (fhir-profile.md).
            if (StatusOf(procedure.StatusElement) != "completed")
            {
                return;
            }

            var when = FhirDates.Read(procedure.Performed, "Procedure.performed");
            if (when is null)
            {
                _notes.Add($"{source.Resource}: apheresis session without a date; not used.");
                return;
            }

            _apheresis.Add(new ApheresisSession(kind, when.Value, source.At(procedure.Performed is Period ? "Procedure.performedPeriod.start" : "Procedure.performedDateTime")));
            return;
        }
    }
}
