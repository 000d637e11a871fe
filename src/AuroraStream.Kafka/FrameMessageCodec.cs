using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using AuroraStream.Core;
using AuroraStream.Core.Stream;
using AuroraStream.Kafka.Schema;
using Google.Protobuf;

namespace AuroraStream.Kafka;

/// <summary>What the stream accepts as a THEMIS ASI frame.</summary>
public sealed class FrameValidationOptions
{
    /// <summary>Required frame width.</summary>
    /// <value>Default 256 (THEMIS ASI full-resolution frames).</value>
    public int Width { get; init; } = 256;

    /// <summary>Required frame height.</summary>
    /// <value>Default 256.</value>
    public int Height { get; init; } = 256;

    /// <summary>Prefix an imager name must have to be a THEMIS ASI.</summary>
    /// <value>Default <c>themis</c> (stream0 <c>themis19</c>, L1 <c>themis-asf</c>).</value>
    public string ImagerPrefix { get; init; } = "themis";
}

/// <summary>
/// Encodes frames as <see cref="FrameMessage"/> (schema version 1) and decodes and checks them.
/// Decoded pixels live in buffers from the codec's own pool: a frame handed back with
/// <see cref="Release"/> lends its buffer to a later frame, so a stream of 128 KB frames does not
/// churn the garbage collector; a frame never released simply keeps its buffer.
/// </summary>
public sealed class FrameMessageCodec : IFrameDecoder
{
    /// <summary>The schema version written and the newest read.</summary>
    public const uint SchemaVersion = 1;

    /// <summary>Buffers the pool keeps (128 KB each for THEMIS frames); more in use are allocated and dropped.</summary>
    private const int PooledBuffers = 256;

    private readonly FrameValidationOptions _validation;
    private readonly ArrayPool<ushort> _pixels;
    private readonly int _frameLength;
    private readonly int _bufferLength;

    /// <summary>Creates a codec accepting frames as <paramref name="validation"/> says (default: THEMIS ASI 256x256).</summary>
    public FrameMessageCodec(FrameValidationOptions? validation = null)
    {
        _validation = validation ?? new FrameValidationOptions();
        foreach (var (name, value) in new[] { ("Width", _validation.Width), ("Height", _validation.Height) })
        {
            if (value is < 1 or > AllSkyFrame.MaxDimension)
            {
                throw new ArgumentOutOfRangeException(nameof(validation), value, $"FrameValidationOptions.{name} must be within 1..{AllSkyFrame.MaxDimension} pixels.");
            }
        }

        _frameLength = _validation.Width * _validation.Height;
        _pixels = ArrayPool<ushort>.Create(_frameLength, PooledBuffers);

        // The pool hands out buffers of one length (the next power of two): only those go back to it.
        var probe = _pixels.Rent(_frameLength);
        _bufferLength = probe.Length;
        _pixels.Return(probe);
    }

    /// <summary>Serialises a frame.</summary>
    /// <exception cref="FrameNotPublishableException">The capture time has no 64-bit Unix-nanosecond form (outside 1677..2262): it is refused, never wrapped round.</exception>
    public static byte[] Encode(AllSkyFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!UnixNanoseconds.TryFrom(frame.CaptureTime, out var captureTime))
        {
            throw new FrameNotPublishableException(string.Create(CultureInfo.InvariantCulture, $"{frame.Origin}: capture time {frame.CaptureTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} cannot be sent: the frame message carries 64-bit Unix nanoseconds, {UnixNanoseconds.MinValue:yyyy-MM-dd} to {UnixNanoseconds.MaxValue:yyyy-MM-dd}"));
        }

