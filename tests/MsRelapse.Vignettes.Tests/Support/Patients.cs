using MsRelapse.Testing;
using static MsRelapse.Testing.Dates;

namespace MsRelapse.Vignettes.Tests.Support;

/// <summary>
/// The usual starting points. Unless a vignette says otherwise: evaluated 2026-05-11; a woman of 31 with
/// relapsing-remitting MS whose last EDSS before the attack was 2.0 on 2025-11-02 (the R4 baseline).
/// </summary>
public static class Patients
{
    public static DateOnly AsOf { get; } = D("2026-05-11");

    /// <summary><see cref="AsOf"/> plus <paramref name="offset"/> days (negative = in the past).</summary>
    public static DateOnly Day(int offset) => AsOf.AddDays(offset);

    /// <summary>The baseline EDSS date (before every onset used in the suite unless stated).</summary>
    public static DateOnly BaselineDate { get; } = D("2025-11-02");

    /// <summary>Woman, 31, RRMS, baseline EDSS 2.0.</summary>
    public static PatientBundle Woman(double baseline = 2.0) =>
        new PatientBundle(AsOf).Female(31).Ms().Edss(BaselineDate, baseline);

    /// <summary>Height 168 cm, weight 64 kg, hematocrit 39 % measured yesterday (what a plasma-exchange plan needs).</summary>
    public static PatientBundle WithBody(this PatientBundle b) =>
        b.Weight(Day(-1), 64).Height(Day(-1), 168).Hematocrit(Day(-1), 39);

    /// <summary>An untreated attack: onset <paramref name="onsetDaysAgo"/> days ago, EDSS the day after onset.</summary>
    public static PatientBundle Attack(this PatientBundle b, int onsetDaysAgo, double edss) =>
        b.Relapse(Day(-onsetDaysAgo)).Edss(Day(-onsetDaysAgo + 1), edss);

    /// <summary>
    /// Attack 18 days ago (EDSS <paramref name="edss"/> the next day), IV methylprednisolone 1 g × 5 from day −16 to
    /// day −12, and EDSS still <paramref name="edss"/> on day −2 (10 days after the course): R6.4 territory.
    /// </summary>
    public static PatientBundle RefractoryAfterIv(double edss = 4.5) =>
        Woman().WithBody().Attack(18, edss).IvMethylprednisolone(Day(-16)).Edss(Day(-2), edss);

    /// <summary>Woman, 31, RRMS, with height, weight and hematocrit, and no EDSS before the attack (no R4 baseline).</summary>
    public static PatientBundle NoBaselineWoman() => new PatientBundle(AsOf).Female(31).Ms().WithBody();

    /// <summary>Boy of <paramref name="age"/>, RRMS, baseline EDSS <paramref name="baseline"/>, no weight on record.</summary>
    public static PatientBundle Boy(int age, double baseline = 1.0) =>
        new PatientBundle(AsOf).Male(age).Ms().Edss(BaselineDate, baseline);

    /// <summary>An AQP4-positive woman (RRMS on record, baseline 2.0) with height, weight and hematocrit.</summary>
    public static PatientBundle Aqp4Woman() => Woman().WithBody().Aqp4Positive(Day(-40));

    /// <summary>A MOG-IgG positive woman with height, weight and hematocrit.</summary>
    public static PatientBundle MogWoman() => Woman().WithBody().MogPositive(Day(-40));

    /// <summary>Moderate attack 18 days ago (EDSS 3.5), oral MP 500 mg × 5 from day −16, EDSS still 3.5 on day −2: R6.4 oral branch.</summary>
    public static PatientBundle ModerateAfterOral() =>
        Woman().WithBody().Attack(18, 3.5).OralMethylprednisolone(Day(-16)).Edss(Day(-2), 3.5);
}
