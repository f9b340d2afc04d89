namespace MsRelapse.Synthetic;

/// <summary>
/// A small, fast, seedable generator (xoshiro256**, seeded by SplitMix64) whose sequence is fixed by this file, not by
/// the runtime: <see cref="System.Random"/> promises no stable sequence across .NET versions, and a synthetic cohort
/// must be the same for the same seed on every machine. One instance per patient, seeded from (cohort seed, patient
/// index), so patients can be generated in any order and on any number of threads with the same result.
/// </summary>
internal struct SynthRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SynthRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The generator of patient <paramref name="index"/> of the cohort seeded <paramref name="seed"/>.</summary>
    public static SynthRandom ForPatient(long seed, long index)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ unchecked((ulong)index + 0xD1B54A32D192ED03UL);
        return new SynthRandom(SplitMix(ref x));
    }

    private static ulong SplitMix(ref ulong x)
    {
        unchecked
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextULong()
    {
        unchecked
        {
            var result = RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Uniform integer in [min, max] (both ends included).</summary>
    public int Between(int min, int max) => min + (int)(NextDouble() * (max - min + 1));

    /// <summary>Uniform double in [min, max).</summary>
    public double Uniform(double min, double max) => min + (NextDouble() * (max - min));

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double Normal(double mean, double sd) => mean + (sd * Normal());

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Log-normal given its median and the ratio of its upper quartile to its median.</summary>
    public double LogNormal(double median, double q3OverMedian) => median * Math.Exp(Normal() * Math.Log(q3OverMedian) / 0.6745);

    /// <summary>Picks an index by weights that sum to about 1.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        var u = NextDouble();
        var acc = 0.0;
        for (var i = 0; i < weights.Length - 1; i++)
        {
            acc += weights[i];
            if (u < acc)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>A random (version 4 layout) UUID, lower-case, as Bulk Data servers write resource ids.</summary>
    public string Uuid()
    {
        var a = NextULong();
        var b = NextULong();
        a = (a & 0xFFFFFFFFFFFF0FFFUL) | 0x0000000000004000UL;
        b = (b & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL;
        return string.Create(36, (a, b), static (span, v) =>
        {
            const string hex = "0123456789abcdef";
            var pos = 0;
            for (var i = 0; i < 32; i++)
            {
                if (i is 8 or 12 or 16 or 20)
                {
                    span[pos++] = '-';
                }

                var word = i < 16 ? v.a : v.b;
                var shift = 60 - ((i % 16) * 4);
                span[pos++] = hex[(int)((word >> shift) & 0xF)];
            }
        });
    }
}
