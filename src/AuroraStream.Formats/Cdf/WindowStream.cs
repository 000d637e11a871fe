using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Cdf;

/// <summary>A forward-only view of a byte range of a <see cref="CdfFile"/>.</summary>
internal sealed class WindowStream(CdfFile file, long start, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var want = (int)Math.Min(buffer.Length, length - _position);
        if (want <= 0)
        {
            return 0;
        }

        var n = file.ReadAt(start + _position, buffer[..want]);
        if (n == 0)
        {
            throw FormatError.At(file.Source, string.Empty, "file ends inside a data block", start + _position);
        }

        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
