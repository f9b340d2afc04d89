namespace MsRelapse.Core.Pathway;

/// <summary>
/// Every number of the pathway (clinical.md, knowledge base 2026.2), in one place: the calculators and regimens read
/// theirs from here. Windows are calendar days and
/// include both ends ("in the last N days" = dated ≥ asOf − N). Items marked (choice) are the knowledge base's
/// decisions where the evidence gives no number; items marked (engine choice) are numbers the engine needed where
/// clinical.md names none (its rulings in docs/pathway.md), not the spec's own choices.
/// </summary>
public static class Thresholds
{
    // ---- R0 plausible ranges -------------------------------------------------------------------------------
    /// <summary>EDSS range (E-KURTZKE-1983).</summary>
    public const double EdssMin = 0.0, EdssMax = 10.0;

    /// <summary>Ambulation score range (Neurostatus 0–16).</summary>
    public const int AmbulationMax = 16;

    /// <summary>Weight, kg (the calculators' value type holds the range; named here so that every number of the
    /// pathway is listed for the knowledge artifacts).</summary>
    public const double WeightMinKg = Apheresis.BodyWeightKg.Minimum, WeightMaxKg = Apheresis.BodyWeightKg.Maximum;

    /// <summary>Height, cm (range held by <see cref="Apheresis.BodyHeightCm"/>).</summary>
    public const double HeightMinCm = Apheresis.BodyHeightCm.Minimum, HeightMaxCm = Apheresis.BodyHeightCm.Maximum;

    /// <summary>Hematocrit, % (range held by <see cref="Apheresis.HematocritPercent"/>).</summary>
    public const double HematocritMinPercent = Apheresis.HematocritPercent.Minimum, HematocritMaxPercent = Apheresis.HematocritPercent.Maximum;

    /// <summary>Temperature, °C.</summary>
    public const double TemperatureMinC = 30, TemperatureMaxC = 45;

    /// <summary>A hematocrit ≤ this value given in % is a fraction where percent is expected (R0).</summary>
    public const double HematocritFractionCeiling = 1.0;

    /// <summary>Systolic pressure, mmHg.</summary>
    public const double SystolicMinMmHg = 40, SystolicMaxMmHg = 300;

    // ---- R1 / R2 -------------------------------------------------------------------------------------------
    /// <summary>A relapse record with onset &lt; 30 days after the preceding one belongs to the same attack (E-MENACTRIMS-2023).</summary>
    public const int SameAttackDays = 30;

    /// <summary>R2.2a (2026.2): an unclosed treated attack stops being current this many days after its last activity (choice).</summary>
    public const int UnclosedTreatedAttackDays = 180;

    /// <summary>R2.2a (2026.2): an unclosed untreated attack stops being current this many days after its last activity (choice).</summary>
    public const int UnclosedUntreatedAttackDays = 365;

    /// <summary>R2.1: a transient record counts for <c>not-a-relapse</c> within 30 days.</summary>
    public const int TransientRecentDays = 30;

    /// <summary>R2.2: an attack resolved more than 180 days ago is no episode.</summary>
    public const int ResolvedEpisodeDays = 180;

    /// <summary>R2.3: a trigger counts from 14 days before onset…</summary>
    public const int TriggerWindowBeforeOnsetDays = 14;

    /// <summary>…to 3 days after onset.</summary>
    public const int TriggerWindowAfterOnsetDays = 3;

    /// <summary>Fever is current when measured in the last 3 days (R2.3, R8.2, R8.3).</summary>
    public const int FeverCurrentDays = 3;

    /// <summary>An infection is current with onset in the last 14 days and not abated (R2.3, R8.2, R8.3).</summary>
    public const int InfectionCurrentDays = 14;

    /// <summary>A positive urine nitrite is current in the last 7 days (R2.3).</summary>
    public const int NitriteCurrentDays = 7;

    /// <summary>Fever threshold, °C.</summary>
    public const double FeverCelsius = 38.0;

    /// <summary>R2.5: onset more than 90 days ago, untreated and ongoing → possible progression (E-NICE-2022).</summary>
    public const int ProgressionDays = 90;

    // ---- R4 -------------------------------------------------------------------------------------------------
    /// <summary>Baseline: within 730 days before onset (2 years).</summary>
    public const int BaselineLookbackDays = 730;

    /// <summary>Baseline: not within 30 days after a previous attack's onset.</summary>
    public const int BaselineAfterPreviousAttackDays = 30;

    /// <summary>Mild: rise ≤ 0.5 (E-SEVERITY-2019).</summary>
    public const double MildMaxRise = 0.5;

    /// <summary>Severe: rise ≥ 2.0 (E-SEVERITY-2019).</summary>
    public const double SevereMinRise = 2.0;

    /// <summary>Severe whatever the rise: newly ≥ 6.0 (cannot walk 100 m unaided) (choice).</summary>
    public const double NewlyUnableToWalkEdss = 6.0;

