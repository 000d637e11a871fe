namespace AuroraStream.Core;

/// <summary>An all-sky imager site.</summary>
/// <param name="Code">Four-letter site code, lower case (e.g. <c>gill</c>).</param>
/// <param name="Name">Human name (e.g. Gillam).</param>
/// <param name="GeodeticLatitude">Geodetic latitude in degrees north, -90 to 90.</param>
/// <param name="GeodeticLongitude">Geodetic longitude in degrees east, -180 to 360.</param>
public sealed record ImagerSite(string Code, string Name, double GeodeticLatitude, double GeodeticLongitude)
{
    /// <summary>Site code, normalised to lower case.</summary>
    public string Code { get; } = NormaliseCode(Code);

    /// <summary>Geodetic latitude in degrees north.</summary>
    public double GeodeticLatitude { get; } = double.IsFinite(GeodeticLatitude) && Math.Abs(GeodeticLatitude) <= 90
        ? GeodeticLatitude
        : throw new ArgumentOutOfRangeException(nameof(GeodeticLatitude), GeodeticLatitude, "Latitude must be within -90..90 degrees.");

    /// <summary>Geodetic longitude in degrees east.</summary>
    public double GeodeticLongitude { get; } = double.IsFinite(GeodeticLongitude) && GeodeticLongitude >= -180 && GeodeticLongitude <= 360
        ? GeodeticLongitude
        : throw new ArgumentOutOfRangeException(nameof(GeodeticLongitude), GeodeticLongitude, "Longitude must be within -180..360 degrees.");

    private static string NormaliseCode(string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return code.Trim().ToLowerInvariant();
    }
}
