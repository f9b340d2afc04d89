using System.Collections.Immutable;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// Filtering and stable sorting of the record's lists without LINQ's per-call iterators, key buffers and boxing
/// (the engine runs thousands of times a second; most lists are short or empty). Same results as
/// <c>Where(keep).OrderBy(…).ThenBy(…)</c>: elements that compare equal keep their input order.
/// </summary>
internal static class Lists
{
    /// <summary>The elements kept by <paramref name="keep"/> (all when null), stably sorted by <paramref name="order"/>.</summary>
    public static ImmutableArray<T> Sorted<T>(ImmutableArray<T> source, Func<T, bool>? keep, Comparison<T> order)
    {
        if (source.IsDefaultOrEmpty)
        {
            return [];
        }

        if (KeepsAllInOrder(source, keep, order))
        {
            // Nothing filtered out and already in order (the usual case): the stable sort is the input itself,
            // which is immutable, so it is returned as it is rather than copied.
            return source;
        }

        var buffer = new (T Item, int Index)[source.Length];
        var n = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (keep is null || keep(source[i]))
            {
                buffer[n++] = (source[i], i);
            }
        }

        if (n == 0)
        {
            return [];
        }

        if (n > InsertionSortLimit)
        {
            // Long lists: the input index breaks ties, so the unstable sort gives the stable order.
            Array.Sort(buffer, 0, n, Comparer<(T Item, int Index)>.Create((a, b) =>
            {
                var c = order(a.Item, b.Item);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            }));
        }
        else
        {
            InsertionSort(buffer, n, order);
        }

        var result = ImmutableArray.CreateBuilder<T>(n);
        for (var i = 0; i < n; i++)
        {
            result.Add(buffer[i].Item);
        }

        return result.MoveToImmutable();
    }

    private static bool KeepsAllInOrder<T>(ImmutableArray<T> source, Func<T, bool>? keep, Comparison<T> order)
    {
        for (var i = 0; i < source.Length; i++)
        {
            if ((keep is not null && !keep(source[i])) || (i > 0 && order(source[i - 1], source[i]) > 0))
            {
                return false;
            }
        }

        return true;
    }

    private const int InsertionSortLimit = 32;

    // Short lists, usually already in order (O(n) then); ties keep input order.
    private static void InsertionSort<T>((T Item, int Index)[] buffer, int n, Comparison<T> order)
    {
        for (var i = 1; i < n; i++)
        {
            var current = buffer[i];
            var j = i - 1;
            while (j >= 0 && order(buffer[j].Item, current.Item) > 0)
            {
                buffer[j + 1] = buffer[j];
                j--;
            }

            buffer[j + 1] = current;
        }
    }

    /// <summary>The elements kept by <paramref name="keep"/>, in order (the source itself when all are kept).</summary>
    public static ImmutableArray<T> Where<T>(ImmutableArray<T> source, Func<T, bool> keep)
    {
        if (source.IsDefaultOrEmpty)
        {
            return [];
        }

        var count = 0;
        foreach (var item in source)
        {
            if (keep(item))
            {
                count++;
            }
        }

        if (count == source.Length)
        {
            return source;
        }

        if (count == 0)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<T>(count);
        foreach (var item in source)
        {
            if (keep(item))
            {
                result.Add(item);
            }
        }

        return result.MoveToImmutable();
    }

    /// <summary>A comparison result, or the source order when it is a tie.</summary>
    public static int ThenBySource(int comparison, SourceRef x, SourceRef y) =>
        comparison != 0 ? comparison : SourceOrder.Instance.Compare(x, y);
}
