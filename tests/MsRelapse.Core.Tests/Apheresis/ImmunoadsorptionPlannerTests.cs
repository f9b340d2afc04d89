using MsRelapse.Core.Apheresis;

namespace MsRelapse.Core.Tests.Apheresis;

/// <summary>clinical.md "Immunoadsorption plan" (E-IA-DORST-2019).</summary>
public sealed class ImmunoadsorptionPlannerTests
{
    [Fact]
    public void Five_sessions_every_other_day_with_no_replacement_fluid()
    {
        var plan = ImmunoadsorptionPlanner.Plan(new DateOnly(2026, 5, 13));

        Assert.Equal(5, plan.Sessions);
        Assert.Equal(2, plan.IntervalDays);
        Assert.Equal([13, 15, 17, 19, 21], plan.Schedule.Select(s => s.Date.Day));
        Assert.Equal("none", plan.ReplacementFluid);
        Assert.Equal("2.0–2.5 plasma volumes (set by the apheresis unit)", plan.ProcessedPlasmaVolumesPerSession);
        Assert.Equal(new DateOnly(2026, 6, 18), plan.LateReassessmentDate); // 21 May + 28 days
    }

    [Fact]
    public void Daily_sessions_run_over_five_consecutive_days()
    {
        var plan = ImmunoadsorptionPlanner.Plan(new DateOnly(2026, 5, 30), daily: true);

        Assert.Equal(1, plan.IntervalDays);
        Assert.Equal(
            [new DateOnly(2026, 5, 30), new DateOnly(2026, 5, 31), new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 2), new DateOnly(2026, 6, 3)],
            plan.Schedule.Select(s => s.Date));
    }

    [Fact]
    public void Monitoring_is_that_of_plasma_exchange_without_the_albumin_items()
    {
        var plan = ImmunoadsorptionPlanner.Plan(new DateOnly(2026, 5, 13));

        Assert.DoesNotContain(plan.Monitoring, m => m.Contains("Fibrinogen", StringComparison.Ordinal) || m.Contains("albumin", StringComparison.Ordinal));
        Assert.Contains(plan.Monitoring, m => m.Contains("calcium", StringComparison.Ordinal));
        Assert.Contains(plan.Monitoring, m => m.StartsWith("Blood pressure", StringComparison.Ordinal));
        Assert.Contains(plan.Monitoring, m => m.Contains("28 days after the last session (2026-06-18", StringComparison.Ordinal));
    }
}
