namespace AuroraStream.Formats.IO;

/// <summary>
/// A read-only pass-through that refuses to deliver more than a set number of bytes, so a gzip
/// stream that inflates without end (a "zip bomb") fails cleanly instead of exhausting memory or time.
/// </summary>
internal sealed class CappedReadStream(Stream inner, long cap, string source) : ForwardReadStream
{
    private long _delivered;

    public override long Position
    {
        get => _delivered;
        set => throw new NotSupportedException();
    }

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
