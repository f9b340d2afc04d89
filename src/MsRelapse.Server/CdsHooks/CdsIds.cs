using System.Security.Cryptography;
using System.Text;
using MsRelapse.Fhir;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// Card and suggestion uuids derived from their input (<see cref="ContentUuid"/> of the parts joined by U+001F): the
/// same request gives the same uuids on every instance, so feedback finds its card.
/// </summary>
internal static class CdsIds
{
    public static string Of(params ReadOnlySpan<string> parts) => ContentUuid.Of(Encoding.UTF8.GetBytes(string.Join('\u001f', parts.ToArray())));

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
