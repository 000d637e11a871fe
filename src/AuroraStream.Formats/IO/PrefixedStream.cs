namespace AuroraStream.Formats.IO;

/// <summary>
/// Replays bytes already read (to sniff a magic number) before the rest of a forward-only stream.
/// Does not own the inner stream.
/// </summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : ForwardReadStream
{
    private int _prefixUsed;
    private long _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_prefixUsed < prefix.Length)
        {
            n = Math.Min(buffer.Length, prefix.Length - _prefixUsed);
            prefix.AsSpan(_prefixUsed, n).CopyTo(buffer);
            _prefixUsed += n;
        }
        else
        {
            n = inner.Read(buffer);
        }

        _position += n;
        return n;
    }
}
