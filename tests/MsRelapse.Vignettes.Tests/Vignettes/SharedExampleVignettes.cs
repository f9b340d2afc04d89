using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>The four shared sample bundles (shared/examples/README.md), as of 2026-05-11, with exactly the outcomes the
/// README states.</summary>
public sealed class SharedExampleVignettes
{
    private static DateOnly Day(int offset) => SharedExamples.AsOf.AddDays(offset);

    // README: "relapse, severe; primary iv-methylprednisolone 1,000 mg/day × 5 days, urgency urgent; flag dmt-review".
    [Fact]
    public void Severe_untreated_relapse_example_gets_urgent_iv_methylprednisolone()
    {
        var r = Evaluate.Run(SharedExamples.Load("severe-relapse-untreated"), SharedExamples.AsOf);
        Expect.Status(r, "relapse");
        Expect.Severity(r, "severe");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Flag(r, "dmt-review", "info");
        Expect.Near(r, 1000, Out.Num(r.SteroidPlan()?["doseMgPerDay"]), 0.001, "doseMgPerDay");
        Expect.True(r, Out.Num(r.SteroidPlan()?["days"]) == 5, "5 days");
    }

    // README: "relapse, severe, steroid response inadequate; primary plasma-exchange, urgent; alternatives
    // immunoadsorption, escalated-iv-methylprednisolone, ivig; flag tpe-caution-ace-inhibitor; plan: Nadler TBV ≈ 5,419
    // mL, PV ≈ 3,035 mL, 5 exchanges of ≈ 3,035 mL every other day from 2026-05-13 (asOf + 2: ramipril), 5 % albumin
    // ≈ 152 g (13 vials) each". Arithmetic: 0.3669 × 1.81³ + 0.03219 × 82 + 0.6041 = 5.4193 L; × (1 − 0.44) = 3.0348 L;
    // × 0.05 g/mL = 151.7 g → ⌈151.7 / 12.5⌉ = 13 vials.
    [Fact]
    public void Steroid_refractory_example_gets_plasma_exchange_with_the_stated_plan()
    {
        var r = Evaluate.Run(SharedExamples.Load("steroid-refractory-relapse"), SharedExamples.AsOf);
        Expect.Status(r, "relapse");
        Expect.Severity(r, "severe");
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.AlternativesInOrder(r, "immunoadsorption", "escalated-iv-methylprednisolone", "ivig");
        Expect.Flag(r, "tpe-caution-ace-inhibitor", "warning");
        var plan = r.PlasmaExchangePlan();
        Expect.Near(r, 5419, Out.Num(plan?["totalBloodVolumeMl"]), 2, "totalBloodVolumeMl");
        Expect.Near(r, 3035, Out.Num(plan?["plasmaVolumeMl"]), 2, "plasmaVolumeMl");
        Expect.Near(r, 3035, Out.Num(plan?["exchangeVolumeMl"]), 2, "exchangeVolumeMl");
        Expect.True(r, Out.Num(plan?["exchanges"]) == 5, "5 exchanges");
        Assert.Equal([Out.Iso(Day(2)), Out.Iso(Day(4)), Out.Iso(Day(6)), Out.Iso(Day(8)), Out.Iso(Day(10))], plan.Schedule().Select(s => s.Date).ToList());
        Expect.Near(r, 152, Out.Num(plan?["albuminGramsPerExchange"]), 0.5, "albuminGramsPerExchange");
        Expect.True(r, Out.Num(plan?["albuminVialsPerExchange"]) == 13, "13 vials");
    }

    // README: "pseudo-relapse-suspected; primary treat-trigger; flags fever, infection; steroids under notRecommended".
    [Fact]
    public void Pseudo_relapse_example_treats_the_fever_and_infection()
    {
        var r = Evaluate.Run(SharedExamples.Load("pseudo-relapse-with-fever"), SharedExamples.AsOf);
        Expect.Status(r, "pseudo-relapse-suspected");
        Expect.Primary(r, "treat-trigger");
        Expect.True(r, r.FlagSeverity("fever") is not null, "fever flag");
        Expect.True(r, r.FlagSeverity("infection") is not null, "infection flag");
        Expect.SteroidsNotRecommended(r);
    }

    // README: "relapse, severe; flag possible-nmosd (critical); primary plasma-exchange with iv-methylprednisolone and
    // specialist-review concurrent, urgency emergency". FS after onset: pyramidal 4, bowel-bladder 3 (converted 3),
    // sensory 2, ambulation 5 → ambulation step 6.0; baseline FS computes 1.5 → severe (rise 4.5 and ≥ 6.0 from < 6.0).
    [Fact]
    public void Aqp4_positive_myelitis_example_gets_emergency_plasma_exchange()
    {
        var r = Evaluate.Run(SharedExamples.Load("aqp4-positive-myelitis"), SharedExamples.AsOf);
        Expect.Status(r, "relapse");
        Expect.Severity(r, "severe");
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.Concurrent(r, "iv-methylprednisolone");
        Expect.Concurrent(r, "specialist-review");
        Expect.Near(r, 1.5, r.Baseline(), 0.001, "baseline");
        Expect.Near(r, 6.0, r.Nadir(), 0.001, "nadir");
    }
}
