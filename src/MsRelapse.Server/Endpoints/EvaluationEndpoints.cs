using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MsRelapse.Core.Pathway;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Storage;

namespace MsRelapse.Server.Endpoints;

/// <summary>
/// A patient's stored evaluations: evaluate the stored record (and keep the result with its provenance), list them,
/// read one. Reads are audited by <see cref="AuditReads"/>; the store audits the evaluation it writes.
/// </summary>
public static class EvaluationEndpoints
{
    public static void Map(RouteGroupBuilder patients, bool authEnabled)
    {
        ArgumentNullException.ThrowIfNull(patients);
        patients.MapPost("/{id}/evaluations", EvaluateAsync).WithName("EvaluatePatient")
            .WithSummary("Evaluates the stored record as of ?asOf= (default today) and stores the result with the engine and knowledge-base versions and the SHA-256 of the input.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .LimitEvaluations()
            .Require(authEnabled, Security.ClinicianPolicy);
        patients.MapGet("/{id}/evaluations", ListAsync).WithName("ListEvaluations")
            .WithSummary("The patient's stored evaluations, oldest first (without the recommendation documents).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AuditRead(AuditActions.EvaluationRead)
            .Require(authEnabled, Security.RegistryReaderPolicy);
        patients.MapGet("/{id}/evaluations/{evaluationId}", GetAsync).WithName("GetEvaluation")
            .WithSummary("One stored evaluation with its recommendation document.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AuditRead(AuditActions.EvaluationRead)
            .Require(authEnabled, Security.RegistryReaderPolicy);
    }

    public static async Task<Results<Created<StoredEvaluationDocument>, ProblemHttpResult>> EvaluateAsync(
        string id, HttpContext context, IPatientStore store, Evaluator evaluator, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(evaluator);
        if (!BundleEditing.IsValidId(id))
        {
            return PatientEndpoints.InvalidId();
        }

        if (!QueryParameters.AsOf(context.Request, clock).TryGet(out var asOf, out var problem))
        {
            return problem;
        }

        if (await store.GetAsync(id, ct).ConfigureAwait(false) is not { } patient)
        {
            return Problems.PatientNotFound();
        }

        var outcome = evaluator.Evaluate(patient.BundleJson, asOf);
        if (outcome.RecommendationJson is not { } json || outcome.PrimaryAction is not { } primary || outcome.Urgency is not { } urgency)
        {
            return EvaluateEndpoints.EvaluationProblem(outcome);
        }

        StoredEvaluation stored;
        try
        {
            stored = await store.AddEvaluationAsync(new NewEvaluation(
                id, patient.Version, PathwayEngine.EngineVersion, PathwayEngine.KnowledgeBaseVersion,
                asOf, patient.BundleJson, primary, urgency, json), Security.AuditUser(context), ct).ConfigureAwait(false);
        }
        catch (PatientNotFoundException)
        {
            return Problems.PatientNotFound();
        }

        FutureDates.Mark(context.Response, asOf, clock);
        var location = $"/api/patients/{Uri.EscapeDataString(id)}/evaluations/{stored.Id.ToString(CultureInfo.InvariantCulture)}";
        return TypedResults.Created(location, Document(stored, clock, includeRecommendation: true));
    }

    public static async Task<Results<Ok<EvaluationList>, ProblemHttpResult>> ListAsync(string id, IPatientStore store, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return PatientEndpoints.InvalidId();
        }

        if (await store.GetAsync(id, ct).ConfigureAwait(false) is null)
        {
            return Problems.PatientNotFound();
        }

        var evaluations = await store.ListEvaluationsAsync(id, ct).ConfigureAwait(false);
        return TypedResults.Ok(new EvaluationList([.. evaluations.Select(e => Document(e, clock, includeRecommendation: false))]));
    }

    public static async Task<Results<Ok<StoredEvaluationDocument>, ProblemHttpResult>> GetAsync(string id, string evaluationId, IPatientStore store, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!BundleEditing.IsValidId(id))
        {
            return PatientEndpoints.InvalidId();
        }

        if (!long.TryParse(evaluationId, NumberStyles.None, CultureInfo.InvariantCulture, out var evalId))
        {
            return Problems.InvalidParameter("evaluationId", "evaluationId must be a positive integer");
        }

        if (await store.GetEvaluationAsync(id, evalId, ct).ConfigureAwait(false) is not { } evaluation)
        {
            return Problems.Create(StatusCodes.Status404NotFound, ProblemCodes.EvaluationNotFound, "No such evaluation of this patient.");
        }

        return TypedResults.Ok(Document(evaluation, clock, includeRecommendation: true));
    }

    /// <summary>
    /// A stored evaluation as its response record. Whether its date lay in the future is derived from what is stored
    /// (asOf against the day it was created, in the server's time zone): no schema change.
    /// </summary>
    public static StoredEvaluationDocument Document(StoredEvaluation e, TimeProvider clock, bool includeRecommendation)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(clock);
        var createdOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.CreatedAt, clock.LocalTimeZone).DateTime);
        JsonElement? recommendation = null;
        if (includeRecommendation)
        {
            using var document = JsonDocument.Parse(e.RecommendationJson);
            recommendation = document.RootElement.Clone();
        }

        return new StoredEvaluationDocument(
            e.Id, e.PatientId, e.PatientVersion, e.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.AsOf > createdOn,
            e.EngineVersion, e.KnowledgeBaseVersion, e.InputSha256, e.PrimaryAction, e.Urgency, e.CreatedAt, recommendation);
    }
}
