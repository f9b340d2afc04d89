using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using MsRelapse.Fhir;
using Task = System.Threading.Tasks.Task;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// The prefetch templates (shared/contract/cds-hooks.md "Prefetch"): the Patient and one search per resource type
/// the FHIR reader maps (shared/fhir-profile.md "Read").
/// </summary>
internal static class PrefetchTemplates
{
    public const string PatientKey = "patient";
    public const string ConditionsKey = "conditions";

    /// <summary>Key → (template, relative query with the patient id).</summary>
    public static readonly (string Key, string ResourceType, bool Search)[] All =
    [
        (PatientKey, "Patient", false),
        (ConditionsKey, "Condition", true),
        ("observations", "Observation", true),
        ("medicationAdministrations", "MedicationAdministration", true),
        ("medicationRequests", "MedicationRequest", true),
        ("medicationStatements", "MedicationStatement", true),
        ("allergies", "AllergyIntolerance", true),
        ("procedures", "Procedure", true),
    ];

    public static IReadOnlyDictionary<string, string> Templates { get; } = All.ToDictionary(
        t => t.Key,
        t => t.Search ? $"{t.ResourceType}?patient={{{{context.patientId}}}}" : $"Patient/{{{{context.patientId}}}}",
        StringComparer.Ordinal);

    public static string Query(string resourceType, bool search, string patientId) =>
        search ? $"{resourceType}?patient={Uri.EscapeDataString(patientId)}" : $"Patient/{Uri.EscapeDataString(patientId)}";
}

/// <summary>How the record for one call was put together.</summary>
/// <param name="Resources">Every resource found, in prefetch-key order, as parsed from the request (or from the FHIR server): read as they are, never written out and parsed again.</param>
/// <param name="Unavailable">Keys that could be had neither from prefetch nor from the FHIR server — absent and not fetched, sent as an OperationOutcome (or a search set with an error outcome), or fetched only in part — in prefetch-key order (the record may be incomplete).</param>
internal sealed record AssembledRecord(IReadOnlyList<ParsedResource> Resources, IReadOnlyList<string> Unavailable)
{
    private byte[]? _bundle;

    /// <summary>The same resources as one collection Bundle (UTF-8 JSON), written on first use: for the fuzzer and for the uuid of a refused record.</summary>
    public byte[] BundleUtf8 => _bundle ??= PrefetchAssembler.Write(Resources);
}

/// <summary>
/// The one time budget of a call's fetches from the EHR's FHIR server (the contract: "total time budget 2 s"), shared by
/// the searches for absent prefetch and the Medications named by reference after them: what one spends, the next has
/// not. Started with the call's first fetch; the clock is the machine's (a budget is a real wait).
/// </summary>
internal sealed class FetchBudget(TimeSpan total)
{
    private long _started;

