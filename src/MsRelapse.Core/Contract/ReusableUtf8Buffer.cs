using System.Buffers;
using System.Text.Json;

namespace MsRelapse.Core.Contract;

/// <summary>
/// Infrastructure (a micro-optimisation, kept here on purpose): JSON written only to be copied out, hashed or parsed
/// at once, into a buffer reused by the calls of one thread instead of a new array grown from a few bytes per call.
/// Every CDS Hooks call writes its recommendation (the contract document, hashed into the card uuids) and each proposal
/// twice (once for its content-derived id, once for the card) this way; fresh arrays for them were a fifth of what a
/// call allocated in byte arrays, and most of what serialising a recommendation allocated (benchmarks/README.md).
/// </summary>
public static class ReusableUtf8Buffer
{
    /// <summary>A larger buffer (a rare huge document) is not kept alive on the thread.</summary>
    private const int KeptBytes = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? kept;

    /// <summary>
    /// Writes with <paramref name="write"/> and hands the bytes to <paramref name="use"/>, which must not keep the span
    /// (it is reused by the next call on this thread; a call made from inside <paramref name="use"/> gets its own).
    /// </summary>
    public static TResult Write<TState, TResult>(JsonWriterOptions options, TState state, Action<Utf8JsonWriter, TState> write, Func<ReadOnlySpan<byte>, TResult> use)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(use);
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
