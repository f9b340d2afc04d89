namespace MsRelapse.Core.Pathway;

/// <summary>What the pathway recommends (recommendation.schema.json <c>$defs/action</c>).</summary>
public enum ActionCode
{
    /// <summary><c>observe</c>.</summary>
    Observe,

    /// <summary><c>treat-trigger</c>: treat the infection or fever first.</summary>
    TreatTrigger,

    /// <summary><c>oral-methylprednisolone</c>.</summary>
    OralMethylprednisolone,

    /// <summary><c>iv-methylprednisolone</c>.</summary>
    IvMethylprednisolone,

    /// <summary><c>await-response</c>.</summary>
    AwaitResponse,

    /// <summary><c>plasma-exchange</c>.</summary>
    PlasmaExchange,

    /// <summary><c>immunoadsorption</c>.</summary>
    Immunoadsorption,

    /// <summary><c>escalated-iv-methylprednisolone</c> (2,000 mg/day × 5 days, adults only).</summary>
    EscalatedIvMethylprednisolone,

    /// <summary><c>ivig</c>.</summary>
    Ivig,

    /// <summary><c>specialist-review</c>.</summary>
    SpecialistReview,

    /// <summary><c>rehabilitation</c>.</summary>
    Rehabilitation,

    /// <summary><c>symptomatic-therapy</c>.</summary>
    SymptomaticTherapy,
}

/// <summary>Flags (recommendation.schema.json <c>$defs/flagCode</c>); declaration order is the output order.</summary>
public enum FlagCode
{
    /// <summary><c>within-30-days-of-previous-attack</c>.</summary>
    WithinThirtyDaysOfPreviousAttack,

    /// <summary><c>transient-under-24h</c>.</summary>
    TransientUnder24Hours,

    /// <summary><c>fever</c>.</summary>
    Fever,

    /// <summary><c>infection</c>.</summary>
    Infection,

    /// <summary><c>progressive-course</c>.</summary>
    ProgressiveCourse,

    /// <summary><c>possible-nmosd</c>.</summary>
    PossibleNmosd,

    /// <summary><c>dmt-harmful-in-nmosd</c>.</summary>
    DmtHarmfulInNmosd,

    /// <summary><c>possible-mogad</c>.</summary>
    PossibleMogad,

    /// <summary><c>pml-risk</c>.</summary>
    PmlRisk,

    /// <summary><c>edss-inconsistent</c>.</summary>
    EdssInconsistent,

    /// <summary><c>late-for-steroids</c>.</summary>
    LateForSteroids,

    /// <summary><c>steroid-allergy</c>.</summary>
    SteroidAllergy,

    /// <summary><c>steroid-caution-diabetes</c>.</summary>
    SteroidCautionDiabetes,

    /// <summary><c>steroid-caution-psychiatric</c>.</summary>
    SteroidCautionPsychiatric,

    /// <summary><c>steroid-caution-gi</c>.</summary>
    SteroidCautionGi,

    /// <summary><c>frequent-steroid-courses</c>.</summary>
    FrequentSteroidCourses,

    /// <summary><c>apheresis-delayed</c>.</summary>
    ApheresisDelayed,

    /// <summary><c>apheresis-contraindication-infection</c>.</summary>
    ApheresisContraindicationInfection,

    /// <summary><c>apheresis-contraindication-hemodynamic</c>.</summary>
    ApheresisContraindicationHemodynamic,

    /// <summary><c>tpe-caution-albumin-allergy</c>.</summary>
    TpeCautionAlbuminAllergy,

    /// <summary><c>tpe-caution-ace-inhibitor</c>.</summary>
    TpeCautionAceInhibitor,

    /// <summary><c>tpe-caution-hypocalcemia</c>.</summary>
    TpeCautionHypocalcemia,

    /// <summary><c>tpe-caution-low-fibrinogen</c>.</summary>
    TpeCautionLowFibrinogen,

