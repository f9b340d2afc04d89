using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.Server.Endpoints;

/// <summary>POST /api/evaluate: a FHIR Bundle in, the recommendation JSON out. Stateless: nothing is stored.</summary>
public static class EvaluateEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/evaluate", EvaluateAsync)
            .WithName("Evaluate")
            .WithSummary("Evaluates one patient's FHIR R4 Bundle (application/fhir+json or application/json) as of a date (default today).")
            .Accepts<FhirBundle>(FhirBody.FhirJson, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .LimitEvaluations();
    }

    public static async Task<Results<ContractJsonResult<RecommendationDocument>, ProblemHttpResult>> EvaluateAsync(
        HttpContext context, Evaluator evaluator, TimeProvider clock, IOptions<ServerOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(options);
        if (!QueryParameters.AsOf(context.Request, clock).TryGet(out var asOf, out var problem))
        {
            return problem;
        }

        // The body stays UTF-8 all the way into the FHIR reader, and the document comes back as UTF-8 bytes written
        // as they are: no decode/encode of 10 kB each way per request.
        if (!(await FhirBody.ReadUtf8Async(context.Request, options.Value.MaxBodyBytes, ct).ConfigureAwait(false)).TryGet(out var body, out problem))
        {
            return problem;
        }

        var outcome = evaluator.EvaluateUtf8(body, asOf);
        if (outcome.RecommendationUtf8 is not { } utf8)
        {
            return EvaluationProblem(outcome);
        }

        FutureDates.Mark(context.Response, asOf, clock);
        return new ContractJsonResult<RecommendationDocument>(utf8);
    }

    /// <summary>Unreadable input → 400 <c>fhir-parse-error</c>; readable but invalid (R0, reader) → 422 <c>validation-failed</c>.</summary>
    public static ProblemHttpResult EvaluationProblem(EvaluationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Unreadable
            ? FhirBody.ParseError(string.Join(" ", outcome.Errors.Select(e => e.Message)), outcome.Errors)
            : Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed,
                "The record cannot be evaluated: fix the errors listed.", $"{outcome.Errors.Count} error(s) in the input", outcome.Errors);
    }
}