    /// <summary>Severe whatever the rise: newly ≥ 7.0 (wheelchair-bound) (choice).</summary>
    public const double NewlyWheelchairEdss = 7.0;

    /// <summary>From baseline 0 the smallest possible rise is 1.0 (EDSS has no step 0.5).</summary>
    public const double SmallestRiseFromZero = 1.0;

    /// <summary>Recovery class <c>partial</c>: improved ≥ 0.5 from the nadir (section "Recovery").</summary>
    public const double RecoveryPartialImprovement = 0.5;

    /// <summary>Recovery milestone "1 month": the latest EDSS from the day after onset to onset + 30 days (engine choice, A40: clinical.md names 1, 3 and 6 months, not days).</summary>
    public const int RecoveryMonth1Days = 30;

    /// <summary>Recovery milestone "3 months": the latest EDSS after onset + 30 days up to onset + 91 days (engine choice, A40: clinical.md names no days).</summary>
    public const int RecoveryMonth3Days = 91;

    /// <summary>Recovery milestone "6 months": the latest EDSS after onset + 91 days up to onset + 182 days (engine choice, A40: clinical.md names no days).</summary>
    public const int RecoveryMonth6Days = 182;

    /// <summary>A mild grade at baseline ≥ 6.0 may under-state the attack.</summary>
    public const double HighBaselineEdss = 6.0;

    // ---- Steroid course definition (Conventions) ---------------------------------------------------------------
    /// <summary>Methylprednisolone ≥ 500 mg/day is relapse treatment.</summary>
    public const double CourseMinMethylprednisoloneMg = 500;

    /// <summary>Prednisone or prednisolone ≥ 625 mg/day is relapse treatment.</summary>
    public const double CourseMinPrednisoneMg = 625;

    /// <summary>Under 18 years: ≥ 20 mg/kg/day.</summary>
    public const double CourseMinPediatricMgPerKg = 20;

    /// <summary>Doses at most 2 days apart form one course.</summary>
    public const int CourseMaxGapDays = 2;

    /// <summary>Methylprednisolone 4 mg = prednisone 5 mg.</summary>
    public const double PrednisonePerMethylprednisolone = 5.0 / 4.0;

    // ---- R5 --------------------------------------------------------------------------------------------------
    /// <summary>From 15 days since onset: late for steroids (flag).</summary>
    public const int LateForSteroidsDays = 15;

    /// <summary>More than 42 days: steroids demoted to an alternative of specialist review; apheresis delayed (R6.5).</summary>
    public const int SteroidsTooLateDays = 42;

    // ---- R6 --------------------------------------------------------------------------------------------------
    /// <summary>Judge steroid response from course end + 7 days (E-STOPPE-2017).</summary>
    public const int SteroidResponseEarliestDays = 7;

    /// <summary>Planned reassessment: course end + 10 days (E-STOPPE-2017).</summary>
    public const int SteroidReassessDays = 10;

    /// <summary>R6.1 early escalation: EDSS risen ≥ 0.5 since course end.</summary>
    public const double EarlyWorseningEdss = 0.5;

    /// <summary>R6.3: responded when latest ≤ baseline + 0.5…</summary>
    public const double RespondedWithinBaseline = 0.5;

    /// <summary>…or improved from nadir by ≥ 1.0 and ≥ half the rise.</summary>
    public const double RespondedMinImprovement = 1.0;

    /// <summary>R6.5: apheresis chosen more than 90 days after onset → specialist review, apheresis as an alternative; R3.1 (2026.2): an untreated NMOSD attack more than 90 days after onset → specialist review, urgent, plasma exchange and IV methylprednisolone as alternatives (choice, as R6.5).</summary>
    public const int ApheresisTooLateDays = 90;

    // ---- R7 --------------------------------------------------------------------------------------------------
    /// <summary>A completed apheresis course: 5 sessions.</summary>
    public const int ApheresisCourseSessions = 5;

    /// <summary>In progress when the last session was ≤ 3 days ago; interrupted after.</summary>
    public const int ApheresisInterruptedAfterDays = 3;

    /// <summary>Late responders: judge apheresis from the last session + 28 days (E-LLUFRIU-2009).</summary>
    public const int ApheresisResponseDays = 28;

    // ---- R8 --------------------------------------------------------------------------------------------------
    /// <summary>Systolic pressure below 90 mmHg contraindicates apheresis.</summary>
    public const double HypotensionSystolicMmHg = 90;

    /// <summary>Calcium below 8.0 mg/dL: correct first (citrate).</summary>
    public const double LowCalciumMgPerDl = 8.0;

    /// <summary>Fibrinogen below 100 mg/dL (E-WODAJO-2024).</summary>
    public const double LowFibrinogenMgPerDl = 100;

    /// <summary>Frequent courses: ≥ 2 ended in the 365 days before onset.</summary>
    public const int FrequentCoursesLookbackDays = 365;

    /// <summary>Frequent courses: how many.</summary>
    public const int FrequentCoursesCount = 2;

