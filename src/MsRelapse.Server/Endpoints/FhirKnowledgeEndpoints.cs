using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MsRelapse.Knowledge;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.Endpoints;

/// <summary>
/// The pathway's FHIR knowledge artifacts, read-only (<c>GET /fhir/PlanDefinition/{id}</c>,
/// <c>/fhir/ActivityDefinition/{id}</c>, <c>/fhir/Library/{id}</c>, <c>/fhir/Evidence/{id}</c>, <c>/fhir/metadata</c>),
/// and <c>POST /fhir/PlanDefinition/{id}/$apply</c> for a stored patient (<c>?subject=Patient/{id}</c>) or a
/// record sent as a Bundle inside a Parameters resource (parameter <c>data</c> or <c>bundle</c>). Every answer is
/// FHIR: a failure is an OperationOutcome (404 unknown artifact or patient, 400 bad request), and a record the
/// engine refuses gives a CarePlan holding the OperationOutcome — never a 500.
/// </summary>
public static class FhirKnowledgeEndpoints
{
    private const string FhirJson = "application/fhir+json";

    private static readonly FhirJsonSerializer Serializer = new();

    private static readonly FhirJsonDeserializer Parser = new();

    /// <summary>Maps the /fhir endpoints (artifacts anonymous: they hold no patient data; $apply as the evaluate endpoints).</summary>
    public static void MapFhirKnowledge(this WebApplication app, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A FHIR API (OperationOutcome errors, application/fhir+json): described the FHIR way by /fhir/metadata, not in
        // the REST API's OpenAPI document, whose errors are all problem documents.
        var fhir = app.MapGroup("/fhir").WithTags("FHIR knowledge artifacts").ExcludeFromDescription();
        fhir.MapGet("/metadata", Metadata).WithName("FhirMetadata").WithSummary("CapabilityStatement of the /fhir endpoints.");
        fhir.MapGet("/{type}/{id}", Read).WithName("FhirReadArtifact")
            .WithSummary("A knowledge artifact: PlanDefinition, ActivityDefinition, Library, Evidence or EvidenceVariable.");
        fhir.MapPost("/PlanDefinition/{id}/$apply", ApplyAsync).WithName("FhirApply")
            .WithSummary("Applies the pathway to a stored patient (?subject=Patient/{id}) or to a Bundle in a Parameters body; returns a CarePlan holding the RequestGroup (?asOf=YYYY-MM-DD, default today).")
            .LimitEvaluations()
            .Require(authEnabled, Security.RegistryReaderPolicy);
    }

    private static IResult Metadata(HttpContext context, TimeProvider clock)
    {
        // Built by the knowledge artifacts (validated there with Firely's validator, cpb-14 included): kind instance
        // with the base URL this request reached (implementation.url), or kind capability when the request names no
        // host. CapabilityStatement.date (required): today, from the injected clock.
        var request = context.Request;
        var baseUrl = request.Host.HasValue ? $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}/fhir" : null;
        var statement = KnowledgeArtifacts.Capabilities(QueryParameters.Today(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), baseUrl);
        return Fhir(statement, StatusCodes.Status200OK);
    }

    private static IResult Read(string type, string id)
    {
        var artifact = KnowledgeArtifacts.Find(type, id);
        return artifact is null
            ? Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"No {Safe(type)} with id '{Safe(id)}' (see /fhir/metadata).")
            : Fhir(artifact, StatusCodes.Status200OK);
    }

    private static async Task<IResult> ApplyAsync(string id, HttpContext context, IPatientStore store, TimeProvider clock, IOptions<ServerOptions> options, CancellationToken ct)
    {
        if (id != KnowledgeArtifacts.PlanDefinitionId)
        {
            return Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"No PlanDefinition with id '{Safe(id)}'.");
        }

        var request = context.Request;
        if (!QueryParameters.AsOf(request, clock).TryGet(out var asOf, out _))
        {
            return Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, "asOf is not a date (expected YYYY-MM-DD).");
        }

        string? bundleJson = null;
        string? subject = request.Query["subject"];
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = await FhirBody.ReadAsync(request, options.Value.MaxBodyBytes, ct).ConfigureAwait(false);
            if (!body.TryGet(out var bodyText, out _))
            {
                return Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, "The body must be a FHIR Parameters resource (application/fhir+json) within the size limit.");
            }

            Parameters parameters;
            try
            {
                parameters = Parser.Deserialize<Parameters>(bodyText);
            }
#pragma warning disable CA1031 // Whatever the parser throws on a bad body (JSON, FHIR structure, wrong type), the answer is a 400 OperationOutcome, never a 500.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                return Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure, "The body is not a valid FHIR Parameters resource.");
            }

            if (parameters.Parameter.FirstOrDefault(p => p.Name is "data" or "bundle")?.Resource is Bundle bundle)
            {
                bundleJson = Serializer.SerializeToString(bundle);
            }

            subject ??= parameters.Parameter.FirstOrDefault(p => p.Name == "subject")?.Value?.ToString();
            if (parameters.Parameter.FirstOrDefault(p => p.Name == "asOf")?.Value is Date { Value: { } dateText }
                && DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                asOf = d;
            }
        }

        if (bundleJson is null)
        {
            if (subject is null || !subject.StartsWith("Patient/", StringComparison.Ordinal) || subject.Length == "Patient/".Length)
            {
                return Outcome(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Required, "Give ?subject=Patient/{id} (a stored patient) or a Parameters body with a 'data' Bundle.");
            }

            var stored = await store.GetAsync(subject["Patient/".Length..], ct).ConfigureAwait(false);
            if (stored is null)
            {
                return Outcome(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, "No stored patient with that id.");
            }

            bundleJson = stored.BundleJson;
        }

        return Fhir(PathwayApply.Apply(bundleJson, asOf), StatusCodes.Status200OK);
    }

    private static IResult Fhir(Resource resource, int status) =>
        Results.Text(Serializer.SerializeToString(resource, true), FhirJson, Encoding.UTF8, status);

    private static IResult Outcome(int status, OperationOutcome.IssueType code, string message) => Fhir(new OperationOutcome
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = message }],
    }, status);

    /// <summary>An identifier from the URL, echoed back only when short and plain (never free text into a response or a log).</summary>
    private static string Safe(string text) =>
        text.Length <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') ? text : "(not shown)";
}
