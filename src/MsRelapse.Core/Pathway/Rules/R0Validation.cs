using System.Collections.Immutable;
using System.Globalization;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Edss;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway.Facts;

namespace MsRelapse.Core.Pathway.Rules;

/// <summary>
/// R0 — reject impossible input before any rule. Judges every EDSS assessment dated by asOf, and every other
/// value of a kind the engine reads that falls within its recency window; older values and facts dated after
/// asOf are not judged. Ranges come from the calculators' value types (one definition of each range).
/// </summary>
internal static class R0Validation
{
    /// <summary>What R0 is, for the knowledge artifacts and the pathway book (<see cref="RuleCatalog"/>).</summary>
    public static RuleDescriptor Descriptor { get; } = new()
    {
        Id = "R0",
        Title = "Validation",
        Description = "Before any rule, impossible values are rejected with a clear error and no recommendation is made.",
        Criteria =
        [
            new("R0-edss", $"An EDSS outside {Thresholds.EdssMin:0}–{Thresholds.EdssMax:0}, not a multiple of 0.5, or 0.5 (not a Kurtzke step); a functional-system score that is not an integer in its range; an ambulation score outside 0–{Thresholds.AmbulationMax}."),
            new("R0-body", $"Weight outside {Thresholds.WeightMinKg:0}–{Thresholds.WeightMaxKg:0} kg; height outside {Thresholds.HeightMinCm:0}–{Thresholds.HeightMaxCm:0} cm; hematocrit outside {Thresholds.HematocritMinPercent:0}–{Thresholds.HematocritMaxPercent:0} % (a value ≤ {Thresholds.HematocritFractionCeiling:0} given in % is a fraction)."),
            new("R0-vitals", $"Temperature outside {Thresholds.TemperatureMinC:0}–{Thresholds.TemperatureMaxC:0} °C; systolic pressure outside {Thresholds.SystolicMinMmHg:0}–{Thresholds.SystolicMaxMmHg:0} mmHg."),
            new("R0-dates", "Abatement before onset; a birth date after the evaluation date."),
            new("R0-units", "An unknown or missing unit on a value the engine uses; resources of more than one patient. Values dated within their recency window (and every EDSS assessment) are judged, whether or not this evaluation uses them."),
        ],
        Thresholds =
        [
            nameof(Thresholds.EdssMin), nameof(Thresholds.EdssMax), nameof(Thresholds.AmbulationMax), nameof(Thresholds.WeightMinKg), nameof(Thresholds.WeightMaxKg),
            nameof(Thresholds.HeightMinCm), nameof(Thresholds.HeightMaxCm), nameof(Thresholds.HematocritMinPercent), nameof(Thresholds.HematocritMaxPercent),
            nameof(Thresholds.HematocritFractionCeiling), nameof(Thresholds.TemperatureMinC), nameof(Thresholds.TemperatureMaxC), nameof(Thresholds.SystolicMinMmHg), nameof(Thresholds.SystolicMaxMmHg),
        ],
        Evidence = ["E-KURTZKE-1983"],
    };

    /// <summary>Stable error codes (the catalogue is <see cref="InputErrorCodes"/>).</summary>
    public const string OutOfRange = InputErrorCodes.OutOfRange, NotAKurtzkeStep = InputErrorCodes.NotAKurtzkeStep, NotAnInteger = InputErrorCodes.NotAnInteger,
        UnknownUnit = InputErrorCodes.UnknownUnit, FractionNotPercent = InputErrorCodes.FractionNotPercent, DateOrder = InputErrorCodes.DateOrder,
        BirthDateAfterAsOf = InputErrorCodes.BirthDateAfterAsOf, MultiplePatients = InputErrorCodes.MultiplePatients;

