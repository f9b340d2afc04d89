using System.Collections.Immutable;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// What the pathway concludes for one patient at one <see cref="AsOf"/> date: the contract of
/// recommendation.schema.json, plus the rules that fired and the data they used, so that a clinician can check
/// the basis of every recommendation without trusting the software. Immutable; serialised by
/// <see cref="Contract.RecommendationJson"/>.
/// </summary>
public sealed record Recommendation
{
    /// <summary>Engine and knowledge-base versions.</summary>
    public required EngineInfo Engine { get; init; }

    /// <summary>The evaluation date (an input, never the clock).</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>Who (id only as a label; age and sex).</summary>
    public required PatientSummary Patient { get; init; }

    /// <summary>The episode: status, onset, severity, EDSS course, treatment stage and responses.</summary>
    public required Episode Episode { get; init; }

    /// <summary>The recommendation proper: primary action, urgency, concurrent, alternatives, not recommended.</summary>
    public required Advice Advice { get; init; }

    /// <summary>Plans for the steroid course, plasma exchange and immunoadsorption, where applicable.</summary>
    public required TreatmentPlan Plan { get; init; }

    /// <summary>Flags, in the order of <see cref="FlagCode"/>.</summary>
    public required ImmutableArray<Flag> Flags { get; init; }

    /// <summary>Why, rule by rule, in the order the rules fired.</summary>
    public required ImmutableArray<RationaleEntry> Rationale { get; init; }

    /// <summary>Data the pathway needed and did not find, in the order of <see cref="MissingItem"/>.</summary>
    public required ImmutableArray<MissingData> MissingData { get; init; }

    /// <summary>Every evidence entry cited anywhere in this result, sorted by id.</summary>
    public required ImmutableArray<EvidenceEntry> Evidence { get; init; }

    /// <summary>Rule ids that fired, in order (e.g. R1, R2.6, R4, R5, R9).</summary>
    public required ImmutableArray<string> FiredRules { get; init; }

    /// <summary>The facts the rules used (kind, value, date, source resource).</summary>
    public required ImmutableArray<DataUsed> DataUsed { get; init; }

    /// <summary>
    /// 2026.2: the published predictors of response to apheresis as found in this record, in the order of
    /// clinical.md's table; present (seven) exactly when an apheresis plan is present and neither NMOSD nor MOGAD is
    /// suspected, else empty. Informational: they never change an action, an urgency or a flag, and are never summed.
    /// </summary>
    public ImmutableArray<ApheresisResponseFactor> ApheresisResponseFactors { get; init; } = [];

    /// <summary>
    /// What the adapter noted while reading the record (<see cref="PatientRecord.ReadingNotes"/>): a medication
    /// recognised by its name only, a dose without a unit read as mg, a resource left unused and why. Sorted, so that the
    /// order of the input's resources does not change the answer; empty when there is nothing to say. Informational:
    /// they change no action, urgency or flag; they say how the data used were read.
    /// </summary>
    public ImmutableArray<string> ReadingNotes { get; init; } = [];
}

/// <summary>One apheresis response factor (clinical.md, "Apheresis response factors").</summary>
/// <param name="Factor">Which factor.</param>
/// <param name="Number">The value when it is a number (days, years, EDSS); null otherwise.</param>
/// <param name="Word">The value when it is a word (relapsing/progressive, present/absent, preserved/lost); null otherwise.</param>
/// <param name="Unit">The unit of <paramref name="Number"/> (days, years), if any.</param>
/// <param name="Favours">Which way the value points.</param>
/// <param name="Effect">The published effect, in words.</param>
/// <param name="Contested">Whether studies disagree.</param>
/// <param name="Missing">What to record to know it, when the value is unknown.</param>
/// <param name="Evidence">Evidence ids.</param>
/// <param name="Source">The record element the value came from, when it came from one.</param>
public sealed record ApheresisResponseFactor(
    ResponseFactor Factor,
    double? Number,
    string? Word,
    string? Unit,
    Favours Favours,
    string Effect,
    bool Contested,
    string? Missing,
    ImmutableArray<string> Evidence,
    SourceRef? Source);

