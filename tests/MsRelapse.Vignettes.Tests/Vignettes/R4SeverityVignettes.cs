using MsRelapse.Testing;
using MsRelapse.Vignettes.Tests.Support;
using static MsRelapse.Testing.Dates;
using static MsRelapse.Vignettes.Tests.Support.Patients;

namespace MsRelapse.Vignettes.Tests.Vignettes;

/// <summary>R4 — severity from the EDSS rise (baseline → nadir), the absolute 6.0/7.0 rules, and which EDSS counts
/// (FS-computed vs recorded total, several on one date).</summary>
public sealed class R4SeverityVignettes
{
    // R4: "Also severe, whatever the rise: EDSS ≥ 6.0 at nadir with < 6.0 at baseline ... or ≥ 7.0 at nadir with
    // < 7.0 at baseline (choice)". 5.5 → 6.0 and 6.5 → 7.0 are severe despite a 0.5 rise; 6.0 → 6.5 is mild.
    [Theory]
    [InlineData(5.5, 6.0, "severe", "iv-methylprednisolone", "urgent")]
    [InlineData(6.5, 7.0, "severe", "iv-methylprednisolone", "urgent")]
    [InlineData(6.0, 6.5, "mild", "observe", "routine")]
    public void Half_point_rise_across_six_or_seven_is_severe(double baseline, double nadir, string severity, string primary, string urgency)
    {
        var r = Evaluate.Run(Woman(baseline).Attack(2, nadir));
        Expect.Severity(r, severity);
        Expect.Decision(r, primary, urgency);
    }

