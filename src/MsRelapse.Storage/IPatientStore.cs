namespace MsRelapse.Storage;

/// <summary>
/// The patient registry: FHIR bundles as JSON text, evaluations and an append-only audit log. Every write stores its
/// audit entry in the same transaction, so an entry exists if and only if the write happened. Implementations are
/// thread-safe and may be shared (register as a singleton).
/// </summary>
/// <remarks>
/// Argument errors (bad patient id, page size out of range, malformed JSON…) throw <see cref="ArgumentException"/>
/// with a message naming the parameter and the expected range. Messages never contain patient ids or bundle content.
/// </remarks>
public interface IPatientStore
{
    /// <summary>One page of patients, ordered by patient id, optionally filtered (see <see cref="PatientQuery"/>).</summary>
    Task<PatientPage> ListAsync(PatientQuery query, CancellationToken ct);

    /// <summary>The patient's record, or null when there is none.</summary>
    Task<StoredPatient?> GetAsync(string patientId, CancellationToken ct);

    /// <summary>
    /// Creates or replaces a patient's record (audit action <see cref="AuditActions.PatientPut"/>).
    /// <paramref name="expectedVersion"/>: null writes unconditionally (last writer wins); 0 creates only if absent;
    /// n &gt; 0 replaces only if the current version is n. Otherwise throws <see cref="ConcurrencyConflictException"/>.
    /// A returned <see cref="StoredPatient.Version"/> of 1 means the call created the record.
    /// </summary>
    /// <param name="patientId">FHIR logical id, <c>[A-Za-z0-9.-]{1,64}</c>.</param>
    /// <param name="bundleJson">The Bundle JSON (validated by the caller; must at least be a JSON object).</param>
    /// <param name="searchText">Names to find the patient by (family, given); stored, never logged; may be empty.</param>
    /// <param name="expectedVersion">See above.</param>
    /// <param name="user">The subject of the request identity; null or blank means <c>anonymous</c>.</param>
    /// <param name="ct">Cancellation.</param>
    Task<StoredPatient> UpsertAsync(string patientId, string bundleJson, string searchText, long? expectedVersion, string? user, CancellationToken ct);

    /// <summary>
    /// Replaces an existing record with a bundle the caller merged from version <paramref name="expectedVersion"/>
    /// (audit action <see cref="AuditActions.PatientResourcesAdd"/>). The version is required (≥ 1): a merge made
    /// from a stale read must fail with <see cref="ConcurrencyConflictException"/>, never overwrite a newer write.
    /// </summary>
    Task<StoredPatient> ReplaceBundleAsync(string patientId, string bundleJson, string searchText, long expectedVersion, string? user, CancellationToken ct);

    /// <summary>
    /// Deletes the record and its evaluations (audit action <see cref="AuditActions.PatientDelete"/>; the audit log
    /// keeps its entries). Returns false when there is no such record. A non-null <paramref name="expectedVersion"/>
    /// that differs from the current version throws <see cref="ConcurrencyConflictException"/>.
    /// </summary>
    Task<bool> DeleteAsync(string patientId, long? expectedVersion, string? user, CancellationToken ct);

    /// <summary>Stores an evaluation of a stored patient (audit action <see cref="AuditActions.EvaluationCreate"/>);
    /// throws <see cref="PatientNotFoundException"/> when the patient is not stored.</summary>
    Task<StoredEvaluation> AddEvaluationAsync(NewEvaluation evaluation, string? user, CancellationToken ct);

    /// <summary>The patient's evaluations, oldest first (empty when none or no such patient).</summary>
    Task<IReadOnlyList<StoredEvaluation>> ListEvaluationsAsync(string patientId, CancellationToken ct);

    /// <summary>One evaluation of the patient, or null.</summary>
    Task<StoredEvaluation?> GetEvaluationAsync(string patientId, long evaluationId, CancellationToken ct);

    /// <summary>Audit entries, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken ct);

    /// <summary>
    /// Appends an audit entry for something the store does not audit by itself: reads
    /// (<see cref="AuditActions.PatientRead"/>), refusals (outcome <see cref="AuditOutcomes.Denied"/>,
    /// <see cref="AuditOutcomes.Conflict"/>…). Action and outcome must be lower-case codes (<c>[a-z][a-z.-]*</c>,
    /// at most 64 characters), so no free text can enter the log.
    /// </summary>
    Task<AuditEntry> RecordAuditAsync(string action, string? patientId, string outcome, string? user, CancellationToken ct);

    /// <summary>True when no patient is stored (the service seeds demo patients then).</summary>
    Task<bool> IsEmptyAsync(CancellationToken ct);

    /// <summary>True when the database answers (readiness probe). Never throws for an unreachable database.</summary>
    Task<bool> CanConnectAsync(CancellationToken ct);
}
