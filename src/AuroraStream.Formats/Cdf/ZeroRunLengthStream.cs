using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Cdf;

/// <summary>
/// Decodes CDF run-length encoding: only zero bytes are encoded, as a 0 followed by a count c
/// meaning c + 1 zeros; every other byte stands for itself.
/// </summary>
internal sealed class ZeroRunLengthStream(Stream inner) : ForwardReadStream
{
    private int _pendingZeros;

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_pendingZeros > 0)
            {
                var n = Math.Min(_pendingZeros, buffer.Length - written);
                buffer.Slice(written, n).Clear();
                written += n;
                _pendingZeros -= n;
                continue;
            }

            var b = inner.ReadByte();
            if (b < 0)
            {
                break;
            }

            if (b != 0)
            {
                buffer[written++] = (byte)b;
                continue;
            }

            var count = inner.ReadByte();
            if (count < 0)
            {
                throw new InvalidDataException("RLE data ends after a zero byte without its run count.");
            }

            _pendingZeros = count + 1;
        }

        return written;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
