using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MsRelapse.Cluster;
using MsRelapse.Screening;

namespace MsRelapse.Cli.Commands;

/// <summary>
/// <c>msrelapse cluster-silo --cluster CONNECTION [--cluster-id ID] [--advertise IP] [--silo-port N] [--gateway-port N]
/// [--tls-cert PEM --tls-key PEM --tls-ca PEM | --allow-plaintext]</c>: joins the screening cluster (Orleans, membership
/// in PostgreSQL) as a worker silo until stopped (Ctrl+C / SIGTERM). Off loopback the silos talk mutual TLS, unless
/// the operator allows plain TCP.
/// </summary>
internal static class ClusterSiloCommand
{
    public static Command Create(CliIo io)
    {
        var cluster = new ClusterOptions();
        var command = new Command("cluster-silo", "Join the screening cluster as a worker (Orleans silo; membership in PostgreSQL) until stopped.");
        cluster.AddTo(command, required: true);
        command.SetAction(parsed =>
        {
            var config = cluster.Config(parsed)!;
            // Warnings and errors of the silo (membership, connectivity) on stderr: a worker is run by an operator.
            using var host = ClusterOptions.StartSilo(config, logging => logging.AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter(level => level >= Microsoft.Extensions.Logging.LogLevel.Warning)
                .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace));
            io.Out.WriteLine($"cluster-silo: joined cluster '{config.ClusterId}' as {host.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress}"
                + (config.Tls is null ? " (plain TCP)" : " (mutual TLS)"));
            io.Out.Flush();
            host.WaitForShutdown();
            return Program.Ok;
        });
        return command;
    }
}

/// <summary>
/// The cluster options shared by <c>cluster-silo</c> and <c>screen --cluster</c>. The screen command adds them with
/// <c>var cluster = ClusterOptions.ForScreen(command);</c> and, when <see cref="TryScreen"/> returns a summary, the
/// screen ran on the cluster.
/// </summary>
internal sealed class ClusterOptions
{
    private readonly Option<string?> _connection = new("--cluster") { Description = "Run on the Orleans screening cluster whose membership is in this PostgreSQL database (connection string)" };
    private readonly Option<string?> _clusterId = new("--cluster-id") { Description = "Cluster id (default msrelapse-screen): silos with the same id work together" };
    private readonly Option<string?> _advertise = new("--advertise") { Description = "IP address other silos reach this one at (default 127.0.0.1: one machine)" };
    private readonly Option<int> _siloPort = new("--silo-port") { Description = "Silo-to-silo port (default: a free one)" };
    private readonly Option<int> _gatewayPort = new("--gateway-port") { Description = "Gateway port (default: a free one)" };
    private readonly Option<string?> _tlsCert = new("--tls-cert") { Description = "This silo's certificate (PEM) for mutual TLS between the silos; with --tls-key and --tls-ca" };
    private readonly Option<string?> _tlsKey = new("--tls-key") { Description = "The private key of --tls-cert (PEM, unencrypted)" };
    private readonly Option<string?> _tlsCa = new("--tls-ca") { Description = "The cluster's certificate authority (PEM): a peer silo is accepted only with a certificate it issued" };
    private readonly Option<bool> _allowPlaintext = new("--allow-plaintext") { Description = "With --advertise and no TLS: talk plain TCP to the other silos (only on a network trusted end to end)" };

    /// <summary>Adds the options to the screen command.</summary>
    public static ClusterOptions ForScreen(Command command)
    {
        var options = new ClusterOptions();
        options.AddTo(command, required: false);
        return options;
    }

    public void AddTo(Command command, bool required)
    {
        _connection.Required = required;
        foreach (var option in new Option[] { _connection, _clusterId, _advertise, _siloPort, _gatewayPort, _tlsCert, _tlsKey, _tlsCa, _allowPlaintext })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration, or null when <c>--cluster</c> is absent.</summary>
    public ClusterConfig? Config(ParseResult parsed)
    {
        if (parsed.GetValue(_connection) is not { } connection)
        {
            return null;
        }

        const string Expected = "--cluster expects a PostgreSQL connection string, e.g. 'Host=db;Database=msrelapse;Username=…;Password=…'";
        if (!connection.Contains('=', StringComparison.Ordinal))
        {
            throw new CliInputException(Expected);
        }

        try
        {
            // Read as Npgsql will: an unknown key or a bad value is the user's to fix (exit 2), not an internal error.
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new CliInputException($"{Expected} ({ex.Message.ReplaceLineEndings(" ")})");
        }

        if (parsed.GetValue(_clusterId) is { } id && string.IsNullOrWhiteSpace(id))
        {
            throw new CliInputException("--cluster-id must not be empty (silos with the same id form one cluster; default msrelapse-screen)");
        }

        var address = IPAddress.Loopback;
        if (parsed.GetValue(_advertise) is { } text && !IPAddress.TryParse(text, out address!))
        {
            throw new CliInputException($"--advertise '{text}' is not an IP address");
        }

        foreach (var (name, port) in new[] { ("--silo-port", parsed.GetValue(_siloPort)), ("--gateway-port", parsed.GetValue(_gatewayPort)) })
        {
            if (port is < 0 or > 65535)
            {
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture, $"{name} {port} is outside 0–65535"));
            }
        }

