using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MsRelapse.Core.Pathway;
using MsRelapse.Server.CdsHooks;
using MsRelapse.Server.Endpoints;
using MsRelapse.Server.Infrastructure;
using MsRelapse.Server.Web;
using MsRelapse.Storage;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MsRelapse.Server;

/// <summary>
/// The MsRelapse web service: ASP.NET Core minimal APIs over the engine, the calculators and the patient
/// registry. <c>msrelapse serve</c> and the tests both host it through <see cref="Build"/>.
/// </summary>
public static class MsRelapseServer
{
    /// <summary>Name of the service in telemetry.</summary>
    public const string ServiceName = "msrelapse";

    /// <summary>The .NET runtime's built-in meter (GC, thread pool, heap, exceptions), exported beside the service's own.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// Builds the application (not started). Configuration (<paramref name="args"/>, environment, appsettings.json)
    /// may supply <c>Auth:Authority</c> and <c>Auth:Audience</c> where <paramref name="options"/> leaves them null; the
    /// result is registered through the options pattern (<c>IOptions&lt;ServerOptions&gt;</c>), validated at start.
    /// <paramref name="hooks"/> are for hosts embedding the service (tests): clock, token validation, builder.
    /// Starting it throws <see cref="ServerConfigurationException"/> when the addresses actually bound are not loopback
    /// while authentication is off.
    /// </summary>
    /// <exception cref="ServerConfigurationException">The configuration is unsafe or incomplete (e.g. a public address without authentication).</exception>
    public static WebApplication Build(ServerOptions options, string[]? args = null, ServerHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        hooks ??= new ServerHooks();
        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new ServerConfigurationException(problem);
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });
        var resolved = options.Copy();
        resolved.AuthAuthority ??= builder.Configuration["Auth:Authority"];
        resolved.AuthAudience ??= builder.Configuration["Auth:Audience"];

        builder.WebHost.UseUrls(resolved.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = resolved.MaxBodyBytes;
            RequestLimits.ConfigureKestrel(k.Limits);
        });

        ConfigureLogging(builder.Logging);
        var services = builder.Services;
        services.AddSingleton(hooks.TimeProvider);
        services.AddOptions<ServerOptions>()
            .Configure(resolved.CopyTo)
            .Validate(o => !o.Problems().Any(), "invalid server options")
            .ValidateOnStart();
        try
        {
            services.AddMsRelapseStorage(resolved.Database ?? ServerOptions.DefaultDatabase);
        }
        catch (ArgumentException ex)
        {
            throw new ServerConfigurationException($"--database: {ex.Message}");
        }

        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<Evaluator>();
        services.AddSingleton<ReadinessState>();
        services.AddHostedService<StartupTasks>();
        services.AddMsRelapseProblemDocuments();
        // One JSON writer setting for every response and problem document: no HTML escaping ("–" stays "–").
        // Numbers are numbers (the Web default also reads them from strings, which the OpenAPI document then has to
        // describe as "integer or string" and generated clients turn into odd types).
        services.ConfigureHttpJsonOptions(j =>
        {
            j.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            j.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.AddExceptionHandler<SafeExceptionHandler>();
        services.AddEvaluationLimiter(resolved);
        var authEnabled = Security.Configure(services, resolved, hooks);
        services.AddMsRelapseOpenApi(authEnabled, resolved.AuthAuthority);
        services.AddHostedService(sp => new BoundAddressCheck(sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(), authEnabled));
        services.AddCdsHooks(builder.Configuration, resolved);
        builder.AddPageSignIn(resolved, authEnabled);
        builder.AddSmartLaunch();
        ConfigureTelemetry(builder, resolved);
        hooks.ConfigureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<RouteTemplateRequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodeProblems();
        app.UseMiddleware<RequestLimits>();
        if (!authEnabled)
        {
            app.UseMiddleware<LoopbackGuard>();
        }

        app.UseMiddleware<SameOriginWrites>(authEnabled);
        app.UseWebPageAssets();
        if (authEnabled)
        {
            app.UseAuthentication();
            app.UsePageSignIn();
            app.UseAuthorization();
        }

        app.UseRateLimiter();
        MapEndpoints(app, resolved, authEnabled);
        return app;
    }

    private static void MapEndpoints(WebApplication app, ServerOptions options, bool authEnabled)
    {
        app.MapOpenApi();
        app.MapPrivateApiReference();
        app.MapWebPage();
        app.MapGet("/api", (TimeProvider clock) => Results.Json(new
        {
            name = "MsRelapse",
            description = "Decision support for multiple sclerosis relapses (for clinicians; it recommends, it does not decide).",
            engine = new { version = PathwayEngine.EngineVersion, knowledgeBase = PathwayEngine.KnowledgeBaseVersion },
            authentication = authEnabled ? "bearer" : "none (local demo mode)",
            // The server's date: the page's default evaluation date (asOf defaults to it too).
            today = QueryParameters.Today(clock).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
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

        app.MapGet("/health/live", () => TypedResults.Ok(new Liveness("live"))).WithTags("Health");
        app.MapGet("/health/ready", async Task<Results<Ok<Readiness>, ProblemHttpResult>> (IPatientStore store, ReadinessState readiness, CancellationToken ct) =>
        {
            var database = readiness.DatabaseMigrated && await store.CanConnectAsync(ct).ConfigureAwait(false);
            var engine = readiness.EngineWarmed;
            if (database && engine)
            {
                return TypedResults.Ok(new Readiness("ready", "ok", "ok"));
            }

            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable, "Not ready.",
                $"database: {(database ? "ok" : "unreachable")}; engine: {(engine ? "ok" : "not warmed")}");
        }).WithTags("Health").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        if (options.PrometheusEndpoint)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        var api = app.MapGroup("/api");
        var stateless = api.MapGroup("").WithTags("Evaluation and calculators");
        EvaluateEndpoints.Map(stateless);
        CalculatorEndpoints.Map(stateless);
        stateless.Require(authEnabled, Security.ReaderPolicy);
        var patients = api.MapGroup("/patients").WithTags("Patients");
        PatientEndpoints.Map(patients, authEnabled);
        EvaluationEndpoints.Map(patients, authEnabled);
        app.MapCdsHooks(authEnabled);
        app.MapWorklist(authEnabled);
        app.MapFhirKnowledge(authEnabled);
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
                // "System.Runtime": the runtime's own meter (.NET 9+): GC collections and pause time, heap sizes, thread-pool
                // queue length and thread count, lock contention, exceptions — what tells a latency tail caused by a GC
                // pause or a starved thread pool from one caused by the disk or the host.
                m.AddAspNetCoreInstrumentation().AddMeter(ServerMetrics.MeterName, RuntimeMeterName);
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

/// <summary>GET /health/live: the process answers.</summary>
/// <param name="Status">Always <c>live</c>.</param>
public sealed record Liveness(string Status);

/// <summary>GET /health/ready: the database is migrated and reachable, and the engine has answered once.</summary>
/// <param name="Status"><c>ready</c>.</param>
/// <param name="Database"><c>ok</c>.</param>
/// <param name="Engine"><c>ok</c>.</param>
public sealed record Readiness(string Status, string Database, string Engine);
