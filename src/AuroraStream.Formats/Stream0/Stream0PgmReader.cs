using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.Stream0;

/// <summary>
/// Reads UCalgary "stream0" files: concatenated binary PGM (P5) images, plain or gzip-compressed,
/// one file per minute and imager (<c>YYYYMMDD_HHMM_site_imager_mode.pgm[.gz]</c>).
/// </summary>
/// <remarks>
/// <para>Implements Netpbm PGM (P5, maxval 1..65535; 16-bit samples big-endian) with the UCalgary
/// metadata convention as written by THEMIS GBO imagers since 2005 (header "Revised 2006-05-22"):
/// comment lines <c>#"Key" value</c>. File-level keys (site, imager, project, position, optical
/// centre) appear only in the first frame's header and apply to every frame; per-frame keys
/// (<c>Image request start</c>, <c>Exposure options</c>) come in each header.</para>
/// <para>Frames are not delimited: a header is parsed, then exactly width x height samples are read.
/// The bytes "P5" occur inside pixel data of real files, so the reader never scans for them.</para>
/// <para>Complete frames before a corruption are yielded; the corruption then surfaces as an
/// <see cref="InvalidDataException"/> naming the file, the frame and the byte offset (offsets of
/// gzip files are positions in the inflated stream; a gzip fault names its compressed byte too).
/// Gzip files are checked to their end (RFC 1952): a file cut inside its deflate data or missing its
/// trailer is refused after its complete frames (a cut transfer: what came decoded cleanly). A file
/// whose data fails a check (the trailer's CRC-32 or size, invalid deflate data) may be damaged
/// anywhere in the member, so when the stream can seek it is inflated once into a pooled buffer and
/// checked to its end before any frame is parsed (the whole inflated file is then held, at most
/// <see cref="Stream0ReaderOptions.MaxDecompressedBytes"/>), and only frames inside members that passed their check are: for the usual one-member
/// file, none. A file that stops early is unverifiable: its complete frames are held until the parse
/// reaches the cut, and used only if their structure held to there (a damaged byte can make the
/// inflater run off the end, which looks like a cut).</para>
/// </remarks>
public static class Stream0PgmReader
{
    /// <summary>Header key of the exposure start time.</summary>
    public const string ImageRequestStartKey = "Image request start";

    /// <summary>Reads every frame of a file.</summary>
    public static IEnumerable<AllSkyFrame> ReadFile(string path, Stream0ReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (options ?? Stream0ReaderOptions.Default).Validate();
        return ReadFileIterator(path, options ?? Stream0ReaderOptions.Default);
    }

    /// <summary>
    /// Reads every frame of a stream (gzip is detected by its magic). The stream is left open.
    /// </summary>
    /// <param name="stream">The file content.</param>
    /// <param name="sourceName">Name for frame origins and error messages (usually the path).</param>
    /// <param name="options">Limits; <see cref="Stream0ReaderOptions.Default"/> when null.</param>
    public static IEnumerable<AllSkyFrame> Read(Stream stream, string sourceName, Stream0ReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        options ??= Stream0ReaderOptions.Default;
        options.Validate();
        return ReadIterator(stream, sourceName, options);
    }

