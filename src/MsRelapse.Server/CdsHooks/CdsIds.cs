using System.Security.Cryptography;
using System.Text;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// Card and suggestion uuids derived from their input (SHA-256, RFC 4122 layout with version-5 bits): the same
/// request gives the same uuids on every instance, so feedback finds its card.
/// </summary>
internal static class CdsIds
{
    public static string Of(params ReadOnlySpan<string> parts)
    {
        var text = string.Join('\u001f', parts.ToArray());
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>Lower-case hex SHA-256 of bytes (the identity of an evaluation's input).</summary>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary><see cref="Hash"/> of <paramref name="bytes"/> followed by one <c>'\n'</c>, without copying them to add it.</summary>
    public static string HashLine(ReadOnlySpan<byte> bytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(bytes);
        hash.AppendData("\n"u8);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
