using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;

namespace AuroraStream.Formats.IO;

/// <summary>Why a gzip file was refused: what is wrong, where in the compressed file, and how much had been inflated.</summary>
/// <param name="What">What is wrong (no file name).</param>
/// <param name="CompressedOffset">Byte offset in the compressed file where it shows.</param>
/// <param name="Inflated">Bytes inflated and delivered before it.</param>
/// <param name="Verified">Inflated bytes of the members whose trailer (CRC-32 and size) matched: data known to be intact.</param>
/// <param name="Truncated">Whether the file only stops early (a cut transfer): what was inflated decoded cleanly, unverified
/// but not known to be damaged. Otherwise the data fails a check and may be damaged anywhere after <paramref name="Verified"/>.</param>
internal sealed record GzipFault(string What, long CompressedOffset, long Inflated, long Verified, bool Truncated);

/// <summary>
/// Inflates a gzip file (RFC 1952: one or more members, each a header, deflate data and an 8-byte
/// trailer holding the CRC-32 and the size mod 2^32 of its data) and checks every member's trailer.
/// <see cref="GZipStream"/> ends quietly when the data stops early, so a file cut inside its deflate
/// data or missing only its trailer passed as complete; here either throws an
/// <see cref="InvalidDataException"/> naming the file and the compressed byte offset, once all the
/// data before the cut has been delivered (so readers keep their complete frames).
/// </summary>
/// <remarks>
/// The header is parsed here and the deflate data inflated by <see cref="DeflateStream"/>. Where a
/// member's deflate data ends is not exposed, but it lies inside the last chunk the inflater read
/// (it asks for more only when it has used all it has), and the trailer follows it: the trailer is
/// found there by its value, the CRC-32 and size computed over the inflated data. Bytes after the
/// last member must be zeros (padding, as gzip(1) allows); anything else is refused.
/// </remarks>
internal sealed class GzipReadStream : ForwardReadStream
{
    /// <summary>Longest file name or comment accepted in a member header.</summary>
    private const int MaxHeaderText = 64 * 1024;

    private readonly Tap _tap;
    private readonly string _source;
    private readonly Crc32 _crc = new();
    private DeflateStream? _deflate;
    private long _memberStart;
    private long _memberLength;
    private long _inflated;
    private long _verified;
    private int _members;
    private bool _done;

    /// <summary>Reads the gzip file in <paramref name="compressed"/> (positioned at its first byte), disposing it with this stream.</summary>
    public GzipReadStream(Stream compressed, string source)
    {
        _tap = new Tap(compressed);
        _source = source;
    }

    /// <summary>Inflated bytes of the members whose trailer (CRC-32 and size) matched so far.</summary>
    public long Verified => _verified;

    /// <summary>The fault that was thrown, if any.</summary>
    public GzipFault? Fault { get; private set; }

    /// <summary>Inflated bytes delivered.</summary>
    public override long Position
    {
        get => _inflated;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (Fault is not null)
        {
            throw Error(Fault);
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_done)
        {
            if (_deflate is null && !StartMember())
            {
                _done = true;
                break;
            }

            int n;
            try
            {
                n = _deflate!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw Fail($"corrupt gzip: the deflate data of the member at byte {_memberStart} is invalid ({e.Message})", _tap.Position);
            }

            if (n > 0)
            {
                _crc.Append(buffer[..n]);
                _memberLength += n;
                _inflated += n;
                return n;
            }

            EndMember();
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _tap.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Parses a member header; false at the end of the file after at least one member.</summary>
    private bool StartMember()
    {
        var start = _tap.Position;
        var first = _tap.ReadByte();
        if (first < 0)
        {
            if (_members == 0)
            {
                throw Cut("truncated gzip: the file is empty", start);
            }

            return false;
        }

        if (_members > 0 && first != 0x1F)
        {
            // After the last member only zero padding is allowed.
            var offset = start;
            for (var b = first; b >= 0; b = _tap.ReadByte(), offset++)
            {
                if (b != 0)
                {
                    throw Fail($"corrupt gzip: byte 0x{b:X2} after the end of the gzip data (which ends at byte {start})", offset);
                }
            }

            return false;
        }

        var header = new List<byte>(16) { (byte)first };
        int Next(string where)
        {
            var b = _tap.ReadByte();
            if (b < 0)
            {
                throw Cut($"truncated gzip: the file ends inside the {where} of the member at byte {start}", _tap.Position);
            }

            header.Add((byte)b);
            return b;
        }

        if (first != 0x1F || Next("magic") != 0x8B)
        {
            throw Fail($"corrupt gzip: no gzip magic 1F 8B at the member at byte {start}", start);
        }

        var method = Next("header");
        if (method != 8)
        {
            throw Fail($"corrupt gzip: compression method {method} (only 8, deflate, exists)", start + 2);
        }

        var flags = Next("header");
        if ((flags & 0xE0) != 0)
        {
            throw Fail($"corrupt gzip: reserved header flag bits 0x{flags & 0xE0:X2} are set", start + 3);
        }

        for (var i = 0; i < 6; i++)
        {
            Next("header"); // MTIME, XFL, OS
        }

        if ((flags & 0x04) != 0)
        {
            var length = Next("extra field") | (Next("extra field") << 8);
            for (var i = 0; i < length; i++)
            {
                Next("extra field");
            }
        }

        foreach (var (flag, what) in new[] { (0x08, "file name"), (0x10, "comment") })
        {
            if ((flags & flag) != 0)
            {
                var length = 0;
                while (Next(what) != 0)
                {
                    if (++length > MaxHeaderText)
                    {
                        throw Fail($"corrupt gzip: the header {what} is longer than {MaxHeaderText} bytes", _tap.Position);
                    }
                }
            }
        }

        if ((flags & 0x02) != 0)
        {
            var expected = (ushort)Crc32.HashToUInt32(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(header));
            var stored = Next("header CRC") | (Next("header CRC") << 8);
            if (stored != expected)
            {
                throw Fail($"corrupt gzip: header CRC 0x{stored:X4} does not match the header (0x{expected:X4})", _tap.Position - 2);
            }
        }

        _memberStart = start;
        _memberLength = 0;
        _crc.Reset();
        _tap.EndOfInputSeen = false;
        _deflate = new DeflateStream(_tap, CompressionMode.Decompress, leaveOpen: true);
        _members++;
        return true;
    }

    /// <summary>The inflater has stopped: finds and checks the trailer, and leaves the bytes after it for the next member.</summary>
    private void EndMember()
    {
        var inflatedHere = string.Create(CultureInfo.InvariantCulture, $"{_memberLength} bytes inflated");
        if (_tap.EndOfInputSeen)
        {
            // The inflater asked for more and there was none: it stopped inside the deflate data.
            throw Cut($"truncated gzip: the file ends at byte {_tap.Position} inside the deflate data of the member at byte {_memberStart} ({inflatedHere})", _tap.Position);
        }

        Span<byte> trailer = stackalloc byte[8];
        var crc = _crc.GetCurrentHashAsUInt32();
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)_memberLength));

