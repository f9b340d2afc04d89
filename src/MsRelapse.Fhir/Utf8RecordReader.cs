using System.Text.Json;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>
/// The fast reader: a patient's resources read straight from UTF-8 JSON (<see cref="JsonDocument"/> per mapped
/// resource, no FHIR object model) into the same <see cref="PatientRecord"/> the Firely reader
/// (<see cref="FhirRecordReader"/>) builds — the same mapping (<c>BundleReader</c>) over other views
/// (<see cref="JsonViews"/>), so one table of codes, units and dates serves both. A differential test over every
/// test bundle, the vignettes, the examples, the Synthea sample and thousands of mutated bundles holds the two
/// readers to the same record, or the same error codes (messages of broken values may be worded differently:
/// the Firely reader quotes its validator).
/// </summary>
public static class Utf8RecordReader
{
    /// <summary>The resource types the reader maps (as <see cref="FhirRecordReader.ReadResourceTypes"/>, without starting Firely).</summary>
    public static IReadOnlySet<string> ReadResourceTypes => BundleScanner.MappedTypes;

    /// <summary>
    /// Reads a Bundle given as UTF-8 JSON. Inputs that are not plainly a Bundle (not JSON, not a Bundle, a repeated
    /// <c>entry</c>…) are handed to <see cref="FhirRecordReader.Read(byte[])"/>, which says what they are.
    /// </summary>
    public static FhirReadResult Read(byte[] utf8Bundle)
    {
        ArgumentNullException.ThrowIfNull(utf8Bundle);
        var scanned = new List<ScannedEntry>();
        var outcome = NeverThrow.Run<BundleScanner.Outcome?>(() => BundleScanner.Scan(utf8Bundle, scanned), _ => null);
        if (outcome != BundleScanner.Outcome.Bundle || !StartsPlain(utf8Bundle))
        {
            return FhirRecordReader.Read(utf8Bundle);
        }

        return ReadScanned(scanned, utf8Bundle);
    }

    /// <summary>
    /// Reads one patient's resources, each a JSON object (e.g. the NDJSON lines of a Bulk Data export, in export
    /// order): the record <see cref="Read(byte[])"/> gives for a collection Bundle of them. A resource that is not
    /// well-formed JSON makes the whole input a parse error, as it would make the Bundle.
    /// </summary>
    public static FhirReadResult ReadResources(IReadOnlyList<ReadOnlyMemory<byte>> resources) => ReadResources(resources, plainObservations: true);

    /// <summary>
    /// <see cref="ReadResources(IReadOnlyList{ReadOnlyMemory{byte}})"/>, with Observations of the plain shape read in one
    /// forward pass (<see cref="ObservationLines"/>) or, with <paramref name="plainObservations"/> false, every resource
    /// through a document (what the differential tests compare it with).
    /// </summary>
    internal static FhirReadResult ReadResources(IReadOnlyList<ReadOnlyMemory<byte>> resources, bool plainObservations)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var lines = new ResourceLine[resources.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = new ResourceLine(resources[i]);
        }

