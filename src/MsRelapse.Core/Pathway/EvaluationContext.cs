using System.Collections.Immutable;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway.Facts;
using MsRelapse.Core.Pathway.Rules;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// Facts computed once for an evaluation: everything dated after asOf removed, recency windows applied, the
/// attack, the EDSS course, steroid courses and apheresis sessions. Every rule reads from here.
/// </summary>
internal sealed class EvaluationContext
{
    public EvaluationContext(PatientRecord record, DateOnly asOf)
    {
        Record = record;
        AsOf = asOf;
        AgeYears = record.BirthDate is { } b && b <= asOf ? CompletedYears(b, asOf) : null;
        IsDeceased = record.DeceasedFlag || (record.DeceasedOn is { } d && d <= asOf);

        // R1, then R4 (the EDSS around the attack, and its grade).
        History = AttackHistory.Build(record, asOf);
        Onset = Attack?.Onset.Date;
        DaysSinceOnset = Onset is { } on ? Days(on, asOf) : null;
        Edss = EdssTimeline.Build(record, asOf, Attack, History.PreviousRecordOnsets);
        Severity = R4Severity.Grade(Attack, Baseline, Nadir);

        // Facts by recency (clinical.md, Recency).
        Recent = RecentMeasurements.Build(record, asOf, IsChild);
        var measurements = Recent.All;

        Findings = Lists.Sorted(record.Findings, f => f.When.Date <= asOf, static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        Conditions = Lists.Sorted(record.Conditions, c => c.Onset is null || c.Onset.Value.Date <= asOf,
            static (x, y) => Lists.ThenBySource((x.Onset ?? default).CompareTo(y.Onset ?? default), x.Source, y.Source));

        // Fever: a measured temperature ≥ 38.0 °C or a fever condition dated by its onset (Conventions).
        FeverEvents = FeverEventsOf(measurements, Conditions);
        CurrentFever = FeverEvents.Any(f => Within(f.Date, Thresholds.FeverCurrentDays));
        Infections = Lists.Where(Conditions, static c => c.Kind == ConditionKind.Infection && c.Onset is not null);
        CurrentInfections = Lists.Where(Infections, c => Within(c.Onset!.Value.Date, Thresholds.InfectionCurrentDays) && NotAbated(c));
        UndatedInfections = Lists.Where(Conditions, c => c.Kind == ConditionKind.Infection && c.Onset is null && NotAbated(c)); // A26: only while not abated
        CurrentSepsis = CurrentInfections.Any(c => c.IsSepsis);
        PositiveNitrites = Lists.Where(Findings, static f => f.Kind == FindingKind.UrineNitrite && f.Positive);

        // Chronic facts count whenever active (Recency).
        Nmosd = (Findings.FirstOrDefault(f => f.Kind == FindingKind.Aqp4IgG && f.Positive)?.Source)
            ?? Conditions.FirstOrDefault(c => c.Kind == ConditionKind.Nmosd && NotAbated(c))?.Source;
        Mogad = Findings.FirstOrDefault(f => f.Kind == FindingKind.MogIgG && f.Positive)?.Source;
        var medications = Lists.Sorted(record.Medications, m => m.IsActiveOn(asOf), static (x, y) => Lists.ThenBySource(x.Class.CompareTo(y.Class), x.Source, y.Source));
        ActiveMedications = medications;
        Natalizumab = medications.FirstOrDefault(m => m.Class == MedicationClass.Natalizumab);
        HarmfulInNmosd = Lists.Where(medications, static m => m.Class is MedicationClass.Natalizumab or MedicationClass.InterferonBeta);
        AceInhibitor = medications.FirstOrDefault(m => m.Class == MedicationClass.AceInhibitor);
        Anticoagulant = medications.FirstOrDefault(m => m.Class == MedicationClass.Anticoagulant);
        Nsaid = medications.FirstOrDefault(m => m.Class == MedicationClass.Nsaid);
        SteroidAllergy = FirstBySource(record.Allergies, AllergyKind.Steroid);
        AlbuminAllergy = FirstBySource(record.Allergies, AllergyKind.Albumin);
        Diabetes = Conditions.FirstOrDefault(c => c.Kind == ConditionKind.Diabetes && NotAbated(c));
        Psychiatric = Conditions.FirstOrDefault(c => c.Kind == ConditionKind.PsychiatricHistory); // any status (Recency)
        PepticUlcer = Conditions.FirstOrDefault(c => c.Kind == ConditionKind.PepticUlcer && NotAbated(c));
        ProgressiveCourse = record.MsDiagnoses.FirstOrDefault(m => m.Active && (m.Recorded is null || m.Recorded.Value.Date <= asOf)
            && m.Course is MsCourse.SecondaryProgressive or MsCourse.PrimaryProgressive);
        Pregnancy = Findings.LastOrDefault(f => f.Kind == FindingKind.Pregnancy && f.Positive && Within(f.When.Date, Thresholds.PregnancyRecentDays))?.Source
            ?? Conditions.LastOrDefault(c => c.Kind == ConditionKind.Pregnancy && c.Onset is { } o && Within(o.Date, Thresholds.PregnancyRecentDays) && NotAbated(c))?.Source; // A25: a condition needs an onset
        Breastfeeding = Findings.LastOrDefault(f => f.Kind == FindingKind.Breastfeeding && f.Positive && Within(f.When.Date, Thresholds.BreastfeedingRecentDays))?.Source;

        // Steroid courses (Conventions) and the apheresis sessions of the attack (R6, R7).
        Steroids = SteroidCourses.Build(record, asOf, IsChild, IsChild ? Weight : null, Onset);
        SessionsSinceOnset = Onset is { } attackOnset
            ? Lists.Sorted(record.ApheresisSessions, s => s.When.Date >= attackOnset && s.When.Date <= asOf,
                static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source))
            : [];
    }

