using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>Plasma-exchange plan numbers (clinical.md "Plasma exchange plan"), computed by hand, and unit conversions.</summary>
public sealed class PlanVignettes
{
    // Woman 168 cm, 64 kg, Hct 39 %: Nadler women 0.3561 × 1.68³ + 0.03308 × 64 + 0.1833 = 1.6885 + 2.1171 + 0.1833
    // = 3.9889 L; PV = 3,988.9 × 0.61 = 2,433.2 mL = exchange volume (n = 1.0); albumin 2,433.2 × 0.05 = 121.7 g →
    // ⌈121.7 / 12.5⌉ = 10 vials; Kaplan 0.065 × 64 × 0.61 = 2.5376 L. IgG: e^(−1) = 0.368 per exchange; total body
    // after 5 = (1 − 0.45 × (1 − e^(−1)))^5 = 0.7155^5 = 0.188 (clinical.md: 18.8 %).
    [Fact]
    public void Plasma_exchange_plan_for_a_woman_follows_nadler_and_the_two_compartment_igg_model()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5));
        var plan = r.PlasmaExchangePlan();
        Expect.True(r, Out.Str(plan?["method"]) == "nadler", "method nadler");
        Expect.Near(r, 3989, Out.Num(plan?["totalBloodVolumeMl"]), 2, "totalBloodVolumeMl");
        Expect.Near(r, 2433, Out.Num(plan?["plasmaVolumeMl"]), 2, "plasmaVolumeMl");
        Expect.Near(r, 2433, Out.Num(plan?["exchangeVolumeMl"]), 2, "exchangeVolumeMl");
        Expect.Near(r, 2538, Out.Num(plan?["kaplanPlasmaVolumeMl"]), 2, "kaplanPlasmaVolumeMl");
        Expect.Near(r, 1.0, Out.Num(plan?["plasmaVolumesPerExchange"]), 0.0001, "plasmaVolumesPerExchange");
        Expect.Near(r, 121.7, Out.Num(plan?["albuminGramsPerExchange"]), 0.2, "albuminGramsPerExchange");
        Expect.True(r, Out.Num(plan?["albuminVialsPerExchange"]) == 10, "10 vials");
        Expect.Near(r, 0.368, Out.Num(plan?["fractionRemainingPerExchange"]), 0.001, "fractionRemainingPerExchange");
        var igg = plan?["predictedIgG"] as System.Text.Json.Nodes.JsonArray;
        Expect.True(r, igg is { Count: 5 }, "five IgG predictions");
        Expect.Near(r, 0.188, Out.Num(igg?[4]?["totalBodyFractionAfter"]), 0.001, "total-body IgG after 5 exchanges");
    }

    // clinical.md header: "every statement of evidence [has] an id (E…): the output cites both"; the plan section is
    // headed "Plasma exchange plan (E-NADLER-1962, E-KAPLAN-1990, E-ASFA-2023, E-REVERBERI-2007)": an output that
    // carries the volumes must cite the formulas they come from.
    [Fact]
    public void Plasma_exchange_plan_cites_the_sources_of_its_formulas()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5));
        Expect.True(r, r.PlasmaExchangePlan()?["totalBloodVolumeMl"] is not null, "volumes computed");
        Expect.Evidence(r, "E-NADLER-1962", "E-KAPLAN-1990", "E-ASFA-2023", "E-REVERBERI-2007");
    }

    // Conventions: weight in kg, height in cm, hematocrit in % — the same woman written in g, m and as a fraction
    // (UCUM 1) gives the same volumes.
    [Theory]
    [InlineData(64000, "g", 1.68, "m", 0.39, "1")]
    [InlineData(141.096, "[lb_av]", 66.142, "[in_i]", 0.39, "L/L")]
    public void Plasma_exchange_volumes_do_not_depend_on_the_units_written(double weight, string weightUnit, double height, string heightUnit, double hct, string hctUnit)
    {
        var r = Evaluate.Run(Woman().Weight(Day(-1), weight, weightUnit).Height(Day(-1), height, heightUnit).Hematocrit(Day(-1), hct, hctUnit)
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.5));
        var plan = r.PlasmaExchangePlan();
        Expect.Near(r, 3989, Out.Num(plan?["totalBloodVolumeMl"]), 3, "totalBloodVolumeMl");
        Expect.Near(r, 2433, Out.Num(plan?["plasmaVolumeMl"]), 3, "plasmaVolumeMl");
    }

    // Plan: "replacement 5 % albumin"; the immunoadsorption alternative of R6.4 carries its own plan without
    // replacement fluid (E-IA-DORST-2019) — "the same monitoring except albumin".
    [Fact]
    public void Plasma_exchange_uses_albumin_while_the_immunoadsorption_alternative_needs_no_replacement_fluid()
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5));
        var fluid = Out.Str(r.PlasmaExchangePlan()?["replacementFluid"]) ?? "";
        Expect.True(r, fluid.Contains("albumin", StringComparison.OrdinalIgnoreCase), "replacement fluid albumin");
        var ia = r.ImmunoadsorptionPlan();
        if (ia is not null)
        {
            Expect.True(r, Out.Str(ia["replacementFluid"]) == "none", "IA without replacement fluid");
        }
    }
}