        return ReadLines(lines, plainObservations);
    }

    /// <summary>
    /// <see cref="ReadResources(IReadOnlyList{ReadOnlyMemory{byte}})"/> for a screen's resources, some of which its split
    /// kept in the compact form (<see cref="CompactObservations"/>): the record their lines give.
    /// </summary>
    public static FhirReadResult ReadLines(IReadOnlyList<ResourceLine> lines) => ReadLines(lines, plainObservations: true);

    private static FhirReadResult ReadLines(IReadOnlyList<ResourceLine> lines, bool plainObservations)
    {
        ArgumentNullException.ThrowIfNull(lines);

        // Each resource is parsed once: its type, id and patient references are read from the document the mapping
        // then reads (a Bundle is scanned first instead, to parse only the resources the reader maps). Observations of
        // the plain shape are read without a document, or were read by the split (compact).
        var documents = new List<JsonDocument>(lines.Count);
        try
        {
            var entries = new List<BundleReader.Entry>(lines.Count);
            for (var i = 0; i < lines.Count; i++)
            {
                var (bytes, isCompact) = lines[i];
                if (isCompact)
                {
                    if (ObservationLines.EntryOf(CompactObservations.Read(bytes.Span), i) is { } entry)
                    {
                        entries.Add(entry);
                    }

                    continue;
                }

                if (plainObservations && ObservationLines.TryRead(bytes.Span, i) is { } plain)
                {
                    entries.Add(plain);
                    continue;
                }

                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(bytes, DocumentOptions);
                }
                catch (JsonException)
                {
                    return FhirReadResult.Fail(FhirErrorCodes.ParseError, $"Resource {i + 1} is not well-formed JSON; expected one FHIR resource per line.");
                }

                documents.Add(document);
                if (BundleScanner.ScanResource(document.RootElement, i) is { } e)
                {
                    var view = BundleScanner.MappedTypes.Contains(e.TypeName) ? JsonViews.Of(e.TypeName, document.RootElement) : null;
                    entries.Add(new BundleReader.Entry(e.Index, e.FullUrl, e.TypeName, e.Id, view, e.PatientReferences));
                }
            }

            return Map(entries);
        }
        finally
        {
            foreach (var d in documents)
            {
                d.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads resources already parsed by the caller (the prefetch of a CDS Hooks call, parsed once with the request):
    /// the record <see cref="Read(byte[])"/> gives for a collection Bundle of them, each with its <c>fullUrl</c>,
    /// without writing that Bundle or parsing anything again. The elements must stay alive during the call.
    /// </summary>
    public static FhirReadResult ReadParsed(IReadOnlyList<ParsedResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var entries = new List<BundleReader.Entry>(resources.Count);
        for (var i = 0; i < resources.Count; i++)
        {
            var (resource, fullUrl) = resources[i];
            if (resource.ValueKind == JsonValueKind.Object && BundleScanner.ScanResource(resource, i) is { } e)
            {
                var view = BundleScanner.MappedTypes.Contains(e.TypeName) ? JsonViews.Of(e.TypeName, resource) : null;
                entries.Add(new BundleReader.Entry(e.Index, fullUrl, e.TypeName, e.Id, view, e.PatientReferences));
            }
        }

        return Map(entries, diagnose: true);
    }

    /// <summary>What the scanner accepts: comments are not JSON.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// The Firely reader decodes inputs that start (after ASCII blanks) with a non-ASCII byte before reading them;
    /// those rare inputs go its way, so that both readers see the same text.
    /// </summary>
    private static bool StartsPlain(byte[] utf8)
    {
        foreach (var b in utf8)
        {
            if (b is (byte)' ' or (>= 0x09 and <= 0x0D))
            {
                continue;
            }

            return b < 0x80;
        }

        return true;
    }

    /// <summary>The mapping of the entries; with <paramref name="diagnose"/>, an entry whose mapping fails is said in the validator's words (a Bundle, a CDS prefetch). The screen's lines go without: their rows keep the error's code only, and an Observation's compact form has no JSON to diagnose.</summary>
    private static FhirReadResult Map(List<BundleReader.Entry> entries, bool diagnose = false) =>
        NeverThrow.Run(
            () => new BundleReader(entries, diagnose ? FhirRecordReader.DiagnoseJson : null).Read(),
            ex => FhirReadResult.Fail(FhirErrorCodes.ParseError, $"The input could not be parsed as FHIR ({ex.GetType().Name}); expected a FHIR R4 Bundle."));

    private static FhirReadResult ReadScanned(List<ScannedEntry> scanned, byte[] utf8Bundle)
    {
        var documents = new List<JsonDocument>();
        try
        {
            var entries = new List<BundleReader.Entry>(scanned.Count);
            foreach (var e in scanned)
            {
                IResourceView? view = null;
                if (BundleScanner.MappedTypes.Contains(e.TypeName))
                {
                    var document = JsonDocument.Parse(utf8Bundle.AsMemory(e.Start, e.Length));
                    documents.Add(document);
                    view = JsonViews.Of(e.TypeName, document.RootElement);
                }

                entries.Add(new BundleReader.Entry(e.Index, e.FullUrl, e.TypeName, e.Id, view, e.PatientReferences));
            }

            return Map(entries, diagnose: true);
        }
        finally
        {
            foreach (var d in documents)
            {
                d.Dispose();
            }
        }
    }
}

/// <summary>A resource the caller has parsed, with the <c>fullUrl</c> of the entry that carried it (if any).</summary>
/// <param name="Resource">The resource, a JSON object.</param>
/// <param name="FullUrl">The entry's <c>fullUrl</c>; null when it had none.</param>
public readonly record struct ParsedResource(JsonElement Resource, string? FullUrl);
