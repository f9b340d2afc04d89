using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The clinician web page: static HTML, CSS and JavaScript modules from <c>wwwroot/</c>, embedded in this assembly so
/// that <c>msrelapse serve</c> from a packed tool serves them too (no build step, nothing fetched from elsewhere).
/// Every page response carries a strict Content-Security-Policy: only this origin's scripts, styles and API.
/// </summary>
public static class WebPage
{
    /// <summary>The page's policy: same-origin scripts, styles and fetches only; no inline code, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly EmbeddedFileProvider Files =
        new(typeof(WebPage).Assembly, typeof(WebPage).Assembly.GetName().Name + ".wwwroot");

    /// <summary>Serves the embedded assets (<c>/app.js</c>, <c>/app.css</c>…); before authentication: they hold no patient data.</summary>
    public static void UseWebPageAssets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            OnPrepareResponse = c => AddHeaders(c.Context.Response),
        });
    }

    /// <summary>Maps <c>GET /</c> to the page (the static files also serve it as <c>/index.html</c>).</summary>
    public static void MapWebPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", ServeIndexAsync).ExcludeFromDescription();
    }

    private static async Task ServeIndexAsync(HttpContext context)
    {
        var file = Files.GetFileInfo("index.html");
        if (!file.Exists)
        {
            // A build without the page (should not happen): say so rather than a blank 404.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        AddHeaders(context.Response);
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = file.Length;
        await using var stream = file.CreateReadStream();
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static void AddHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time (ETag): a ward computer must not run yesterday's script against today's API.
        headers.CacheControl = "no-cache";
    }
}
