using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The worklist shares the evaluation slots but not their long queue: under load it is refused at once (503
/// <c>too-busy</c>, Retry-After) instead of waiting behind up to 256 requests — at the back of such a queue a worklist
/// once waited 259 s, past its client's timeout. It waits only while fewer than <see cref="ServerOptions.WorklistQueueLength"/>
/// requests wait ahead of it; the per-record routes keep the long queue. In the limiter's collection (see
/// <see cref="EvaluationLimiterTests"/>).
/// </summary>
[Collection(nameof(EvaluationLimiterTests))]
public sealed class WorklistLimiterTests
{
    /// <summary>Longer than any answer that does not wait: a call still unanswered after it is waiting in the queue.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_every_slot_taken_the_worklist_is_refused_at_once_while_an_evaluation_still_waits_its_turn()
    {
        await using var host = await TestHost.StartAsync(o =>
        {
            o.MaxConcurrentEvaluations = 1;
            o.EvaluationQueueLength = 256;
            o.WorklistQueueLength = 0;
        });
        var held = await LimiterProbe.HoldASlotAsync(host);

        // The worklist does not queue behind the held evaluation: 503 at once, with the limiter's Retry-After.
        using (var refused = await host.Client.GetAsync("/api/worklist").WaitAsync(Prompt))
        {
            await Problem.Assert(refused, HttpStatusCode.ServiceUnavailable, "too-busy");
            Assert.Equal(TimeSpan.FromSeconds(EvaluationLimiter.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
        }

        // A per-record evaluation keeps the long queue: it waits, and is answered once the slot comes back.
        var queued = host.Client.PostAsync("/api/evaluate", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")));
        await WaitUntilWaitingAsync(host, 1);
        Assert.False(queued.IsCompleted);

        Assert.Equal(StatusCodes.Status200OK, (await held.ReleaseAsync()).Response.StatusCode);
        using var answered = await queued.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await LimiterProbe.StatusOnceFreeAsync(() => host.Client.GetAsync("/api/worklist")));
    }

    [Fact]
    public async Task The_worklist_waits_for_a_slot_while_fewer_than_its_queue_length_wait_ahead_and_is_refused_once_as_many_do()
    {
        await using var host = await TestHost.StartAsync(o =>
        {
            o.MaxConcurrentEvaluations = 1;
            o.WorklistQueueLength = 1;
        });
        var held = await LimiterProbe.HoldASlotAsync(host);

        // Nobody waiting ahead: the worklist takes its place in the queue.
        var waiting = host.Client.GetAsync("/api/worklist");
        await WaitUntilWaitingAsync(host, 1);

        // One request (the first worklist) waiting ahead: as many as the worklist's queue length, so refused at once.
        using (var refused = await host.Client.GetAsync("/api/worklist").WaitAsync(Prompt))
        {
            await Problem.Assert(refused, HttpStatusCode.ServiceUnavailable, "too-busy");
            Assert.Equal(TimeSpan.FromSeconds(EvaluationLimiter.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
        }

        Assert.False(waiting.IsCompleted);
        Assert.Equal(StatusCodes.Status200OK, (await held.ReleaseAsync()).Response.StatusCode);
        using (var answered = await waiting.WaitAsync(Prompt))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        // Whatever waits ahead counts, not only worklists: an evaluation in the queue refuses a worklist too.
        var heldAgain = await LimiterProbe.HoldASlotAsync(host);
        var evaluation = host.Client.PostAsync("/api/evaluate", TestHost.Fhir(SharedExamples.Load("severe-relapse-untreated")));
        await WaitUntilWaitingAsync(host, 1);
        using (var refused = await host.Client.GetAsync("/api/worklist").WaitAsync(Prompt))
        {
            await Problem.Assert(refused, HttpStatusCode.ServiceUnavailable, "too-busy");
        }

        Assert.Equal(StatusCodes.Status200OK, (await heldAgain.ReleaseAsync()).Response.StatusCode);
        using var evaluated = await evaluation.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, evaluated.StatusCode);
    }

    [Fact]
    public void The_worklist_queue_is_short_by_default_and_may_not_be_negative()
    {
        Assert.Equal(4, new ServerOptions().WorklistQueueLength);
        Assert.Equal(256, new ServerOptions().EvaluationQueueLength);
        var error = Assert.Throws<ServerConfigurationException>(() => MsRelapseServer.Build(new ServerOptions { WorklistQueueLength = -1 }));
        Assert.Contains("worklist", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Until <paramref name="count"/> requests wait for a slot (the limiter's own count), at most 30 s.</summary>
    private static async Task WaitUntilWaitingAsync(TestHost host, long count)
    {
        var slots = host.App.Services.GetRequiredService<EvaluationSlots>();
        for (var i = 0; i < 300 && slots.Waiting < count; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(count, slots.Waiting);
    }
}
