using MsRelapse.Core.Model;
using MsRelapse.Core.Steroids;

namespace MsRelapse.Core.Tests.Steroids;

/// <summary>The regimens of clinical.md R5, R6, R9 and "Steroid plan", with totals and prednisone equivalents.</summary>
public sealed class SteroidRegimenTests
{
    [Fact]
    public void Oral_standard_is_500_mg_for_5_days_2500_mg_in_all()
    {
        var r = SteroidRegimens.OralStandard;

        Assert.Equal((SteroidDrug.Methylprednisolone, DoseRoute.Oral, 500.0, 5), (r.Drug, r.Route, r.DoseMgPerDay, r.Days));
        Assert.Equal(2500, r.TotalDoseMg);
        // 2500 mg methylprednisolone × 5/4 = 3125 mg prednisone.
        Assert.Equal(3125, r.PrednisoneEquivalentMg);
        Assert.Null(r.DoseMgPerKgPerDay);
    }

    [Fact]
    public void Oral_high_dose_is_1000_mg_for_3_days()
    {
        var r = SteroidRegimens.OralHighDose;

        Assert.Equal((DoseRoute.Oral, 1000.0, 3), (r.Route, r.DoseMgPerDay, r.Days));
        Assert.Equal(3000, r.TotalDoseMg);
        Assert.Equal(3750, r.PrednisoneEquivalentMg);
    }

    [Theory]
    [InlineData(3, 3000)]
    [InlineData(4, 4000)]
    [InlineData(5, 5000)]
    public void Intravenous_is_1000_mg_a_day_for_3_to_5_days(int days, double total)
    {
        var r = SteroidRegimens.Intravenous(days);

        Assert.Equal((DoseRoute.Intravenous, 1000.0, days), (r.Route, r.DoseMgPerDay, r.Days));
        Assert.Equal(total, r.TotalDoseMg);
    }

    [Fact]
    public void Intravenous_defaults_to_5_days() => Assert.Equal(5, SteroidRegimens.Intravenous().Days);

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    public void Intravenous_outside_3_to_5_days_is_refused(int days) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SteroidRegimens.Intravenous(days));

    [Fact]
    public void Escalated_intravenous_is_2000_mg_for_5_days()
    {
        var r = SteroidRegimens.EscalatedIntravenous;

        Assert.Equal((DoseRoute.Intravenous, 2000.0, 5), (r.Route, r.DoseMgPerDay, r.Days));
        Assert.Equal(10000, r.TotalDoseMg);
        Assert.Equal(12500, r.PrednisoneEquivalentMg);
    }

    [Theory]
    [InlineData(20, 600)] // 30 × 20 = 600
    [InlineData(23.5, 700)] // 30 × 23.5 = 705 → rounded down to 700
    [InlineData(33.3, 990)] // 30 × 33.3 = 999 → 990
    [InlineData(33.4, 1000)] // 30 × 33.4 = 1002 → 1000, also the maximum
    [InlineData(34, 1000)] // 1020 → capped at 1000
    [InlineData(60, 1000)]
    [InlineData(2, 60)]
    public void Children_get_30_mg_per_kg_rounded_down_to_10_mg_at_most_1000_mg_IV_for_5_days(double weightKg, double mgPerDay)
    {
        var r = SteroidRegimens.Pediatric(weightKg);

        Assert.Equal(mgPerDay, r.DoseMgPerDay);
        Assert.Equal(30, r.DoseMgPerKgPerDay);
        Assert.Equal((SteroidDrug.Methylprednisolone, DoseRoute.Intravenous, 5), (r.Drug, r.Route, r.Days));
        Assert.Equal(mgPerDay * 5, r.TotalDoseMg);
        Assert.True(r.DoseMgPerDay <= 30 * weightKg);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(401)]
    public void A_child_weight_outside_2_to_400_kg_is_refused(double weightKg) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SteroidRegimens.Pediatric(weightKg));

    [Theory]
    [InlineData(SteroidDrug.Methylprednisolone, 4, 5)]
    [InlineData(SteroidDrug.Methylprednisolone, 1000, 1250)]
    [InlineData(SteroidDrug.Prednisone, 60, 60)]
    [InlineData(SteroidDrug.Prednisolone, 60, 60)]
    public void Prednisone_equivalent_counts_methylprednisolone_4_mg_as_prednisone_5_mg(SteroidDrug drug, double mg, double prednisoneMg) =>
        Assert.Equal(prednisoneMg, SteroidRegimens.PrednisoneEquivalentMg(drug, mg));

    [Fact]
    public void A_regimen_needs_a_positive_dose_and_1_to_30_days()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SteroidRegimen(SteroidDrug.Prednisone, DoseRoute.Oral, 0, null, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SteroidRegimen(SteroidDrug.Prednisone, DoseRoute.Oral, 60, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SteroidRegimens.OralStandard with { Days = 31 });
    }
}
