namespace MsRelapse.Storage;

/// <summary>
/// What the CDS Hooks service keeps (issue 9): the feedback clinicians give on cards, which patient each card was
/// issued for (so feedback can be listed on the patient's page), and the token ids (<c>jti</c>) already seen, so a
/// replayed token is refused by every instance that shares the database. Thread-safe; register as a singleton.
/// </summary>
public interface ICdsHooksStore
{
    /// <summary>
    /// Stores one feedback entry. The same card and outcome given twice is stored once: the second call returns the
    /// first entry with <see cref="CdsFeedbackWrite.Created"/> false.
    /// </summary>
    Task<CdsFeedbackWrite> AddFeedbackAsync(NewCdsFeedback feedback, CancellationToken ct);

    /// <summary>Feedback on the cards issued for a patient, oldest first (empty when none).</summary>
    Task<IReadOnlyList<CdsFeedback>> ListFeedbackAsync(string patientId, CancellationToken ct);

    /// <summary>Remembers that <paramref name="cardUuid"/> was issued for <paramref name="patientId"/> (idempotent).</summary>
    Task RecordCardAsync(string cardUuid, string serviceId, string patientId, CancellationToken ct);

    /// <summary>
    /// Records a token id until <paramref name="expiresAt"/>. Returns false when the same issuer's <c>jti</c> is
    /// already recorded and not expired (a replay). Expired entries are removed from time to time.
    /// </summary>
    Task<bool> TryRecordTokenIdAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken ct);
}

/// <summary>Feedback to store.</summary>
/// <param name="ServiceId">The CDS service id the card came from.</param>
/// <param name="CardUuid">The card's uuid.</param>
/// <param name="Outcome"><c>accepted</c> or <c>overridden</c>.</param>
/// <param name="OutcomeTimestamp">When the clinician acted (from the EHR).</param>
/// <param name="AcceptedSuggestions">The uuids of the accepted suggestions (may be empty).</param>
/// <param name="OverrideReasonSystem">Override reason code system, if any.</param>
/// <param name="OverrideReasonCode">Override reason code, if any.</param>
/// <param name="OverrideComment">Never stored (free text); its presence is not recorded either.</param>
public sealed record NewCdsFeedback(
    string ServiceId,
    string CardUuid,
    string Outcome,
    DateTimeOffset OutcomeTimestamp,
    IReadOnlyList<string> AcceptedSuggestions,
    string? OverrideReasonSystem,
    string? OverrideReasonCode,
    string? OverrideComment = null)
{
    /// <summary>
    /// Why the store would refuse this entry (the first reason, worded for a 400), or null when it can be stored — so
    /// that a batch is checked whole before any of it is stored.
    /// </summary>
    public string? Problem()
    {
        if (!Internal.CdsChecks.IsUuid(CardUuid))
        {
            return Internal.CdsChecks.NotAUuid("cardUuid");
        }

        if (!Internal.CdsChecks.IsCode(ServiceId, Internal.CdsHooksModel.ServiceIdMaxLength))
        {
            return Internal.CdsChecks.NotACode("serviceId", Internal.CdsHooksModel.ServiceIdMaxLength);
        }

        if (Outcome is not ("accepted" or "overridden"))
        {
            return "outcome must be 'accepted' or 'overridden'.";
        }

        if (AcceptedSuggestions is null || AcceptedSuggestions.Count > Internal.CdsHooksModel.MaxAcceptedSuggestions)
        {
            return $"at most {Internal.CdsHooksModel.MaxAcceptedSuggestions} accepted suggestions.";
        }

        if (AcceptedSuggestions.Any(s => !Internal.CdsChecks.IsUuid(s)))
        {
            return Internal.CdsChecks.NotAUuid("acceptedSuggestions");
        }

        if (OverrideReasonSystem is { Length: > Internal.CdsHooksModel.SystemMaxLength })
        {
            return $"overrideReason.system must be at most {Internal.CdsHooksModel.SystemMaxLength} characters.";
        }

        return OverrideReasonCode is { } code && !Internal.CdsChecks.IsCode(code, Internal.MsRelapseDbContext.CodeMaxLength)
            ? Internal.CdsChecks.NotACode("overrideReason.code", Internal.MsRelapseDbContext.CodeMaxLength)
            : null;
    }
}

/// <summary>A stored feedback entry.</summary>
/// <param name="Id">Store-assigned id.</param>
/// <param name="ServiceId">The CDS service id.</param>
/// <param name="CardUuid">The card's uuid.</param>
/// <param name="PatientId">The patient the card was issued for, when this service issued it.</param>
/// <param name="Outcome"><c>accepted</c> or <c>overridden</c>.</param>
/// <param name="OutcomeTimestamp">When the clinician acted.</param>
/// <param name="AcceptedSuggestions">Accepted suggestion uuids.</param>
/// <param name="OverrideReasonSystem">Override reason system, if any.</param>
/// <param name="OverrideReasonCode">Override reason code, if any.</param>
/// <param name="ReceivedAt">When the service stored it.</param>
public sealed record CdsFeedback(
    long Id,
    string ServiceId,
    string CardUuid,
    string? PatientId,
    string Outcome,
    DateTimeOffset OutcomeTimestamp,
    IReadOnlyList<string> AcceptedSuggestions,
    string? OverrideReasonSystem,
    string? OverrideReasonCode,
    DateTimeOffset ReceivedAt);

/// <summary>The result of <see cref="ICdsHooksStore.AddFeedbackAsync"/>.</summary>
/// <param name="Feedback">The stored entry (the earlier one for a repeat).</param>
/// <param name="Created">False when the same card and outcome had been stored before.</param>
public sealed record CdsFeedbackWrite(CdsFeedback Feedback, bool Created);