    /// <summary>What is left of the budget, counted from the first call of this (zero once spent).</summary>
    public TimeSpan Remaining()
    {
        if (_started == 0)
        {
            _started = Stopwatch.GetTimestamp();
        }

        var left = total - Stopwatch.GetElapsedTime(_started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}

/// <summary>Why a record could not be assembled: 400 (another patient's data) or 412 (required data unavailable).</summary>
internal sealed class PrefetchException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>
/// Uses what the client prefetched, treats <c>null</c> as "no such data", and fetches what is absent from the
/// client's FHIR server with Firely's <see cref="FhirClient"/> (paging followed; one time budget for all).
/// </summary>
internal sealed class PrefetchAssembler(CdsHooksOptions options, HttpMessageHandler fhirHandler)
{
    /// <summary>
    /// At most this many pages per search: a search with a next page left after them is unavailable (never passed off
    /// as complete, since the part left out — in no defined order — may be the latest blood pressure or temperature).
    /// </summary>
    internal const int MaxPages = 50;

    /// <summary>The page size asked for (<c>_count</c>): 50 pages of it is 10,000 resources per type.</summary>
    internal const int PageSize = 200;

    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>What one prefetch value (or one fetched result) gave.</summary>
    private enum Collected
    {
        /// <summary>Its resources were added; no Patient among them.</summary>
        Data,

        /// <summary>Its resources were added, the Patient among them.</summary>
        Patient,

        /// <summary>
        /// An OperationOutcome in place of the data, or a Bundle with an error outcome: the client (or the server)
        /// says the data could not be had. Nothing of it was added; the key is unavailable.
        /// </summary>
        Unavailable,
    }

    /// <summary>A budget of the configured length (<see cref="CdsHooksOptions.FhirFetchBudget"/>) for one call's fetches.</summary>
    public FetchBudget NewBudget() => new(options.FhirFetchBudget);

    public async Task<AssembledRecord> AssembleAsync(CdsRequest request, bool fhirServerAllowed, FetchBudget budget, CancellationToken ct)
    {
        var resources = new List<ParsedResource>();
        var absent = new List<(string Key, string ResourceType, bool Search)>();
        var unavailable = new List<string>();
        var havePatient = false;
        void Note(Collected collected, string key)
        {
            if (collected == Collected.Patient)
            {
                havePatient = true;
            }
            else if (collected == Collected.Unavailable)
            {
                unavailable.Add(key);
            }
        }

        foreach (var template in PrefetchTemplates.All)
        {
            if (request.Prefetch is not { } prefetch || !prefetch.TryGetProperty(template.Key, out var value))
            {
                absent.Add(template);
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                continue; // "the client has no such data": not missing (CDS Hooks 2.0 §Prefetch)
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw new PrefetchException(400, "invalid-prefetch", $"prefetch.{template.Key} must be a FHIR resource or a search-set Bundle.");
            }

            // An OperationOutcome sent for a key is the client's report that it could not get that data (CDS Hooks 2.0
            // §Prefetch): unavailable, and not fetched again — that is what the outcome spares.
            Note(Collect(value, request.PatientId, resources, $"prefetch.{template.Key}"), template.Key);
        }

        if (absent.Count > 0 && request.FhirServer is { } server && fhirServerAllowed)
        {
            var remaining = budget.Remaining();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(remaining);
            // The budget holds whatever the client library does with cancellation: a late answer is dropped.
            var tasks = absent.Select(t => WithinAsync(FetchAsync(server, request.FhirAccessToken, PrefetchTemplates.Query(t.ResourceType, t.Search, request.PatientId), t.Search, deadline.Token), remaining, ct)).ToArray();
            var results = await System.Threading.Tasks.Task.WhenAll(tasks).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            foreach (var (template, json) in absent.Zip(results))
            {
                if (json is null)
                {
                    unavailable.Add(template.Key);
                    continue;
                }

                using var doc = JsonDocument.Parse(json);
                try
                {
                    Note(Collect(doc.RootElement.Clone(), request.PatientId, resources, $"{template.ResourceType} from the FHIR server"), template.Key);
                }
                catch (PrefetchException)
                {
                    // The EHR's server answered with another patient's data: not used, and said so.
                    unavailable.Add(template.Key);
                }
            }
        }
        else
        {
            unavailable.AddRange(absent.Select(a => a.Key));
        }

        var conditionsUnavailable = unavailable.Contains(PrefetchTemplates.ConditionsKey);
        if (!havePatient || conditionsUnavailable)
        {
            var what = !havePatient && conditionsUnavailable ? "the Patient and the Conditions" : !havePatient ? "the Patient" : "the Conditions";
            throw new PrefetchException(412, "prefetch-unavailable",
                $"{what} could be had neither from the prefetch (absent, or an OperationOutcome in their place) nor from the FHIR server (not given, not allowed, failed, too slow or too many pages); send them as prefetch, or give fhirServer and fhirAuthorization.");
        }

        // In prefetch-key order, however each key came to be unavailable (the degraded card's uuid is made of them).
        return new AssembledRecord(resources, [.. PrefetchTemplates.All.Select(t => t.Key).Where(unavailable.Contains)]);
    }

    /// <summary>
    /// Adds the resources of a prefetch value (or of what the FHIR server answered). An OperationOutcome in place of the
    /// data, or a Bundle holding an OperationOutcome with an issue that is not merely information or a warning (error,
    /// fatal, or no severity given), adds nothing: <see cref="Collected.Unavailable"/>. Information and warning
    /// outcomes beside the resources of a search set are skipped, the resources used.
    /// </summary>
    private static Collected Collect(JsonElement value, string patientId, List<ParsedResource> into, string where)
    {
        var type = value.TryGetProperty("resourceType"u8, out var rt) && rt.ValueKind == JsonValueKind.String ? rt : (JsonElement?)null;
        if (type is null)
        {
            throw new PrefetchException(400, "invalid-prefetch", $"{where} has no resourceType.");
        }

        if (type.Value.ValueEquals("OperationOutcome"u8))
        {
            return Collected.Unavailable;
        }

        if (!type.Value.ValueEquals("Bundle"u8))
        {
            return Add(value, patientId, into, null, where) ? Collected.Patient : Collected.Data;
        }

        if (!value.TryGetProperty("entry"u8, out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return Collected.Data;
        }

        // The outcomes first: a search set that reports an error is not used in part.
        foreach (var entry in entries.EnumerateArray())
        {
            if (EntryResource(entry) is { } resource && IsErrorOutcome(resource))
            {
                return Collected.Unavailable;
            }
        }

        var found = false;
        foreach (var entry in entries.EnumerateArray())
        {
            if (EntryResource(entry) is { } resource)
            {
                var fullUrl = entry.TryGetProperty("fullUrl"u8, out var fu) && fu.ValueKind == JsonValueKind.String ? fu.GetString() : null;
                found |= Add(resource, patientId, into, fullUrl, where);
            }
        }

        return found ? Collected.Patient : Collected.Data;
    }

    private static JsonElement? EntryResource(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource"u8, out var resource) && resource.ValueKind == JsonValueKind.Object ? resource : null;

    /// <summary>An OperationOutcome with an issue of severity error or fatal (or none, or one not known): the data are not to be trusted as complete.</summary>
    private static bool IsErrorOutcome(JsonElement resource)
    {
        if (!resource.TryGetProperty("resourceType"u8, out var rt) || rt.ValueKind != JsonValueKind.String || !rt.ValueEquals("OperationOutcome"u8))
        {
            return false;
        }

        if (!resource.TryGetProperty("issue"u8, out var issues) || issues.ValueKind != JsonValueKind.Array)
        {
            return false; // no issue at all: it reports nothing
        }

        foreach (var issue in issues.EnumerateArray())
        {
            var severity = issue.ValueKind == JsonValueKind.Object && issue.TryGetProperty("severity"u8, out var s) && s.ValueKind == JsonValueKind.String ? s : (JsonElement?)null;
            if (severity is not { } known || !(known.ValueEquals("information"u8) || known.ValueEquals("warning"u8)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Add(JsonElement resource, string patientId, List<ParsedResource> into, string? fullUrl, string where)
    {
        var rt = resource.TryGetProperty("resourceType"u8, out var t) && t.ValueKind == JsonValueKind.String ? t : (JsonElement?)null;
        if (rt?.ValueEquals("OperationOutcome"u8) == true)
        {
            return false; // information or warning outcomes (Collect has turned away the others) carry no clinical data
        }

        if (rt?.ValueEquals("Patient"u8) == true)
        {
            var id = resource.TryGetProperty("id"u8, out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            if (!string.Equals(id, patientId, StringComparison.Ordinal))
            {
                throw new PrefetchException(400, "other-patient", $"{where} holds a Patient other than context.patientId.");
            }

            // One Patient in the record, however many keys carried it.
            if (into.Any(r => r.Resource.TryGetProperty("resourceType"u8, out var type) && type.ValueEquals("Patient"u8)))
            {
                return true;
            }

            into.Add(new ParsedResource(resource, fullUrl));
            return true;
        }

        if (OtherPatient(resource, "subject"u8, patientId) || OtherPatient(resource, "patient"u8, patientId))
        {
            throw new PrefetchException(400, "other-patient", $"{where} holds a {rt?.GetString()} of a patient other than context.patientId.");
        }

        into.Add(new ParsedResource(resource, fullUrl));
        return false;
    }

    /// <summary>
    /// True when the resource's <paramref name="member"/> references a Patient other than <paramref name="patientId"/>
    /// (see <see cref="TryReferencedPatient"/>). Every resource of a prefetch is checked: the reference is compared as
    /// written, without making a string of it, unless it holds an escape (then as decoded).
    /// </summary>
    private static bool OtherPatient(JsonElement resource, ReadOnlySpan<byte> member, string patientId)
    {
        if (!resource.TryGetProperty(member, out var reference) || reference.ValueKind != JsonValueKind.Object
            || !reference.TryGetProperty("reference"u8, out var r) || r.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var written = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(r)[1..^1]; // without the quotes
        ReadOnlySpan<byte> utf8 = written.IndexOf((byte)'\\') < 0 ? written : System.Text.Encoding.UTF8.GetBytes(r.GetString()!);

        // context.patientId is a FHIR id (CdsRequest checks it): ASCII, so an id with any other byte is another patient.
        return TryReferencedPatient(utf8, out var id) && !System.Text.Ascii.Equals(id, patientId);
    }

    /// <summary>
    /// True when <paramref name="reference"/> names a Patient other than <paramref name="patientId"/>, by the rule every
    /// resource of a prefetch is held to (the draft orders of an order hook are held to it too).
    /// </summary>
    internal static bool NamesAnotherPatient(string reference, string patientId) =>
        TryReferencedPatient(System.Text.Encoding.UTF8.GetBytes(reference), out var id) && !System.Text.Ascii.Equals(id, patientId);

    /// <summary>
    /// The id in <c>Patient/{id}</c> (relative, absolute, or with <c>_history</c>), as UTF-8; false for the forms that
    /// name no patient id (<c>urn:uuid:</c>, another type).
    /// </summary>
    /// <remarks>
    /// It differs from <see cref="PatientReferences.KeyOf"/> on purpose: that one reads <c>urn:uuid:x</c> as the key
    /// <c>x</c>, to group the resources of a Bundle or an export by patient; here the reference is compared with the
    /// EHR's <c>context.patientId</c>, which a <c>urn:uuid:</c> (an entry's fullUrl) does not name. Such a reference
    /// is not let through unchecked: the reader's own patient check (<c>BundleReader.CheckPatients</c>, through
    /// <see cref="PatientReferences.KeyOf"/>) refuses a record that names two patients (<c>multiple-patients</c>).
    /// </remarks>
    private static bool TryReferencedPatient(ReadOnlySpan<byte> reference, out ReadOnlySpan<byte> id)
    {
        int at;
        id = default;
        if (reference.StartsWith("Patient/"u8))
        {
            at = 0;
        }
        else if ((at = reference.IndexOf("/Patient/"u8)) >= 0)
        {
            at++;
        }
        else
        {
            return false;
        }

        var rest = reference[(at + "Patient/".Length)..];
        var slash = rest.IndexOf((byte)'/');
        id = slash < 0 ? rest : rest[..slash];
        return true;
    }

    /// <summary><see cref="TryReferencedPatient"/> on a reference given as a string; null when it names no patient id.</summary>
    internal static string? ReferencedPatient(string reference) =>
        TryReferencedPatient(System.Text.Encoding.UTF8.GetBytes(reference), out var id) ? System.Text.Encoding.UTF8.GetString(id) : null;

    internal static byte[] Write(IReadOnlyList<ParsedResource> resources)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("resourceType", "Bundle");
            writer.WriteString("type", "collection");
            writer.WriteStartArray("entry");
            foreach (var (resource, fullUrl) in resources)
            {
                writer.WriteStartObject();
                if (fullUrl is not null)
                {
                    writer.WriteString("fullUrl", fullUrl);
                }

                writer.WritePropertyName("resource");
                resource.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>At most this many referenced Medications are fetched for one call (a record names a handful of formulary entries).</summary>
    internal const int MaxReferencedMedications = 20;

    private static readonly string[] MedicationUseTypes = ["MedicationAdministration", "MedicationRequest", "MedicationStatement"];

    /// <summary>
    /// The Medications that the record's medication resources, or the draft orders, name by reference
    /// (<c>Medication/{id}</c>, relative or under the FHIR base URL) but that neither holds, fetched from the FHIR server
    /// (within what the call's fetch budget has left; at most <see cref="MaxReferencedMedications"/>, the first by id). EHRs name a formulary
    /// Medication so, and the contract's prefetch templates do not include it: without it, a steroid course given or
    /// ordered is recognised only by the reference's display, when there is one. Each comes with its absolute URL as
    /// fullUrl, so that a relative and an absolute reference both find it. One that cannot be had (not allowed, failed,
    /// too slow, not a Medication of that id) is left out, and the reader notes the reference it could not resolve.
    /// </summary>
    /// <param name="request">The call (its FHIR server and access token).</param>
    /// <param name="record">The record assembled so far.</param>
    /// <param name="draftReferences">The references of the draft orders that their Bundle does not resolve.</param>
    /// <param name="fhirServerAllowed">Whether the FHIR server may be called.</param>
    /// <param name="budget">The call's fetch budget, what <see cref="AssembleAsync"/> spent of it gone.</param>
    /// <param name="ct">The call's cancellation.</param>
    public async Task<IReadOnlyList<ParsedResource>> ReferencedMedicationsAsync(CdsRequest request, IReadOnlyList<ParsedResource> record, IEnumerable<string> draftReferences, bool fhirServerAllowed, FetchBudget budget, CancellationToken ct)
    {
        if (request.FhirServer is not { } server || !fhirServerAllowed)
        {
            return [];
        }

        var baseUri = BaseOf(server);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var referenced = new List<string>();
        foreach (var (resource, _) in record)
        {
            if (!resource.TryGetProperty("resourceType"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            if (type.ValueEquals("Medication"u8))
            {
                if (resource.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String)
                {
                    held.Add(id.GetString()!);
                }
            }
            else if (MedicationUseTypes.Any(t => type.ValueEquals(t))
                && resource.TryGetProperty("medicationReference"u8, out var medication) && medication.ValueKind == JsonValueKind.Object
                && medication.TryGetProperty("reference"u8, out var reference) && reference.ValueKind == JsonValueKind.String)
            {
                referenced.Add(reference.GetString()!);
            }
        }

        var wanted = new SortedSet<string>(
            referenced.Concat(draftReferences).Select(r => MedicationIdOf(r, baseUri)).OfType<string>().Where(id => !held.Contains(id)),
            StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return [];
        }

        var remaining = budget.Remaining();
        if (remaining == TimeSpan.Zero)
        {
            return []; // the budget is spent: the reader notes each reference it could not resolve
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(remaining);
        var ids = wanted.Take(MaxReferencedMedications).ToList();
        var results = await Task.WhenAll(ids.Select(id => WithinAsync(FetchAsync(server, request.FhirAccessToken, "Medication/" + id, search: false, deadline.Token), remaining, ct))).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        var fetched = new List<ParsedResource>();
        foreach (var (id, json) in ids.Zip(results))
        {
            if (json is null)
            {
                continue;
            }

            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("resourceType"u8, out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("Medication"u8)
                && root.TryGetProperty("id"u8, out var got) && got.ValueKind == JsonValueKind.String && got.ValueEquals(id))
            {
                fetched.Add(new ParsedResource(root.Clone(), baseUri.AbsoluteUri + "Medication/" + id));
            }
        }

        return fetched;
    }

    /// <summary>
    /// The id a Medication reference names on the FHIR server — <c>Medication/{id}</c>, or that under
    /// <paramref name="baseUri"/>, a version (<c>/_history/n</c>) dropped — when it is a FHIR id; else null (contained
    /// <c>#x</c>, <c>urn:uuid:</c>, another server, another type: not fetched).
    /// </summary>
    internal static string? MedicationIdOf(string reference, Uri baseUri)
    {
        var relative = reference;
        if (Uri.TryCreate(reference, UriKind.Absolute, out var absolute))
        {
            if (!IsUnder(absolute, baseUri) || !string.IsNullOrEmpty(absolute.Query) || !string.IsNullOrEmpty(absolute.Fragment))
            {
                return null;
            }

            relative = absolute.AbsolutePath[baseUri.AbsolutePath.Length..];
        }

        if (!relative.StartsWith("Medication/", StringComparison.Ordinal))
        {
            return null;
        }

        var id = relative["Medication/".Length..];
        if (id.IndexOf("/_history/", StringComparison.Ordinal) is var history and > 0)
        {
            id = id[..history];
        }

        // A FHIR id; "." and ".." are ids by the pattern but would make a path segment that climbs (not sent).
        return id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') && id is not ("." or "..") ? id : null;
    }

    private static Uri BaseOf(Uri server) => server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");

    private static async System.Threading.Tasks.Task<string?> WithinAsync(System.Threading.Tasks.Task<string?> fetch, TimeSpan budget, CancellationToken ct)
    {
        try
        {
            return await fetch.WaitAsync(budget, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The resource or search set as JSON (all pages), or null when the server failed, refused or was too slow, or when
    /// a next page is left unread: past <see cref="MaxPages"/>, or on a next link outside the FHIR base URL (the access
    /// token goes nowhere else). A search set is complete or it is not returned.
    /// </summary>
    private async Task<string?> FetchAsync(Uri server, string? accessToken, string query, bool search, CancellationToken ct)
    {
        var settings = new FhirClientSettings
        {
            PreferredFormat = ResourceFormat.Json,
            VerifyFhirVersion = false,
            Timeout = (int)options.FhirFetchBudget.TotalMilliseconds,
        };
        var baseUri = BaseOf(server);
        using var client = new FhirClient(baseUri, settings, new BaseUrlHandler(fhirHandler, baseUri));
        if (accessToken is not null)
        {
            client.RequestHeaders!.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        }

        try
        {
            // Big pages asked for (the templates set no _count): fewer round trips within the budget, and more per page limit.
            var first = await client.GetAsync(query + (search ? $"&_count={PageSize}" : ""), ct).ConfigureAwait(false);
            if (first is not Bundle firstPage)
            {
                return first is null ? null : Serializer.SerializeToString(first);
            }

            var page = firstPage;
            var all = new Bundle { Type = Bundle.BundleType.Searchset };
            for (var pages = 1; ; pages++)
            {
                all.Entry.AddRange(page.Entry);
                if (page.NextLink is null)
                {
                    return Serializer.SerializeToString(all);
                }

                // A next page left unread makes the whole key unavailable, never a partial list.
                if (pages >= MaxPages || !IsUnder(new Uri(baseUri, page.NextLink), baseUri))
                {
                    return null;
                }

                if (await client.ContinueAsync(page, PageDirection.Next, ct).ConfigureAwait(false) is not { } next)
                {
                    return null;
                }

                page = next;
            }
        }
#pragma warning disable CA1031 // Any failure of the EHR's server (timeout, 4xx, 5xx, bad body, refused connection) makes this key unavailable: a 412 or a degraded card, never a 500.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="url"/> lies under the FHIR base URL <paramref name="baseUri"/> (which ends in '/'): the
    /// same scheme, host and port, no user info, and a path below the base's.
    /// </summary>
    internal static bool IsUnder(Uri url, Uri baseUri) =>
        url.IsAbsoluteUri
        && string.Equals(url.Scheme, baseUri.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.IdnHost, baseUri.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == baseUri.Port
        && string.IsNullOrEmpty(url.UserInfo)
        && url.AbsolutePath.StartsWith(baseUri.AbsolutePath, StringComparison.Ordinal)
        && !url.AbsolutePath.Contains("%2e", StringComparison.OrdinalIgnoreCase); // no escaped dot segments to climb out of the base

    /// <summary>
    /// Sends only to the FHIR base URL (whatever the client library makes of a next link, the access token goes to no
    /// other host or path), and lets each FhirClient dispose its wrapper without disposing the shared connection pool.
    /// </summary>
    private sealed class BaseUrlHandler(HttpMessageHandler inner, Uri baseUri) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri is { } uri && IsUnder(uri, baseUri)
                ? base.SendAsync(request, cancellationToken)
                : throw new HttpRequestException("A request outside the FHIR server's base URL is not sent.");

        protected override void Dispose(bool disposing)
        {
            // The inner handler is shared by every request: never disposed here.
        }
    }
}

/// <summary>For tests: how a reference names its patient, or the Medication to fetch.</summary>
public static class PrefetchAssemblerAccess
{
    /// <summary>The id in <c>Patient/{id}</c> forms; null otherwise.</summary>
    public static string? ReferencedPatient(string reference) => PrefetchAssembler.ReferencedPatient(reference);

    /// <summary>The Medication id a reference names on the FHIR server at <paramref name="baseUri"/> (ending in '/'); null when it is not fetched.</summary>
    public static string? MedicationIdOf(string reference, Uri baseUri) => PrefetchAssembler.MedicationIdOf(reference, baseUri);
}

/// <summary>
/// Builds Firely's client and serializer once at start: their first use reflects over the whole R4 model, which
/// on a small machine takes longer than the 2 s fetch budget of the first request would allow.
/// </summary>
internal sealed class FhirClientWarmUp : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            using var client = new FhirClient(new Uri("http://127.0.0.1/fhir/"), new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
            var json = new FhirJsonSerializer().SerializeToString(new Bundle { Type = Bundle.BundleType.Searchset, Entry = [new Bundle.EntryComponent { Resource = new Patient { Id = "warm-up" } }] });
            _ = new FhirJsonDeserializer(new DeserializerSettings { Validator = null }).Deserialize<Bundle>(json);
        },
        stoppingToken);
}
