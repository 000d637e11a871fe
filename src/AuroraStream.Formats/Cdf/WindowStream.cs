using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Cdf;

/// <summary>A forward-only view of a byte range of a <see cref="CdfFile"/>.</summary>
internal sealed class WindowStream(CdfFile file, long start, long length) : ForwardReadStream
{
    private long _position;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

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
}
