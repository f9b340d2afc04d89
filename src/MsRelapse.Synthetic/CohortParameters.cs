namespace MsRelapse.Synthetic;

/// <summary>
/// Every distribution of the synthetic cohort, named, with its source. Evidence ids (E-…) are those of
/// shared/clinical.md (sources in shared/clinical-evidence.md); "[unverified]" marks general knowledge the fact sheet
/// does not confirm; "(choice)" marks a number picked to make the cohort look like a real MS service's export where no
/// source gives one. Proportions are per patient unless the name says "PerAttack" or "Of…".
/// </summary>
/// <remarks>
/// The cohort is synthetic: it is made to exercise the reader and the pathway on a realistic mix, not to estimate
/// anything. The distribution tests (tests/MsRelapse.Synthetic.Tests) check that the generated data follow these
/// parameters within sampling tolerance.
/// </remarks>
public sealed record CohortParameters
{
    /// <summary>The defaults below.</summary>
    public static CohortParameters Default { get; } = new();

    // ---- Who ------------------------------------------------------------------------------------------------

    /// <summary>Women among people with MS: about 3 in 4 [unverified: female:male ≈ 3:1 in MS registries].</summary>
    public double FemaleShare { get; init; } = 0.72;

    /// <summary>Children (10–17 years) among the cohort: paediatric-onset MS is a small minority [unverified: ~3–5 %].</summary>
    public double ChildShare { get; init; } = 0.03;

    /// <summary>People aged 65–85 [unverified: the MS population is ageing; ~10–15 % over 65 in registries].</summary>
    public double OlderShare { get; init; } = 0.12;

    /// <summary>Age of adults 18–64: normal, mean 44, SD 11, truncated [unverified: typical MS clinic age mix].</summary>
    public double AdultAgeMeanYears { get; init; } = 44;

    /// <summary>SD of the adult age (years).</summary>
    public double AdultAgeSdYears { get; init; } = 11;

    /// <summary>Age at MS onset: normal, mean 30, SD 8 [unverified: onset peaks at 20–40].</summary>
    public double OnsetAgeMeanYears { get; init; } = 30;

    /// <summary>SD of the onset age (years).</summary>
    public double OnsetAgeSdYears { get; init; } = 8;

    /// <summary>
    /// Shortest disease duration at the end of the history (as-of, or death): the onset age is drawn from its normal
    /// truncated above age − this, so no one is diagnosed on the export date with no history (modelling choice: an MS
    /// service's list holds diagnosed patients with some follow-up; ~6 months).
    /// </summary>
    public double MinimumDiseaseDurationYears { get; init; } = 0.5;

    /// <summary>Deceased patients left in the export (deceasedDateTime in the past) (choice).</summary>
    public double DeceasedShare { get; init; } = 0.005;

    /// <summary>Patient references written as urn:uuid: rather than Patient/id (fhir-profile.md accepts both) (modelling choice: a few, to exercise both).</summary>
    public double UrnUuidReferenceShare { get; init; } = 0.05;

    // ---- Course and antibodies ----------------------------------------------------------------------------

    /// <summary>Primary progressive course among adults [unverified: ~10–15 % of MS]; E-MAGANA-2011, E-AAN-2011 make it matter.</summary>
    public double PrimaryProgressiveShare { get; init; } = 0.10;

    /// <summary>Secondary progressive course once disease has lasted ≥ 10 years [unverified: conversion rises with duration].</summary>
    public double SecondaryProgressiveShareAfter10Years { get; init; } = 0.30;

    /// <summary>Secondary progressive course before 10 years of disease [unverified].</summary>
    public double SecondaryProgressiveShareBefore10Years { get; init; } = 0.04;

    /// <summary>Diagnosis coded in SNOMED, ICD-10-CM, ICD-10 (fhir-profile.md reads all three; the mix is a choice).</summary>
    public double[] DiagnosisCodeSystemWeights { get; init; } = [0.65, 0.28, 0.07];