        var tls = Tls(parsed);
        if (tls is null && !IPAddress.IsLoopback(address) && !parsed.GetValue(_allowPlaintext))
        {
            // Off this machine the silos carry the partitions' rows (patient ids among them), and anyone who reaches a
            // silo port could call its grains: encrypted and authenticated unless the operator says otherwise.
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                $"--advertise {address}: the silos would talk plain TCP over the network, carrying patient ids; give --tls-cert, --tls-key and --tls-ca (mutual TLS, docs/screening.md), or --allow-plaintext on a network trusted end to end"));
        }

        return new ClusterConfig(connection)
        {
            ClusterId = parsed.GetValue(_clusterId) ?? "msrelapse-screen",
            AdvertisedAddress = address,
            SiloPort = parsed.GetValue(_siloPort),
            GatewayPort = parsed.GetValue(_gatewayPort),
            Tls = tls,
        };
    }

    /// <summary>Mutual TLS from <c>--tls-cert</c>, <c>--tls-key</c> and <c>--tls-ca</c> (all three, or none: null).</summary>
    private ClusterTls? Tls(ParseResult parsed)
    {
        var (cert, key, ca) = (parsed.GetValue(_tlsCert), parsed.GetValue(_tlsKey), parsed.GetValue(_tlsCa));
        if (cert is null && key is null && ca is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(cert) || string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(ca))
        {
            throw new CliInputException("--tls-cert, --tls-key and --tls-ca go together: this silo's certificate, its private key and the cluster's certificate authority (PEM files)");
        }

        try
        {
            return ClusterTls.Load(cert, key, ca);
        }
        catch (ArgumentException ex)
        {
            throw new CliInputException("--tls: " + ex.Message);
        }
    }

    /// <summary>Starts a silo (this process joins the cluster), or a clear input error when PostgreSQL cannot be used.</summary>
    public static IHost StartSilo(ClusterConfig config, Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging = null)
    {
        IHost host;
        try
        {
            host = ClusterHost.CreateSiloAsync(config, logging).GetAwaiter().GetResult();
        }
        catch (Npgsql.NpgsqlException ex)
        {
            throw new CliInputException($"--cluster: PostgreSQL refused the connection or the schema ({ex.Message.ReplaceLineEndings(" ")})");
        }

        try
        {
            host.Start();
        }
        catch (Exception ex) when (PortInUse(ex))
        {
            host.Dispose();
            throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                $"--silo-port {config.SiloPort} or --gateway-port {config.GatewayPort} is already in use on this machine (0: a free one)"));
        }

        return host;
    }

    private static bool PortInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } || ex.GetType().Name == "AddressInUseException")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// With <c>--cluster</c>: this process joins the cluster as a silo too, coordinates the screen over every silo
    /// and returns its summary; without it, null (screen locally).
    /// </summary>
    public ScreenSummary? TryScreen(ParseResult parsed, ScreenOptions options, CliIo io)
    {
        if (Config(parsed) is not { } config)
        {
            return null;
        }

        using var host = StartSilo(config);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var last = (Phase: "", Tenth: -1);
            // The silo host takes SIGTERM and Ctrl+C to stop itself: the run stops with it, instead of going on to its end.
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var result = ClusterScreenRun.RunAsync(grains, options, cancellationToken: stopping, progress: p =>
            {
                var tenth = p.Phase == "split" ? p.SplitsDone * 10 / Math.Max(1, p.Splits) : p.PartitionsDone * 10 / p.Partitions;
                lock (io.Out)
                {
                    if ((p.Phase, tenth) != last)
                    {
                        last = (p.Phase, tenth);
                        io.Out.WriteLine(p.Phase == "split"
                            ? string.Create(CultureInfo.InvariantCulture, $"cluster: split {p.SplitsDone}/{p.Splits} parts of the export, {p.Reruns} re-run")
                            : string.Create(CultureInfo.InvariantCulture, $"cluster: {p.PartitionsDone}/{p.Partitions} partitions, {p.Patients:N0} patients, {p.Reruns} re-run"));
                    }
                }
            }).GetAwaiter().GetResult();
            foreach (var (silo, count) in result.SplitsBySilo.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster: silo {silo} split {count} parts of the export"));
            }

            foreach (var (silo, count) in result.PartitionsBySilo.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster: silo {silo} screened {count} partitions"));
            }

            return result.Summary;
        }
        finally
        {
            host.StopAsync().GetAwaiter().GetResult();
        }
    }
}
