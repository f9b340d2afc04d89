using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Usage: msrelapse-load-floor URL RESPONSE_FILE...
// POST /api/evaluate reads the whole body, then answers with the response file chosen by the X-Example header
// (0-based), as application/json: the cost of HTTP, Kestrel and routing without reading FHIR or evaluating.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: msrelapse-load-floor URL RESPONSE_FILE...");
    return 2;
}

var responses = args.Skip(1).Select(File.ReadAllBytes).ToArray();
var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(args[0]);
var app = builder.Build();
var handler = async (HttpContext context) =>
{
    var buffer = new byte[16 * 1024];
    while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
    {
    }

    var index = int.TryParse(context.Request.Headers["X-Example"], out var i) && i >= 0 && i < responses.Length ? i : 0;
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = responses[index].Length;
    await context.Response.Body.WriteAsync(responses[index], context.RequestAborted);
};
app.MapPost("/api/evaluate", handler);
// The CDS Hooks load run (cds.sh) measures its floor on the same kind of route.
app.MapPost("/cds-services/{id}", handler);
app.MapGet("/health/ready", () => "ready");
await app.RunAsync();
return 0;
