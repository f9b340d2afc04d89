using FsCheck.Xunit;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>Invariants over generated records (FsCheck): determinism, disjoint lists, urgency floors, asOf.</summary>
public sealed class PathwayPropertyTests
{
    /// <summary>A plausible record from generated integers (every value within R0's ranges; attacks ongoing).</summary>
    private static RecordBuilder Generate(int onsetSeed, int baselineSeed, int nadirSeed, int treatmentSeed, int factsSeed, int peopleSeed)
    {
        var onset = -(Math.Abs(onsetSeed) % 130);
        var age = (Math.Abs(peopleSeed) % 4) switch { 0 => 12, 1 => 30, 2 => 50, _ => 70 };
        var b = RecordBuilder.Adult(Math.Abs(peopleSeed) % 3 == 0 ? Sex.Male : Sex.Female, age).Relapse(onset);
        var steps = new[] { 0, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 8 };
        var baseline = steps[Math.Abs(baselineSeed) % steps.Length];
        var nadir = steps[Math.Abs(nadirSeed) % steps.Length];
        if (baselineSeed % 5 != 0)
        {
            b = b.Edss(onset - 40, baseline);
        }

        if (nadirSeed % 7 != 0)
        {
            b = b.Edss(Math.Min(onset + 1, 0), Math.Max(nadir, baseline));
        }

        var t = Math.Abs(treatmentSeed);
        if (t % 3 >= 1 && onset <= -3)
        {
            b = b.Steroids(onset + 1, 3 + (t % 3), t % 2 == 0 ? 1000 : 500, t % 4 < 2 ? DoseRoute.Intravenous : DoseRoute.Oral);
            if (t % 5 == 0)
            {
                b = b.Edss(0, steps[t % steps.Length]);
            }

            if (t % 7 == 0 && onset <= -12)
            {
                b = b.Sessions(onset + 8, 1 + (t % 6), t % 2 == 0 ? ApheresisKind.PlasmaExchange : ApheresisKind.Immunoadsorption);
            }
        }

        var f = Math.Abs(factsSeed);
        if ((f & 1) != 0) { b = b.Finding(FindingKind.Aqp4IgG, -500); }
        if ((f & 2) != 0) { b = b.Medication(MedicationClass.Natalizumab); }
        if ((f & 4) != 0) { b = b.Allergy(AllergyKind.Steroid); }
        if ((f & 8) != 0) { b = b.Temperature(-(f % 5), 38.5); }
        if ((f & 16) != 0) { b = b.Infection(-(f % 20), sepsis: (f & 512) != 0); }
        if ((f & 32) != 0) { b = b.Medication(MedicationClass.AceInhibitor); }
        if ((f & 64) != 0) { b = b.Body(20 + (f % 80), 150 + (f % 40), 30 + (f % 20)); }
        if ((f & 128) != 0) { b = b.Finding(FindingKind.MogIgG, -100); }
        if ((f & 256) != 0) { b = b.Condition(ConditionKind.Diabetes, -3000); }
        if ((f & 1024) != 0) { b = b.Measure(MeasurementKind.SystolicMmHg, 0, 80); }
        if ((f & 2048) != 0) { b = b.Allergy(AllergyKind.Albumin); }
        return b;
    }

    // Serialize writes the document straight to a Utf8JsonWriter; ToJson hands callers the same document as a tree.
    // Re-serialising the tree must give the writer's bytes, compact and indented (escaping, number formatting, nulls),
    // and the UTF-8 line the service sends must be the CLI's text plus its newline.
    [Property(MaxTest = 300)]
    public bool The_JSON_tree_and_the_service_bytes_agree_with_the_written_document(int a, int b, int c, int d, int e, int f, bool child)
    {
        var builder = Generate(a, b, c, d, e, f);
        var recommendation = builder.Build() is var record && child
            ? PathwayEngine.Evaluate(record with { BirthDate = RecordBuilder.AsOf.AddYears(-12) }, RecordBuilder.AsOf).Recommendation!
            : PathwayEngine.Evaluate(record, RecordBuilder.AsOf).Recommendation!;
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var compact = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var tree = RecommendationJson.ToJson(recommendation);
        var indented = RecommendationJson.Serialize(recommendation);
        return indented == tree.ToJsonString(options)
            && RecommendationJson.Serialize(recommendation, indented: false) == tree.ToJsonString(compact)
            && RecommendationJson.SerializeUtf8Line(recommendation).AsSpan().SequenceEqual(System.Text.Encoding.UTF8.GetBytes(indented + "\n"));
    }