    /// <summary>AQP4-IgG positive (an NMOSD hidden in an MS list): a small minority [unverified; E-IPND-2015 for its meaning].</summary>
    public double Aqp4PositiveShare { get; init; } = 0.012;

    /// <summary>MOG-IgG positive: a small minority [unverified; E-MOGAD-2023 for its meaning].</summary>
    public double MogPositiveShare { get; init; } = 0.010;

    /// <summary>Antibody tests recorded (negative) in the others (choice).</summary>
    public double AntibodyTestedShare { get; init; } = 0.35;

    // ---- Disability (EDSS) ---------------------------------------------------------------------------------

    /// <summary>
    /// Baseline disability level L (0–1) from which the functional systems are drawn: relapsing course
    /// L = 0.05 + 0.015 per year of disease + N(0, 0.08) (choice, calibrated so that relapsing patients sit mostly
    /// at EDSS 1–4 and progressive ones at 4–7, the usual clinic picture [unverified]).
    /// </summary>
    public double RelapsingDisabilityPerYear { get; init; } = 0.015;

    /// <summary>Mean disability level in secondary progressive MS (choice, see <see cref="RelapsingDisabilityPerYear"/>).</summary>
    public double SecondaryProgressiveDisabilityMean { get; init; } = 0.55;

    /// <summary>Mean disability level in primary progressive MS (choice).</summary>
    public double PrimaryProgressiveDisabilityMean { get; init; } = 0.50;

    /// <summary>EDSS assessments recorded with the functional systems as components; the rest carry only the total (choice).</summary>
    public double EdssWithFunctionalSystemsShare { get; init; } = 0.55;

    /// <summary>Of those with FS components, the share without a total (the engine computes it) (choice).</summary>
    public double EdssWithoutTotalShare { get; init; } = 0.25;

    /// <summary>EDSS coded MSR#edss instead of SNOMED 273554001 (choice).</summary>
    public double EdssMsrCodeShare { get; init; } = 0.15;

    /// <summary>Routine EDSS (clinic visit) per year of history (choice: usual annual or twice-yearly review).</summary>
    public double RoutineVisitsPerYear { get; init; } = 1.3;

    /// <summary>Progressive courses: chance of one FS point more (pyramidal or ambulation) at each routine review (modelling choice: a slow EDSS climb over the 2-year history).</summary>
    public double ProgressionPerReview { get; init; } = 0.35;

    /// <summary>Years of history exported in detail (older records are not in this export: a data gap) (choice).</summary>
    public int HistoryYears { get; init; } = 2;

    // ---- Relapses ------------------------------------------------------------------------------------------

    /// <summary>Annualised relapse rate in adult relapsing MS on current treatment [unverified: ~0.2–0.5/year].</summary>
    public double RelapseRatePerYearRelapsing { get; init; } = 0.35;

    /// <summary>Annualised relapse rate in paediatric MS: ~1.5/year in the first 3 years (Yeshokumar &amp; Banwell 2017, clinical-evidence.md §8).</summary>
    public double RelapseRatePerYearChild { get; init; } = 1.5;

    /// <summary>Superimposed relapses in progressive MS [unverified: uncommon].</summary>
    public double RelapseRatePerYearProgressive { get; init; } = 0.08;

    /// <summary>Relapse rate multiplier during pregnancy (falls, lowest in the third trimester; clinical-evidence.md §8, Fabian) (the factor is a choice).</summary>
    public double PregnancyRelapseRateFactor { get; init; } = 0.4;

    /// <summary>
    /// Shortest gap between two relapse onsets of a patient, in days: the next onset is drawn (Poisson at the rate
    /// above) from after the previous attack has settled and at least this long after its onset (clinical-evidence.md
    /// §1.1: a relapse starts at least 30 days after the onset of the previous one; E-MENACTRIMS-2023).
    /// </summary>
    public int MinimumDaysBetweenRelapseOnsets { get; init; } = 30;

