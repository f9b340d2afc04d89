using System.Collections.Immutable;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>A fluent builder of <see cref="PatientRecord"/>s for rule tests. Dates are given as days relative to <see cref="AsOf"/>.</summary>
internal sealed class RecordBuilder
{
    public static readonly DateOnly AsOf = new(2026, 5, 11);

    private PatientRecord record;
    private int counter;

    private RecordBuilder(PatientRecord record) => this.record = record;

    /// <summary>An adult (40 years) woman with relapsing-remitting MS.</summary>
    public static RecordBuilder Adult(Sex sex = Sex.Female, int ageYears = 40) => new RecordBuilder(new PatientRecord
    {
        PatientId = "p1",
        BirthDate = AsOf.AddYears(-ageYears).AddDays(-10),
        Sex = sex,
    }).Ms(MsCourse.RelapsingRemitting);

    public static DateOnly Day(int offset) => AsOf.AddDays(offset);

    public PatientRecord Build() => record;

    public EvaluationResult Evaluate(DateOnly? asOf = null) => PathwayEngine.Evaluate(record, asOf ?? AsOf);

    /// <summary>Evaluates and asserts a valid recommendation.</summary>
    public Recommendation Recommend(DateOnly? asOf = null)
    {
        var result = Evaluate(asOf);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        return result.Recommendation!;
    }

    public RecordBuilder With(Func<PatientRecord, PatientRecord> change)
    {
        record = change(record);
        return this;
    }

    public RecordBuilder BornOn(DateOnly? birth) => With(r => r with { BirthDate = birth });

    public RecordBuilder Deceased() => With(r => r with { DeceasedFlag = true });

    public RecordBuilder Ms(MsCourse course) => With(r => r with { MsDiagnoses = r.MsDiagnoses.Add(new MsDiagnosis(course, ClinicalTime.On(Day(-2000)), true, Src("Condition")) { Onset = ClinicalTime.On(Day(-2000)) }) });

    public RecordBuilder Relapse(int onset, int? abatement = null, bool resolvedWithoutDate = false) =>
        RelapseAt(ClinicalTime.On(Day(onset)), abatement is { } a ? ClinicalTime.On(Day(a)) : null, resolvedWithoutDate);

    /// <summary>A relapse record whose clinicalStatus is recurrence/relapse: R2.2a never ages it out (2026.2).</summary>
    public RecordBuilder RecurrenceMarkedRelapse(int onset) =>
        With(r => r with { Relapses = r.Relapses.Add(new RelapseRecord(ClinicalTime.On(Day(onset)), null, false, Src("Condition")) { MarkedRecurrence = true }) });

    public RecordBuilder RelapseAt(ClinicalTime? onset, ClinicalTime? abatement = null, bool resolvedWithoutDate = false) =>
        With(r => r with { Relapses = r.Relapses.Add(new RelapseRecord(onset, abatement, resolvedWithoutDate, Src("Condition"))) });

    public RecordBuilder Edss(int day, double total) => EdssAt(ClinicalTime.On(Day(day)), total);

    public RecordBuilder EdssAt(ClinicalTime when, double? total, RawFunctionalSystems? fs = null) =>
        With(r => r with { EdssAssessments = r.EdssAssessments.Add(new EdssAssessment(when, total, fs ?? RawFunctionalSystems.Empty, Src("Observation"))) });

    public RecordBuilder Measure(MeasurementKind kind, int day, double value, string? unitProblem = null) =>
        With(r => r with { Measurements = r.Measurements.Add(new Measurement(kind, ClinicalTime.On(Day(day)), value, "x", Src("Observation"), unitProblem)) });

    public RecordBuilder Body(double weightKg = 70, double heightCm = 170, double hematocritPercent = 40, int day = -1) =>
        Measure(MeasurementKind.WeightKg, day, weightKg).Measure(MeasurementKind.HeightCm, day, heightCm).Measure(MeasurementKind.HematocritPercent, day, hematocritPercent);

    public RecordBuilder Temperature(int day, double celsius) => Measure(MeasurementKind.TemperatureCelsius, day, celsius);

    public RecordBuilder Finding(FindingKind kind, int day, bool positive = true) =>
        With(r => r with { Findings = r.Findings.Add(new Finding(kind, ClinicalTime.On(Day(day)), positive, Src("Observation"))) });

    public RecordBuilder Condition(ConditionKind kind, int? onset, int? abatement = null, bool active = true, bool sepsis = false) =>
        With(r => r with
        {
            Conditions = r.Conditions.Add(new ConditionFact(kind, onset is { } o ? ClinicalTime.On(Day(o)) : null, abatement is { } a ? ClinicalTime.On(Day(a)) : null, active && abatement is null, sepsis, false, Src("Condition"))),
        });

    public RecordBuilder Infection(int? onset, int? abatement = null, bool sepsis = false) => Condition(ConditionKind.Infection, onset, abatement, sepsis: sepsis);

    public RecordBuilder Allergy(AllergyKind kind) =>
        With(r => r with { Allergies = r.Allergies.Add(new AllergyFact(kind, true, kind.ToString(), Src("AllergyIntolerance"))) });

    public RecordBuilder Medication(MedicationClass cls, string name = "drug") =>
        With(r => r with { Medications = r.Medications.Add(new MedicationFact(cls, name, MedicationStatus.Active, Day(-400), null, false, Src("MedicationStatement"))) });

    /// <summary>A steroid course: one dose a day from <paramref name="firstDay"/> for <paramref name="days"/> days.</summary>
    public RecordBuilder Steroids(int firstDay, int days = 5, double mg = 1000, DoseRoute route = DoseRoute.Intravenous, SteroidDrug drug = SteroidDrug.Methylprednisolone, bool unitAssumed = false)
    {
        for (var i = 0; i < days; i++)
        {
            var day = Day(firstDay + i);
            With(r => r with { SteroidDoses = r.SteroidDoses.Add(new SteroidDose(drug, day, mg, route, unitAssumed, Src("MedicationAdministration"))) });
        }

        return this;
    }

    /// <summary>
    /// A steroid order of <paramref name="days"/> daily doses whose unit was neither mg nor g (the FHIR reader leaves
    /// the mg dose empty and names the problem), all from one resource.
    /// </summary>
    public RecordBuilder SteroidsWithUnknownUnit(int firstDay, int days = 1, string problem = "dose unit 'mL' is not mg or g")
    {
        var source = Src("MedicationRequest");
        for (var i = 0; i < days; i++)
        {
            var day = Day(firstDay + i);
            With(r => r with { SteroidDoses = r.SteroidDoses.Add(new SteroidDose(SteroidDrug.Methylprednisolone, day, null, DoseRoute.Intravenous, false, source) { UnitProblem = problem }) });
        }

        return this;
    }

    public RecordBuilder Sessions(int firstDay, int count, ApheresisKind kind = ApheresisKind.PlasmaExchange, int interval = 2)
    {
        for (var i = 0; i < count; i++)
        {
            var day = Day(firstDay + (i * interval));
            With(r => r with { ApheresisSessions = r.ApheresisSessions.Add(new ApheresisSession(kind, ClinicalTime.On(day), Src("Procedure"))) });
        }

        return this;
    }

    /// <summary>Baseline EDSS 60 days before onset, and an EDSS on onset day + 1 (not after asOf).</summary>
    public RecordBuilder Attack(int onset, double baseline, double nadir) =>
        Relapse(onset).Edss(onset - 60, baseline).Edss(Math.Min(onset + 1, 0), nadir);

    private SourceRef Src(string type) => new($"{type}/r{++counter}");
}
