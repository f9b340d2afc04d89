using System.Collections.Immutable;

namespace MsRelapse.Screening;

/// <summary>A line of the export that could not be screened: which file, which line (1-based), and why.</summary>
/// <param name="File">The file name (relative to the export folder).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Reason">Why: <c>not-json</c>, <c>no-resource-type</c> or <c>no-patient-reference</c>.</param>
public sealed record MalformedLine(string File, long Line, string Reason);

/// <summary>Why a line is malformed (stable codes, reported in summary.json).</summary>
public static class MalformedReasons
{
    /// <summary>The line is not one well-formed JSON object.</summary>
    public const string NotJson = "not-json";

    /// <summary>A JSON object without a string <c>resourceType</c>.</summary>
    public const string NoResourceType = "no-resource-type";

    /// <summary>A resource the pathway reads (not a Patient) that names no patient.</summary>
    public const string NoPatientReference = "no-patient-reference";
}

/// <summary>
/// One row of <c>patients.csv</c>: the screening result of one patient, in wire names (recommendation.schema.json).
/// </summary>
/// <param name="PatientId">The patient id (the Patient's id, else the id its resources' references name).</param>
/// <param name="EpisodeStatus">Episode status, empty when rejected.</param>
/// <param name="Severity">Attack severity, empty when rejected.</param>
/// <param name="PrimaryAction">Primary action, empty when rejected.</param>
/// <param name="Urgency">Urgency, empty when rejected.</param>
/// <param name="SteroidResponse">Steroid response, empty when rejected.</param>
/// <param name="Onset">Onset of the attack (yyyy-MM-dd), or null.</param>
/// <param name="DaysSinceOnset">Days from onset to asOf, or null.</param>
/// <param name="Flags">Flag codes in the recommendation's order.</param>
/// <param name="Error">The R0/reader error code when the record was rejected, else null.</param>
/// <param name="SteroidFailureToApheresisDays">
/// For a patient with an inadequate steroid response and an apheresis session: days from the last steroid dose
/// before the first session to that session (summary.json); null otherwise. Not a CSV column.
/// </param>
/// <param name="UnresolvedMedications">
/// The patient's medication resources that name a Medication the export does not hold (the record's
/// <c>UnresolvedMedications</c>; summary.json and report.html count them). Not a CSV column.
/// </param>
/// <param name="UnresolvedPossibleSteroidCourses">
/// Of those, the administrations and orders given whose drug nothing else identifies: steroid courses that may not be
/// counted. Not a CSV column.
/// </param>
public sealed record PatientRow(
    string PatientId,
    string EpisodeStatus,
    string Severity,
    string PrimaryAction,
    string Urgency,
    string SteroidResponse,
    DateOnly? Onset,
    int? DaysSinceOnset,
    ImmutableArray<string> Flags,
    string? Error,
    int? SteroidFailureToApheresisDays = null,
    int UnresolvedMedications = 0,
    int UnresolvedPossibleSteroidCourses = 0)
{
    /// <summary>Actions a worklist of "needing action now" shows (with urgency urgent or emergency).</summary>
    public static readonly ImmutableHashSet<string> ActNowActions =
    [
        "plasma-exchange", "immunoadsorption", "iv-methylprednisolone", "oral-methylprednisolone",
        "escalated-iv-methylprednisolone", "ivig", "specialist-review", "treat-trigger",
    ];

    /// <summary>True when the patient belongs on the worklist of patients needing action now.</summary>
    public bool NeedsActionNow => Error is null && ActNowActions.Contains(PrimaryAction) && Urgency is "urgent" or "emergency";
}

/// <summary>The result of screening one partition: its rows sorted by patient id, and its counts.</summary>
/// <param name="Partition">The partition number.</param>
/// <param name="Rows">One row per patient, sorted by patient id (ordinal).</param>
/// <param name="Malformed">Lines of this partition found malformed while screening (file and line).</param>
/// <param name="Resources">Resources read.</param>
/// <param name="Bytes">Bytes of the resources read.</param>
public sealed record PartitionResult(int Partition, ImmutableArray<PatientRow> Rows, ImmutableArray<MalformedLine> Malformed, long Resources, long Bytes);
