using MsRelapse.Core.Model;
using MsRelapse.Fhir;

namespace MsRelapse.Knowledge;

/// <summary>
/// The rule criteria that can be stated in FHIRPath over the input Bundle, keyed by criterion id
/// (<see cref="Core.Pathway.RuleCriterion.Id"/>). Built from the FHIR reader's own code tables (<c>Codes</c>), so a
/// code added to the reader is added here. Each expression reads two variables: <c>%asOf</c> (the evaluation
/// date, a FHIR date) and the Bundle as the focus. A test evaluates every expression on every vignette and
/// requires it to agree with the engine's own decision of the criterion.
/// </summary>
public static class FhirPathCriteria
{
    private const string Resources = "Bundle.entry.resource";

    /// <summary>FHIRPath by criterion id.</summary>
    public static IReadOnlyDictionary<string, string> ById { get; } = Build();

    private static Dictionary<string, string> Build()
    {
        // A partial birth date ("1961", "2008-06") is read as its first day, as the FHIR reader reads it (FhirDates): the
        // date is padded to yyyy-MM-dd and made a full date, so that a year-only date gives the engine's age instead of
        // FHIRPath's empty comparison of dates of different precision. Age ≥ N is "birth date + N years ≤ asOf", the
        // engine's own test (EvaluationContext.CompletedYears, DateOnly.AddYears): both take 29 February + N years to
        // 28 February in a common year. Comparing the birth date with asOf − N years instead made a child born on
        // 29 February 18 one day late.
        var birth = "(birthDate.toString() + '-01-01').substring(0, 10).toDate()";
        var child = $"{Resources}.ofType(Patient).where(birthDate.exists() and {birth} <= %asOf and ({AgeAtLeast(birth, Core.Pathway.Thresholds.AdultAgeYears)}).not()).exists()";
        var older = $"{Resources}.ofType(Patient).where(birthDate.exists() and {AgeAtLeast(birth, Core.Pathway.Thresholds.OlderAgeYears)}).exists()";
        var steroidRules = Codes.Drugs.Where(d => d.Steroid is not null).ToList();
        var diabetes = ActiveCondition(Codes.OtherConditions.Single(c => c.Kind == ConditionKind.Diabetes));
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["R3.1-nmosd"] = $"({PositiveFinding(FindingKind.Aqp4IgG)}) or ({ActiveCondition(Codes.OtherConditions.Single(c => c.Kind == ConditionKind.Nmosd))})",
            ["R3.2-mogad"] = PositiveFinding(FindingKind.MogIgG),
            ["R5-iv-child"] = child,
            ["R9-child"] = child,
            ["R9-older"] = older,
            ["R5-iv-diabetes"] = diabetes,
            ["R8.4-diabetes"] = diabetes,
            ["R8.1-allergy"] = ActiveAllergy(steroidRules),
            ["R8.3-albumin"] = $"{Resources}.ofType(AllergyIntolerance).where({NotRefuted} and {AllergyActive} and {Drug(steroidRules)}.not() and {Drug([Codes.Albumin])}).exists()",
        };
    }

    /// <summary>verificationStatus neither entered-in-error nor refuted.</summary>
    private const string NotRefuted = "verificationStatus.coding.where(code = 'entered-in-error' or code = 'refuted').empty()";

    /// <summary>An allergy without a clinical status, or with status active.</summary>
    private const string AllergyActive = "(clinicalStatus.coding.empty() or clinicalStatus.coding.where(code = 'active').exists())";

    /// <summary>A date element as yyyy-MM-dd text (the date as written; no time-zone conversion).</summary>
    private static string DateText(string element) => $"{element}.toString().substring(0, 10)";

    private static string AsOfText => "%asOf.toString()";

    /// <summary>Completed years at asOf are at least <paramref name="years"/>: the birthday of that year is on or before asOf.</summary>
    private static string AgeAtLeast(string birth, int years) => $"{birth} + {years} years <= %asOf";

    /// <summary>
    /// A coding that matches one of the rules as the reader's <c>CodeRule.Matches</c> does: the system exactly, the code
    /// without regard to case in every system (ordinal: both sides upper-cased with the invariant simple mapping, which is
    /// what FHIRPath <c>upper()</c> does in Firely's engine and what <c>OrdinalIgnoreCase</c> compares).
    /// </summary>
    private static string Coded(IEnumerable<CodeRule> rules, string element = "code") =>
        "(" + string.Join(" or ", rules.Select(r => r.IsPrefix
            ? $"{element}.coding.where(system = '{r.System}' and code.upper().startsWith('{r.Code.ToUpperInvariant()}')).exists()"
            : $"{element}.coding.where(system = '{r.System}' and code.upper() = '{r.Code.ToUpperInvariant()}').exists()")) + ")";

    private static string PositiveFinding(FindingKind kind)
    {
        var codes = Codes.Findings.Single(f => f.Kind == kind).Codes;
        var effective = "(effective.ofType(dateTime) | effective.ofType(Period).start).first()";
        // The reader's positive results (BundleReader.Positivity): interpretation POS or DET, a positive code, true, or a text
        // that says "positive" or "detected" (alone or before a titre).
        var positive =
            $"({Coded(Codes.InterpretationsPositive, "interpretation")}" +
            $" or {Coded(Codes.PositiveResults, "value.ofType(CodeableConcept)")}" +
            " or value.ofType(boolean) = true" +
            " or value.ofType(string).trim().lower().matches('^(positive|detected)($|[^a-z0-9].*)'))";
        // Entered in error is left out; an observation without a status is read, as the reader reads it (a "!=" on an
        // empty status is empty in FHIRPath, which left it out).
        return $"{Resources}.ofType(Observation).where(status.where($this = 'entered-in-error').empty() and {Coded(codes)} and {effective}.exists() and {DateText(effective)} <= {AsOfText} and {positive}).exists()";
    }

    /// <summary>
    /// A coding in ICD-10 or ICD-10-CM whose three-character category lies in one of the ranges (E10–E14: E11.9 is in it),
    /// as the reader's <c>IcdRange</c> matches; empty ranges give an expression that is never true.
    /// </summary>
    private static string InRanges(IEnumerable<IcdRange> ranges, string element = "code")
    {
        var list = ranges.ToList();
        if (list.Count == 0)
        {
            return "false";
        }

        var category = "code.substring(0, 3).upper()";
        var inAny = string.Join(" or ", list.Select(r => $"({category} >= '{r.From}' and {category} <= '{r.To}')"));
        return $"{element}.coding.where((system = '{CodeSystems.Icd10}' or system = '{CodeSystems.Icd10Cm}') and code.length() >= 3 and ({inAny})).exists()";
    }

    private static string ActiveCondition(ConditionRule rule)
    {
        // The codes and, where the rule has them, the ICD-10 ranges (fhir-profile.md: diabetes is also ICD-10 E10–E14).
        var codes = rule.Ranges.Length == 0 ? Coded(rule.Codes) : $"({Coded(rule.Codes)} or {InRanges(rule.Ranges)})";
        var onset = "(onset.ofType(dateTime) | onset.ofType(Period).start).first()";
        var abatement = "(abatement.ofType(dateTime) | abatement.ofType(Period).end).first()";
        // NotAbated: an abatement date decides (later than asOf = still active); without one, the clinical status
        // (absent: active unless an abatement of another kind is recorded).
        var notAbated =
            $"(iif({abatement}.exists(), {DateText(abatement)} > {AsOfText}," +
            " iif(clinicalStatus.coding.empty(), abatement.empty(), clinicalStatus.coding.where(code = 'active' or code = 'recurrence' or code = 'relapse').exists())))";
        return $"{Resources}.ofType(Condition).where({NotRefuted} and {codes} and ({onset}.empty() or {DateText(onset)} <= {AsOfText}) and {notAbated}).exists()";
    }

    private static string ActiveAllergy(IReadOnlyList<DrugRule> rules) =>
        $"{Resources}.ofType(AllergyIntolerance).where({NotRefuted} and {AllergyActive} and {Drug(rules)}).exists()";

    /// <summary>A drug recognised by a code or by a name as a whole word in code.coding.display or code.text (case-insensitive).</summary>
    private static string Drug(IReadOnlyList<DrugRule> rules)
    {
        var codes = Coded(rules.SelectMany(r => r.Codes));
        var names = string.Join('|', rules.SelectMany(r => r.Names));
        return $"({codes} or (code.coding.display | code.text).where(lower().matches('\\\\b({names})\\\\b')).exists())";
    }
}