    [Property(MaxTest = 300)]
    public bool Same_input_gives_byte_identical_JSON_whatever_the_order_of_the_facts(int a, int b, int c, int d, int e, int f)
    {
        var record = Generate(a, b, c, d, e, f).Build();
        var reversed = record with
        {
            EdssAssessments = [.. record.EdssAssessments.Reverse()],
            Measurements = [.. record.Measurements.Reverse()],
            Findings = [.. record.Findings.Reverse()],
            Conditions = [.. record.Conditions.Reverse()],
            SteroidDoses = [.. record.SteroidDoses.Reverse()],
            Medications = [.. record.Medications.Reverse()],
            Allergies = [.. record.Allergies.Reverse()],
            ApheresisSessions = [.. record.ApheresisSessions.Reverse()],
            Relapses = [.. record.Relapses.Reverse()],
        };
        var first = RecommendationJson.Serialize(PathwayEngine.Evaluate(record, RecordBuilder.AsOf).Recommendation!);
        var again = RecommendationJson.Serialize(PathwayEngine.Evaluate(record, RecordBuilder.AsOf).Recommendation!);
        var shuffled = RecommendationJson.Serialize(PathwayEngine.Evaluate(reversed, RecordBuilder.AsOf).Recommendation!);
        return first == again && first == shuffled;
    }

    [Property(MaxTest = 300)]
    public void Primary_concurrent_alternatives_and_not_recommended_are_disjoint(int a, int b, int c, int d, int e, int f)
    {
        var r = Generate(a, b, c, d, e, f).Recommend();
        r.AssertDisjoint();
    }

    // primaryRule is what the page shows as the reason for the action: it must be a rule that fired and wrote a reason.
    [Property(MaxTest = 300)]
    public void The_rule_that_chose_the_primary_fired_and_explains_itself(int a, int b, int c, int d, int e, int f)
    {
        var r = Generate(a, b, c, d, e, f).Recommend();
        Assert.Contains(r.Advice.PrimaryRule, r.FiredRules);
        Assert.Contains(r.Rationale, x => x.Rule == r.Advice.PrimaryRule);
    }

    [Property(MaxTest = 300)]
    public void Urgency_is_never_below_urgent_for_an_ongoing_relapse_with_possible_NMOSD_or_PML_risk(int a, int b, int c, int d, int e, int f)
    {
        var r = Generate(a, b, c, d, e, f).Recommend();
        var floor = r.Episode.Status == EpisodeStatus.Relapse && r.FlagCodes().Any(x => x is FlagCode.PossibleNmosd or FlagCode.PmlRisk);
        if (floor)
        {
            Assert.True(r.Advice.Urgency >= Urgency.Urgent, $"{r.Advice.Primary} {r.Advice.Urgency}");
        }

        if (r.Episode.Status == EpisodeStatus.PseudoRelapseSuspected && r.Episode.Severity == AttackSeverity.Severe)
        {
            Assert.True(r.Advice.Urgency >= Urgency.Urgent);
        }
    }

    [Property(MaxTest = 300)]
    public void Every_cited_evidence_id_is_listed_once_sorted_and_known(int a, int b, int c, int d, int e, int f)
    {
        var r = Generate(a, b, c, d, e, f).Recommend();
        var cited = r.Flags.SelectMany(x => x.Evidence).Concat(r.Rationale.SelectMany(x => x.Evidence))
            .Concat(r.Advice.Alternatives.SelectMany(x => x.Evidence)).Concat(r.Advice.NotRecommended.SelectMany(x => x.Evidence))
            .Concat(r.ApheresisResponseFactors.SelectMany(x => x.Evidence))
            .Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(cited, r.Evidence.Select(x => x.Id));
    }

    [Property(MaxTest = 300)]
    public bool Facts_dated_after_as_of_never_change_the_result(int a, int b, int c, int d, int e, int f, int g)
    {
        var builder = Generate(a, b, c, d, e, f);
        var before = RecommendationJson.Serialize(builder.Recommend());
        var later = 1 + (Math.Abs(g) % 30);
        builder = builder.Relapse(later).Edss(later, 99).Edss(later + 1, 9.5).Temperature(later, 50).Infection(later, sepsis: true)
            .Steroids(later, 5).Sessions(later, 5).Finding(FindingKind.Aqp4IgG, later).Measure(MeasurementKind.WeightKg, later, 1000)
            .Measure(MeasurementKind.HematocritPercent, later, 0.4).Condition(ConditionKind.Pregnancy, later);
        var after = RecommendationJson.Serialize(builder.Recommend());
        return before == after;
    }