/// <summary>Engine identification.</summary>
/// <param name="Version">Engine (assembly) version.</param>
/// <param name="KnowledgeBase">Knowledge-base version, e.g. "2026.1".</param>
public sealed record EngineInfo(string Version, string KnowledgeBase);

/// <summary>The patient, as far as the output needs.</summary>
/// <param name="Id">The source id (a label; never logged).</param>
/// <param name="AgeYears">Completed years at asOf; null without a birth date.</param>
/// <param name="Sex">Administrative sex.</param>
public sealed record PatientSummary(string? Id, int? AgeYears, Sex Sex);

/// <summary>EDSS values of the attack (R4), each the chosen EDSS of its date.</summary>
/// <param name="Baseline">Latest usable EDSS before onset (R4), or null.</param>
/// <param name="Nadir">Highest EDSS from onset to asOf, or null.</param>
/// <param name="Latest">Latest EDSS from onset to asOf, or null.</param>
/// <param name="Rise">Nadir − baseline, or null.</param>
/// <param name="AtSteroidEnd">Latest EDSS from onset to the end of the last steroid course (outcome tracking).</param>
/// <param name="AtApheresisEnd">Latest EDSS from onset to the last apheresis session (outcome tracking).</param>
public sealed record EdssCourse(double? Baseline, double? Nadir, double? Latest, double? Rise, double? AtSteroidEnd = null, double? AtApheresisEnd = null)
{
    /// <summary>No EDSS at all.</summary>
    public static EdssCourse Empty { get; } = new(null, null, null, null);
}

/// <summary>The episode under evaluation.</summary>
public sealed record Episode
{
    /// <summary>R2 status.</summary>
    public required EpisodeStatus Status { get; init; }

    /// <summary>Onset date of the attack (or of the transient record under R2.1); null without one.</summary>
    public DateOnly? Onset { get; init; }

    /// <summary>Days from onset to asOf.</summary>
    public int? DaysSinceOnset { get; init; }

    /// <summary>R4 severity (<c>not-applicable</c> for no-episode and not-a-relapse).</summary>
    public required AttackSeverity Severity { get; init; }

    /// <summary>Baseline, nadir, latest and rise.</summary>
    public required EdssCourse Edss { get; init; }

    /// <summary>Treatment stage.</summary>
    public required TreatmentStage TreatmentStage { get; init; }

    /// <summary>Response to steroids.</summary>
    public required ResponseStatus SteroidResponse { get; init; }

    /// <summary>Response to apheresis.</summary>
    public required ResponseStatus ApheresisResponse { get; init; }

    /// <summary>Recovery class at the latest point (section "Recovery").</summary>
    public required RecoveryClass RecoveryClass { get; init; }

    /// <summary>The attack's EDSS milestones for outcome tracking (section "Recovery"); null without an attack.</summary>
    public RecoveryCourse? Recovery { get; init; }
}

/// <summary>One EDSS point of the recovery course.</summary>
/// <param name="Date">Date of the assessment.</param>
/// <param name="Edss">The chosen EDSS of that date.</param>
/// <param name="DaysFromOnset">Days from the attack's onset (negative before it).</param>
public sealed record RecoveryPoint(DateOnly Date, double Edss, int DaysFromOnset);

/// <summary>
/// Section "Recovery": per attack, baseline, nadir, and EDSS at the end of steroids, the end of apheresis, 1, 3 and
/// 6 months after onset, and the latest point (which <see cref="Episode.RecoveryClass"/> judges). A milestone not yet
/// reached, or without an assessment in its window, is null (never carried forward). See docs/pathway.md.
/// </summary>
/// <param name="Baseline">R4 baseline.</param>
/// <param name="Nadir">Highest EDSS from onset to asOf.</param>
/// <param name="SteroidEnd">Latest EDSS from onset to the end of the last steroid course of the attack.</param>
/// <param name="ApheresisEnd">Latest EDSS from onset to the last apheresis session of the attack.</param>
/// <param name="Month1">Latest EDSS from onset + 1 to onset + 30 days, once onset + 30 ≤ asOf.</param>
/// <param name="Month3">Latest EDSS from onset + 31 to onset + 91 days, once onset + 91 ≤ asOf.</param>
/// <param name="Month6">Latest EDSS from onset + 92 to onset + 182 days, once onset + 182 ≤ asOf.</param>
/// <param name="Latest">Latest EDSS from onset to asOf (the point the recovery class judges).</param>
public sealed record RecoveryCourse(
    RecoveryPoint? Baseline,
    RecoveryPoint? Nadir,
    RecoveryPoint? SteroidEnd,
    RecoveryPoint? ApheresisEnd,
    RecoveryPoint? Month1,
    RecoveryPoint? Month3,
    RecoveryPoint? Month6,
    RecoveryPoint? Latest);

