namespace AuroraStream.Formats.IO;

/// <summary>
/// A read-only pass-through that refuses to deliver more than a set number of bytes, so a gzip
/// stream that inflates without end (a "zip bomb") fails cleanly instead of exhausting memory or time.
/// </summary>
internal sealed class CappedReadStream(Stream inner, long cap, string source) : Stream
{
    private long _delivered;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _delivered;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        return Account(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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

    private int Account(int n)
    {
        _delivered += n;
        if (_delivered > cap)
        {
            throw FormatError.At(source, string.Empty, $"decompressed data exceeds the cap of {cap} bytes; refusing to inflate further", cap);
        }

        return n;
    }
}
