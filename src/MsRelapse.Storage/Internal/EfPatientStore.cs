using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// <see cref="IPatientStore"/> on EF Core. One short-lived context and one transaction per call; each write adds its
/// audit row in that transaction. Concurrency: the version is an EF concurrency token, so an UPDATE/DELETE only
/// touches the row if its version is still the one read — on PostgreSQL two processes that read the same version
/// cannot both win (the loser's UPDATE matches no row after the winner commits); on SQLite write transactions are
/// IMMEDIATE (Microsoft.Data.Sqlite's default) and so serialised across processes by the database lock.
/// On PostgreSQL a write also reads its row <c>FOR UPDATE</c>: writers of one patient queue on the row lock instead of
/// failing their UPDATE and re-reading, so an unconditional write only retries when another writer created the patient
/// first (one retry each) — a retry budget alone would fail the (N−1)th loser of N racing writers once N exceeds it.
/// </summary>
internal sealed class EfPatientStore(ContextFactory contexts, TimeProvider time) : IPatientStore
{
    // An unconditional write (no expected version) that loses a race is retried against the new row: last writer wins.
    // With the row lock a loser is a writer that found no row while another created it, so two attempts would do;
    // the budget leaves room for a delete racing the re-read.
    private const int MaxUnconditionalAttempts = 5;

    public async Task<PatientPage> ListAsync(PatientQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Page is < 1 or > PatientQuery.MaxPage)
        {
            throw new ArgumentOutOfRangeException(nameof(query), $"Page must be from 1 to {PatientQuery.MaxPage}.");
        }