        // The deflate data ends inside the last chunk the inflater read; the trailer follows it.
        var chunk = _tap.LastChunk;
        var regionStart = _tap.Position - chunk.Length;
        var region = new byte[chunk.Length + 8];
        chunk.CopyTo(region);
        var extra = _tap.ReadUpTo(region.AsSpan(chunk.Length));
        var found = region.AsSpan(0, chunk.Length + extra).IndexOf(trailer);
        _deflate!.Dispose();
        _deflate = null;
        if (found < 0)
        {
            if (extra == 8)
            {
                throw Fail($"corrupt gzip: the trailer of the member at byte {_memberStart} does not match its data (CRC-32 0x{crc:X8}, {inflatedHere})", regionStart);
            }

            // The file ends here, so a trailer would be its last 8 bytes: is one half of it right?
            var tail = region.AsSpan(0, chunk.Length + extra);
            var end = regionStart + tail.Length;
            if (tail.Length >= 8)
            {
                var (storedCrc, storedSize) = (BinaryPrimitives.ReadUInt32LittleEndian(tail[^8..]), BinaryPrimitives.ReadUInt32LittleEndian(tail[^4..]));
                if (storedSize == unchecked((uint)_memberLength))
                {
                    throw Fail($"corrupt gzip: CRC-32 0x{storedCrc:X8} in the trailer of the member at byte {_memberStart}, but its data gives 0x{crc:X8} ({inflatedHere})", end - 8);
                }

                if (storedCrc == crc)
                {
                    throw Fail($"corrupt gzip: size {storedSize} in the trailer of the member at byte {_memberStart}, but its data has {_memberLength} bytes", end - 4);
                }
            }

            throw Cut($"truncated gzip: the member at byte {_memberStart} ends at byte {end} without its 8-byte trailer (CRC-32 and size), so its data cannot be verified ({inflatedHere})", end);
        }

        _verified = _inflated;

        // Whatever follows the trailer is the next member (or padding).
        _tap.Unread(region.AsSpan(found + 8, chunk.Length + extra - found - 8));
    }

    /// <summary>The file stops early: what was inflated decoded cleanly (<see cref="GzipFault.Truncated"/>).</summary>
    private InvalidDataException Cut(string what, long offset) => Fail(what, offset, truncated: true);

    private InvalidDataException Fail(string what, long offset, bool truncated = false)
    {
        Fault = new GzipFault(what, offset, _inflated, _verified, truncated);
        return Error(Fault);
    }

    private InvalidDataException Error(GzipFault fault) => FormatError.At(_source, string.Empty, fault.What);

    /// <summary>
    /// The compressed side: counts bytes, keeps a copy of the last chunk handed out (where a member's
    /// deflate data ends), notes when the input ran out, and replays bytes given back.
    /// </summary>
    private sealed class Tap(Stream inner) : ForwardReadStream
    {
        private byte[] _last = new byte[8192];
        private int _lastLength;
        private byte[] _pending = [];
        private int _pendingStart;
        private long _position;

        /// <summary>Compressed bytes handed out (less those given back).</summary>
        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        /// <summary>Whether a read found the input at its end since this was last cleared.</summary>
        public bool EndOfInputSeen { get; set; }

        /// <summary>The bytes of the last read.</summary>
        public ReadOnlySpan<byte> LastChunk => _last.AsSpan(0, _lastLength);

        public override int Read(Span<byte> buffer)
        {
            int n;
            if (_pendingStart < _pending.Length)
            {
                n = Math.Min(buffer.Length, _pending.Length - _pendingStart);
                _pending.AsSpan(_pendingStart, n).CopyTo(buffer);
                _pendingStart += n;
            }
            else
            {
                n = inner.Read(buffer);
                if (n == 0 && !buffer.IsEmpty)
                {
                    EndOfInputSeen = true;
                }
            }

            if (n > 0)
            {
                if (_last.Length < n)
                {
                    _last = new byte[n];
                }

                buffer[..n].CopyTo(_last);
                _lastLength = n;
                _position += n;
            }

            return n;
        }

        /// <summary>Gives bytes back, to be read again before the rest of the input.</summary>
        public void Unread(ReadOnlySpan<byte> bytes)
        {
            _pending = [.. bytes, .. _pending.AsSpan(_pendingStart)];
            _pendingStart = 0;
            _position -= bytes.Length;
            _lastLength = 0;
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
}
