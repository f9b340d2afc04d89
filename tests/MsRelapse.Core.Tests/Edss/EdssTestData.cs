using FsCheck;
using FsCheck.Fluent;
using MsRelapse.Core.Edss;

namespace MsRelapse.Core.Tests.Edss;

/// <summary>Builders and generators for EDSS tests.</summary>
internal static class EdssTestData
{
    /// <summary>Raw scores by name; everything not given is 0.</summary>
    public static FunctionalSystemScores Fs(
        int visual = 0, int brainstem = 0, int pyramidal = 0, int cerebellar = 0, int sensory = 0, int bowelBladder = 0, int cerebral = 0, int ambulation = 0) =>
        new(visual, brainstem, pyramidal, cerebellar, sensory, bowelBladder, cerebral, ambulation);

    /// <summary>The same scores with one system replaced.</summary>
    public static FunctionalSystemScores With(this FunctionalSystemScores s, FunctionalSystem system, int value)
    {
        int Pick(FunctionalSystem x) => x == system ? value : s[x];
        return new(
            Pick(FunctionalSystem.Visual), Pick(FunctionalSystem.Brainstem), Pick(FunctionalSystem.Pyramidal), Pick(FunctionalSystem.Cerebellar),
            Pick(FunctionalSystem.Sensory), Pick(FunctionalSystem.BowelBladder), Pick(FunctionalSystem.Cerebral), Pick(FunctionalSystem.Ambulation));
    }

    public static double EdssOf(FunctionalSystemScores scores) => EdssCalculator.Calculate(scores).Edss.Value;
}

/// <summary>FsCheck generators: every valid score set is equally reachable (each system uniform over its range).</summary>
public static class EdssArbitraries
{
    public static Arbitrary<FunctionalSystemScores> Scores() =>
        (from v in Gen.Choose(0, 6)
         from b in Gen.Choose(0, 5)
         from p in Gen.Choose(0, 6)
         from c in Gen.Choose(0, 5)
         from s in Gen.Choose(0, 6)
         from bb in Gen.Choose(0, 6)
         from cr in Gen.Choose(0, 5)
         from a in Gen.Choose(0, 16)
         select new FunctionalSystemScores(v, b, p, c, s, bb, cr, a)).ToArbitrary();

    public static Arbitrary<FunctionalSystem> Systems() => Gen.Elements(FunctionalSystemInfo.All.ToArray()).ToArbitrary();
}
