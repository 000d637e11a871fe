namespace AuroraStream.Core.Sky;

/// <summary>
/// Low-precision positions of the Sun and Moon in a site's sky, from the published formulae of Meeus,
/// <i>Astronomical Algorithms</i>, 2nd ed. (Willmann-Bell, 1998). Pure arithmetic, no allocation, a few
/// microseconds a call, so it can run for every frame of a stream.
/// </summary>
/// <remarks>
/// <para>Chain of computation, each step with its source:</para>
/// <list type="number">
/// <item>UT to TT: ΔT from the Espenak and Meeus (2006) polynomials (<see cref="DeltaT"/>); the UTC given
/// is taken as UT1 (|UT1 - UTC| &lt; 0.9 s, 0.004 degree of Earth rotation).</item>
/// <item>Sun: apparent ecliptic longitude and distance, ch. 25 low-accuracy method (about 0.01 degree).</item>
/// <item>Moon: geocentric ecliptic longitude, latitude and distance, ch. 47, all terms of tables 47.A and
/// 47.B (about 10"), plus nutation in longitude for the apparent place.</item>
/// <item>Nutation and obliquity: ch. 22 (four-term Δψ, Δε; ε0 from eq. 22.2).</item>
/// <item>Ecliptic to equatorial: ch. 13, eqs. 13.3 and 13.4, with the true obliquity.</item>
/// <item>Sidereal time: ch. 12, eq. 12.4 (mean, Greenwich) plus the equation of the equinoxes Δψ cos ε.</item>
/// <item>Topocentric place: ch. 11 (ρ sin φ', ρ cos φ' for a site on the IAU 1976 ellipsoid at height 0) and
/// ch. 40 (the rigorous parallax of eqs. 40.2 and 40.3, applied in rectangular form). The Moon's
/// horizontal parallax, sin π = 6378.14 km / Δ (ch. 47), moves it by up to about 1 degree; the Sun's
/// (8.794" / R, eq. 40.1) is applied too.</item>
/// <item>Horizontal coordinates: ch. 13, eqs. 13.5 and 13.6, with azimuth counted from north through east
/// (Meeus counts it from south; this adds 180 degrees).</item>
/// <item>Moon's illuminated fraction: ch. 48, eqs. 48.1-48.3 (geocentric phase angle from the
/// elongation ψ, with cos ψ = cos β cos(λ - λ0)).</item>
/// </list>
/// <para>Elevations are <b>geometric</b>: no atmospheric refraction is applied (refraction lifts a body on
/// the horizon by about 0.57 degree and one at 10 degrees by about 0.09 degree). The apparent elevations,
/// <see cref="SkyConditions.SunApparentElevationDeg"/> and <see cref="SkyConditions.MoonApparentElevationDeg"/>,
/// add <see cref="Refraction"/>; the twilight thresholds of <see cref="SkyState"/> apply to the apparent one.</para>
/// <para>Checked against the independent astronomy-engine library over 2005-2030
/// (tests/data/ephemeris/README.md); accuracy degrades slowly outside 1900-2100 and, through ΔT, badly
/// before 1600.</para>
/// </remarks>
public static class SkyEphemeris
{
    /// <summary>Julian Date of 2000-01-01 12:00 (J2000.0).</summary>
    private const double J2000 = 2451545.0;

    private const double DaysPerJulianCentury = 36525.0;

    private const double SecondsPerDay = 86400.0;

    /// <summary>Earth's equatorial radius, km (Meeus ch. 11, IAU 1976), the unit of the parallax.</summary>
    private const double EarthEquatorialRadiusKm = 6378.14;

    /// <summary>Polar over equatorial radius, b/a (Meeus ch. 11, flattening 1/298.257).</summary>
    private const double EarthAxisRatio = 0.99664719;

    /// <summary>The Sun's equatorial horizontal parallax at 1 au, degrees (8.794", Meeus eq. 40.1).</summary>
    private const double SolarParallaxAt1AuDeg = 8.794 / 3600.0;

