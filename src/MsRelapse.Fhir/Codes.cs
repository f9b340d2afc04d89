using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>The code systems MsRelapse reads and writes (fhir-profile.md).</summary>
public static class CodeSystems
{
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>This project's own codes (<c>MSR#code</c>), used only where no standard code exists.</summary>
    public const string Msr = "http://msrelapse.org/fhir/CodeSystem/msrelapse";

    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
}

/// <summary>One code in one system, or a prefix of codes (<c>C09A*</c>).</summary>
/// <param name="System">Code system URI.</param>
/// <param name="Code">The code, or the prefix when <paramref name="IsPrefix"/>.</param>
/// <param name="IsPrefix">Matches every code that starts with <paramref name="Code"/>.</param>
internal sealed record CodeRule(string System, string Code, bool IsPrefix = false)
{
    public bool Matches(string? system, string? code) =>
        code is not null && string.Equals(system, System, StringComparison.Ordinal) &&
        (IsPrefix ? code.StartsWith(Code, StringComparison.OrdinalIgnoreCase) : string.Equals(code, Code, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// An ICD-10 category range such as A00–B99 or J00–J22: matches any code whose three-character category
/// (letter + two digits) lies in the range, with or without subdivisions (J01.90 is in J00–J22). Read from
/// both ICD-10 and ICD-10-CM, whose categories coincide for every range used here.
/// </summary>
internal sealed record IcdRange(string From, string To)
{
    public bool Matches(string? system, string? code)
    {
        if (system is not (CodeSystems.Icd10 or CodeSystems.Icd10Cm) || code is null || code.Length < 3)
        {
            return false;
        }

        Span<char> category = stackalloc char[3];
        code.AsSpan(0, 3).ToUpperInvariant(category);
        return category.SequenceCompareTo(From) >= 0 && category.SequenceCompareTo(To) <= 0;
    }
}

/// <summary>How a condition is recognised: codes, ICD-10 ranges, and (infections only) words.</summary>
internal sealed record ConditionRule(ConditionKind Kind, CodeRule[] Codes, IcdRange[] Ranges);

/// <summary>A drug ingredient the pathway reads: its class, its codes and its names (whole words).</summary>
/// <param name="Ingredient">Name for messages, e.g. "ramipril".</param>
/// <param name="Class">Class for a <see cref="MedicationFact"/>; null for relapse steroids.</param>
/// <param name="Steroid">For relapse steroids, which one.</param>
/// <param name="Codes">Ingredient codes (RxNorm) and ATC codes.</param>
/// <param name="Names">Names matched as whole words in <c>coding.display</c> or <c>text</c>.</param>
internal sealed record DrugRule(string Ingredient, MedicationClass? Class, SteroidDrug? Steroid, CodeRule[] Codes, string[] Names);

/// <summary>
/// Every code table of fhir-profile.md "Read", in one place. Codes marked (unverified) in the profile are read
/// as given; where our own MSR code exists it is read beside them.
/// </summary>
internal static partial class Codes
{
    private static CodeRule Sct(string code) => new(CodeSystems.Snomed, code);

    private static CodeRule Loinc(string code) => new(CodeSystems.Loinc, code);

    private static CodeRule Rx(string code) => new(CodeSystems.RxNorm, code);

    private static CodeRule Atc(string code) => new(CodeSystems.Atc, code);

    private static CodeRule AtcPrefix(string code) => new(CodeSystems.Atc, code, IsPrefix: true);

    private static CodeRule Msr(string code) => new(CodeSystems.Msr, code);

    // ---- Conditions ------------------------------------------------------------------------------------------

    /// <summary>Relapse: SNOMED 192929006 "Exacerbation of multiple sclerosis".</summary>
    public static readonly CodeRule[] Relapse = [Sct("192929006")];

    /// <summary>MS diagnosis → course. ICD-10-CM (FY2026): G35.A RRMS, G35.B* PPMS, G35.C* SPMS, G35.D/G35 unspecified.</summary>
    public static MsCourse? MsCourseOf(string? system, string? code)
    {
        if (code is null)
        {
            return null;
        }

        if (system == CodeSystems.Snomed)
        {
            return code switch
            {
                "24700007" => MsCourse.Unspecified,
                "426373005" => MsCourse.RelapsingRemitting,
                "425500002" => MsCourse.SecondaryProgressive, // (unverified)
                "428700003" => MsCourse.PrimaryProgressive, // (unverified)
                _ => null,
            };
        }

        if (system is CodeSystems.Icd10 or CodeSystems.Icd10Cm)
        {
            var c = code.ToUpperInvariant();
            if (!c.StartsWith("G35", StringComparison.Ordinal))
            {
                return null;
            }

            // The course subdivisions are ICD-10-CM's; read them from either system (a WHO G35 has none).
            return c switch
            {
                _ when c.StartsWith("G35.A", StringComparison.Ordinal) => MsCourse.RelapsingRemitting,
                _ when c.StartsWith("G35.B", StringComparison.Ordinal) => MsCourse.PrimaryProgressive,
                _ when c.StartsWith("G35.C", StringComparison.Ordinal) => MsCourse.SecondaryProgressive,
                _ => MsCourse.Unspecified,
            };
        }

        return null;
    }

    /// <summary>Infections (sepsis is tested separately by <see cref="Sepsis"/>).</summary>
    public static readonly ConditionRule Infection = new(
        ConditionKind.Infection,
        [
            Sct("40733004"), Sct("91302008"), Sct("68566005"), Sct("197927001"), Sct("301011002"), Sct("38822007"),
            Sct("233604007"), Sct("10509002"), Sct("444814009"), Sct("36971009"), Sct("195662009"), Sct("43878008"),
            Sct("840539006"),
            new(CodeSystems.Icd10, "N39.0", true), new(CodeSystems.Icd10Cm, "N39.0", true),
            new(CodeSystems.Icd10, "N30.0", true), new(CodeSystems.Icd10Cm, "N30.0", true),
            new(CodeSystems.Icd10, "U07.1", true), new(CodeSystems.Icd10Cm, "U07.1", true),
        ],
        [new("A00", "B99"), new("J00", "J22"), new("A40", "A41")]);

    /// <summary>Sepsis: SNOMED 91302008, ICD-10 A40–A41 (or the word "sepsis", see <see cref="InfectionWords"/>).</summary>
    public static readonly ConditionRule Sepsis = new(ConditionKind.Infection, [Sct("91302008")], [new("A40", "A41")]);

    /// <summary>Words that make a condition an infection when no code matched (fhir-profile.md).</summary>
    public static Regex InfectionWords => InfectionWordsPattern();

    /// <summary>The word "sepsis".</summary>
    public static Regex SepsisWord => SepsisWordPattern();

    // No match timeout on these patterns (nor on the drug names below): a timeout makes every match read the clock,
    // which cost more than the rest of the mapping, and literal alternatives between word boundaries cannot
    // backtrack catastrophically whatever the input.
    [GeneratedRegex(@"\b(infection|sepsis|pneumonia)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InfectionWordsPattern();

    [GeneratedRegex(@"\bsepsis\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SepsisWordPattern();

    /// <summary>The other conditions the pathway reads, in the order they are tried.</summary>
    public static readonly ConditionRule[] OtherConditions =
    [
        new(ConditionKind.Fever, [Sct("386661006")], []),
        new(ConditionKind.Diabetes, [Sct("73211009"), Sct("44054006"), Sct("46635009")], [new("E10", "E14")]),
        new(ConditionKind.PsychiatricHistory, [Sct("69322001"), Sct("13746004")], [new("F20", "F31")]),
        new(ConditionKind.PepticUlcer, [Sct("13200003")], [new("K25", "K28")]),
        new(ConditionKind.Nmosd, [Sct("25044007"), new(CodeSystems.Icd10, "G36.0", true), new(CodeSystems.Icd10Cm, "G36.0", true)], []), // SNOMED (unverified)
        new(ConditionKind.Pregnancy, [Sct("77386006"), Sct("72892002")], []),
    ];

    // ---- Observations ----------------------------------------------------------------------------------------

    public static readonly CodeRule[] Edss = [Sct("273554001"), Msr("edss")];

    /// <summary>EDSS components: raw FS (integers) and the Neurostatus ambulation score (0–16).</summary>
    public static readonly FrozenSet<string> EdssComponents = new[]
    {
        "visual", "brainstem", "pyramidal", "cerebellar", "sensory", "bowel-bladder", "cerebral", "ambulation",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static readonly CodeRule BloodPressurePanel = Loinc("85354-9");
    public static readonly CodeRule Systolic = Loinc("8480-6");

    /// <summary>Numeric observations: LOINC → kind.</summary>
    public static readonly FrozenDictionary<string, MeasurementKind> Measurements = new Dictionary<string, MeasurementKind>
    {
        ["29463-7"] = MeasurementKind.WeightKg,
        ["8302-2"] = MeasurementKind.HeightCm,
        ["4544-3"] = MeasurementKind.HematocritPercent,
        ["8310-5"] = MeasurementKind.TemperatureCelsius,
        ["8480-6"] = MeasurementKind.SystolicMmHg,
        ["17861-6"] = MeasurementKind.CalciumMgPerDl,
        ["3255-7"] = MeasurementKind.FibrinogenMgPerDl,
        ["2465-3"] = MeasurementKind.IgGMgPerDl,
        ["4548-4"] = MeasurementKind.HbA1cPercent,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Qualitative findings.</summary>
    public static readonly (FindingKind Kind, CodeRule[] Codes)[] Findings =
    [
        (FindingKind.UrineNitrite, [Loinc("5802-4")]),
        (FindingKind.Aqp4IgG, [Loinc("68548-7"), Loinc("63439-4"), Loinc("46718-3")]),
        (FindingKind.MogIgG, [Loinc("91545-4"), Msr("mog-igg")]), // LOINC (unverified)
        (FindingKind.Pregnancy, [Loinc("82810-3")]),
        (FindingKind.Breastfeeding, [Loinc("63895-7"), Msr("breastfeeding")]), // LOINC (unverified)
        (FindingKind.GadoliniumEnhancingLesions, [Msr("gd-enhancing-lesions")]), // 2026.2: no standard code confirmed
        (FindingKind.DeepTendonReflexes, [Msr("deep-tendon-reflexes")]), // 2026.2
    ];

    /// <summary><c>MSR#breastfeeding</c>: an observation so coded states breastfeeding even without a value.</summary>
    public static readonly CodeRule BreastfeedingStated = Msr("breastfeeding");

    /// <summary>SNOMED 10828004 "Positive".</summary>
    public static readonly CodeRule Positive = Sct("10828004");

    /// <summary>SNOMED 77386006 "Pregnant" (the positive value of LOINC 82810-3).</summary>
    public static readonly CodeRule Pregnant = Sct("77386006");

    /// <summary>v3 ObservationInterpretation POS.</summary>
    public static readonly CodeRule InterpretationPositive = new(CodeSystems.ObservationInterpretation, "POS");

    /// <summary>
    /// A qualitative result that says it is positive beside SNOMED 10828004 "Positive": SNOMED 260373001 "Detected", as
    /// laboratories report antibodies (AQP4-IgG, MOG-IgG).
    /// </summary>
    public static readonly CodeRule[] PositiveResults = [Positive, Sct("260373001")];

    /// <summary>
    /// A qualitative result that says it is negative: SNOMED 260385009 "Negative", 260415000 "Not detected" (pregnancy:
    /// also 60001007 "Not pregnant"). A result that says neither is not read as negative: it is unreadable (a note), so
    /// that a positive written in another code is never taken for a negative one.
    /// </summary>
    public static readonly CodeRule[] NegativeResults = [Sct("260385009"), Sct("260415000")];

    /// <summary>SNOMED 60001007 "Not pregnant" (a negative value of LOINC 82810-3).</summary>
    public static readonly CodeRule NotPregnant = Sct("60001007");

    /// <summary>v3 ObservationInterpretation POS and DET "Detected": the interpretations that say positive.</summary>
    public static readonly CodeRule[] InterpretationsPositive = [InterpretationPositive, new(CodeSystems.ObservationInterpretation, "DET")];

    /// <summary>v3 ObservationInterpretation NEG "Negative" and ND "Not detected": the interpretations that say negative.</summary>
    public static readonly CodeRule[] InterpretationsNegative = [new(CodeSystems.ObservationInterpretation, "NEG"), new(CodeSystems.ObservationInterpretation, "ND")];

    // ---- Routes and procedures -------------------------------------------------------------------------------

    public static readonly CodeRule RouteIntravenous = Sct("47625008");
    public static readonly CodeRule RouteOral = Sct("26643006");

    public static readonly (ApheresisKind Kind, CodeRule[] Codes)[] Apheresis =
    [
        (ApheresisKind.PlasmaExchange, [new(CodeSystems.Cpt, "36514"), Msr("therapeutic-plasma-exchange")]),
        (ApheresisKind.Immunoadsorption, [new(CodeSystems.Cpt, "36516"), Msr("immunoadsorption")]),
    ];

    /// <summary>Albumin allergy (<c>MSR#albumin</c>, or the name "albumin").</summary>
    public static readonly DrugRule Albumin = new("albumin", null, null, [Msr("albumin")], ["albumin"]);

    // ---- Medications -----------------------------------------------------------------------------------------
    // A clinical-drug code (RxNorm 314076 "lisinopril 10 MG Oral Tablet") is not listed here: it is recognised
    // by its ingredient's name as a whole word in coding.display or text (fhir-profile.md, medications).

    /// <summary>Relapse steroids, then every other class; the first rule that matches a medication wins.</summary>
    public static readonly DrugRule[] Drugs =
    [
        new("methylprednisolone", null, SteroidDrug.Methylprednisolone, [Rx("6902"), Atc("H02AB04")], ["methylprednisolone"]),
        new("prednisone", null, SteroidDrug.Prednisone, [Rx("8640"), Atc("H02AB07")], ["prednisone"]),
        new("prednisolone", null, SteroidDrug.Prednisolone, [Rx("8638"), Atc("H02AB06")], ["prednisolone"]),

        new("natalizumab", MedicationClass.Natalizumab, null, [Rx("354770"), Atc("L04AA23"), Atc("L04AG03")], ["natalizumab"]),
        new("interferon beta", MedicationClass.InterferonBeta, null, [Atc("L03AB07"), Atc("L03AB08"), Atc("L03AB13")], ["interferon beta", "peginterferon beta"]),
        // "Other L04 MS agents": the MS disease-modifying therapies by ATC (old and 2024 codes) and name, not the
        // whole of L04 (which also holds methotrexate, tacrolimus, …).
        new("ocrelizumab", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA36"), Atc("L04AG08")], ["ocrelizumab"]),
        new("ofatumumab", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA52"), Atc("L04AG12")], ["ofatumumab"]),
        new("ublituximab", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AG14")], ["ublituximab"]),
        new("alemtuzumab", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA34"), Atc("L04AG06")], ["alemtuzumab"]),
        new("fingolimod", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA27"), Atc("L04AE01")], ["fingolimod"]),
        new("siponimod", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA42"), Atc("L04AE03")], ["siponimod"]),
        new("ozanimod", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA38"), Atc("L04AE02")], ["ozanimod"]),
        new("ponesimod", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA50"), Atc("L04AE04")], ["ponesimod"]),
        new("teriflunomide", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA31"), Atc("L04AK02")], ["teriflunomide"]),
        new("cladribine", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AA40")], ["cladribine"]),
        new("dimethyl fumarate", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AX07")], ["dimethyl fumarate"]),
        new("diroximel fumarate", MedicationClass.OtherDiseaseModifying, null, [Atc("L04AX09")], ["diroximel fumarate"]),
        new("glatiramer", MedicationClass.OtherDiseaseModifying, null, [Atc("L03AX13")], ["glatiramer"]),

        new("lisinopril", MedicationClass.AceInhibitor, null, [Rx("29046")], ["lisinopril"]),
        new("enalapril", MedicationClass.AceInhibitor, null, [Rx("3827")], ["enalapril"]),
        new("ramipril", MedicationClass.AceInhibitor, null, [Rx("35296")], ["ramipril"]),
        new("captopril", MedicationClass.AceInhibitor, null, [Rx("1998")], ["captopril"]),
        new("ACE inhibitor", MedicationClass.AceInhibitor, null, [AtcPrefix("C09A"), AtcPrefix("C09B")],
            ["benazepril", "quinapril", "fosinopril", "perindopril", "trandolapril", "moexipril", "cilazapril", "zofenopril"]),

        new("warfarin", MedicationClass.Anticoagulant, null, [Rx("11289")], ["warfarin"]),
        new("apixaban", MedicationClass.Anticoagulant, null, [Rx("1364430")], ["apixaban"]),
        new("rivaroxaban", MedicationClass.Anticoagulant, null, [Rx("1114195")], ["rivaroxaban"]),
        new("anticoagulant", MedicationClass.Anticoagulant, null, [AtcPrefix("B01AA"), AtcPrefix("B01AB"), AtcPrefix("B01AE"), AtcPrefix("B01AF")],
            ["heparin", "enoxaparin", "dalteparin", "dabigatran", "edoxaban", "phenprocoumon", "acenocoumarol"]),

        new("aspirin", MedicationClass.Nsaid, null, [Atc("B01AC06")], ["aspirin", "acetylsalicylic acid"]),
        new("NSAID", MedicationClass.Nsaid, null, [AtcPrefix("M01A")],
            ["ibuprofen", "naproxen", "diclofenac", "ketorolac", "celecoxib", "indometacin", "indomethacin", "meloxicam"]),
    ];

    /// <summary>
    /// Glucocorticoids that cross the placenta freely: not relapse steroids (the reader counts no course of them), but
    /// what the order hooks recognise to warn in pregnancy. clinical.md R5 "Never: … dexamethasone in pregnancy" and R9
    /// <c>pregnancy</c>; clinical-evidence.md §8: avoid dexamethasone and betamethasone for maternal indications, where
    /// methylprednisolone and prednisolone are about 90 % inactivated by placental 11β-HSD2. RxNorm ingredients 3264 and
    /// 1514, ATC H02AB02 and H02AB01.
    /// </summary>
    public static readonly DrugRule[] PlacentaCrossingSteroids =
    [
        new("dexamethasone", null, null, [Rx("3264"), Atc("H02AB02")], ["dexamethasone"]),
        new("betamethasone", null, null, [Rx("1514"), Atc("H02AB01")], ["betamethasone"]),
    ];

    /// <summary>The relapse steroids (what administrations and allergies are asked against), in <see cref="Drugs"/> order.</summary>
    public static readonly DrugRule[] SteroidDrugs = [.. Drugs.Where(d => d.Steroid is not null)];

    /// <summary>The drugs with a class (what statements are asked against: a statement of prednisone is maintenance), in order.</summary>
    public static readonly DrugRule[] ClassDrugs = [.. Drugs.Where(d => d.Class is not null)];

    /// <summary>What an allergy is asked against: the relapse steroids, then albumin.</summary>
    public static readonly DrugRule[] AllergyDrugs = [.. SteroidDrugs, Albumin];

    /// <summary>
    /// The first whole-word, case-insensitive match of one of <paramref name="rule"/>'s names in <paramref name="text"/>;
    /// null when none. ASCII text without any of the names as a substring (case ignored) cannot match, and is
    /// answered without running the pattern (the common case: the mapping asks every rule of every medication).
    /// </summary>
    public static Match? MatchName(DrugRule rule, string text)
    {
        if (Ascii.IsValid(text) && text.AsSpan().IndexOfAny(DrugNameSubstrings[rule]) < 0)
        {
            return null;
        }

        var match = DrugNamePatterns[rule].Match(text);
        return match.Success ? match : null;
    }

    /// <summary>Each rule's names as substrings, case ignored (the cheap test before the pattern).</summary>
    private static readonly FrozenDictionary<DrugRule, SearchValues<string>> DrugNameSubstrings =
        Drugs.Append(Albumin).Concat(PlacentaCrossingSteroids).ToFrozenDictionary(d => d, d => SearchValues.Create(d.Names, StringComparison.OrdinalIgnoreCase), (IEqualityComparer<DrugRule>)ReferenceEqualityComparer.Instance);

    /// <summary>Whole-word, case-insensitive name matchers, compiled once per rule.</summary>
    public static readonly FrozenDictionary<DrugRule, Regex> DrugNamePatterns =
        Drugs.Append(Albumin).Concat(PlacentaCrossingSteroids).ToFrozenDictionary(
            d => d,
            d => new Regex(@"\b(" + string.Join('|', d.Names.Select(Regex.Escape)) + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Regex.InfiniteMatchTimeout),
            (IEqualityComparer<DrugRule>)ReferenceEqualityComparer.Instance);
}
