using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Orleans.TestingHost;

namespace MsRelapse.Cluster.Tests;

/// <summary>
/// Mutual TLS between silos (<see cref="ClusterTls"/>): a cluster whose silos hold certificates of its authority
/// screens as one machine does; a connection to a silo without such a certificate is refused, so that no one else on
/// the network can join the cluster, call its grains or read the rows that cross it.
/// </summary>
public sealed class ClusterTlsTests
{
    private static readonly TestCertificates Cluster = new("MsRelapse test cluster CA");
    private static readonly TestCertificates Other = new("Another CA");
    private static readonly X509Certificate2 SiloCertificate = Cluster.Issue("silo");

    private sealed class TlsSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterHost.ConfigureFastFailureDetection(siloBuilder.Services);
            ClusterHost.ConfigureLongCalls(siloBuilder.Services);
            ClusterHost.UseTls(siloBuilder, ClusterTls.Create(SiloCertificate, Cluster.Anchors));
        }
    }

    private sealed class TlsClient : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder)
        {
            ClusterHost.ConfigureLongClientCalls(clientBuilder.Services);
            var tls = ClusterTls.Create(SiloCertificate, Cluster.Anchors);
            clientBuilder.UseTls(tls.Certificate, o => o.RemoteCertificateValidation = (certificate, _, _) => tls.Accepts(certificate));
        }
    }

    [Fact]
    public void A_peer_is_accepted_only_with_a_valid_certificate_of_the_clusters_authority()
    {
        var tls = ClusterTls.Create(SiloCertificate, Cluster.Anchors);
        Assert.True(tls.Accepts(Cluster.Issue("another silo")));
        Assert.False(tls.Accepts(Other.Issue("intruder")));                                          // another authority
        Assert.False(tls.Accepts(TestCertificates.SelfSigned("intruder")));                          // no authority
        Assert.False(tls.Accepts(Cluster.Issue("old silo", notAfter: DateTimeOffset.UtcNow.AddDays(-2)))); // expired
        Assert.False(tls.Accepts(Cluster.Issue("web server", usages: TestCertificates.ServerOnly)));  // not for clients
        Assert.False(tls.Accepts(null));

        Assert.Throws<ArgumentException>(() => ClusterTls.Create(X509CertificateLoader.LoadCertificate(SiloCertificate.RawData), Cluster.Anchors)); // no private key
        Assert.Throws<ArgumentException>(() => ClusterTls.Create(SiloCertificate, []));
    }

    [Fact]
    public async Task Silos_talking_TLS_screen_as_one_machine_and_refuse_a_connection_without_the_clusters_certificate()
    {
        using var cohort = new Cohort(200, 16);
        var builder = new TestClusterBuilder(2);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket; // TLS is a socket's (the default is in memory)
        builder.AddSiloBuilderConfigurator<TlsSilo>();
        builder.AddClientBuilderConfigurator<TlsClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var result = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("tls"), new ClusterRunOptions(SplitTasks: 4));
            cohort.AssertSameAsSingleMachine("tls");
            Assert.Equal(2, result.PartitionsBySilo.Count); // both silos worked, so rows crossed between them (16 partitions at random: all on one ≈ 3e-5)

            var silo = cluster.Primary!.SiloAddress.Endpoint;
            Assert.True(await RefusedAsync(silo, null), "a client without a certificate was let in");
            Assert.True(await RefusedAsync(silo, Other.Issue("intruder")), "a certificate of another authority was let in");
            Assert.True(await RefusedAsync(silo, TestCertificates.SelfSigned("intruder")), "a self-signed certificate was let in");
            Assert.False(await RefusedAsync(silo, Cluster.Issue("third silo")), "a certificate of the cluster's authority was refused");
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Whether the silo at <paramref name="endpoint"/> refuses a TLS connection that presents <paramref name="certificate"/>:
    /// the handshake fails, or (TLS 1.3 checks the client's certificate after the client's side is done) the silo closes
    /// the connection at once. A connection it accepts stays open, waiting for Orleans' preamble.
    /// </summary>
    private static async Task<bool> RefusedAsync(IPEndPoint endpoint, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Address, endpoint.Port);
        await using var tls = new SslStream(tcp.GetStream(), false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "msrelapse-silo",
                ClientCertificates = certificate is null ? null : [certificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true, // the silo's certificate is not what is tested here
            });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var read = await tls.ReadAsync(new byte[1], wait.Token);
            return read == 0;
        }
        catch (OperationCanceledException)
        {
            return false; // still open after 2 s: accepted
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            return true;
        }
    }
}
