using System.Collections.Immutable;
using MsRelapse.Core.Pathway;
using Xunit;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>
/// <see cref="Lists.Sorted"/> must give exactly LINQ's stable <c>Where(keep).OrderBy(key)</c>, whichever path it
/// takes: the input itself (all kept, already in order), insertion sort (short lists) or the index-tie-broken sort.
/// </summary>
public sealed class ListsSortingTests
{
    // (key, tag): the key orders; the tag tells equal keys apart, so a lost input order among ties is visible.
    private static ImmutableArray<(int Key, int Tag)> RandomList(Random random, int length, int keys) =>
        [.. Enumerable.Range(0, length).Select(i => (random.Next(keys), i))];

    [Fact]
    public void Sorted_is_the_stable_filtered_order_of_LINQ_for_short_long_sorted_and_unsorted_lists()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 400; round++)
        {
            var length = random.Next(0, 80);
            var list = RandomList(random, length, keys: 1 + random.Next(10));
            if (round % 3 == 0)
            {
                // Already in order (the fast path when nothing is filtered out).
                list = [.. list.OrderBy(x => x.Key)];
            }

            Func<(int Key, int Tag), bool>? keep = (round % 4) switch
            {
                0 => null,
                1 => static x => true,
                _ => static x => x.Tag % 3 != 0,
            };

            var expected = list.Where(x => keep is null || keep(x)).OrderBy(x => x.Key).ToArray();
            var actual = Lists.Sorted(list, keep, static (x, y) => x.Key.CompareTo(y.Key));

            Assert.Equal(expected, actual.ToArray());
        }
    }

    [Fact]
    public void An_ordered_list_with_nothing_filtered_out_is_returned_as_it_is()
    {
        ImmutableArray<(int Key, int Tag)> list = [(1, 0), (1, 1), (2, 2), (5, 3)];

        var sorted = Lists.Sorted(list, static x => true, static (x, y) => x.Key.CompareTo(y.Key));

        Assert.Equal(list, sorted); // ImmutableArray equality is the same backing array: no copy was made.
    }

    [Fact]
    public void An_unordered_list_is_sorted_keeping_the_input_order_of_ties()
    {
        ImmutableArray<(int Key, int Tag)> list = [(2, 0), (1, 1), (2, 2), (1, 3)];

        var sorted = Lists.Sorted(list, null, static (x, y) => x.Key.CompareTo(y.Key));

        // By key 1, 1, 2, 2; ties in input order: tags 1 then 3, 0 then 2.
        Assert.Equal([(1, 1), (1, 3), (2, 0), (2, 2)], sorted.ToArray());
    }
}
