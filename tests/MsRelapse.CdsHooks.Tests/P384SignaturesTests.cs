using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using MsRelapse.Server.Infrastructure;

namespace MsRelapse.CdsHooks.Tests;

/// <summary>
/// The ES384 checks of client tokens run on Bouncy Castle's P-384 arithmetic (Infrastructure/P384Signatures.cs), for
/// speed: they must answer exactly as the platform's verifier (OpenSSL) on valid signatures, on every kind of tampered
/// or malformed one, and leave to the platform every key that is not a P-384 public key.
/// </summary>
public sealed class P384SignaturesTests
{
    /// <summary>The order n of P-384's base point (SEC 2 / FIPS 186-4 D.1.2.4).</summary>
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static JsonWebKey Jwk(ECDsa key)
    {
        var p = key.ExportParameters(false);
        return new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P384,
            X = Base64UrlEncoder.Encode(p.Q.X),
            Y = Base64UrlEncoder.Encode(p.Q.Y),
        };
    }

    private static byte[] Fixed(BigInteger value) =>
        value.ToByteArray(isUnsigned: true, isBigEndian: true) is var b && b.Length <= 48 ? [.. new byte[48 - b.Length], .. b] : b[^48..];

    private static BigInteger Unsigned(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    private static bool Platform(ECDsa key, byte[] data, byte[] signature)
    {
        try
        {
            return key.VerifyData(data, signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Ways a signature (r ‖ s) is altered; the platform's answer decides what each must give.</summary>
    private static byte[] Alter(byte[] signature, int kind, Random random, ECDsa key)
    {
        var r = Unsigned(signature.AsSpan(0, 48));
        var s = Unsigned(signature.AsSpan(48));
        byte[] Pair(BigInteger a, BigInteger b) => [.. Fixed(a), .. Fixed(b)];
        switch (kind)
        {
            case 0: return signature; // as signed
            case 1: // one bit flipped anywhere
                var flipped = (byte[])signature.Clone();
                flipped[random.Next(96)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 2: return Pair(s, r);
            case 3: return Pair(BigInteger.Zero, s);
            case 4: return Pair(r, BigInteger.Zero);
            case 5: return Pair(r + N, s); // same residue, out of range (fits 48 bytes only when r + n < 2^384)
            case 6: return Pair(r, N);
            case 7: return Pair(r, N - s); // the other valid s (ECDSA malleability): both accept it
            case 8: return signature[..95];
            case 9: return [.. signature, 0];
            case 10: return key.SignData(signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence); // DER, not JWS
            case 11: return [.. Enumerable.Repeat((byte)0xFF, 96)];
            default: return [];
        }
    }

    [Fact]
    public void Answers_as_the_platform_verifier_on_valid_tampered_and_malformed_signatures()
    {
        var random = new Random(20261207);
        var keys = Enumerable.Range(0, 3).Select(_ => ECDsa.Create(ECCurve.NamedCurves.nistP384)).ToArray();
        int accepted = 0, refused = 0;
        for (var i = 0; i < 1_200; i++)
        {
            var key = keys[i % keys.Length];
            var other = keys[(i + 1) % keys.Length];
            var data = new byte[random.Next(0, 1_500)];
            random.NextBytes(data);
            var signature = key.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var kind = i % 13;
            var altered = Alter(signature, kind, random, key);
            var message = kind == 12 ? [.. data, 1] : data; // 12: the data changed, the signature not
            if (kind == 12)
            {
                altered = signature;
            }

            foreach (var (verifier, name) in new[] { (key, "own key"), (other, "another key") })
            {
                var expected = Platform(verifier, message, altered);
                Assert.True(expected == P384Signatures.Verify(Jwk(verifier), message, altered), $"case {i} (kind {kind}, {name}): the platform says {expected}");
                if (expected)
                {
                    accepted++;
                }
                else
                {
                    refused++;
                }
            }
        }

        // Valid and high-s signatures with their own key (2 of 13 kinds), everything else refused.
        Assert.InRange(accepted, 150, 200);
        Assert.True(refused > 2_000, $"{refused} refused");
    }

    [Fact]
    public void A_new_key_checked_from_many_threads_at_once_answers_every_check_right()
    {
        // The key's precomputed multiples are made on its first checks and shared: made concurrently here.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var jwk = Jwk(key);
        var inputs = Enumerable.Range(0, 400).Select(i => BitConverter.GetBytes(i)).ToArray();
        var signatures = inputs.Select(i => key.SignData(i, HashAlgorithmName.SHA384)).ToArray();
        var wrong = 0;
        Parallel.For(0, 2 * inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var n = i % inputs.Length;
            var valid = i < inputs.Length; // the second half: each signature against the next input
            if (P384Signatures.Verify(jwk, inputs[valid ? n : (n + 1) % inputs.Length], signatures[n]) != valid)
            {
                Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Keys_that_are_not_P384_public_keys_are_left_to_the_platform()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var jwk = Jwk(key);
        var data = "header.payload"u8.ToArray();
        var signature = key.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.True(P384Signatures.Verify(jwk, data, signature));
        Assert.True(P384Signatures.Factory.IsSupportedAlgorithm(SecurityAlgorithms.EcdsaSha384, jwk));
        Assert.IsNotType<AsymmetricSignatureProvider>(P384Signatures.Factory.CreateForVerifying(jwk, SecurityAlgorithms.EcdsaSha384));

        // A point off the curve (y + 1), a coordinate of the wrong length, another curve, a private key, another
        // algorithm: not this class's (the platform refuses the first two when it imports them).
        var offCurve = Jwk(key);
        offCurve.Y = Base64UrlEncoder.Encode(Fixed((Unsigned(Base64UrlEncoder.DecodeBytes(jwk.Y)) + 1) % BigInteger.Pow(2, 384)));
        var shortX = Jwk(key);
        shortX.X = Base64UrlEncoder.Encode(Base64UrlEncoder.DecodeBytes(jwk.X)[1..]);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p256Params = p256.ExportParameters(false);
        var otherCurve = new JsonWebKey { Kty = "EC", Crv = JsonWebKeyECTypes.P256, X = Base64UrlEncoder.Encode(p256Params.Q.X), Y = Base64UrlEncoder.Encode(p256Params.Q.Y) };
        var withPrivate = Jwk(key);
        withPrivate.D = Base64UrlEncoder.Encode(key.ExportParameters(true).D);
        foreach (var k in new[] { offCurve, shortX, otherCurve, withPrivate })
        {
            Assert.Null(P384Signatures.Verify(k, data, signature));
            Assert.False(P384Signatures.Factory.CustomCryptoProvider.IsSupportedAlgorithm(SecurityAlgorithms.EcdsaSha384, k));
        }

        Assert.False(P384Signatures.Factory.CustomCryptoProvider.IsSupportedAlgorithm(SecurityAlgorithms.RsaSha384, jwk));
        Assert.Throws<NotSupportedException>(() => P384Signatures.Factory.CustomCryptoProvider.Create(SecurityAlgorithms.RsaSha384, jwk));
        Assert.False(P384Signatures.Factory.CustomCryptoProvider.IsSupportedAlgorithm(SecurityAlgorithms.EcdsaSha384, new ECDsaSecurityKey(key)));
        Assert.False(P384Signatures.Factory.CustomCryptoProvider.IsSupportedAlgorithm(SecurityAlgorithms.EcdsaSha384, jwk, true)); // signing
    }
}
