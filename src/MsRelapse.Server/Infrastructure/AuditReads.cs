using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MsRelapse.Storage;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The audit entry of every read of patient data, in one place: after the handler answers, a success (2xx, 304) or
/// a miss (404) is recorded with the action, the route's patient id (when valid) and the user. Refused requests
/// (400, 401, 403) leave no read entry; 403 on a write is recorded by <see cref="AuditingAuthorizationResultHandler"/>.
/// Writes are audited by the store, in the same transaction as the write.
/// </summary>
public static class AuditReads
{
    /// <summary>Records reads of this endpoint under <paramref name="action"/>.</summary>
    public static TBuilder AuditRead<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context).ConfigureAwait(false);
            var outcome = StatusOf(result) switch
            {
                >= 200 and < 300 or StatusCodes.Status304NotModified => AuditOutcomes.Success,
                StatusCodes.Status404NotFound => AuditOutcomes.NotFound,
                _ => null,
            };
            if (outcome is not null)
            {
                var http = context.HttpContext;
                var id = http.Request.RouteValues["id"] as string;
                var store = http.RequestServices.GetRequiredService<IPatientStore>();
                await store.RecordAuditAsync(action, BundleEditing.IsValidId(id) ? id : null, outcome, Security.AuditUser(http), http.RequestAborted).ConfigureAwait(false);
            }

            return result;
        });

    private static int? StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult status => status.StatusCode,
        _ => null,
    };
}
