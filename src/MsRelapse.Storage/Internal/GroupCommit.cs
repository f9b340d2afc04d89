using System.Collections.Concurrent;

namespace MsRelapse.Storage.Internal;

/// <summary>
/// Group commit (performance infrastructure): small writes that arrive together are committed together, in one
/// transaction written by one caller at a time, so that concurrent callers share one durable commit (one WAL fsync on
/// SQLite's <c>synchronous=FULL</c>) instead of each taking the write lock in turn — and, on SQLite, instead of
/// sleeping in the busy handler while another connection holds it.
/// </summary>
/// <remarks>
/// No background thread: each caller queues its item and then either finds it done by the caller ahead of it, or
/// takes the gate and commits everything queued so far (its own item included). An item's answer is known only after
/// its batch has committed; when a batch fails, every item of it fails with the same exception (nothing of it is
/// acknowledged). The database still decides every conflict, so several processes sharing one database stay correct.
/// </remarks>
/// <typeparam name="TItem">What one caller writes.</typeparam>
/// <typeparam name="TResult">What the write answers that caller.</typeparam>
internal sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> commitBatch, int maxBatch = 256)
{
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Writes <paramref name="item"/> in the next batch and returns its answer once that batch has committed.</summary>
    public async Task<TResult> WriteAsync(TItem item, CancellationToken ct)
    {
        var pending = new Pending(item);
        _queue.Enqueue(pending);
        while (!pending.Answer.Task.IsCompleted)
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (!pending.Answer.Task.IsCompleted)
                {
                    // Not cancelled by this caller's token: the batch holds other callers' items too.
                    await CommitQueuedAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        return await pending.Answer.Task.ConfigureAwait(false);
    }

    private async Task CommitQueuedAsync()
    {
        var batch = new List<Pending>();
        while (batch.Count < maxBatch && _queue.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var answers = await commitBatch([.. batch.Select(p => p.Item)], CancellationToken.None).ConfigureAwait(false);
            if (answers.Count != batch.Count)
            {
                throw new InvalidOperationException($"A batch of {batch.Count} writes answered {answers.Count} times.");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Answer.TrySetResult(answers[i]);
            }
        }
#pragma warning disable CA1031 // Whatever failed the batch fails each of its callers, who see it as their own write's failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var p in batch)
            {
                p.Answer.TrySetException(ex);
            }
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        public TaskCompletionSource<TResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
