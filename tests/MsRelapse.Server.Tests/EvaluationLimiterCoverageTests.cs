using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>
/// Every route that evaluates records is under the evaluation limiter, not only <c>POST /api/evaluate</c>: the
/// worklist (one call evaluates up to 500 records, and holds one slot for all of them), the CDS Hooks service calls
/// and <c>$apply</c>. With the only slot held by an evaluation, each is refused with 503 <c>too-busy</c> and
/// Retry-After; once it is given back, the worklist runs. In the limiter's collection (see <see cref="EvaluationLimiterTests"/>).
/// </summary>
[Collection(nameof(EvaluationLimiterTests))]
public sealed class EvaluationLimiterCoverageTests
{
    [Theory]
    [InlineData("GET", "/api/worklist")]
    [InlineData("POST", "/cds-services/msrelapse-patient-view")]
    [InlineData("POST", "/fhir/PlanDefinition/ms-relapse-pathway/$apply?subject=Patient/lim-1")]
    public async Task Routes_that_evaluate_are_refused_with_503_while_the_evaluation_slots_are_taken(string method, string path)
    {
        await using var limited = await TestHost.StartAsync(o =>
        {
            o.MaxConcurrentEvaluations = 1;
            o.EvaluationQueueLength = 0;
        });
        (await limited.Client.PutAsync("/api/patients/lim-1", TestHost.Fhir(PatientApiTests.Bundle("lim-1")))).Dispose();

        // The only slot is taken (as in EvaluationLimiterTests).
        var held = await LimiterProbe.HoldASlotAsync(limited);

        using (var request = new HttpRequestMessage(new HttpMethod(method), path))
        {
            if (method == "POST")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var refused = await limited.Client.SendAsync(request);
            await Problem.Assert(refused, HttpStatusCode.ServiceUnavailable, "too-busy");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(StatusCodes.Status200OK, (await held.ReleaseAsync()).Response.StatusCode);

        if (path == "/api/worklist")
        {
            // The slot comes back.
            Assert.Equal(HttpStatusCode.OK, await LimiterProbe.StatusOnceFreeAsync(() => limited.Client.GetAsync("/api/worklist")));
        }
    }
}
