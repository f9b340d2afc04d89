using System.Text.Json.Nodes;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Fhir.Tests;

/// <summary>The facade over the shared examples (shared/examples/README.md, as of 2026-05-11) and real data.</summary>
public sealed class FhirEvaluationTests
{
    private static readonly DateOnly AsOf = new(2026, 5, 11);

    private static Recommendation Evaluate(string example)
    {
        var outcome = FhirEvaluation.Evaluate(File.ReadAllText(Path.Combine(SharedData.Examples, example)), AsOf);
        Assert.True(outcome.IsValid, string.Join("; ", outcome.Errors));
        return outcome.Recommendation!;
    }

    [Fact]
    public void Severe_untreated_relapse_example_gets_IV_methylprednisolone_urgently()
    {
        var r = Evaluate("severe-relapse-untreated.json");
        Assert.Equal(EpisodeStatus.Relapse, r.Episode.Status);
        Assert.Equal(AttackSeverity.Severe, r.Episode.Severity);
        Assert.Equal(ActionCode.IvMethylprednisolone, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal(1000, r.Plan.Steroids!.DoseMgPerDay);
        Assert.Equal(5, r.Plan.Steroids.Days);
        Assert.Contains(r.Flags, f => f.Code == FlagCode.DmtReview);
    }

    [Fact]
    public void Steroid_refractory_example_read_from_FHIR_gets_plasma_exchange_with_the_ACE_inhibitor_hold()
    {
        var r = Evaluate("steroid-refractory-relapse.json");
        Assert.Equal(ResponseStatus.Inadequate, r.Episode.SteroidResponse);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Equal(Urgency.Urgent, r.Advice.Urgency);
        Assert.Equal([ActionCode.Immunoadsorption, ActionCode.EscalatedIvMethylprednisolone, ActionCode.Ivig], r.Advice.Alternatives.Select(a => a.Action));
        Assert.Contains(r.Flags, f => f.Code == FlagCode.TpeCautionAceInhibitor);
        // ramipril held ≥ 24 h: first exchange asOf + 2 = 2026-05-13; Nadler TBV ≈ 5,419 mL, PV ≈ 3,035 mL (README).
        Assert.Equal(new DateOnly(2026, 5, 13), r.Plan.PlasmaExchange!.StartDate);
        Assert.Equal(5419, r.Plan.PlasmaExchange.TotalBloodVolumeMl!.Value, 0);
        Assert.Equal(3035, r.Plan.PlasmaExchange.PlasmaVolumeMl!.Value, 0);
    }

    [Fact]
    public void Pseudo_relapse_example_treats_the_trigger_and_does_not_recommend_steroids()
    {
        var r = Evaluate("pseudo-relapse-with-fever.json");
        Assert.Equal(EpisodeStatus.PseudoRelapseSuspected, r.Episode.Status);
        Assert.Equal(ActionCode.TreatTrigger, r.Advice.Primary);
        Assert.Contains(r.Flags, f => f.Code == FlagCode.Fever);
        Assert.Contains(r.Flags, f => f.Code == FlagCode.Infection);
        Assert.Contains(r.Advice.NotRecommended, n => n.Action is ActionCode.IvMethylprednisolone or ActionCode.OralMethylprednisolone);
    }

    [Fact]
    public void AQP4_positive_example_from_functional_systems_only_is_an_NMOSD_emergency()
    {
        var r = Evaluate("aqp4-positive-myelitis.json");
        Assert.Equal(AttackSeverity.Severe, r.Episode.Severity);
        Assert.Equal(6.0, r.Episode.Edss.Nadir);
        Assert.Contains(r.Flags, f => f.Code == FlagCode.PossibleNmosd && f.Severity == FlagSeverity.Critical);
        Assert.Equal(ActionCode.PlasmaExchange, r.Advice.Primary);
        Assert.Contains(ActionCode.IvMethylprednisolone, r.Advice.Concurrent);
        Assert.Contains(ActionCode.SpecialistReview, r.Advice.Concurrent);
        Assert.Equal(Urgency.Emergency, r.Advice.Urgency);
    }

    [Fact]
    public void Every_Synthea_patient_evaluates_to_no_episode_without_errors()
    {
        foreach (var (patientId, json) in SyntheaSweepTests.BundlesByPatient())
        {
            var outcome = FhirEvaluation.Evaluate(json, AsOf);
            Assert.True(outcome.IsValid, $"{patientId}: {string.Join("; ", outcome.Errors)}");
            Assert.Equal(EpisodeStatus.NoEpisode, outcome.Recommendation!.Episode.Status);
        }
    }

    [Fact]
    public void Reading_errors_stop_before_the_engine()
    {
        var outcome = FhirEvaluation.Evaluate("{ not json", AsOf);
        Assert.False(outcome.IsValid);
        Assert.Null(outcome.Recommendation);
        Assert.Equal("fhir-parse-error", Assert.Single(outcome.Errors).Code);
    }

    [Fact]
    public void Engine_R0_errors_come_back_with_the_FHIR_resource_named()
    {
        // Weight 900 kg measured yesterday: impossible (R0: 2–400 kg), within its 90-day recency window.
        var json = TestBundles.Bundle(TestBundles.Loinc("w9", "29463-7", "2026-05-10", TestBundles.Q(900, "kg")));
        var outcome = FhirEvaluation.Evaluate(json, AsOf);
        Assert.False(outcome.IsValid);
        Assert.Contains(outcome.Errors, e => e.Source?.Resource == "Observation/w9");
    }

    [Fact]
    public void Same_bundle_same_day_gives_the_same_bytes()
    {
        var json = File.ReadAllText(Path.Combine(SharedData.Examples, "steroid-refractory-relapse.json"));
        var a = RecommendationJson.Serialize(FhirEvaluation.Evaluate(json, AsOf).Recommendation!);
        var b = RecommendationJson.Serialize(FhirEvaluation.Evaluate(json, AsOf).Recommendation!);
        Assert.Equal(a, b);
    }

    /// <summary>
    /// The reader's notes reach the answer (recommendation JSON member <c>readingNotes</c>, added): a medication known
    /// by a reference's display only, a reference that could not be read; sorted, so the order of the Bundle's entries
    /// does not change the answer; absent when there is nothing to say.
    /// </summary>
    [Fact]
    public void Reading_notes_are_part_of_the_answer_sorted_and_absent_when_there_are_none()
    {
        var plain = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedData.Examples, "severe-relapse-untreated.json")))!;
        Assert.False(RecommendationJson.ToJson(FhirEvaluation.Evaluate(plain.ToJsonString(), AsOf).Recommendation!).ContainsKey("readingNotes"));

        var noted = plain.DeepClone();
        var entries = noted["entry"]!.AsArray();
        entries.Add(JsonNode.Parse("""
            {"resource":{"resourceType":"MedicationStatement","id":"ms-ace","status":"active","subject":{"reference":"Patient/p1"},
              "medicationReference":{"reference":"Medication/formulary-77","display":"lisinopril 10 mg tablet"},"effectivePeriod":{"start":"2025-01-01"}}}
            """));
        entries.Add(JsonNode.Parse("""
            {"resource":{"resourceType":"MedicationAdministration","id":"ma-unknown","status":"completed","subject":{"reference":"Patient/p1"},
              "medicationReference":{"reference":"Medication/formulary-99"},"effectiveDateTime":"2026-05-01"}}
            """));
        var r = FhirEvaluation.Evaluate(noted.ToJsonString(), AsOf).Recommendation!;
        Assert.Equal<string>(
            [
                "MedicationAdministration/ma-unknown: its medication (Medication/formulary-99) is not in the record; not read.",
                "MedicationStatement/ms-ace: its medication (Medication/formulary-77) is not in the record; read by the reference's display.",
                "MedicationStatement/ms-ace: recognised lisinopril by name (no ingredient or ATC code).",
            ],
            r.ReadingNotes);
        var json = RecommendationJson.ToJson(r);
        Assert.Equal<string>(r.ReadingNotes, json["readingNotes"]!.AsArray().Select(n => (string)n!));

        // The same resources in the reverse order: the same answer, byte for byte.
        var reversed = noted.DeepClone();
        var list = reversed["entry"]!.AsArray().Select(e => e!.DeepClone()).Reverse().ToList();
        reversed["entry"] = new JsonArray([.. list]);
        Assert.Equal(RecommendationJson.Serialize(r), RecommendationJson.Serialize(FhirEvaluation.Evaluate(reversed.ToJsonString(), AsOf).Recommendation!));
    }
}
