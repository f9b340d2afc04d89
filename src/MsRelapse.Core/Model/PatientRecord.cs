using System.Collections.Immutable;

namespace MsRelapse.Core.Model;

/// <summary>
/// One patient's clinical record as the pathway reads it: independent of FHIR, immutable, every quantity in an
/// explicit unit. Adapters (FHIR, storage) build it; the engine never sees where it came from except through
/// <see cref="SourceRef"/>s.
/// </summary>
/// <remarks>
/// The record holds everything that was read, whatever its date: the engine applies <c>asOf</c> (facts dated
/// after it are not yet known) and the recency windows of clinical.md, so any past date can be replayed.
/// </remarks>
public sealed record PatientRecord
{
    /// <summary>The patient's id in the source system (used only to label output; never logged).</summary>
    public string? PatientId { get; init; }

    /// <summary>Birth date; null when the record does not give it.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>Administrative sex as recorded.</summary>
    public Sex Sex { get; init; } = Sex.Unknown;

    /// <summary>Deceased as a plain yes (FHIR <c>deceasedBoolean</c> true).</summary>
    public bool DeceasedFlag { get; init; }

    /// <summary>Date of death when recorded (FHIR <c>deceasedDateTime</c>).</summary>
    public DateOnly? DeceasedOn { get; init; }

    /// <summary>MS diagnoses, each with the course its code names.</summary>
    public ImmutableArray<MsDiagnosis> MsDiagnoses { get; init; } = [];

    /// <summary>Relapse (exacerbation) records.</summary>
    public ImmutableArray<RelapseRecord> Relapses { get; init; } = [];

    /// <summary>EDSS assessments: a recorded total and/or the raw functional systems.</summary>
    public ImmutableArray<EdssAssessment> EdssAssessments { get; init; } = [];

    /// <summary>Numeric observations converted to canonical units (see <see cref="MeasurementKind"/>).</summary>
    public ImmutableArray<Measurement> Measurements { get; init; } = [];

    /// <summary>Qualitative findings: urine nitrite, antibodies, pregnancy and breastfeeding observations.</summary>
    public ImmutableArray<Finding> Findings { get; init; } = [];

    /// <summary>Conditions that the pathway reads besides MS and relapses.</summary>
    public ImmutableArray<ConditionFact> Conditions { get; init; } = [];

    /// <summary>Allergies the pathway cares about (steroids, albumin).</summary>
    public ImmutableArray<AllergyFact> Allergies { get; init; } = [];

    /// <summary>Glucocorticoid doses given, one per day per source (administrations, or orders expanded per day).</summary>
    public ImmutableArray<SteroidDose> SteroidDoses { get; init; } = [];

    /// <summary>Other medications (disease-modifying therapies, ACE inhibitors, anticoagulants, NSAIDs).</summary>
    public ImmutableArray<MedicationFact> Medications { get; init; } = [];

    /// <summary>Completed apheresis sessions (plasma exchange and immunoadsorption).</summary>
    public ImmutableArray<ApheresisSession> ApheresisSessions { get; init; } = [];

    /// <summary>
    /// Resources that belong to another patient than <see cref="PatientId"/> (R0 rejects the input with
    /// <c>multiple-patients</c>, naming each). Adapters fill it; empty for a one-patient record.
    /// </summary>
    public ImmutableArray<SourceRef> ForeignSubjects { get; init; } = [];

    /// <summary>Notes the adapter made while reading (e.g. a medication recognised by name, a dose read as mg).</summary>
    public ImmutableArray<string> ReadingNotes { get; init; } = [];

    /// <summary>
    /// Medication resources (administrations, orders, statements) that name their drug by reference to a Medication
    /// the record does not hold, neither contained nor among its resources: what they gave is at most what the
    /// reference's display says. A Bulk Data <c>Patient/$export</c> often leaves Medication out (it is not in the
    /// Patient compartment), and then steroid courses go uncounted without a word in the recommendation; hosts count
    /// these (a screen reports them). Adapters fill it; empty when every reference resolved.
    /// </summary>
    public ImmutableArray<UnresolvedMedication> UnresolvedMedications { get; init; } = [];
}

/// <summary>A medication resource whose drug is a reference to a Medication the record does not hold.</summary>
/// <param name="Reference">The reference as written (e.g. <c>Medication/e4411</c>).</param>
/// <param name="MayBeSteroidCourse">
/// An administration given, or an order given (intent order, status active or completed), whose drug nothing else
/// identifies (no drug the reader knows in the reference's display): it may have been a relapse steroid course that is
/// not counted. A statement never is (courses count from administrations and orders only), nor a drug the display names.
/// </param>
/// <param name="Source">The medication resource.</param>
public sealed record UnresolvedMedication(string Reference, bool MayBeSteroidCourse, SourceRef Source);

