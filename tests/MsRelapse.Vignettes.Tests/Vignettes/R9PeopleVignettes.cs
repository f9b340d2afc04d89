using Hl7.Fhir.Model;
using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>R9 — people: children, pregnancy, breastfeeding, older age, missing demographics.</summary>
public sealed class R9PeopleVignettes
{
    private static PatientBundle Child(int age, double weightKg, int weightDaysAgo = 3) =>
        new PatientBundle(AsOf).Female(age).Ms().Edss(BaselineDate, 2.0).Weight(Day(-weightDaysAgo), weightKg);

    // R5 "IV instead of oral ... age < 18 (E-PEDS-2021)" and R9 pediatric: 30 mg/kg/day rounded down to 10 mg
    // (31.7 kg × 30 = 951 → 950 mg), × 5 days, IV; total 4,750 mg; flag pediatric (info).
    [Fact]
    public void Child_with_a_moderate_relapse_gets_iv_methylprednisolone_thirty_mg_per_kg()
    {
        var r = Evaluate.Run(Child(14, 31.7).Attack(2, 3.0));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        Expect.Flag(r, "pediatric", "info");
        Expect.Evidence(r, "E-PEDS-2021");
        var plan = r.SteroidPlan();
        Expect.Near(r, 30, Out.Num(plan?["doseMgPerKgPerDay"]), 0.001, "doseMgPerKgPerDay");
        Expect.Near(r, 950, Out.Num(plan?["doseMgPerDay"]), 0.001, "doseMgPerDay");
        Expect.Near(r, 4750, Out.Num(plan?["totalDoseMg"]), 0.001, "totalDoseMg");
        Expect.True(r, Out.Str(plan?["route"]) == "intravenous", "IV");
    }

    // clinical.md intro: "the output cites both [rule and evidence ids], so a clinician can check the basis of each
    // recommendation": a dose computed per kg by R9 must cite R9 in the rationale.
    [Fact]
    public void Child_dose_per_kg_is_explained_by_rule_R9_in_the_rationale()
    {
        var r = Evaluate.Run(Child(14, 31.7).Attack(2, 3.0));
        Expect.Flag(r, "pediatric", "info");
        Expect.Rule(r, "R9");
    }

    // R9: "max 1,000 mg": 40 kg × 30 = 1,200 → 1,000 mg/day.
    [Fact]
    public void Heavier_child_is_capped_at_one_gram_a_day()
    {
        var r = Evaluate.Run(Child(16, 40).Attack(2, 4.5));
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Near(r, 1000, Out.Num(r.SteroidPlan()?["doseMgPerDay"]), 0.001, "doseMgPerDay");
    }

    // Recency: weight "in the last 90 days (30 days under 18)"; R9: "no weight → no mg dose, missing data weight";
    // missing-data is a warning when it blocks a dose.
    [Theory]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public void Child_weight_older_than_thirty_days_gives_no_dose(int weightDaysAgo, bool dosed)
    {
        var r = Evaluate.Run(Child(14, 31.7, weightDaysAgo).Attack(2, 3.0));
        Expect.Primary(r, "iv-methylprednisolone");
        if (dosed)
        {
            Expect.Near(r, 950, Out.Num(r.SteroidPlan()?["doseMgPerDay"]), 0.001, "doseMgPerDay");
            Expect.NotMissing(r, "weight");
        }
        else
        {
            Expect.True(r, Out.Num(r.SteroidPlan()?["doseMgPerDay"]) is null, "no mg dose");
            Expect.Missing(r, "weight");
            Expect.Flag(r, "missing-data", "warning");
        }
    }

