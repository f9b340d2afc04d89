using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
            .Accepts<object>(FhirBody.FhirJson, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    public static async Task<IResult> EvaluateAsync(HttpRequest request, Evaluator evaluator, TimeProvider clock, IOptions<ServerOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(options);
        if (!TryAsOf(request, clock, out var asOf, out var problem))
        {
            return problem!;
        }

        // The body stays UTF-8 all the way into the FHIR reader, and the document comes back as UTF-8 bytes written
        // as they are: no decode/encode of 10 kB each way per request.
        var body = await FhirBody.ReadUtf8Async(request, options.Value.MaxBodyBytes, ct).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var outcome = evaluator.EvaluateUtf8(body.Utf8!, asOf);
        return outcome.RecommendationUtf8 is { } utf8 ? new Utf8JsonResult(utf8) : EvaluationProblem(outcome);
    }

    /// <summary>The recommendation document (already newline-terminated UTF-8), 200 application/json.</summary>
    private sealed class Utf8JsonResult(byte[] utf8) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => "application/json; charset=utf-8";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.ContentLength = utf8.Length;
            return response.Body.WriteAsync(utf8, httpContext.RequestAborted).AsTask();
        }
    }

    /// <summary>The recommendation document as the library serialises it, newline-terminated like the CLI's --json output.</summary>
    public static IResult Recommendation(string json) => CalculatorEndpoints.Json(json);

    /// <summary>Unreadable input → 400 <c>fhir-parse-error</c>; readable but invalid (R0, reader) → 422 <c>validation-failed</c>.</summary>
    public static IResult EvaluationProblem(EvaluationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Unreadable
            ? FhirBody.ParseError(string.Join(" ", outcome.Errors.Select(e => e.Message)), outcome.Errors)
            : Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed,
                "The record cannot be evaluated: fix the errors listed.", $"{outcome.Errors.Count} error(s) in the input", outcome.Errors);
    }

    /// <summary>?asOf=YYYY-MM-DD, default today from the injected clock.</summary>
    public static bool TryAsOf(HttpRequest request, TimeProvider clock, out DateOnly asOf, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        problem = null;
        string? text = request.Query["asOf"];
        if (string.IsNullOrEmpty(text))
        {
            asOf = CalculatorEndpoints.Today(clock);
            return true;
        }

        if (CalculatorEndpoints.TryParseDate(text, out asOf))
        {
            return true;
        }

        problem = Problems.InvalidParameter("asOf", $"asOf '{CalculatorEndpoints.Shorten(text)}' is not a date (expected YYYY-MM-DD)");
        return false;
    }
}
