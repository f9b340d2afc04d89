using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MsRelapse.Core.Model;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.Endpoints;

/// <summary>
/// The patient registry over HTTP. Records are FHIR Bundles stored as written; every write goes through
/// <see cref="IPatientStore"/> (one transaction with its audit entry). Versions are weak ETags <c>W/"n"</c>;
/// <c>If-Match</c> makes a write conditional (412 <c>precondition-failed</c> when the record moved on),
/// <c>If-None-Match: *</c> on PUT creates only. The stored evaluations are in <see cref="EvaluationEndpoints"/>.
/// </summary>
public static class PatientEndpoints
{
    /// <summary>
    /// How often an append without If-Match re-merges when another write landed in between. Each round at least one
    /// of the competing writers wins, so this many writers at once all land.
    /// </summary>
    public const int AppendAttempts = 12;

    public static void Map(RouteGroupBuilder patients, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(patients);
        patients.MapGet("", ListAsync).WithName("ListPatients")
            .WithSummary("Patients, paged (?page=1&pageSize=20) and searchable (?q= id prefix or part of a name).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .AuditRead(AuditActions.PatientList)
            .Require(authEnabled, Security.RegistryReaderPolicy);
        patients.MapGet("/{id}", GetAsync).WithName("GetPatient")
            .WithSummary("The patient's FHIR Bundle (application/fhir+json) with its ETag; 304 when If-None-Match names the current version.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AuditRead(AuditActions.PatientRead)
            .Require(authEnabled, Security.RegistryReaderPolicy);
        patients.MapPut("/{id}", PutAsync).WithName("PutPatient")
            .WithSummary("Imports or replaces a patient's record. The Bundle's Patient.id must equal {id}, or be absent and is then assigned {id}. 201 on create, 200 on replace.")
            .Accepts<FhirBundle>(FhirBody.FhirJson, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapPost("/{id}/resources", AddResourcesAsync).WithName("AddPatientResources")
            .WithSummary("Appends one FHIR resource, or a Bundle of resources, to the record (an assessment, a dose, a session). A resource with the type and id of a stored one replaces it.")
            .Accepts<FhirBundle>(FhirBody.FhirJson, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapDelete("/{id}", DeleteAsync).WithName("DeletePatient")
            .WithSummary("Deletes the record and its evaluations (If-Match honoured). The audit log keeps its entries.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .Require(authEnabled, Security.ClinicianPolicy);
    }

    public static async Task<Results<Ok<PatientPage>, ProblemHttpResult>> ListAsync(HttpRequest request, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        if (!QueryParameters.Integer(request, "page", 1, 1, PatientQuery.MaxPage).TryGet(out var page, out var problem)
            || !QueryParameters.Integer(request, "pageSize", PatientQuery.DefaultPageSize, 1, PatientQuery.MaxPageSize).TryGet(out var pageSize, out problem))
        {
            return problem;
        }

        string? q = request.Query["q"];
        if (q is { Length: > PatientQuery.MaxSearchLength })
        {
            return Problems.InvalidParameter("q", $"q is longer than {PatientQuery.MaxSearchLength} characters");
        }

        var result = await store.ListAsync(new PatientQuery(page, pageSize, string.IsNullOrWhiteSpace(q) ? null : q.Trim()), ct).ConfigureAwait(false);
        return TypedResults.Ok(new PatientPage(
            [.. result.Items.Select(p => new PatientSummary(p.PatientId, p.Version, p.SearchText, p.CreatedAt, p.UpdatedAt))],
            result.Page, result.PageSize, result.TotalCount));
    }

    public static async Task<Results<FhirJsonResult, StatusCodeHttpResult, ProblemHttpResult>> GetAsync(string id, HttpContext context, IPatientStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return InvalidId();
        }

        if (await store.GetAsync(id, ct).ConfigureAwait(false) is not { } patient)
        {
            return Problems.PatientNotFound();
        }

        context.Response.Headers.ETag = ETags.Format(patient.Version);
        return ETags.IfNoneMatchHits(context.Request, patient.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : new FhirJsonResult(patient.BundleJson);
    }

    public static async Task<Results<Created<PatientWritten>, Ok<PatientWritten>, ProblemHttpResult>> PutAsync(
        string id, HttpContext context, IPatientStore store, Evaluator evaluator, TimeProvider clock, IOptions<ServerOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(options);
        if (!(await ReadBodyForAsync(id, context, options, ct).ConfigureAwait(false)).TryGet(out var body, out var problem)
            || !BundleEditing.PrepareForPut(body, id).TryGet(out var prepared, out problem))
        {
            return problem;
        }

        if (Validate(evaluator, prepared.BundleJson, out var record) is { } invalid)
        {
            return invalid;
        }

        var previous = await store.GetAsync(id, ct).ConfigureAwait(false);
        if (EntryChecks.Check(previous is null ? null : evaluator.Read(previous.BundleJson).Record, record, added: null, QueryParameters.Today(clock)) is { } refused)
        {
            return refused;
        }

        var user = Security.AuditUser(context);
        long? expected;
        if (context.Request.Headers.IfNoneMatch.ToString().Trim() == "*")
        {
            expected = 0; // create only
        }
        else
        {
            // The record the checks above were made against (read once; a write since is caught by the store's version check).
            var condition = await ETags.ExpectedVersionAsync(context.Request, () => Task.FromResult(previous)).ConfigureAwait(false);
            if (condition.Failed)
            {
                return await ConflictAsync(store, AuditActions.PatientPut, id, user, ct).ConfigureAwait(false);
            }

            expected = condition.Expected;
        }

        StoredPatient stored;
        try
        {
            stored = await store.UpsertAsync(id, prepared.BundleJson, prepared.SearchText, expected, user, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException) when (expected == 0)
        {
            return await ConflictAsync(store, AuditActions.PatientPut, id, user, ct,
                "If-None-Match: * asks to create the record, and a record with this id exists: nothing was overwritten. Read it (GET) and replace it with If-Match, or choose another id.").ConfigureAwait(false);
        }
        catch (ConcurrencyConflictException)
        {
            return await ConflictAsync(store, AuditActions.PatientPut, id, user, ct).ConfigureAwait(false);
        }

        context.Response.Headers.ETag = ETags.Format(stored.Version);
        var written = new PatientWritten(stored.PatientId, stored.Version, stored.UpdatedAt);
        return stored.Version == 1
            ? TypedResults.Created($"/api/patients/{Uri.EscapeDataString(id)}", written)
            : TypedResults.Ok(written);
    }

    public static async Task<Results<Ok<ResourcesAdded>, ProblemHttpResult>> AddResourcesAsync(
        string id, HttpContext context, IPatientStore store, Evaluator evaluator, TimeProvider clock, IOptions<ServerOptions> options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(options);
        if (!(await ReadBodyForAsync(id, context, options, ct).ConfigureAwait(false)).TryGet(out var body, out var problem))
        {
            return problem;
        }

        var user = Security.AuditUser(context);
        var conditional = !string.IsNullOrWhiteSpace(context.Request.Headers.IfMatch.ToString());
        for (var attempt = 1; ; attempt++)
        {
            if (await store.GetAsync(id, ct).ConfigureAwait(false) is not { } current)
            {
                return Problems.PatientNotFound();
            }

            var condition = await ETags.ExpectedVersionAsync(context.Request, () => Task.FromResult<StoredPatient?>(current)).ConfigureAwait(false);
            if (condition.Failed || (condition.Expected is { } e && e != current.Version))
            {
                return await ConflictAsync(store, AuditActions.PatientResourcesAdd, id, user, ct).ConfigureAwait(false);
            }

            if (!BundleEditing.Append(current.BundleJson, body, () => Guid.NewGuid().ToString("N")).TryGet(out var appended, out problem))
            {
                return problem;
            }

            if (Validate(evaluator, appended.BundleJson, out var after) is { } invalid)
            {
                return invalid;
            }

            if (EntryChecks.Check(evaluator.Read(current.BundleJson).Record, after, appended.Added, QueryParameters.Today(clock)) is { } refused)
            {
                return refused;
            }

            try
            {
                // The merge was made from current.Version: a write in between makes this fail, never lose that write.
                var stored = await store.ReplaceBundleAsync(id, appended.BundleJson, BundleEditing.SearchTextOf(appended.BundleJson), current.Version, user, ct).ConfigureAwait(false);
                context.Response.Headers.ETag = ETags.Format(stored.Version);
                return TypedResults.Ok(new ResourcesAdded(stored.PatientId, stored.Version, appended.Count, stored.UpdatedAt));
            }
            catch (ConcurrencyConflictException) when (conditional)
            {
                return await ConflictAsync(store, AuditActions.PatientResourcesAdd, id, user, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException) when (attempt < AppendAttempts)
            {
                // No If-Match: the caller asked to add to whatever is current, so merge again onto the newer record.
            }
            catch (ConcurrencyConflictException)
            {
                await store.RecordAuditAsync(AuditActions.PatientResourcesAdd, id, AuditOutcomes.Conflict, user, ct).ConfigureAwait(false);
                return Problems.Create(StatusCodes.Status409Conflict, ProblemCodes.Conflict, "The record kept changing while the resources were added.",
                    $"Other writes to this record landed during {AppendAttempts} attempts to merge; nothing was added. Retry.");
            }
            catch (PatientNotFoundException)
            {
                return Problems.PatientNotFound();
            }
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, IPatientStore store, CancellationToken ct)
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
                ? TypedResults.NoContent()
                : Problems.PatientNotFound();
        }
        catch (ConcurrencyConflictException)
        {
            return await ConflictAsync(store, AuditActions.PatientDelete, id, user, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reader check before anything is stored: unreadable → 400, reader errors → 422 with errors[].</summary>
    private static ProblemHttpResult? Validate(Evaluator evaluator, string bundleJson, out PatientRecord record)
    {
        var read = evaluator.Read(bundleJson);
        record = read.Record!;
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

    private static async Task<ProblemHttpResult> ConflictAsync(IPatientStore store, string action, string id, string user, CancellationToken ct, string? detail = null)
    {
        await store.RecordAuditAsync(action, id, AuditOutcomes.Conflict, user, ct).ConfigureAwait(false);
        return Problems.PreconditionFailed(detail ?? "If-Match named a version that is not the current one: read the record again (GET returns its ETag) and retry.");
    }

    /// <summary>The start of every write that carries a record: a valid patient id, then the body within the size limit.</summary>
    private static async Task<Outcome<string>> ReadBodyForAsync(string id, HttpContext context, IOptions<ServerOptions> options, CancellationToken ct) =>
        BundleEditing.IsValidId(id)
            ? await FhirBody.ReadAsync(context.Request, options.Value.MaxBodyBytes, ct).ConfigureAwait(false)
            : InvalidId();

    /// <summary>400 <c>invalid-parameter</c> for a patient id that is not a FHIR id.</summary>
    internal static ProblemHttpResult InvalidId() =>
        Problems.InvalidParameter("id", "the patient id must be a FHIR id: 1–64 letters, digits, '-' or '.'");
}