    /// <summary>
    /// A steroid dose that carried no unit was read as mg (the FHIR reader's reading): not an error, but the rationale
    /// says so for each one, under R0, so the reading can be checked.
    /// </summary>
    public static void ReportAssumedUnits(EvaluationContext ctx, Decision d)
    {
        foreach (var dose in ctx.Doses)
        {
            if (dose.UnitAssumedMg)
            {
                d.Explain("R0", $"A steroid dose on {Text.Date(dose.Day)} carried no unit and was read as mg.");
            }
        }
    }

    public static ImmutableArray<InputError> Validate(EvaluationContext ctx)
    {
        var errors = ImmutableArray.CreateBuilder<InputError>();
        var record = ctx.Record;
        var asOf = ctx.AsOf;

        // A28, A42: resources of another subject are rejected here too, so no adapter can bypass the FHIR reader's check.
        foreach (var other in Lists.Sorted(record.ForeignSubjects, null, SourceOrder.Instance.Compare))
        {
            errors.Add(new InputError(MultiplePatients, "The input holds resources of more than one patient; send one patient's record at a time.", other));
        }

        if (record.BirthDate is { } birth && birth > asOf)
        {
            errors.Add(new InputError(BirthDateAfterAsOf, $"Birth date {Text.Date(birth)} is after the evaluation date {Text.Date(asOf)}.", new SourceRef("Patient", "Patient.birthDate")));
        }

        // Loops with the test inside (no iterator and closure per evaluation for what is nearly always nothing).
        foreach (var r in record.Relapses)
        {
            if (r.Onset is { } o && o.Date <= asOf && r.Abatement is { } a && AbatesBeforeOnset(o, a))
            {
                errors.Add(new InputError(DateOrder, $"Relapse abatement {r.Abatement} is before its onset {r.Onset}.", r.Source.At(AbatementPath)));
            }
        }

        foreach (var c in record.Conditions)
        {
            if (c.Onset is { } o && o.Date <= asOf && c.Abatement is { } a && AbatesBeforeOnset(o, a))
            {
                errors.Add(new InputError(DateOrder, $"Condition abatement {c.Abatement} is before its onset {c.Onset}.", c.Source.At(AbatementPath)));
            }
        }

        foreach (var a in Lists.Sorted(record.EdssAssessments, a => a.When.Date <= asOf, static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source)))
        {
            if (a.RecordedTotal is { } total && EdssScore.Problem(total) is { } problem)
            {
                var code = !double.IsFinite(total) || total < Thresholds.EdssMin || total > Thresholds.EdssMax ? OutOfRange : NotAKurtzkeStep;
                errors.Add(new InputError(code, $"{problem} (assessment of {Text.Date(a.When.Date)}).", a.Source.Path is null ? a.Source.At("Observation.valueQuantity") : a.Source));
            }

            var fs = a.FunctionalSystems;
            if (fs.IsEmpty)
            {
                continue;
            }

            ReadOnlySpan<double?> values = [fs.Visual, fs.Brainstem, fs.Pyramidal, fs.Cerebellar, fs.Sensory, fs.BowelBladder, fs.Cerebral, fs.Ambulation];
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is not { } v)
                {
                    continue; // an incomplete FS set is not an error: the total is used, or the assessment is unusable (R4)
                }

