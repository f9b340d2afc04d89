using System.Collections.Immutable;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway;

/// <summary>An attack (R1): chained relapse records.</summary>
/// <param name="Records">Its records, by onset.</param>
/// <param name="Onset">The earliest chained onset.</param>
/// <param name="LatestRecordOnset">The latest chained onset.</param>
/// <param name="Chained">More than one record (a record &lt; 30 days after the preceding one).</param>
/// <param name="Resolved">Every record abated ≥ 24 h after its onset and by asOf (or resolved without a date).</param>
/// <param name="ResolvedOn">The latest abatement date; when only undated resolutions exist, the latest onset date (the earliest it can have been).</param>
internal sealed record Attack(ImmutableArray<RelapseRecord> Records, ClinicalTime Onset, ClinicalTime LatestRecordOnset, bool Chained, bool Resolved, DateOnly? ResolvedOn);

/// <summary>The chosen EDSS of one date (clinical.md, Conventions and R4 "Which EDSS").</summary>
/// <param name="Date">The date.</param>
/// <param name="Value">The EDSS.</param>
/// <param name="Assessment">The assessment chosen for the date.</param>
/// <param name="Computed">Computed from a complete FS set (else the recorded total).</param>
/// <param name="HighestOfSeveral">Several assessments without times on this date: the highest was taken.</param>
internal sealed record DailyEdss(DateOnly Date, double Value, EdssAssessment Assessment, bool Computed, bool HighestOfSeveral);

