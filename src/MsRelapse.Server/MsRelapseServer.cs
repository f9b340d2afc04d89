using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MsRelapse.Core.Pathway;
using MsRelapse.Server.Endpoints;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Server.Web;
using MsRelapse.Storage;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace MsRelapse.Server;

/// <summary>
/// The MsRelapse web service: ASP.NET Core minimal APIs over the engine, the calculators and the patient
/// registry. <c>msrelapse serve</c> and the tests both host it through <see cref="Build"/>.
/// </summary>
public static class MsRelapseServer
{
    /// <summary>Name of the service in telemetry.</summary>
    public const string ServiceName = "msrelapse";

    /// <summary>
    /// Builds the application (not started). Configuration (<paramref name="args"/>, environment, appsettings.json)
    /// may supply <c>Auth:Authority</c> and <c>Auth:Audience</c> where <paramref name="options"/> leaves them null.
    /// </summary>
    /// <exception cref="ServerConfigurationException">The configuration is unsafe or incomplete (e.g. a public address without authentication).</exception>
    public static WebApplication Build(ServerOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxBodyBytes < 1)
        {
            throw new ServerConfigurationException("the request body limit must be at least 1 byte (--max-body-mb)");
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });
        options.AuthAuthority ??= builder.Configuration["Auth:Authority"];
        options.AuthAudience ??= builder.Configuration["Auth:Audience"];

        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });

        ConfigureLogging(builder.Logging);
        var services = builder.Services;
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(Options.Create(options));
        try
        {
            services.AddMsRelapseStorage(options.Database ?? ServerOptions.DefaultDatabase);
        }
        catch (ArgumentException ex)
        {
            throw new ServerConfigurationException($"--database: {ex.Message}");
        }

        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<Evaluator>();
        services.AddSingleton<ReadinessState>();
        services.AddHostedService<StartupTasks>();
        services.AddProblemDetails(p => p.CustomizeProblemDetails = c =>
        {
            // Problems the framework writes itself (unknown route, 401/403, 405) get a stable code too.
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            if (!c.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var code = ProblemCodes.ForStatus(status);
                c.ProblemDetails.Extensions["code"] = code;
                c.ProblemDetails.Type = Problems.TypeUri(code);
                c.HttpContext.RequestServices.GetService<ServerMetrics>()?.CountError(code);
            }

            c.ProblemDetails.Extensions.Remove("requestId");
        });
        services.AddExceptionHandler<SafeExceptionHandler>();
        services.AddOpenApi();
        var authEnabled = Security.Configure(services, options);
        builder.AddPageSignIn(options, authEnabled);
        builder.AddSmartLaunch();
        ConfigureTelemetry(builder, options);
        options.ConfigureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<RouteTemplateRequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebPageAssets();
        if (authEnabled)
        {
            app.UseAuthentication();
            app.UsePageSignIn();
            app.UseAuthorization();
        }

        MapEndpoints(app, options, authEnabled);
        return app;
    }

    private static void MapEndpoints(WebApplication app, ServerOptions options, bool authEnabled)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapWebPage();
        app.MapGet("/api", (TimeProvider clock) => Results.Json(new
        {
            name = "MsRelapse",
            description = "Decision support for multiple sclerosis relapses (for clinicians; it recommends, it does not decide).",
            engine = new { version = PathwayEngine.EngineVersion, knowledgeBase = PathwayEngine.KnowledgeBaseVersion },
            authentication = authEnabled ? "bearer" : "none (local demo mode)",
            // The server's date: the page's default evaluation date (asOf defaults to it too).
            today = CalculatorEndpoints.Today(clock).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            links = new
            {
                page = "/",
                apiReference = "/scalar",
                openApi = "/openapi/v1.json",
                patients = "/api/patients",
                evaluate = "/api/evaluate",
                live = "/health/live",
                ready = "/health/ready",
            },
        })).ExcludeFromDescription();

        app.MapGet("/health/live", () => Results.Json(new { status = "live" })).WithTags("Health");
        app.MapGet("/health/ready", async (IPatientStore store, ReadinessState readiness, CancellationToken ct) =>
        {
            var database = readiness.DatabaseMigrated && await store.CanConnectAsync(ct).ConfigureAwait(false);
            var engine = readiness.EngineWarmed;
            if (database && engine)
            {
                return Results.Json(new { status = "ready", database = "ok", engine = "ok" });
            }

            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable, "Not ready.",
                $"database: {(database ? "ok" : "unreachable")}; engine: {(engine ? "ok" : "not warmed")}");
        }).WithTags("Health");

        if (options.PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        var api = app.MapGroup("/api");
        var stateless = api.MapGroup("").WithTags("Evaluation and calculators");
        EvaluateEndpoints.Map(stateless);
        CalculatorEndpoints.Map(stateless);
        stateless.Require(authEnabled, Security.ReaderPolicy);
        PatientEndpoints.Map(api, authEnabled);
        app.MapWorklist(authEnabled);
        app.MapPageSignIn();
        app.MapSmartLaunch();
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        // The framework's request logs print raw paths (patient ids) and its exception logs quote messages:
        // keep them to warnings; our own middleware logs each request by route template instead.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // "None" here also stops the hosting layer from opening its per-request log scope, which holds the raw path.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging.AddFilter("Microsoft.AspNetCore.Diagnostics", LogLevel.None);
        logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
    }

    private static void ConfigureTelemetry(WebApplicationBuilder builder, ServerOptions options)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: PathwayEngine.EngineVersion))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation().AddMeter(ServerMetrics.MeterName);
                if (options.PrometheusEndpoint)
                {
                    m.AddPrometheusExporter();
                }

                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp || options.Tracing)
        {
            telemetry.WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o =>
                {
                    o.RecordException = false; // exception messages may quote input
                    o.EnrichWithHttpResponse = (activity, response) => RedactPath(activity, response.HttpContext);
                });
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            });
        }

        if (otlp)
        {
            builder.Logging.AddOpenTelemetry(l =>
            {
                l.IncludeFormattedMessage = true;
                l.AddOtlpExporter();
            });
        }
    }

    /// <summary>Traces carry the route template, never the raw path (which holds the patient id) or the query.</summary>
    private static void RedactPath(Activity activity, HttpContext context)
    {
        var route = RouteTemplateRequestLogging.RouteTemplate(context);
        activity.SetTag("url.path", route);
        activity.SetTag("url.query", null);
        activity.SetTag("url.full", null);
        activity.DisplayName = $"{context.Request.Method} {route}";
    }
}
