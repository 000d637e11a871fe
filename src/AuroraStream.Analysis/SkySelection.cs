using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Core.Sky;

namespace AuroraStream.Analysis;

/// <summary>
/// Which labelled frames an analysis uses: by default only frames under a dark sky (sun below -12
/// degrees, apparent), and never frames labelled <c>uncertain</c>. Each frame's sky is the one stored
/// with its label (the stream's <c>sky</c> column or tag), else computed from its site's coordinates and
/// its time (label files of other models have no sky column); a frame whose site is not in the catalog
/// has an unknown sky. Every frame left out is counted under one reason: its sky first, then uncertainty.
/// Not thread-safe.
/// </summary>
/// <param name="sites">Site coordinates, for frames without a stored sky; null to use stored skies only.</param>
/// <param name="includeNonDark">Keep twilight, daylight and unknown-sky frames too (<c>--include-twilight</c>).</param>
public sealed class SkySelection(SiteSky? sites, bool includeNonDark = false)
{
    private readonly long[] _byState = new long[3];

    /// <summary>Frames offered.</summary>
    public long Offered { get; private set; }

    /// <summary>Frames kept.</summary>
    public long Kept { get; private set; }

    /// <summary>Frames excluded because their sky was twilight.</summary>
    public long ExcludedTwilight { get; private set; }

    /// <summary>Frames excluded because their sky was daylight.</summary>
    public long ExcludedDaylight { get; private set; }

    /// <summary>Frames excluded because their sky could not be known (no stored sky, site not in the catalog).</summary>
    public long ExcludedUnknown { get; private set; }

    /// <summary>Frames excluded because they were labelled <c>uncertain</c> (out of distribution).</summary>
    public long ExcludedUncertain { get; private set; }

    /// <summary>Frames excluded for their sky, all reasons.</summary>
    public long ExcludedSky => ExcludedTwilight + ExcludedDaylight + ExcludedUnknown;

    /// <summary>Whether twilight, daylight and unknown-sky frames are kept.</summary>
    public bool IncludeNonDark => includeNonDark;

    /// <summary>The sky of a frame: stored, else computed; null when unknown.</summary>
    public SkyState? SkyOf(LabelledFrame frame) => frame.Sky ?? sites?.At(frame.Site, frame.Time)?.Sky;

    /// <summary>Counts a frame and says whether the analysis uses it.</summary>
    public bool Accept(LabelledFrame frame)
    {
        Offered++;
        var sky = SkyOf(frame);
        if (sky is { } known)
        {
            _byState[(int)known]++;
        }

        if (!includeNonDark && sky is not SkyState.Dark)
        {
            switch (sky)
            {
                case SkyState.Twilight: ExcludedTwilight++; break;
                case SkyState.Daylight: ExcludedDaylight++; break;
                default: ExcludedUnknown++; break;
            }

            return false;
        }

        if (string.Equals(frame.Label, FramePrediction.UncertainLabel, StringComparison.OrdinalIgnoreCase))
        {
            ExcludedUncertain++;
            return false;
        }

        Kept++;
        return true;
    }

    /// <summary>Wraps an analysis' <c>Add</c> so that it sees only the frames kept.</summary>
    public Action<LabelledFrame> Before(Action<LabelledFrame> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        return frame =>
        {
            if (Accept(frame))
            {
                add(frame);
            }
        };
    }

    /// <summary>Lines for the report and the console: what was left out and why.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>
        {
            Invariant($"Sky of the {Offered:N0} frames read: {_byState[(int)SkyState.Dark]:N0} dark, {_byState[(int)SkyState.Twilight]:N0} twilight, {_byState[(int)SkyState.Daylight]:N0} daylight, {Offered - _byState.Sum():N0} unknown (sun elevation apparent; dark below -12 deg)"),
            includeNonDark
                ? "Sky filter: none (--include-twilight): twilight, daylight and unknown-sky frames are kept"
                : Invariant($"Excluded, sky not dark: {ExcludedSky:N0} frames ({ExcludedTwilight:N0} twilight, {ExcludedDaylight:N0} daylight, {ExcludedUnknown:N0} unknown: site not in the catalog); --include-twilight keeps them"),
            Invariant($"Excluded, labelled uncertain (out of the model's training distribution): {ExcludedUncertain:N0} frames"),
            Invariant($"Frames analysed: {Kept:N0}"),
        };
        return lines;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
