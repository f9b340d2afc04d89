using System.Text.Json.Nodes;
using MsRelapse.Core.Contract;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>The JSON contract (recommendation.schema.json): vocabulary, shapes, determinism, no identifiers in text.</summary>
public sealed class RecommendationJsonTests
{
    // Copied from recommendation.schema.json ($defs/action, $defs/flagCode, and the enums of episode and missingData).
    private static readonly string[] SchemaActions = ["observe", "treat-trigger", "oral-methylprednisolone", "iv-methylprednisolone", "await-response", "plasma-exchange", "immunoadsorption", "escalated-iv-methylprednisolone", "ivig", "specialist-review", "rehabilitation", "symptomatic-therapy"];
    private static readonly string[] SchemaFlags = ["within-30-days-of-previous-attack", "transient-under-24h", "fever", "infection", "progressive-course", "possible-nmosd", "dmt-harmful-in-nmosd", "possible-mogad", "pml-risk", "edss-inconsistent", "late-for-steroids", "steroid-allergy", "steroid-caution-diabetes", "steroid-caution-psychiatric", "steroid-caution-gi", "frequent-steroid-courses", "apheresis-delayed", "apheresis-contraindication-infection", "apheresis-contraindication-hemodynamic", "tpe-caution-albumin-allergy", "tpe-caution-ace-inhibitor", "tpe-caution-hypocalcemia", "tpe-caution-low-fibrinogen", "tpe-caution-anticoagulant", "pregnancy", "breastfeeding", "pediatric", "older-age", "dmt-review", "missing-data", "unclosed-relapse-record", "tpe-volume-check"];
    private static readonly string[] SchemaStatuses = ["relapse", "unconfirmed", "pseudo-relapse-suspected", "not-a-relapse", "possible-progression", "no-episode"];
    private static readonly string[] SchemaMissing = ["edss-baseline", "edss-since-onset", "edss-after-steroids", "edss-after-apheresis", "weight", "height", "sex", "hematocrit", "birth-date", "relapse-onset", "infection-date"];

    [Fact]
    public void Wire_names_are_exactly_the_schema_vocabulary()
    {
        Assert.Equal(SchemaActions, Enum.GetValues<ActionCode>().Select(WireNames.Of));
        Assert.Equal(SchemaFlags, Enum.GetValues<FlagCode>().Select(WireNames.Of));
        Assert.Equal(SchemaStatuses, Enum.GetValues<EpisodeStatus>().Select(WireNames.Of));
        Assert.Equal(SchemaMissing, Enum.GetValues<MissingItem>().Select(WireNames.Of));
        Assert.Equal(["mild", "moderate", "severe", "unknown", "not-applicable"], Enum.GetValues<AttackSeverity>().Select(WireNames.Of));
        Assert.Equal(["routine", "soon", "urgent", "emergency"], Enum.GetValues<Urgency>().Select(WireNames.Of));
        Assert.Equal(["untreated", "steroids-given", "apheresis-in-progress", "apheresis-completed"], Enum.GetValues<TreatmentStage>().Select(WireNames.Of));
        Assert.Equal(["not-applicable", "too-early", "responded", "inadequate", "unknown"], Enum.GetValues<ResponseStatus>().Select(WireNames.Of));
        Assert.Equal(["complete", "partial", "none", "not-applicable"], Enum.GetValues<RecoveryClass>().Select(WireNames.Of));
    }

    [Fact]
    public void The_document_has_the_required_members_in_a_fixed_order_with_iso_dates()
    {
        var r = RecordBuilder.Adult(Sex.Male).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Body(82, 181, 44).Recommend();
        var json = RecommendationJson.ToJson(r);
        // 2026.2: a plasma exchange plan without NMOSD/MOGAD adds the response factors, last.
        Assert.Equal(["engine", "asOf", "patient", "episode", "recommendation", "plan", "flags", "rationale", "missingData", "evidence", "firedRules", "dataUsed", "apheresisResponseFactors"], json.Select(p => p.Key));
        Assert.Equal("2026-05-11", (string?)json["asOf"]);
        Assert.Equal("2026-04-16", (string?)json["episode"]!["onset"]);
        Assert.Equal(25, (int)json["episode"]!["daysSinceOnset"]!);
        Assert.Equal("plasma-exchange", (string?)json["recommendation"]!["primary"]);
        var schedule = json["plan"]!["plasmaExchange"]!["schedule"]!.AsArray();
        Assert.Equal("2026-05-12", (string?)schedule[0]!["date"]);
        Assert.False((bool)schedule[0]!["done"]!);
        Assert.Null(json["plan"]!["steroids"]);
        foreach (var rule in json["rationale"]!.AsArray())
        {
            Assert.Matches("^R[0-9]+(\\.[0-9]+)*$", (string)rule!["rule"]!);
        }
    }

