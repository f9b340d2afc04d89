using Microsoft.AspNetCore.Http;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Refuses a write (POST, PUT, PATCH, DELETE) that a browser sent from another site: <c>Sec-Fetch-Site</c> other
/// than <c>same-origin</c>/<c>none</c>, or an <c>Origin</c> whose host differs from the request's. A cross-site form
/// POST to the demo mode (no authentication) or to a cookie session cannot create anything. Requests without these
/// headers (curl, servers, bearer-token clients) are not a browser's and pass; so do bearer-token requests without
/// cookies (a browser never attaches a bearer token by itself). The page's own fetches are same-origin and pass.
/// </summary>
public sealed class SameOriginWrites(RequestDelegate next, bool authEnabled)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        // CDS Hooks calls are cross-origin by design (an EHR or the sandbox calls in): their own client tokens and
        // the CdsHooks:AllowedOrigins CORS list govern them, not this check.
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || (authEnabled && !request.Headers.ContainsKey("Cookie"))
            || request.Path.StartsWithSegments("/cds-services", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        string? site = request.Headers["Sec-Fetch-Site"];
        var crossSite = site is not null && site is not ("same-origin" or "none");
        string? origin = request.Headers.Origin;
        if (!crossSite && origin is not null)
        {
            crossSite = !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        }

        return crossSite
            ? Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.CrossOriginWrite, "Writes from another site are refused.",
                "This write came from a page of another origin; send it from the service's own page or from a non-browser client.").ExecuteAsync(context)
            : next(context);
    }
}
