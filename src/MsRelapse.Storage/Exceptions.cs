namespace MsRelapse.Storage;

/// <summary>
/// A write named an expected version that is not the current one (the service answers 412 Precondition Failed, or
/// 409). The message holds the two versions only, never the patient id, so it can be logged.
/// </summary>
public sealed class ConcurrencyConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expectedVersion">The version the caller expected (0: expected no record; null: none given).</param>
    /// <param name="currentVersion">The version now stored; 0 when there is no record.</param>
    public ConcurrencyConflictException(long? expectedVersion, long currentVersion)
        : base($"The patient record changed: expected version {(expectedVersion is { } e ? e.ToString() : "none")}, current version {currentVersion}.")
    {
        ExpectedVersion = expectedVersion;
        CurrentVersion = currentVersion;
    }

    /// <summary>The version the caller expected (0: expected no record).</summary>
    public long? ExpectedVersion { get; }

    /// <summary>The version now stored; 0 when there is no record.</summary>
    public long CurrentVersion { get; }
}

/// <summary>The patient is not stored. The message does not repeat the id, so it can be logged.</summary>
public sealed class PatientNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PatientNotFoundException(string patientId)
        : base("No patient record with this id is stored.")
    {
        PatientId = patientId;
    }

    /// <summary>The id that was not found (not part of the message: never log it).</summary>
    public string PatientId { get; }
}
