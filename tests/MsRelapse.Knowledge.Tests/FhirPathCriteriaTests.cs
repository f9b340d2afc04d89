using Hl7.Fhir.ElementModel;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;
using MsRelapse.Core.Pathway;
using MsRelapse.Fhir;
using MsRelapse.Testing;

namespace MsRelapse.Knowledge.Tests;

/// <summary>
/// Every FHIRPath condition of the PlanDefinition, evaluated with Firely's FHIRPath engine on every vignette's input,
/// agrees with the engine's own decision of that criterion (<see cref="RuleCriterion.Decide"/>).
/// </summary>
public sealed class FhirPathCriteriaTests
{
    /// <summary>Reads as the FHIR reader reads (no validator: a resource missing a required element is still read).</summary>
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings { Validator = null });

    public static TheoryData<string> CriteriaWithFhirPath() => [.. FhirPathCriteria.ById.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_fhirpath_criterion_belongs_to_a_rule_criterion_the_engine_decides()
    {
        var decided = RuleCatalog.All.SelectMany(r => r.Criteria).Where(c => c.Decide is not null).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(FhirPathCriteria.ById.Keys, id => Assert.Contains(id, decided));
    }

    [Theory]
    [MemberData(nameof(CriteriaWithFhirPath))]
    public void Fhirpath_condition_agrees_with_the_rule_on_every_vignette(string criterionId)
    {
        var criterion = RuleCatalog.All.SelectMany(r => r.Criteria).Single(c => c.Id == criterionId);
        var compiled = new FhirPathCompiler().Compile(FhirPathCriteria.ById[criterionId]);
        var checkedCount = 0;
        var trueCount = 0;
        var disagreements = new List<string>();
        foreach (var input in Vignettes.All)
        {
            var read = FhirRecordReader.Read(input.BundleJson);
            if (read.Record is null || read.Errors.Count > 0)
            {
                continue;
            }

            var bundle = Parser.Deserialize<Bundle>(input.BundleJson);
            var context = new FhirEvaluationContext { Environment = { ["asOf"] = [new Date(input.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToPocoNode()] } };
            var byFhirPath = compiled.IsTrue(bundle.ToPocoNode(), context);
            var byEngine = criterion.Decide!(read.Record, input.AsOf);
            checkedCount++;
            trueCount += byEngine ? 1 : 0;
            if (byFhirPath != byEngine)
            {
                disagreements.Add($"{input.Vignette}({input.Row}) as of {input.AsOf:yyyy-MM-dd}: FHIRPath {byFhirPath}, engine {byEngine}");
            }
        }

        Assert.True(checkedCount > 100, $"only {checkedCount} vignette inputs were read");
        Assert.True(trueCount > 0, $"no vignette meets {criterionId}: the agreement would be vacuous");
        Assert.True(disagreements.Count == 0, $"{criterionId}: {disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Distinct().Take(20)));
    }

    // fhir-profile.md: diabetes is SNOMED 73211009/44054006/46635009 or ICD-10 E10–E14 (the reader matches the three-
    // character category in ICD-10 and ICD-10-CM). The published FHIRPath missed the ranges: an E11.9 diabetes was
    // false where the engine gives IV steroids and the diabetes caution.
    [Theory]
    [InlineData(FhirCodes.Icd10, "E11.9", true)]
    [InlineData(FhirCodes.Icd10Cm, "E10.65", true)]
    [InlineData(FhirCodes.Icd10, "E14", true)]
    [InlineData(FhirCodes.Icd10, "e13.1", true)]
    [InlineData(FhirCodes.Icd10, "E15.0", false)]
    [InlineData(FhirCodes.Icd10, "E09", false)]
    [InlineData(FhirCodes.Snomed, "E11.9", false)]
    public void Diabetes_coded_by_an_icd10_range_agrees_with_the_engine(string system, string code, bool diabetic)
    {
        var bundle = new PatientBundle(AsOf).Female(50).Ms().DiabetesCoded(system, code).Relapse(AsOf.AddDays(-2));
        foreach (var criterion in new[] { "R5-iv-diabetes", "R8.4-diabetes" })
        {
            var (byFhirPath, byEngine) = Decide(criterion, bundle.ToJson(), AsOf);
            Assert.Equal(diabetic, byEngine);
            Assert.Equal(byEngine, byFhirPath);
        }
    }

    // Conventions: age in completed years at asOf; a partial birth date is read from its first day (FhirDates). FHIRPath
    // compares dates of different precision as empty: "1961" gave R9-older false where the engine says 65.
    [Theory]
    [InlineData("1961", "R9-older", true)]
    [InlineData("1962", "R9-older", false)]
    [InlineData("1961-05", "R9-older", true)]
    [InlineData("1961-06", "R9-older", false)]
    [InlineData("1961-05-11", "R9-older", true)]
    [InlineData("1961-05-12", "R9-older", false)]
    [InlineData("2012", "R9-child", true)]
    [InlineData("2008-06", "R9-child", true)]
    [InlineData("2008-05", "R9-child", false)]
    [InlineData("2008", "R5-iv-child", false)]
    [InlineData("2026", "R9-child", true)]
    [InlineData("2027", "R9-child", false)]
    public void Partial_birth_dates_agree_with_the_engine(string birthDate, string criterion, bool expected)
    {
        var bundle = new PatientBundle(AsOf).BornIn(birthDate).Ms().Relapse(AsOf.AddDays(-2));
        var (byFhirPath, byEngine) = Decide(criterion, bundle.ToJson(), AsOf);
        Assert.Equal(expected, byEngine);
        Assert.Equal(byEngine, byFhirPath);
    }

    // Conventions: age in completed years at asOf. The engine (EvaluationContext.CompletedYears) has the birthday reached
    // when asOf ≥ birth date + N years, and .NET's AddYears takes 29 February to 28 February in a common year: a child
    // born on 29 February 2008 is 18 on 28 February 2026. Comparing the birth date with asOf − N years (28 February 2008)
    // kept that child a child one day too long, and the 65th birthday one day late.
    [Theory]
    [InlineData("2008-02-29", "2026-02-27", "R9-child", true)]
    [InlineData("2008-02-29", "2026-02-28", "R9-child", false)]
    [InlineData("2008-02-29", "2026-02-28", "R5-iv-child", false)]
    [InlineData("2008-02-29", "2026-03-01", "R9-child", false)]
    [InlineData("2006-02-28", "2024-02-28", "R9-child", false)]
    [InlineData("2006-03-01", "2024-02-29", "R9-child", true)]
    [InlineData("1960-02-29", "2025-02-27", "R9-older", false)]
    [InlineData("1960-02-29", "2025-02-28", "R9-older", true)]
    [InlineData("1960-02-29", "2024-02-28", "R9-older", false)]
    [InlineData("1960-02-29", "2024-02-29", "R9-older", false)]
    [InlineData("1959-02-28", "2024-02-28", "R9-older", true)]
    public void A_birthday_on_29_february_agrees_with_the_engine(string birthDate, string asOfText, string criterion, bool expected)
    {
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var bundle = new PatientBundle(asOf).BornIn(birthDate).Ms().Relapse(asOf.AddDays(-2));
        var (byFhirPath, byEngine) = Decide(criterion, bundle.ToJson(), asOf);
        Assert.Equal(expected, byEngine);
        Assert.Equal(byEngine, byFhirPath);
    }

    // The reader (CodeRule.Matches) compares the system exactly and the code without regard to case, in every system
    // (ATC h02ab04 is H02AB04, MSR#MOG-IgG is MSR#mog-igg, v3 pos is POS); the published FHIRPath compared codes exactly.
    [Theory]
    [InlineData(FhirCodes.Msr, "mog-igg", true)]
    [InlineData(FhirCodes.Msr, "MOG-IgG", true)]
    [InlineData(FhirCodes.Loinc, "91545-4", true)]
    [InlineData(FhirCodes.Msr, "mog-igg-x", false)]
    [InlineData("HTTP://MSRELAPSE.ORG/fhir/CodeSystem/msrelapse", "mog-igg", false)]
    public void A_finding_code_in_another_case_agrees_with_the_engine(string system, string code, bool positive)
    {
        var bundle = new PatientBundle(AsOf).Female(40).Ms().Relapse(AsOf.AddDays(-2)).Qualitative(system, code, AsOf.AddDays(-1), positive: true, "mog");
        var (byFhirPath, byEngine) = Decide("R3.2-mogad", bundle.ToJson(), AsOf);
        Assert.Equal(positive, byEngine);
        Assert.Equal(byEngine, byFhirPath);
    }

    [Theory]
    [InlineData(FhirCodes.Interpretation, "POS", true)]
    [InlineData(FhirCodes.Interpretation, "pos", true)]
    [InlineData(FhirCodes.Interpretation, "Det", true)]
    [InlineData(FhirCodes.Interpretation, "posx", false)]
    [InlineData("http://terminology.hl7.org/CodeSystem/V3-ObservationInterpretation", "POS", false)]
    public void A_positive_interpretation_in_another_case_agrees_with_the_engine(string system, string code, bool positive)
    {
        var bundle = new PatientBundle(AsOf).Female(40).Ms().Relapse(AsOf.AddDays(-2))
            .Aqp4Reported(AsOf.AddDays(-1), new FhirString("1:320"), new CodeableConcept(system, code));
        var (byFhirPath, byEngine) = Decide("R3.1-nmosd", bundle.ToJson(), AsOf);
        Assert.Equal(positive, byEngine);
        Assert.Equal(byEngine, byFhirPath);
    }

    // An allergy coded only (no display, no text: the name rule cannot help), in another case than the reader's tables.
    [Theory]
    [InlineData("R8.1-allergy", FhirCodes.Atc, "H02AB04", true)]
    [InlineData("R8.1-allergy", FhirCodes.Atc, "h02ab04", true)]
    [InlineData("R8.1-allergy", FhirCodes.Atc, "h02ab0", false)]
    [InlineData("R8.3-albumin", FhirCodes.Msr, "Albumin", true)]
    [InlineData("R8.3-albumin", FhirCodes.Msr, "ALBUMIN", true)]
    [InlineData("R8.3-albumin", FhirCodes.RxNorm, "ALBUMIN", false)]
    public void An_allergy_code_in_another_case_agrees_with_the_engine(string criterion, string system, string code, bool allergic)
    {
        var bundle = new PatientBundle(AsOf).Female(40).Ms().Relapse(AsOf.AddDays(-2)).AlbuminAllergy().ToBundle();
        bundle.Entry.Select(e => e.Resource).OfType<AllergyIntolerance>().Single().Code = new CodeableConcept(system, code);
        var (byFhirPath, byEngine) = Decide(criterion, bundle.ToJson(), AsOf);
        Assert.Equal(allergic, byEngine);
        Assert.Equal(byEngine, byFhirPath);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(ObservationStatus.Final, true)]
    [InlineData(ObservationStatus.EnteredInError, false)]
    public void A_finding_without_a_status_agrees_with_the_engine(ObservationStatus? status, bool positive)
    {
        var bundle = new PatientBundle(AsOf).Female(40).Ms().Relapse(AsOf.AddDays(-2)).Qualitative(FhirCodes.Msr, "mog-igg", AsOf.AddDays(-1), positive: true, "mog").ToBundle();
        bundle.Entry.Select(e => e.Resource).OfType<Observation>().Single(o => o.Code.Coding.Any(c => c.Code == "mog-igg")).Status = status;
        var (byFhirPath, byEngine) = Decide("R3.2-mogad", bundle.ToJson(), AsOf);
        Assert.Equal(positive, byEngine);
        Assert.Equal(byEngine, byFhirPath);
    }

    private static readonly DateOnly AsOf = new(2026, 5, 11);

    /// <summary>A criterion decided by its published FHIRPath (Firely's engine) and by the engine, for one record.</summary>
    private static (bool FhirPath, bool Engine) Decide(string criterionId, string bundleJson, DateOnly asOf)
    {
        var criterion = RuleCatalog.All.SelectMany(r => r.Criteria).Single(c => c.Id == criterionId);
        var read = FhirRecordReader.Read(bundleJson);
        Assert.True(read.Record is not null && read.Errors.Count == 0, string.Join("; ", read.Errors.Select(e => e.Code)));
        var context = new FhirEvaluationContext { Environment = { ["asOf"] = [new Date(asOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToPocoNode()] } };
        var byFhirPath = new FhirPathCompiler().Compile(FhirPathCriteria.ById[criterionId]).IsTrue(Parser.Deserialize<Bundle>(bundleJson).ToPocoNode(), context);
        return (byFhirPath, criterion.Decide!(read.Record!, asOf));
    }
}