    private static readonly long J2000Ticks = new DateTime(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>One astronomical unit in Earth equatorial radii, 1 / sin 8.794" (eq. 40.1), about 23,455.</summary>
    private static readonly double EarthRadiiPerAu = 1.0 / Math.Sin(SolarParallaxAt1AuDeg * Angles.DegToRad);

    /// <summary>The sky over an imager site at one instant.</summary>
    /// <param name="site">The site; its geodetic latitude and longitude are used, at height 0.</param>
    /// <param name="utc">The instant, <see cref="DateTimeKind.Utc"/>.</param>
    /// <inheritdoc cref="At(double, double, DateTime)" path="/exception"/>
    public static SkyConditions At(ImagerSite site, DateTime utc)
    {
        ArgumentNullException.ThrowIfNull(site);
        return At(site.GeodeticLatitude, site.GeodeticLongitude, utc);
    }

    /// <summary>
    /// Geometric topocentric elevation and azimuth of the Sun and Moon, and the Moon's illuminated fraction,
    /// for an observer at height 0 on the ellipsoid.
    /// </summary>
    /// <param name="geodeticLatitudeDeg">Geodetic latitude, degrees north, -90..90.</param>
    /// <param name="geodeticLongitudeDeg">Geodetic longitude, degrees east, -180..360 (values over 180 are west longitudes + 360).</param>
    /// <param name="utc">The instant, <see cref="DateTimeKind.Utc"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">Latitude or longitude is out of range or not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="utc"/> is not of kind <see cref="DateTimeKind.Utc"/>.</exception>
    public static SkyConditions At(double geodeticLatitudeDeg, double geodeticLongitudeDeg, DateTime utc)
    {
        if (!double.IsFinite(geodeticLatitudeDeg) || geodeticLatitudeDeg is < -90 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(geodeticLatitudeDeg), geodeticLatitudeDeg, "Latitude must be within -90..90 degrees.");
        }

        if (!double.IsFinite(geodeticLongitudeDeg) || geodeticLongitudeDeg is < -180 or > 360)
        {
            throw new ArgumentOutOfRangeException(nameof(geodeticLongitudeDeg), geodeticLongitudeDeg, "Longitude must be within -180..360 degrees.");
        }

        if (utc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException($"The time must be UTC (got DateTimeKind.{utc.Kind}).", nameof(utc));
        }

        // Time scales: days of UT from J2000.0, and Julian centuries of TT (Meeus eq. 22.1).
        var daysUt = (utc.Ticks - J2000Ticks) / (double)TimeSpan.TicksPerDay;
        var deltaTSeconds = DeltaT.Seconds(DeltaT.DecimalYear(utc));
        var t = (daysUt + (deltaTSeconds / SecondsPerDay)) / DaysPerJulianCentury;

        var nutation = Nutation.At(t);
        var (sunLongitudeDeg, sunDistanceAu) = SolarPosition.Apparent(t, nutation);
        var (moonMeanEquinoxLongitudeDeg, moonLatitudeDeg, moonDistanceKm) = LunarPosition.Geocentric(t);
        var moonLongitudeDeg = moonMeanEquinoxLongitudeDeg + nutation.LongitudeDeg;

        // Local apparent sidereal time, degrees: eq. 12.4 (UT), the equation of the equinoxes, east longitude.
        var (sinEps, cosEps) = Math.SinCos(nutation.TrueObliquityDeg * Angles.DegToRad);
        var tUt = daysUt / DaysPerJulianCentury;
        var meanSiderealDeg = 280.46061837 + (360.98564736629 * daysUt) + (0.000387933 * tUt * tUt) - (tUt * tUt * tUt / 38710000.0);
        var localSiderealDeg = meanSiderealDeg + (nutation.LongitudeDeg * cosEps) + geodeticLongitudeDeg;
        var (sinSidereal, cosSidereal) = Math.SinCos(Angles.Normalise360(localSiderealDeg) * Angles.DegToRad);

        // Ch. 11, with u = atan(b/a tan φ) written as atan2 so that the poles stay finite.
        var (sinLat, cosLat) = Math.SinCos(geodeticLatitudeDeg * Angles.DegToRad);
        var (sinU, cosU) = Math.SinCos(Math.Atan2(EarthAxisRatio * sinLat, cosLat));
        var frame = new Frame(sinEps, cosEps, sinSidereal, cosSidereal, sinLat, cosLat, EarthAxisRatio * sinU, cosU);

        // Distances in Earth radii, the reciprocal of the sine of the horizontal parallax: for the Moon
        // sin π = 6378.14 km / Δ (ch. 47), for the Sun sin π = sin 8.794" / R (eq. 40.1).
        var sunDistance = sunDistanceAu * EarthRadiiPerAu;
        var moonDistance = moonDistanceKm / EarthEquatorialRadiusKm;
        var (sunElevationDeg, sunAzimuthDeg) = Horizontal(sunLongitudeDeg, 0.0, sunDistance, frame);
        var (moonElevationDeg, moonAzimuthDeg) = Horizontal(moonLongitudeDeg, moonLatitudeDeg, moonDistance, frame);

        var illuminated = IlluminatedFraction(sunLongitudeDeg, sunDistance, moonLongitudeDeg, moonLatitudeDeg, moonDistance);
        return new SkyConditions(sunElevationDeg, sunAzimuthDeg, moonElevationDeg, moonAzimuthDeg, illuminated);
    }