    [Fact]
    public void Unknown_EDSS_values_are_written_as_null()
    {
        var json = RecommendationJson.ToJson(RecordBuilder.Adult().Relapse(-3).Recommend());
        var edss = json["episode"]!["edss"]!.AsObject();
        Assert.True(edss.ContainsKey("baseline"));
        Assert.Null(edss["baseline"]);
        Assert.Null(edss["rise"]);
    }

    [Fact]
    public void Messages_and_rationale_never_contain_the_patient_id()
    {
        var r = RecordBuilder.Adult().With(x => x with { PatientId = "PATIENT-SECRET-42" })
            .Relapse(-3).Edss(-100, 1.5).Edss(-2, 4).Medication(MedicationClass.Natalizumab).Temperature(-1, 38.2).Recommend();
        var text = string.Join("\n", r.Flags.Select(f => f.Message).Concat(r.Rationale.Select(x => x.Text)).Concat(r.Advice.Alternatives.Select(a => a.Reason)));
        Assert.DoesNotContain("PATIENT-SECRET-42", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_serialise_with_code_message_and_source()
    {
        var result = RecordBuilder.Adult().Relapse(-3).Edss(-1, 12).Evaluate();
        var json = RecommendationJson.ErrorsToJson(result.Errors);
        var error = json["errors"]!.AsArray().Single()!;
        Assert.Equal("value-out-of-range", (string?)error["code"]);
        Assert.StartsWith("Observation/", (string?)error["source"]!["resource"], StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_and_knowledge_base_versions_are_reported()
    {
        var r = RecordBuilder.Adult().Recommend();
        Assert.Equal("2026.2", r.Engine.KnowledgeBase);
        Assert.Equal(PathwayEngine.KnowledgeBaseVersion, r.Engine.KnowledgeBase);
        Assert.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+", r.Engine.Version);
        Assert.DoesNotContain('+', r.Engine.Version);
    }

    [Fact]
    public void Indented_and_compact_forms_hold_the_same_document()
    {
        var r = RecordBuilder.Adult().Relapse(-3).Edss(-100, 2).Edss(-2, 3).Recommend();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RecommendationJson.Serialize(r)), JsonNode.Parse(RecommendationJson.Serialize(r, indented: false))));
    }

    [Fact]
    public void Recovery_points_and_plan_evidence_are_written_as_new_members()
    {
        // Onset day −25 (2026-04-16); baseline 2.0 on day −125 (2026-01-06); nadir 6.0 on day −24; latest 6.0 on day −2.
        var r = RecordBuilder.Adult(Sex.Male).Relapse(-25).Edss(-125, 2).Edss(-24, 6).Steroids(-23).Edss(-2, 6).Body(82, 181, 44).Recommend();
        var episode = RecommendationJson.ToJson(r)["episode"]!.AsObject();
        Assert.Equal("none", (string?)episode["recoveryClass"]);
        var recovery = episode["recovery"]!.AsObject();
        Assert.Equal(["baseline", "nadir", "steroidEnd", "apheresisEnd", "month1", "month3", "month6", "latest"], recovery.Select(p => p.Key));
        Assert.Equal("2026-01-06", (string?)recovery["baseline"]!["date"]);
        Assert.Equal(2.0, (double)recovery["baseline"]!["edss"]!);
        Assert.Equal(-100, (int)recovery["baseline"]!["daysFromOnset"]!);
        Assert.Null(recovery["month1"]); // onset + 30 is after asOf
        Assert.Equal(23, (int)recovery["latest"]!["daysFromOnset"]!);

        var plan = RecommendationJson.ToJson(r)["plan"]!;
        Assert.Equal(["E-ASFA-2023", "E-KAPLAN-1990", "E-NADLER-1962", "E-REVERBERI-2007"], plan["plasmaExchange"]!["evidence"]!.AsArray().Select(x => (string?)x));
        Assert.Equal(["E-IA-DORST-2019"], plan["immunoadsorption"]!["evidence"]!.AsArray().Select(x => (string?)x));
    }

    [Fact]
    public void No_episode_writes_a_null_recovery()
    {
        var json = RecommendationJson.ToJson(RecordBuilder.Adult().Recommend());
        Assert.True(json["episode"]!.AsObject().ContainsKey("recovery"));
        Assert.Null(json["episode"]!["recovery"]);
    }
}