    /// <summary><c>tpe-caution-anticoagulant</c>.</summary>
    TpeCautionAnticoagulant,

    /// <summary><c>pregnancy</c>.</summary>
    Pregnancy,

    /// <summary><c>breastfeeding</c>.</summary>
    Breastfeeding,

    /// <summary><c>pediatric</c>.</summary>
    Pediatric,

    /// <summary><c>older-age</c>.</summary>
    OlderAge,

    /// <summary><c>dmt-review</c>.</summary>
    DmtReview,

    /// <summary><c>missing-data</c>.</summary>
    MissingData,

    /// <summary><c>unclosed-relapse-record</c> (2026.2, R2.2a).</summary>
    UnclosedRelapseRecord,

    /// <summary><c>tpe-volume-check</c> (2026.2, plasma exchange plan).</summary>
    TpeVolumeCheck,
}

/// <summary>Flag severity; ordered so that a higher value is more severe.</summary>
public enum FlagSeverity
{
    /// <summary><c>info</c>.</summary>
    Info,

    /// <summary><c>warning</c>.</summary>
    Warning,

    /// <summary><c>critical</c>.</summary>
    Critical,
}

/// <summary>R2: what the episode is.</summary>
public enum EpisodeStatus
{
    /// <summary><c>relapse</c>.</summary>
    Relapse,

    /// <summary><c>unconfirmed</c> (onset today, under 24 h).</summary>
    Unconfirmed,

    /// <summary><c>pseudo-relapse-suspected</c>.</summary>
    PseudoRelapseSuspected,

    /// <summary><c>not-a-relapse</c>.</summary>
    NotARelapse,

    /// <summary><c>possible-progression</c>.</summary>
    PossibleProgression,

    /// <summary><c>no-episode</c>.</summary>
    NoEpisode,
}

/// <summary>R4: attack severity.</summary>
public enum AttackSeverity
{
    /// <summary><c>mild</c>: EDSS rise ≤ 0.5.</summary>
    Mild,

    /// <summary><c>moderate</c>: rise 1.0–1.5.</summary>
    Moderate,

    /// <summary><c>severe</c>: rise ≥ 2.0, or newly ≥ 6.0 / ≥ 7.0.</summary>
    Severe,

    /// <summary><c>unknown</c>: no baseline or no assessment since onset (treated as moderate).</summary>
    Unknown,

    /// <summary><c>not-applicable</c>: no episode, or not a relapse.</summary>
    NotApplicable,
}

/// <summary>Urgency; ordered so that a higher value is more urgent.</summary>
public enum Urgency
{
    /// <summary><c>routine</c> (weeks).</summary>
    Routine,

    /// <summary><c>soon</c> (within days).</summary>
    Soon,

    /// <summary><c>urgent</c> (within 24–48 h).</summary>
    Urgent,

    /// <summary><c>emergency</c> (same day).</summary>
    Emergency,
}

/// <summary>Evaluation order step 6: how far treatment of the attack has gone.</summary>
public enum TreatmentStage
{
    /// <summary><c>untreated</c>.</summary>
    Untreated,

    /// <summary><c>steroids-given</c>.</summary>
    SteroidsGiven,

    /// <summary><c>apheresis-in-progress</c>.</summary>
    ApheresisInProgress,

    /// <summary><c>apheresis-completed</c>.</summary>
    ApheresisCompleted,
}

/// <summary>Response to steroids or to apheresis.</summary>
public enum ResponseStatus
{
    /// <summary><c>not-applicable</c>: that treatment was not given.</summary>
    NotApplicable,

    /// <summary><c>too-early</c>.</summary>
    TooEarly,

    /// <summary><c>responded</c>.</summary>
    Responded,

    /// <summary><c>inadequate</c>.</summary>
    Inadequate,

    /// <summary><c>unknown</c>.</summary>
    Unknown,
}