/// <summary>Administrative sex (FHIR AdministrativeGender).</summary>
public enum Sex
{
    /// <summary>Not recorded.</summary>
    Unknown,

    /// <summary>Male.</summary>
    Male,

    /// <summary>Female.</summary>
    Female,

    /// <summary>Other.</summary>
    Other,
}

/// <summary>The MS course a diagnosis code names.</summary>
public enum MsCourse
{
    /// <summary>MS without a stated course (SNOMED 24700007, ICD-10 G35).</summary>
    Unspecified,

    /// <summary>Relapsing-remitting MS.</summary>
    RelapsingRemitting,

    /// <summary>Secondary progressive MS.</summary>
    SecondaryProgressive,

    /// <summary>Primary progressive MS.</summary>
    PrimaryProgressive,
}

/// <summary>An MS diagnosis.</summary>
/// <param name="Course">The course its code names.</param>
/// <param name="Recorded">Onset or recorded date, when given.</param>
/// <param name="Active">Whether the condition is active (clinicalStatus active/recurrence/relapse, or absent without abatement).</param>
/// <param name="Source">Where it came from.</param>
public sealed record MsDiagnosis(MsCourse Course, ClinicalTime? Recorded, bool Active, SourceRef Source)
{
    /// <summary>
    /// The condition's onset only (never its recorded date), or null: the apheresis response factor
    /// <c>disease-duration</c> counts from the onset, and "no onset → unknown" (clinical.md 2026.2).
    /// </summary>
    public ClinicalTime? Onset { get; init; }
}

/// <summary>A relapse (exacerbation of MS) record.</summary>
/// <param name="Onset">Onset (<c>onsetDateTime</c>, else <c>onsetPeriod.start</c>); null when the record has none (R1: ignored, missing data <c>relapse-onset</c>).</param>
/// <param name="Abatement">When symptoms resolved (<c>abatementDateTime</c>), if recorded.</param>
/// <param name="ResolvedWithoutDate">clinicalStatus resolved, inactive or remission with no abatement date (R1: resolved at an unknown date, ≥ 24 h).</param>
/// <param name="Source">Where it came from.</param>
public sealed record RelapseRecord(ClinicalTime? Onset, ClinicalTime? Abatement, bool ResolvedWithoutDate, SourceRef Source)
{
    /// <summary>clinicalStatus <c>recurrence</c> or <c>relapse</c>: R2.2a never ages such a record out (2026.2).</summary>
    public bool MarkedRecurrence { get; init; }
}

/// <summary>One EDSS assessment, as recorded: a total, raw functional systems, or both. Values are raw (R0 judges them).</summary>
/// <param name="When">Effective date (and time).</param>
/// <param name="RecordedTotal">The EDSS total as recorded (valueQuantity), if any.</param>
/// <param name="FunctionalSystems">The raw functional-system and ambulation scores that were recorded.</param>
/// <param name="Source">Where it came from.</param>
public sealed record EdssAssessment(ClinicalTime When, double? RecordedTotal, RawFunctionalSystems FunctionalSystems, SourceRef Source);

/// <summary>
/// Raw Kurtzke functional-system scores and the Neurostatus ambulation score as recorded (visual and
/// bowel-bladder unconverted). Any may be missing; non-integers and out-of-range values are kept so that R0 can
/// name them.
/// </summary>
public sealed record RawFunctionalSystems(
    double? Visual = null,
    double? Brainstem = null,
    double? Pyramidal = null,
    double? Cerebellar = null,
    double? Sensory = null,
    double? BowelBladder = null,
    double? Cerebral = null,
    double? Ambulation = null)
{
    /// <summary>No scores recorded.</summary>
    public static RawFunctionalSystems Empty { get; } = new();

    /// <summary>True when all seven systems and the ambulation score are present.</summary>
    public bool IsComplete =>
        Visual.HasValue && Brainstem.HasValue && Pyramidal.HasValue && Cerebellar.HasValue &&
        Sensory.HasValue && BowelBladder.HasValue && Cerebral.HasValue && Ambulation.HasValue;

    /// <summary>True when no score is present.</summary>
    public bool IsEmpty =>
        !(Visual.HasValue || Brainstem.HasValue || Pyramidal.HasValue || Cerebellar.HasValue ||
          Sensory.HasValue || BowelBladder.HasValue || Cerebral.HasValue || Ambulation.HasValue);
}

/// <summary>Numeric observations the pathway reads, each with its canonical unit.</summary>
public enum MeasurementKind
{
    /// <summary>Body weight, kg.</summary>
    WeightKg,

