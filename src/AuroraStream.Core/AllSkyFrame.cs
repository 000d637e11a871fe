namespace AuroraStream.Core;

/// <summary>
/// One all-sky image as the instrument recorded it: 16-bit counts, row-major, top row first.
/// </summary>
/// <remarks>
/// The capture time is UTC with 100 ns resolution (<see cref="DateTime.Ticks"/>), finer than the
/// microseconds the imagers stamp. Pixels are never rescaled or flipped here; that is the job of
/// the shared preprocessing.
/// </remarks>
public sealed class AllSkyFrame
{
    /// <summary>Largest width or height accepted, in pixels; guards allocations against corrupt sizes.</summary>
    public const int MaxDimension = 8192;

    private readonly double? _latitude;
    private readonly double? _longitude;

    /// <summary>Creates a frame, checking that the pixel count matches the dimensions.</summary>
    public AllSkyFrame(
        string site,
        string imager,
        DateTime captureTime,
        int width,
        int height,
        ReadOnlyMemory<ushort> pixels,
        double? exposureMs,
        FrameOrigin origin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(site);
        ArgumentException.ThrowIfNullOrWhiteSpace(imager);
        if (captureTime.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException($"Capture time must be UTC (got {captureTime.Kind}).", nameof(captureTime));
        }

        CheckDimension(width, nameof(width));
        CheckDimension(height, nameof(height));
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}x{height} = {width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }

        if (exposureMs is { } e && (!double.IsFinite(e) || e < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(exposureMs), exposureMs, "Exposure must be a finite, non-negative number of milliseconds.");
        }

        Site = site.Trim().ToLowerInvariant();
        Imager = imager.Trim();
        CaptureTime = captureTime;
        Width = width;
        Height = height;
        Pixels = pixels;
        ExposureMs = exposureMs;
        Origin = origin;
    }

    /// <summary>Site code, lower case (e.g. <c>gill</c>).</summary>
    public string Site { get; }

    /// <summary>Imager unique id (e.g. <c>themis19</c>).</summary>
    public string Imager { get; }

    /// <summary>Start of the exposure, UTC.</summary>
    public DateTime CaptureTime { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Raw counts, row-major, top row first, <see cref="Width"/> x <see cref="Height"/> values.</summary>
    public ReadOnlyMemory<ushort> Pixels { get; }

    /// <summary>Exposure in milliseconds when the source records it.</summary>
    public double? ExposureMs { get; }

    /// <summary>Where the frame was read from.</summary>
    public FrameOrigin Origin { get; }

    /// <summary>
    /// Geodetic latitude of the imager, degrees north (-90..90), when the frame itself records it (the
    /// stream0 header's "Geodetic latitude"); null otherwise, and then the site catalog is used.
    /// </summary>
    public double? GeodeticLatitude
    {
        get => _latitude;
        init => _latitude = value is not { } v || (double.IsFinite(v) && Math.Abs(v) <= 90)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(GeodeticLatitude), value, "Latitude must be within -90..90 degrees.");
    }

    /// <summary>Geodetic longitude of the imager, degrees east (-180..360), when the frame itself records it; else null.</summary>
    public double? GeodeticLongitude
    {
        get => _longitude;
        init => _longitude = value is not { } v || (double.IsFinite(v) && v >= -180 && v <= 360)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(GeodeticLongitude), value, "Longitude must be within -180..360 degrees.");
    }

    /// <summary>
    /// Why the frame's own coordinates were not used although its header had them (a value that is not
    /// a number, or a latitude outside -90..90), in a user's words; null when there was nothing wrong
    /// with them or the frame records none. The site catalog's coordinates are used then. Not carried
    /// by the Kafka frame message.
    /// </summary>
    public string? LocationProblem { get; init; }

    /// <summary>Capture time as nanoseconds since the Unix epoch (the wire and InfluxDB form).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capture time is outside 1677..2262, which 64-bit nanoseconds cannot hold (never wrapped round).</exception>
    public long CaptureTimeUnixNanoseconds => UnixNanoseconds.From(CaptureTime);

    /// <summary>Pixel statistics of this frame.</summary>
    public PixelStatistics ComputeStatistics() => PixelStatistics.Compute(Pixels.Span);

    private static void CheckDimension(int value, string name)
    {
        if (value is < 1 or > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be 1..{MaxDimension} pixels.");
        }
    }
}
