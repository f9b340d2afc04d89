namespace MsRelapse.Storage.Internal;

// EF Core entity classes. They stay internal: the public API is the immutable records in Models.cs.

internal sealed class PatientRow
{
    public required string PatientId { get; set; }

    /// <summary>Optimistic concurrency token: every UPDATE/DELETE is "... WHERE patient_id = @id AND version = @read",
    /// so of two writers (even in two processes) that read the same version, only one changes a row.</summary>
    public long Version { get; set; }

    public required string BundleJson { get; set; }

    /// <summary>As given by the caller, for display.</summary>
    public required string SearchText { get; set; }

    /// <summary><see cref="SearchText"/> folded (lower case, no accents, single spaces) for matching.</summary>
    public required string SearchKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class EvaluationRow
{
    public long Id { get; set; }

    public required string PatientId { get; set; }

    public long? PatientVersion { get; set; }

    public required string EngineVersion { get; set; }

    public required string KnowledgeBaseVersion { get; set; }

    public DateOnly AsOf { get; set; }

    public required string InputSha256 { get; set; }

    public required string PrimaryAction { get; set; }

    public required string Urgency { get; set; }

    public required string RecommendationJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AuditRow
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string User { get; set; }

    public required string Action { get; set; }

    public string? PatientId { get; set; }

    public required string Outcome { get; set; }

    public long? RecordVersion { get; set; }
}
