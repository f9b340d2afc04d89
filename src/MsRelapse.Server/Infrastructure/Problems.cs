using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Core.Model;

namespace MsRelapse.Server.Infrastructure;

/// <summary>The stable <c>code</c> extension of every problem response (RFC 9457). Codes never change meaning.</summary>
public static class ProblemCodes
{
    public const string FhirParseError = "fhir-parse-error";
    public const string ValidationFailed = "validation-failed";
    public const string PatientNotFound = "patient-not-found";
    public const string EvaluationNotFound = "evaluation-not-found";
    public const string PatientIdMismatch = "patient-id-mismatch";
    public const string PreconditionFailed = "precondition-failed";
    public const string PreconditionRequired = "precondition-required";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string InvalidParameter = "invalid-parameter";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not-found";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string BadRequest = "bad-request";
    public const string Conflict = "conflict";
    public const string InternalError = "internal-error";
    public const string Unavailable = "service-unavailable";
    public const string DuplicateKey = "duplicate-key";
    public const string HostNotAllowed = "host-not-allowed";
    public const string CrossOriginWrite = "cross-origin-write";
    public const string Busy = "too-busy";
    public const string UriTooLong = "uri-too-long";
    public const string HeadersTooLarge = "headers-too-large";
    public const string RequestTimeout = "request-timeout";

    /// <summary>The code for a status the framework produced on its own (unknown route, 401/403 from auth…).</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthenticated,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status412PreconditionFailed => PreconditionFailed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status428PreconditionRequired => PreconditionRequired,
        StatusCodes.Status408RequestTimeout => RequestTimeout,
        StatusCodes.Status414UriTooLong => UriTooLong,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge,
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        _ => status >= 500 ? InternalError : BadRequest,
    };
}

/// <summary>One FHIR input problem in a problem response: code, message, and where (resource, element path).</summary>
/// <param name="Code">Stable code from the reader or the engine (R0), e.g. <c>value-out-of-range</c>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
/// <param name="Resource">Resource type and id, e.g. <c>Observation/hct-1</c>.</param>
/// <param name="Path">Element path, e.g. <c>Observation.valueQuantity</c>.</param>
public sealed record ProblemError(string Code, string Message, string? Resource, string? Path)
{
    /// <summary>From the core's input error.</summary>
    public static ProblemError From(InputError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error.Code, error.Message, error.Source?.Resource, error.Source?.Path);
    }
}

/// <summary>
/// Builds problem responses; every one carries a stable <c>code</c>. They are written by the problem-details service
/// (<see cref="ProblemDocuments"/>), which also counts them by code and stamps the trace id.
/// </summary>
public static class Problems
{
    /// <summary>The URI that names a problem type.</summary>
    public static string TypeUri(string code) => $"https://msrelapse.org/problems/{code}";

    /// <summary>A problem response with status, code, title and detail (and FHIR input errors, when any).</summary>
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null, IEnumerable<ProblemError>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeUri(code),
            Title = title,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors.ToArray();
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult InvalidParameter(string parameter, string message) =>
        Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidParameter, "A parameter is invalid.", $"{parameter}: {message}",
            [new ProblemError(ProblemCodes.InvalidParameter, message, null, parameter)]);

    public static ProblemHttpResult PatientNotFound() =>
        Create(StatusCodes.Status404NotFound, ProblemCodes.PatientNotFound, "No patient with this id.");

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        Create(StatusCodes.Status412PreconditionFailed, ProblemCodes.PreconditionFailed, "The record changed since you read it.", detail);
}

/// <summary>
/// Every problem document the service writes (ours and the framework's) passes here: one without a code gets the
/// code of its status; each is counted by code (metric <c>msrelapse.errors</c>) and carries the trace id.
/// </summary>
public static class ProblemDocuments
{
    /// <summary>Registers the problem-details service with the customisation above.</summary>
    public static IServiceCollection AddMsRelapseProblemDocuments(this IServiceCollection services) =>
        services.AddProblemDetails(p => p.CustomizeProblemDetails = Customize);

    private static void Customize(ProblemDetailsContext c)
    {
        var problem = c.ProblemDetails;
        var status = problem.Status ?? c.HttpContext.Response.StatusCode;
        if (problem.Extensions.TryGetValue("code", out var existing) && existing is string code)
        {
            problem.Type ??= Problems.TypeUri(code);
        }
        else
        {
            code = ProblemCodes.ForStatus(status);
            problem.Extensions["code"] = code;
            problem.Type = Problems.TypeUri(code);
        }

        c.HttpContext.RequestServices.GetService<ServerMetrics>()?.CountError(code);
        problem.Extensions.Remove("requestId");
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? c.HttpContext.TraceIdentifier;
    }
}