    /// <summary>
    /// Functional system mainly hit by an attack, in the slot order visual, brainstem, pyramidal, cerebellar, sensory,
    /// bowel-bladder, cerebral, ambulation (modelling choice: optic neuritis, motor and sensory attacks the most common).
    /// </summary>
    public double[] AttackSystemWeights { get; init; } = [0.20, 0.10, 0.28, 0.10, 0.27, 0.05, 0.0, 0.0];

    /// <summary>Recovered attacks that leave one residual FS point (clinical-evidence.md §10: 40–50 % of relapses leave residual dysfunction).</summary>
    public double ResidualDeficitShare { get; init; } = 0.4;

    /// <summary>Unresponsive attacks still worsening at the review (one ambulation point more) (modelling choice: a minority).</summary>
    public double FurtherWorseningShare { get; init; } = 0.2;

    /// <summary>Of pseudo-relapses, the share that are a UTI (the rest respiratory) (modelling choice: UTI the commonest trigger).</summary>
    public double UtiOfPseudoRelapses { get; init; } = 0.6;

    /// <summary>
    /// Infections of pseudo-relapses left "active" without abatement (modelling choice; kept apart from
    /// <see cref="StaleInfectionShare"/> for the other infections, whose value differs).
    /// </summary>
    public double StaleInfectionOfPseudoRelapseShare { get; init; } = 0.3;

    /// <summary>Attack visits (without a UTI) with a urine nitrite test (modelling choice).</summary>
    public double UrineNitriteTestedAtAttackShare { get; init; } = 0.5;

    /// <summary>Attack visits with hematocrit and calcium drawn (modelling choice).</summary>
    public double BloodTestsAtAttackShare { get; init; } = 0.6;

    /// <summary>
    /// Severity of an attack by EDSS rise: mild (+0.5), moderate (+1.0–1.5), severe (≥ +2.0). 17 % severe
    /// (E-SEVERITY-2019: 17 % of 1,672 relapses); the split of the rest is a choice.
    /// </summary>
    public double[] SeverityWeights { get; init; } = [0.40, 0.43, 0.17];

    /// <summary>Attacks that are pseudo-relapses from an infection (UTI or respiratory), with fever in most (E-GALEA-2015, E-MENACTRIMS-2023; the share is a choice).</summary>
    public double PseudoRelapsePerAttack { get; init; } = 0.10;

    /// <summary>Of pseudo-relapses, the share with a measured temperature ≥ 38.0 °C (choice).</summary>
    public double FeverOfPseudoRelapses { get; init; } = 0.70;

    /// <summary>Days from onset to the first visit: exponential, mean 4 (choice; NICE asks for treatment within 14 days, E-NICE-2022).</summary>
    public double PresentationDelayMeanDays { get; init; } = 4;

    /// <summary>Relapse Conditions whose resolution is recorded (abatementDateTime); the rest stay "active" for ever (stale problem lists, fhir-profile.md) (choice).</summary>
    public double RelapseAbatementRecordedShare { get; init; } = 0.55;

    // ---- Steroids ------------------------------------------------------------------------------------------

    /// <summary>Attacks treated with high-dose steroids, by severity mild/moderate/severe (choice; E-NICE-2022: offer for relapses affecting usual activities).</summary>
    public double[] SteroidTreatedBySeverity { get; init; } = [0.40, 0.80, 0.95];

    /// <summary>
    /// Adult regimens: IV MP 1 g × 3, IV MP 1 g × 5 (E-MENACTRIMS-2023, German practice), oral MP 500 mg × 5
    /// (E-NICE-2022), oral MP 1 g × 3 (E-COPOUSEP-2015), oral prednisone 1,250 mg × 3 (Morrow 2004). Mix is a choice.
    /// </summary>
    public double[] AdultRegimenWeights { get; init; } = [0.30, 0.30, 0.22, 0.12, 0.06];

