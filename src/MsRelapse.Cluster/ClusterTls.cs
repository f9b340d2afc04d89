using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MsRelapse.Cluster;

/// <summary>
/// Mutual TLS between the silos of a screening cluster (Orleans' TLS transport): every silo presents its certificate
/// and accepts a peer only when the peer's certificate chains to the cluster's own certificate authority. What crosses
/// the network — the partitions' rows, patient ids among them, and the grain calls that read and write the work
/// folder — is then encrypted, and a process without a certificate of that authority can neither join the cluster nor
/// call a grain through a silo or gateway port.
/// </summary>
/// <remarks>
/// Host names are not checked: silos reach each other by the IP address each advertises, so a silo's identity is its
/// certificate's issuer, not a name. Revocation is not checked either (a private authority usually publishes no
/// revocation list): to remove a machine from the cluster, issue the others new certificates from a new authority.
/// </remarks>
public sealed class ClusterTls
{
    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This silo's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate authorities a peer's certificate must chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>From a certificate with its private key and the authorities to trust.</summary>
    /// <exception cref="ArgumentException">The certificate has no private key, or no authority is given.</exception>
    public static ClusterTls Create(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authorities);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The silo's certificate has no private key: TLS needs it to prove the silo's identity.", nameof(certificate));
        }

        if (authorities.Count == 0)
        {
            throw new ArgumentException("No certificate authority: a peer could not be checked.", nameof(authorities));
        }

        return new ClusterTls(certificate, authorities);
    }

    /// <summary>
    /// From PEM files: the silo's certificate, its private key (PKCS#8 or PKCS#1, unencrypted) and the authorities'
    /// certificates (one file, one or more certificates).
    /// </summary>
    /// <exception cref="ArgumentException">A file cannot be read as PEM of what it should hold, or the key does not match the certificate.</exception>
    public static ClusterTls Load(string certificatePemPath, string keyPemPath, string authoritiesPemPath)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePemPath, keyPemPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ArgumentException($"the certificate ('{certificatePemPath}') and its key ('{keyPemPath}') cannot be read as PEM, or do not match ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(authoritiesPemPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ArgumentException($"the certificate authorities ('{authoritiesPemPath}') cannot be read as PEM certificates ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }

        if (authorities.Count == 0)
        {
            throw new ArgumentException($"'{authoritiesPemPath}' holds no PEM certificate");
        }

        return Create(certificate, authorities);
    }

    /// <summary>
    /// Whether a peer's certificate chains to one of <see cref="Authorities"/> and is valid now (dates, signatures,
    /// basic constraints, and — where it lists extended key usages — TLS client and server authentication).
    /// </summary>
    public bool Accepts(X509Certificate2? peer)
    {
        if (peer is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // A silo is both: it accepts its peers' connections and opens its own to them.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server authentication
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2")); // client authentication
        return chain.Build(peer);
    }
}
