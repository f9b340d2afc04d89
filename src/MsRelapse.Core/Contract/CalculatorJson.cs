using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MsRelapse.Core.Apheresis;
using MsRelapse.Core.Edss;

namespace MsRelapse.Core.Contract;

/// <summary>
/// The calculators' JSON (shared/contract/calculators.schema.json, <c>$defs/edss</c> and <c>$defs/tpePlan</c>):
/// printed by <c>msrelapse edss|tpe-plan --json</c> and returned by GET /api/edss and /api/tpe-plan. camelCase,
/// stable member order, invariant culture, rounded once by <see cref="PlanRounding"/>.
/// </summary>
public static class CalculatorJson
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Keep "→", "–" and "≥" readable; the document is UTF-8 and never embedded in HTML by this library.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The <c>$defs/edss</c> document.</summary>
    public static JsonObject ToJson(EdssResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var scores = new JsonObject();
        foreach (var system in FunctionalSystemInfo.All)
        {
            scores[system.CamelName()] = result.Scores[system];
        }

        var converted = new JsonObject();
        foreach (var system in FunctionalSystemInfo.KurtzkeSystems)
        {
            converted[system.CamelName()] = result.ConvertedScores[system];
        }

        var c = result.Counts;
        return new JsonObject
        {
            ["edss"] = result.Edss.Value,
            ["functionalSystemStep"] = result.FunctionalSystemStep,
            ["ambulationStep"] = result.AmbulationStep,
            ["decidedBy"] = result.DecidedBy switch
            {
                EdssDecidedBy.Ambulation => "ambulation",
                EdssDecidedBy.Both => "both",
                _ => "functional-systems",
            },
            ["decidingRule"] = result.DecidingRule,
            ["functionalSystemRule"] = result.FunctionalSystemRule,
            ["ambulationRule"] = result.AmbulationRule,
            ["scores"] = scores,
            ["convertedScores"] = converted,
            ["counts"] = new JsonObject { ["n1"] = c.N1, ["n2"] = c.N2, ["n3"] = c.N3, ["n4"] = c.N4, ["n5OrMore"] = c.N5OrMore },
            ["explanation"] = result.Explanation,
        };
    }

    /// <summary>
    /// The <c>$defs/tpePlan</c> document. The volumes are null when inputs are missing (listed in <c>missing</c>);
    /// optional members without a value (<c>method</c>, <c>kaplanPlasmaVolumeMl</c>, albumin) are left out.
    /// </summary>
    public static JsonObject ToJson(PlasmaExchangePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var json = new JsonObject();
        if (plan.Method is not null)
        {
            json["method"] = plan.Method;
        }

        json["totalBloodVolumeMl"] = Ml(plan.TotalBloodVolumeMl);
        json["plasmaVolumeMl"] = Ml(plan.PlasmaVolumeMl);
        if (plan.KaplanPlasmaVolumeMl is { } kaplan)
        {
            json["kaplanPlasmaVolumeMl"] = PlanRounding.Millilitres(kaplan);
        }

        json["plasmaVolumesPerExchange"] = PlanRounding.PlasmaVolumes(plan.PlasmaVolumesPerExchange);
        json["exchangeVolumeMl"] = Ml(plan.ExchangeVolumeMl);
        json["fractionRemainingPerExchange"] = PlanRounding.Fraction(plan.FractionRemainingPerExchange);
        json["singleExchangeRemovalFraction"] = PlanRounding.Fraction(plan.SingleExchangeRemovalFraction);
        json["exchanges"] = plan.Exchanges;
        json["startDate"] = Date(plan.StartDate);
        json["intervalDays"] = plan.IntervalDays;
        json["schedule"] = new JsonArray([.. plan.Schedule.Select(s => new JsonObject { ["session"] = s.Session, ["date"] = Date(s.Date) })]);
        json["totalBodyIgGRemainingFraction"] = PlanRounding.Fraction(plan.TotalBodyIgGRemainingFraction);
        json["replacementFluid"] = plan.ReplacementFluid;
        if (plan.AlbuminGramsPerExchange is { } grams)
        {
            json["albuminGramsPerExchange"] = PlanRounding.Grams(grams);
        }

        if (plan.AlbuminVialsPerExchange is { } vials)
        {
            json["albuminVialsPerExchange"] = vials;
        }

        json["predictedIgG"] = new JsonArray([.. plan.PredictedIgG.Select(p => new JsonObject
        {
            ["session"] = p.Session,
            ["plasmaFractionOfPreExchange"] = PlanRounding.Fraction(p.PlasmaFractionOfPreExchange),
            ["plasmaFractionOfBaseline"] = PlanRounding.Fraction(p.PlasmaFractionOfBaseline),
            ["totalBodyFractionAfter"] = PlanRounding.Fraction(p.TotalBodyFractionAfter),
        })]);
        json["monitoring"] = new JsonArray([.. plan.Monitoring.Select(m => JsonValue.Create(m))]);
        json["lastSessionDate"] = Date(plan.LastSessionDate);
        json["lateReassessmentDate"] = Date(plan.LateReassessmentDate);
        json["missing"] = new JsonArray([.. plan.MissingItems.Select(m => JsonValue.Create(m))]);
        if (plan.VolumeCheck is { } check)
        {
            // 2026.2: the same warning as the engine's tpe-volume-check flag (added member; absent otherwise).
            json["warnings"] = new JsonArray(new JsonObject { ["code"] = "tpe-volume-check", ["severity"] = "warning", ["message"] = check });
        }

        return json;
    }

    /// <summary>The <c>$defs/edss</c> document as indented text.</summary>
    public static string Serialize(EdssResult result) => ToJson(result).ToJsonString(Indented);

    /// <summary>The <c>$defs/tpePlan</c> document as indented text.</summary>
    public static string Serialize(PlasmaExchangePlan plan) => ToJson(plan).ToJsonString(Indented);

    private static double? Ml(double? ml) => ml is { } v ? PlanRounding.Millilitres(v) : null;

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