    /// <summary>
    /// Geocentric apparent ecliptic coordinates to topocentric elevation and azimuth (north through east), degrees.
    /// </summary>
    /// <remarks>
    /// Done in rectangular coordinates: eqs. 13.3-13.4 (ecliptic to equatorial) as a rotation by ε, the hour
    /// angle H = θ - α as a rotation by the local sidereal time θ, the parallax as the subtraction of the
    /// observer's geocentric position (ρ cos φ', 0, ρ sin φ'), which is what eqs. 40.2-40.3 solve in closed
    /// form, and eqs. 13.5-13.6 as the projection on the local up / north / east axes. Five transcendental
    /// calls instead of a dozen, and no singularity at the poles or the zenith.
    /// </remarks>
    /// <param name="longitudeDeg">Apparent ecliptic longitude, degrees.</param>
    /// <param name="latitudeDeg">Ecliptic latitude, degrees.</param>
    /// <param name="distance">Geocentric distance of the body, Earth equatorial radii.</param>
    /// <param name="frame">Observer and instant.</param>
    private static (double ElevationDeg, double AzimuthDeg) Horizontal(
        double longitudeDeg, double latitudeDeg, double distance, in Frame frame)
    {
        var (sinLon, cosLon) = Math.SinCos(longitudeDeg * Angles.DegToRad);
        var (sinBeta, cosBeta) = Math.SinCos(latitudeDeg * Angles.DegToRad);

        // Equatorial of date, Earth radii: x toward the equinox, z toward the north celestial pole.
        var x = distance * cosBeta * cosLon;
        var yEcliptic = distance * cosBeta * sinLon;
        var zEcliptic = distance * sinBeta;
        var y = (yEcliptic * frame.CosEps) - (zEcliptic * frame.SinEps);
        var z = (yEcliptic * frame.SinEps) + (zEcliptic * frame.CosEps);

        // Hour-angle frame (x toward the local meridian, w toward the west), then topocentric.
        var meridian = (x * frame.CosSidereal) + (y * frame.SinSidereal) - frame.RhoCosGeocentricLat;
        var west = (x * frame.SinSidereal) - (y * frame.CosSidereal);
        var polar = z - frame.RhoSinGeocentricLat;

        var up = (frame.CosLat * meridian) + (frame.SinLat * polar);
        var north = (frame.CosLat * polar) - (frame.SinLat * meridian);
        var east = -west;
        var elevation = Math.Atan2(up, Math.Sqrt((north * north) + (east * east))) * Angles.RadToDeg;
        var azimuth = Angles.Normalise360(Math.Atan2(east, north) * Angles.RadToDeg);
        return (elevation, azimuth);
    }

    /// <summary>
    /// Eqs. 48.1-48.3: k = (1 + cos i) / 2 from the geocentric elongation ψ of the Moon from the Sun; the two
    /// distances in any one unit (here Earth radii).
    /// </summary>
    private static double IlluminatedFraction(double sunLongitudeDeg, double sunDistance, double moonLongitudeDeg, double moonLatitudeDeg, double moonDistance)
    {
        var cosPsi = Math.Cos(moonLatitudeDeg * Angles.DegToRad) * Math.Cos((moonLongitudeDeg - sunLongitudeDeg) * Angles.DegToRad);
        var sinPsi = Math.Sqrt(Math.Max(0.0, 1 - (cosPsi * cosPsi)));
        var phaseAngle = Math.Atan2(sunDistance * sinPsi, moonDistance - (sunDistance * cosPsi));
        return Math.Clamp((1 + Math.Cos(phaseAngle)) / 2, 0.0, 1.0);
    }

    /// <summary>
    /// Everything about the observer and the instant that both bodies share: the true obliquity ε, the local
    /// apparent sidereal time θ, sin φ and cos φ (geodetic) and ρ sin φ', ρ cos φ' (Earth radii, ch. 11).
    /// </summary>
    private readonly record struct Frame(
        double SinEps, double CosEps, double SinSidereal, double CosSidereal,
        double SinLat, double CosLat, double RhoSinGeocentricLat, double RhoCosGeocentricLat);
}