    /// <summary>Children: IV MP 30 mg/kg/day, max 1 g, × 5 days (E-PEDS-2021).</summary>
    public double ChildMethylprednisoloneMgPerKg { get; init; } = 30;

    /// <summary>Children's daily ceiling of IV methylprednisolone: 1,000 mg (E-PEDS-2021); a child never gets the adults' 2 g pulse (clinical.md R6.4).</summary>
    public double ChildMethylprednisoloneMaxMgPerDay { get; init; } = 1000;

    /// <summary>IV doses recorded as MedicationAdministration (one per day); the rest as one MedicationRequest order (choice).</summary>
    public double IvRecordedAsAdministrationShare { get; init; } = 0.80;

    /// <summary>Oral courses recorded as one MedicationRequest order (intent order); the rest as administrations (choice).</summary>
    public double OralRecordedAsOrderShare { get; init; } = 0.85;

    /// <summary>
    /// Steroid coded as RxNorm ingredient, ATC, only a clinical-drug name in text (fhir-profile.md reads all three), or
    /// named by <c>medicationReference</c> to a formulary Medication of the export (Medication.ndjson: the clinical drug
    /// in words, the ingredient coded), as EHR exports write most orders (choice).
    /// </summary>
    public double[] SteroidCodingWeights { get; init; } = [0.55, 0.12, 0.18, 0.15];

    /// <summary>Steroid doses with no route recorded (the engine reads them as oral and says so) (choice).</summary>
    public double RouteMissingShare { get; init; } = 0.03;

    /// <summary>Attacks that do not respond to a steroid course: about a quarter (clinical-evidence.md §3: Pfeuffer 2020 "about a quarter", E-STOPPE-2017 22.7 % needing escalation, Wynn 20–35 %).</summary>
    public double SteroidNonResponseShare { get; init; } = 0.25;

    /// <summary>Days from the end of the course to the response review: uniform 7–21 (E-STOPPE-2017 reviewed at 10–14).</summary>
    public int[] ResponseReviewDays { get; init; } = [7, 21];

    /// <summary>Reviews that record an EDSS (data gaps: the rest have none, the engine asks for it) (choice).</summary>
    public double ResponseReviewRecordedShare { get; init; } = 0.85;

    /// <summary>
    /// What non-responders get next: apheresis, a second escalated steroid pulse (2 g × 5, German practice,
    /// E-PFEUFFER-2020 compares them), or nothing recorded (the cases a screen looks for). Mix is a choice.
    /// </summary>
    public double[] NonResponderEscalationWeights { get; init; } = [0.45, 0.20, 0.35];

    /// <summary>Response to the second steroid pulse: good or average recovery in ~29 % (E-PFEUFFER-2020, escalated IVMP 2 g × 5; used for a child's repeat at the child's dose too).</summary>
    public double SecondPulseResponseShare { get; init; } = 0.29;

    /// <summary>Of apheresis, the share that is plasma exchange (the rest immunoadsorption; E-IA-DORST-2019: similar efficacy; choice).</summary>
    public double PlasmaExchangeOfApheresis { get; init; } = 0.65;

    /// <summary>Days from the failed review to the first apheresis session: log-normal, median 5, Q3/median 2 (choice).</summary>
    public double EscalationDelayMedianDays { get; init; } = 5;

    /// <summary>Sessions per apheresis course: 5 (E-ASFA-2023: 5–7; E-IA-DORST-2019: 5).</summary>
    public int ApheresisSessions { get; init; } = 5;

    /// <summary>Apheresis response in relapsing MS: 72 % (E-EHLER-2015; E-BLECHINGER-2021 79 %).</summary>
    public double ApheresisResponseRelapsing { get; init; } = 0.72;

    /// <summary>Apheresis response in progressive MS: 30 % (E-MAGANA-2011).</summary>
    public double ApheresisResponseProgressive { get; init; } = 0.30;

