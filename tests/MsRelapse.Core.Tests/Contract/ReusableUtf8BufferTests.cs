using System.Text;
using System.Text.Json;
using MsRelapse.Core.Contract;

namespace MsRelapse.Core.Tests.Contract;

/// <summary>
/// The per-thread buffer behind the contract writer and the FHIR proposals: each call sees only its own bytes, a call
/// made while another's bytes are in use writes elsewhere, and a huge document is written whole.
/// </summary>
public sealed class ReusableUtf8BufferTests
{
    private static readonly JsonWriterOptions Plain = new();

    private static string Text(string value) =>
        ReusableUtf8Buffer.Write(Plain, value, static (w, v) => w.WriteStringValue(v), static utf8 => Encoding.UTF8.GetString(utf8));

    [Fact]
    public void A_call_sees_only_what_it_wrote_even_after_a_longer_document()
    {
        Assert.Equal($"\"{new string('x', 5000)}\"", Text(new string('x', 5000)));
        Assert.Equal("\"short\"", Text("short"));
    }

    [Fact]
    public void A_call_made_while_another_s_bytes_are_in_use_does_not_overwrite_them()
    {
        var (outer, inner) = ReusableUtf8Buffer.Write(Plain, "outer", static (w, v) => w.WriteStringValue(v), static utf8 =>
        {
            var inner = Text("inner, longer than the outer value");
            return (Encoding.UTF8.GetString(utf8), inner);
        });

        Assert.Equal("\"outer\"", outer);
        Assert.Equal("\"inner, longer than the outer value\"", inner);
    }

    [Fact]
    public void A_document_larger_than_the_kept_buffer_is_written_whole_and_the_next_call_is_unaffected()
    {
        var huge = new string('y', 3 << 20);
        Assert.Equal(huge.Length + 2, ReusableUtf8Buffer.Write(Plain, huge, static (w, v) => w.WriteStringValue(v), static utf8 => utf8.Length));
        Assert.Equal("\"after\"", Text("after"));
    }
}