/// <summary>Section "Recovery": outcome at the latest point.</summary>
public enum RecoveryClass
{
    /// <summary><c>complete</c>: latest ≤ baseline.</summary>
    Complete,

    /// <summary><c>partial</c>: improved ≥ 0.5 from nadir, still above baseline.</summary>
    Partial,

    /// <summary><c>none</c>: neither complete nor partial (not back to baseline, and improved less than 0.5 from the nadir).</summary>
    None,

    /// <summary><c>not-applicable</c>: no baseline or no assessment since onset, or no episode.</summary>
    NotApplicable,
}

/// <summary>Missing-data items (R9).</summary>
public enum MissingItem
{
    /// <summary><c>edss-baseline</c>.</summary>
    EdssBaseline,

    /// <summary><c>edss-since-onset</c>.</summary>
    EdssSinceOnset,

    /// <summary><c>edss-after-steroids</c>.</summary>
    EdssAfterSteroids,

    /// <summary><c>edss-after-apheresis</c>.</summary>
    EdssAfterApheresis,

    /// <summary><c>weight</c>.</summary>
    Weight,

    /// <summary><c>height</c>.</summary>
    Height,

    /// <summary><c>sex</c>.</summary>
    Sex,

    /// <summary><c>hematocrit</c>.</summary>
    Hematocrit,

    /// <summary><c>birth-date</c>.</summary>
    BirthDate,

    /// <summary><c>relapse-onset</c>.</summary>
    RelapseOnset,

    /// <summary><c>infection-date</c>.</summary>
    InfectionDate,
}

/// <summary>Route of a planned steroid course.</summary>
public enum PlannedRoute
{
    /// <summary><c>oral</c>.</summary>
    Oral,

    /// <summary><c>intravenous</c>.</summary>
    Intravenous,
}

/// <summary>The published predictors of response to apheresis (clinical.md, "Apheresis response factors"), in the table's order.</summary>
public enum ResponseFactor
{
    /// <summary><c>time-to-apheresis</c>: days from the attack's onset to the first session.</summary>
    TimeToApheresis,

    /// <summary><c>age</c>: completed years.</summary>
    Age,

    /// <summary><c>disease-course</c>: relapsing or progressive.</summary>
    DiseaseCourse,

    /// <summary><c>mri-activity</c>: gadolinium-enhancing lesions.</summary>
    MriActivity,

    /// <summary><c>reflexes</c>: deep tendon reflexes preserved or lost.</summary>
    Reflexes,

    /// <summary><c>disease-duration</c>: years since the MS diagnosis's onset.</summary>
    DiseaseDuration,

    /// <summary><c>disability-at-attack</c>: EDSS at nadir.</summary>
    DisabilityAtAttack,
}

/// <summary>Which way a response factor's value points.</summary>
public enum Favours
{
    /// <summary><c>response</c>: the value is on the side of a better response.</summary>
    Response,

    /// <summary><c>less-response</c>: the value is on the side of a poorer response.</summary>
    LessResponse,

    /// <summary><c>continuous</c>: a graded effect with no validated cut-off (read the effect).</summary>
    Continuous,

    /// <summary><c>unknown</c>: the value is not in the record.</summary>
    Unknown,
}