                var system = FunctionalSystemInfo.All[i];
                if (FunctionalSystemScores.Problem(system, v) is { } fsProblem)
                {
                    var code = double.IsFinite(v) && v == Math.Floor(v) ? OutOfRange : NotAnInteger;
                    errors.Add(new InputError(code, $"{fsProblem} (assessment of {Text.Date(a.When.Date)}).", a.Source.At($"Observation.component[{system.KebabName()}]")));
                }
            }
        }

        foreach (var m in Lists.Sorted(record.Measurements, m => Judged(ctx, m), static (x, y) => Lists.ThenBySource(x.When.CompareTo(y.When), x.Source, y.Source)))
        {
            // The source and the date text are made only for an error (most measurements have none).
            SourceRef Source() => m.Source.Path is null ? m.Source.At("Observation.valueQuantity") : m.Source;
            if (m.UnitProblem is { } unit)
            {
                // The reader's problem may already list the units it accepts: said once.
                var expected = unit.Contains("(expected", StringComparison.Ordinal) ? "" : $" (expected {ExpectedUnit(m.Kind)})";
                errors.Add(new InputError(UnknownUnit, $"{Label(m.Kind)} of {Text.Date(m.When.Date)}: {unit}{expected}.", Source().At("Observation.valueQuantity.code")));
                continue;
            }

            var problem = m.Kind switch
            {
                MeasurementKind.WeightKg => BodyWeightKg.Problem(m.Value),
                MeasurementKind.HeightCm => BodyHeightCm.Problem(m.Value),
                MeasurementKind.HematocritPercent => HematocritPercent.Problem(m.Value),
                MeasurementKind.TemperatureCelsius => Range(m.Value, Thresholds.TemperatureMinC, Thresholds.TemperatureMaxC, "temperature", "°C"),
                MeasurementKind.SystolicMmHg => Range(m.Value, Thresholds.SystolicMinMmHg, Thresholds.SystolicMaxMmHg, "systolic pressure", "mmHg"),
                _ => double.IsFinite(m.Value) && m.Value >= 0 ? null : $"{Label(m.Kind)} {Quantity.Show(m.Value)} is not a valid value",
            };
            if (problem is not null)
            {
                var code = m.Kind == MeasurementKind.HematocritPercent && double.IsFinite(m.Value) && m.Value > 0 && m.Value <= Thresholds.HematocritFractionCeiling
                    ? FractionNotPercent
                    : OutOfRange;
                errors.Add(new InputError(code, $"{Capitalise(problem)} (measured {Text.Date(m.When.Date)}).", Source()));
            }
        }

        // A steroid dose whose unit is neither mg nor g (the reader leaves DoseMg null and says why). Doses are read
        // for courses from 365 days before the current attack's onset (frequent courses, R8.4) to asOf; without an
        // attack, from asOf − 365 days. One error per resource (an order expands into one dose per day).
        // A38: a dose in an unknown unit from onset − 365 days (else asOf − 365) to asOf is rejected, once per resource.
        var doseWindowStart = (ctx.Onset ?? asOf).AddDays(-Thresholds.FrequentCoursesLookbackDays);
        HashSet<string>? reported = null;
        foreach (var dose in ctx.Doses)
        {
            if (dose.UnitProblem is { } doseUnit && dose.Day >= doseWindowStart && (reported ??= new(StringComparer.Ordinal)).Add(dose.Source.Resource))
            {
                errors.Add(new InputError(UnknownUnit, $"Steroid dose of {Text.Date(dose.Day)}: {doseUnit} (expected mg or g).", DoseSource(dose.Source)));
            }
        }

        return errors.ToImmutable();
    }

    /// <summary>
    /// R0 "abatement before onset", with Conventions "Dates are compared as calendar dates" (A45): when both values carry
    /// a time they are compared as instants as written; when either is date-only, only the calendar dates are compared, so
    /// an abatement on the onset's date is never "before" it. (<see cref="ClinicalTime.CompareTo"/> sorts a date-only
    /// value before any time on its date: right for ordering, wrong for this test.)
    /// </summary>
    /// <summary>
    /// Where a date-order error points: the abatement (a dateTime or a Period's end), whatever element the fact's source
    /// names (a relapse's is its onset, another condition's its code).
    /// </summary>
    private const string AbatementPath = "Condition.abatement";

    private static bool AbatesBeforeOnset(ClinicalTime onset, ClinicalTime abatement) =>
        onset.HasTime && abatement.HasTime ? abatement < onset : abatement.Date < onset.Date;

    /// <summary>The dose element of a medication resource, for an error that points at it.</summary>
    private static SourceRef DoseSource(SourceRef source)
    {
        if (source.Path is not null)
        {
            return source;
        }

        var slash = source.Resource.IndexOf('/', StringComparison.Ordinal);
        var type = slash < 0 ? source.Resource : source.Resource[..slash];
        return source.At(type switch
        {
            "MedicationAdministration" => "MedicationAdministration.dosage.dose",
            "MedicationRequest" => "MedicationRequest.dosageInstruction.doseAndRate.doseQuantity",
            "MedicationStatement" => "MedicationStatement.dosage.doseAndRate.doseQuantity",
            _ => type + ".dose",
        });
    }

    /// <summary>Whether R0 judges this measurement: dated by asOf and within the window in which a rule reads it.</summary>
    private static bool Judged(EvaluationContext ctx, Measurement m)
    {
        var date = m.When.Date;
        if (date > ctx.AsOf)
        {
            return false;
        }

        return m.Kind switch
        {
            MeasurementKind.WeightKg => ctx.Within(date, ctx.IsChild ? Thresholds.WeightRecentDaysChild : Thresholds.WeightRecentDaysAdult),
            // A46: judged where it is read — any date when measured at 18 or over (or the age is unknown), else 90 days.
            MeasurementKind.HeightCm => RecentMeasurements.HeightCounts(ctx.Record.BirthDate, date, ctx.AsOf),
            MeasurementKind.HematocritPercent or MeasurementKind.CalciumMgPerDl or MeasurementKind.FibrinogenMgPerDl => ctx.Within(date, Thresholds.LabRecentDays),
            MeasurementKind.SystolicMmHg => ctx.Within(date, Thresholds.BloodPressureRecentDays),
            // A27: temperature is read for current fever (last 3 days) and for R2.3's window around the attack's onset.
            MeasurementKind.TemperatureCelsius => ctx.Within(date, Thresholds.FeverCurrentDays) || InTriggerWindow(ctx, date),
            _ => false, // IgG and HbA1c: no rule reads them
        };
    }

    public static bool InTriggerWindow(EvaluationContext ctx, DateOnly date) =>
        ctx.Onset is { } onset && date >= onset.AddDays(-Thresholds.TriggerWindowBeforeOnsetDays) && date <= onset.AddDays(Thresholds.TriggerWindowAfterOnsetDays) && date <= ctx.AsOf;

    private static string? Range(double value, double min, double max, string label, string unit) =>
        double.IsFinite(value) && value >= min && value <= max ? null
            : string.Create(CultureInfo.InvariantCulture, $"{label} {Quantity.Show(value)} {unit} is outside {min}–{max} {unit}");

    private static string Label(MeasurementKind kind) => kind switch
    {
        MeasurementKind.WeightKg => "Weight",
        MeasurementKind.HeightCm => "Height",
        MeasurementKind.HematocritPercent => "Hematocrit",
        MeasurementKind.TemperatureCelsius => "Temperature",
        MeasurementKind.SystolicMmHg => "Systolic pressure",
        MeasurementKind.CalciumMgPerDl => "Calcium",
        MeasurementKind.FibrinogenMgPerDl => "Fibrinogen",
        MeasurementKind.IgGMgPerDl => "IgG",
        MeasurementKind.HbA1cPercent => "HbA1c",
        _ => kind.ToString(),
    };

    private static string ExpectedUnit(MeasurementKind kind) => kind switch
    {
        MeasurementKind.WeightKg => "kg, g or [lb_av]",
        MeasurementKind.HeightCm => "cm, m or [in_i]",
        MeasurementKind.HematocritPercent => "%, or a fraction with UCUM 1 or L/L",
        MeasurementKind.TemperatureCelsius => "Cel or [degF]",
        MeasurementKind.SystolicMmHg => "mm[Hg]",
        MeasurementKind.CalciumMgPerDl => "mg/dL or mmol/L",
        MeasurementKind.FibrinogenMgPerDl => "mg/dL or g/L",
        _ => "a UCUM unit",
    };

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