/// <summary>A steroid course (Conventions): qualifying daily doses at most 2 days apart.</summary>
/// <param name="Start">First dose day.</param>
/// <param name="End">Last dose day (the course end).</param>
/// <param name="Route">Route of the last dose.</param>
/// <param name="Doses">The qualifying doses.</param>
internal sealed record SteroidCourse(DateOnly Start, DateOnly End, DoseRoute Route, ImmutableArray<SteroidDose> Doses)
{
    /// <summary>Unknown route is read as oral (see docs/pathway.md, ambiguities).</summary>
    public bool IsIntravenous => Route == DoseRoute.Intravenous;
}

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

        // ---- R1 -------------------------------------------------------------------------------------------
        RelapsesWithoutOnset = Lists.Sorted(record.Relapses, static r => r.Onset is null, static (x, y) => SourceOrder.Instance.Compare(x.Source, y.Source));
        var known = Lists.Sorted(record.Relapses, r => r.Onset is { } o && o.Date <= asOf,
            static (x, y) => Lists.ThenBySource(x.Onset!.Value.CompareTo(y.Onset!.Value), x.Source, y.Source));
        Transients = Lists.Where(known, IsTransient);
        Attacks = ChainAttacks(Transients.IsEmpty ? known : Lists.Where(known, r => !IsTransient(r)));
        Attack = Attacks.IsEmpty ? null : Attacks[^1];
        LatestTransient = Transients.IsEmpty ? null : Transients[^1];
        TransientMoreRecentThanAttack = Attack is not null && LatestTransient?.Onset is { } t && t > Attack.LatestRecordOnset;
        Onset = Attack?.Onset.Date;
        DaysSinceOnset = Onset is { } on ? Days(on, asOf) : null;
        // Most records have one attack, so no previous onsets: no LINQ chain then.
        PreviousRecordOnsets = Attacks.Length <= 1 ? [] : [.. Attacks.Take(Attacks.Length - 1).SelectMany(a => a.Records).Select(r => r.Onset!.Value.Date)];

        // ---- EDSS (R4) ----------------------------------------------------------------------------------------
        var assessments = Lists.Sorted(record.EdssAssessments, a => a.When.Date <= asOf, static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        var usable = new List<(EdssAssessment A, double V, bool Computed)>();
        var inconsistent = ImmutableArray.CreateBuilder<(EdssAssessment A, double Computed, double Recorded)>();
        var unusable = ImmutableArray.CreateBuilder<EdssAssessment>();
        foreach (var a in assessments)
        {
            var computed = a.FunctionalSystems.IsComplete ? ComputedEdss(a.FunctionalSystems) : null;

            var recorded = a.RecordedTotal is { } r && EdssScore.Problem(r) is null ? r : (double?)null;
            if (computed is { } c)
            {
                usable.Add((a, c, true));
                if (recorded is { } rv && rv != c)
                {
                    inconsistent.Add((a, c, rv));
                }
            }
            else if (recorded is { } rv)
            {
                usable.Add((a, rv, false));
            }
            else
            {
                unusable.Add(a);
            }
        }

        InconsistentEdss = inconsistent.ToImmutable();
        UnusableEdss = unusable.ToImmutable();
        // usable is in date order: each run of one date is that date's group (as GroupBy, without its lookup).
        var byDate = ImmutableArray.CreateBuilder<DailyEdss>(usable.Count);
        for (var start = 0; start < usable.Count;)
        {
            var end = start + 1;
            while (end < usable.Count && usable[end].A.When.Date == usable[start].A.When.Date)
            {
                end++;
            }

            var date = usable[start].A.When.Date;
            byDate.Add(end - start == 1
                ? new DailyEdss(date, usable[start].V, usable[start].A, usable[start].Computed, false)
                : ChooseForDate(date, usable.GetRange(start, end - start)));
            start = end;
        }

        EdssByDate = byDate.DrainToImmutable();

        if (Attack is not null)
        {
            var onset = Attack.Onset.Date;
            // Loops, not LINQ chains (this runs on every evaluation; the chains allocated an iterator and a closure each).
            // Baseline: the latest assessment before onset within the lookback, not just after a previous attack.
            for (var i = EdssByDate.Length - 1; i >= 0 && Baseline is null; i--)
            {
                var e = EdssByDate[i];
                if (e.Date < onset && Days(e.Date, onset) <= Thresholds.BaselineLookbackDays && !JustAfter(PreviousRecordOnsets, e.Date))
                {
                    Baseline = e;
                }
            }

            // EdssByDate is in date order (one entry per date): the assessments since onset are its tail.
            var first = 0;
            while (first < EdssByDate.Length && EdssByDate[first].Date < onset)
            {
                first++;
            }

            var since = first == 0 ? EdssByDate : ImmutableArray.Create(EdssByDate, first, EdssByDate.Length - first);
            SinceOnset = since;

            // Nadir: the highest value, the earliest date among equals (strict > keeps the first in date order).
            DailyEdss? nadir = null;
            foreach (var e in since)
            {
                if (nadir is null || e.Value > nadir.Value)
                {
                    nadir = e;
                }
            }

            Nadir = nadir;
            Latest = since.IsEmpty ? null : since[^1];
        }

        Severity = ComputeSeverity();

        // ---- Facts by recency ---------------------------------------------------------------------------------
        var measurements = Lists.Sorted(record.Measurements, m => m.When.Date <= asOf && m.UnitProblem is null,
            static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        Measurements = measurements;
        var weightWindow = IsChild ? Thresholds.WeightRecentDaysChild : Thresholds.WeightRecentDaysAdult;
        Weight = LatestWithin(MeasurementKind.WeightKg, weightWindow);
        Height = IsAdultOrUnknownAge
            ? measurements.LastOrDefault(m => m.Kind == MeasurementKind.HeightCm)
            : LatestWithin(MeasurementKind.HeightCm, Thresholds.HeightRecentDaysChild);
        Hematocrit = LatestWithin(MeasurementKind.HematocritPercent, Thresholds.LabRecentDays);
        Calcium = LatestWithin(MeasurementKind.CalciumMgPerDl, Thresholds.LabRecentDays);
        Fibrinogen = LatestWithin(MeasurementKind.FibrinogenMgPerDl, Thresholds.LabRecentDays);
        LowSystolic = measurements.LastOrDefault(m => m.Kind == MeasurementKind.SystolicMmHg && Within(m.When.Date, Thresholds.BloodPressureRecentDays) && m.Value < Thresholds.HypotensionSystolicMmHg);

        Findings = Lists.Sorted(record.Findings, f => f.When.Date <= asOf, static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        Conditions = Lists.Sorted(record.Conditions, c => c.Onset is null || c.Onset.Value.Date <= asOf,
            static (x, y) => Lists.ThenBySource((x.Onset ?? default).CompareTo(y.Onset ?? default), x.Source, y.Source));

        // Fever: a measured temperature ≥ 38.0 °C or a fever condition dated by its onset (Conventions).
        FeverEvents = FeverEventsOf(measurements, Conditions);
        CurrentFever = FeverEvents.Any(f => Within(f.Date, Thresholds.FeverCurrentDays));
        Infections = Lists.Where(Conditions, static c => c.Kind == ConditionKind.Infection && c.Onset is not null);
        CurrentInfections = Lists.Where(Infections, c => Within(c.Onset!.Value.Date, Thresholds.InfectionCurrentDays) && NotAbated(c));
        UndatedInfections = Lists.Where(Conditions, c => c.Kind == ConditionKind.Infection && c.Onset is null && NotAbated(c));
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
            ?? Conditions.LastOrDefault(c => c.Kind == ConditionKind.Pregnancy && c.Onset is { } o && Within(o.Date, Thresholds.PregnancyRecentDays) && NotAbated(c))?.Source;
        Breastfeeding = Findings.LastOrDefault(f => f.Kind == FindingKind.Breastfeeding && f.Positive && Within(f.When.Date, Thresholds.BreastfeedingRecentDays))?.Source;

        // ---- Steroid courses (Conventions) -------------------------------------------------------------------
        var doses = Lists.Sorted(record.SteroidDoses, s => s.Day <= asOf, static (x, y) => Lists.ThenBySource(x.Day.CompareTo(y.Day), x.Source, y.Source));
        Doses = doses;
        var qualifying = Lists.Where(doses, Qualifies);
        SubThresholdDoses = Lists.Where(doses, s => s.DoseMg is not null && !Qualifies(s));
        DosesWithoutAmount = Lists.Where(doses, static s => s.DoseMg is null);
        Courses = BuildCourses(qualifying);
        if (Onset is { } attackOnset)
        {
            // A course counts for the attack when one of its doses is on or after onset: its last dose (End, the
            // doses being in date order) is.
            CoursesForAttack = Lists.Where(Courses, c => c.End >= attackOnset);
            SessionsSinceOnset = Lists.Sorted(record.ApheresisSessions, s => s.When.Date >= attackOnset && s.When.Date <= asOf,
                static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source));
        }
        else
        {
            CoursesForAttack = [];
            SessionsSinceOnset = [];
        }

        LastCourseForAttack = CoursesForAttack.IsEmpty ? null : CoursesForAttack[^1];
    }

    public PatientRecord Record { get; }

    public DateOnly AsOf { get; }

    public int? AgeYears { get; }

    /// <summary>Under 18 completed years (unknown age is not a child).</summary>
    public bool IsChild => AgeYears is < Thresholds.AdultAgeYears;

    public bool IsAdultOrUnknownAge => !IsChild;

    public bool IsDeceased { get; }

    public ImmutableArray<RelapseRecord> RelapsesWithoutOnset { get; }

    public ImmutableArray<RelapseRecord> Transients { get; }

    public ImmutableArray<Attack> Attacks { get; }

    public Attack? Attack { get; }

    public RelapseRecord? LatestTransient { get; }

    public bool TransientMoreRecentThanAttack { get; }

    public DateOnly? Onset { get; }

    public int? DaysSinceOnset { get; }

    public ImmutableArray<DateOnly> PreviousRecordOnsets { get; }

    public ImmutableArray<DailyEdss> EdssByDate { get; }

    public ImmutableArray<(EdssAssessment A, double Computed, double Recorded)> InconsistentEdss { get; }

    public ImmutableArray<EdssAssessment> UnusableEdss { get; }

    public DailyEdss? Baseline { get; }

    public ImmutableArray<DailyEdss> SinceOnset { get; } = [];

    public DailyEdss? Nadir { get; }

    public DailyEdss? Latest { get; }

    public double? Rise => Baseline is not null && Nadir is not null ? Nadir.Value - Baseline.Value : null;

    public AttackSeverity Severity { get; }

    public bool IsSevere => Severity == AttackSeverity.Severe;

    public ImmutableArray<Measurement> Measurements { get; }

    public Measurement? Weight { get; }

    public Measurement? Height { get; }

    public Measurement? Hematocrit { get; }

    public Measurement? Calcium { get; }

    public Measurement? Fibrinogen { get; }

    public Measurement? LowSystolic { get; }

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

    public ImmutableArray<SteroidDose> Doses { get; }

    public ImmutableArray<SteroidDose> SubThresholdDoses { get; }

    public ImmutableArray<SteroidDose> DosesWithoutAmount { get; }

    public ImmutableArray<SteroidCourse> Courses { get; }

    public ImmutableArray<SteroidCourse> CoursesForAttack { get; }

    public SteroidCourse? LastCourseForAttack { get; }

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

    /// <summary>R1: a record that resolved &lt; 24 h after its own onset (abatement known by asOf).</summary>
    private bool IsTransient(RelapseRecord r) =>
        r.Abatement is { } a && a.Date <= AsOf && !r.Onset!.Value.IsAtLeast24HoursBefore(a);

    private bool IsResolved(RelapseRecord r) =>
        r.Abatement is { } a ? a.Date <= AsOf : r.ResolvedWithoutDate;

    /// <summary>
    /// Fever events (Conventions: a temperature ≥ 38.0 °C, or a fever condition dated by its onset), by date then
    /// source, stably. A loop and <see cref="Lists.Sorted"/> rather than LINQ: most records have none, and then
    /// nothing is allocated.
    /// </summary>
    private static ImmutableArray<(DateOnly Date, SourceRef Source)> FeverEventsOf(ImmutableArray<Measurement> measurements, ImmutableArray<ConditionFact> conditions)
    {
        ImmutableArray<(DateOnly Date, SourceRef Source)>.Builder? events = null;
        foreach (var m in measurements)
        {
            if (m.Kind == MeasurementKind.TemperatureCelsius && m.Value >= Thresholds.FeverCelsius)
            {
                (events ??= ImmutableArray.CreateBuilder<(DateOnly, SourceRef)>()).Add((m.When.Date, m.Source));
            }
        }

        foreach (var c in conditions)
        {
            if (c.Kind == ConditionKind.Fever && c.Onset is { } onset)
            {
                (events ??= ImmutableArray.CreateBuilder<(DateOnly, SourceRef)>()).Add((onset.Date, c.Source));
            }
        }

        return events is null
            ? []
            : Lists.Sorted(events.ToImmutable(), null, static (x, y) => Lists.ThenBySource(x.Date.CompareTo(y.Date), x.Source, y.Source));
    }

    private ImmutableArray<Attack> ChainAttacks(ImmutableArray<RelapseRecord> records)
    {
        var attacks = ImmutableArray.CreateBuilder<Attack>();
        var current = new List<RelapseRecord>();
        foreach (var r in records)
        {
            // R1: onset < 30 days after the preceding record's onset → the same attack (E-MENACTRIMS-2023).
            if (current.Count > 0 && Days(current[^1].Onset!.Value.Date, r.Onset!.Value.Date) >= Thresholds.SameAttackDays)
            {
                attacks.Add(MakeAttack(current));
                current = [];
            }

            current.Add(r);
        }

        if (current.Count > 0)
        {
            attacks.Add(MakeAttack(current));
        }

        return attacks.ToImmutable();
    }

    private Attack MakeAttack(List<RelapseRecord> records)
    {
        var resolved = true;
        foreach (var r in records)
        {
            resolved &= IsResolved(r);
        }

        DateOnly? resolvedOn = null;
        if (resolved)
        {
            // Undated resolutions: the attack cannot have resolved before its latest onset (choice, docs/pathway.md),
            // so the date is the latest abatement known by asOf, never before that onset.
            var latest = records[^1].Onset!.Value.Date;
            foreach (var r in records)
            {
                if (r.Abatement is { } a && a.Date <= AsOf && a.Date > latest)
                {
                    latest = a.Date;
                }
            }

            resolvedOn = latest;
        }

        return new Attack([.. records], records[0].Onset!.Value, records[^1].Onset!.Value, records.Count > 1, resolved, resolvedOn);
    }

    /// <summary>
    /// The EDSS of a complete FS set (the calculator's value, without its explanation texts); null when a score is
    /// out of range or not an integer, which R0 rejects.
    /// </summary>
    private static double? ComputedEdss(RawFunctionalSystems fs) =>
        FunctionalSystemScores.TryCreate(fs, out var scores, out _) && scores is not null
            ? EdssCalculator.Score(scores).Value
            : null;

    private static DailyEdss ChooseForDate(DateOnly date, List<(EdssAssessment A, double V, bool Computed)> list)
    {
        if (list.Count == 1)
        {
            return new DailyEdss(date, list[0].V, list[0].A, list[0].Computed, false);
        }

        if (list.All(x => x.A.When.HasTime))
        {
            // Several on one date, all timed: the one with the later time (Conventions); same time → the higher.
            var pick = list.OrderByDescending(x => x.A.When).ThenByDescending(x => x.V).First();
            return new DailyEdss(date, pick.V, pick.A, pick.Computed, false);
        }

        // Without times (or a mix): the highest EDSS of that date, and the rationale says so.
        var highest = list.OrderByDescending(x => x.V).ThenBy(x => x.A.Source, SourceOrder.Instance).First();
        return new DailyEdss(date, highest.V, highest.A, highest.Computed, true);
    }

    private AttackSeverity ComputeSeverity()
    {
        if (Attack is null)
        {
            return AttackSeverity.NotApplicable;
        }

        if (Baseline is null || Nadir is null)
        {
            return AttackSeverity.Unknown;
        }

        var baseline = Baseline.Value;
        var nadir = Nadir.Value;
        var rise = nadir - baseline;

        // Newly unable to walk 100 m, or newly wheelchair-bound: severe whatever the rise (choice).
        if ((nadir >= Thresholds.NewlyUnableToWalkEdss && baseline < Thresholds.NewlyUnableToWalkEdss) ||
            (nadir >= Thresholds.NewlyWheelchairEdss && baseline < Thresholds.NewlyWheelchairEdss))
        {
            return AttackSeverity.Severe;
        }

        // E-SEVERITY-2019: mild +0.5, moderate +1.0–1.5, severe ≥ +2.0 (EDSS steps are halves, so there is no gap).
        return rise >= Thresholds.SevereMinRise ? AttackSeverity.Severe
            : rise <= Thresholds.MildMaxRise ? AttackSeverity.Mild
            : AttackSeverity.Moderate;
    }

    private Measurement? LatestWithin(MeasurementKind kind, int days)
    {
        // A loop from the end (the list is in date order): no closure per call.
        var measurements = Measurements;
        for (var i = measurements.Length - 1; i >= 0; i--)
        {
            var m = measurements[i];
            if (m.Kind == kind && Within(m.When.Date, days))
            {
                return m;
            }
        }

        return null;
    }

    private bool Qualifies(SteroidDose dose)
    {
        if (dose.DoseMg is not { } mg)
        {
            return false;
        }

        var adult = dose.Drug == SteroidDrug.Methylprednisolone
            ? mg >= Thresholds.CourseMinMethylprednisoloneMg
            : mg >= Thresholds.CourseMinPrednisoneMg;
        if (adult)
        {
            return true;
        }

        // Under 18: ≥ 20 mg/kg/day of methylprednisolone (prednisone/prednisolone by equivalence) also counts.
        if (IsChild && Weight is { } w && w.Value > 0)
        {
            var mpEquivalent = dose.Drug == SteroidDrug.Methylprednisolone ? mg : mg / Thresholds.PrednisonePerMethylprednisolone;
            return mpEquivalent / w.Value >= Thresholds.CourseMinPediatricMgPerKg;
        }

        return false;
    }

    private static ImmutableArray<SteroidCourse> BuildCourses(ImmutableArray<SteroidDose> qualifying)
    {
        var courses = ImmutableArray.CreateBuilder<SteroidCourse>();
        var run = new List<SteroidDose>();
        foreach (var dose in qualifying)
        {
            if (run.Count > 0 && Days(run[^1].Day, dose.Day) > Thresholds.CourseMaxGapDays)
            {
                courses.Add(MakeCourse(run));
                run = [];
            }

            run.Add(dose);
        }

        if (run.Count > 0)
        {
            courses.Add(MakeCourse(run));
        }

        return courses.ToImmutable();
    }

    private static SteroidCourse MakeCourse(List<SteroidDose> run)
    {
        var end = run[^1].Day;
        // Route of the last dose; with several doses on the last day, IV wins over oral, oral over unknown.
        var route = DoseRoute.Unknown;
        for (var i = run.Count - 1; i >= 0 && run[i].Day == end; i--)
        {
            if (run[i].Route == DoseRoute.Intravenous)
            {
                route = DoseRoute.Intravenous;
                break;
            }

            if (run[i].Route == DoseRoute.Oral)
            {
                route = DoseRoute.Oral;
            }
        }

        return new SteroidCourse(run[0].Day, end, route, [.. run]);
    }

    /// <summary>True when <paramref name="date"/> is 0–<see cref="Thresholds.BaselineAfterPreviousAttackDays"/> days after one of <paramref name="onsets"/>.</summary>
    private static bool JustAfter(ImmutableArray<DateOnly> onsets, DateOnly date)
    {
        foreach (var p in onsets)
        {
            if (Days(p, date) is >= 0 and <= Thresholds.BaselineAfterPreviousAttackDays)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first active allergy of <paramref name="kind"/> in source order (ties: record order, as a stable sort).</summary>
    private static AllergyFact? FirstBySource(ImmutableArray<AllergyFact> allergies, AllergyKind kind)
    {
        AllergyFact? best = null;
        foreach (var a in allergies)
        {
            if (a.Active && a.Kind == kind && (best is null || SourceOrder.Instance.Compare(a.Source, best.Source) < 0))
            {
                best = a;
            }
        }

        return best;
    }
}
