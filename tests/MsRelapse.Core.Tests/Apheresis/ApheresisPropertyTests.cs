using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Tests.Apheresis;

/// <summary>Valid plasma exchange requests: adults and children, every allowed n and course length.</summary>
public static class ApheresisArbitraries
{
    public static Arbitrary<PlasmaExchangeRequest> Requests() =>
        (from sex in Gen.Elements(Sex.Male, Sex.Female)
         from heightMm in Gen.Choose(400, 2500)
         from weightHg in Gen.Choose(20, 4000)
         from hctTenths in Gen.Choose(100, 700)
         from nHundredths in Gen.Choose(100, 150)
         from exchanges in Gen.Choose(5, 7)
         select new PlasmaExchangeRequest
         {
             Sex = sex,
             HeightCm = heightMm / 10.0,
             WeightKg = weightHg / 10.0,
             HematocritPercent = hctTenths / 10.0,
             PlasmaVolumesPerExchange = nHundredths / 100.0,
             Exchanges = exchanges,
             StartDate = new DateOnly(2026, 5, 13),
         }).ToArbitrary();
}

/// <summary>Invariants of the plasma exchange plan (style.md: "removal fraction falls as exchange volume grows").</summary>
[Properties(Arbitrary = [typeof(ApheresisArbitraries)], MaxTest = 500)]
public sealed class ApheresisPropertyTests
{
    [Property]
    public bool More_plasma_volumes_remove_more_and_leave_less_IgG(PlasmaExchangeRequest request, PositiveInt step)
    {
        var larger = Math.Min(1.5, request.PlasmaVolumesPerExchange + (step.Get % 50 / 100.0) + 0.01);
        if (larger <= request.PlasmaVolumesPerExchange)
        {
            return true;
        }

        var a = PlasmaExchangePlanner.Plan(request);
        var b = PlasmaExchangePlanner.Plan(request with { PlasmaVolumesPerExchange = larger });
        return b.SingleExchangeRemovalFraction > a.SingleExchangeRemovalFraction
            && b.FractionRemainingPerExchange < a.FractionRemainingPerExchange
            && b.TotalBodyIgGRemainingFraction < a.TotalBodyIgGRemainingFraction
            && b.ExchangeVolumeMl > a.ExchangeVolumeMl;
    }

    [Property]
    public bool Total_body_IgG_falls_at_every_session(PlasmaExchangeRequest request)
    {
        var predicted = PlasmaExchangePlanner.Plan(request).PredictedIgG;
        var previous = 1.0;
        foreach (var p in predicted)
        {
            if (!(p.TotalBodyFractionAfter < previous && p.TotalBodyFractionAfter > 0 && p.PlasmaFractionOfBaseline < p.TotalBodyFractionAfter))
            {
                return false;
            }

            previous = p.TotalBodyFractionAfter;
        }

        return predicted.Length == request.Exchanges;
    }

    [Property]
    public bool Albumin_vials_cover_the_grams_with_less_than_one_vial_to_spare(PlasmaExchangeRequest request)
    {
        var plan = PlasmaExchangePlanner.Plan(request);
        var grams = plan.AlbuminGramsPerExchange!.Value;
        var vials = plan.AlbuminVialsPerExchange!.Value;
        return vials * 12.5 >= grams - 1e-6 && (vials - 1) * 12.5 < grams;
    }

    [Property]
    public bool Plasma_volume_is_blood_volume_times_one_minus_hematocrit(PlasmaExchangeRequest request)
    {
        var plan = PlasmaExchangePlanner.Plan(request);
        var expected = plan.TotalBloodVolumeMl!.Value * (1 - (request.HematocritPercent!.Value / 100));
        return Math.Abs(plan.PlasmaVolumeMl!.Value - expected) < 1e-6
            && plan.Method == (request.WeightKg < 25 ? "weight-based" : "nadler");
    }

    [Property]
    public bool Sessions_are_two_days_apart(PlasmaExchangeRequest request)
    {
        var schedule = PlasmaExchangePlanner.Plan(request).Schedule;
        return schedule.Zip(schedule.Skip(1)).All(pair => pair.Second.Date.DayNumber - pair.First.Date.DayNumber == 2)
            && schedule[0].Date == request.StartDate;
    }
}
