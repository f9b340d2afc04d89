using System.Text.Json.Nodes;
using MsRelapse.Core.Model;

namespace MsRelapse.Vignettes.Tests.Support;

/// <summary>Assertions on the contract JSON; every failure message carries a summary of the output.</summary>
public static class Expect
{
    public static void Status(JsonObject r, string status) => Equal(r, status, r.Status(), "episode.status");

    public static void Severity(JsonObject r, string severity) => Equal(r, severity, r.Severity(), "episode.severity");

    public static void Stage(JsonObject r, string stage) => Equal(r, stage, r.Stage(), "episode.treatmentStage");

    public static void SteroidResponse(JsonObject r, string value) => Equal(r, value, r.SteroidResponse(), "episode.steroidResponse");

    public static void ApheresisResponse(JsonObject r, string value) => Equal(r, value, r.ApheresisResponse(), "episode.apheresisResponse");

    public static void Primary(JsonObject r, string action) => Equal(r, action, r.Primary(), "recommendation.primary");

    public static void Urgency(JsonObject r, string urgency) => Equal(r, urgency, r.Urgency(), "recommendation.urgency");

    /// <summary>Primary action and urgency together.</summary>
    public static void Decision(JsonObject r, string primary, string urgency)
    {
        Primary(r, primary);
        Urgency(r, urgency);
    }

    public static void ReassessOn(JsonObject r, DateOnly date) => Equal(r, Out.Iso(date), r.ReassessOn(), "recommendation.reassessOn");

    public static void Onset(JsonObject r, DateOnly date) => Equal(r, Out.Iso(date), r.Onset(), "episode.onset");

    public static void Concurrent(JsonObject r, string action) => True(r, r.Concurrent().Contains(action), $"concurrent contains {action}");

    public static void NotConcurrent(JsonObject r, string action) => True(r, !r.Concurrent().Contains(action), $"concurrent lacks {action}");

    public static void Alternative(JsonObject r, string action) => True(r, r.Alternatives().Contains(action), $"alternatives contain {action}");

    public static void NoAlternative(JsonObject r, string action) => True(r, !r.Alternatives().Contains(action), $"alternatives lack {action}");

    public static void NotRecommended(JsonObject r, string action) => True(r, r.NotRecommended().Contains(action), $"notRecommended contains {action}");

    /// <summary>The alternatives named appear in exactly this relative order.</summary>
    public static void AlternativesInOrder(JsonObject r, params string[] actions)
    {
        var alternatives = r.Alternatives();
        var positions = actions.Select(a => alternatives.ToList().IndexOf(a)).ToList();
        True(r, positions.All(p => p >= 0) && positions.Zip(positions.Skip(1)).All(p => p.First < p.Second),
            $"alternatives in order [{string.Join(",", actions)}]");
    }

    /// <summary>The alternatives are exactly these, in this order.</summary>
    public static void AlternativesExactly(JsonObject r, params string[] exactly) =>
        True(r, r.Alternatives().SequenceEqual(exactly), $"alternatives exactly [{string.Join(",", exactly)}]");

    /// <summary>The concurrent actions are exactly these, in any order.</summary>
    public static void ConcurrentExactly(JsonObject r, params string[] exactly) =>
        True(r, r.Concurrent().OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(exactly.OrderBy(x => x, StringComparer.Ordinal)), $"concurrent exactly [{string.Join(",", exactly)}]");

    /// <summary>No steroid is offered (primary, concurrent, alternatives).</summary>
    public static void NoSteroidOffered(JsonObject r) =>
        True(r, !r.Offered().Intersect(Out.SteroidActions).Any(), "no steroid among primary/concurrent/alternatives");

    /// <summary>No apheresis is offered (primary, concurrent, alternatives).</summary>
    public static void NoApheresisOffered(JsonObject r) =>
        True(r, !r.Offered().Intersect(Out.ApheresisActions).Any(), "no apheresis among primary/concurrent/alternatives");

    /// <summary>Steroids sit under notRecommended and nowhere else.</summary>
    public static void SteroidsNotRecommended(JsonObject r)
    {
        NoSteroidOffered(r);
        True(r, r.NotRecommended().Intersect(Out.SteroidActions).Any(), "a steroid under notRecommended");
    }

    /// <summary>The same action never appears twice across primary, concurrent, alternatives and notRecommended.</summary>
    public static void Disjoint(JsonObject r)
    {
        var all = r.Offered().Concat(r.NotRecommended()).ToList();
        True(r, all.Count == all.Distinct(StringComparer.Ordinal).Count(), "primary/concurrent/alternatives/notRecommended disjoint");
    }

    public static void Flag(JsonObject r, string code, string severity) =>
        Equal(r, severity, r.FlagSeverity(code), $"flag {code} severity");

    public static void NoFlag(JsonObject r, string code) => True(r, r.FlagSeverity(code) is null, $"no flag {code}");

    public static void Missing(JsonObject r, string item) => True(r, r.MissingItems().Contains(item), $"missingData contains {item}");

    public static void NotMissing(JsonObject r, string item) => True(r, !r.MissingItems().Contains(item), $"missingData lacks {item}");

    /// <summary>A rationale entry cites this rule id (or one of its sub-rules).</summary>
    public static void Rule(JsonObject r, string ruleId) =>
        True(r, r.RuleIds().Any(id => id == ruleId || id.StartsWith(ruleId + ".", StringComparison.Ordinal)), $"rationale cites {ruleId}");

    public static void Evidence(JsonObject r, params string[] ids)
    {
        foreach (var id in ids)
        {
            True(r, r.EvidenceIds().Contains(id), $"evidence {id} cited");
        }
    }

    public static void Near(JsonObject r, double expected, double? actual, double tolerance, string what) =>
        True(r, actual is { } a && Math.Abs(a - expected) <= tolerance, $"{what} ≈ {expected} ± {tolerance} (was {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"})");

    public static void True(JsonObject r, bool condition, string what) =>
        Assert.True(condition, $"expected {what}\n{r.Summary()}");

    /// <summary>An error points at the resource (id) and at an element path.</summary>
    public static void ErrorAt(IReadOnlyList<InputError> errors, string resourceId, string? pathPart = null)
    {
        var text = string.Join("\n", errors.Select(e => $"{e.Code}: {e.Source?.Resource} [{e.Source?.Path}] {e.Message}"));
        Assert.True(
            errors.Any(e => e.Source is { } s && s.Resource.Contains(resourceId, StringComparison.Ordinal) &&
                            !string.IsNullOrWhiteSpace(s.Path) &&
                            (pathPart is null || s.Path!.Contains(pathPart, StringComparison.OrdinalIgnoreCase))),
            $"expected an error at {resourceId} ({pathPart ?? "any path"}); got:\n{text}");
    }

    private static void Equal(JsonObject r, string expected, string? actual, string what) =>
        Assert.True(expected == actual, $"expected {what} = {expected}, was {actual ?? "null"}\n{r.Summary()}");
}
