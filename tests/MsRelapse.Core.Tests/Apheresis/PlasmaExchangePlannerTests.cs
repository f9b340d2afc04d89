using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Tests.Apheresis;

/// <summary>Worked examples of clinical.md "Plasma exchange plan", computed by hand (arithmetic in each test).</summary>
public sealed class PlasmaExchangePlannerTests
{
    private static readonly DateOnly Start = new(2026, 5, 13);

    private static PlasmaExchangeRequest Man181cm82kgHct44 => new()
    {
        Sex = Sex.Male, HeightCm = 181, WeightKg = 82, HematocritPercent = 44, StartDate = Start,
    };

    [Fact]
    public void Shared_example_man_181_cm_82_kg_hematocrit_44_percent()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44);

        // Nadler (men): 0.3669 × 1.81³ + 0.03219 × 82 + 0.6041
        //   = 0.3669 × 5.929741 + 2.63958 + 0.6041 = 2.175622 + 2.63958 + 0.6041 = 5.419302 L.
        Assert.Equal("nadler", plan.Method);
        Assert.Equal(5419.302, plan.TotalBloodVolumeMl!.Value, 0.001);
        // PV = 5419.302 × (1 − 0.44) = 3034.809 mL; 1.0 PV exchanged → 3034.809 mL.
        Assert.Equal(3034.809, plan.PlasmaVolumeMl!.Value, 0.001);
        Assert.Equal(3034.809, plan.ExchangeVolumeMl!.Value, 0.001);
        // Kaplan: 0.065 × 82 × 0.56 = 2.9848 L.
        Assert.Equal(2984.8, plan.KaplanPlasmaVolumeMl!.Value, 0.001);
        // Albumin: 3034.809 mL × 0.05 g/mL = 151.74 g → 151.74 / 12.5 = 12.14 → 13 vials.
        Assert.Equal(151.740, plan.AlbuminGramsPerExchange!.Value, 0.001);
        Assert.Equal(13, plan.AlbuminVialsPerExchange);
        Assert.Empty(plan.MissingItems);
        Assert.Equal(3035, PlanRounding.Millilitres(plan.PlasmaVolumeMl.Value));
        Assert.Equal(5419, PlanRounding.Millilitres(plan.TotalBloodVolumeMl.Value));
    }

    [Fact]
    public void Default_course_is_five_exchanges_every_other_day_from_the_start_date()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44);

        Assert.Equal(5, plan.Exchanges);
        Assert.Equal(2, plan.IntervalDays);
        Assert.Equal(
            [new(1, new(2026, 5, 13)), new(2, new(2026, 5, 15)), new(3, new(2026, 5, 17)), new(4, new(2026, 5, 19)), new(5, new(2026, 5, 21))],
            plan.Schedule.ToArray());
        Assert.Equal(new DateOnly(2026, 5, 21), plan.LastSessionDate);
        Assert.Equal(new DateOnly(2026, 6, 18), plan.LateReassessmentDate); // 21 May + 28 days
    }

    [Fact]
    public void One_plasma_volume_leaves_36_8_percent_per_exchange_and_18_8_percent_of_body_IgG_after_five()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44);

        // e^−1 = 0.367879; per session the body keeps 1 − 0.45 × 0.632121 = 0.715546; 0.715546⁵ = 0.187580.
        Assert.Equal(0.367879, plan.FractionRemainingPerExchange, 0.000001);
        Assert.Equal(0.632121, plan.SingleExchangeRemovalFraction, 0.000001);
        Assert.Equal(0.187580, plan.TotalBodyIgGRemainingFraction, 0.000001);
        Assert.Equal("18.8 %", PlanRounding.Percent(plan.TotalBodyIgGRemainingFraction));
    }

    [Fact]
    public void Predicted_IgG_per_session_follows_the_two_compartment_model()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44);

        // Session 1: plasma right after = e^−1 = 0.367879 of baseline; body after = 0.715546.
        // Session 2: plasma starts at 0.715546 (re-equilibrated) → 0.715546 × 0.367879 = 0.263235; body 0.715546² = 0.512006.
        Assert.Equal(5, plan.PredictedIgG.Length);
        Assert.Equal(0.367879, plan.PredictedIgG[0].PlasmaFractionOfBaseline, 0.000001);
        Assert.Equal(0.715546, plan.PredictedIgG[0].TotalBodyFractionAfter, 0.000001);
        Assert.Equal(0.263235, plan.PredictedIgG[1].PlasmaFractionOfBaseline, 0.000001);
        Assert.Equal(0.512006, plan.PredictedIgG[1].TotalBodyFractionAfter, 0.000001);
        Assert.All(plan.PredictedIgG, p => Assert.Equal(0.367879, p.PlasmaFractionOfPreExchange, 0.000001));
        Assert.Equal([1, 2, 3, 4, 5], plan.PredictedIgG.Select(p => p.Session));
    }

    [Fact]
    public void One_and_a_half_plasma_volumes_remove_77_7_percent_per_exchange_never_88()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { PlasmaVolumesPerExchange = 1.5 });

        // e^−1.5 = 0.223130 → removal 0.776870 (77.7 %).
        Assert.Equal(0.223130, plan.FractionRemainingPerExchange, 0.000001);
        Assert.Equal("77.7 %", PlanRounding.Percent(plan.SingleExchangeRemovalFraction));
        // Exchange = 3034.809 × 1.5 = 4552.213 mL; albumin 227.61 g → 18.21 → 19 vials.
        Assert.Equal(4552.213, plan.ExchangeVolumeMl!.Value, 0.001);
        Assert.Equal(227.611, plan.AlbuminGramsPerExchange!.Value, 0.001);
        Assert.Equal(19, plan.AlbuminVialsPerExchange);
        // Body: 1 − 0.45 × 0.776870 = 0.650409; 0.650409⁵ = 0.116394.
        Assert.Equal(0.116394, plan.TotalBodyIgGRemainingFraction, 0.000001);
    }

    [Fact]
    public void Seven_exchanges_run_over_thirteen_days_and_leave_9_6_percent_of_body_IgG()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { Exchanges = 7 });

        Assert.Equal(7, plan.Schedule.Length);
        Assert.Equal(new DateOnly(2026, 5, 25), plan.Schedule[^1].Date); // 13 May + 6 × 2 days
        // 0.715546⁷ = 0.096042.
        Assert.Equal(0.096042, plan.TotalBodyIgGRemainingFraction, 0.000001);
    }

    [Fact]
    public void Woman_165_cm_60_kg_hematocrit_38_percent()
    {
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest
        {
            Sex = Sex.Female, HeightCm = 165, WeightKg = 60, HematocritPercent = 38, StartDate = Start,
        });

        // Nadler (women): 0.3561 × 1.65³ + 0.03308 × 60 + 0.1833 = 0.3561 × 4.492125 + 1.9848 + 0.1833
        //   = 1.599646 + 1.9848 + 0.1833 = 3.767746 L; PV = × 0.62 = 2336.002 mL.
        Assert.Equal("nadler", plan.Method);
        Assert.Equal(3767.746, plan.TotalBloodVolumeMl!.Value, 0.001);
        Assert.Equal(2336.002, plan.PlasmaVolumeMl!.Value, 0.001);
        // Kaplan: 0.065 × 60 × 0.62 = 2.418 L. Albumin: 2336.002 × 0.05 = 116.80 g → 9.34 → 10 vials.
        Assert.Equal(2418, plan.KaplanPlasmaVolumeMl!.Value, 0.001);
        Assert.Equal(116.800, plan.AlbuminGramsPerExchange!.Value, 0.001);
        Assert.Equal(10, plan.AlbuminVialsPerExchange);
    }

    [Fact]
    public void Child_under_25_kg_uses_70_mL_per_kg_without_height_or_sex()
    {
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest { WeightKg = 20, HematocritPercent = 36, StartDate = Start });

        // TBV = 70 × 20 = 1400 mL; PV = 1400 × 0.64 = 896 mL; albumin 44.8 g → 3.58 → 4 vials.
        Assert.Equal("weight-based", plan.Method);
        Assert.Equal(1400, plan.TotalBloodVolumeMl!.Value, 0.000001);
        Assert.Equal(896, plan.PlasmaVolumeMl!.Value, 0.000001);
        Assert.Equal(44.8, plan.AlbuminGramsPerExchange!.Value, 0.000001);
        Assert.Equal(4, plan.AlbuminVialsPerExchange);
        Assert.Empty(plan.MissingItems);
    }

    [Fact]
    public void Exactly_25_kg_is_not_under_25_and_uses_Nadler()
    {
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest
        {
            Sex = Sex.Female, HeightCm = 120, WeightKg = 25, HematocritPercent = 35, StartDate = Start,
        });

        // 0.3561 × 1.2³ + 0.03308 × 25 + 0.1833 = 0.615341 + 0.827 + 0.1833 = 1.625641 L (70 mL/kg would give 1750 mL).
        Assert.Equal("nadler", plan.Method);
        Assert.Equal(1625.641, plan.TotalBloodVolumeMl!.Value, 0.001);
    }

    [Fact]
    public void Exactly_25_kg_without_height_needs_the_height()
    {
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest { Sex = Sex.Female, WeightKg = 25, HematocritPercent = 35, StartDate = Start });

        Assert.Equal(["height"], plan.MissingItems.AsEnumerable());
        Assert.Null(plan.TotalBloodVolumeMl);
    }

    [Fact]
    public void Just_under_25_kg_is_weight_based()
    {
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest { WeightKg = 24.9, HematocritPercent = 35, StartDate = Start });

        Assert.Equal("weight-based", plan.Method);
        Assert.Equal(1743, plan.TotalBloodVolumeMl!.Value, 0.000001); // 70 × 24.9
    }

    [Fact]
    public void Missing_measurements_give_no_volumes_but_the_schedule_stands()
    {
        var plan = PlasmaExchangePlanner.Plan(new PlasmaExchangeRequest { StartDate = Start });

        Assert.Equal(["weight", "height", "sex", "hematocrit"], plan.MissingItems.AsEnumerable());
        Assert.Null(plan.Method);
        Assert.Null(plan.TotalBloodVolumeMl);
        Assert.Null(plan.PlasmaVolumeMl);
        Assert.Null(plan.KaplanPlasmaVolumeMl);
        Assert.Null(plan.ExchangeVolumeMl);
        Assert.Null(plan.AlbuminGramsPerExchange);
        Assert.Null(plan.AlbuminVialsPerExchange);
        Assert.Equal(5, plan.Schedule.Length);
        Assert.Equal(0.187580, plan.TotalBodyIgGRemainingFraction, 0.000001);
        Assert.NotEmpty(plan.Monitoring);
    }

    [Theory]
    [InlineData(Sex.Other)]
    [InlineData(Sex.Unknown)]
    public void Sex_other_than_male_or_female_gives_no_adult_volumes(Sex sex)
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { Sex = sex });

        Assert.Equal(["sex"], plan.MissingItems.AsEnumerable());
        Assert.Null(plan.TotalBloodVolumeMl);
        Assert.Equal("nadler", plan.Method);
    }

    [Fact]
    public void Missing_hematocrit_alone_is_named()
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { HematocritPercent = null });

        Assert.Equal(["hematocrit"], plan.MissingItems.AsEnumerable());
        Assert.Null(plan.PlasmaVolumeMl);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(70)]
    public void Hematocrit_at_the_range_limits_is_accepted(double hct)
    {
        var plan = PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { HematocritPercent = hct });

        Assert.Equal(5419.302 * (1 - (hct / 100)), plan.PlasmaVolumeMl!.Value, 0.001);
    }

    [Theory]
    [InlineData(9.99, "hematocrit 9.99 % is outside 10–70 %")]
    [InlineData(70.1, "hematocrit 70.1 % is outside 10–70 %")]
    [InlineData(0.44, "hematocrit 0.44 looks like a fraction: give it in percent (e.g. 44 for 0.44)")]
    [InlineData(1, "hematocrit 1 looks like a fraction")]
    public void Impossible_hematocrit_throws_with_a_clear_message(double hct, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { HematocritPercent = hct }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.9, "plasma volumes per exchange 0.9 is outside 1.0–1.5")]
    [InlineData(1.6, "plasma volumes per exchange 1.6 is outside 1.0–1.5")]
    public void Plasma_volumes_outside_1_to_1_5_are_refused(double n, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { PlasmaVolumesPerExchange = n }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Exchanges_outside_5_to_7_are_refused(int exchanges)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PlasmaExchangePlanner.Plan(Man181cm82kgHct44 with { Exchanges = exchanges }));

        Assert.Contains($"exchanges {exchanges} is outside 5–7", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.99, null)]
    [InlineData(400.5, null)]
    [InlineData(null, 39.9)]
    [InlineData(null, 251.0)]
    public void Weight_or_height_out_of_range_is_refused(double? weightKg, double? heightCm)
    {
        var request = Man181cm82kgHct44 with { WeightKg = weightKg ?? 82, HeightCm = heightCm ?? 181 };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PlasmaExchangePlanner.Plan(request));

        Assert.Contains(weightKg is null ? "height" : "weight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_covers_citrate_fibrinogen_blood_pressure_access_ACE_inhibitors_and_reassessment()
    {
        var monitoring = PlasmaExchangePlanner.Plan(Man181cm82kgHct44).Monitoring;

        Assert.Collection(
            monitoring,
            m => Assert.Contains("calcium", m, StringComparison.Ordinal),
            m => Assert.StartsWith("Fibrinogen before the 3rd exchange", m, StringComparison.Ordinal),
            m => Assert.StartsWith("Blood pressure", m, StringComparison.Ordinal),
            m => Assert.Contains("access site", m, StringComparison.Ordinal),
            m => Assert.StartsWith("Hold ACE inhibitors", m, StringComparison.Ordinal),
            m => Assert.Contains("end of the course (2026-05-21) and 28 days after the last session (2026-06-18", m, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(125.0, 10)]
    [InlineData(125.00000000000001, 10)] // floating-point noise on an exact 125 g must not add a vial
    [InlineData(125.01, 11)]
    [InlineData(12.4, 1)]
    public void Albumin_vials_of_12_5_g_are_rounded_up(double grams, int vials) =>
        Assert.Equal(vials, PlasmaExchangePlanner.AlbuminVials(grams));
}