/// <summary>
/// The wire names of every code: exactly the kebab-case vocabulary of recommendation.schema.json. Written out
/// rather than derived from the C# names, so that renaming a member can never change the contract.
/// </summary>
public static class WireNames
{
    /// <summary>Wire name of an action.</summary>
    public static string Of(ActionCode code) => code switch
    {
        ActionCode.Observe => "observe",
        ActionCode.TreatTrigger => "treat-trigger",
        ActionCode.OralMethylprednisolone => "oral-methylprednisolone",
        ActionCode.IvMethylprednisolone => "iv-methylprednisolone",
        ActionCode.AwaitResponse => "await-response",
        ActionCode.PlasmaExchange => "plasma-exchange",
        ActionCode.Immunoadsorption => "immunoadsorption",
        ActionCode.EscalatedIvMethylprednisolone => "escalated-iv-methylprednisolone",
        ActionCode.Ivig => "ivig",
        ActionCode.SpecialistReview => "specialist-review",
        ActionCode.Rehabilitation => "rehabilitation",
        ActionCode.SymptomaticTherapy => "symptomatic-therapy",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>Wire name of an apheresis response factor (2026.2).</summary>
    public static string Of(ResponseFactor factor) => factor switch
    {
        ResponseFactor.TimeToApheresis => "time-to-apheresis",
        ResponseFactor.Age => "age",
        ResponseFactor.DiseaseCourse => "disease-course",
        ResponseFactor.MriActivity => "mri-activity",
        ResponseFactor.Reflexes => "reflexes",
        ResponseFactor.DiseaseDuration => "disease-duration",
        ResponseFactor.DisabilityAtAttack => "disability-at-attack",
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };

    /// <summary>Wire name of the direction a response factor points.</summary>
    public static string Of(Favours favours) => favours switch
    {
        Favours.Response => "response",
        Favours.LessResponse => "less-response",
        Favours.Continuous => "continuous",
        Favours.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(favours), favours, null),
    };