        if (query.PageSize is < 1 or > PatientQuery.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(query), $"PageSize must be from 1 to {PatientQuery.MaxPageSize}.");
        }

        if (query.Search is { Length: > PatientQuery.MaxSearchLength })
        {
            throw new ArgumentOutOfRangeException(nameof(query), $"Search must be at most {PatientQuery.MaxSearchLength} characters.");
        }

        await using var db = contexts.Create();
        IQueryable<PatientRow> rows = db.Patients.AsNoTracking();
        var search = query.Search?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            var key = Checks.SearchKey(search);
            rows = key.Length > 0
                ? rows.Where(p => p.PatientId.StartsWith(search) || p.SearchKey.Contains(key))
                : rows.Where(p => p.PatientId.StartsWith(search));
        }

        // Count and page are two statements: under concurrent writes the total may be off by the writes in between,
        // which a paged list tolerates (a snapshot transaction would make SQLite readers take the write lock).
        var total = await rows.CountAsync(ct);
        var items = await rows
            .OrderBy(p => p.PatientId)
            .Skip(checked((query.Page - 1) * query.PageSize))
            .Take(query.PageSize)
            .Select(p => new PatientSummary(p.PatientId, p.Version, p.SearchText, p.CreatedAt, p.UpdatedAt))
            .ToListAsync(ct);
        return new PatientPage(items, query.Page, query.PageSize, total);
    }

    public async Task<StoredPatient?> GetAsync(string patientId, CancellationToken ct)
    {
        Checks.PatientId(patientId);
        await using var db = contexts.Create();
        var row = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.PatientId == patientId, ct);
        return row is null ? null : ToStored(row);
    }

    public Task<StoredPatient> UpsertAsync(string patientId, string bundleJson, string searchText, long? expectedVersion, string? user, CancellationToken ct)
    {
        Checks.ExpectedVersion(expectedVersion, required: false);
        return WritePatientAsync(patientId, bundleJson, searchText, expectedVersion, AuditActions.PatientPut, user, ct);
    }

    public Task<StoredPatient> ReplaceBundleAsync(string patientId, string bundleJson, string searchText, long expectedVersion, string? user, CancellationToken ct)
    {
        Checks.ExpectedVersion(expectedVersion, required: true);
        return WritePatientAsync(patientId, bundleJson, searchText, expectedVersion, AuditActions.PatientResourcesAdd, user, ct);
    }

    public async Task<bool> DeleteAsync(string patientId, long? expectedVersion, string? user, CancellationToken ct)
    {
        Checks.PatientId(patientId);
        Checks.ExpectedVersion(expectedVersion, required: false);
        var who = Checks.User(user);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryDeleteAsync(patientId, expectedVersion, who, ct);
            }
            catch (ConcurrencyConflictException) when (expectedVersion is null && attempt < MaxUnconditionalAttempts)
            {
            }
        }
    }

    public async Task<StoredEvaluation> AddEvaluationAsync(NewEvaluation evaluation, string? user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        Checks.PatientId(evaluation.PatientId, "evaluation.PatientId");
        if (evaluation.PatientVersion is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(evaluation), "evaluation.PatientVersion must be null or 1 or more.");
        }

        Checks.VersionText(evaluation.EngineVersion, "evaluation.EngineVersion");
        Checks.VersionText(evaluation.KnowledgeBaseVersion, "evaluation.KnowledgeBaseVersion");
        Checks.Code(evaluation.PrimaryAction, "evaluation.PrimaryAction");
        Checks.Code(evaluation.Urgency, "evaluation.Urgency");
        Checks.JsonObject(evaluation.InputBundleJson, "evaluation.InputBundleJson");
        Checks.JsonObject(evaluation.RecommendationJson, "evaluation.RecommendationJson");
        var who = Checks.User(user);

        var row = new EvaluationRow
        {
            PatientId = evaluation.PatientId,
            PatientVersion = evaluation.PatientVersion,
            EngineVersion = evaluation.EngineVersion,
            KnowledgeBaseVersion = evaluation.KnowledgeBaseVersion,
            AsOf = evaluation.AsOf,
            InputSha256 = Sha256Hex(evaluation.InputBundleJson),
            PrimaryAction = evaluation.PrimaryAction,
            Urgency = evaluation.Urgency,
            RecommendationJson = evaluation.RecommendationJson,
            CreatedAt = Now(),
        };

        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Patients.AnyAsync(p => p.PatientId == evaluation.PatientId, ct))
        {
            throw new PatientNotFoundException(evaluation.PatientId);
        }

        db.Evaluations.Add(row);
        db.Audit.Add(Audit(row.CreatedAt, who, AuditActions.EvaluationCreate, evaluation.PatientId, AuditOutcomes.Success, evaluation.PatientVersion));
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // PostgreSQL, read committed: the patient may have been deleted between the check and the insert.
            if (!await ExistsAsync(evaluation.PatientId, CancellationToken.None))
            {
                throw new PatientNotFoundException(evaluation.PatientId);
            }

            throw;
        }

        return ToStored(row);
    }

    public async Task<IReadOnlyList<StoredEvaluation>> ListEvaluationsAsync(string patientId, CancellationToken ct)
    {
        Checks.PatientId(patientId);
        await using var db = contexts.Create();
        var rows = await db.Evaluations.AsNoTracking()
            .Where(v => v.PatientId == patientId)
            .OrderBy(v => v.Id)
            .ToListAsync(ct);
        return rows.ConvertAll(ToStored);
    }

    public async Task<StoredEvaluation?> GetEvaluationAsync(string patientId, long evaluationId, CancellationToken ct)
    {
        Checks.PatientId(patientId);
        await using var db = contexts.Create();
        var row = await db.Evaluations.AsNoTracking().SingleOrDefaultAsync(v => v.Id == evaluationId && v.PatientId == patientId, ct);
        return row is null ? null : ToStored(row);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), $"Limit must be from 1 to {AuditQuery.MaxLimit}.");
        }

        await using var db = contexts.Create();
        IQueryable<AuditRow> rows = db.Audit.AsNoTracking();
        if (query.PatientId is { } patientId)
        {
            Checks.PatientId(patientId, "query.PatientId");
            rows = rows.Where(a => a.PatientId == patientId);
        }

        if (query.Action is { } action)
        {
            rows = rows.Where(a => a.Action == action);
        }

        if (query.User is { } user)
        {
            rows = rows.Where(a => a.User == user);
        }

        if (query.From is { } from)
        {
            var fromUtc = from.ToUniversalTime();
            rows = rows.Where(a => a.At >= fromUtc);
        }

        if (query.To is { } to)
        {
            var toUtc = to.ToUniversalTime();
            rows = rows.Where(a => a.At < toUtc);
        }

        if (query.AfterId is { } afterId)
        {
            rows = rows.Where(a => a.Id > afterId);
        }

        var list = await rows.OrderBy(a => a.Id).Take(query.Limit).ToListAsync(ct);
        return list.ConvertAll(ToEntry);
    }

    public async Task<AuditEntry> RecordAuditAsync(string action, string? patientId, string outcome, string? user, CancellationToken ct)
    {
        Checks.Code(action, nameof(action));
        Checks.Code(outcome, nameof(outcome));
        if (patientId is not null)
        {
            Checks.PatientId(patientId);
        }

        var row = Audit(Now(), Checks.User(user), action, patientId, outcome, null);
        await using var db = contexts.Create();
        db.Audit.Add(row);
        await db.SaveChangesAsync(ct);
        return ToEntry(row);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken ct)
    {
        await using var db = contexts.Create();
        return !await db.Patients.AnyAsync(ct);
    }

    public async Task<bool> CanConnectAsync(CancellationToken ct)
    {
        try
        {
            await using var db = contexts.Create();
            return await db.Database.CanConnectAsync(ct);
        }
#pragma warning disable CA1031 // Readiness answers "no" for any database failure rather than crashing the probe.
        catch (Exception) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The injected clock's UTC time, truncated to whole microseconds: PostgreSQL's timestamptz keeps
    /// microseconds, so both providers return exactly the instant a write returned.</summary>
    private DateTimeOffset Now()
    {
        var utc = time.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % 10), TimeSpan.Zero);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="json"/>.</summary>
    internal static string Sha256Hex(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    private async Task<StoredPatient> WritePatientAsync(string patientId, string bundleJson, string searchText, long? expectedVersion, string action, string? user, CancellationToken ct)
    {
        Checks.PatientId(patientId);
        Checks.JsonObject(bundleJson, nameof(bundleJson));
        var display = Checks.SearchText(searchText);
        var who = Checks.User(user);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryWritePatientAsync(patientId, bundleJson, display, expectedVersion, action, who, ct);
            }
            catch (ConcurrencyConflictException) when (expectedVersion is null && attempt < MaxUnconditionalAttempts)
            {
            }
        }
    }

    private async Task<StoredPatient> TryWritePatientAsync(string patientId, string bundleJson, string searchText, long? expectedVersion, string action, string user, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await ReadForWriteAsync(db, patientId, ct);
        var current = row?.Version ?? 0;
        if (expectedVersion is { } expected && expected != current)
        {
            throw new ConcurrencyConflictException(expectedVersion, current);
        }

        var now = Now();
        var created = row is null;
        if (row is null)
        {
            row = new PatientRow
            {
                PatientId = patientId,
                Version = 1,
                BundleJson = bundleJson,
                SearchText = searchText,
                SearchKey = Checks.SearchKey(searchText),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Patients.Add(row);
        }
        else
        {
            // Setting the token's new value makes EF write "SET version = @new WHERE ... AND version = @read".
            row.Version = checked(current + 1);
            row.BundleJson = bundleJson;
            row.SearchText = searchText;
            row.SearchKey = Checks.SearchKey(searchText);
            row.UpdatedAt = now;
        }

        db.Audit.Add(Audit(now, user, action, patientId, AuditOutcomes.Success, row.Version));
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer changed or deleted the row after we read it: the database matched no row.
            throw new ConcurrencyConflictException(expectedVersion, await CurrentVersionAsync(patientId, CancellationToken.None));
        }
        catch (DbUpdateException) when (created)
        {
            // Another writer may have created the same patient after we found none (primary key violation).
            var existing = await CurrentVersionAsync(patientId, CancellationToken.None);
            if (existing > 0)
            {
                throw new ConcurrencyConflictException(expectedVersion, existing);
            }

            throw;
        }

        return ToStored(row);
    }

    private async Task<bool> TryDeleteAsync(string patientId, long? expectedVersion, string user, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await ReadForWriteAsync(db, patientId, ct);
        if (row is null)
        {
            return false;
        }

        if (expectedVersion is { } expected && expected != row.Version)
        {
            throw new ConcurrencyConflictException(expectedVersion, row.Version);
        }

        db.Patients.Remove(row);
        db.Audit.Add(Audit(Now(), user, AuditActions.PatientDelete, patientId, AuditOutcomes.Success, row.Version));
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await CurrentVersionAsync(patientId, CancellationToken.None);
            if (current == 0)
            {
                return false; // deleted by someone else meanwhile
            }

            throw new ConcurrencyConflictException(expectedVersion, current);
        }

        return true;
    }

    /// <summary>
    /// Reads the patient's row inside the write's transaction, locked against other writers until it ends: on
    /// PostgreSQL with <c>SELECT … FOR UPDATE</c>; on SQLite the IMMEDIATE transaction already holds the database's
    /// write lock. The version check on UPDATE stays as the database-level guard.
    /// </summary>
    private async Task<PatientRow?> ReadForWriteAsync(MsRelapseDbContext db, string patientId, CancellationToken ct)
    {
        if (contexts.Connection.Provider == StorageProvider.Sqlite)
        {
            return await db.Patients.SingleOrDefaultAsync(p => p.PatientId == patientId, ct);
        }

        // Not composed further, so EF sends the statement as written (a LIMIT around it would move the lock clause).
        var rows = await db.Patients
            .FromSql($"SELECT * FROM patients WHERE patient_id = {patientId} FOR UPDATE")
            .ToListAsync(ct);
        return rows.SingleOrDefault();
    }

    private async Task<long> CurrentVersionAsync(string patientId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Patients.Where(p => p.PatientId == patientId).Select(p => p.Version).SingleOrDefaultAsync(ct);
    }

    private async Task<bool> ExistsAsync(string patientId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Patients.AnyAsync(p => p.PatientId == patientId, ct);
    }

    private static AuditRow Audit(DateTimeOffset at, string user, string action, string? patientId, string outcome, long? version) => new()
    {
        At = at,
        User = user,
        Action = action,
        PatientId = patientId,
        Outcome = outcome,
        RecordVersion = version,
    };

    private static StoredPatient ToStored(PatientRow row) => new(row.PatientId, row.Version, row.BundleJson, row.CreatedAt, row.UpdatedAt);

    private static StoredEvaluation ToStored(EvaluationRow row) => new(
        row.Id, row.PatientId, row.PatientVersion, row.EngineVersion, row.KnowledgeBaseVersion, row.AsOf, row.InputSha256,
        row.PrimaryAction, row.Urgency, row.RecommendationJson, row.CreatedAt);

    private static AuditEntry ToEntry(AuditRow row) => new(row.Id, row.At, row.User, row.Action, row.PatientId, row.Outcome, row.RecordVersion);
}