        var message = new FrameMessage
        {
            SchemaVersion = SchemaVersion,
            Site = frame.Site,
            Imager = frame.Imager,
            CaptureTimeUnixNs = captureTime,
            Width = (uint)frame.Width,
            Height = (uint)frame.Height,
            PixelEncoding = PixelEncoding.Uint16Le,
            Pixels = ByteString.CopyFrom(MemoryMarshal.AsBytes(frame.Pixels.Span)),
            SourceFile = Path.GetFileName(frame.Origin.Source),
            FrameIndex = (uint)Math.Max(0, frame.Origin.Index),
        };
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Frame messages are written on little-endian hosts only.");
        }

        if (frame.ExposureMs is { } exposure)
        {
            message.ExposureMs = exposure;
        }

        if (frame.GeodeticLatitude is { } latitude && frame.GeodeticLongitude is { } longitude)
        {
            message.GeodeticLatitudeDeg = latitude;
            message.GeodeticLongitudeDeg = longitude;
        }

        return message.ToByteArray();
    }

    /// <inheritdoc />
    public AllSkyFrame? Decode(InboundMessage message, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(message);
        FrameMessage decoded;
        try
        {
            decoded = FrameMessage.Parser.ParseFrom(message.Value.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            reason = $"undecodable: not a frame message ({e.Message})";
            return null;
        }

        reason = Check(decoded);
        if (reason is not null)
        {
            return null;
        }

        // Check has made the size the validated one; the copy overwrites every element used.
        var buffer = _pixels.Rent(_frameLength);
        var pixels = buffer.AsMemory(0, _frameLength);
        decoded.Pixels.Span.CopyTo(MemoryMarshal.AsBytes(pixels.Span));
        try
        {
            return new AllSkyFrame(
                decoded.Site,
                decoded.Imager,
                DateTime.UnixEpoch.AddTicks(decoded.CaptureTimeUnixNs / 100),
                (int)decoded.Width,
                (int)decoded.Height,
                pixels,
                decoded.HasExposureMs ? decoded.ExposureMs : null,
                new FrameOrigin(decoded.SourceFile, (int)decoded.FrameIndex))
            {
                GeodeticLatitude = decoded.HasGeodeticLatitudeDeg && decoded.HasGeodeticLongitudeDeg ? decoded.GeodeticLatitudeDeg : null,
                GeodeticLongitude = decoded.HasGeodeticLatitudeDeg && decoded.HasGeodeticLongitudeDeg ? decoded.GeodeticLongitudeDeg : null,
            };
        }
        catch (ArgumentException e)
        {
            _pixels.Return(buffer);
            reason = $"invalid frame: {e.Message}";
            return null;
        }
    }

    /// <inheritdoc />
    public void Release(AllSkyFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (MemoryMarshal.TryGetArray(frame.Pixels, out var segment) && segment is { Array: { } array, Offset: 0 } && segment.Count == _frameLength && array.Length == _bufferLength)
        {
            _pixels.Return(array);
        }
    }

    private string? Check(FrameMessage m)
    {
        if (m.SchemaVersion is 0 or > SchemaVersion)
        {
            return $"undecodable: schema version {m.SchemaVersion} (this reader knows 1..{SchemaVersion})";
        }

        if (string.IsNullOrWhiteSpace(m.Site) || string.IsNullOrWhiteSpace(m.Imager))
        {
            return "invalid frame: site and imager are required";
        }

        if (!m.Imager.StartsWith(_validation.ImagerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return $"not a THEMIS ASI frame: imager '{m.Imager}' (site {m.Site})";
        }

        if (m.Width != _validation.Width || m.Height != _validation.Height)
        {
            return $"wrong dimensions: {m.Width}x{m.Height}, expected {_validation.Width}x{_validation.Height} ({m.Site} {m.Imager})";
        }

        if (m.PixelEncoding != PixelEncoding.Uint16Le)
        {
            return $"invalid frame: pixel encoding {m.PixelEncoding}";
        }

        if (m.Pixels.Length != 2L * m.Width * m.Height)
        {
            return $"invalid frame: {m.Pixels.Length} pixel bytes for {m.Width}x{m.Height} (expected {2L * m.Width * m.Height}; truncated?)";
        }

        return m.CaptureTimeUnixNs <= 0 ? $"invalid frame: capture time {m.CaptureTimeUnixNs} ns" : null;
    }
}
