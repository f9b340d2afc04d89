using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MsRelapse.Server;
using MsRelapse.Storage;
using MsRelapse.Testing;

namespace MsRelapse.Security.Tests;

/// <summary>
/// One MsRelapse service on real Kestrel on a free loopback port (so header limits are Kestrel's own), its own
/// SQLite file, every log line captured (the service's own logging configuration, every level it lets through).
/// With an issuer, authentication is on: authority = the mock issuer, audience = <see cref="MockIssuer.Audience"/>,
/// metadata and keys fetched over HTTPS from it like from any OpenID Connect provider.
/// </summary>
public sealed class ServiceHost : HostedService
{
    /// <summary>The shared examples' evaluation date; the service's clock stands there.</summary>
    public static readonly DateTimeOffset Today = new(2026, 5, 11, 9, 30, 0, TimeSpan.Zero);

    private ServiceHost(WebApplication app, string directory, CapturedLogs logs)
        : base(app, new HttpClient { BaseAddress = AddressOf(app), Timeout = TimeSpan.FromSeconds(60) }, directory, logs, Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools)
    {
        BaseAddress = AddressOf(app);
    }

    public Uri BaseAddress { get; }

    public string DatabaseFile => PathOf("service.db");

    public IPatientStore Store => App.Services.GetRequiredService<IPatientStore>();

    public static async Task<ServiceHost> StartAsync(MockIssuer? issuer = null, Action<ServerOptions>? configure = null, bool fakeClock = false)
    {
        var directory = NewDirectory("msrelapse-security-tests");
        var logs = new CapturedLogs();
        var options = new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Database = $"Data Source={Path.Combine(directory, "service.db")}",
            SeedDemoPatients = false,
            PrometheusEndpoint = true,
            Tracing = true,
        };
        TimeProvider clock = TimeProvider.System;
        if (fakeClock)
        {
            var fake = new FakeTimeProvider(Today);
            fake.SetLocalTimeZone(TimeZoneInfo.Utc);
            clock = fake;
        }

        if (issuer is not null)
        {
            options.AuthAuthority = issuer.Issuer;
            options.AuthAudience = MockIssuer.Audience;
        }

        var hooks = new ServerHooks
        {
            TimeProvider = clock,
            ConfigureBuilder = b => b.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace),
            ConfigureJwtBearer = issuer is null ? null : jwt => jwt.BackchannelHttpHandler = issuer.TrustingHandler(),
        };
        configure?.Invoke(options);
        var app = MsRelapseServer.Build(options, hooks: hooks);
        await app.StartAsync();
        return new ServiceHost(app, directory, logs);
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
}

/// <summary>
/// Microsoft.IdentityModel writes its own diagnostics to an EventSource (not through ILogger): listen to it as well,
/// at every level, so that a token quoted there is caught too.
/// </summary>
public sealed class IdentityModelEvents : EventListener
{
    private readonly ConcurrentQueue<string> lines = new();

    public string All => string.Join('\n', lines);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name.StartsWith("Microsoft-IdentityModel", StringComparison.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        lines.Enqueue($"{eventData.EventSource.Name} {eventData.Level} {eventData.Message} {string.Join(" ", eventData.Payload ?? [])}");
    }
}
