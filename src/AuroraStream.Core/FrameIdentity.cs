namespace AuroraStream.Core;

/// <summary>
/// What AuroraStream accepts as a frame's site code and imager id. The stream checks every frame
/// against these rules when it is decoded, so a value no sink can store (a trailing backslash, a line
/// break, a comma, a 2 KB string) is dead-lettered with the reason instead of stopping the stream.
/// </summary>
/// <remarks>
/// <para>Site: exactly four ASCII letters a-z, the form of every THEMIS, REGO and TREx site code
/// (<c>gill</c>, <c>fsmi</c>, <c>kuuj</c>; UCalgary's <c>asi_locations.csv</c> and the stream0 file
/// names). <see cref="AllSkyFrame"/> lower-cases it, so <c>GILL</c> in a header passes.</para>
/// <para>Imager: 1 to <see cref="MaxImagerLength"/> characters, ASCII lower-case letters, digits and
/// '-', starting with a letter: stream0 "Imager unique ID"s (<c>themis19</c>, <c>nir-216</c>,
/// <c>rainbow-08</c>) and the L1 CDF products (<c>themis-asf</c>, <c>themis-ast</c>). Whether the
/// imager is a THEMIS ASI is the frame codec's question, not this one.</para>
/// <para>Every accepted value is a valid InfluxDB line-protocol tag value needing no escape and a
/// CSV field needing no quotes (a property test writes and reads them back).</para>
/// </remarks>
public static class FrameIdentity
{
    /// <summary>Length of a site code.</summary>
    public const int SiteLength = 4;

    /// <summary>Longest imager id accepted.</summary>
    public const int MaxImagerLength = 32;

    /// <summary>Why <paramref name="site"/> is not a site code, or null when it is one.</summary>
    public static string? SiteProblem(string? site)
    {
        if (site is not null && site.Length == SiteLength && site.All(char.IsAsciiLetterLower))
        {
            return null;
        }

        return $"site {Quote(site)} is not a site code: expected {SiteLength} lower-case ASCII letters, as THEMIS uses (e.g. gill)";
    }

    /// <summary>Why <paramref name="imager"/> is not an imager id, or null when it is one.</summary>
    public static string? ImagerProblem(string? imager)
    {
        if (imager is { Length: > 0 and <= MaxImagerLength } && char.IsAsciiLetterLower(imager[0])
            && imager.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return null;
        }

        return $"imager {Quote(imager)} is not an imager id: expected 1-{MaxImagerLength} ASCII lower-case letters, digits or '-', starting with a letter (e.g. themis19)";
    }

    /// <summary>The first problem of a frame's site and imager, or null when both are accepted.</summary>
    public static string? Problem(AllSkyFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return SiteProblem(frame.Site) ?? ImagerProblem(frame.Imager);
    }

    /// <summary>
    /// A value as a message shows it: at most 40 characters, control characters as <c>\xNN</c> and
    /// anything outside printable ASCII as <c>\uNNNN</c>, so a header's stray byte reads the same in
    /// every terminal and log instead of as whatever the viewer's encoding makes of it.
    /// </summary>
    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var text = string.Concat(value.Take(40).Select(c => char.IsControl(c) && c < 0x80 ? $"\\x{(int)c:X2}" : c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
        return value.Length > 40 ? $"'{text}...' ({value.Length} characters)" : $"'{text}'";
    }
}