    // Conventions: "under 18 years, ≥ 20 mg/kg/day" is a course: 400 mg/day for a 20 kg child (below the adult
    // 500 mg) → steroids given; no improvement after IV in a severe attack → plasma exchange (R6.4) without the
    // adult-only escalated IV alternative. Plan: "70 mL/kg under 25 kg": TBV 1,400 mL; PV = 1,400 × (1 − 0.36) =
    // 896 mL; albumin 896 × 0.05 = 44.8 g → 4 vials of 12.5 g.
    [Trait("Ruling", "A7")]
    [Fact]
    public void Child_not_improving_after_weight_based_iv_steroids_gets_weight_based_plasma_exchange()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Male(9).Ms().Edss(BaselineDate, 2.0)
            .Weight(Day(-3), 20).Height(Day(-3), 130).Hematocrit(Day(-3), 36)
            .Attack(18, 4.5).IvMethylprednisolone(Day(-16), mgPerDay: 400).Edss(Day(-2), 4.5));
        Expect.Stage(r, "steroids-given");
        Expect.SteroidResponse(r, "inadequate");
        Expect.Decision(r, "plasma-exchange", "urgent");
        Expect.NoAlternative(r, "escalated-iv-methylprednisolone");
        var plan = r.PlasmaExchangePlan();
        Expect.True(r, Out.Str(plan?["method"]) == "weight-based", "method weight-based");
        Expect.Near(r, 1400, Out.Num(plan?["totalBloodVolumeMl"]), 1, "totalBloodVolumeMl");
        Expect.Near(r, 896, Out.Num(plan?["plasmaVolumeMl"]), 1, "plasmaVolumeMl");
        Expect.Near(r, 44.8, Out.Num(plan?["albuminGramsPerExchange"]), 0.1, "albuminGramsPerExchange");
        Expect.True(r, Out.Num(plan?["albuminVialsPerExchange"]) == 4, "4 vials");
    }

    // R9 pregnancy (info): methylprednisolone, never dexamethasone; pregnancy observed in the last 300 days.
    [Fact]
    public void Pregnant_woman_with_a_severe_relapse_gets_methylprednisolone_and_a_pregnancy_flag()
    {
        var r = Evaluate.Run(Woman().PregnancyObserved(Day(-20)).Attack(2, 4.5));
        Expect.Flag(r, "pregnancy", "info");
        Expect.Primary(r, "iv-methylprednisolone");
        var drug = Out.Str(r.SteroidPlan()?["drug"]) ?? "";
        Expect.True(r, drug.Contains("methylprednisolone", StringComparison.OrdinalIgnoreCase) && !drug.Contains("dexamethasone", StringComparison.OrdinalIgnoreCase), "methylprednisolone, not dexamethasone");
    }

    // Recency: pregnancy "with onset in the last 300 days and not abated": a stale "active" pregnancy condition from
    // 301 days ago is ignored.
    [Theory]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void Pregnancy_condition_counts_for_three_hundred_days(int onsetDaysAgo, bool flagged)
    {
        var r = Evaluate.Run(Woman().PregnancyCondition(Day(-onsetDaysAgo)).Attack(2, 3.0));
        if (flagged)
        {
            Expect.Flag(r, "pregnancy", "info");
        }
        else
        {
            Expect.NoFlag(r, "pregnancy");
        }
    }

    // R9: "breastfeeding (info, observed in the last 365 days): nurse 2–4 h after an infusion (E-BOZ-2018)".
    [Theory]
    [InlineData(100, true)]
    [InlineData(366, false)]
    public void Breastfeeding_observed_in_the_last_year_is_flagged(int observedDaysAgo, bool flagged)
    {
        var r = Evaluate.Run(Woman().Breastfeeding(Day(-observedDaysAgo), msrCode: observedDaysAgo < 200).Attack(2, 4.5));
        if (flagged)
        {
            Expect.Flag(r, "breastfeeding", "info");
            Expect.Evidence(r, "E-BOZ-2018");
        }
        else
        {
            Expect.NoFlag(r, "breastfeeding");
        }
    }

    // R9 older-age (info, ≥ 65); Conventions: age in completed years at asOf (65th birthday today → 65; tomorrow → 64).
    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Older_age_is_flagged_from_the_sixty_fifth_birthday(int birthdayInDays, bool flagged)
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).BornOn(AsOf.AddYears(-65).AddDays(birthdayInDays)).Gender(AdministrativeGender.Female)
            .Ms().Edss(BaselineDate, 2.0).Attack(2, 4.0));
        if (flagged)
        {
            Expect.Flag(r, "older-age", "info");
        }
        else
        {
            Expect.NoFlag(r, "older-age");
        }
    }

    // Conventions "Age is in completed years at asOf" with a partial birth date (FHIR allows a year or a month): the
    // reader takes its first day, so "1961" is 65 on 2026-05-11 (older-age), "1961-06" 64, "2012" 14 and "2008-06" 17 (pediatric), "2008-04" 18. The published
    // FHIRPath criteria R9-older, R9-child and R5-iv-child must read the same age.
    [Theory]
    [InlineData("1961", true, false)]
    [InlineData("1961-06", false, false)]
    [InlineData("2012", false, true)]
    [InlineData("2008-06", false, true)]
    [InlineData("2008-04", false, false)]
    public void Partial_birth_date_is_read_from_its_first_day(string birthDate, bool older, bool child)
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).BornIn(birthDate).Gender(AdministrativeGender.Female).WithBody()
            .Ms().Edss(BaselineDate, 2.0).Attack(2, 3.0));
        if (older)
        {
            Expect.Flag(r, "older-age", "info");
        }
        else
        {
            Expect.NoFlag(r, "older-age");
        }

        if (child)
        {
            Expect.Flag(r, "pediatric", "info");
        }
        else
        {
            Expect.NoFlag(r, "pediatric");
        }
    }

    // Plasma exchange plan: "Missing weight, height, sex (or sex other than male/female) or hematocrit → no volumes,
    // missing data named; the schedule still stands."
    [Theory]
    [InlineData(null)]
    [InlineData(AdministrativeGender.Other)]
    public void Plasma_exchange_without_a_usable_sex_has_a_schedule_but_no_volumes(AdministrativeGender? gender)
    {
        var r = Evaluate.Run(RefractoryAfterIv(4.5).Gender(gender));
        Expect.Primary(r, "plasma-exchange");
        Expect.Missing(r, "sex");
        var plan = r.PlasmaExchangePlan();
        Expect.True(r, Out.Num(plan?["totalBloodVolumeMl"]) is null && Out.Num(plan?["exchangeVolumeMl"]) is null, "no volumes");
        Expect.True(r, plan.Schedule().Count == 5, "5 scheduled exchanges");
    }

    // R9 missing-data item birth-date: without a birth date the age rules (R5 < 18, R9) cannot be applied. It blocks
    // deciding between the adult dose and the per-kg child dose, so the missing-data flag is a warning and the
    // rationale says why (lead's ruling; docs/pathway.md #15).
    [Fact]
    public void Missing_birth_date_is_named_in_missing_data_and_warns_that_it_blocks_the_dose()
    {
        var r = Evaluate.Run(Woman().NoBirthDate().Attack(2, 3.0));
        Expect.Missing(r, "birth-date");
        Expect.Flag(r, "missing-data", "warning");
        Expect.True(r, r.RationaleText().Contains("per-kg child dose", StringComparison.Ordinal), "rationale: the age decides adult or per-kg dosing");
    }

    // 2026.2 R9: "dmt-review … but not with possible-nmosd" (MS drugs may harm; R3.1's specialist review covers
    // maintenance therapy); "With possible-mogad its message says review maintenance therapy with MOGAD expertise".
    [Fact]
    public void Aqp4_positive_relapse_gets_no_review_of_ms_disease_modifying_therapy()
    {
        var r = Evaluate.Run(Woman().WithBody().Aqp4Positive(Day(-200)).Attack(3, 4.0));
        Expect.Flag(r, "possible-nmosd", "critical");
        Expect.NoFlag(r, "dmt-review");
    }

    [Fact]
    public void Mog_positive_relapse_is_pointed_to_mogad_expertise_for_maintenance_therapy()
    {
        var r = Evaluate.Run(Woman().MogPositive(Day(-200)).Attack(3, 4.0));
        Expect.Flag(r, "dmt-review", "info");
        var message = (r["flags"] as System.Text.Json.Nodes.JsonArray ?? []).OfType<System.Text.Json.Nodes.JsonObject>()
            .Where(f => Out.Str(f["code"]) == "dmt-review").Select(f => Out.Str(f["message"])).Single() ?? "";
        Expect.True(r, message.Contains("MOGAD expertise", StringComparison.Ordinal), "dmt-review message points to MOGAD expertise");
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // R9 + R3.1: a child without a weight: the concurrent IV steroid has no mg dose (30 mg/kg), and the exchange plan
    // has no volumes → weight (and the other volume inputs) missing, missing-data warning.
    [Trait("Source", "audit")]
    [Fact]
    public void Aqp4_positive_child_without_weight_has_per_kg_steroids_and_no_exchange_volumes()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Male(12).Ms().Edss(BaselineDate, 1.0).Aqp4Positive(Day(-200)).Attack(3, 2.5));
        Expect.Decision(r, "plasma-exchange", "emergency");
        Expect.True(r, Out.Num(r.SteroidPlan()?["doseMgPerDay"]) is null && Out.Num(r.SteroidPlan()?["doseMgPerKgPerDay"]) == 30, "30 mg/kg, no mg dose");
        Expect.Missing(r, "weight");
        Expect.Flag(r, "missing-data", "warning");
        Expect.Flag(r, "pediatric", "info");
    }

    // R9: children get IV "in every branch" — the mild attack's steroid alternative is IV methylprednisolone, not
    // oral; flag pediatric (info).
    [Trait("Ruling", "A13")]
    [Trait("Source", "audit")]
    [Fact]
    public void Mild_relapse_in_a_child_offers_iv_not_oral_steroids()
    {
        var r = Evaluate.Run(Boy(12).Weight(Day(-2), 40).Attack(3, 1.5));
        Expect.Decision(r, "observe", "routine");
        Expect.Alternative(r, "iv-methylprednisolone");
        Expect.NoAlternative(r, "oral-methylprednisolone");
        Expect.Flag(r, "pediatric", "info");
    }

    // R9: child with a moderate attack and no weight: IV MP (soon), mg/kg 30 but no mg dose; missing weight blocks a
    // dose → missing-data warning.
    [Trait("Source", "audit")]
    [Fact]
    public void Child_without_weight_gets_a_per_kg_plan_without_mg_dose_and_a_warning()
    {
        var r = Evaluate.Run(Boy(12).Attack(3, 2.5));
        Expect.Decision(r, "iv-methylprednisolone", "soon");
        var s = r.SteroidPlan();
        Expect.True(r, Out.Num(s, "doseMgPerDay") is null && Out.Num(s, "doseMgPerKgPerDay") == 30, "no mg dose, 30 mg/kg");
        Expect.Missing(r, "weight");
        Expect.Flag(r, "missing-data", "warning");
    }

    // R9 + plan: a 7-year-old of 20 kg (< 25 kg → 70 mL/kg), hematocrit 36 %, severe attack failing IV steroids →
    // plasma exchange, urgent; TBV 70 × 20 = 1,400 mL; PV 1,400 × 0.64 = 896 mL; Kaplan 0.065 × 20 × 0.64 = 0.832 L
    // = 832 mL; exchange 896 mL (1.0 PV); albumin 896 × 0.05 = 44.8 g → 4 vials of 12.5 g; no escalated IV
    // (adults only).
    [Trait("Source", "audit")]
    [Fact]
    public void Child_under_25_kg_gets_weight_based_plasma_exchange_volumes()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(7).Ms().Edss(BaselineDate, 1.0)
            .Weight(Day(-1), 20).Height(Day(-1), 120).Hematocrit(Day(-1), 36)
            .Attack(18, 4.0).IvMethylprednisolone(Day(-16)).Edss(Day(-2), 4.0));
        Expect.Decision(r, "plasma-exchange", "urgent");
        var p = r.PlasmaExchangePlan();
        Expect.True(r, Out.Str(p?["method"]) == "weight-based", "weight-based method");
        Expect.Near(r, 1400, Out.Num(p, "totalBloodVolumeMl"), 1, "TBV mL");
        Expect.Near(r, 896, Out.Num(p, "plasmaVolumeMl"), 1, "PV mL");
        Expect.Near(r, 832, Out.Num(p, "kaplanPlasmaVolumeMl"), 1, "Kaplan PV mL");
        Expect.Near(r, 896, Out.Num(p, "exchangeVolumeMl"), 1, "exchange mL");
        Expect.Near(r, 44.8, Out.Num(p, "albuminGramsPerExchange"), 0.1, "albumin g");
        Expect.True(r, Out.Num(p, "albuminVialsPerExchange") == 4, "4 vials");
        Expect.NoAlternative(r, "escalated-iv-methylprednisolone");
        Expect.Flag(r, "pediatric", "info");
    }

    // R9: older-age (≥ 65, info) and breastfeeding (observed in the last 365 days, info) are flags only; the
    // breastfeeding note goes with an IV plan.
    [Trait("Source", "audit")]
    [Fact]
    public void Breastfeeding_mother_with_a_severe_relapse_gets_the_nursing_note_on_the_iv_plan()
    {
        var r = Evaluate.Run(Woman().Breastfeeding(Day(-30)).Attack(3, 4.5));
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Flag(r, "breastfeeding", "info");
        Expect.True(r, (r.SteroidPlan()?["notes"] as System.Text.Json.Nodes.JsonArray ?? []).Any(n => Out.Str(n)?.Contains("2–4 hours", StringComparison.Ordinal) == true), "nursing note");
    }

    // Missing baseline only (severity unknown, R5 first line, treated as moderate): nothing blocks a dose, volume or
    // response judgement → missing-data info.
    [Trait("Source", "audit")]
    [Fact]
    public void Missing_baseline_before_first_line_is_info_only()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().Attack(3, 3.5));
        Expect.Severity(r, "unknown");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
        Expect.Missing(r, "edss-baseline");
        Expect.Flag(r, "missing-data", "info");
    }
}
