using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.Endpoints;

/// <summary>
/// The patient registry over HTTP. Records are FHIR Bundles stored as written; every write goes through
/// <see cref="IPatientStore"/> (one transaction with its audit entry). Versions are weak ETags <c>W/"n"</c>;
/// <c>If-Match</c> makes a write conditional (412 <c>precondition-failed</c> when the record moved on),
/// <c>If-None-Match: *</c> on PUT creates only.
/// </summary>
public static class PatientEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(RouteGroupBuilder api, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(api);
        var patients = api.MapGroup("/patients").WithTags("Patients");
        patients.MapGet("", ListAsync).WithName("ListPatients")
            .WithSummary("Patients, paged (?page=1&pageSize=20) and searchable (?q= id prefix or part of a name).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Require(authEnabled, Security.ReaderPolicy);
        patients.MapGet("/{id}", GetAsync).WithName("GetPatient")
            .WithSummary("The patient's FHIR Bundle (application/fhir+json) with its ETag.")
            .Produces(StatusCodes.Status200OK, contentType: FhirBody.FhirJson)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Require(authEnabled, Security.ReaderPolicy);
        patients.MapPut("/{id}", PutAsync).WithName("PutPatient")
            .WithSummary("Imports or replaces a patient's record. The Bundle's Patient.id must equal {id}, or be absent and is then assigned {id}. 201 on create, 200 on replace.")
            .Accepts<object>(FhirBody.FhirJson, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapPost("/{id}/resources", AddResourcesAsync).WithName("AddPatientResources")
            .WithSummary("Appends one FHIR resource, or a Bundle of resources, to the record (an assessment, a dose, a session). A resource with the type and id of a stored one replaces it.")
            .Accepts<object>(FhirBody.FhirJson, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapDelete("/{id}", DeleteAsync).WithName("DeletePatient")
            .WithSummary("Deletes the record and its evaluations (If-Match honoured). The audit log keeps its entries.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapPost("/{id}/evaluations", EvaluateAsync).WithName("EvaluatePatient")
            .WithSummary("Evaluates the stored record as of ?asOf= (default today) and stores the result with the engine and knowledge-base versions and the SHA-256 of the input.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapGet("/{id}/evaluations", ListEvaluationsAsync).WithName("ListEvaluations")
            .WithSummary("The patient's stored evaluations, oldest first (without the recommendation documents).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Require(authEnabled, Security.ReaderPolicy);
        patients.MapGet("/{id}/evaluations/{evaluationId}", GetEvaluationAsync).WithName("GetEvaluation")
            .WithSummary("One stored evaluation with its recommendation document.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Require(authEnabled, Security.ReaderPolicy);
    }

    public static async Task<IResult> ListAsync(HttpContext context, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        var query = context.Request.Query;
        var page = 1;
        var pageSize = PatientQuery.DefaultPageSize;
        if (query["page"].ToString() is { Length: > 0 } pageText
            && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > PatientQuery.MaxPage))
        {
            return Problems.InvalidParameter("page", $"page must be an integer 1–{PatientQuery.MaxPage}");
        }

        if (query["pageSize"].ToString() is { Length: > 0 } sizeText
            && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > PatientQuery.MaxPageSize))
        {
            return Problems.InvalidParameter("pageSize", $"pageSize must be an integer 1–{PatientQuery.MaxPageSize}");
        }

        string? q = query["q"];
        if (q is { Length: > PatientQuery.MaxSearchLength })
        {
            return Problems.InvalidParameter("q", $"q is longer than {PatientQuery.MaxSearchLength} characters");
        }

        var result = await store.ListAsync(new PatientQuery(page, pageSize, string.IsNullOrWhiteSpace(q) ? null : q.Trim()), ct).ConfigureAwait(false);
        await store.RecordAuditAsync(AuditActions.PatientList, null, AuditOutcomes.Success, Security.AuditUser(context), ct).ConfigureAwait(false);
        return Results.Json(new
        {
            items = result.Items.Select(p => new { id = p.PatientId, version = p.Version, name = p.SearchText, createdAt = p.CreatedAt, updatedAt = p.UpdatedAt }),
            page = result.Page,
            pageSize = result.PageSize,
            total = result.TotalCount,
        }, Json);
    }

    public static async Task<IResult> GetAsync(string id, HttpContext context, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return InvalidId();
        }

        var user = Security.AuditUser(context);
        var patient = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (patient is null)
        {
            await store.RecordAuditAsync(AuditActions.PatientRead, id, AuditOutcomes.NotFound, user, ct).ConfigureAwait(false);
            return Problems.PatientNotFound();
        }

        await store.RecordAuditAsync(AuditActions.PatientRead, id, AuditOutcomes.Success, user, ct).ConfigureAwait(false);
        var etag = ETags.Format(patient.Version);
        context.Response.Headers.ETag = etag;
        if (ETags.IfNoneMatchHits(context.Request, patient.Version))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Text(patient.BundleJson, FhirBody.FhirJson + "; charset=utf-8");
    }

    public static async Task<IResult> PutAsync(string id, HttpContext context, IPatientStore store, Evaluator evaluator, IOptions<ServerOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var body = await ReadBodyForAsync(id, context, options, ct).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var prepared = BundleEditing.PrepareForPut(body.Text!, id);
        if (prepared.Problem is not null)
        {
            return prepared.Problem;
        }

        if (Validate(evaluator, prepared.BundleJson!) is { } invalid)
        {
            return invalid;
        }

        var user = Security.AuditUser(context);
        long? expected;
        if (context.Request.Headers.IfNoneMatch.ToString().Trim() == "*")
        {
            expected = 0; // create only
        }
        else
        {
            var condition = await ETags.ExpectedVersionAsync(context.Request, () => store.GetAsync(id, ct)).ConfigureAwait(false);
            if (condition.Failed)
            {
                return await ConflictAsync(store, AuditActions.PatientPut, id, user, ct).ConfigureAwait(false);
            }

            expected = condition.Expected;
        }

        StoredPatient stored;
        try
        {
            stored = await store.UpsertAsync(id, prepared.BundleJson!, prepared.SearchText, expected, user, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            return await ConflictAsync(store, AuditActions.PatientPut, id, user, ct).ConfigureAwait(false);
        }

        context.Response.Headers.ETag = ETags.Format(stored.Version);
        var written = new { id = stored.PatientId, version = stored.Version, updatedAt = stored.UpdatedAt };
        return stored.Version == 1
            ? Results.Created($"/api/patients/{Uri.EscapeDataString(id)}", written)
            : Results.Ok(written);
    }

    public static async Task<IResult> AddResourcesAsync(string id, HttpContext context, IPatientStore store, Evaluator evaluator, IOptions<ServerOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var body = await ReadBodyForAsync(id, context, options, ct).ConfigureAwait(false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var user = Security.AuditUser(context);
        var current = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (current is null)
        {
            return Problems.PatientNotFound();
        }

        var condition = await ETags.ExpectedVersionAsync(context.Request, () => Task.FromResult<StoredPatient?>(current)).ConfigureAwait(false);
        if (condition.Failed || (condition.Expected is { } e && e != current.Version))
        {
            return await ConflictAsync(store, AuditActions.PatientResourcesAdd, id, user, ct).ConfigureAwait(false);
        }

        var appended = BundleEditing.Append(current.BundleJson, body.Text!, () => Guid.NewGuid().ToString("N"));
        if (appended.Problem is not null)
        {
            return appended.Problem;
        }

        if (Validate(evaluator, appended.BundleJson!) is { } invalid)
        {
            return invalid;
        }

        StoredPatient stored;
        try
        {
            // The merge was made from current.Version: a write in between makes this fail, never lose that write.
            stored = await store.ReplaceBundleAsync(id, appended.BundleJson!, BundleEditing.SearchTextOf(appended.BundleJson!), current.Version, user, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            return await ConflictAsync(store, AuditActions.PatientResourcesAdd, id, user, ct).ConfigureAwait(false);
        }
        catch (PatientNotFoundException)
        {
            return Problems.PatientNotFound();
        }

        context.Response.Headers.ETag = ETags.Format(stored.Version);
        return Results.Ok(new { id = stored.PatientId, version = stored.Version, added = appended.Count, updatedAt = stored.UpdatedAt });
    }

    public static async Task<IResult> DeleteAsync(string id, HttpContext context, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return InvalidId();
        }

        var user = Security.AuditUser(context);
        var condition = await ETags.ExpectedVersionAsync(context.Request, () => store.GetAsync(id, ct)).ConfigureAwait(false);
        if (condition.Failed)
        {
            return condition.NotFound ? Problems.PatientNotFound() : await ConflictAsync(store, AuditActions.PatientDelete, id, user, ct).ConfigureAwait(false);
        }

        try
        {
            return await store.DeleteAsync(id, condition.Expected, user, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.PatientNotFound();
        }
        catch (ConcurrencyConflictException)
        {
            return await ConflictAsync(store, AuditActions.PatientDelete, id, user, ct).ConfigureAwait(false);
        }
    }

    public static async Task<IResult> EvaluateAsync(string id, HttpContext context, IPatientStore store, Evaluator evaluator, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(evaluator);
        if (!BundleEditing.IsValidId(id))
        {
            return InvalidId();
        }

        if (!EvaluateEndpoints.TryAsOf(context.Request, clock, out var asOf, out var problem))
        {
            return problem!;
        }

        var patient = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (patient is null)
        {
            return Problems.PatientNotFound();
        }

        var outcome = evaluator.Evaluate(patient.BundleJson, asOf);
        if (outcome.RecommendationJson is not { } json)
        {
            return EvaluateEndpoints.EvaluationProblem(outcome);
        }

        StoredEvaluation stored;
        try
        {
            stored = await store.AddEvaluationAsync(new NewEvaluation(
                id, patient.Version, Core.Pathway.PathwayEngine.EngineVersion, Core.Pathway.PathwayEngine.KnowledgeBaseVersion,
                asOf, patient.BundleJson, outcome.PrimaryAction!, outcome.Urgency!, json), Security.AuditUser(context), ct).ConfigureAwait(false);
        }
        catch (PatientNotFoundException)
        {
            return Problems.PatientNotFound();
        }

        var location = $"/api/patients/{Uri.EscapeDataString(id)}/evaluations/{stored.Id.ToString(CultureInfo.InvariantCulture)}";
        return new CreatedJson(location, EvaluationDocument(stored, includeRecommendation: true));
    }

    public static async Task<IResult> ListEvaluationsAsync(string id, HttpContext context, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return InvalidId();
        }

        if (await store.GetAsync(id, ct).ConfigureAwait(false) is null)
        {
            return Problems.PatientNotFound();
        }

        var evaluations = await store.ListEvaluationsAsync(id, ct).ConfigureAwait(false);
        await store.RecordAuditAsync(AuditActions.EvaluationRead, id, AuditOutcomes.Success, Security.AuditUser(context), ct).ConfigureAwait(false);
        var items = new JsonArray([.. evaluations.Select(e => JsonNode.Parse(EvaluationDocument(e, includeRecommendation: false)))]);
        return Results.Text(new JsonObject { ["items"] = items }.ToJsonString(), "application/json; charset=utf-8");
    }

    public static async Task<IResult> GetEvaluationAsync(string id, string evaluationId, HttpContext context, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return InvalidId();
        }

        if (!long.TryParse(evaluationId, NumberStyles.None, CultureInfo.InvariantCulture, out var evalId))
        {
            return Problems.InvalidParameter("evaluationId", "evaluationId must be a positive integer");
        }

        var evaluation = await store.GetEvaluationAsync(id, evalId, ct).ConfigureAwait(false);
        if (evaluation is null)
        {
            return Problems.Create(StatusCodes.Status404NotFound, ProblemCodes.EvaluationNotFound, "No such evaluation of this patient.");
        }

        await store.RecordAuditAsync(AuditActions.EvaluationRead, id, AuditOutcomes.Success, Security.AuditUser(context), ct).ConfigureAwait(false);
        return Results.Text(EvaluationDocument(evaluation, includeRecommendation: true), "application/json; charset=utf-8");
    }

    /// <summary>A stored evaluation as JSON: provenance (engine, knowledge base, input hash) and, optionally, the recommendation.</summary>
    public static string EvaluationDocument(StoredEvaluation e, bool includeRecommendation)
    {
        ArgumentNullException.ThrowIfNull(e);
        var doc = new JsonObject
        {
            ["id"] = e.Id,
            ["patientId"] = e.PatientId,
            ["patientVersion"] = e.PatientVersion,
            ["asOf"] = e.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["engineVersion"] = e.EngineVersion,
            ["knowledgeBase"] = e.KnowledgeBaseVersion,
            ["inputSha256"] = e.InputSha256,
            ["primaryAction"] = e.PrimaryAction,
            ["urgency"] = e.Urgency,
            ["createdAt"] = e.CreatedAt,
        };
        if (includeRecommendation)
        {
            doc["recommendation"] = JsonNode.Parse(e.RecommendationJson);
        }

        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Reader check before anything is stored: unreadable → 400, reader errors → 422 with errors[].</summary>
    private static IResult? Validate(Evaluator evaluator, string bundleJson)
    {
        var read = evaluator.Read(bundleJson);
        if (read.Record is null)
        {
            var errors = read.Errors.Select(ProblemError.From).ToList();
            return FhirBody.ParseError(string.Join(" ", errors.Select(e => e.Message)), errors);
        }

        if (read.Errors.Count > 0)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ValidationFailed,
                "The record has errors: nothing was stored.", $"{read.Errors.Count} error(s) in the input", read.Errors.Select(ProblemError.From));
        }

        return null;
    }

    private static async Task<IResult> ConflictAsync(IPatientStore store, string action, string id, string user, CancellationToken ct)
    {
        await store.RecordAuditAsync(action, id, AuditOutcomes.Conflict, user, ct).ConfigureAwait(false);
        return Problems.PreconditionFailed("If-Match named a version that is not the current one: read the record again (GET returns its ETag) and retry.");
    }

    /// <summary>The start of every write that carries a record: a valid patient id, then the body within the size limit.</summary>
    private static async Task<FhirBody.Result> ReadBodyForAsync(string id, HttpContext context, IOptions<ServerOptions> options, CancellationToken ct) =>
        BundleEditing.IsValidId(id)
            ? await FhirBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, ct).ConfigureAwait(false)
            : new FhirBody.Result(null, InvalidId());

    private static IResult InvalidId() =>
        Problems.InvalidParameter("id", "the patient id must be a FHIR id: 1–64 letters, digits, '-' or '.'");

    /// <summary>201 with Location and a JSON body written as is.</summary>
    private sealed class CreatedJson(string location, string json) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status201Created;
            httpContext.Response.Headers.Location = location;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            return httpContext.Response.WriteAsync(json);
        }
    }
}
