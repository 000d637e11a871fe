namespace AuroraStream.Core.Sky;

/// <summary>
/// The Sun's apparent geocentric ecliptic longitude and distance by Meeus, <i>Astronomical Algorithms</i>
/// 2nd ed. (1998), ch. 25 "Solar Coordinates", the low-accuracy method (about 0.01 degree).
/// </summary>
internal static class SolarPosition
{
    /// <summary>Constant of aberration, degrees (20.4898", Meeus ch. 25, the correction for aberration).</summary>
    private const double AberrationDeg = 20.4898 / 3600.0;

    /// <summary>
    /// Apparent longitude (referred to the true equinox of date, aberration included), degrees, and the
    /// Sun-Earth distance, astronomical units. The Sun's ecliptic latitude (under 1.2") is taken as 0.
    /// </summary>
    /// <param name="t">Julian centuries of TT from J2000.0 (eq. 25.1).</param>
    /// <param name="nutation">Nutation at <paramref name="t"/>, for the apparent place.</param>
    public static (double LongitudeDeg, double DistanceAu) Apparent(double t, in Nutation nutation)
    {
        var meanLongitude = 280.46646 + (t * (36000.76983 + (t * 0.0003032)));   // L0, eq. 25.2
        var meanAnomaly = 357.52911 + (t * (35999.05029 - (t * 0.0001537)));     // M, eq. 25.3
        var eccentricity = 0.016708634 - (t * (0.000042037 + (t * 0.0000001267))); // e, eq. 25.4

        // Equation of the centre C (ch. 25, after eq. 25.4).
        var centre = ((1.914602 - (t * (0.004817 + (t * 0.000014)))) * Angles.SinDeg(meanAnomaly))
            + ((0.019993 - (0.000101 * t)) * Angles.SinDeg(2 * meanAnomaly))
            + (0.000289 * Angles.SinDeg(3 * meanAnomaly));
        var trueLongitude = meanLongitude + centre;
        var trueAnomaly = meanAnomaly + centre;

        // Eq. 25.5.
        var distanceAu = 1.000001018 * (1 - (eccentricity * eccentricity)) / (1 + (eccentricity * Angles.CosDeg(trueAnomaly)));

        // Apparent longitude: true longitude + nutation - aberration (ch. 25; the book's shortcut
        // "- 0.00569 - 0.00478 sin Ω" is these two corrections in one).
        var apparent = trueLongitude + nutation.LongitudeDeg - (AberrationDeg / distanceAu);
        return (Angles.Normalise360(apparent), distanceAu);
    }
}
