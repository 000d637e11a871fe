namespace AuroraStream.Core.Sky;

/// <summary>
/// How lit the sky is, from the Sun's apparent topocentric elevation (see <see cref="SkyConditions.Sky"/>).
/// </summary>
/// <remarks>
/// The -12 degree boundary is the end of nautical twilight, below which an all-sky imager's frame is
/// no longer dominated by scattered sunlight. It is applied to the apparent (refracted) elevation of the
/// Sun's centre, the same number the outputs write as <c>sun_elevation</c>, so a reader sees a tag that
/// agrees with it; on the geometric elevation the boundary comes 0.5 degree (a few minutes) later in the
/// evening.
/// </remarks>
public enum SkyState
{
    /// <summary>Sun elevation below -12 degrees.</summary>
    Dark = 0,

    /// <summary>Sun elevation from -12 degrees (inclusive) up to 0 degrees (exclusive).</summary>
    Twilight = 1,

    /// <summary>Sun elevation 0 degrees or higher.</summary>
    Daylight = 2,
}

/// <summary>The tag form of <see cref="SkyState"/>, as written to predictions and metrics.</summary>
public static class SkyStateExtensions
{
    /// <summary>The lower-case tag: <c>dark</c>, <c>twilight</c> or <c>daylight</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="SkyState"/>.</exception>
    public static string ToTag(this SkyState sky) => SkyConditions.ToTag(sky);
}