    /// <summary>Body height, cm.</summary>
    HeightCm,

    /// <summary>Hematocrit, % (a fraction with UCUM <c>1</c> or <c>L/L</c> is converted ×100 by the adapter).</summary>
    HematocritPercent,

    /// <summary>Body temperature, °C.</summary>
    TemperatureCelsius,

    /// <summary>Systolic blood pressure, mmHg.</summary>
    SystolicMmHg,

    /// <summary>Total calcium, mg/dL (mmol/L × 4.008).</summary>
    CalciumMgPerDl,

    /// <summary>Fibrinogen, mg/dL (g/L × 100).</summary>
    FibrinogenMgPerDl,

    /// <summary>IgG, mg/dL (g/L × 100).</summary>
    IgGMgPerDl,

    /// <summary>HbA1c, %.</summary>
    HbA1cPercent,
}

/// <summary>
/// A numeric observation in the canonical unit of its <see cref="Kind"/>. When the source unit was unknown or
/// missing, <see cref="UnitProblem"/> says so and <see cref="Value"/> is the raw number: R0 rejects it if the
/// value falls within its recency window.
/// </summary>
/// <param name="Kind">What was measured (names the canonical unit).</param>
/// <param name="When">Effective date (and time).</param>
/// <param name="Value">The value in the canonical unit (raw when <paramref name="UnitProblem"/> is set).</param>
/// <param name="SourceUnit">The unit as written (UCUM code, else the free unit), for messages.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="UnitProblem">Why the unit could not be used, if it could not.</param>
public sealed record Measurement(MeasurementKind Kind, ClinicalTime When, double Value, string? SourceUnit, SourceRef Source, string? UnitProblem = null);

/// <summary>Qualitative findings.</summary>
public enum FindingKind
{
    /// <summary>Urine nitrite (LOINC 5802-4).</summary>
    UrineNitrite,

    /// <summary>AQP4-IgG.</summary>
    Aqp4IgG,

    /// <summary>MOG-IgG.</summary>
    MogIgG,

    /// <summary>Pregnancy observed (LOINC 82810-3 with SNOMED 77386006).</summary>
    Pregnancy,

    /// <summary>Breastfeeding observed.</summary>
    Breastfeeding,

    /// <summary>Gadolinium-enhancing lesions on an MRI (2026.2, <c>MSR#gd-enhancing-lesions</c>): positive = present; dated by the MRI.</summary>
    GadoliniumEnhancingLesions,

    /// <summary>Deep tendon reflexes examined (2026.2, <c>MSR#deep-tendon-reflexes</c>): positive = preserved, negative = lost.</summary>
    DeepTendonReflexes,
}

/// <summary>A qualitative finding (positive or not) at a date.</summary>
public sealed record Finding(FindingKind Kind, ClinicalTime When, bool Positive, SourceRef Source);

/// <summary>Conditions the pathway reads besides MS and relapses.</summary>
public enum ConditionKind
{
    /// <summary>An infection (sepsis is an infection with <see cref="ConditionFact.IsSepsis"/>).</summary>
    Infection,

    /// <summary>Fever as a condition (SNOMED 386661006), dated by its onset.</summary>
    Fever,

    /// <summary>Diabetes mellitus.</summary>
    Diabetes,

    /// <summary>Psychotic or bipolar disorder (counts whatever its status).</summary>
    PsychiatricHistory,

    /// <summary>Peptic ulcer.</summary>
    PepticUlcer,

    /// <summary>Neuromyelitis optica spectrum disorder.</summary>
    Nmosd,

    /// <summary>Pregnancy recorded as a condition.</summary>
    Pregnancy,
}

/// <summary>A condition the pathway reads.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Onset">Onset, when recorded (infections without one raise missing data <c>infection-date</c>).</param>
/// <param name="Abatement">Abatement, when recorded.</param>
/// <param name="Active">clinicalStatus active/recurrence/relapse, or absent with no abatement.</param>
/// <param name="IsSepsis">For infections: sepsis (SNOMED 91302008, ICD-10 A40–A41, or the word "sepsis").</param>
/// <param name="MatchedByName">Recognised by a word in its text rather than by a code.</param>
/// <param name="Source">Where it came from.</param>
public sealed record ConditionFact(ConditionKind Kind, ClinicalTime? Onset, ClinicalTime? Abatement, bool Active, bool IsSepsis, bool MatchedByName, SourceRef Source);

/// <summary>Allergies the pathway reads.</summary>
public enum AllergyKind
{
    /// <summary>Methylprednisolone, prednisone or prednisolone.</summary>
    Steroid,

    /// <summary>Human albumin (replacement fluid of plasma exchange).</summary>
    Albumin,
}

