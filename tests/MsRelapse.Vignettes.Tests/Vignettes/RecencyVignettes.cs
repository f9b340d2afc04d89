using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>Which facts count: asOf replay, recency windows, stale problem lists, entered-in-error.</summary>
public sealed class RecencyVignettes
{
    // Conventions: "Resources dated after asOf are not yet known: they are ignored" — a relapse starting in two
    // days does not exist yet.
    [Fact]
    public void Relapse_with_onset_after_asOf_is_not_yet_known()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(2)).Edss(Day(3), 5.0));
        Expect.Status(r, "no-episode");
    }

    // Conventions: an EDSS of 9.0 dated tomorrow is ignored: nadir stays 4.0 (rise 2.0 → severe, not 7.0).
    [Fact]
    public void Edss_dated_after_asOf_does_not_change_the_nadir()
    {
        var r = Evaluate.Run(Woman().Attack(2, 4.0).Edss(Day(1), 9.0));
        Expect.Near(r, 4.0, r.Nadir(), 0.001, "nadir");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }

    // Recency: weight "in the last 90 days" for adults; older → missing data, no volumes.
    [Theory]
    [InlineData(90, true)]
    [InlineData(91, false)]
    public void Adult_weight_counts_for_ninety_days(int weightDaysAgo, bool used)
    {
        var r = Evaluate.Run(Woman().Height(Day(-1), 168).Hematocrit(Day(-1), 39).Weight(Day(-weightDaysAgo), 64)
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        Expect.Primary(r, "plasma-exchange");
        var tbv = Out.Num(r.PlasmaExchangePlan()?["totalBloodVolumeMl"]);
        if (used)
        {
            Expect.True(r, tbv is not null, "volumes computed");
            Expect.NotMissing(r, "weight");
        }
        else
        {
            Expect.True(r, tbv is null, "no volumes");
            Expect.Missing(r, "weight");
        }
    }

    // Recency: hematocrit "in the last 30 days"; older → missing data hematocrit.
    [Theory]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public void Hematocrit_counts_for_thirty_days(int hctDaysAgo, bool used)
    {
        var r = Evaluate.Run(Woman().Height(Day(-1), 168).Weight(Day(-1), 64).Hematocrit(Day(-hctDaysAgo), 39)
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        var pv = Out.Num(r.PlasmaExchangePlan()?["plasmaVolumeMl"]);
        if (used)
        {
            Expect.True(r, pv is not null, "plasma volume computed");
        }
        else
        {
            Expect.True(r, pv is null, "no plasma volume");
            Expect.Missing(r, "hematocrit");
        }
    }

    // Recency: "height any time at ≥ 18": a height from five years ago still gives volumes.
    [Fact]
    public void Adult_height_from_years_ago_is_still_used()
    {
        var r = Evaluate.Run(Woman().Height(Dates.D("2021-03-01"), 168).Weight(Day(-1), 64).Hematocrit(Day(-1), 39)
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        Expect.True(r, Out.Num(r.PlasmaExchangePlan()?["totalBloodVolumeMl"]) is not null, "volumes computed");
        Expect.NotMissing(r, "height");
    }

    // Recency: "height any time at ≥ 18 (else 90 days)", read by the age at measurement (A46): a man of 20 whose only
    // height (135 cm) was measured at 10 has no usable height, so no plasma-exchange volumes are computed from it (a
    // child's height would under-size the exchange); the height is named as missing.
    [Trait("Ruling", "A46")]
    [Fact]
    public void Height_measured_in_childhood_is_not_used_for_a_young_adult()
    {
        var r = Evaluate.Run(RefractoryManOf20(heightMeasured: Dates.D("2016-06-01"), heightCm: 135));
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.True(r, Out.Num(r.PlasmaExchangePlan()?["totalBloodVolumeMl"]) is null, "no volumes from a childhood height");
        Expect.Missing(r, "height");
    }

    // A46: the same man's height measured after his 18th birthday counts at any date.
    [Trait("Ruling", "A46")]
    [Fact]
    public void Height_measured_at_eighteen_or_over_is_still_used_years_later()
    {
        var r = Evaluate.Run(RefractoryManOf20(heightMeasured: Dates.D("2024-09-01"), heightCm: 178));
        Expect.True(r, Out.Num(r.PlasmaExchangePlan()?["totalBloodVolumeMl"]) is not null, "volumes computed");
        Expect.NotMissing(r, "height");
    }

    /// <summary>A man of 20 whose IV pulse has failed (plasma exchange next), weighed yesterday, with one height.</summary>
    private static PatientBundle RefractoryManOf20(DateOnly heightMeasured, double heightCm) =>
        new PatientBundle(AsOf).Male(20).Ms().Edss(BaselineDate, 2.0)
            .Height(heightMeasured, heightCm).Weight(Day(-1), 70).Hematocrit(Day(-1), 44)
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5);

    // Recency: "Problem lists go stale": an infection left active since last year is not a current infection.
    [Fact]
    public void Urinary_infection_left_active_since_last_year_is_ignored()
    {
        var r = Evaluate.Run(Woman().Uti(Dates.D("2025-03-01")).Attack(2, 3.0));
        Expect.Status(r, "relapse");
        Expect.NoFlag(r, "infection");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // fhir-profile: an entered-in-error resource is ignored — an AQP4 result entered in error does not suggest NMOSD.
    [Fact]
    public void Aqp4_result_entered_in_error_is_ignored()
    {
        var r = Evaluate.Run(Woman().Aqp4Positive(Day(-1)).EnteredInError().Attack(2, 3.0));
        Expect.NoFlag(r, "possible-nmosd");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // fhir-profile: "for a Condition, verificationStatus entered-in-error or refuted" → ignored.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Relapse_record_entered_in_error_or_refuted_is_ignored(bool enteredInError)
    {
        var b = Woman().Relapse(Day(-2));
        b = enteredInError ? b.EnteredInError() : b.Refuted();
        var r = Evaluate.Run(b.Edss(Day(-1), 4.0));
        Expect.Status(r, "no-episode");
    }

    // fhir-profile: an impossible EDSS entered in error is ignored, not rejected (R0 judges what the engine reads).
    [Fact]
    public void Impossible_edss_entered_in_error_is_not_judged()
    {
        var r = Evaluate.Run(Woman().Attack(2, 4.0).Edss(Day(-1), 11).EnteredInError());
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }

    // fhir-profile: a steroid administration entered in error was not given → untreated.
    [Fact]
    public void Steroid_administration_entered_in_error_does_not_count()
    {
        var b = Woman().Attack(4, 4.5).SteroidDose(FhirCodes.Methylprednisolone, Day(-2), 1000, FhirCodes.RouteIv).EnteredInError();
        var r = Evaluate.Run(b);
        Expect.Stage(r, "untreated");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }
}
