using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>
/// R0 — impossible input is rejected with a clear error naming the resource and element, and no recommendation
/// is made. Every bundle here is an otherwise ordinary severe attack (onset two days ago, EDSS 4.0 yesterday).
/// </summary>
public sealed class R0ValidationVignettes
{
    private static PatientBundle Ordinary() => Woman().Attack(2, 4.0);

    // R0: "EDSS outside 0–10".
    [Fact]
    public void Edss_above_ten_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Edss(Day(-1), 10.5).Id("edss-bad"));
        Expect.ErrorAt(errors, "edss-bad", "value");
    }

    // R0: "not a multiple of 0.5".
    [Fact]
    public void Edss_that_is_not_a_multiple_of_half_a_point_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Edss(Day(-1), 3.25).Id("edss-bad"));
        Expect.ErrorAt(errors, "edss-bad", "value");
    }

    // R0: "or 0.5 (not a Kurtzke step)".
    [Fact]
    public void Edss_of_half_a_point_is_not_a_Kurtzke_step_and_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Edss(Day(-1), 0.5).Id("edss-bad"));
        Expect.ErrorAt(errors, "edss-bad", "value");
    }

    // R0: "R0 judges ... (and every EDSS assessment)": an impossible EDSS from years ago still rejects the input.
    [Fact]
    public void Impossible_edss_from_years_ago_is_still_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Edss(Dates.D("2015-06-01"), 11).Id("edss-old"));
        Expect.ErrorAt(errors, "edss-old", "value");
    }

    // Conventions: "Resources dated after asOf are not yet known: they are ignored, never an error".
    [Fact]
    public void Impossible_edss_dated_after_asOf_is_not_yet_known_and_not_an_error()
    {
        var r = Evaluate.Run(Ordinary().Edss(Day(3), 11));
        Expect.Status(r, "relapse");
        Expect.Severity(r, "severe");
    }

    // R0: "an FS that is not an integer in its range" — pyramidal runs 0–6.
    [Fact]
    public void Functional_system_above_its_range_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().EdssFs(Day(-1), new Fs(Pyramidal: 7)).Id("fs-bad"));
        Expect.ErrorAt(errors, "fs-bad", "component");
    }

    // R0: "an FS that is not an integer".
    [Fact]
    public void Functional_system_that_is_not_an_integer_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().EdssFs(Day(-1), new Fs(Sensory: 2.5)).Id("fs-bad"));
        Expect.ErrorAt(errors, "fs-bad", "component");
    }

    // R0: "ambulation outside 0–16".
    [Fact]
    public void Ambulation_score_above_sixteen_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().EdssFs(Day(-1), new Fs(Ambulation: 17)).Id("fs-bad"));
        Expect.ErrorAt(errors, "fs-bad", "component");
    }

    // R0: "weight outside 2–400 kg" (in the recency window: yesterday).
    [Theory]
    [InlineData(1.5, "kg")]
    [InlineData(401, "kg")]
    [InlineData(900, "[lb_av]")] // 408 kg
    public void Impossible_weight_is_rejected(double value, string unit)
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Weight(Day(-1), value, unit).Id("weight-bad"));
        Expect.ErrorAt(errors, "weight-bad", "value");
    }

    // R0: "height outside 40–250 cm".
    [Theory]
    [InlineData(260, "cm")]
    [InlineData(0.3, "m")]
    public void Impossible_height_is_rejected(double value, string unit)
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Height(Day(-1), value, unit).Id("height-bad"));
        Expect.ErrorAt(errors, "height-bad", "value");
    }

    // R0: "hematocrit outside 10–70 %": both ends inclusive; a fraction in L/L is × 100 (0.42 → 42 %).
    [Theory]
    [InlineData(9.5, "%", false)]
    [InlineData(10, "%", true)]
    [InlineData(70, "%", true)]
    [InlineData(70.5, "%", false)]
    [InlineData(0.42, "L/L", true)]
    [InlineData(0.42, "1", true)]
    public void Hematocrit_is_accepted_from_ten_to_seventy_percent(double value, string unit, bool accepted)
    {
        var bundle = Ordinary().Hematocrit(Day(-1), value, unit).Id("hct-1");
        if (accepted)
        {
            Expect.Status(Evaluate.Run(bundle), "relapse");
        }
        else
        {
            Expect.ErrorAt(Evaluate.RunExpectingErrors(bundle), "hct-1", "value");
        }
    }

    // R0: "(a value ≤ 1 given in % is a fraction where percent is expected: say so)".
    [Fact]
    public void Hematocrit_fraction_written_as_percent_is_rejected_with_a_fraction_hint()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Hematocrit(Day(-1), 0.42, "%").Id("hct-1"));
        Expect.ErrorAt(errors, "hct-1", "value");
        Assert.Contains(errors, e => e.Message.Contains("fraction", StringComparison.OrdinalIgnoreCase));
    }

    // R0: "temperature outside 30–45 °C", in °C and in °F (115 °F = 46.1 °C).
    [Theory]
    [InlineData(46, "Cel")]
    [InlineData(29.5, "Cel")]
    [InlineData(115, "[degF]")]
    public void Impossible_temperature_is_rejected(double value, string unit)
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Temperature(Day(-1), value, unit).Id("temp-bad"));
        Expect.ErrorAt(errors, "temp-bad");
    }

    // R0: "systolic pressure outside 40–300 mmHg" (yesterday: inside the 2-day window).
    [Theory]
    [InlineData(310)]
    [InlineData(35)]
    public void Impossible_systolic_pressure_is_rejected(double systolic)
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().SystolicBp(Day(-1), systolic).Id("bp-bad"));
        Expect.ErrorAt(errors, "bp-bad");
    }

    // R0: "abatement before onset".
    [Fact]
    public void Relapse_abating_before_its_onset_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Woman().Relapse(Day(-2), abatement: Day(-4)).Id("relapse-bad").Edss(Day(-1), 4.0));
        // The error points at the abatement (the later date of the pair, which is wrong or the onset is), in the record.
        Expect.ErrorAt(errors, "relapse-bad", "abatement");
    }

    // R0: "abatement before onset" + Conventions: "Dates are compared as calendar dates" (A45). Onset 2026-05-01 08:00,
    // abatement 2026-05-01 (date only): the same day is not before it. The episode is evaluated — under 24 h, as the
    // 24-hour rule says for a date-only value on the same date — instead of being rejected.
    [Trait("Ruling", "A45")]
    [Fact]
    public void Relapse_with_a_timed_onset_and_a_date_only_abatement_the_same_day_is_not_rejected()
    {
        var r = Evaluate.Run(Woman().Relapse(Dates.At(Dates.D("2026-05-01"), 8), abatement: Dates.D("2026-05-01")).Edss(Dates.D("2026-05-02"), 2.0));
        Expect.Status(r, "not-a-relapse");
        Expect.Flag(r, "transient-under-24h", "info");
    }

    // A45: an infection of last year with that shape (onset 08:00, abatement the same date, date only) is not an input
    // error, so the current relapse is evaluated and treated.
    [Trait("Ruling", "A45")]
    [Fact]
    public void Old_infection_abated_on_its_timed_onset_date_does_not_block_a_current_relapse()
    {
        var r = Evaluate.Run(Woman().Pneumonia(Dates.At(Dates.D("2025-02-10"), 8), abatement: Dates.D("2025-02-10")).Attack(2, 3.0));
        Expect.Status(r, "relapse");
        Expect.NoFlag(r, "infection");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // A45: two times on one date are compared as instants: an abatement at 07:00 before an onset at 08:00 is rejected.
    [Trait("Ruling", "A45")]
    [Fact]
    public void Relapse_abating_an_hour_before_its_onset_the_same_day_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Woman().Relapse(Dates.At(Day(-2), 8), abatement: Dates.At(Day(-2), 7)).Id("relapse-bad").Edss(Day(-1), 4.0));
        Expect.ErrorAt(errors, "relapse-bad", "abatement");
    }

    // R0: "birth date after asOf".
    [Fact]
    public void Birth_date_after_asOf_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().BornOn(Day(10)));
        Expect.ErrorAt(errors, "Patient", "birthDate");
    }

    // R0: "an unknown ... unit on a value the engine uses (... the unit is Quantity.unit when not UCUM)".
    [Fact]
    public void Weight_in_an_unknown_unit_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(
            Ordinary().Measurement(FhirCodes.Weight, Day(-1), 11, "stone", ucum: false).Id("weight-stone"));
        Expect.ErrorAt(errors, "weight-stone");
    }

    // R0: "an unknown or missing unit".
    [Fact]
    public void Temperature_without_a_unit_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().Measurement(FhirCodes.Temperature, Day(-1), 38.5, null).Id("temp-nounit"));
        Expect.ErrorAt(errors, "temp-nounit");
    }

    // R0: "resources of more than one patient".
    [Fact]
    public void Bundle_with_two_patients_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().SecondPatient("p2"));
        Assert.NotEmpty(errors);
    }

    // R0 / fhir-profile.md: "Resources for other patients in one Bundle are an error."
    [Fact]
    public void Observation_about_another_patient_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Ordinary().ObservationOfAnotherPatient(Day(-1), "p2"));
        Assert.NotEmpty(errors);
    }

    // R0: "older values are not judged": a 500 kg weight 100 days ago lies outside the 90-day window.
    [Fact]
    public void Impossible_weight_older_than_its_recency_window_is_not_judged()
    {
        var r = Evaluate.Run(Ordinary().Weight(Day(-100), 500));
        Expect.Status(r, "relapse");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }

    // R0: "A medication dose without a unit is read as mg and the rationale says so." IV methylprednisolone
    // "1000" (no unit) × 5 days ending 3 days ago is therefore a course (≥ 500 mg): R6.1 too early.
    [Fact]
    public void Steroid_dose_without_a_unit_is_read_as_mg_and_the_rationale_says_so()
    {
        var b = Woman().Attack(10, 4.0);
        for (var d = -7; d <= -3; d++)
        {
            b.SteroidDose(FhirCodes.Methylprednisolone, Day(d), 1000, FhirCodes.RouteIv, unit: null);
        }

        var r = Evaluate.Run(b);
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "too-early");
        Expect.Rule(r, "R0");
        Expect.True(r, r.RationaleText().Contains("mg", StringComparison.OrdinalIgnoreCase), "rationale mentions mg");
    }

    // R0: "an unknown or missing unit on a value the engine uses". A methylprednisolone dose written as "1000 mL"
    // since the attack's onset could be a course (R6) or not: the engine cannot tell, so the input is rejected,
    // pointing at the administration's dose.
    [Fact]
    public void Steroid_dose_in_an_unknown_unit_since_onset_is_rejected()
    {
        var errors = Evaluate.RunExpectingErrors(Woman().Attack(10, 4.0)
            .SteroidDose(FhirCodes.Methylprednisolone, Day(-8), 1000, FhirCodes.RouteIv, unit: "mL").Id("mp-bad"));
        Expect.ErrorAt(errors, "mp-bad", "dose");
        Assert.Contains(errors, e => e.Code == "unknown-unit");
    }

    // The engine reads doses from 365 days before the attack's onset (frequent courses, R8.4): onset 10 days ago →
    // day −375 is judged, day −376 is not (older values are not judged).
    [Theory]
    [InlineData(-375, false)]
    [InlineData(-376, true)]
    public void Steroid_dose_in_an_unknown_unit_is_judged_only_from_a_year_before_onset(int doseDay, bool accepted)
    {
        var b = Woman().Attack(10, 4.0).SteroidDose(FhirCodes.Methylprednisolone, Day(doseDay), 1000, FhirCodes.RouteIv, unit: "mL").Id("mp-old");
        if (accepted)
        {
            Expect.Decision(Evaluate.Run(b), "iv-methylprednisolone", "urgent");
        }
        else
        {
            Expect.ErrorAt(Evaluate.RunExpectingErrors(b), "mp-old", "dose");
        }
    }
}
