using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MsRelapse.Storage;
using MsRelapse.Testing;

namespace MsRelapse.Server.Tests;

/// <summary>
/// One MsRelapse server on an in-memory test server, with its own SQLite file, a fake clock at 2026-05-11 (the
/// shared examples' date), and every log line captured.
/// </summary>
internal sealed class TestHost : HostedService
{
    public static readonly DateTimeOffset Today = new(2026, 5, 11, 9, 30, 0, TimeSpan.Zero);

    private TestHost(WebApplication app, string directory, CapturedLogs logs, FakeTimeProvider clock)
        : base(app, app.GetTestClient(), directory, logs, Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools)
    {
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }

    public IPatientStore Store => App.Services.GetRequiredService<IPatientStore>();

    public static async Task<TestHost> StartAsync(Action<ServerOptions>? configure = null, bool seedDemo = false,
        TimeProvider? clockOverride = null, Action<JwtBearerOptions>? jwt = null, Action<WebApplicationBuilder>? builder = null)
    {
        var directory = NewDirectory("msrelapse-server-tests");
        var logs = new CapturedLogs();
        var clock = new FakeTimeProvider(Today) { };
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        var options = new ServerOptions
        {
            Database = $"Data Source={Path.Combine(directory, "test.db")}",
            SeedDemoPatients = seedDemo,
            PrometheusEndpoint = true,
            Tracing = true,
        };
        configure?.Invoke(options);
        var hooks = new ServerHooks
        {
            TimeProvider = clockOverride ?? clock,
            ConfigureJwtBearer = jwt,
            ConfigureBuilder = b =>
            {
                b.WebHost.UseTestServer();
                b.Logging.AddProvider(logs);
                b.Logging.SetMinimumLevel(LogLevel.Trace);
                builder?.Invoke(b);
            },
        };
        var app = MsRelapseServer.Build(options, hooks: hooks);
        await app.StartAsync();
        return new TestHost(app, directory, logs, clock);
    }

    /// <summary>A server that requires bearer tokens signed by <see cref="TestTokens"/>.</summary>
    public static Task<TestHost> StartWithAuthAsync(Action<ServerOptions>? configure = null, Action<WebApplicationBuilder>? builder = null) =>
        StartAsync(o =>
        {
            o.Urls = "http://0.0.0.0:5080";
            configure?.Invoke(o);
        }, jwt: TestTokens.Configure, builder: builder);

    public static StringContent Fhir(string json, string mediaType = "application/fhir+json") =>
        new(json, Encoding.UTF8, mediaType);

}

/// <summary>Bearer tokens signed with a key made here: no issuer, no network.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "msrelapse-api";

    // Named: the service accepts only a token whose kid names one of the issuer's keys (the handler writes it).
    private static readonly Microsoft.IdentityModel.Tokens.SymmetricSecurityKey Key =
        new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = "test-key" };

    public static void Configure(JwtBearerOptions options)
    {
        options.Authority = null;
        options.RequireHttpsMetadata = false;
        options.Configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration { Issuer = Issuer };
        options.TokenValidationParameters.ValidIssuer = Issuer;
        options.TokenValidationParameters.ValidAudience = Audience;
        options.TokenValidationParameters.IssuerSigningKey = Key;
    }

    public static string Create(string subject, string? role = null, string audience = Audience, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["name"] = "Dr " + subject };
        if (role is not null)
        {
            claims["roles"] = new[] { role };
        }

        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        return handler.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(Key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}
