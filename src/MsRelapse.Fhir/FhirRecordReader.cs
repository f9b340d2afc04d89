using System.Buffers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

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
    private static readonly FhirJsonDeserializer ValidatingDeserializer = new(new DeserializerSettings());

    /// <summary>
    /// The resource types the reader maps (and <c>Medication</c>, which medication references point at); every
    /// other type is read only for its patient references.
    /// </summary>
    public static IReadOnlySet<string> ReadResourceTypes => BundleScanner.MappedTypes;

    /// <summary>Parses and reads a Bundle given as FHIR JSON.</summary>
    public static FhirReadResult Read(string bundleJson)
    {
        if (string.IsNullOrWhiteSpace(bundleJson))
        {
            return FhirReadResult.Fail(FhirErrorCodes.ParseError, "The input is empty; expected a FHIR R4 Bundle in JSON.");
        }

        byte[]? buffer = null;
        try
        {
            buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(bundleJson));
            var length = Encoding.UTF8.GetBytes(bundleJson, buffer);
            return NeverThrow.Run(() => Read(buffer, length, bundleJson), ParseFailure);
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

            return b >= 0x80
                ? Read(Encoding.UTF8.GetString(utf8Json))
                : NeverThrow.Run(() => Read(utf8Json, utf8Json.Length, null), ParseFailure);
        }

        return FhirReadResult.Fail(FhirErrorCodes.ParseError, "The input is empty; expected a FHIR R4 Bundle in JSON.");
    }

    /// <summary>Reads a Bundle already parsed with Firely.</summary>
    public static FhirReadResult Read(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return NeverThrow.Run(
            () => FromFirelyBundle(bundle, []),
            ex => FhirReadResult.Fail(FhirErrorCodes.InvalidValue, $"The Bundle could not be read ({ex.GetType().Name})."));
    }

    private static FhirReadResult ParseFailure(Exception ex) =>
        FhirReadResult.Fail(FhirErrorCodes.ParseError, $"The input could not be parsed as FHIR ({ex.GetType().Name}); expected a FHIR R4 Bundle.");

    private static FhirReadResult Read(byte[] buffer, int length, string? json)
    {
        var scanned = new List<ScannedEntry>();
        BundleScanner.Outcome outcome;
        try
        {
            outcome = BundleScanner.Scan(buffer.AsSpan(0, length), scanned);
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
            IResourceView? view = null;
            if (BundleScanner.MappedTypes.Contains(e.TypeName))
            {
                var (start, count) = (e.Start, e.Length);
                var failure = NeverThrow.Run<Exception?>(
                    () =>
                    {
                        var reader = new Utf8JsonReader(buffer.AsSpan(start, count));
                        Deserializer.TryDeserializeResource(ref reader, out var resource, out _);
                        view = resource is null ? null : FirelyViews.Of(resource);
                        return null;
                    },
                    ex => ex);
                if (failure is not null)
                {
                    // One resource Firely cannot build is an error of that resource, not a crash.
                    // Said in words: the validator's first finding in it ("Patient.birthDate: …"), else Firely's own message.
                    var label = e.Id is { Length: > 0 } id ? $"{e.TypeName}/{id}" : $"{e.TypeName}/(entry {e.Index + 1})";
                    var (path, what) = FirstFinding(buffer, start, count, e.TypeName) ?? (e.TypeName, failure is CodedException coded ? coded.Message : "could not be read");
                    (errors ??= []).Add(new InputError(FhirErrorCodes.InvalidValue, $"{path}: {what.TrimEnd('.')}.", new SourceRef(label, path)));
                    continue;
                }
            }

            var diagnose = () => FirstFinding(buffer, e.Start, e.Length, e.TypeName);
            entries.Add(new BundleReader.Entry(e.Index, e.FullUrl, e.TypeName, e.Id, view, e.PatientReferences, diagnose));
        }

        return errors is null ? new BundleReader(entries).Read() : new FhirReadResult(null, errors);
    }

    /// <summary>
    /// What is wrong with an entry of the UTF-8 reader whose mapping failed: its resource parsed again by Firely, validating
    /// (<see cref="FirstFinding(byte[], int, int, string)"/>), so that both readers say it in the same words. Runs only on a
    /// failure; null for a view that holds no JSON (an Observation's compact form).
    /// </summary>
    internal static (string Path, string Message)? DiagnoseJson(BundleReader.Entry entry)
    {
        if (entry.View is not JsonViews.IJsonBacked backed)
        {
            return null;
        }

        var utf8 = JsonSerializer.SerializeToUtf8Bytes(backed.Json);
        return FirstFinding(utf8, 0, utf8.Length, entry.TypeName);
    }

    /// <summary>
    /// Parsed without validation: parse this one resource again, validating, to learn what is wrong with it (its
    /// first finding, the path rewritten to start at the resource type). Only a better message is at stake: on any
    /// failure the error names the resource.
    /// </summary>
    private static (string Path, string Message)? FirstFinding(byte[] buffer, int start, int length, string typeName) =>
        NeverThrow.Run(
            () =>
            {
                var reader = new Utf8JsonReader(buffer.AsSpan(start, length));
                ValidatingDeserializer.TryDeserializeResource(ref reader, out _, out var found);
                return FirstFinding([.. found], typeName, typeName);
            },
            _ => null);

    private static (string Path, string Message)? FirstFinding(IReadOnlyList<CodedException> issues, string prefix, string typeName)
    {
        foreach (var issue in issues)
        {
            if (issue is ExtendedCodedException { InstancePath: { } p } f && p.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (typeName + p[prefix.Length..], f.BaseErrorMessage);
            }
        }

        return null;
    }

    /// <summary>The whole input through Firely (inputs that are not plainly a Bundle), as the reader always did.</summary>
    private static FhirReadResult ReadWithFirely(string json)
    {
        if (JsonRoot.NotAnObject(Encoding.UTF8.GetBytes(json)) is { } notAnObject)
        {
            // Firely throws on a root that is not an object (an array, a string): said as what it is.
            return FhirReadResult.Fail(FhirErrorCodes.NotABundle, $"Expected a FHIR R4 Bundle (a JSON object): found {notAnObject}.");
        }

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

        var findingList = findings.ToList();
        if (resource is not Bundle bundle)
        {
            var found = resource is null or DynamicResource && findingList.OfType<ExtendedCodedException>().FirstOrDefault() is { } first
                ? $"{first.BaseErrorMessage} (line {first.LineNumber}, position {first.Position})"
                : $"found a {SafeTypeName(resource) ?? "JSON value"}";
            return FhirReadResult.Fail(FhirErrorCodes.NotABundle, $"Expected a FHIR R4 Bundle: {found}.");
        }

        return FromFirelyBundle(bundle, findingList);
    }

    /// <summary>A resource's type name; null for a dynamic resource of a strange shape.</summary>
    private static string? SafeTypeName(Resource? resource) => NeverThrow.Get(() => resource?.TypeName, out _);

    /// <summary>
    /// The entries of a Firely Bundle. Firely keeps values of the wrong JSON type in overflow, and then the
    /// property getter throws (<c>entry: {}</c>, <c>fullUrl: 5</c>, <c>id: [1]</c>): each access is guarded.
    /// </summary>
    private static FhirReadResult FromFirelyBundle(Bundle bundle, IReadOnlyList<CodedException> findings)
    {
        var list = NeverThrow.Get(() => bundle.Entry, out var entryBroken);
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

            var resource = NeverThrow.Get(() => e.Resource, out _);
            var type = resource is null ? null : SafeTypeName(resource);
            if (resource is null || type is null || !BundleScanner.IsResourceType(type))
            {
                continue; // no resource, or not a FHIR R4 resource type: ignored (fhir-profile.md)
            }

            var fullUrl = NeverThrow.Get(() => e.FullUrl, out _);
            var id = NeverThrow.Get(() => resource.Id, out _);
            var prefix = $"Bundle.entry[{i}].resource";
            entries.Add(new BundleReader.Entry(i, fullUrl, type, id, FirelyViews.Of(resource), PatientReferencesOf(resource), () => FirstFinding(findings, prefix, type)));
        }

        return new BundleReader(entries).Read();
    }

    /// <summary>subject.reference then patient.reference, when the element is a Reference (not a Group list, …).</summary>
    private static List<string> PatientReferencesOf(Resource resource)
    {
        var references = new List<string>(1);
        foreach (var name in (string[])["subject", "patient"])
        {
            var reference = NeverThrow.Get(() => resource.TryGetValue(name, out var value) && value is ResourceReference r ? r.Reference : null, out _);
            if (reference is not null)
            {
                references.Add(reference);
            }
        }

        return references;
    }

    private static FhirReadResult JsonFail(JsonException ex)
    {
        // System.Text.Json reports a 0-based line and the byte position in the line.
        var line = (ex.LineNumber ?? 0) + 1;
        var position = (ex.BytePositionInLine ?? 0) + 1;
        return FhirReadResult.Fail(FhirErrorCodes.ParseError, $"The input is not well-formed JSON (line {line}, position {position}); expected a FHIR R4 Bundle.");
    }

    /// <summary>
    /// <c>Bundle.entry</c> present but not a list: nothing in the Bundle can be read, and an empty record would
    /// get a recommendation ("no episode") it did not earn, so this is an error, not an empty Bundle.
    /// (<c>entry: null</c> is read as absent.)
    /// </summary>
    internal static FhirReadResult EntryNotAList() =>
        new(null, [new InputError(FhirErrorCodes.InvalidValue, "Bundle.entry is not a list of entries (expected a JSON array of {\"fullUrl\", \"resource\"} objects).", new SourceRef("Bundle", "Bundle.entry"))]);
}
