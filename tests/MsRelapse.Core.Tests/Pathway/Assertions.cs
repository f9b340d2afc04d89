using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

internal static class Assertions
{
    public static IEnumerable<ActionCode> AlternativeActions(this Recommendation r) => r.Advice.Alternatives.Select(a => a.Action);

    public static IEnumerable<ActionCode> NotRecommendedActions(this Recommendation r) => r.Advice.NotRecommended.Select(a => a.Action);

    public static IEnumerable<FlagCode> FlagCodes(this Recommendation r) => r.Flags.Select(f => f.Code);

    public static Flag Flag(this Recommendation r, FlagCode code) => Assert.Single(r.Flags, f => f.Code == code);

    public static IEnumerable<MissingItem> MissingItems(this Recommendation r) => r.MissingData.Select(m => m.Item);

    /// <summary>Primary, concurrent, alternatives and not-recommended are disjoint (Evaluation order, step 5).</summary>
    public static void AssertDisjoint(this Recommendation r)
    {
        var all = new List<ActionCode> { r.Advice.Primary };
        all.AddRange(r.Advice.Concurrent);
        all.AddRange(r.AlternativeActions());
        all.AddRange(r.NotRecommendedActions());
        Assert.Equal(all.Count, all.Distinct().Count());
    }
}
