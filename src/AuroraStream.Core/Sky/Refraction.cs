namespace AuroraStream.Core.Sky;

/// <summary>
/// Atmospheric refraction for a standard atmosphere (1010 hPa, 10 degrees C): how much higher a body
/// appears than its geometric elevation.
/// </summary>
/// <remarks>
/// <para>Saemundsson's formula (Sky &amp; Telescope 72, 70, 1986; Meeus, <i>Astronomical Algorithms</i>,
/// 2nd ed., ch. 16, eq. 16.4): R = 1.02' / tan(h + 10.3 / (h + 5.11)), h the geometric elevation in
/// degrees, R in arcminutes; about 0.57 degree at the horizon.</para>
/// <para>Below the horizon the formula has no physical meaning and diverges at h = -5.11. This follows
/// astronomy-engine 2.1.19's <c>Refraction('normal', h)</c> exactly (its <c>Horizon(..., 'normal')</c>,
/// which is what the examples quote): h is clamped at -1 degree (as JPL Horizons does), and below
/// -1 degree the angle is scaled by (h + 90) / 89, falling linearly to 0 at the nadir so that no
/// elevation goes below -90. Checked against astronomy-engine in tests/data/ephemeris/sky_reference.csv
/// (columns <c>sun_el_refr</c>, <c>moon_el_refr</c>).</para>
/// </remarks>
public static class Refraction
{
    /// <summary>Elevation, degrees, at which the formula's argument is clamped.</summary>
    private const double ClampBelowDeg = -1.0;

    /// <summary>The refraction angle, degrees, to add to a geometric elevation; 0 outside -90..90 or for NaN.</summary>
    /// <param name="geometricElevationDeg">Geometric (unrefracted) elevation of the body's centre, degrees.</param>
    public static double AngleDeg(double geometricElevationDeg)
    {
        if (!(geometricElevationDeg >= -90.0 && geometricElevationDeg <= 90.0))
        {
            return 0.0;
        }

        var h = Math.Max(geometricElevationDeg, ClampBelowDeg);
        var arcminutes = 1.02 / Math.Tan((h + (10.3 / (h + 5.11))) * Angles.DegToRad);
        var degrees = arcminutes / 60.0;
        return geometricElevationDeg < ClampBelowDeg ? degrees * (geometricElevationDeg + 90.0) / 89.0 : degrees;
    }

    /// <summary>The apparent (refracted) elevation, degrees, of a body at a geometric elevation.</summary>
    /// <param name="geometricElevationDeg">Geometric elevation, degrees, -90..90.</param>
    public static double Apparent(double geometricElevationDeg) => geometricElevationDeg + AngleDeg(geometricElevationDeg);
}
