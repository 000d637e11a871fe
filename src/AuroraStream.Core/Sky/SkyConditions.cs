namespace AuroraStream.Core.Sky;

/// <summary>
/// Where the Sun and Moon are in one site's sky at one instant, as computed by
/// <see cref="SkyEphemeris.At(double, double, DateTime)"/>.
/// </summary>
/// <remarks>
/// <para>Two elevations of each body: the positional ones are <b>geometric</b> (no refraction); the
/// <c>Apparent</c> ones add standard refraction (<see cref="Refraction"/>, as astronomy-engine's
/// <c>'normal'</c>). The outputs (<c>sun_elevation</c>, <c>moon_elevation</c>), the sky state and the moon
/// rule (<see cref="SkyConsistency"/>) all use the <b>apparent</b> elevations: they are what the issue's
/// examples quote (Gakona 2011-01-06 17:00:30 UT: sun -11.1, moon -16.3), and a reader sees a
/// <c>sky</c> tag that agrees with the <c>sun_elevation</c> beside it. Below the horizon the two differ
/// by 0.5-0.65 degree, a couple of minutes of time at auroral latitudes.</para>
/// </remarks>
/// <param name="SunElevationDeg">
/// Geometric topocentric elevation of the Sun's centre above the horizon plane, degrees, -90..90.
/// No atmospheric refraction is applied.
/// </param>
/// <param name="SunAzimuthDeg">Azimuth of the Sun, degrees east of geographic north, 0 (inclusive) to 360 (exclusive).</param>
/// <param name="MoonElevationDeg">
/// Geometric topocentric elevation of the Moon's centre, degrees, -90..90, corrected for parallax
/// (up to about 1 degree), without refraction.
/// </param>
/// <param name="MoonAzimuthDeg">Azimuth of the Moon, degrees east of geographic north, 0 (inclusive) to 360 (exclusive).</param>
/// <param name="MoonIlluminatedFraction">
/// Illuminated fraction of the Moon's disc as seen from the Earth's centre, 0 (new) to 1 (full), dimensionless.
/// </param>
public readonly record struct SkyConditions(
    double SunElevationDeg,
    double SunAzimuthDeg,
    double MoonElevationDeg,
    double MoonAzimuthDeg,
    double MoonIlluminatedFraction)
{
    /// <summary>Apparent sun elevation, degrees, below which the sky is <see cref="SkyState.Dark"/>.</summary>
    public const double DarkBelowSunElevationDeg = -12.0;

    /// <summary>Apparent sun elevation, degrees, from which the sky is <see cref="SkyState.Daylight"/>.</summary>
    public const double DaylightFromSunElevationDeg = 0.0;

    /// <summary>Apparent (refracted) elevation of the Sun's centre, degrees: <see cref="SunElevationDeg"/> plus <see cref="Refraction.AngleDeg(double)"/>.</summary>
    public double SunApparentElevationDeg => Refraction.Apparent(SunElevationDeg);

    /// <summary>Apparent (refracted) elevation of the Moon's centre, degrees: <see cref="MoonElevationDeg"/> plus <see cref="Refraction.AngleDeg(double)"/>.</summary>
    public double MoonApparentElevationDeg => Refraction.Apparent(MoonElevationDeg);

    /// <summary>The sky state from the <b>apparent</b> sun elevation (<see cref="StateOf(double)"/> of <see cref="SunApparentElevationDeg"/>).</summary>
    public SkyState Sky => StateOf(SunApparentElevationDeg);

    /// <summary>
    /// <see cref="SkyState.Dark"/> when the apparent sun elevation is &lt; -12, <see cref="SkyState.Twilight"/>
    /// when -12 &lt;= it &lt; 0, <see cref="SkyState.Daylight"/> when it is &gt;= 0. NaN counts as
    /// <see cref="SkyState.Dark"/>.
    /// </summary>
    /// <param name="sunApparentElevationDeg">Apparent elevation of the Sun's centre, degrees.</param>
    public static SkyState StateOf(double sunApparentElevationDeg) => sunApparentElevationDeg >= DaylightFromSunElevationDeg
        ? SkyState.Daylight
        : sunApparentElevationDeg >= DarkBelowSunElevationDeg ? SkyState.Twilight : SkyState.Dark;

    /// <summary>The lower-case tag of a sky state: <c>dark</c>, <c>twilight</c> or <c>daylight</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sky"/> is not a defined <see cref="SkyState"/>.</exception>
    public static string ToTag(SkyState sky) => sky switch
    {
        SkyState.Dark => "dark",
        SkyState.Twilight => "twilight",
        SkyState.Daylight => "daylight",
        _ => throw new ArgumentOutOfRangeException(nameof(sky), sky, "Not a defined sky state."),
    };

    /// <summary>
    /// Reads a tag written by <see cref="ToTag(SkyState)"/>: exactly <c>dark</c>, <c>twilight</c> or
    /// <c>daylight</c>, ignoring case and surrounding white space. Numbers and other names are rejected.
    /// </summary>
    /// <returns><see langword="true"/> and the state, or <see langword="false"/> and <see cref="SkyState.Dark"/>.</returns>
    public static bool TryParse(string? tag, out SkyState sky)
    {
        var trimmed = tag.AsSpan().Trim();
        if (trimmed.Equals("dark", StringComparison.OrdinalIgnoreCase))
        {
            sky = SkyState.Dark;
            return true;
        }

        if (trimmed.Equals("twilight", StringComparison.OrdinalIgnoreCase))
        {
            sky = SkyState.Twilight;
            return true;
        }

        if (trimmed.Equals("daylight", StringComparison.OrdinalIgnoreCase))
        {
            sky = SkyState.Daylight;
            return true;
        }

        sky = default;
        return false;
    }
}
