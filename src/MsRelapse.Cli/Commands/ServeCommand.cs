using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MsRelapse.Server;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse serve [--urls URL] [--database CONNECTION] [--no-demo] [--max-body-mb N] [--authority ISSUER --audience AUD]</c>:
/// runs the web service until Ctrl+C. Loopback addresses run without authentication (local demo mode); any other
/// address needs an OpenID Connect issuer and audience, or the command refuses to start (exit 2).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Addresses to listen on, ';'-separated (default {ServerOptions.DefaultUrls}; a non-loopback address needs --authority and --audience)",
            DefaultValueFactory = _ => ServerOptions.DefaultUrls,
        };
        var database = new Option<string?>("--database")
        {
            Description = "SQLite file or 'Data Source=FILE' (default ./data/msrelapse.db), or a PostgreSQL connection string 'Host=…;Database=…' / postgres://…",
        };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not load the demo patients into an empty database" };
        var maxBodyMb = new Option<double>("--max-body-mb")
        {
            Description = "Largest accepted request body, MB (default 5)",
            DefaultValueFactory = _ => 5,
        };
        var authority = new Option<string?>("--authority") { Description = "OpenID Connect issuer for bearer tokens (config Auth:Authority)" };
        var audience = new Option<string?>("--audience") { Description = "Expected token audience (config Auth:Audience)" };

        var command = new Command("serve", "Run the MsRelapse web service (REST API, OpenAPI at /openapi/v1.json, API reference at /scalar)");
        command.Options.Add(urls);
        command.Options.Add(database);
        command.Options.Add(noDemo);
        command.Options.Add(maxBodyMb);
        command.Options.Add(authority);
        command.Options.Add(audience);
        command.SetAction(parsed =>
        {
            var mb = parsed.GetValue(maxBodyMb);
            if (!double.IsFinite(mb) || mb <= 0 || mb > 1024)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"--max-body-mb {mb} is outside 0–1024 (MB)"));
            }

            if (parsed.GetValue(urls) is { } given && NotAnAddress(given) is { } wrong)
            {
                throw new CliInputException($"--urls: '{wrong}' is not an address to listen on (expected http:// or https://, a host and a port 0–65535, e.g. http://127.0.0.1:5000; several separated by ';')");
            }

            var options = new ServerOptions
            {
                Urls = parsed.GetValue(urls) ?? ServerOptions.DefaultUrls,
                Database = parsed.GetValue(database),
                SeedDemoPatients = !parsed.GetValue(noDemo),
                MaxBodyBytes = (long)Math.Round(mb * 1024 * 1024),
                AuthAuthority = parsed.GetValue(authority),
                AuthAudience = parsed.GetValue(audience),
            };

            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                app = MsRelapseServer.Build(options);
            }
            catch (ServerConfigurationException ex)
            {
                throw new CliInputException(ex.Message);
            }

            try
            {
                app.StartAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is IOException or ServerConfigurationException or OptionsValidationException)
            {
                // A port in use (Kestrel's IOException "address already in use"), or addresses the configuration bound
                // that demo mode may not serve: one line, exit 2, no stack trace.
                StopQuietly(app);
                var why = ex is IOException io2 ? $"cannot listen: {FirstLine(io2.Message)} (is another server on that port? choose one with --urls)" : ex.Message;
                throw new CliInputException(why);
            }
            catch (Exception ex) when (DatabaseFailureOf(ex) is { } database)
            {
                // The database named by --database could not be opened or migrated (a server down or refusing, a folder or
                // a file that is not SQLite): one line naming the database's own words, never the connection string (it
                // may hold a password), exit 2 — what to fix is the option or the server it names.
                StopQuietly(app);
                throw new CliInputException($"cannot use the database: {FirstLine(database.Message)} (check --database, and that its server is running and reachable)");
            }

            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            io.Out.WriteLine($"msrelapse serve: listening on {string.Join(", ", bound)} ({(options.AuthAuthority is null ? "local demo mode, no authentication" : "bearer authentication")}); API reference at /scalar; Ctrl+C stops");
            io.Out.Flush();
            app.WaitForShutdown();
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return Program.Ok;
        });
        return command;
    }

    private static void StopQuietly(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        try
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
        }

        app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The database's own error in <paramref name="ex"/> or its inner exceptions (EF Core wraps a refused connection in its retry strategy's InvalidOperationException), or null.</summary>
    private static System.Data.Common.DbException? DatabaseFailureOf(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException database)
            {
                return database;
            }
        }

        return null;
    }

    /// <summary>The first of the --urls that Kestrel could not listen on (a scheme other than http(s), no host, a port past 65535), or null.</summary>
    private static string? NotAnAddress(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "http://*:80" and "http://+:80" (every interface) are Kestrel's own forms, which Uri does not parse.
            var parsable = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                return new string([.. url.Where(c => !char.IsControl(c)).Take(100)]); // echoed: no control characters
            }
        }

        return null;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
