using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using MsRelapse.Storage;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// A refused write on a patient (403: authenticated, but not a clinician) leaves an audit entry with outcome
/// <c>denied</c>, naming who tried what on which record; then the usual 403 follows.
/// </summary>
public sealed class AuditingAuthorizationResultHandler(IPatientStore store) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler inner = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden && context.Request.RouteValues["id"] is string id && BundleEditing.IsValidId(id) && ActionOf(context) is { } action)
        {
            await store.RecordAuditAsync(action, id, AuditOutcomes.Denied, Security.AuditUser(context), context.RequestAborted).ConfigureAwait(false);
        }

        await inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }

    private static string? ActionOf(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        return context.Request.Method switch
        {
            "PUT" => AuditActions.PatientPut,
            "DELETE" => AuditActions.PatientDelete,
            "POST" when path.EndsWith("/resources", StringComparison.Ordinal) => AuditActions.PatientResourcesAdd,
            "POST" when path.EndsWith("/evaluations", StringComparison.Ordinal) => AuditActions.EvaluationCreate,
            _ => null,
        };
    }
}