    // R4: "No baseline ... → unknown, treated as moderate ..., missing data edss-baseline"; R5 moderate → oral.
    [Fact]
    public void Attack_without_a_baseline_is_unknown_and_treated_as_moderate()
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().Attack(2, 4.5));
        Expect.Severity(r, "unknown");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
        Expect.Missing(r, "edss-baseline");
        Expect.True(r, r.FlagSeverity("missing-data") is not null, "missing-data flag");
    }

    // R4: baseline = "the latest assessment before the attack's onset, within 730 days" (both ends included):
    // 730 days before onset counts (2.0 → 4.0 severe), 731 days does not (unknown → moderate treatment).
    [Theory]
    [InlineData(730, "severe", "iv-methylprednisolone")]
    [InlineData(731, "unknown", "oral-methylprednisolone")]
    public void Baseline_must_be_within_two_years_before_onset(int daysBeforeOnset, string severity, string primary)
    {
        var r = Evaluate.Run(new PatientBundle(AsOf).Female(31).Ms().Edss(Day(-2 - daysBeforeOnset), 2.0).Attack(2, 4.0));
        Expect.Severity(r, severity);
        Expect.Primary(r, primary);
    }

    // R4: "no assessment since onset → unknown ..., missing data edss-since-onset".
    [Fact]
    public void Attack_without_an_edss_since_onset_is_unknown()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-3)));
        Expect.Severity(r, "unknown");
        Expect.Missing(r, "edss-since-onset");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // Conventions: "Several assessments on one date ... without times, the highest EDSS of that date":
    // 3.0 and 4.0 on the same day → 4.0 → rise 2.0, severe.
    [Fact]
    public void Two_undated_by_time_assessments_on_one_day_count_the_highest()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-2)).Edss(Day(-1), 3.0).Edss(Day(-1), 4.0));
        Expect.Severity(r, "severe");
        Expect.Near(r, 4.0, r.Nadir(), 0.001, "nadir");
    }

    // Conventions: "Several assessments on one date: the one with the later time": 4.0 at 09:00 then 3.0 at 15:00
    // → that day's EDSS is 3.0 → rise 1.0, moderate.
    [Fact]
    public void Two_timed_assessments_on_one_day_count_the_later_one()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-2)).Edss(At(Day(-1), 9), 4.0).Edss(At(Day(-1), 15), 3.0));
        Expect.Severity(r, "moderate");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // R4 "Which EDSS": "both present and different → the computed value, flag edss-inconsistent (warning)".
    // Recorded 3.0, but FS pyramidal 4 alone (n4 = 1, nothing else) computes 4.0 → rise 2.0 → severe.
    [Fact]
    public void Recorded_total_disagreeing_with_the_functional_systems_uses_the_computed_edss()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-2)).EdssFs(Day(-1), new Fs(Pyramidal: 4), total: 3.0));
        Expect.Flag(r, "edss-inconsistent", "warning");
        Expect.Severity(r, "severe");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
        Expect.Evidence(r, "E-KURTZKE-1983");
    }

    // R4: "an incomplete FS set → the total if present": FS without ambulation plus a total 3.0 → 3.0, moderate, no
    // inconsistency flag.
    [Fact]
    public void Incomplete_functional_systems_fall_back_to_the_recorded_total()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-2)).EdssFs(Day(-1), new Fs(Pyramidal: 4, Ambulation: null), total: 3.0));
        Expect.Severity(r, "moderate");
        Expect.NoFlag(r, "edss-inconsistent");
    }

    // R4: "... otherwise the assessment is unusable (missing data)": incomplete FS and no total → no usable EDSS
    // since onset.
    [Fact]
    public void Incomplete_functional_systems_without_a_total_are_unusable()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-2)).EdssFs(Day(-1), new Fs(Pyramidal: 4, Ambulation: null)));
        Expect.Severity(r, "unknown");
        Expect.Missing(r, "edss-since-onset");
    }

    // EDSS section: "Cerebral 1 is not counted as a grade 1": baseline FS all 0 but cerebral 1 → EDSS 0 (not 1.0);
    // a total of 1.0 after onset is a rise of 1.0 ("From baseline 0 the smallest possible rise is 1.0") → moderate.
    [Trait("Ruling", "A2")]
    [Fact]
    public void Cerebral_grade_one_does_not_count_so_a_rise_to_one_is_moderate()
    {
        var r = Evaluate.Run(Woman().EdssFs(Day(-30), new Fs(Cerebral: 1)).Attack(2, 1.0));
        Expect.Near(r, 0.0, r.Baseline(), 0.001, "baseline");
        Expect.Severity(r, "moderate");
        Expect.Decision(r, "oral-methylprednisolone", "soon");
    }

    // EDSS section (choice where calculators differ): "n4 = 1: ... n3 = 0 and n2 ≥ 1 → 4.5": pyramidal 4 with
    // sensory 2 → 4.5; from baseline 2.5 that is a rise of 2.0 → severe (4.0 would have been moderate).
    [Fact]
    public void One_functional_system_at_four_with_one_at_two_is_edss_four_and_a_half()
    {
        var r = Evaluate.Run(Woman().Edss(Day(-30), 2.5).Relapse(Day(-2)).EdssFs(Day(-1), new Fs(Pyramidal: 4, Sensory: 2)));
        Expect.Near(r, 4.5, r.Nadir(), 0.001, "nadir");
        Expect.Severity(r, "severe");
    }

    // EDSS section: visual is converted before the step (5 → 3): visual 5 alone → n3 = 1, n2 = 0 → 3.0 → rise 1.0,
    // moderate (unconverted it would be "any system ≥ 5 → 5.0").
    [Fact]
    public void Visual_grade_five_converts_to_three_before_the_edss_step()
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-2)).EdssFs(Day(-1), new Fs(Visual: 5)));
        Expect.Near(r, 3.0, r.Nadir(), 0.001, "nadir");
        Expect.Severity(r, "moderate");
    }

    // EDSS section: "EDSS = max(FS step, ambulation step)"; ambulation 10 → 7.0. From 6.5 that is newly
    // wheelchair-bound (R4: ≥ 7.0 from < 7.0) → severe. EDSS coded with MSR#edss.
    [Fact]
    public void Ambulation_score_ten_gives_edss_seven_and_a_severe_attack()
    {
        var r = Evaluate.Run(Woman(6.5).Relapse(Day(-2)).EdssFs(Day(-1), new Fs(Pyramidal: 3, Ambulation: 10), msrCode: true));
        Expect.Near(r, 7.0, r.Nadir(), 0.001, "nadir");
        Expect.Severity(r, "severe");
    }

    // ------------------------------------------------------------------ the independent clinical audit (trait Source=audit)
    // Written from clinical.md alone; where it disagreed, the lead ruled and docs/pathway.md names the ruling (A…).

    // R4: baseline "not within 30 days after a previous attack's onset" (windows include both ends). Previous attack
    // onset day −100 (abated day −80); an EDSS 3.0 exactly 30 days after it (day −70) is skipped → baseline 2.0
    // (2025-11-02) → rise 2.0 → severe → IV MP urgent. At 31 days (day −69) it is the baseline → rise 1.0 → moderate.
    [Trait("Ruling", "A35")]
    [Trait("Source", "audit")]
    [Theory]
    [InlineData(-70, 2.0, "severe", "iv-methylprednisolone", "urgent")]
    [InlineData(-69, 3.0, "moderate", "oral-methylprednisolone", "soon")]
    public void Baseline_skips_assessments_up_to_and_including_thirty_days_after_a_previous_onset(int edssDay, double baseline, string severity, string primary, string urgency)
    {
        var r = Evaluate.Run(Woman().Relapse(Day(-100), Day(-80)).Edss(Day(edssDay), 3.0).Attack(5, 4.0));
        Expect.True(r, r.Baseline() == baseline, $"baseline {baseline}");
        Expect.Severity(r, severity);
        Expect.Decision(r, primary, urgency);
    }

    // R4: nadir = the highest EDSS from onset to asOf, not the latest: 2.0 → 4.5 (day −4) → 3.0 today: severe.
    [Trait("Source", "audit")]
    [Fact]
    public void Severity_uses_the_highest_edss_since_onset_not_the_latest()
    {
        var r = Evaluate.Run(Woman().Attack(5, 4.5).Edss(Day(0), 3.0));
        Expect.Severity(r, "severe");
        Expect.True(r, r.Nadir() == 4.5, "nadir 4.5");
        Expect.Decision(r, "iv-methylprednisolone", "urgent");
    }
}