    /// <summary>Wire name of a flag.</summary>
    public static string Of(FlagCode code) => code switch
    {
        FlagCode.WithinThirtyDaysOfPreviousAttack => "within-30-days-of-previous-attack",
        FlagCode.TransientUnder24Hours => "transient-under-24h",
        FlagCode.Fever => "fever",
        FlagCode.Infection => "infection",
        FlagCode.ProgressiveCourse => "progressive-course",
        FlagCode.PossibleNmosd => "possible-nmosd",
        FlagCode.DmtHarmfulInNmosd => "dmt-harmful-in-nmosd",
        FlagCode.PossibleMogad => "possible-mogad",
        FlagCode.PmlRisk => "pml-risk",
        FlagCode.EdssInconsistent => "edss-inconsistent",
        FlagCode.LateForSteroids => "late-for-steroids",
        FlagCode.SteroidAllergy => "steroid-allergy",
        FlagCode.SteroidCautionDiabetes => "steroid-caution-diabetes",
        FlagCode.SteroidCautionPsychiatric => "steroid-caution-psychiatric",
        FlagCode.SteroidCautionGi => "steroid-caution-gi",
        FlagCode.FrequentSteroidCourses => "frequent-steroid-courses",
        FlagCode.ApheresisDelayed => "apheresis-delayed",
        FlagCode.ApheresisContraindicationInfection => "apheresis-contraindication-infection",
        FlagCode.ApheresisContraindicationHemodynamic => "apheresis-contraindication-hemodynamic",
        FlagCode.TpeCautionAlbuminAllergy => "tpe-caution-albumin-allergy",
        FlagCode.TpeCautionAceInhibitor => "tpe-caution-ace-inhibitor",
        FlagCode.TpeCautionHypocalcemia => "tpe-caution-hypocalcemia",
        FlagCode.TpeCautionLowFibrinogen => "tpe-caution-low-fibrinogen",
        FlagCode.TpeCautionAnticoagulant => "tpe-caution-anticoagulant",
        FlagCode.Pregnancy => "pregnancy",
        FlagCode.Breastfeeding => "breastfeeding",
        FlagCode.Pediatric => "pediatric",
        FlagCode.OlderAge => "older-age",
        FlagCode.DmtReview => "dmt-review",
        FlagCode.UnclosedRelapseRecord => "unclosed-relapse-record",
        FlagCode.TpeVolumeCheck => "tpe-volume-check",
        FlagCode.MissingData => "missing-data",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>Wire name of a flag severity.</summary>
    public static string Of(FlagSeverity severity) => severity switch
    {
        FlagSeverity.Info => "info",
        FlagSeverity.Warning => "warning",
        FlagSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    /// <summary>Wire name of an episode status.</summary>
    public static string Of(EpisodeStatus status) => status switch
    {
        EpisodeStatus.Relapse => "relapse",
        EpisodeStatus.Unconfirmed => "unconfirmed",
        EpisodeStatus.PseudoRelapseSuspected => "pseudo-relapse-suspected",
        EpisodeStatus.NotARelapse => "not-a-relapse",
        EpisodeStatus.PossibleProgression => "possible-progression",
        EpisodeStatus.NoEpisode => "no-episode",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Wire name of a severity.</summary>
    public static string Of(AttackSeverity severity) => severity switch
    {
        AttackSeverity.Mild => "mild",
        AttackSeverity.Moderate => "moderate",
        AttackSeverity.Severe => "severe",
        AttackSeverity.Unknown => "unknown",
        AttackSeverity.NotApplicable => "not-applicable",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    /// <summary>Wire name of an urgency.</summary>
    public static string Of(Urgency urgency) => urgency switch
    {
        Urgency.Routine => "routine",
        Urgency.Soon => "soon",
        Urgency.Urgent => "urgent",
        Urgency.Emergency => "emergency",
        _ => throw new ArgumentOutOfRangeException(nameof(urgency), urgency, null),
    };

    /// <summary>Wire name of a treatment stage.</summary>
    public static string Of(TreatmentStage stage) => stage switch
    {
        TreatmentStage.Untreated => "untreated",
        TreatmentStage.SteroidsGiven => "steroids-given",
        TreatmentStage.ApheresisInProgress => "apheresis-in-progress",
        TreatmentStage.ApheresisCompleted => "apheresis-completed",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    /// <summary>Wire name of a response status.</summary>
    public static string Of(ResponseStatus response) => response switch
    {
        ResponseStatus.NotApplicable => "not-applicable",
        ResponseStatus.TooEarly => "too-early",
        ResponseStatus.Responded => "responded",
        ResponseStatus.Inadequate => "inadequate",
        ResponseStatus.Unknown => "unknown",
        _ => throw new ArgumentOutOfRangeException(nameof(response), response, null),
    };

    /// <summary>Wire name of a recovery class.</summary>
    public static string Of(RecoveryClass recovery) => recovery switch
    {
        RecoveryClass.Complete => "complete",
        RecoveryClass.Partial => "partial",
        RecoveryClass.None => "none",
        RecoveryClass.NotApplicable => "not-applicable",
        _ => throw new ArgumentOutOfRangeException(nameof(recovery), recovery, null),
    };

    /// <summary>Wire name of a missing-data item.</summary>
    public static string Of(MissingItem item) => item switch
    {
        MissingItem.EdssBaseline => "edss-baseline",
        MissingItem.EdssSinceOnset => "edss-since-onset",
        MissingItem.EdssAfterSteroids => "edss-after-steroids",
        MissingItem.EdssAfterApheresis => "edss-after-apheresis",
        MissingItem.Weight => "weight",
        MissingItem.Height => "height",
        MissingItem.Sex => "sex",
        MissingItem.Hematocrit => "hematocrit",
        MissingItem.BirthDate => "birth-date",
        MissingItem.RelapseOnset => "relapse-onset",
        MissingItem.InfectionDate => "infection-date",
        _ => throw new ArgumentOutOfRangeException(nameof(item), item, null),
    };

    /// <summary>Wire name of a planned route.</summary>
    public static string Of(PlannedRoute route) => route switch
    {
        PlannedRoute.Oral => "oral",
        PlannedRoute.Intravenous => "intravenous",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };

    /// <summary>Wire name of a sex.</summary>
    public static string Of(Model.Sex sex) => sex switch
    {
        Model.Sex.Male => "male",
        Model.Sex.Female => "female",
        Model.Sex.Other => "other",
        _ => "unknown",
    };
}
