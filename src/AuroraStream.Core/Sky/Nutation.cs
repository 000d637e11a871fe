namespace AuroraStream.Core.Sky;

/// <summary>Nutation in longitude and obliquity, and the true obliquity of the ecliptic, at one instant.</summary>
/// <param name="LongitudeDeg">Nutation in longitude Δψ, degrees.</param>
/// <param name="ObliquityDeg">Nutation in obliquity Δε, degrees.</param>
/// <param name="TrueObliquityDeg">True obliquity of the ecliptic ε = ε0 + Δε, degrees.</param>
internal readonly record struct Nutation(double LongitudeDeg, double ObliquityDeg, double TrueObliquityDeg)
{
    /// <summary>
    /// Meeus, <i>Astronomical Algorithms</i> 2nd ed. (1998), ch. 22: the four-term Δψ and Δε quoted there
    /// for 0.5" (Δψ) and 0.1" (Δε) accuracy, with the mean obliquity ε0 of eq. 22.2 (IAU 1980).
    /// </summary>
    /// <param name="t">Julian centuries of TT from J2000.0 (Meeus eq. 22.1).</param>
    public static Nutation At(double t)
    {
        // Ch. 22: mean longitudes of the Sun (L) and Moon (L'), and the Moon's ascending node (Ω).
        var sunL = 280.4665 + (36000.7698 * t);
        var moonL = 218.3165 + (481267.8813 * t);
        var node = 125.04452 - (1934.136261 * t) + (0.0020708 * t * t) + (t * t * t / 450000.0);

        var deltaPsiArcsec = (-17.20 * Angles.SinDeg(node)) - (1.32 * Angles.SinDeg(2 * sunL))
            - (0.23 * Angles.SinDeg(2 * moonL)) + (0.21 * Angles.SinDeg(2 * node));
        var deltaEpsArcsec = (9.20 * Angles.CosDeg(node)) + (0.57 * Angles.CosDeg(2 * sunL))
            + (0.10 * Angles.CosDeg(2 * moonL)) - (0.09 * Angles.CosDeg(2 * node));

        // Eq. 22.2: 23 deg 26' 21.448" - 46.8150" T - 0.00059" T^2 + 0.001813" T^3.
        var meanObliquityArcsec = 84381.448 + (t * (-46.8150 + (t * (-0.00059 + (t * 0.001813)))));
        var deltaPsi = deltaPsiArcsec / 3600.0;
        var deltaEps = deltaEpsArcsec / 3600.0;
        return new Nutation(deltaPsi, deltaEps, (meanObliquityArcsec / 3600.0) + deltaEps);
    }
}
