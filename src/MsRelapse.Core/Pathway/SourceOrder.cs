using MsRelapse.Core.Model;

namespace MsRelapse.Core.Pathway;

/// <summary>
/// Orders <see cref="SourceRef"/>s exactly as the ordinal order of their <see cref="SourceRef.ToString"/> text
/// ("Resource" or "Resource (Path)"), without building that text: the tie-breaker of every stable ordering in the
/// engine (determinism), which runs on every evaluation and so must not allocate.
/// </summary>
internal sealed class SourceOrder : IComparer<SourceRef>
{
    /// <summary>The one instance.</summary>
    public static SourceOrder Instance { get; } = new();

    private SourceOrder()
    {
    }

    /// <inheritdoc />
    public int Compare(SourceRef? x, SourceRef? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var lengthX = Length(x);
        var lengthY = Length(y);
        var common = Math.Min(lengthX, lengthY);
        for (var i = 0; i < common; i++)
        {
            var cx = CharAt(x, i);
            var cy = CharAt(y, i);
            if (cx != cy)
            {
                return cx < cy ? -1 : 1;
            }
        }

        return lengthX.CompareTo(lengthY);
    }

    // The text is Resource, then (with a path) " (" + Path + ")".
    private static int Length(SourceRef r) => r.Path is null ? r.Resource.Length : r.Resource.Length + r.Path.Length + 3;

    private static char CharAt(SourceRef r, int i)
    {
        if (i < r.Resource.Length)
        {
            return r.Resource[i];
        }

        i -= r.Resource.Length;
        if (i < 2)
        {
            return i == 0 ? ' ' : '(';
        }

        i -= 2;
        return i < r.Path!.Length ? r.Path[i] : ')';
    }
}
