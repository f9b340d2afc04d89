using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using MsRelapse.Testing;

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

    /// <summary>
    /// Takes an evaluation slot of <paramref name="host"/>: a POST /api/evaluate handed to the server with a body of the
    /// test's own, whose first read proves the request is past the limiter and holds the slot; the read waits until
    /// <see cref="HeldEvaluation.ReleaseAsync"/>. (Through HttpClient the body would be copied by the client on its own
    /// schedule, so "holds the slot" could only be guessed at by retrying; CI once saw 150 retries over 15 s all admitted.)
    /// </summary>
    public static async Task<HeldEvaluation> HoldASlotAsync(TestHost host)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var body = new GatedBody(Encoding.UTF8.GetBytes(SharedExamples.Load("severe-relapse-untreated")), gate.Task);
        var response = host.App.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/api/evaluate";
            context.Request.Host = new HostString("localhost");
            context.Request.ContentType = "application/fhir+json";
            context.Request.ContentLength = body.Length;
            context.Request.Body = body;
        });
        await body.FirstRead.WaitAsync(TimeSpan.FromSeconds(30));
        return new HeldEvaluation(gate, response);
    }

    /// <summary>An evaluation holding a slot until released.</summary>
    public sealed class HeldEvaluation(TaskCompletionSource gate, Task<HttpContext> response)
    {
        /// <summary>Lets the server read the body; the held evaluation's response.</summary>
        public async Task<HttpContext> ReleaseAsync()
        {
            gate.SetResult();
            return await response;
        }
    }

    /// <summary>A body whose bytes are given only once the gate opens; tells when the server first asks for them.</summary>
    private sealed class GatedBody(byte[] bytes, Task gate) : MemoryStream(bytes)
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