    private static IEnumerable<AllSkyFrame> ReadFileIterator(string path, Stream0ReaderOptions options)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var frame in ReadIterator(file, path, options))
        {
            yield return frame;
        }
    }

    private static IEnumerable<AllSkyFrame> ReadIterator(Stream stream, string source, Stream0ReaderOptions options)
    {
        if (!stream.CanSeek)
        {
            return Parse(stream, source, options, null, null, null);
        }

        var origin = stream.Position;
        Span<byte> head = stackalloc byte[2];
        var isGzip = StreamExtensions.IsGzip(head[..stream.ReadUpTo(head)]);
        stream.Position = origin;
        return isGzip ? ReadGzip(stream, source, options) : Parse(stream, source, options, null, null, null);
    }

    /// <summary>
    /// A gzip file that can seek: inflated once into memory (up to <see cref="Stream0ReaderOptions.MaxDecompressedBytes"/>)
    /// and checked to its end before any frame is parsed, so that no frame of a member failing its check is yielded.
    /// </summary>
    private static IEnumerable<AllSkyFrame> ReadGzip(Stream stream, string source, Stream0ReaderOptions options)
    {
        // The buffer is sized from the last member's ISIZE (RFC 1952: the inflated size mod 2^32) and
        // rented from the shared pool: a fresh 10-MB array per file, growing by doubling, halved the
        // decode rate (large-object allocations and the collections they bring).
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(SizeHint(stream), 1 << 16, Math.Min(options.MaxDecompressedBytes + 1, Array.MaxLength)));
        try
        {
            GzipFault? fault;
            InvalidDataException? overCap = null;
            long verified;
            var length = 0;
            using (var gzip = new GzipReadStream(new PrefixedStream([], stream), source))
            {
                var capped = new CappedReadStream(gzip, options.MaxDecompressedBytes, source);
                try
                {
                    int n;
                    while ((n = capped.Read(buffer.AsSpan(length))) > 0)
                    {
                        length += n;
                        if (length == buffer.Length)
                        {
                            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
                            buffer.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }
                }
                catch (InvalidDataException e)
                {
                    overCap = gzip.Fault is null ? e : null;
                }

                (fault, verified) = (gzip.Fault, gzip.Verified);
            }

            var inflated = new MemoryStream(buffer, 0, length, writable: false);
            if (overCap is not null)
            {
                // Over the cap: the frames of the members checked before it, then the cap's error.
                var kept = new List<AllSkyFrame>();
                try
                {
                    kept.AddRange(Parse(inflated, source, options, new GzipFault(overCap.Message, 0, length, verified, false), null, null));
                }
                catch (InvalidDataException)
                {
                }

                foreach (var frame in kept)
                {
                    yield return frame;
                }

                throw overCap;
            }

            var frames = fault switch
            {
                null => Parse(inflated, source, options, null, null, null),
                { Truncated: true } => HeldUntilTheCut(inflated, source, options, fault),
                _ => Parse(inflated, source, options, fault, null, fault),
            };
            foreach (var frame in frames)
            {
                yield return frame;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The last 4 bytes of a seekable gzip file, its last member's inflated size mod 2^32 (a size hint only); the stream is left where it was.</summary>
    private static long SizeHint(Stream stream)
    {
        var origin = stream.Position;
        try
        {
            if (stream.Length - origin < 18)
            {
                return 0;
            }

            Span<byte> isize = stackalloc byte[4];
            stream.Position = stream.Length - 4;
            return stream.ReadUpTo(isize) == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(isize) + 1 : 0;
        }
        finally
        {
            stream.Position = origin;
        }
    }

    /// <summary>
    /// A gzip file that stops early, unverified: its frames are held until the parse reaches the cut. If
    /// the frames' structure breaks before it, the data is damaged, not cut, and no frame is used (the
    /// damage may lie in a frame already parsed); otherwise its complete frames are yielded, then the cut.
    /// </summary>
    private static IEnumerable<AllSkyFrame> HeldUntilTheCut(Stream inflated, string source, Stream0ReaderOptions options, GzipFault cutFault)
    {
        var frames = new List<AllSkyFrame>();
        var cut = new CutSeen();
        InvalidDataException? error = null;
        try
        {
            frames.AddRange(Parse(inflated, source, options, null, cut, cutFault));
        }
        catch (InvalidDataException e)
        {
            error = e;
        }

        if (error is not null && !cut.Reached)
        {
            throw FormatError.At(source, string.Empty, $"the gzip data stops early, unverified (no CRC-32 trailer reached), and the frames' structure breaks before that ({error.Message}): the data is damaged, not cut, so no frame of the file is used", 0, error);
        }

        foreach (var frame in frames)
        {
            yield return frame;
        }

        if (error is not null)
        {
            throw error;
        }
    }

    /// <summary>Set when a parse reached the point where a gzip file's data stops.</summary>
    private sealed class CutSeen
    {
        public bool Reached { get; set; }
    }

    /// <summary>
    /// Parses frames. <paramref name="damage"/>: only frames inside its verified bytes are yielded.
    /// <paramref name="knownFault"/>: <paramref name="stream"/> holds the inflated data of a gzip file that
    /// ended with this fault, reported where the data ends as a streamed gzip reports it.
    /// </summary>
    private static IEnumerable<AllSkyFrame> Parse(Stream stream, string source, Stream0ReaderOptions options, GzipFault? damage, CutSeen? cutSeen, GzipFault? knownFault)
    {
        Span<byte> head = stackalloc byte[2];
        var headLength = stream.ReadUpTo(head);
        Stream content;
        GzipReadStream? gzip = null;
        if (StreamExtensions.IsGzip(head[..headLength]))
        {
            var prefix = new PrefixedStream(head[..headLength].ToArray(), stream);
            gzip = new GzipReadStream(prefix, source);
            content = new CappedReadStream(gzip, options.MaxDecompressedBytes, source);
        }
        else
        {
            content = new PrefixedStream(head[..headLength].ToArray(), stream);
        }

        using (content)
        {
            var reader = new ByteReader(content, source);
            Dictionary<string, string>? fileKeys = null;
            FrameHeader first = default;
            string? site = null, imager = null;
            for (var index = 0; ; index++)
            {
                if (damage is not null && reader.Position >= damage.Verified && reader.Position < damage.Inflated)
                {
                    throw Damaged(source, damage, index);
                }

                var headerStart = reader.Position;
                FrameHeader? header;
                try
                {
                    header = ReadHeader(reader, source, index, options);
                }
                catch (InvalidDataException e) when (CutOf(gzip, knownFault, reader) is { } cut)
                {
                    cutSeen?.Reached = true;
                    throw reader.Position == headerStart && index > 0
                        ? FormatError.At(source, $"after frame {index - 1}", $"{cut.What}; frames 0-{index - 1} are complete", cut.Inflated, e)
                        : FormatError.At(source, $"frame {index}", $"{cut.What}; the data stops inside the frame's header", cut.Inflated, e);
                }

                if (header is null)
                {
                    if (knownFault is { } end)
                    {
                        // The inflated data ends where the gzip file's fault is: reported as a streamed read reports it.
                        cutSeen?.Reached = true;
                        throw index > 0
                            ? FormatError.At(source, $"after frame {index - 1}", $"{end.What}; frames 0-{index - 1} are complete", end.Inflated)
                            : FormatError.At(source, "frame 0", $"{end.What}; the data stops inside the frame's header", end.Inflated);
                    }

                    if (index == 0)
                    {
                        throw FormatError.At(source, string.Empty, "empty file: no PGM frame", 0);
                    }

                    yield break;
                }

                var h = header.Value;
                if (fileKeys is null)
                {
                    first = h;
                    fileKeys = h.Keys;
                    h.Keys.TryGetValue("Project unique ID", out var project);
                    site = FirstNonEmpty(h.Keys, "Site unique ID") ?? SiteFromFileName(source)
                        ?? throw FormatError.At(source, "frame 0", "no \"Site unique ID\" in the header and none in the file name", h.Offset);
                    imager = FirstNonEmpty(h.Keys, "Imager unique ID") ?? ImagerFromFileName(source)
                        ?? throw FormatError.At(source, "frame 0", "no \"Imager unique ID\" in the header and none in the file name", h.Offset);
                    if (options.RequireThemisAsi && ImagerProducts.DescribeIfNotThemisAsi(project, imager, h.Width, h.Height) is { } what)
                    {
                        throw FormatError.At(source, "frame 0", $"this is {what}", h.Offset).Tag(FormatErrorKind.NotThemisAsi);
                    }
                }

                else if (h.Width != first.Width || h.Height != first.Height || h.BytesPerSample != first.BytesPerSample)
                {
                    // All frames of a file come from one camera mode; a change means corruption, and
                    // checking it bounds every allocation by the first (product-checked) frame.
                    throw FormatError.At(source, $"frame {index}", $"{h.Width}x{h.Height} ({8 * h.BytesPerSample}-bit) differs from frame 0's {first.Width}x{first.Height} ({8 * first.BytesPerSample}-bit)", h.Offset);
                }

                var time = ParseRequestStart(h.Keys, source, index, h.Offset);
                var exposure = ParseExposureMs(h.Keys);
                var pixelStart = reader.Position;
                ushort[] pixels;
                try
                {
                    pixels = ReadPixels(reader, h, source, index);
                }
                catch (InvalidDataException e) when (CutOf(gzip, knownFault, reader) is { } cut)
                {
                    cutSeen?.Reached = true;
                    var expected = (long)h.Width * h.Height * h.BytesPerSample;
                    throw FormatError.At(source, $"frame {index}", $"{cut.What}; the frame has {cut.Inflated - pixelStart} of its {expected} pixel bytes", cut.Inflated, e);
                }

                if (damage is not null && reader.Position > damage.Verified)
                {
                    throw Damaged(source, damage, index);
                }

                var (latitude, longitude, problem) = ParseLocation(h.Keys, fileKeys);
                yield return new AllSkyFrame(site!, imager!, time, h.Width, h.Height, pixels, exposure, new FrameOrigin(source, index))
                {
                    GeodeticLatitude = latitude,
                    GeodeticLongitude = longitude,
                    LocationProblem = problem,
                };
            }
        }
    }

    /// <summary>
    /// The gzip fault behind a read error: the streamed gzip's own, or the <paramref name="knownFault"/> of
    /// inflated data when the read reached the end of that data (an error before it is the frames' own).
    /// </summary>
    private static GzipFault? CutOf(GzipReadStream? gzip, GzipFault? knownFault, ByteReader reader) =>
        gzip?.Fault ?? (knownFault is { } k && reader.Position >= k.Inflated ? k : null);

    /// <summary>The error for a frame that lies (in part) in gzip data that failed its check.</summary>
    private static InvalidDataException Damaged(string source, GzipFault damage, int index) =>
        FormatError.At(
            source,
            $"frame {index}",
            index == 0
                ? $"{damage.What}; the damage can be anywhere in the data, so no frame of the file is used"
                : $"{damage.What}; the damage can be anywhere after the last verified gzip member, so only frames 0-{index - 1} (verified) are used",
            damage.Inflated);

    private static string? FirstNonEmpty(Dictionary<string, string> keys, string key) =>
        keys.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private static string[] FileNameParts(string source)
    {
        var name = Path.GetFileName(source);
        return name.Split('_');
    }

    private static string? SiteFromFileName(string source)
    {
        var parts = FileNameParts(source);
        return parts.Length >= 4 && parts[2].Length == 4 ? parts[2] : null;
    }

    private static string? ImagerFromFileName(string source)
    {
        var parts = FileNameParts(source);
        return parts.Length >= 4 ? parts[3] : null;
    }

    /// <summary>
    /// The frame's own capture time. It is a per-frame key: a frame whose header lacks it is refused,
    /// never given frame 0's time (it would then collide with frame 0, and a stream that writes each
    /// frame once by site and time would drop one of them without a word).
    /// </summary>
    private static DateTime ParseRequestStart(Dictionary<string, string> frameKeys, string source, int index, long offset)
    {
        if (!frameKeys.TryGetValue(ImageRequestStartKey, out var text))
        {
            throw FormatError.At(source, $"frame {index}", $"header has no \"{ImageRequestStartKey}\" time (each frame carries its own)", offset);
        }

        return TryParseUcalgaryTime(text, out var time)
            ? time
            : throw FormatError.At(source, $"frame {index}", $"\"{ImageRequestStartKey}\" is not a time: '{text}'", offset);
    }

    /// <summary>
    /// Parses <c>yyyy-MM-dd HH:mm:ss[.f...] [UTC]</c> (and the other ISO 8601 forms of
    /// <see cref="UtcTimeText"/>, a leap second included); fractions beyond 100 ns are truncated.
    /// </summary>
    internal static bool TryParseUcalgaryTime(string text, out DateTime time) => UtcTimeText.TryParse(text, out time);

    /// <summary>
    /// The commanded exposure (<c>MSEC=</c> of "Exposure options"); failing that the measured
    /// "Exposure plus initial readout"; null when neither is present.
    /// </summary>
    private static double? ParseExposureMs(Dictionary<string, string> keys)
    {
        if (keys.TryGetValue("Exposure options", out var options))
        {
            foreach (var part in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith("MSEC=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(part.AsSpan(5), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
                {
                    return ms;
                }
            }
        }

        if (keys.TryGetValue("Exposure plus initial readout", out var measured))
        {
            var number = measured.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            {
                return ms;
            }
        }

        return null;
    }

    /// <summary>
    /// The imager's "Geodetic latitude" and "Geodetic Longitude" (degrees north and east; the key's case
    /// varies between imagers), from the frame's header or else the file's; both or neither, and neither when
    /// one is missing, not a number or out of range (the site catalog is used then). Problem says, in a
    /// user's words, why coordinates the header has were not used; null when none are missing or both are.
    /// </summary>
    private static (double? Latitude, double? Longitude, string? Problem) ParseLocation(Dictionary<string, string> frameKeys, Dictionary<string, string> fileKeys)
    {
        static (bool Found, double? Value, string Text, string Key) Number(Dictionary<string, string> frame, Dictionary<string, string> file, string key)
        {
            foreach (var keys in (ReadOnlySpan<Dictionary<string, string>>)[frame, file])
            {
                foreach (var (k, v) in keys)
                {
                    if (k.Equals(key, StringComparison.OrdinalIgnoreCase))
                    {
                        var first = v.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                        return (true, double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null, v.Trim(), k);
                    }
                }
            }

            return (false, null, string.Empty, key);
        }

        var lat = Number(frameKeys, fileKeys, "Geodetic latitude");
        var lon = Number(frameKeys, fileKeys, "Geodetic longitude");
        if (lat.Value is { } a && lon.Value is { } o && Math.Abs(a) <= 90 && o is >= -180 and <= 360)
        {
            return (a, o, null);
        }

        if (!lat.Found && !lon.Found)
        {
            return (null, null, null);
        }

        // Every reason the pair cannot be used, latitude first.
        var problems = new List<string>(2);
        if (!lat.Found)
        {
            problems.Add($"the header has a \"{lon.Key}\" but no \"Geodetic latitude\"");
        }
        else if (lat.Value is not { } latitude)
        {
            problems.Add($"header \"{lat.Key}\" '{lat.Text}' is not a number");
        }
        else if (Math.Abs(latitude) > 90)
        {
            problems.Add($"header \"{lat.Key}\" '{lat.Text}' is not a latitude (-90 to 90 deg)");
        }

        if (!lon.Found)
        {
            problems.Add($"the header has a \"{lat.Key}\" but no \"Geodetic longitude\"");
        }
        else if (lon.Value is not { } longitude)
        {
            problems.Add($"header \"{lon.Key}\" '{lon.Text}' is not a number");
        }
        else if (longitude is < -180 or > 360)
        {
            problems.Add($"header \"{lon.Key}\" '{lon.Text}' is not a longitude (-180 to 360 deg)");
        }

        return (null, null, string.Join("; ", problems));
    }

    private static ushort[] ReadPixels(ByteReader reader, FrameHeader h, string source, int index)
    {
        var count = h.Width * h.Height;
        var start = reader.Position;
        if (h.BytesPerSample == 2)
        {
            // Inflate into the reader's cache-resident scratch, then write the frame's array once.
            var raw = reader.Scratch(count * 2);
            var got = reader.ReadUpTo(raw);
            if (got < raw.Length)
            {
                throw FormatError.At(source, $"frame {index}", $"truncated pixel data: expected {raw.Length} bytes, got {got}", start + got);
            }

            var pixels16 = GC.AllocateUninitializedArray<ushort>(count);
            var samples = MemoryMarshal.Cast<byte, ushort>(raw);
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(samples, pixels16);
            }
            else
            {
                samples.CopyTo(pixels16);
            }

            return CheckMaxValue(pixels16, h, source, index, start);
        }

        var bytes = reader.Scratch(count);
        var read = reader.ReadUpTo(bytes);
        if (read < bytes.Length)
        {
            throw FormatError.At(source, $"frame {index}", $"truncated pixel data: expected {bytes.Length} bytes, got {read}", start + read);
        }

        var pixels = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            pixels[i] = bytes[i];
        }

        return CheckMaxValue(pixels, h, source, index, start);
    }

    private static ushort[] CheckMaxValue(ushort[] pixels, FrameHeader h, string source, int index, long start)
    {
        if (h.MaxValue < ushort.MaxValue)
        {
            // Netpbm: a sample above maxval is invalid; reject so corrupt frames do not pass as data.
            for (var i = 0; i < pixels.Length; i++)
            {
                if (pixels[i] > h.MaxValue)
                {
                    throw FormatError.At(source, $"frame {index}", $"pixel {i} is {pixels[i]}, above maxval {h.MaxValue}", start + ((long)i * h.BytesPerSample));
                }
            }
        }

        return pixels;
    }

    private static FrameHeader? ReadHeader(ByteReader reader, string source, int index, Stream0ReaderOptions options)
    {
        var frame = $"frame {index}";
        var offset = reader.Position;
        var p = reader.ReadByte();
        if (p < 0)
        {
            return null;
        }

        var five = reader.ReadByte();
        if (p == 'P' && five < 0)
        {
            throw FormatError.At(source, frame, "truncated header: the file ends inside the magic 'P5'", reader.Position);
        }

        if (p != 'P' || five != '5')
        {
            var what = index == 0 ? "not a binary PGM file: expected magic 'P5'" : "expected the next frame's magic 'P5'";
            throw FormatError.At(source, frame, $"{what}, found {Describe(p)} {Describe(five)}", offset);
        }

        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        Span<int> numbers = stackalloc int[3];
        var found = 0;
        var line = new StringBuilder();
        while (found < 3)
        {
            if (reader.Position - offset > options.MaxHeaderBytes)
            {
                throw FormatError.At(source, frame, $"header longer than {options.MaxHeaderBytes} bytes", reader.Position);
            }

            var c = reader.ReadByte();
            if (c < 0)
            {
                throw FormatError.At(source, frame, "truncated header: the file ends before width, height and maxval", reader.Position);
            }

            if (c == '#')
            {
                line.Clear();
                while (true)
                {
                    var d = reader.ReadByte();
                    if (d < 0)
                    {
                        throw FormatError.At(source, frame, "truncated header: the file ends inside a comment", reader.Position);
                    }

                    if (d is '\n' or '\r')
                    {
                        break;
                    }

                    if (line.Length > options.MaxHeaderBytes)
                    {
                        throw FormatError.At(source, frame, $"header comment longer than {options.MaxHeaderBytes} bytes", reader.Position);
                    }

                    line.Append((char)d);
                }

                AddKey(keys, line);
            }
            else if (IsWhitespace(c))
            {
                continue;
            }
            else if (c is >= '0' and <= '9')
            {
                var numberOffset = reader.Position - 1;
                long value = c - '0';
                int next;
                while ((next = reader.PeekByte()) is >= '0' and <= '9')
                {
                    reader.ReadByte();
                    value = (value * 10) + (next - '0');
                    if (value > int.MaxValue)
                    {
                        throw FormatError.At(source, frame, "header number too large", numberOffset);
                    }
                }

                numbers[found++] = (int)value;
                if (found < 3 && next >= 0 && !IsWhitespace(next) && next != '#')
                {
                    throw FormatError.At(source, frame, $"unexpected {Describe(next)} after a header number", reader.Position);
                }
            }
            else
            {
                throw FormatError.At(source, frame, $"unexpected {Describe(c)} in the PGM header", reader.Position - 1);
            }
        }

        var (width, height, maxValue) = (numbers[0], numbers[1], numbers[2]);
        if (width is < 1 or > AllSkyFrame.MaxDimension || height is < 1 or > AllSkyFrame.MaxDimension)
        {
            throw FormatError.At(source, frame, $"impossible dimensions {width}x{height} (allowed 1..{AllSkyFrame.MaxDimension})", offset);
        }

        if (maxValue is < 1 or > ushort.MaxValue)
        {
            throw FormatError.At(source, frame, $"maxval {maxValue} outside 1..65535", offset);
        }

        // Netpbm: exactly one whitespace byte separates maxval from the raster.
        var separator = reader.ReadByte();
        if (separator < 0)
        {
            throw FormatError.At(source, frame, "truncated header: the file ends after maxval", reader.Position);
        }

        if (!IsWhitespace(separator))
        {
            throw FormatError.At(source, frame, $"expected one whitespace byte after maxval, found {Describe(separator)}", reader.Position - 1);
        }

        return new FrameHeader(offset, width, height, maxValue, maxValue > 255 ? 2 : 1, keys);
    }

    private static void AddKey(Dictionary<string, string> keys, StringBuilder line)
    {
        // #"Key" value
        if (line.Length < 2 || line[0] != '"')
        {
            return;
        }

        var text = line.ToString();
        var close = text.IndexOf('"', 1);
        if (close < 0)
        {
            return;
        }

        keys[text[1..close]] = text[(close + 1)..].Trim();
    }

    private static bool IsWhitespace(int c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';

    private static string Describe(int b) => b < 0 ? "end of file" : b is >= 0x21 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    private readonly record struct FrameHeader(long Offset, int Width, int Height, int MaxValue, int BytesPerSample, Dictionary<string, string> Keys);
}