    /// <summary>Apheresis sessions coded CPT (36514/36516); the rest MSR codes (choice).</summary>
    public double ApheresisCptShare { get; init; } = 0.6;

    // ---- Measurements ---------------------------------------------------------------------------------------

    /// <summary>Body weight of adult women: normal, mean 70 kg, SD 14 [unverified].</summary>
    public double[] WomanWeightKg { get; init; } = [70, 14];

    /// <summary>Body weight of adult men: normal, mean 84 kg, SD 14 [unverified].</summary>
    public double[] ManWeightKg { get; init; } = [84, 14];

    /// <summary>Height of adult women: normal, mean 164 cm, SD 7 [unverified].</summary>
    public double[] WomanHeightCm { get; init; } = [164, 7];

    /// <summary>Height of adult men: normal, mean 178 cm, SD 7 [unverified].</summary>
    public double[] ManHeightCm { get; init; } = [178, 7];

    /// <summary>Hematocrit of women: normal, mean 40 %, SD 3; men 44 %, SD 3 [unverified: reference ranges 36–46 / 40–50].</summary>
    public double[] WomanHematocritPercent { get; init; } = [40, 3];

    /// <summary>Hematocrit of men (see <see cref="WomanHematocritPercent"/>).</summary>
    public double[] ManHematocritPercent { get; init; } = [44, 3];

    /// <summary>Weight written in kg, g, [lb_av] (fhir-profile.md reads all three; the mix is a choice).</summary>
    public double[] WeightUnitWeights { get; init; } = [0.90, 0.02, 0.08];

    /// <summary>Height written in cm, m, [in_i] (choice).</summary>
    public double[] HeightUnitWeights { get; init; } = [0.90, 0.03, 0.07];

    /// <summary>Hematocrit written in %, as a fraction with UCUM 1, or L/L (choice).</summary>
    public double[] HematocritUnitWeights { get; init; } = [0.92, 0.05, 0.03];

    /// <summary>Temperature written in Cel or [degF] (choice).</summary>
    public double FahrenheitShare { get; init; } = 0.15;

    /// <summary>Visits at which weight is not measured (data gaps) (choice).</summary>
    public double WeightMissingAtVisit { get; init; } = 0.30;

    /// <summary>
    /// Patients with no height recorded at all, drawn once per patient (data gaps, not even before apheresis) (choice);
    /// the others have it measured once, at the first visit or work-up of the history.
    /// </summary>
    public double HeightNeverRecordedShare { get; init; } = 0.15;

    /// <summary>Observations dated with a time and offset rather than a date only (choice).</summary>
    public double DateTimeShare { get; init; } = 0.30;

    // ---- Comorbidities, medications, pregnancy -------------------------------------------------------------

    /// <summary>Type 2 diabetes [unverified: ~7 % of adults].</summary>
    public double DiabetesShare { get; init; } = 0.07;

    /// <summary>Bipolar or psychotic disorder [unverified].</summary>
    public double PsychiatricShare { get; init; } = 0.03;

    /// <summary>Peptic ulcer [unverified].</summary>
    public double PepticUlcerShare { get; init; } = 0.02;

    /// <summary>On an ACE inhibitor, adults under 65 / 65 and over [unverified: antihypertensive use rises with age].</summary>
    public double[] AceInhibitorShareByAge { get; init; } = [0.08, 0.30];

    /// <summary>ACE inhibitor written as the clinical-drug code RxNorm 314076 "lisinopril 10 MG Oral Tablet" (fhir-profile.md; as Synthea writes it) (choice).</summary>
    public double AceInhibitorClinicalDrugShare { get; init; } = 0.45;

    /// <summary>On an anticoagulant (warfarin, apixaban) [unverified].</summary>
    public double AnticoagulantShare { get; init; } = 0.03;