    [Property(MaxTest = 200)]
    public void Plans_match_the_actions(int a, int b, int c, int d, int e, int f)
    {
        var r = Generate(a, b, c, d, e, f).Recommend();
        bool Listed(ActionCode x) => r.Advice.Primary == x || r.Advice.Concurrent.Contains(x) || r.AlternativeActions().Contains(x);
        Assert.Equal(Listed(ActionCode.PlasmaExchange), r.Plan.PlasmaExchange is not null);
        Assert.Equal(Listed(ActionCode.Immunoadsorption), r.Plan.Immunoadsorption is not null);
        var steroidNow = r.Advice.Primary is ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone
            || r.Advice.Concurrent.Any(x => x is ActionCode.OralMethylprednisolone or ActionCode.IvMethylprednisolone or ActionCode.EscalatedIvMethylprednisolone);
        Assert.Equal(steroidNow, r.Plan.Steroids is not null);
    }
    [Property(MaxTest = 300)]
    public void Rationale_texts_use_right_articles_and_plurals(int a, int b, int c, int d, int e, int f)
    {
        // Ruling 10: no "day(s)", no "A IV", no "1 days" anywhere a clinician reads.
        var r = Generate(a, b, c, d, e, f).Recommend();
        var texts = r.Rationale.Select(x => x.Text).Concat(r.Flags.Select(x => x.Message)).Concat(r.Advice.Alternatives.Select(x => x.Reason))
            .Concat(r.Advice.NotRecommended.Select(x => x.Reason));
        foreach (var text in texts)
        {
            Assert.DoesNotContain("(s)", text, StringComparison.Ordinal);
            Assert.False(text.StartsWith("A IV", StringComparison.Ordinal) || text.Contains(" a IV", StringComparison.Ordinal), text);
            Assert.False(System.Text.RegularExpressions.Regex.IsMatch(text, @"(^|[^\d.])1 (days|sessions|exchanges|records|doses)\b"), text);
        }
    }

    [Property(MaxTest = 300)]
    public void A_course_in_progress_is_planned_to_five_sessions_of_both_kinds_together(int kindsSeed, int countSeed, int lastSeed, int factsSeed, int nadirSeed)
    {
        // Ruling 1 (R7 "count together", R7.1 "the remaining sessions"): 1–4 sessions of either kind, the last 0–3 days
        // ago (R7.1), with modifiers that switch or displace the apheresis; whichever kind is planned, its schedule
        // holds every session given (done) and 5 in all, and an apheresis primary is reassessed on its last session.
        var count = 1 + (Math.Abs(countSeed) % 4);
        var last = -(Math.Abs(lastSeed) % 4);
        var b = RecordBuilder.Adult().Body().Attack(-20, 2.0, new[] { 2.5, 3.5, 4.5, 6.5 }[Math.Abs(nadirSeed) % 4]);
        for (var i = 0; i < count; i++)
        {
            var kind = ((kindsSeed >> i) & 1) == 0 ? ApheresisKind.PlasmaExchange : ApheresisKind.Immunoadsorption;
            b = b.Sessions(last - (2 * (count - 1 - i)), 1, kind);
        }

        var f = Math.Abs(factsSeed);
        if ((f & 1) != 0) { b = b.Allergy(AllergyKind.Albumin); }
        if ((f & 2) != 0) { b = b.Measure(MeasurementKind.SystolicMmHg, 0, 80); }
        if ((f & 4) != 0) { b = b.Infection(-2); }
        if ((f & 8) != 0) { b = b.Medication(MedicationClass.AceInhibitor); }
        if ((f & 16) != 0) { b = b.Finding(FindingKind.Aqp4IgG, -500); }

        var r = b.Recommend();
        Assert.Equal(TreatmentStage.ApheresisInProgress, r.Episode.TreatmentStage);
        Assert.Contains("R7.1", r.FiredRules);
        Assert.True(r.Plan.PlasmaExchange is not null || r.Plan.Immunoadsorption is not null, "an apheresis plan");
        foreach (var schedule in new[] { r.Plan.PlasmaExchange?.Schedule, r.Plan.Immunoadsorption?.Schedule })
        {
            if (schedule is { } sc)
            {
                Assert.Equal(Thresholds.ApheresisCourseSessions, sc.Length);
                Assert.Equal(count, sc.Count(x => x.Done));
            }
        }

        if (r.Advice.Primary == ActionCode.PlasmaExchange)
        {
            Assert.Equal(r.Plan.PlasmaExchange!.Schedule[^1].Date, r.Advice.ReassessOn);
        }

        if (r.Advice.Primary == ActionCode.Immunoadsorption)
        {
            Assert.Equal(r.Plan.Immunoadsorption!.Schedule[^1].Date, r.Advice.ReassessOn);
        }
    }
}
