namespace MsRelapse.Storage.Internal;

// EF Core rows of the CDS Hooks tables (issue 9). Internal: the public API is CdsHooks/ICdsHooksStore.cs.

internal sealed class CdsFeedbackRow
{
    public long Id { get; set; }

    public required string ServiceId { get; set; }

    public required string CardUuid { get; set; }

    public required string Outcome { get; set; }

    public DateTimeOffset OutcomeAt { get; set; }

    /// <summary>Accepted suggestion uuids, comma-separated (uuids hold no comma).</summary>
    public required string AcceptedSuggestions { get; set; }

    public string? OverrideReasonSystem { get; set; }

    public string? OverrideReasonCode { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class CdsCardRow
{
    public required string CardUuid { get; set; }

    public required string ServiceId { get; set; }

    public required string PatientId { get; set; }

    public DateTimeOffset IssuedAt { get; set; }
}

internal sealed class CdsTokenIdRow
{
    /// <summary>Lower-case hex SHA-256 of issuer + '\n' + jti: fixed length, and no token content in the database.</summary>
    public required string Key { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
