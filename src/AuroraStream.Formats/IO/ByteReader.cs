namespace AuroraStream.Formats.IO;

/// <summary>
/// A forward-only buffered reader for text-then-binary formats: byte-at-a-time for headers, bulk
/// copies for rasters, with the absolute position for error messages.
/// </summary>
internal sealed class ByteReader(Stream stream, string source)
{
    // Small: headers are under 2 KiB, and raster bytes past the buffer are read straight through.
    private readonly byte[] _buffer = new byte[1 << 13];
    private byte[] _scratch = [];
    private int _start;
    private int _end;
    private long _consumedBeforeBuffer;

    public string Source => source;

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _consumedBeforeBuffer + _start;

    /// <summary>A reusable buffer of exactly <paramref name="length"/> bytes (contents undefined).</summary>
    public Span<byte> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[length];
        }

        return _scratch.AsSpan(0, length);
    }

    public int ReadByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start++];
    }

    public int PeekByte()
    {
        if (_start == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_start];
    }

    /// <summary>Fills <paramref name="destination"/> from the buffer, then straight from the stream.</summary>
    public int ReadUpTo(Span<byte> destination)
    {
        var fromBuffer = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, fromBuffer).CopyTo(destination);
        _start += fromBuffer;
        if (fromBuffer == destination.Length)
        {
            return fromBuffer;
        }

        int direct;
        try
        {
            direct = stream.ReadUpTo(destination[fromBuffer..]);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw Wrap(e);
        }

        _consumedBeforeBuffer += direct;
        return fromBuffer + direct;
    }

    private bool Fill()
    {
        _consumedBeforeBuffer += _end;
        _start = _end = 0;
        try
        {
            _end = stream.Read(_buffer);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
        {
            throw Wrap(e);
        }

        return _end > 0;
    }

    /// <summary>Inflate errors name no file: give them the file and the position.</summary>
    private InvalidDataException Wrap(InvalidDataException e) =>
        FormatError.At(source, "gzip", $"compressed data is corrupt: {e.Message}", Position, e);
}
