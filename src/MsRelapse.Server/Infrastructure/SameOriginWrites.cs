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
        // the CdsHooks:AllowedOrigins CORS list govern them: a browser call passes this check only from an allowed origin.
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || (authEnabled && !request.Headers.ContainsKey("Cookie"))
            || CdsHooks.CdsHooksEndpoints.IsAllowedCrossOrigin(context))
        {
            return next(context);
        }

        // Sec-Fetch-Site is set by the browser itself (no page can forge it): when present it decides. A same-origin
        // form POST under "Referrer-Policy: no-referrer" carries "Origin: null", so Origin is read only from browsers
        // that send no Sec-Fetch-Site.
        string? site = request.Headers["Sec-Fetch-Site"];
        bool crossSite;
        if (site is not null)
        {
            crossSite = site is not ("same-origin" or "none");
        }
        else
        {
            string? origin = request.Headers.Origin;
            crossSite = origin is not null
                && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                    || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
        }

        return crossSite
            ? Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.CrossOriginWrite, "Writes from another site are refused.",
                "This write came from a page of another origin; send it from the service's own page or from a non-browser client.").ExecuteAsync(context)
            : next(context);
    }
}