/// <summary>The recommendation proper. Primary, concurrent, alternatives and not-recommended are disjoint.</summary>
public sealed record Advice
{
    /// <summary>The one thing to do now.</summary>
    public required ActionCode Primary { get; init; }

    /// <summary>How soon.</summary>
    public required Urgency Urgency { get; init; }

    /// <summary>Actions to do alongside the primary.</summary>
    public required ImmutableArray<ActionCode> Concurrent { get; init; }

    /// <summary>When to look again, if the rules say.</summary>
    public DateOnly? ReassessOn { get; init; }

    /// <summary>
    /// The rule that chose <see cref="Primary"/> (the last to set it: a modifier such as R8.1 that displaced the first
    /// choice names itself); its rationale entry says why. Added member of the JSON (<c>primaryRule</c>), so that a
    /// reader shows the reason for the action without guessing it from the order of the rules.
    /// </summary>
    public required string PrimaryRule { get; init; }

    /// <summary>Alternatives, each with its condition.</summary>
    public required ImmutableArray<ActionWithReason> Alternatives { get; init; }

    /// <summary>Actions explicitly not recommended, with the reason.</summary>
    public required ImmutableArray<ActionWithReason> NotRecommended { get; init; }
}

/// <summary>An action with the reason for its place (alternative or not recommended).</summary>
/// <param name="Action">The action.</param>
/// <param name="Reason">Plain clinical English.</param>
/// <param name="Evidence">Evidence ids.</param>
public sealed record ActionWithReason(ActionCode Action, string Reason, ImmutableArray<string> Evidence);

/// <summary>A flag.</summary>
/// <param name="Code">Stable code.</param>
/// <param name="Severity">info, warning or critical.</param>
/// <param name="Message">Plain clinical English; never patient identifiers or free text.</param>
/// <param name="Evidence">Evidence ids.</param>
public sealed record Flag(FlagCode Code, FlagSeverity Severity, string Message, ImmutableArray<string> Evidence);

/// <summary>One line of rationale.</summary>
/// <param name="Rule">Rule id (R…).</param>
/// <param name="Text">Plain clinical English.</param>
/// <param name="Evidence">Evidence ids.</param>
public sealed record RationaleEntry(string Rule, string Text, ImmutableArray<string> Evidence);

/// <summary>A missing datum and what it was needed for.</summary>
/// <param name="Item">What is missing.</param>
/// <param name="NeededFor">What it would have decided.</param>
/// <param name="Blocking">Whether its absence blocks a dose, a volume or a response judgement (flag becomes a warning).</param>
public sealed record MissingData(MissingItem Item, string NeededFor, bool Blocking);

/// <summary>An evidence entry as cited in a result.</summary>
/// <param name="Id">E-… id.</param>
/// <param name="Citation">Citation.</param>
/// <param name="Grade">GRADE/ASFA/AAN level where the knowledge base gives one, else "not graded".</param>
public sealed record EvidenceEntry(string Id, string Citation, string Grade);

/// <summary>A fact a rule used.</summary>
/// <param name="Item">What it is (e.g. "edss", "weight-kg").</param>
/// <param name="Value">Its value as text (invariant culture).</param>
/// <param name="Date">Its date.</param>
/// <param name="Source">Resource reference (never a patient name).</param>
/// <param name="UsedBy">The rule id that used it.</param>
public sealed record DataUsed(string Item, string Value, DateOnly? Date, string Source, string UsedBy);

