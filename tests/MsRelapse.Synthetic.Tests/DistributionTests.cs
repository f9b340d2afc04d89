using MsRelapse.Synthetic;

namespace MsRelapse.Synthetic.Tests;

/// <summary>
/// The generated cohort follows its named parameters within sampling tolerance (four standard errors, so a correct
/// generator fails about once in 15,000 runs — and the seed is fixed, so never by chance).
/// </summary>
public sealed class DistributionTests
{
    private const int N = 20_000;
    private static readonly CohortParameters P = CohortParameters.Default;
    private static readonly Lazy<List<PatientSummary>> Cohort = new(() => [.. CohortGenerator.Summaries(P, 42, Export.AsOf, 0, N)]);

    private static void Near(double expected, int hits, int trials, string what)
    {
        Assert.True(trials > 50, $"{what}: only {trials} trials");
        var observed = (double)hits / trials;
        var se = Math.Sqrt(expected * (1 - expected) / trials);
        Assert.True(Math.Abs(observed - expected) <= (4 * se) + 1e-9, $"{what}: {observed:P2} observed, {expected:P2} expected (n = {trials})");
    }

    [Fact]
    public void Demographics_follow_the_parameters()
    {
        var c = Cohort.Value;
        Near(P.FemaleShare, c.Count(s => s.Female), c.Count, "women");
        Near(P.ChildShare, c.Count(s => s.AgeYears < 18), c.Count, "children");
        Near(P.OlderShare, c.Count(s => s.AgeYears >= 65), c.Count, "aged 65+");
        Near(P.DeceasedShare, c.Count(s => s.Deceased), c.Count, "deceased");
        Near(P.Aqp4PositiveShare, c.Count(s => s.Aqp4Positive), c.Count, "AQP4-IgG positive");
        var adults = c.Where(s => s.AgeYears >= 18).ToList();
        Near(P.PrimaryProgressiveShare, adults.Count(s => s.Course == SynthCourse.PrimaryProgressive), adults.Count, "primary progressive (adults)");
        Assert.All(c.Where(s => s.AgeYears < 18), s => Assert.Equal(SynthCourse.RelapsingRemitting, s.Course));
        var relapsing = c.Where(s => s.Course == SynthCourse.RelapsingRemitting).ToList();
        Near(P.NatalizumabShare, relapsing.Count(s => s.Natalizumab), relapsing.Count, "natalizumab (relapsing)");
    }

    [Fact]
    public void Births_in_the_last_year_and_breastfeeding_follow_the_parameters()
    {
        var c = Cohort.Value;
        // Women of 19–45 (at 18 a birth cannot always fall after her 18th birthday), not pregnant, alive.
        var eligible = c.Where(s => s.Female && !s.Pregnant && !s.Deceased && s.AgeYears is >= 19 and <= 45).ToList();
        Near(P.PostpartumShare, eligible.Count(s => s.GaveBirth is not null), eligible.Count, "births in the last year");
        var mothers = c.Where(s => s.GaveBirth is not null).ToList();
        Assert.All(mothers, s =>
        {
            Assert.True(s.Female && !s.Pregnant && !s.Deceased && s.AgeYears is >= 18 and <= 45, $"patient {s.Id}");
            Assert.InRange(Export.AsOf.DayNumber - s.GaveBirth!.Value.DayNumber, 7, 365);
        });
        Near(P.BreastfeedingShare, mothers.Count(s => s.Breastfeeding), mothers.Count, "breastfeeding");
    }

    [Fact]
    public void Attacks_follow_severity_treatment_and_response_parameters()
    {
        var attacks = Cohort.Value.SelectMany(s => s.Attacks).ToList();
        Near(P.PseudoRelapsePerAttack, attacks.Count(a => a.Pseudo), attacks.Count, "pseudo-relapses");
        var real = attacks.Where(a => !a.Pseudo).ToList();
        Near(P.SeverityWeights[2], real.Count(a => a.Severity == 2), real.Count, "severe attacks (E-SEVERITY-2019: 17 %)");
        Near(P.SeverityWeights[0], real.Count(a => a.Severity == 0), real.Count, "mild attacks");

        var treated = real.Where(a => a.SteroidTreated).ToList();
        Near(P.SteroidNonResponseShare, treated.Count(a => a.SteroidResponded == false), treated.Count, "steroid non-response (about a quarter)");
        var failed = treated.Where(a => a.SteroidResponded == false).ToList();
        Near(P.NonResponderEscalationWeights[0], failed.Count(a => a.Escalation is SynthEscalation.PlasmaExchange or SynthEscalation.Immunoadsorption), failed.Count, "apheresis after failure");
        Near(P.NonResponderEscalationWeights[2], failed.Count(a => a.Escalation == SynthEscalation.None), failed.Count, "not escalated");

        // Severity is a real EDSS rise (E-SEVERITY-2019 bands): severe ≥ +2.0 wherever the scale allows it.
        Assert.All(real.Where(a => a.Severity == 2 && a.EdssBefore <= 6.0), a => Assert.True(a.EdssNadir - a.EdssBefore >= 2.0, $"{a.EdssBefore} → {a.EdssNadir}"));
        Assert.All(real.Where(a => a.Severity == 1 && a.EdssBefore <= 6.0), a => Assert.True(a.EdssNadir - a.EdssBefore >= 1.0, $"{a.EdssBefore} → {a.EdssNadir}"));

        // Relapse rate: relapsing adults ~0.35/year over the 2-year history (Poisson: mean within 4 SE).
        var relapsingAdults = Cohort.Value.Where(s => s.Course == SynthCourse.RelapsingRemitting && s.AgeYears >= 18 && !s.Pregnant).ToList();
        var perYear = relapsingAdults.Average(s => s.Attacks.Count) / P.HistoryYears;
        Assert.InRange(perYear, P.RelapseRatePerYearRelapsing * 0.8, P.RelapseRatePerYearRelapsing * 1.05);
    }

    [Fact]
    public void Apheresis_response_differs_by_course_as_the_parameters_say()
    {
        var escalated = Cohort.Value.SelectMany(s => s.Attacks.Select(a => (s.Course, a)))
            .Where(x => x.a.ApheresisResponded is not null).ToList();
        var relapsing = escalated.Where(x => x.Course == SynthCourse.RelapsingRemitting).ToList();
        Near(P.ApheresisResponseRelapsing, relapsing.Count(x => x.a.ApheresisResponded == true), relapsing.Count, "apheresis response, relapsing (E-EHLER-2015)");
    }
}
