using System.Text.Json;

namespace MsRelapse.Server.Endpoints;

/// <summary>One patient in a list: id, version and the names searched by.</summary>
/// <param name="Id">The patient id (FHIR id).</param>
/// <param name="Version">The record's version (its ETag is <c>W/"version"</c>).</param>
/// <param name="Name">Family and given names, as searched.</param>
/// <param name="CreatedAt">When the record was first stored.</param>
/// <param name="UpdatedAt">When the record was last written.</param>
public sealed record PatientSummary(string Id, long Version, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of patients.</summary>
/// <param name="Items">The patients on this page, by id.</param>
/// <param name="Page">The page number (from 1).</param>
/// <param name="PageSize">Patients per page.</param>
/// <param name="Total">Patients matching the search, over all pages.</param>
public sealed record PatientPage(IReadOnlyList<PatientSummary> Items, int Page, int PageSize, int Total);

/// <summary>A record written by PUT.</summary>
/// <param name="Id">The patient id.</param>
/// <param name="Version">The new version (1 when created).</param>
/// <param name="UpdatedAt">When it was written.</param>
public sealed record PatientWritten(string Id, long Version, DateTimeOffset UpdatedAt);

/// <summary>Resources appended to a record.</summary>
/// <param name="Id">The patient id.</param>
/// <param name="Version">The record's new version.</param>
/// <param name="Added">How many resources were added or replaced.</param>
/// <param name="UpdatedAt">When it was written.</param>
public sealed record ResourcesAdded(string Id, long Version, int Added, DateTimeOffset UpdatedAt);

/// <summary>
/// A stored evaluation: its provenance (engine, knowledge base, the input's SHA-256) and, when asked for one
/// evaluation, the recommendation document exactly as <c>POST /api/evaluate</c> answered it.
/// </summary>
/// <param name="Id">The evaluation id.</param>
/// <param name="PatientId">The patient evaluated.</param>
/// <param name="PatientVersion">The record version evaluated (null when it did not come from the store).</param>
/// <param name="AsOf">The evaluation date (YYYY-MM-DD).</param>
/// <param name="AsOfInFuture">True when the evaluation date was after the server's date when it ran (planning, replay).</param>
/// <param name="EngineVersion">The engine version.</param>
/// <param name="KnowledgeBase">The knowledge-base version.</param>
/// <param name="InputSha256">SHA-256 (hex) of the bundle evaluated.</param>
/// <param name="PrimaryAction">The recommendation's primary action code.</param>
/// <param name="Urgency">The recommendation's urgency code.</param>
/// <param name="CreatedAt">When it ran.</param>
/// <param name="Recommendation">The recommendation document (recommendation.schema.json); null in lists.</param>
public sealed record StoredEvaluationDocument(
    long Id,
    string PatientId,
    long? PatientVersion,
    string AsOf,
    bool AsOfInFuture,
    string EngineVersion,
    string KnowledgeBase,
    string InputSha256,
    string PrimaryAction,
    string Urgency,
    DateTimeOffset CreatedAt,
    JsonElement? Recommendation);

/// <summary>A patient's stored evaluations, oldest first, without their documents.</summary>
/// <param name="Items">The evaluations.</param>
public sealed record EvaluationList(IReadOnlyList<StoredEvaluationDocument> Items);
