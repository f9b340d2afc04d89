using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>
/// Section "Recovery": per attack, baseline, nadir, EDSS at the end of steroids and of apheresis, at 1, 3 and 6
/// months (the latest assessment in (onset, onset + 30], (onset + 30, onset + 91], (onset + 91, onset + 182], once
/// that day has come), and the class at the latest point: complete ≤ baseline; partial = improved ≥ 0.5 from the
/// nadir but above baseline; none otherwise; not-applicable without an attack or a baseline.
/// </summary>
public sealed class RecoveryTests
{
    // Onset day −200; baseline 2.0 on day −260 (60 days before); nadir on day −199; IV course days −198 to −194.
    // The record is marked recurrence so that 2026.2's R2.2a (an unclosed treated attack is no longer current 180
    // days after its last activity) leaves this 200-day-old attack current.
    private static RecordBuilder TreatedAttack(double nadir = 4.0) =>
        RecordBuilder.Adult().RecurrenceMarkedRelapse(-200).Edss(-260, 2.0).Edss(-199, nadir).Steroids(-198);

    [Trait("Ruling", "A40")]
    [Fact]
    public void Each_milestone_takes_the_latest_assessment_of_its_own_window()
    {
        // Month 1 = days −199..−170: EDSS 3.5 on −185 and 3.0 on −175 → 3.0 (the latest). Month 3 = −169..−109:
        // 2.5 on −120. Month 6 = −108..−18: 2.0 on −30. Latest 2.0 ≤ baseline 2.0 → complete.
        var r = TreatedAttack().Edss(-185, 3.5).Edss(-175, 3.0).Edss(-120, 2.5).Edss(-30, 2.0).Recommend();
        var rc = r.Episode.Recovery!;
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-260), 2.0, -60), rc.Baseline);
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-199), 4.0, 1), rc.Nadir);
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-199), 4.0, 1), rc.SteroidEnd); // latest from onset to course end (−194)
        Assert.Null(rc.ApheresisEnd);
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-175), 3.0, 25), rc.Month1);
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-120), 2.5, 80), rc.Month3);
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-30), 2.0, 170), rc.Month6);
        Assert.Equal(rc.Month6, rc.Latest);
        Assert.Equal(RecoveryClass.Complete, r.Episode.RecoveryClass);
    }

    [Theory]
    [InlineData(30, 1)] // onset + 30 (day −170) closes the 1-month window
    [InlineData(31, 3)] // onset + 31 (day −169) opens the 3-month window
    [InlineData(91, 3)]
    [InlineData(92, 6)]
    [InlineData(182, 6)]
    public void Window_edges_put_an_assessment_in_exactly_one_milestone(int daysAfterOnset, int month)
    {
        var rc = TreatedAttack().Edss(-200 + daysAfterOnset, 3.0).Recommend().Episode.Recovery!;
        RecoveryPoint? expected = new(RecordBuilder.Day(-200 + daysAfterOnset), 3.0, daysAfterOnset);
        Assert.Equal(month == 1 ? expected : new RecoveryPoint(RecordBuilder.Day(-199), 4.0, 1), rc.Month1); // the nadir of day −199 is in month 1
        Assert.Equal(month == 3 ? expected : null, rc.Month3);
        Assert.Equal(month == 6 ? expected : null, rc.Month6);
    }

    [Fact]
    public void A_milestone_without_an_assessment_is_null_not_carried_forward()
    {
        // Nothing between day −169 and −109: month 3 is null although month 1 and month 6 have values.
        var rc = TreatedAttack().Edss(-30, 2.5).Recommend().Episode.Recovery!;
        Assert.NotNull(rc.Month1);
        Assert.Null(rc.Month3);
        Assert.Equal(2.5, rc.Month6!.Edss);
    }

    [Fact]
    public void Milestones_not_yet_reached_are_null()
    {
        // Onset 20 days ago: an EDSS 10 days after onset is not a 1-month value yet (onset + 30 is after asOf).
        var r = RecordBuilder.Adult().Relapse(-20).Edss(-80, 2).Edss(-19, 4).Steroids(-18).Edss(-10, 3).Recommend();
        var rc = r.Episode.Recovery!;
        Assert.Null(rc.Month1);
        Assert.Null(rc.Month3);
        Assert.Null(rc.Month6);
        Assert.Equal(3.0, rc.Latest!.Edss);
    }

    [Fact]
    public void End_of_apheresis_is_the_latest_assessment_up_to_the_last_session()
    {
        // Sessions on days −190, −188, −186, −184, −182; EDSS 3.5 on −183 (before the last session), 3.0 on −150.
        var rc = TreatedAttack().Sessions(-190, 5).Edss(-183, 3.5).Edss(-150, 3.0).Recommend().Episode.Recovery!;
        Assert.Equal(new RecoveryPoint(RecordBuilder.Day(-183), 3.5, 17), rc.ApheresisEnd);
    }

    // Baseline 2.0, nadir 4.5: latest 3.5 improved 1.0 (partial), 4.0 improved exactly 0.5 (partial), 4.5 none,
    // 2.0 complete, 1.5 (below baseline) complete.
    [Trait("Ruling", "A41")]
    [Theory]
    [InlineData(3.5, RecoveryClass.Partial)]
    [InlineData(4.0, RecoveryClass.Partial)]
    [InlineData(4.5, RecoveryClass.None)]
    [InlineData(2.0, RecoveryClass.Complete)]
    [InlineData(1.5, RecoveryClass.Complete)]
    public void Recovery_class_is_judged_at_the_latest_point(double latest, RecoveryClass expected)
    {
        var r = TreatedAttack(nadir: 4.5).Edss(-10, latest).Recommend();
        Assert.Equal(latest, r.Episode.Recovery!.Latest!.Edss);
        Assert.Equal(expected, r.Episode.RecoveryClass);
    }

    [Fact]
    public void Without_a_baseline_the_class_is_not_applicable_but_the_milestones_are_reported()
    {
        var r = RecordBuilder.Adult().RecurrenceMarkedRelapse(-200).Edss(-199, 4).Steroids(-198).Edss(-30, 3).Recommend();
        Assert.Equal(RecoveryClass.NotApplicable, r.Episode.RecoveryClass);
        Assert.Null(r.Episode.Recovery!.Baseline);
        Assert.Equal(3.0, r.Episode.Recovery.Month6!.Edss);
    }

    [Fact]
    public void Without_an_attack_there_is_no_recovery_course()
    {
        var r = RecordBuilder.Adult().Edss(-30, 2).Recommend();
        Assert.Equal(EpisodeStatus.NoEpisode, r.Episode.Status);
        Assert.Equal(RecoveryClass.NotApplicable, r.Episode.RecoveryClass);
        Assert.Null(r.Episode.Recovery);
    }
}