    public PatientRecord Record { get; }

    public DateOnly AsOf { get; }

    public int? AgeYears { get; }

    /// <summary>Under 18 completed years (unknown age is not a child).</summary>
    public bool IsChild => AgeYears is < Thresholds.AdultAgeYears;

    public bool IsAdultOrUnknownAge => !IsChild;

    public bool IsDeceased { get; }

    /// <summary>R1: the attacks and transient records.</summary>
    public AttackHistory History { get; }

    public ImmutableArray<RelapseRecord> RelapsesWithoutOnset => History.RelapsesWithoutOnset;

    public ImmutableArray<RelapseRecord> Transients => History.Transients;

    public Attack? Attack => History.Attack;

    public RelapseRecord? LatestTransient => History.LatestTransient;

    public bool TransientMoreRecentThanAttack => History.TransientMoreRecentThanAttack;

    public DateOnly? Onset { get; }

    public int? DaysSinceOnset { get; }

    /// <summary>R4: the EDSS course and the attack's baseline, nadir and latest value.</summary>
    public EdssTimeline Edss { get; }

    public ImmutableArray<DailyEdss> EdssByDate => Edss.ByDate;

    public ImmutableArray<(EdssAssessment A, double Computed, double Recorded)> InconsistentEdss => Edss.Inconsistent;

    public ImmutableArray<EdssAssessment> UnusableEdss => Edss.Unusable;

    public DailyEdss? Baseline => Edss.Baseline;

    public DailyEdss? Nadir => Edss.Nadir;

    public DailyEdss? Latest => Edss.Latest;

    public double? Rise => Baseline is not null && Nadir is not null ? Nadir.Value - Baseline.Value : null;

    public AttackSeverity Severity { get; }

    public bool IsSevere => Severity == AttackSeverity.Severe;

    /// <summary>The measurements and their recency facts.</summary>
    public RecentMeasurements Recent { get; }

    public ImmutableArray<Measurement> Measurements => Recent.All;

    public Measurement? Weight => Recent.Weight;

    public Measurement? Height => Recent.Height;

    public Measurement? Hematocrit => Recent.Hematocrit;

    public Measurement? Calcium => Recent.Calcium;

    public Measurement? Fibrinogen => Recent.Fibrinogen;

    public Measurement? LowSystolic => Recent.LowSystolic;

    public ImmutableArray<Finding> Findings { get; }

    public ImmutableArray<ConditionFact> Conditions { get; }

    public ImmutableArray<(DateOnly Date, SourceRef Source)> FeverEvents { get; }

    public bool CurrentFever { get; }

    public ImmutableArray<ConditionFact> Infections { get; }

    public ImmutableArray<ConditionFact> CurrentInfections { get; }

    public ImmutableArray<ConditionFact> UndatedInfections { get; }

