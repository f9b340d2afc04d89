using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// 200 with a FHIR Bundle as stored (<c>application/fhir+json</c>), written as is. Declares itself to OpenAPI.
/// </summary>
public sealed class FhirJsonResult(string json) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public string ContentType => FhirBody.FhirJson + "; charset=utf-8";

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        return httpContext.Response.WriteAsync(json, httpContext.RequestAborted);
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(FhirBundle), [FhirBody.FhirJson]));
    }
}

/// <summary>
/// 200 with a contract document (recommendation or calculator result) as the library wrote it: UTF-8 bytes, newline
/// terminated, byte for byte what the CLI prints with <c>--json</c>.
/// </summary>
/// <typeparam name="TSchema">The contract the document follows (its OpenAPI schema).</typeparam>
public sealed class ContractJsonResult<TSchema>(byte[] utf8) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    /// <summary>From text (a newline is added).</summary>
    public ContractJsonResult(string json)
        : this(System.Text.Encoding.UTF8.GetBytes(json + "\n"))
    {
    }

    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public string ContentType => "application/json; charset=utf-8";

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = utf8.Length;
        return response.Body.WriteAsync(utf8, httpContext.RequestAborted).AsTask();
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TSchema), ["application/json"]));
    }
}

/// <summary>Schema marker: a FHIR R4 Bundle (OpenAPI names it; the FHIR specification defines it).</summary>
public sealed class FhirBundle;

/// <summary>Schema marker: the recommendation document of <c>contract/recommendation.schema.json</c>.</summary>
public sealed class RecommendationDocument;

/// <summary>Schema marker: the EDSS result of <c>contract/calculators.schema.json</c>.</summary>
public sealed class EdssDocument;

/// <summary>Schema marker: the plasma-exchange plan of <c>contract/calculators.schema.json</c>.</summary>
public sealed class TpePlanDocument;