    /// <summary>Of anticoagulated patients, the share on warfarin (the rest apixaban) [unverified: DOACs now the commoner].</summary>
    public double WarfarinOfAnticoagulantShare { get; init; } = 0.4;

    /// <summary>On an NSAID [unverified].</summary>
    public double NsaidShare { get; init; } = 0.08;

    /// <summary>Relapsing patients on natalizumab [unverified: a minority of DMT-treated patients]; PML risk flag (clinical-evidence.md §7).</summary>
    public double NatalizumabShare { get; init; } = 0.08;

    /// <summary>Relapsing patients on interferon beta [unverified].</summary>
    public double InterferonShare { get; init; } = 0.15;

    /// <summary>Relapsing patients on another MS therapy (ocrelizumab, fingolimod, …) [unverified].</summary>
    public double OtherDmtShare { get; init; } = 0.30;

    /// <summary>Of <see cref="OtherDmtShare"/>: ocrelizumab, fingolimod, dimethyl fumarate (modelling choice).</summary>
    public double[] OtherDmtWeights { get; init; } = [0.4, 0.3, 0.3];

    /// <summary>Medications no longer taken but still listed, and taken ones marked stopped (choice: messiness).</summary>
    public double StaleMedicationShare { get; init; } = 0.15;

    /// <summary>Women 18–45 currently pregnant (onset within 300 days, never before 18) [unverified].</summary>
    public double PregnantShare { get; init; } = 0.04;

    /// <summary>Women with an old pregnancy left "active" and never abated (stale problem list), begun 400–3,000 days before while she was 18–45 (choice).</summary>
    public double StalePregnancyShare { get; init; } = 0.03;

    /// <summary>
    /// Women 18–45, not pregnant now, who gave birth 7–365 days before (after their 18th birthday) [unverified]. Drawn
    /// from a random stream of their own, so that the rest of the cohort is the same whatever this share. The rebound of
    /// relapses in the 3 months after delivery (clinical-evidence.md §8, Fabian) is not modelled: the relapse process is
    /// the same as before pregnancy.
    /// </summary>
    public double PostpartumShare { get; init; } = 0.03;

    /// <summary>Of those, breastfeeding when asked 1–42 days after the birth (the rest not), recorded as LOINC 63895-7 positive or negative (fhir-profile.md; R9 `breastfeeding`) (choice).</summary>
    public double BreastfeedingShare { get; init; } = 0.6;

    /// <summary>Infections per year of history outside attacks (UTI, bronchitis, sinusitis) [unverified].</summary>
    public double InfectionsPerYear { get; init; } = 0.35;

    /// <summary>Infections left "active" without abatement for years (stale problem lists, fhir-profile.md) (choice).</summary>
    public double StaleInfectionShare { get; init; } = 0.25;

    /// <summary>Steroid allergy recorded [unverified: rare].</summary>
    public double SteroidAllergyShare { get; init; } = 0.004;

    /// <summary>Albumin allergy recorded [unverified: rare].</summary>
    public double AlbuminAllergyShare { get; init; } = 0.002;

    // ---- Messiness -----------------------------------------------------------------------------------------

    /// <summary>Patients with a resource marked entered-in-error (a wrong EDSS or relapse the reader must ignore) (choice).</summary>
    public double EnteredInErrorShare { get; init; } = 0.03;

    /// <summary>
    /// Patients whose record is deliberately invalid (a hematocrit fraction written as %, an impossible EDSS, a
    /// broken date): the reader or R0 must refuse them with a clear error (choice).
    /// </summary>
    public double InvalidRecordShare { get; init; } = 0.002;

    /// <summary>Patients with one malformed NDJSON line (truncated JSON) or a resource with no patient reference (choice).</summary>
    public double MalformedLineShare { get; init; } = 0.001;

    /// <summary>Encounters written per visit (resources the pathway does not read, as real exports carry) (choice).</summary>
    public bool WriteEncounters { get; init; } = true;
}
