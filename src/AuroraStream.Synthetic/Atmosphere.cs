namespace AuroraStream.Synthetic;

/// <summary>Geometry and optics of the night sky seen from the ground (spherical Earth).</summary>
internal static class Atmosphere
{
    /// <summary>Mean Earth radius, km.</summary>
    public const double EarthRadiusKm = 6371.0;

    private static readonly double[] AirmassTable = [.. Enumerable.Range(0, 2050).Select(k => Airmass(Math.Min(k, 2048) * (Math.PI / 2) / 2048))];

    /// <summary>
    /// The van Rhijn factor: the brightness of a thin, horizontally uniform emitting layer at
    /// <paramref name="layerHeightKm"/> seen at zenith angle <paramref name="zenithRad"/>, relative
    /// to the zenith: <c>V(z) = 1 / sqrt(1 - (R/(R+h))^2 sin^2 z)</c>, the secant of the zenith
    /// angle at which the line of sight crosses the layer. Van Rhijn 1921, Publ. Astron. Lab.
    /// Groningen 31; Roach &amp; Gordon 1973, "The Light of the Night Sky", section 2.3.
    /// 5.86 at the horizon for h = 95 km.
    /// </summary>
    public static double VanRhijn(double zenithRad, double layerHeightKm)
    {
        var q = EarthRadiusKm / (EarthRadiusKm + layerHeightKm);
        var s = Math.Sin(zenithRad);
        return 1 / Math.Sqrt(1 - (q * q * s * s));
    }

    /// <summary>
    /// Relative air mass at zenith angle <paramref name="zenithRad"/> (1 at the zenith, about 38
    /// at the horizon): Kasten &amp; Young 1989, Applied Optics 28, 4735, eq. 3.
    /// </summary>
    public static double Airmass(double zenithRad)
    {
        var zDeg = Math.Min(zenithRad * 180 / Math.PI, 90);
        return 1 / (Math.Cos(zenithRad) + (0.50572 * Math.Pow(96.07995 - zDeg, -1.6364)));
    }

    /// <summary><see cref="Airmass"/> from a table (2048 steps to the horizon, linear in between).</summary>
    public static double AirmassFast(double zenithRad)
    {
        var t = Math.Clamp(zenithRad / (Math.PI / 2), 0, 1) * (AirmassTable.Length - 2);
        var k = (int)t;
        return AirmassTable[k] + ((AirmassTable[k + 1] - AirmassTable[k]) * (t - k));
    }

    /// <summary>
    /// Ground distance, km along the surface, from the observer to the point below where the line
    /// of sight at zenith angle <paramref name="zenithRad"/> crosses height
    /// <paramref name="heightKm"/>: the Earth-centred angle is <c>acos(R cos e / (R+h)) - e</c>
    /// for elevation e (the triangle observer, Earth centre, emission point).
    /// </summary>
    public static double GroundDistanceKm(double zenithRad, double heightKm)
    {
        var e = (Math.PI / 2) - zenithRad;
        var theta = Math.Acos(EarthRadiusKm * Math.Cos(e) / (EarthRadiusKm + heightKm)) - e;
        return EarthRadiusKm * theta;
    }

    /// <summary>
    /// Moonlight scattered by the atmosphere, relative units: Krisciunas &amp; Schaefer 1991,
    /// PASP 103, 1033, eqs. 15-21 without the lunar magnitude (the caller scales it):
    /// <c>f(rho) * 10^(-0.4 k X(Zm)) * (1 - 10^(-0.4 k X(Z)))</c>, Rayleigh plus Mie scattering
    /// <c>f(rho) = 10^5.36 (1.06 + cos^2 rho) + 10^(6.15 - rho/40)</c> at angle rho (deg) from the
    /// Moon, air mass <c>X(Z) = (1 - 0.96 sin^2 Z)^-1/2</c>, extinction k in magnitudes per air mass.
    /// </summary>
    public static double Moonlight(double rhoDeg, double zenithRad, double moonZenithRad, double kMag) =>
        MoonScattering(rhoDeg) * Math.Pow(10, -0.4 * kMag * KsAirmass(moonZenithRad)) * MoonlightPath(zenithRad, kMag);

    /// <summary>The scattering function f(rho) of <see cref="Moonlight"/>, rho in degrees.</summary>
    public static double MoonScattering(double rhoDeg)
    {
        var cosRho = Math.Cos(rhoDeg * Math.PI / 180);
        return (229086.765 * (1.06 + (cosRho * cosRho))) + Math.Exp((6.15 - (rhoDeg / 40)) * Math.Log(10));
    }

    /// <summary>The path term <c>1 - 10^(-0.4 k X(Z))</c> of <see cref="Moonlight"/>: the light scattered along the line of sight.</summary>
    public static double MoonlightPath(double zenithRad, double kMag) => 1 - Math.Pow(10, -0.4 * kMag * KsAirmass(zenithRad));

    /// <summary>Angle between two directions given as (zenith, azimuth) in radians, in degrees.</summary>
    public static double AngleDeg(double z1, double a1, double z2, double a2)
    {
        var c = (Math.Cos(z1) * Math.Cos(z2)) + (Math.Sin(z1) * Math.Sin(z2) * Math.Cos(a1 - a2));
        return Math.Acos(Math.Clamp(c, -1, 1)) * 180 / Math.PI;
    }

    /// <summary>
    /// Greenwich mean sidereal time in hours: 18.697374558 + 24.06570982441908 D, D days from
    /// 2000-01-01 12:00 UT (USNO, "Approximate Sidereal Time"; Meeus 1998, ch. 12, to 0.1 s a century).
    /// </summary>
    public static double GreenwichSiderealHours(DateTime utc)
    {
        var d = (utc - new DateTime(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc)).TotalDays;
        var h = (18.697374558 + (24.06570982441908 * d)) % 24;
        return h < 0 ? h + 24 : h;
    }

    private static double KsAirmass(double zenithRad)
    {
        var s = Math.Sin(zenithRad);
        return 1 / Math.Sqrt(1 - (0.96 * s * s));
    }
}
