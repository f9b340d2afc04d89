using System.Text;

namespace MsRelapse.Fhir.Tests;

/// <summary>
/// The content-named UUID behind the writer's resource ids and the CDS cards' uuids: RFC 4122 layout with the
/// name-based version and variant bits, taken from SHA-256. Expected values come from the published SHA-256 test
/// vectors (FIPS 180-2, "abc" and the empty message), with the bits set by hand.
/// </summary>
public sealed class ContentUuidTests
{
    [Theory]
    // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 …: byte 6 0xcf → 0x5f, byte 8 0x41 → 0x81.
    [InlineData("abc", "ba7816bf-8f01-5fea-8141-40de5dae2223")]
    // SHA-256("") = e3b0c442 98fc1c14 9afbf4c8 996fb924 …: byte 6 0x1c → 0x5c, byte 8 0x9a → 0x9a.
    [InlineData("", "e3b0c442-98fc-5c14-9afb-f4c8996fb924")]
    public void A_content_s_uuid_is_the_start_of_its_SHA_256_with_the_version_and_variant_bits(string content, string expected)
    {
        Assert.Equal(expected, ContentUuid.Of(Encoding.UTF8.GetBytes(content)));
    }

    [Fact]
    public void Every_uuid_says_version_5_and_the_RFC_4122_variant_and_differs_with_the_content()
    {
        var ids = Enumerable.Range(0, 2000).Select(i => ContentUuid.Of(Encoding.UTF8.GetBytes($"card {i}"))).ToList();
        Assert.All(ids, id =>
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
            Assert.Equal(5, Guid.Parse(id).Version);
        });
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_hash_that_is_not_32_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ContentUuid.OfSha256(new byte[16]));
    }
}
