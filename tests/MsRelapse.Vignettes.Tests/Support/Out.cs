using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MsRelapse.Vignettes.Tests.Support;

/// <summary>Reads the contract JSON (recommendation.schema.json vocabulary) without caring about member order.</summary>
public static class Out
{
    public static readonly string[] SteroidActions = ["oral-methylprednisolone", "iv-methylprednisolone", "escalated-iv-methylprednisolone"];
    public static readonly string[] ApheresisActions = ["plasma-exchange", "immunoadsorption"];

    public static string? Status(this JsonObject r) => Str(r["episode"]?["status"]);

    public static string? Severity(this JsonObject r) => Str(r["episode"]?["severity"]);

    public static string? Stage(this JsonObject r) => Str(r["episode"]?["treatmentStage"]);

    public static string? SteroidResponse(this JsonObject r) => Str(r["episode"]?["steroidResponse"]);

    public static string? ApheresisResponse(this JsonObject r) => Str(r["episode"]?["apheresisResponse"]);

    public static string? Onset(this JsonObject r) => Str(r["episode"]?["onset"]);

    public static double? Baseline(this JsonObject r) => Num(r["episode"]?["edss"]?["baseline"]);

    public static double? Nadir(this JsonObject r) => Num(r["episode"]?["edss"]?["nadir"]);

    public static string? Primary(this JsonObject r) => Str(r["recommendation"]?["primary"]);

    public static string? Urgency(this JsonObject r) => Str(r["recommendation"]?["urgency"]);

    public static string? ReassessOn(this JsonObject r) => Str(r["recommendation"]?["reassessOn"]);

    public static IReadOnlyList<string> Concurrent(this JsonObject r) =>
        (r["recommendation"]?["concurrent"] as JsonArray ?? []).Select(Str).OfType<string>().ToList();

    /// <summary>Alternative actions, in the order given.</summary>
    public static IReadOnlyList<string> Alternatives(this JsonObject r) => Actions(r, "alternatives");

    public static IReadOnlyList<string> NotRecommended(this JsonObject r) => Actions(r, "notRecommended");

    /// <summary>Every action the output offers as something to do (primary, concurrent, alternatives).</summary>
    public static IReadOnlyList<string> Offered(this JsonObject r) =>
        new[] { r.Primary() }.OfType<string>().Concat(r.Concurrent()).Concat(r.Alternatives()).ToList();

    public static IReadOnlyList<(string Code, string Severity)> Flags(this JsonObject r) =>
        (r["flags"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(f => (Str(f["code"]) ?? "", Str(f["severity"]) ?? "")).ToList();

    public static string? FlagSeverity(this JsonObject r, string code) =>
        r.Flags().Where(f => f.Code == code).Select(f => f.Severity).FirstOrDefault();

    public static IReadOnlyList<string> MissingItems(this JsonObject r) =>
        (r["missingData"] as JsonArray ?? []).OfType<JsonObject>().Select(m => Str(m["item"])).OfType<string>().ToList();

    /// <summary>Rule ids cited in the rationale (e.g. R6.4).</summary>
    public static IReadOnlyList<string> RuleIds(this JsonObject r) =>
        (r["rationale"] as JsonArray ?? []).OfType<JsonObject>().Select(x => Str(x["rule"])).OfType<string>().ToList();

    public static string RationaleText(this JsonObject r) =>
        string.Join("\n", (r["rationale"] as JsonArray ?? []).OfType<JsonObject>().Select(x => Str(x["text"])));

    /// <summary>Every evidence id anywhere in the output (top-level evidence list, and every <c>evidence</c> array).</summary>
    public static IReadOnlySet<string> EvidenceIds(this JsonObject r)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        Walk(r, null, ids);
        return ids;
    }

    public static JsonObject? SteroidPlan(this JsonObject r) => r["plan"]?["steroids"] as JsonObject;

    public static JsonObject? PlasmaExchangePlan(this JsonObject r) => r["plan"]?["plasmaExchange"] as JsonObject;

    public static JsonObject? ImmunoadsorptionPlan(this JsonObject r) => r["plan"]?["immunoadsorption"] as JsonObject;

    /// <summary>The schedule dates of a plan (plasma exchange or immunoadsorption), with their <c>done</c> marks.</summary>
    public static IReadOnlyList<(string Date, bool Done)> Schedule(this JsonObject? plan) =>
        (plan?["schedule"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => (Str(s["date"]) ?? "", s["done"] is JsonValue v && v.GetValueKind() == JsonValueKind.True)).ToList();

    /// <summary>The dates of a plan's schedule, given and planned.</summary>
    public static IReadOnlyList<string> ScheduleDates(JsonObject? plan) => plan.Schedule().Select(s => s.Date).ToList();

    /// <summary>The dates of a plan's sessions still to come (not <c>done</c>).</summary>
    public static IReadOnlyList<string> PlannedDates(JsonObject? plan) => plan.Schedule().Where(s => !s.Done).Select(s => s.Date).ToList();

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static double? Num(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    /// <summary>A number member of an object (null when absent or not a number).</summary>
    public static double? Num(JsonObject? o, string member) => Num(o?[member]);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A one-paragraph summary for assertion messages.</summary>
    public static string Summary(this JsonObject r) =>
        $"status={r.Status()} severity={r.Severity()} stage={r.Stage()} steroidResponse={r.SteroidResponse()} " +
        $"apheresisResponse={r.ApheresisResponse()} onset={r.Onset()} baseline={r.Baseline()} nadir={r.Nadir()}\n" +
        $"primary={r.Primary()} urgency={r.Urgency()} reassessOn={r.ReassessOn()} concurrent=[{string.Join(",", r.Concurrent())}] " +
        $"alternatives=[{string.Join(",", r.Alternatives())}] notRecommended=[{string.Join(",", r.NotRecommended())}]\n" +
        $"flags=[{string.Join(",", r.Flags().Select(f => f.Code + ":" + f.Severity))}] missing=[{string.Join(",", r.MissingItems())}] " +
        $"rules=[{string.Join(",", r.RuleIds())}]";

    private static IReadOnlyList<string> Actions(JsonObject r, string member) =>
        (r["recommendation"]?[member] as JsonArray ?? []).OfType<JsonObject>().Select(a => Str(a["action"])).OfType<string>().ToList();

    private static void Walk(JsonNode? node, string? member, SortedSet<string> ids)
    {
        switch (node)
        {
            case JsonObject o:
                if (member == "evidence" && Str(o["id"]) is { } id)
                {
                    ids.Add(id);
                }

                foreach (var (key, child) in o)
                {
                    Walk(child, key, ids);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    if (member == "evidence" && Str(child) is { } s)
                    {
                        ids.Add(s);
                    }

                    Walk(child, member, ids);
                }

                break;
        }
    }
}
