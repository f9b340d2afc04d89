using System.Buffers.Binary;

namespace MsRelapse.BulkData;

/// <summary>
/// A read-only pass-through that remembers the last 8 bytes read and how many there were: the gzip trailer
/// (RFC 1952: CRC-32, then ISIZE, the uncompressed length mod 2^32). .NET's GZipStream ends a stream that stops early
/// as if it were whole; the trailer is how a cut is told from an end: a cut stream's last bytes are compressed data,
/// which match the length decoded only by a 1-in-2^32 chance.
/// </summary>
internal sealed class TailStream(Stream inner) : Stream
{
    private readonly byte[] _tail = new byte[8];
    private long _total;

    /// <summary>
    /// True when the bytes read end with a gzip trailer whose ISIZE is <paramref name="decompressedBytes"/> mod 2^32
    /// (a single-member stream, as HTTP servers send; concatenated members are not told apart and count as cut).
    /// </summary>
    public bool EndsGzipMemberOf(long decompressedBytes)
    {
        // 10-byte header, at least 2 bytes of deflate data, 8-byte trailer.
        if (_total < 20)
        {
            return false;
        }

        var isize = BinaryPrimitives.ReadUInt32LittleEndian(_tail.AsSpan(4));
        return isize == unchecked((uint)decompressedBytes);
    }

    private void Remember(ReadOnlySpan<byte> read)
    {
        if (read.Length >= 8)
        {
            read[^8..].CopyTo(_tail);
        }
        else if (read.Length > 0)
        {
            // Shift the old tail left and append what was read.
            _tail.AsSpan(read.Length).CopyTo(_tail);
            read.CopyTo(_tail.AsSpan(8 - read.Length));
        }

        _total += read.Length;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Remember(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Remember(buffer.Span[..read]);
        return read;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
