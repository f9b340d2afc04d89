using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MsRelapse.Core.Model;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Contract;

/// <summary>
/// Writes a <see cref="Recommendation"/> as recommendation.schema.json: camelCase, dates "yyyy-MM-dd", null where
/// the schema allows it, members and arrays in a fixed order, numbers invariant. Same recommendation → same bytes.
/// </summary>
public static class RecommendationJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The recommendation as JSON text.</summary>
    public static string Serialize(Recommendation r, bool indented = true) =>
        ToJson(r).ToJsonString(indented ? Indented : Compact);

    /// <summary>The recommendation as a JSON object (schema member order).</summary>
    public static JsonObject ToJson(Recommendation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var patient = new JsonObject();
        if (r.Patient.Id is { } id)
        {
            patient["id"] = id;
        }

        if (r.Patient.AgeYears is { } age)
        {
            patient["ageYears"] = age;
        }

        patient["sex"] = WireNames.Of(r.Patient.Sex);

        var e = r.Episode;
        var episode = new JsonObject { ["status"] = WireNames.Of(e.Status) };
        if (e.Onset is { } onset)
        {
            episode["onset"] = Date(onset);
        }

        if (e.DaysSinceOnset is { } days)
        {
            episode["daysSinceOnset"] = days;
        }

        episode["severity"] = WireNames.Of(e.Severity);
        episode["edss"] = new JsonObject
        {
            ["baseline"] = Number(e.Edss.Baseline),
            ["nadir"] = Number(e.Edss.Nadir),
            ["latest"] = Number(e.Edss.Latest),
            ["rise"] = Number(e.Edss.Rise),
            ["atSteroidEnd"] = Number(e.Edss.AtSteroidEnd),
            ["atApheresisEnd"] = Number(e.Edss.AtApheresisEnd),
        };
        episode["treatmentStage"] = WireNames.Of(e.TreatmentStage);
        episode["steroidResponse"] = WireNames.Of(e.SteroidResponse);
        episode["apheresisResponse"] = WireNames.Of(e.ApheresisResponse);
        episode["recoveryClass"] = WireNames.Of(e.RecoveryClass);
        episode["recovery"] = e.Recovery is { } rc
            ? new JsonObject
            {
                ["baseline"] = Point(rc.Baseline),
                ["nadir"] = Point(rc.Nadir),
                ["steroidEnd"] = Point(rc.SteroidEnd),
                ["apheresisEnd"] = Point(rc.ApheresisEnd),
                ["month1"] = Point(rc.Month1),
                ["month3"] = Point(rc.Month3),
                ["month6"] = Point(rc.Month6),
                ["latest"] = Point(rc.Latest),
            }
            : null;

        var a = r.Advice;
        var advice = new JsonObject
        {
            ["primary"] = WireNames.Of(a.Primary),
            ["urgency"] = WireNames.Of(a.Urgency),
            ["concurrent"] = Array(a.Concurrent.Select(x => (JsonNode?)WireNames.Of(x))),
        };
        if (a.ReassessOn is { } reassess)
        {
            advice["reassessOn"] = Date(reassess);
        }

        advice["alternatives"] = Array(a.Alternatives.Select(Reasoned));
        advice["notRecommended"] = Array(a.NotRecommended.Select(Reasoned));

        return new JsonObject
        {
            ["engine"] = new JsonObject { ["version"] = r.Engine.Version, ["knowledgeBase"] = r.Engine.KnowledgeBase },
            ["asOf"] = Date(r.AsOf),
            ["patient"] = patient,
            ["episode"] = episode,
            ["recommendation"] = advice,
            ["plan"] = new JsonObject
            {
                ["steroids"] = r.Plan.Steroids is { } s ? Steroids(s) : null,
                ["plasmaExchange"] = r.Plan.PlasmaExchange is { } t ? PlasmaExchange(t) : null,
                ["immunoadsorption"] = r.Plan.Immunoadsorption is { } i ? Immunoadsorption(i) : null,
            },
            ["flags"] = Array(r.Flags.Select(f => (JsonNode?)new JsonObject
            {
                ["code"] = WireNames.Of(f.Code),
                ["severity"] = WireNames.Of(f.Severity),
                ["message"] = f.Message,
                ["evidence"] = Strings(f.Evidence),
            })),
            ["rationale"] = Array(r.Rationale.Select(x => (JsonNode?)new JsonObject
            {
                ["rule"] = x.Rule,
                ["text"] = x.Text,
                ["evidence"] = Strings(x.Evidence),
            })),
            ["missingData"] = Array(r.MissingData.Select(m => (JsonNode?)new JsonObject
            {
                ["item"] = WireNames.Of(m.Item),
                ["neededFor"] = m.NeededFor,
                ["blocking"] = m.Blocking,
            })),
            ["evidence"] = Array(r.Evidence.Select(x => (JsonNode?)new JsonObject
            {
                ["id"] = x.Id,
                ["citation"] = x.Citation,
                ["grade"] = x.Grade,
            })),
            ["firedRules"] = Strings(r.FiredRules),
            ["dataUsed"] = Array(r.DataUsed.Select(x => (JsonNode?)new JsonObject
            {
                ["item"] = x.Item,
                ["value"] = x.Value,
                ["date"] = x.Date is { } dd ? Date(dd) : null,
                ["source"] = x.Source,
                ["usedBy"] = x.UsedBy,
            })),
        };
    }

    /// <summary>R0 errors as JSON for the CLI and HTTP error output: <c>{"errors":[{"code","message","source":{"resource","path"}}]}</c>.</summary>
    public static JsonObject ErrorsToJson(IReadOnlyList<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new JsonObject
        {
            ["errors"] = Array(errors.Select(x => (JsonNode?)new JsonObject
            {
                ["code"] = x.Code,
                ["message"] = x.Message,
                ["source"] = x.Source is { } src ? new JsonObject { ["resource"] = src.Resource, ["path"] = src.Path } : null,
            })),
        };
    }

    private static JsonObject Steroids(SteroidPlan s) => new JsonObject
    {
        ["drug"] = s.Drug,
        ["action"] = WireNames.Of(s.Action),
        ["route"] = WireNames.Of(s.Route),
        ["doseMgPerDay"] = Number(s.DoseMgPerDay),
        ["doseMgPerKgPerDay"] = Number(s.DoseMgPerKgPerDay),
        ["days"] = s.Days,
        // The schema types these as numbers (not null): they are left out when there is no mg dose (a child without a weight).
        ["totalDoseMg"] = Number(s.TotalDoseMg),
        ["prednisoneEquivalentMg"] = Number(s.PrednisoneEquivalentMg),
        ["startDate"] = Date(s.StartDate),
        ["endDate"] = Date(s.EndDate),
        ["reassessOn"] = Date(s.ReassessOn),
        ["infusion"] = s.Infusion,
        ["afterMriExcludesPml"] = s.AfterMriExcludesPml,
        ["monitoring"] = Strings(s.Monitoring),
        ["taper"] = s.Taper,
        ["notes"] = Strings(s.Notes),
        ["evidence"] = Strings(s.Evidence),
    }.WithoutNulls("totalDoseMg", "prednisoneEquivalentMg", "infusion");

    private static JsonObject PlasmaExchange(TpePlan t)
    {
        var o = new JsonObject();
        if (t.Method is { } method)
        {
            o["method"] = method;
        }

        o["totalBloodVolumeMl"] = Number(t.TotalBloodVolumeMl);
        o["plasmaVolumeMl"] = Number(t.PlasmaVolumeMl);
        o["kaplanPlasmaVolumeMl"] = Number(t.KaplanPlasmaVolumeMl);
        o["plasmaVolumesPerExchange"] = t.PlasmaVolumesPerExchange;
        o["exchangeVolumeMl"] = Number(t.ExchangeVolumeMl);
        o["fractionRemainingPerExchange"] = t.FractionRemainingPerExchange;
        o["exchanges"] = t.Exchanges;
        o["schedule"] = Schedule(t.Schedule);
        o["replacementFluid"] = t.ReplacementFluid;
        o["albuminGramsPerExchange"] = Number(t.AlbuminGramsPerExchange);
        o["albuminVialsPerExchange"] = t.AlbuminVialsPerExchange is { } v ? JsonValue.Create(v) : null;
        o["predictedIgG"] = Array(t.PredictedIgG.Select(p => (JsonNode?)new JsonObject
        {
            ["session"] = p.Session,
            ["plasmaFractionAfter"] = p.PlasmaFractionAfter,
            ["totalBodyFractionAfter"] = p.TotalBodyFractionAfter,
        }));
        o["monitoring"] = Strings(t.Monitoring);
        if (t.StartDate is { } start)
        {
            o["startDate"] = Date(start);
        }

        o["notes"] = Strings(t.Notes);
        o["evidence"] = Strings(t.Evidence);
        return o;
    }

    private static JsonObject Immunoadsorption(IaPlan i)
    {
        var o = new JsonObject
        {
            ["sessions"] = i.Sessions,
            ["schedule"] = Schedule(i.Schedule),
            ["replacementFluid"] = "none",
            ["processedPlasmaVolumesPerSession"] = i.ProcessedPlasmaVolumesPerSession,
            ["monitoring"] = Strings(i.Monitoring),
        };
        if (i.StartDate is { } start)
        {
            o["startDate"] = Date(start);
        }

        o["evidence"] = Strings(i.Evidence);
        return o;
    }

    private static JsonArray Schedule(ImmutableArray<PlannedSession> schedule) =>
        Array(schedule.Select(s => (JsonNode?)new JsonObject { ["session"] = s.Session, ["date"] = Date(s.Date), ["done"] = s.Done }));

    private static JsonNode Reasoned(ActionWithReason x) => new JsonObject
    {
        ["action"] = WireNames.Of(x.Action),
        ["reason"] = x.Reason,
        ["evidence"] = Strings(x.Evidence),
    };

    private static JsonObject WithoutNulls(this JsonObject o, params string[] names)
    {
        foreach (var name in names)
        {
            if (o[name] is null)
            {
                o.Remove(name);
            }
        }

        return o;
    }

    private static JsonArray Strings(IEnumerable<string> values) => Array(values.Select(v => (JsonNode?)v));

    private static JsonArray Array(IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return array;
    }

    private static JsonObject? Point(RecoveryPoint? p) =>
        p is null ? null : new JsonObject { ["date"] = Date(p.Date), ["edss"] = p.Edss, ["daysFromOnset"] = p.DaysFromOnset };

    private static string Date(DateOnly date) => Decision.D(date);

    private static JsonNode? Number(double? value) => value is { } v ? JsonValue.Create(v) : null;
}
