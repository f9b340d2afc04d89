using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace MsRelapse.Cluster;

/// <summary>How a silo joins the screening cluster.</summary>
/// <param name="ConnectionString">PostgreSQL (Npgsql) connection string: the membership table lives there.</param>
public sealed record ClusterConfig(string ConnectionString)
{
    /// <summary>Silos with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "msrelapse-screen";

    /// <summary>The address other silos reach this one at (default: loopback, for a cluster on one machine).</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Silo-to-silo port (0: a free one).</summary>
    public int SiloPort { get; init; }

    /// <summary>Client gateway port (0: a free one).</summary>
    public int GatewayPort { get; init; }

    /// <summary>
    /// Fast failure detection (2-second probes, dead after 3 missed probes and one vote): a screen is a batch job
    /// that would rather re-run a partition than wait; the Orleans defaults suit long-lived services.
    /// </summary>
    public bool FastFailureDetection { get; init; } = true;

    /// <summary>Mutual TLS between the silos (null: plain TCP, for one machine or a network trusted end to end).</summary>
    public ClusterTls? Tls { get; init; }
}

/// <summary>Builds an Orleans silo host for screening: ADO.NET clustering on PostgreSQL, the partition grain.</summary>
public static class ClusterHost
{
    /// <summary>Applies the schema, then builds (not starts) a silo host.</summary>
    public static async Task<IHost> CreateSiloAsync(ClusterConfig config, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        await PostgresClusterSchema.EnsureAsync(config.ConnectionString, cancellationToken).ConfigureAwait(false);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.UseOrleans(silo =>
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = config.ConnectionString;
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = config.ClusterId;
                o.ServiceId = "msrelapse";
            });
            silo.ConfigureEndpoints(config.AdvertisedAddress, config.SiloPort == 0 ? FreePort() : config.SiloPort, config.GatewayPort == 0 ? FreePort() : config.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(config.AdvertisedAddress));
            ConfigureLongCalls(silo.Services);
            if (config.Tls is { } tls)
            {
                UseTls(silo, tls);
            }

            if (config.FastFailureDetection)
            {
                ConfigureFastFailureDetection(silo.Services);
            }
        });
        return builder.Build();
    }

    /// <summary>
    /// How long Orleans lets a grain call run before it fails it: above any <see cref="ClusterRunOptions.CallTimeout"/>
    /// a run may choose (10 minutes by default), so that the run decides when a part or a partition is given up. Orleans'
    /// own default (30 s) would fail — and have re-run, beside the first attempt still working — every split part or
    /// partition that takes longer, such as the split of one large export file. A silo that dies is not waited for:
    /// its calls fail as soon as the membership declares it dead.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromHours(2);

    /// <summary>
    /// Sets <see cref="ResponseTimeout"/> on a silo's messaging (silo-to-silo calls and its grain factory), and makes a
    /// cancelled call end when its callee has stopped (<see cref="MessagingOptions.WaitForCancellationAcknowledgement"/>),
    /// not at once: a run removes its work folder once the calls it gave up on have ended, and a silo must not still be
    /// writing into it then.
    /// </summary>
    public static void ConfigureLongCalls(IServiceCollection services) =>
        services.Configure<SiloMessagingOptions>(o =>
        {
            o.ResponseTimeout = ResponseTimeout;
            o.WaitForCancellationAcknowledgement = true;
        });

    /// <summary>As <see cref="ConfigureLongCalls"/>, on an external cluster client that runs a screen.</summary>
    public static void ConfigureLongClientCalls(IServiceCollection services) =>
        services.Configure<ClientMessagingOptions>(o =>
        {
            o.ResponseTimeout = ResponseTimeout;
            o.WaitForCancellationAcknowledgement = true;
        });

    /// <summary>
    /// Mutual TLS on a silo (<see cref="ClusterTls"/>): its silo-to-silo connections and its gateway both require a
    /// certificate of the cluster's authority from the other end, and present the silo's own.
    /// </summary>
    public static void UseTls(ISiloBuilder silo, ClusterTls tls)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(tls);
        silo.UseTls(tls.Certificate, options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateValidation = (certificate, _, _) => tls.Accepts(certificate);
        });
    }

    /// <summary>Membership options for a batch cluster: a dead silo is declared dead within a few seconds.</summary>
    public static void ConfigureFastFailureDetection(IServiceCollection services) =>
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
