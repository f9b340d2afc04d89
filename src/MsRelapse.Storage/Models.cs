namespace MsRelapse.Storage;

/// <summary>A patient's stored record: the FHIR R4 Bundle JSON exactly as written, and its version.</summary>
/// <param name="PatientId">The FHIR logical id of the patient (<c>[A-Za-z0-9.-]{1,64}</c>).</param>
/// <param name="Version">Starts at 1 when the record is created and grows by one on every write; the service turns it
/// into an ETag and an If-Match header into an expected version.</param>
/// <param name="BundleJson">The Bundle JSON, byte for byte as the caller wrote it.</param>
/// <param name="CreatedAt">When the record was created (UTC, from the injected <see cref="TimeProvider"/>).</param>
/// <param name="UpdatedAt">When the record was last written (UTC).</param>
public sealed record StoredPatient(string PatientId, long Version, string BundleJson, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One line of a patient list: no bundle, so a page stays small.</summary>
/// <param name="PatientId">The FHIR logical id.</param>
/// <param name="Version">Current version.</param>
/// <param name="SearchText">The search text given at the last write (family and given names), for display.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
/// <param name="UpdatedAt">Last write time (UTC).</param>
public sealed record PatientSummary(string PatientId, long Version, string SearchText, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One page of patients, ordered by patient id (ordinal), with the total number of matches.</summary>
public sealed record PatientPage(IReadOnlyList<PatientSummary> Items, int Page, int PageSize, int TotalCount);

/// <summary>A patient list request.</summary>
/// <param name="Page">1-based page number (1 to <see cref="MaxPage"/>).</param>
/// <param name="PageSize">Patients per page (1 to <see cref="MaxPageSize"/>).</param>
/// <param name="Search">Optional: matches a patient id prefix (case-sensitive, as FHIR ids are) or any part of the
/// search text (case- and accent-insensitive: "garcia" finds "García").</param>
public sealed record PatientQuery(int Page = 1, int PageSize = PatientQuery.DefaultPageSize, string? Search = null)
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>Largest page size: a list is for people, not for bulk export.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Largest page number (keeps the row offset far from overflow).</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>Longest search text accepted.</summary>
    public const int MaxSearchLength = 200;
}

/// <summary>An evaluation to store: what the engine recommended for one patient at one asOf date.</summary>
/// <param name="PatientId">The stored patient the evaluation is about (it must exist).</param>
/// <param name="PatientVersion">The version of the stored record that was evaluated, if it came from the store.</param>
/// <param name="EngineVersion">Version of the pathway engine (e.g. the assembly's informational version).</param>
/// <param name="KnowledgeBaseVersion">Version of the clinical knowledge base (thresholds, rules).</param>
/// <param name="AsOf">The date the engine evaluated at.</param>
/// <param name="InputBundleJson">The exact Bundle JSON given to the engine: only its SHA-256 is stored.</param>
/// <param name="PrimaryAction">The recommendation's primary action code (for queries).</param>
/// <param name="Urgency">The recommendation's urgency code (for queries).</param>
/// <param name="RecommendationJson">The full recommendation JSON (the contract document).</param>
public sealed record NewEvaluation(
    string PatientId,
    long? PatientVersion,
    string EngineVersion,
    string KnowledgeBaseVersion,
    DateOnly AsOf,
    string InputBundleJson,
    string PrimaryAction,
    string Urgency,
    string RecommendationJson);

/// <summary>A stored evaluation.</summary>
/// <param name="Id">Store-assigned id, increasing in the order evaluations were stored.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="PatientVersion">The version of the stored record that was evaluated, if known.</param>
/// <param name="EngineVersion">Version of the pathway engine.</param>
/// <param name="KnowledgeBaseVersion">Version of the knowledge base.</param>
/// <param name="AsOf">The evaluation date.</param>
/// <param name="InputSha256">Lower-case hex SHA-256 of the UTF-8 bytes of the input Bundle JSON.</param>
/// <param name="PrimaryAction">Primary action code.</param>
/// <param name="Urgency">Urgency code.</param>
/// <param name="RecommendationJson">The full recommendation JSON, exactly as stored.</param>
/// <param name="CreatedAt">When it was stored (UTC).</param>
public sealed record StoredEvaluation(
    long Id,
    string PatientId,
    long? PatientVersion,
    string EngineVersion,
    string KnowledgeBaseVersion,
    DateOnly AsOf,
    string InputSha256,
    string PrimaryAction,
    string Urgency,
    string RecommendationJson,
    DateTimeOffset CreatedAt);

/// <summary>One append-only audit entry. It holds no clinical value, no name and no free text: only who, what
/// (a stable action code), which patient id, when, and the outcome code.</summary>
/// <param name="Id">Increasing sequence number.</param>
/// <param name="At">When (UTC, from the injected <see cref="TimeProvider"/>).</param>
/// <param name="User">The subject of the request identity, or <c>anonymous</c>.</param>
/// <param name="Action">A code from <see cref="AuditActions"/> (lower-case, dotted).</param>
/// <param name="PatientId">The patient concerned, if any.</param>
/// <param name="Outcome">A code from <see cref="AuditOutcomes"/>.</param>
/// <param name="RecordVersion">The patient record version the action produced or read, if any.</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, string User, string Action, string? PatientId, string Outcome, long? RecordVersion);

/// <summary>An audit log query; every filter is optional. Results come oldest first.</summary>
/// <param name="PatientId">Only entries about this patient.</param>
/// <param name="Action">Only this action code.</param>
/// <param name="User">Only this user.</param>
/// <param name="From">Only entries at or after this instant.</param>
/// <param name="To">Only entries before this instant.</param>
/// <param name="AfterId">Only entries with a larger <see cref="AuditEntry.Id"/> (for paging).</param>
/// <param name="Limit">At most this many entries (1 to <see cref="MaxLimit"/>).</param>
public sealed record AuditQuery(
    string? PatientId = null,
    string? Action = null,
    string? User = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? AfterId = null,
    int Limit = AuditQuery.DefaultLimit)
{
    /// <summary>Entries returned when no limit is asked for.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest limit.</summary>
    public const int MaxLimit = 1000;
}

/// <summary>Stable audit action codes. Codes never change meaning once shipped.</summary>
public static class AuditActions
{
    /// <summary>A patient record was created or replaced.</summary>
    public const string PatientPut = "patient.put";

    /// <summary>Resources were added to a patient record (the caller merged them into the bundle).</summary>
    public const string PatientResourcesAdd = "patient.resources.add";

    /// <summary>A patient record was deleted.</summary>
    public const string PatientDelete = "patient.delete";

    /// <summary>A patient record was read (recorded by the service through <see cref="IPatientStore.RecordAuditAsync"/>).</summary>
    public const string PatientRead = "patient.read";

    /// <summary>The patient list was read or searched.</summary>
    public const string PatientList = "patient.list";

    /// <summary>An evaluation was stored.</summary>
    public const string EvaluationCreate = "evaluation.create";

    /// <summary>A patient's evaluations were read.</summary>
    public const string EvaluationRead = "evaluation.read";

    /// <summary>The audit log itself was read.</summary>
    public const string AuditRead = "audit.read";
}

/// <summary>Stable audit outcome codes.</summary>
public static class AuditOutcomes
{
    /// <summary>The action was carried out.</summary>
    public const string Success = "success";

    /// <summary>Refused: an If-Match/expected version did not match.</summary>
    public const string Conflict = "conflict";

    /// <summary>Refused: the patient does not exist.</summary>
    public const string NotFound = "not-found";

    /// <summary>Refused: the identity may not do this.</summary>
    public const string Denied = "denied";

    /// <summary>Refused: the input was invalid.</summary>
    public const string Invalid = "invalid";

    /// <summary>Failed for another reason.</summary>
    public const string Error = "error";
}
