using System.Security.Cryptography;

namespace MsRelapse.Fhir;

/// <summary>
/// A UUID named by content: the first 16 bytes of a SHA-256 laid out as RFC 4122 with the version-5 (name-based) and
/// variant bits set. The same content gives the same id on every run and every instance, so a resource written twice,
/// or a CDS card asked for twice, keeps its id (feedback finds its card; a Bundle's entries keep their references).
/// The one derivation of such ids: the FHIR writer's resource ids and the CDS Hooks card and suggestion uuids.
/// </summary>
public static class ContentUuid
{
    /// <summary>The UUID (lower-case, hyphenated) of a SHA-256 hash (32 bytes; the first 16 are used).</summary>
    public static string OfSha256(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"A SHA-256 hash has {SHA256.HashSizeInBytes} bytes, not {sha256.Length}.", nameof(sha256));
        }

        Span<byte> bytes = stackalloc byte[16];
        sha256[..16].CopyTo(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>The UUID of some content (its SHA-256).</summary>
    public static string Of(ReadOnlySpan<byte> content) => OfSha256(SHA256.HashData(content));
}
