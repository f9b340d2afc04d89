using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// ES384 (ECDSA on P-384 with SHA-384, RFC 7518 §3.4) signature checks of CDS Hooks client tokens, with Bouncy Castle's
/// P-384 arithmetic instead of the platform's. A performance measure, and only that: this machine's OpenSSL (3.0) has
/// no P-384-specific code (it came in 3.2), and its generic curve code costs ≈ 0.7 ms a check, a third of a
/// patient-view call at the contract's load; Bouncy Castle's custom-curve field arithmetic, with the precomputed
/// multiples of each client's public key kept for all its tokens, checks one in ≈ 0.4 ms (benchmarks/README.md).
/// </summary>
/// <remarks>
/// Verification only: no secret is ever handled here, so nothing here needs to run in constant time. The check is Bouncy
/// Castle's <see cref="ECDsaSigner.VerifySignature"/> as it is (r and s in [1, n−1], the point sum not at infinity, its x
/// mod n equal to r); this file only decodes: the JWS signature is exactly 96 bytes (r ‖ s, big-endian, RFC 7518), the
/// key exactly a P-384 public key (kty EC, crv P-384, 48-byte x and y) on the curve. Anything else — another curve, an
/// ECDsaSecurityKey, a key that does not decode — is left to the platform's provider, which refuses what it must. A
/// differential test holds the two verifiers to the same answer on valid, tampered and malformed signatures
/// (<c>P384SignaturesTests</c>).
/// </remarks>
public sealed class P384Signatures : ICryptoProvider
{
    /// <summary>The IdentityModel factory to validate tokens with: ES384 on a P-384 JSON Web Key here, all else as usual.</summary>
    public static CryptoProviderFactory Factory { get; } = new() { CustomCryptoProvider = new P384Signatures() };

    private const int CoordinateBytes = 48;

    private static readonly ECDomainParameters Curve = new(CustomNamedCurves.GetByName("P-384"));

    /// <summary>One verifier per public key (by x and y), so that the key's precomputed multiples serve all its tokens.</summary>
    private static readonly ConcurrentDictionary<(string X, string Y), Verifier?> Verifiers = new();

    /// <summary>Keys come only from the configured clients' JWK Sets; the bound is against a JWK Set that keeps changing.</summary>
    private const int MaxVerifiers = 1024;

    private P384Signatures()
    {
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is <paramref name="key"/>'s ES384 signature of <paramref name="data"/>; null
    /// when the key is not a P-384 public key this class checks with (then the platform's provider decides).
    /// </summary>
    public static bool? Verify(JsonWebKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return VerifierOf(key)?.Verify(data, signature);
    }

    /// <inheritdoc/>
    public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
        algorithm == SecurityAlgorithms.EcdsaSha384 && args is [JsonWebKey key, ..] && !(args.Length > 1 && args[1] is true) && VerifierOf(key) is not null;

    /// <inheritdoc/>
    public object Create(string algorithm, params object[] args) =>
        IsSupportedAlgorithm(algorithm, args) && args is [JsonWebKey key, ..] && VerifierOf(key) is { } verifier
            ? new Provider(key, verifier)
            : throw new NotSupportedException("Only ES384 checks with a P-384 JSON Web Key.");

    /// <inheritdoc/>
    public void Release(object cryptoInstance)
    {
        // Providers hold nothing to free; their verifier is shared.
    }

    /// <summary>The verifier of a P-384 public key; null when the key is not one (left to the platform's provider).</summary>
    private static Verifier? VerifierOf(JsonWebKey key)
    {
        if (key.Kty != JsonWebAlgorithmsKeyTypes.EllipticCurve || key.Crv != JsonWebKeyECTypes.P384 || key.HasPrivateKey
            || string.IsNullOrEmpty(key.X) || string.IsNullOrEmpty(key.Y))
        {
            return null;
        }

        if (Verifiers.TryGetValue((key.X, key.Y), out var known))
        {
            return known;
        }

        if (Verifiers.Count >= MaxVerifiers)
        {
            Verifiers.Clear();
        }

        return Verifiers.GetOrAdd((key.X, key.Y), static xy => Verifier.Of(xy.X, xy.Y));
    }

    /// <summary>A P-384 public key, checked on the curve, ready to verify.</summary>
    private sealed class Verifier
    {
        private readonly ECPublicKeyParameters _key;

        private Verifier(ECPublicKeyParameters key) => _key = key;

        /// <summary>The key of base64url <paramref name="x"/> and <paramref name="y"/>; null when they are not a point of P-384.</summary>
        public static Verifier? Of(string x, string y)
        {
            byte[] xb, yb;
            try
            {
                xb = Base64UrlEncoder.DecodeBytes(x);
                yb = Base64UrlEncoder.DecodeBytes(y);
            }
            catch (FormatException)
            {
                return null;
            }

            if (xb.Length != CoordinateBytes || yb.Length != CoordinateBytes)
            {
                return null;
            }

            try
            {
                // ECPublicKeyParameters validates the point: on the curve, not at infinity.
                var point = Curve.Curve.CreatePoint(new BcBigInteger(1, xb), new BcBigInteger(1, yb));
                return new Verifier(new ECPublicKeyParameters(point, Curve));
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        /// <summary>True when <paramref name="signature"/> (r ‖ s, 96 bytes) is this key's ES384 signature of <paramref name="data"/>.</summary>
        public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            if (signature.Length != 2 * CoordinateBytes)
            {
                return false;
            }

            Span<byte> hash = stackalloc byte[SHA384.HashSizeInBytes];
            SHA384.HashData(data, hash);
            var r = new BcBigInteger(1, signature[..CoordinateBytes]);
            var s = new BcBigInteger(1, signature[CoordinateBytes..]);
            // A signer per check: cheap, and nothing shared but the key, whose precomputation Bouncy Castle guards.
            var signer = new ECDsaSigner();
            signer.Init(false, _key);
            return signer.VerifySignature(hash.ToArray(), r, s);
        }
    }

    private sealed class Provider(JsonWebKey key, Verifier verifier) : SignatureProvider(key, SecurityAlgorithms.EcdsaSha384)
    {
        public override byte[] Sign(byte[] input) => throw new NotSupportedException("Verification only.");

        public override bool Verify(byte[] input, byte[] signature)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(signature);
            return verifier.Verify(input, signature);
        }

        public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(signature);
            return verifier.Verify(input.AsSpan(inputOffset, inputLength), signature.AsSpan(signatureOffset, signatureLength));
        }

        protected override void Dispose(bool disposing)
        {
            // Nothing of its own to free.
        }
    }
}