    public bool CurrentSepsis { get; }

    public bool CurrentInfectionOrFever => CurrentFever || !CurrentInfections.IsEmpty;

    public ImmutableArray<Finding> PositiveNitrites { get; }

    /// <summary>
    /// A positive AQP4-IgG or an NMOSD diagnosis. A48: a finding is positive or negative only when its result says so
    /// (the reader: "Detected" and a titre text are positive; a result that says neither is no finding, with a reading
    /// note) — never a negative read into an unknown result.
    /// </summary>
    public SourceRef? Nmosd { get; }

    public bool HasNmosd => Nmosd is not null;

    public SourceRef? Mogad { get; }

    public bool HasMogad => Mogad is not null;

    public ImmutableArray<MedicationFact> ActiveMedications { get; }

    public MedicationFact? Natalizumab { get; }

    public ImmutableArray<MedicationFact> HarmfulInNmosd { get; }

    public MedicationFact? AceInhibitor { get; }

    public MedicationFact? Anticoagulant { get; }

    public MedicationFact? Nsaid { get; }

    public AllergyFact? SteroidAllergy { get; }

    public AllergyFact? AlbuminAllergy { get; }

    public ConditionFact? Diabetes { get; }

    public ConditionFact? Psychiatric { get; }

    public ConditionFact? PepticUlcer { get; }

    public MsDiagnosis? ProgressiveCourse { get; }

    public SourceRef? Pregnancy { get; }

    public SourceRef? Breastfeeding { get; }

    /// <summary>R6: the steroid doses and courses.</summary>
    public SteroidCourses Steroids { get; }

    public ImmutableArray<SteroidDose> Doses => Steroids.Doses;

    public ImmutableArray<SteroidDose> SubThresholdDoses => Steroids.SubThreshold;

    public ImmutableArray<SteroidDose> DosesWithoutAmount => Steroids.WithoutAmount;

    public ImmutableArray<SteroidCourse> Courses => Steroids.Courses;

    public ImmutableArray<SteroidCourse> CoursesForAttack => Steroids.ForAttack;

    public SteroidCourse? LastCourseForAttack => Steroids.LastForAttack;

    public ImmutableArray<ApheresisSession> SessionsSinceOnset { get; }

    /// <summary>Calendar days from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static int Days(DateOnly from, DateOnly to) => to.DayNumber - from.DayNumber;

    /// <summary>Dated in the last <paramref name="days"/> days (≥ asOf − days, ≤ asOf; both ends included).</summary>
    public bool Within(DateOnly date, int days) => date <= AsOf && date >= AsOf.AddDays(-days);

    /// <summary>Not abated at asOf: an abatement after asOf is not yet known.</summary>
    public bool NotAbated(ConditionFact c) => c.Abatement is { } a ? a.Date > AsOf : c.Active;

    /// <summary>The latest usable EDSS dated within [from, to].</summary>
    public DailyEdss? LatestBetween(DateOnly from, DateOnly to) => EdssByDate.LastOrDefault(e => e.Date >= from && e.Date <= to);

    private static int CompletedYears(DateOnly birth, DateOnly at)
    {
        var years = at.Year - birth.Year;
        if (at < birth.AddYears(years))
        {
            years--;
        }

        return years;
    }

    /// <summary>Fever events (Conventions: a temperature ≥ 38.0 °C, or a fever condition dated by its onset), by date then source.</summary>
    private static ImmutableArray<(DateOnly Date, SourceRef Source)> FeverEventsOf(ImmutableArray<Measurement> measurements, ImmutableArray<ConditionFact> conditions) =>
    [
        .. measurements.Where(m => m.Kind == MeasurementKind.TemperatureCelsius && m.Value >= Thresholds.FeverCelsius).Select(m => (m.When.Date, m.Source))
            .Concat(conditions.Where(c => c.Kind == ConditionKind.Fever && c.Onset is not null).Select(c => (c.Onset!.Value.Date, c.Source)))
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2, SourceOrder.Instance),
    ];

    /// <summary>The first active allergy of <paramref name="kind"/> in source order (ties: record order).</summary>
    private static AllergyFact? FirstBySource(ImmutableArray<AllergyFact> allergies, AllergyKind kind) =>
        allergies.Where(a => a.Active && a.Kind == kind).MinBy(a => a.Source, SourceOrder.Instance);
}