/// <summary>The plans (null where not applicable).</summary>
/// <param name="Steroids">Steroid course planned now (primary or concurrent steroid).</param>
/// <param name="PlasmaExchange">Plasma exchange plan (whenever plasma exchange is primary, concurrent or an alternative).</param>
/// <param name="Immunoadsorption">Immunoadsorption plan (whenever immunoadsorption is primary, concurrent or an alternative).</param>
public sealed record TreatmentPlan(SteroidPlan? Steroids, TpePlan? PlasmaExchange, IaPlan? Immunoadsorption)
{
    /// <summary>No plan.</summary>
    public static TreatmentPlan None { get; } = new(null, null, null);
}

/// <summary>A planned steroid course (section "Steroid plan").</summary>
public sealed record SteroidPlan
{
    /// <summary>Drug name ("methylprednisolone").</summary>
    public required string Drug { get; init; }

    /// <summary>Which action this plan is for.</summary>
    public required ActionCode Action { get; init; }

    /// <summary>Route.</summary>
    public required PlannedRoute Route { get; init; }

    /// <summary>Dose, mg/day; null for a child without a recent weight.</summary>
    public double? DoseMgPerDay { get; init; }

    /// <summary>Dose, mg/kg/day (children only).</summary>
    public double? DoseMgPerKgPerDay { get; init; }

    /// <summary>Days.</summary>
    public required int Days { get; init; }

    /// <summary>Total dose, mg (null without a mg dose).</summary>
    public double? TotalDoseMg { get; init; }

    /// <summary>Prednisone equivalent of the total (methylprednisolone 4 mg = prednisone 5 mg).</summary>
    public double? PrednisoneEquivalentMg { get; init; }

    /// <summary>First day (asOf).</summary>
    public required DateOnly StartDate { get; init; }

    /// <summary>Planned last day.</summary>
    public required DateOnly EndDate { get; init; }

    /// <summary>Planned end + 10 days (E-STOPPE-2017).</summary>
    public required DateOnly ReassessOn { get; init; }

    /// <summary>Infusion time for IV (≥ 30–60 min); null for oral.</summary>
    public string? Infusion { get; init; }

    /// <summary>Only after MRI has excluded PML (pml-risk).</summary>
    public required bool AfterMriExcludesPml { get; init; }

    /// <summary>Monitoring.</summary>
    public required ImmutableArray<string> Monitoring { get; init; }

    /// <summary>Slow oral taper (NMOSD/MOGAD only), else null.</summary>
    public string? Taper { get; init; }

    /// <summary>Notes (equivalent regimen, pregnancy, breastfeeding, dose read as mg…).</summary>
    public required ImmutableArray<string> Notes { get; init; }

    /// <summary>Evidence ids behind this plan's regimen or formulas (also cited in the rationale).</summary>
    public ImmutableArray<string> Evidence { get; init; } = [];
}

/// <summary>One scheduled apheresis session.</summary>
/// <param name="Session">1-based number.</param>
/// <param name="Date">Date.</param>
/// <param name="Done">Already given.</param>
/// <param name="Kind">2026.2: for a session given, which apheresis it was (<see cref="ActionCode.PlasmaExchange"/> or
/// <see cref="ActionCode.Immunoadsorption"/>: sessions of both kinds count together, R7); null for a planned session.</param>
public sealed record PlannedSession(int Session, DateOnly Date, bool Done, ActionCode? Kind = null);

/// <summary>Predicted IgG after a session (two-compartment model, E-REVERBERI-2007).</summary>
/// <param name="Session">Session number.</param>
/// <param name="PlasmaFractionAfter">Plasma IgG right after the exchange, fraction of its pre-exchange value.</param>
/// <param name="TotalBodyFractionAfter">Total-body IgG left after this many sessions.</param>
public sealed record PredictedIgG(int Session, double PlasmaFractionAfter, double TotalBodyFractionAfter);

/// <summary>A plasma exchange plan (section "Plasma exchange plan").</summary>
public sealed record TpePlan
{
    /// <summary>"nadler" or "weight-based" (under 25 kg); null without volumes.</summary>
    public string? Method { get; init; }

    /// <summary>Total blood volume, mL.</summary>
    public double? TotalBloodVolumeMl { get; init; }

    /// <summary>Plasma volume, mL.</summary>
    public double? PlasmaVolumeMl { get; init; }

    /// <summary>Kaplan cross-check, mL.</summary>
    public double? KaplanPlasmaVolumeMl { get; init; }

