using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

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
    /// Fast failure detection (probe every second, dead after 3 missed probes or one vote): a screen is a batch job
    /// that would rather re-run a partition than wait; the Orleans defaults suit long-lived services.
    /// </summary>
    public bool FastFailureDetection { get; init; } = true;
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
            if (config.FastFailureDetection)
            {
                ConfigureFastFailureDetection(silo.Services);
            }
        });
        return builder.Build();
    }

    /// <summary>Membership options for a batch cluster: a dead silo is declared dead within a few seconds.</summary>
    public static void ConfigureFastFailureDetection(IServiceCollection services) =>
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
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