/// <summary>An allergy.</summary>
/// <param name="Kind">To what.</param>
/// <param name="Active">clinicalStatus active (or absent).</param>
/// <param name="Substance">The substance as named, for messages.</param>
/// <param name="Source">Where it came from.</param>
public sealed record AllergyFact(AllergyKind Kind, bool Active, string Substance, SourceRef Source);

/// <summary>Glucocorticoids the pathway counts as relapse treatment.</summary>
public enum SteroidDrug
{
    /// <summary>Methylprednisolone.</summary>
    Methylprednisolone,

    /// <summary>Prednisone.</summary>
    Prednisone,

    /// <summary>Prednisolone.</summary>
    Prednisolone,
}

/// <summary>Route of a steroid dose.</summary>
public enum DoseRoute
{
    /// <summary>Not recorded.</summary>
    Unknown,

    /// <summary>By mouth.</summary>
    Oral,

    /// <summary>Intravenous.</summary>
    Intravenous,
}

/// <summary>One day's dose of a glucocorticoid.</summary>
/// <param name="Drug">Which steroid.</param>
/// <param name="Day">The day it was given (for orders: each planned day; only days ≤ asOf count).</param>
/// <param name="DoseMg">The dose in mg; null when no dose was recorded.</param>
/// <param name="Route">Route.</param>
/// <param name="UnitAssumedMg">The dose carried no unit and was read as mg (the rationale says so, R0).</param>
/// <param name="Source">Where it came from.</param>
public sealed record SteroidDose(SteroidDrug Drug, DateOnly Day, double? DoseMg, DoseRoute Route, bool UnitAssumedMg, SourceRef Source)
{
    /// <summary>
    /// Set when the dose carried a unit that is neither mg nor g: <see cref="DoseMg"/> is then null and this says
    /// why (R0: an unknown unit on a value the engine uses).
    /// </summary>
    public string? UnitProblem { get; init; }
}

/// <summary>Medication classes the pathway reads besides relapse steroids.</summary>
public enum MedicationClass
{
    /// <summary>Natalizumab (PML risk; harmful in NMOSD).</summary>
    Natalizumab,

    /// <summary>Interferon beta (harmful in NMOSD).</summary>
    InterferonBeta,

    /// <summary>Another MS disease-modifying therapy.</summary>
    OtherDiseaseModifying,

    /// <summary>ACE inhibitor.</summary>
    AceInhibitor,

    /// <summary>Anticoagulant.</summary>
    Anticoagulant,

    /// <summary>Non-steroidal anti-inflammatory drug.</summary>
    Nsaid,
}

/// <summary>Status of a medication statement or request.</summary>
public enum MedicationStatus
{
    /// <summary>Active.</summary>
    Active,

    /// <summary>Completed.</summary>
    Completed,

    /// <summary>Stopped, cancelled, on hold, or anything else that is not active.</summary>
    Inactive,
}

/// <summary>A medication that is not relapse treatment (DMT, ACE inhibitor, anticoagulant, NSAID).</summary>
/// <param name="Class">What it is.</param>
/// <param name="Name">The ingredient as recognised, for messages (e.g. "ramipril").</param>
/// <param name="Status">Status as recorded.</param>
/// <param name="EffectiveStart">Start of the effective period, when recorded.</param>
/// <param name="EffectiveEnd">End of the effective period, when recorded.</param>
/// <param name="MatchedByName">Recognised by name rather than code (the flag's message says so).</param>
/// <param name="Source">Where it came from.</param>
public sealed record MedicationFact(MedicationClass Class, string Name, MedicationStatus Status, DateOnly? EffectiveStart, DateOnly? EffectiveEnd, bool MatchedByName, SourceRef Source)
{
    /// <summary>
    /// Active at <paramref name="asOf"/>: status active (and started by then), or completed with an effective
    /// period covering it (fhir-profile.md).
    /// </summary>
    public bool IsActiveOn(DateOnly asOf) => Status switch
    {
        MedicationStatus.Active => EffectiveStart is null || EffectiveStart <= asOf,
        MedicationStatus.Completed => EffectiveStart is { } s && s <= asOf && (EffectiveEnd is null || EffectiveEnd >= asOf),
        _ => false,
    };
}

/// <summary>Apheresis procedures.</summary>
public enum ApheresisKind
{
    /// <summary>Therapeutic plasma exchange.</summary>
    PlasmaExchange,

    /// <summary>Immunoadsorption.</summary>
    Immunoadsorption,
}

/// <summary>A completed apheresis session.</summary>
public sealed record ApheresisSession(ApheresisKind Kind, ClinicalTime When, SourceRef Source);