    /// <summary>Plasma volumes per exchange (1.0–1.5).</summary>
    public required double PlasmaVolumesPerExchange { get; init; }

    /// <summary>Exchange volume, mL.</summary>
    public double? ExchangeVolumeMl { get; init; }

    /// <summary>e^(−n).</summary>
    public required double FractionRemainingPerExchange { get; init; }

    /// <summary>Number of exchanges (5).</summary>
    public required int Exchanges { get; init; }

    /// <summary>Schedule; sessions already given are marked done.</summary>
    public required ImmutableArray<PlannedSession> Schedule { get; init; }

    /// <summary>The course's first session: the first given one for a course in progress (2026.2), else the first planned.</summary>
    public DateOnly? StartDate { get; init; }

    /// <summary>2026.2: one line, "session K of N on DATE" (K the next session), then the remaining ones.</summary>
    public string? Summary { get; init; }

    /// <summary>2026.2: the course's last session (the last remaining one of a course in progress).</summary>
    public DateOnly? CourseEndsOn { get; init; }

    /// <summary>2026.2: <see cref="CourseEndsOn"/> + 28 days (late responders, E-LLUFRIU-2009).</summary>
    public DateOnly? LateReassessOn { get; init; }

    /// <summary>"5% human albumin".</summary>
    public required string ReplacementFluid { get; init; }

    /// <summary>Albumin per exchange, g.</summary>
    public double? AlbuminGramsPerExchange { get; init; }

    /// <summary>12.5 g vials per exchange, rounded up.</summary>
    public int? AlbuminVialsPerExchange { get; init; }

    /// <summary>Predicted IgG per session.</summary>
    public required ImmutableArray<PredictedIgG> PredictedIgG { get; init; }

    /// <summary>Monitoring.</summary>
    public required ImmutableArray<string> Monitoring { get; init; }

    /// <summary>Notes (missing data, ACE inhibitor hold, paediatric circuit…).</summary>
    public required ImmutableArray<string> Notes { get; init; }

    /// <summary>Evidence ids behind this plan's regimen or formulas (also cited in the rationale).</summary>
    public ImmutableArray<string> Evidence { get; init; } = [];
}

/// <summary>An immunoadsorption plan (section "Immunoadsorption plan").</summary>
public sealed record IaPlan
{
    /// <summary>Sessions (5).</summary>
    public required int Sessions { get; init; }

    /// <summary>Schedule; sessions already given are marked done.</summary>
    public required ImmutableArray<PlannedSession> Schedule { get; init; }

    /// <summary>The course's first session: the first given one for a course in progress (2026.2), else the first planned.</summary>
    public DateOnly? StartDate { get; init; }

    /// <summary>2026.2: one line, "session K of N on DATE" (K the next session), then the remaining ones.</summary>
    public string? Summary { get; init; }

    /// <summary>2026.2: the course's last session (the last remaining one of a course in progress).</summary>
    public DateOnly? CourseEndsOn { get; init; }

    /// <summary>2026.2: <see cref="CourseEndsOn"/> + 28 days (late responders, E-LLUFRIU-2009).</summary>
    public DateOnly? LateReassessOn { get; init; }

    /// <summary>Processed plasma volume per session (set by the apheresis unit).</summary>
    public required string ProcessedPlasmaVolumesPerSession { get; init; }

    /// <summary>Monitoring.</summary>
    public required ImmutableArray<string> Monitoring { get; init; }

    /// <summary>Evidence ids behind this plan's regimen or formulas (also cited in the rationale).</summary>
    public ImmutableArray<string> Evidence { get; init; } = [];
}

/// <summary>The outcome of <see cref="PathwayEngine.Evaluate"/>: a recommendation, or the R0 errors that prevent one.</summary>
/// <param name="Recommendation">The recommendation; null when the input was rejected.</param>
/// <param name="Errors">R0 errors (empty when valid).</param>
public sealed record EvaluationResult(Recommendation? Recommendation, ImmutableArray<InputError> Errors)
{
    /// <summary>True when there is a recommendation and no error.</summary>
    public bool IsValid => Errors.IsEmpty && Recommendation is not null;
}
