using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MsRelapse.Fhir;

/// <summary>
/// Infrastructure (a micro-optimisation, kept here on purpose): JSON written only to be hashed or parsed at once, into
/// a buffer reused by the calls of one thread instead of a new array grown from a few bytes per call. Every CDS Hooks
/// call writes each proposal twice this way (once for its content-derived id, once for the card); growing and copying
/// fresh arrays for them was a fifth of what a call allocated in byte arrays (benchmarks/README.md, "CDS Hooks load").
/// </summary>
internal static class ReusableUtf8Buffer
{
    /// <summary>How Firely's <c>SerializeToString</c> escapes (only what JSON requires): the text content ids hash.</summary>
    public static readonly JsonWriterOptions AsText = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How Firely's <c>SerializeToBytes</c> escapes (the default encoder).</summary>
    public static readonly JsonWriterOptions AsBytes = new();

    /// <summary>A larger buffer (a rare huge resource) is not kept alive on the thread.</summary>
    private const int KeptBytes = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? kept;

    /// <summary>
    /// Writes with <paramref name="write"/> and hands the bytes to <paramref name="use"/>, which must not keep the span
    /// (it is reused by the next call on this thread; a call made from inside <paramref name="use"/> gets its own).
    /// </summary>
    public static TResult Write<TState, TResult>(JsonWriterOptions options, TState state, Action<Utf8JsonWriter, TState> write, Func<ReadOnlySpan<byte>, TResult> use)
    {
        var buffer = kept ?? new ArrayBufferWriter<byte>(16 * 1024);
        kept = null; // taken: a nested call makes its own
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                write(writer, state);
            }

            return use(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity <= KeptBytes)
            {
                buffer.ResetWrittenCount();
                kept = buffer;
            }
        }
    }
}
