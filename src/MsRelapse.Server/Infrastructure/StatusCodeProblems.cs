using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The problem documents for statuses the framework answers without a body (unknown route, 405, 401/403 from
/// authorization, 415 from routing…): written by the problem-details service, as <c>UseStatusCodePages()</c> does.
/// One addition: routing refuses a body whose Content-Type an endpoint does not accept (its <c>Accepts</c> metadata)
/// with a bare 415 before the endpoint runs; that answer gets the same title and detail as the endpoint's own 415 —
/// which media types are accepted.
/// </summary>
public static class StatusCodeProblems
{
    /// <summary>Adds the status-code pages middleware with the 415 detail.</summary>
    public static IApplicationBuilder UseStatusCodeProblems(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var defaults = new StatusCodePagesOptions();
        return app.UseStatusCodePages(new StatusCodePagesOptions
        {
            HandleAsync = async context =>
            {
                var http = context.HttpContext;
                if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType
                    && http.RequestServices.GetService<IProblemDetailsService>() is { } problems)
                {
                    var written = await problems.TryWriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = http,
                        ProblemDetails = new ProblemDetails
                        {
                            Status = StatusCodes.Status415UnsupportedMediaType,
                            Title = FhirBody.UnsupportedMediaTypeTitle,
                            Detail = FhirBody.UnsupportedMediaTypeDetail,
                        },
                    }).ConfigureAwait(false);
                    if (written)
                    {
                        return;
                    }
                }

                await defaults.HandleAsync(context).ConfigureAwait(false);
            },
        });
    }
}
