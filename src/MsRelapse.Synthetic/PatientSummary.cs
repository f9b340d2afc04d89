namespace MsRelapse.Synthetic;

/// <summary>The MS course a synthetic patient was given.</summary>
public enum SynthCourse
{
    RelapsingRemitting,
    SecondaryProgressive,
    PrimaryProgressive,
}

/// <summary>What a non-responder got next.</summary>
public enum SynthEscalation
{
    None,
    PlasmaExchange,
    Immunoadsorption,
    EscalatedSteroids,
}

/// <summary>How a patient's record was deliberately spoiled (for the tests and the screen's error counts).</summary>
public enum SynthDefect
{
    None,

    /// <summary>A recent hematocrit written as a fraction (0.41) with unit % (R0: fraction where percent is expected).</summary>
    HematocritFractionAsPercent,

    /// <summary>An EDSS total of 0.5, which is not a Kurtzke step (R0).</summary>
    ImpossibleEdss,

    /// <summary>An EDSS assessment dated 30 February (the reader refuses the date).</summary>
    InvalidDate,
}

/// <summary>
/// One simulated attack, as the generator planned it (some of it may lie after as-of, or after death, and not be
/// written). <see cref="Settled"/> is the date of its last review; the next attack begins after it.
/// </summary>
public sealed record SynthAttack(
    DateOnly Onset,
    int Severity,
    bool Pseudo,
    double EdssBefore,
    double EdssNadir,
    bool SteroidTreated,
    bool? SteroidResponded,
    SynthEscalation Escalation,
    DateOnly? EscalationReviewDate,
    DateOnly? ApheresisStart,
    bool? ApheresisResponded,
    DateOnly Settled);

/// <summary>What the generator decided for one patient: the ground truth the distribution tests check.</summary>
public sealed record PatientSummary(
    long Index,
    string Id,
    bool Female,
    int AgeYears,
    SynthCourse Course,
    bool Deceased,
    bool Aqp4Positive,
    bool MogPositive,
    bool Pregnant,
    bool Natalizumab,
    bool AceInhibitor,
    bool Diabetes,
    bool EnteredInError,
    SynthDefect Defect,
    bool MalformedLine,
    IReadOnlyList<SynthAttack> Attacks,
    double WeightKg,
    DateOnly DiagnosisDate,
    DateOnly? DeathDate,
    DateOnly? GaveBirth = null,
    bool Breastfeeding = false);
