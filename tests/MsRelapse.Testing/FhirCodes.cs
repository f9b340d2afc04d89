namespace MsRelapse.Testing;

/// <summary>
/// Code systems and codes exactly as <c>shared/fhir-profile.md</c> lists them. Deliberately not taken from the
/// reader's <c>MsRelapse.Fhir.CodeSystems</c>/<c>Codes</c>: the vignettes are written from the profile, so a wrong
/// code in the reader's tables fails a test instead of being copied into it.
/// </summary>
public static class FhirCodes
{
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Msr = "http://msrelapse.org/fhir/CodeSystem/msrelapse";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    // Conditions (SNOMED)
    public const string Relapse = "192929006";
    public const string MsUnspecified = "24700007";
    public const string Rrms = "426373005";
    public const string Spms = "425500002";
    public const string Ppms = "428700003";
    public const string InfectiousDisease = "40733004";
    public const string Sepsis = "91302008";
    public const string Uti = "68566005";
    public const string Pneumonia = "233604007";
    public const string FeverCondition = "386661006";
    public const string Diabetes = "73211009";
    public const string Type2Diabetes = "44054006";
    public const string Psychosis = "69322001";
    public const string Bipolar = "13746004";
    public const string PepticUlcer = "13200003";
    public const string Nmosd = "25044007";
    public const string Pregnant = "77386006";
    public const string Positive = "10828004";
    public const string Negative = "260385009";
    public const string RouteIv = "47625008";
    public const string RouteOral = "26643006";
    public const string Edss = "273554001";

    // LOINC
    public const string Weight = "29463-7";
    public const string Height = "8302-2";
    public const string Hematocrit = "4544-3";
    public const string Temperature = "8310-5";
    public const string BpPanel = "85354-9";
    public const string Systolic = "8480-6";
    public const string Calcium = "17861-6";
    public const string Fibrinogen = "3255-7";
    public const string HbA1c = "4548-4";
    public const string UrineNitrite = "5802-4";
    public const string Aqp4 = "68548-7";
    public const string Mog = "91545-4";
    public const string PregnancyStatus = "82810-3";
    public const string Breastfeeding = "63895-7";

    // RxNorm
    public const string Methylprednisolone = "6902";
    public const string Prednisone = "8640";
    public const string Prednisolone = "8638";
    public const string Natalizumab = "354770";
    public const string Ramipril = "35296";
    public const string Lisinopril10Tablet = "314076";
    public const string Warfarin = "11289";
    public const string Apixaban = "1364430";

    // Procedures (CPT)
    public const string PlasmaExchange = "36514";
    public const string Immunoadsorption = "36516";
}
