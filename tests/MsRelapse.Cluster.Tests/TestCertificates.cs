using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MsRelapse.Cluster.Tests;

/// <summary>A private certificate authority and the certificates it issues, made for the tests (P-256, in memory).</summary>
internal sealed class TestCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>The authority's certificate (with its key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The authority as a trust anchor (its certificate only).</summary>
    public X509Certificate2Collection Anchors => [X509CertificateLoader.LoadCertificate(Authority.RawData)];

    /// <summary>A silo certificate issued by this authority: client and server authentication unless said otherwise.</summary>
    public X509Certificate2 Issue(string name, DateTimeOffset? notAfter = null, Oid[]? usages = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var eku = new OidCollection();
        foreach (var usage in usages ?? [ServerAuthentication, ClientAuthentication])
        {
            eku.Add(usage);
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(eku, false));
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        var notBefore = until < DateTimeOffset.UtcNow ? until.AddDays(-30) : DateTimeOffset.UtcNow.AddDays(-1);
        using var issued = request.Create(Authority, notBefore, until, RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A certificate that signs itself (no authority).</summary>
    public static X509Certificate2 SelfSigned(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static Oid[] ServerOnly => [ServerAuthentication];
}