    // ---- Recency -------------------------------------------------------------------------------------------------
    /// <summary>Pregnancy observed or with onset in the last 300 days.</summary>
    public const int PregnancyRecentDays = 300;

    /// <summary>Breastfeeding observed in the last 365 days.</summary>
    public const int BreastfeedingRecentDays = 365;

    /// <summary>Weight in the last 90 days (adults).</summary>
    public const int WeightRecentDaysAdult = 90;

    /// <summary>Weight in the last 30 days (under 18).</summary>
    public const int WeightRecentDaysChild = 30;

    /// <summary>Height in the last 90 days (under 18; any time at ≥ 18).</summary>
    public const int HeightRecentDaysChild = 90;

    /// <summary>Hematocrit, calcium, fibrinogen in the last 30 days.</summary>
    public const int LabRecentDays = 30;

    /// <summary>Blood pressure in the last 2 days.</summary>
    public const int BloodPressureRecentDays = 2;

    // ---- People (R9) ---------------------------------------------------------------------------------------------
    /// <summary>Adult from 18 completed years.</summary>
    public const int AdultAgeYears = 18;

    /// <summary>Older age from 65.</summary>
    public const int OlderAgeYears = 65;

    /// <summary>Children: methylprednisolone 30 mg/kg/day (E-PEDS-2021)…</summary>
    public const double PediatricDoseMgPerKg = 30;

    /// <summary>…rounded down to 10 mg…</summary>
    public const double PediatricDoseRoundingMg = 10;

    /// <summary>…max 1,000 mg/day.</summary>
    public const double PediatricMaxDoseMg = 1000;

    // ---- Plans ----------------------------------------------------------------------------------------------------
    /// <summary>Standard oral dose, mg/day × <see cref="CourseDays"/> (E-NICE-2022).</summary>
    public const double OralStandardMgPerDay = 500;

    /// <summary>The equivalent oral high dose, mg/day × <see cref="OralHighDoseDays"/> (E-COPOUSEP-2015).</summary>
    public const double OralHighDoseMgPerDay = 1000;

    /// <summary>Days of the oral high-dose equivalent (E-COPOUSEP-2015).</summary>
    public const int OralHighDoseDays = 3;

    /// <summary>Fewest days of an IV course (E-NICE-2022: 3–5 days; the pathway plans <see cref="CourseDays"/>).</summary>
    public const int IntravenousMinDays = 3;

    /// <summary>IV dose, mg/day (E-NICE-2022, E-MENACTRIMS-2023).</summary>
    public const double IntravenousMgPerDay = 1000;

    /// <summary>Escalated IV, mg/day (E-PFEUFFER-2020).</summary>
    public const double EscalatedMgPerDay = 2000;

    /// <summary>Days of every planned course.</summary>
    public const int CourseDays = 5;

    /// <summary>Apheresis: first session asOf + 1 day…</summary>
    public const int ApheresisStartDays = 1;

    /// <summary>…+ 2 days with an active ACE inhibitor (hold ≥ 24 h, E-OWEN-1994).</summary>
    public const int ApheresisStartDaysWithAceInhibitor = 2;

    /// <summary>Days between apheresis sessions: every other day (E-ASFA-2023, E-WEINSHENKER-1999).</summary>
    public const int ApheresisIntervalDays = 2;

    /// <summary>2026.2 <c>tpe-volume-check</c>: Nadler's and the weight-based volume differ by more than this percent of Nadler's (choice).</summary>
    public const int TpeVolumeCheckPercent = 30;

    /// <summary>Plasma volumes per exchange: the default and fewest (E-ASFA-2023: 1–1.5).</summary>
    public const double PlasmaVolumesPerExchange = 1.0;

    /// <summary>Most plasma volumes per exchange (E-ASFA-2023).</summary>
    public const double MaxPlasmaVolumesPerExchange = 1.5;

    /// <summary>Most exchanges in a course (E-WEINSHENKER-1999 used 7; the default and fewest is <see cref="ApheresisCourseSessions"/>).</summary>
    public const int MaxExchanges = 7;

    /// <summary>R2.3 / R2.4: reassess a treated trigger in 3 days; a severe pseudo-relapse or an unconfirmed attack in 1 day.</summary>
    public const int TreatTriggerReassessDays = 3, SevereTriggerReassessDays = 1, UnconfirmedReassessDays = 1;

    // ---- Apheresis response factors (2026.2; informational) ------------------------------------------------------
    /// <summary>An MRI counts for <c>mri-activity</c> from this many days before the attack's onset.</summary>
    public const int ResponseFactorMriBeforeOnsetDays = 14;

    /// <summary><c>disability-at-attack</c>: EDSS at nadir at or above this predicts a poor outcome (E-MARRODAN-2025).</summary>
    public const double ResponseFactorPoorEdss = 7.5;

    /// <summary>Days per year for <c>disease-duration</c>, years with one decimal (engine choice: clinical.md says "years, one decimal" and names no year length).</summary>
    public const double DaysPerYear = 365.25;
}
