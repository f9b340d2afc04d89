using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// <see cref="ICdsHooksStore"/> on EF Core. The token-id and card writes are <c>INSERT … ON CONFLICT</c> statements
/// (the same SQL on SQLite and PostgreSQL), so two instances sharing a database cannot both accept the same
/// <c>jti</c>: the database's unique key decides. Token ids, written on every authenticated call, are group-committed
/// (<see cref="GroupCommit{TItem, TResult}"/>): the calls that arrive together share one durable transaction.
/// </summary>
internal sealed class EfCdsHooksStore : ICdsHooksStore
{
    private readonly ContextFactory contexts;
    private readonly TimeProvider time;
    private readonly GroupCommit<TokenId, bool> _tokenIds;
    private long _insertsSincePurge; // written only by the batch being committed (one at a time)

    public EfCdsHooksStore(ContextFactory contexts, TimeProvider time)
    {
        this.contexts = contexts;
        this.time = time;
        _tokenIds = new GroupCommit<TokenId, bool>(RecordTokenIdsAsync);
    }

    public async Task<CdsFeedbackWrite> AddFeedbackAsync(NewCdsFeedback feedback, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (feedback.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(feedback));
        }

        var existing = await FindAsync(feedback.CardUuid, feedback.Outcome, ct);
        if (existing is not null)
        {
            return new CdsFeedbackWrite(existing, false);
        }

        var row = new CdsFeedbackRow
        {
            ServiceId = feedback.ServiceId,
            CardUuid = feedback.CardUuid,
            Outcome = feedback.Outcome,
            OutcomeAt = Truncate(feedback.OutcomeTimestamp),
            AcceptedSuggestions = string.Join(',', feedback.AcceptedSuggestions),
            OverrideReasonSystem = feedback.OverrideReasonSystem,
            OverrideReasonCode = feedback.OverrideReasonCode,
            ReceivedAt = Truncate(time.GetUtcNow()),
        };
        try
        {
            await using var db = contexts.Create();
            db.CdsFeedback.Add(row);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request (or instance) stored the same card + outcome first: that one stands.
            var winner = await FindAsync(feedback.CardUuid, feedback.Outcome, ct);
            if (winner is not null)
            {
                return new CdsFeedbackWrite(winner, false);
            }

            throw;
        }

        return new CdsFeedbackWrite((await FindAsync(feedback.CardUuid, feedback.Outcome, ct))!, true);
    }

    public async Task<IReadOnlyList<CdsFeedback>> ListFeedbackAsync(string patientId, CancellationToken ct)
    {
        Checks.PatientId(patientId);
        await using var db = contexts.Create();
        var rows = await (from f in db.CdsFeedback.AsNoTracking()
                          join c in db.CdsCards.AsNoTracking() on f.CardUuid equals c.CardUuid
                          where c.PatientId == patientId
                          orderby f.Id
                          select new { f, c.PatientId }).ToListAsync(ct);
        return [.. rows.Select(r => ToFeedback(r.f, r.PatientId))];
    }

    public async Task RecordCardAsync(string cardUuid, string serviceId, string patientId, CancellationToken ct)
    {
        Uuid(cardUuid, nameof(cardUuid));
        Code(serviceId, nameof(serviceId), CdsHooksModel.ServiceIdMaxLength);
        Checks.PatientId(patientId);
        await using var db = contexts.Create();
        var now = Timestamp(Truncate(time.GetUtcNow()));
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO cds_cards (card_uuid, service_id, patient_id, issued_at) VALUES ({cardUuid}, {serviceId}, {patientId}, {now}) ON CONFLICT (card_uuid) DO NOTHING",
            ct);
    }

    public async Task<bool> TryRecordTokenIdAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (string.IsNullOrEmpty(jti))
        {
            throw new ArgumentException("jti must not be empty.", nameof(jti));
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + jti)));
        var now = Timestamp(Truncate(time.GetUtcNow()));
        var expires = Timestamp(Truncate(expiresAt));
        return await _tokenIds.WriteAsync(new TokenId(key, expires, now), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a batch of token ids in one transaction, in order (the same key twice in a batch: the second is a
    /// replay). Inserted, or an expired entry of the same key renewed: 1 row, accepted. A live entry: 0 rows, a replay.
    /// </summary>
    private async Task<IReadOnlyList<bool>> RecordTokenIdsAsync(IReadOnlyList<TokenId> batch, CancellationToken ct)
    {
        var accepted = new bool[batch.Count];
        await using var db = contexts.Create();

        // EF opens the connection (its interceptor sets SQLite's pragmas); the batch, written on every authenticated
        // call, is then plain ADO.NET on it: one transaction, one command with its parameters set per token.
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO cds_token_ids (token_key, expires_at) VALUES (@key, @expires) ON CONFLICT (token_key) DO UPDATE SET expires_at = excluded.expires_at WHERE cds_token_ids.expires_at < @now";
            var keyParameter = Parameter(insert, "key");
            var expiresParameter = Parameter(insert, "expires");
            var nowParameter = Parameter(insert, "now");
            for (var i = 0; i < batch.Count; i++)
            {
                (keyParameter.Value, expiresParameter.Value, nowParameter.Value) = batch[i];
                accepted[i] = await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            }

            _insertsSincePurge += batch.Count;
            if (_insertsSincePurge >= 1000)
            {
                _insertsSincePurge = 0;
                await using var purge = connection.CreateCommand();
                purge.Transaction = transaction;
                purge.CommandText = "DELETE FROM cds_token_ids WHERE expires_at < @now";
                Parameter(purge, "now").Value = batch[^1].Now;
                await purge.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return accepted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static System.Data.Common.DbParameter Parameter(System.Data.Common.DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>One token id to record: its hashed key, its expiry and the time it was presented (database timestamps).</summary>
    private readonly record struct TokenId(string Key, object Expires, object Now);

    private async Task<CdsFeedback?> FindAsync(string cardUuid, string outcome, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var row = await db.CdsFeedback.AsNoTracking().FirstOrDefaultAsync(f => f.CardUuid == cardUuid && f.Outcome == outcome, ct);
        if (row is null)
        {
            return null;
        }

        var patient = await db.CdsCards.AsNoTracking().Where(c => c.CardUuid == cardUuid).Select(c => c.PatientId).FirstOrDefaultAsync(ct);
        return ToFeedback(row, patient);
    }

    private static CdsFeedback ToFeedback(CdsFeedbackRow row, string? patientId) => new(
        row.Id, row.ServiceId, row.CardUuid, patientId, row.Outcome, row.OutcomeAt,
        row.AcceptedSuggestions.Length == 0 ? [] : row.AcceptedSuggestions.Split(','),
        row.OverrideReasonSystem, row.OverrideReasonCode, row.ReceivedAt);

    /// <summary>Raw SQL bypasses the SQLite value converter: give it the same fixed-width text the converter writes.</summary>
    private object Timestamp(DateTimeOffset value) => contexts.Connection.Provider == StorageProvider.Sqlite
        ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
        : value.ToUniversalTime();

    private static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % 10), TimeSpan.Zero);
    }

    private static void Uuid(string? value, string parameter)
    {
        if (!CdsChecks.IsUuid(value))
        {
            throw new ArgumentException(CdsChecks.NotAUuid(parameter), parameter);
        }
    }

    private static void Code(string? value, string parameter, int maxLength)
    {
        if (!CdsChecks.IsCode(value, maxLength))
        {
            throw new ArgumentException(CdsChecks.NotACode(parameter, maxLength), parameter);
        }
    }
}
