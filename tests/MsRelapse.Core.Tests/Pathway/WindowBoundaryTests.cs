using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>Boundaries of the remaining windows (calendar dates, both ends included).</summary>
public sealed class WindowBoundaryTests
{
    private static RecordBuilder Refractory(int age = 40) =>
        RecordBuilder.Adult(Sex.Male, age).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23, 5, 1000).Edss(-2, 6);

    [Theory]
    [InlineData(17, true)]
    [InlineData(18, false)]
    public void Children_are_under_18_completed_years(int age, bool child)
    {
        var r = RecordBuilder.Adult(ageYears: age).Relapse(-3).Edss(-100, 2).Edss(-2, 3).Measure(MeasurementKind.WeightKg, -1, 60).Recommend();
        Assert.Equal(child, r.FlagCodes().Contains(FlagCode.Pediatric));
        Assert.Equal(child ? ActionCode.IvMethylprednisolone : ActionCode.OralMethylprednisolone, r.Advice.Primary);
    }

    [Fact]
    public void Age_is_in_completed_years_at_as_of()
    {
        // Born 2008-05-12: 17 on 2026-05-11, 18 on 2026-05-12.
        var b = RecordBuilder.Adult().BornOn(new DateOnly(2008, 5, 12));
        Assert.Equal(17, b.Recommend().Patient.AgeYears);
        Assert.Equal(18, b.Recommend(new DateOnly(2026, 5, 12)).Patient.AgeYears);
    }

    [Theory]
    [InlineData(-90, true)]
    [InlineData(-91, false)]
    public void An_adult_weight_counts_for_90_days(int day, bool volumes)
    {
        var r = Refractory().Measure(MeasurementKind.WeightKg, day, 82).Measure(MeasurementKind.HeightCm, -2000, 181).Measure(MeasurementKind.HematocritPercent, -1, 44).Recommend();
        Assert.Equal(volumes, r.Plan.PlasmaExchange!.TotalBloodVolumeMl is not null);
    }

    [Theory]
    [InlineData(-90, true)]
    [InlineData(-91, false)]
    public void A_child_height_counts_for_90_days(int day, bool volumes)
    {
        var r = RecordBuilder.Adult(Sex.Male, 15).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23, 5, 1000).Edss(-2, 6)
            .Measure(MeasurementKind.WeightKg, -1, 50).Measure(MeasurementKind.HeightCm, day, 160).Measure(MeasurementKind.HematocritPercent, -1, 40).Recommend();
        Assert.Equal(volumes, r.Plan.PlasmaExchange!.TotalBloodVolumeMl is not null);
    }

    // A46: "height any time at ≥ 18 (else 90 days)" is read by the age when the height was measured. Adult(age) is born
    // age years and 10 days before asOf: a 20-year-old turned 18 on day −740, an 18-year-old on day −10.
    [Trait("Ruling", "A46")]
    [Theory]
    [InlineData(20, -740, true)]  // measured on the 18th birthday: an adult height, any date
    [InlineData(20, -741, false)] // measured at 17, more than 90 days ago: not used (it would under-size the exchange)
    [InlineData(20, -3650, false)] // the height of a 10-year-old
    [InlineData(18, -90, true)]   // measured at 17, within 90 days
    [InlineData(18, -91, false)]
    public void A_height_counts_at_any_date_only_when_measured_at_18_or_over(int age, int day, bool volumes)
    {
        var r = Refractory(age).Measure(MeasurementKind.WeightKg, -1, 64).Measure(MeasurementKind.HeightCm, day, 135).Measure(MeasurementKind.HematocritPercent, -1, 44).Recommend();
        Assert.Equal(volumes, r.Plan.PlasmaExchange!.TotalBloodVolumeMl is not null);
        Assert.Equal(!volumes, r.MissingItems().Contains(MissingItem.Height));
    }

    [Theory]
    [InlineData(-365, true)]
    [InlineData(-366, false)]
    public void Breastfeeding_counts_when_observed_in_the_last_365_days(int day, bool flagged)
    {
        Assert.Equal(flagged, RecordBuilder.Adult().Relapse(-3).Finding(FindingKind.Breastfeeding, day).Recommend().FlagCodes().Contains(FlagCode.Breastfeeding));
    }

    [Trait("Ruling", "A32")]
    [Theory]
    [InlineData(-365, true)]
    [InlineData(-366, false)]
    public void Frequent_courses_count_courses_ended_in_the_365_days_before_onset(int secondCourseEndFromOnset, bool flagged)
    {
        // Onset −5. Courses of one day each: one 100 days before onset, one at the boundary.
        var r = RecordBuilder.Adult().Relapse(-5).Edss(-200, 2).Edss(-4, 3)
            .Steroids(-5 - 100, 1).Steroids(-5 + secondCourseEndFromOnset, 1).Recommend();
        Assert.Equal(flagged, r.FlagCodes().Contains(FlagCode.FrequentSteroidCourses));
    }

    [Fact]
    public void A_treated_attack_after_90_days_is_not_possible_progression()
    {
        var r = RecordBuilder.Adult().Relapse(-100).Edss(-200, 2).Edss(-99, 3).Steroids(-98, 5, 500, DoseRoute.Oral).Edss(-2, 3).Recommend();
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(TreatmentStage.SteroidsGiven, r.Episode.TreatmentStage);
    }

    [Theory]
    [InlineData(2.0, RecoveryClass.Complete)] // back to baseline
    [InlineData(5.5, RecoveryClass.Partial)] // improved 0.5 from 6.0, above baseline
    [InlineData(6.0, RecoveryClass.None)]
    public void Recovery_class_is_measured_at_the_latest_point(double latest, RecoveryClass expected)
    {
        var r = Refractory().Edss(-1, latest).Recommend();
        Assert.Equal(expected, r.Episode.RecoveryClass);
    }

    [Fact]
    public void Recovery_class_is_not_applicable_without_an_episode()
    {
        Assert.Equal(RecoveryClass.NotApplicable, RecordBuilder.Adult().Recommend().Episode.RecoveryClass);
    }

    [Fact]
    public void A_course_given_2_days_apart_is_one_course_and_3_days_apart_are_two()
    {
        var two = RecordBuilder.Adult().Relapse(-5).Edss(-200, 2).Edss(-4, 3).Steroids(-300, 1).Steroids(-297, 1).Recommend();
        var one = RecordBuilder.Adult().Relapse(-5).Edss(-200, 2).Edss(-4, 3).Steroids(-300, 1).Steroids(-298, 1).Recommend();
        Assert.Contains(FlagCode.FrequentSteroidCourses, two.FlagCodes());
        Assert.DoesNotContain(FlagCode.FrequentSteroidCourses, one.FlagCodes());
    }
}
