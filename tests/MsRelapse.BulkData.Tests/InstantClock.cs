using System.Collections.Concurrent;

namespace MsRelapse.BulkData.Tests;

/// <summary>
/// System time, but every wait (Task.Delay on this provider) ends at once and is recorded: the tests see the waits the
/// client asked for (Retry-After, its floor, back-off) without sleeping through them.
/// </summary>
internal sealed class InstantClock : TimeProvider
{
    /// <summary>The waits asked for, in order.</summary>
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Waits.Enqueue(dueTime);
            dueTime = TimeSpan.Zero;
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }
}
