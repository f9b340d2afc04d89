using System.Net;

namespace MsRelapse.Server.Tests;

/// <summary>What the tests of the evaluation limiter share: a request body that holds a slot, and asking again while busy.</summary>
internal static class LimiterProbe
{
    /// <summary>
    /// The status of <paramref name="call"/> once the limiter has a slot again: asked up to 50 times, 100 ms apart. A held
    /// response can reach the test a moment before the limiter's lease is released behind it (CI once saw the next call
    /// refused), so a 503 within those 5 s is asked again.
    /// </summary>
    public static async Task<HttpStatusCode> StatusOnceFreeAsync(Func<Task<HttpResponseMessage>> call)
    {
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 50 && status == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(100);
            }

            using var response = await call();
            status = response.StatusCode;
        }

        return status;
    }

    /// <summary>A body whose bytes are given only once the gate opens; tells when the server first asks for them.</summary>
    public sealed class GatedBody(byte[] bytes, Task gate) : MemoryStream(bytes)
    {
        private readonly TaskCompletionSource firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstRead => firstRead.Task;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            firstRead.TrySetResult();
            await gate.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer, cancellationToken);
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            firstRead.TrySetResult();
            await gate.WaitAsync(cancellationToken);
            return await base.ReadAsync(buffer.AsMemory(offset, count), cancellationToken);
        }
    }
}
