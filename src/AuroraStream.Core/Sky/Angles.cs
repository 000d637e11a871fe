namespace AuroraStream.Core.Sky;

/// <summary>Degree arithmetic shared by the ephemeris routines.</summary>
internal static class Angles
{
    public const double DegToRad = Math.PI / 180.0;
    public const double RadToDeg = 180.0 / Math.PI;

    /// <summary>An angle in degrees reduced to 0 (inclusive) .. 360 (exclusive).</summary>
    public static double Normalise360(double degrees)
    {
        // Floor rather than the % operator: fmod is several times slower, and this runs ~40 times a call.
        var r = degrees - (360.0 * Math.Floor(degrees / 360.0));

        // A tiny negative input rounds to 360.0 itself.
        return r >= 360.0 ? 0.0 : r;
    }

    /// <summary>Sine of an angle in degrees, reduced first so that large multiples keep their precision.</summary>
    public static double SinDeg(double degrees) => Math.Sin(Normalise360(degrees) * DegToRad);

    /// <summary>Cosine of an angle in degrees, reduced first.</summary>
    public static double CosDeg(double degrees) => Math.Cos(Normalise360(degrees) * DegToRad);

    /// <summary>Great-circle angle, degrees, between two points given by latitude and longitude in degrees (haversine formula, exact on a sphere at every distance).</summary>
    public static double GreatCircleDeg(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = (lat2 - lat1) * DegToRad / 2;
        var dLon = (lon2 - lon1) * DegToRad / 2;
        var h = (Math.Sin(dLat) * Math.Sin(dLat)) + (Math.Cos(lat1 * DegToRad) * Math.Cos(lat2 * DegToRad) * Math.Sin(dLon) * Math.Sin(dLon));
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) * RadToDeg;
    }
}
