using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Core.Sky;

namespace AuroraStream.Analysis;

/// <summary>
/// Which labelled frames an analysis uses: by default only frames under a dark sky (sun below -12
/// degrees, apparent), never frames labelled <c>uncertain</c> and, with a minimum confidence, only
/// labels given at or above it. Each frame's sky is the one stored
/// with its label (the stream's <c>sky</c> column or tag), else computed from its site's coordinates and
/// its time (label files of other models have no sky column); a frame whose site is not in the catalog
/// has an unknown sky. A frame read again (the same site and capture time, to the tick: overlapping
/// label files, one night classified twice) is counted once, the first label read kept, and repeats
/// whose label differs are counted as conflicts. Every frame left out is counted under one reason: a
/// repeat first, then its sky, then uncertainty, then confidence. Not thread-safe.
/// </summary>
/// <remarks>
/// The repeat check keeps every frame's time and label (about 40 bytes a frame) for the first
/// <see cref="RepeatCheckLimit"/> frames; beyond that frames are no longer checked, and
/// <see cref="Describe"/> says so.
/// </remarks>
/// <param name="sites">Site coordinates, for frames without a stored sky; null to use stored skies only.</param>
/// <param name="includeNonDark">Keep twilight, daylight and unknown-sky frames too (<c>--include-twilight</c>).</param>
/// <param name="minConfidence">Keep only labels whose confidence (the label's calibrated probability, as the stream writes it) is at least this, in (0, 1]; a row without a confidence is then left out too. Null keeps every confidence (<c>--min-confidence</c>).</param>
/// <exception cref="ArgumentOutOfRangeException"><paramref name="minConfidence"/> is not in (0, 1].</exception>
public sealed class SkySelection(SiteSky? sites, bool includeNonDark = false, double? minConfidence = null)
{
    private readonly double? _minConfidence = minConfidence is null or (> 0 and <= 1)
        ? minConfidence
        : throw new ArgumentOutOfRangeException(nameof(minConfidence), minConfidence, "a minimum confidence is a probability above 0 and at most 1");

    /// <summary>Frames whose time and label the repeat check keeps (about 400 MB at 40 bytes a frame).</summary>
    public const int RepeatCheckLimit = 10_000_000;

    private readonly long[] _byState = new long[3];
    private readonly Dictionary<string, Dictionary<long, int>> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _labels = new(StringComparer.OrdinalIgnoreCase);
    private long _remembered;

    /// <summary>Frames offered.</summary>
    public long Offered { get; private set; }

    /// <summary>Frames kept.</summary>
    public long Kept { get; private set; }

    /// <summary>Rows that repeat a frame already read (same site and capture time): left out, the first kept.</summary>
    public long Repeats { get; private set; }

    /// <summary>Of <see cref="Repeats"/>, those whose label differs from the first one read for the frame.</summary>
    public long ConflictingRepeats { get; private set; }

    /// <summary>Whether more frames were read than the repeat check keeps (<see cref="RepeatCheckLimit"/>): later ones were not checked.</summary>
    public bool RepeatCheckStopped { get; private set; }

    /// <summary>Frames read once each: <see cref="Offered"/> less <see cref="Repeats"/>.</summary>
    public long Distinct => Offered - Repeats;

    /// <summary>Frames excluded because their sky was twilight.</summary>
    public long ExcludedTwilight { get; private set; }

    /// <summary>Frames excluded because their sky was daylight.</summary>
    public long ExcludedDaylight { get; private set; }

    /// <summary>Frames excluded because their sky could not be known (no stored sky, site not in the catalog).</summary>
    public long ExcludedUnknown { get; private set; }

    /// <summary>Frames excluded because they were labelled <c>uncertain</c> (out of distribution).</summary>
    public long ExcludedUncertain { get; private set; }

    /// <summary>Frames excluded because their label's confidence was below <see cref="MinConfidence"/>.</summary>
    public long ExcludedLowConfidence { get; private set; }

    /// <summary>Frames excluded because a <see cref="MinConfidence"/> was set and their row had no confidence.</summary>
    public long ExcludedNoConfidence { get; private set; }

    /// <summary>The minimum confidence of a label kept; null when every confidence is kept.</summary>
    public double? MinConfidence => _minConfidence;

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
        if (IsRepeat(frame))
        {
            return false;
        }

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

        if (_minConfidence is { } minimum && !(frame.Confidence >= minimum))
        {
            if (frame.Confidence is null)
            {
                ExcludedNoConfidence++;
            }
            else
            {
                ExcludedLowConfidence++;
            }

            return false;
        }

        Kept++;
        return true;
    }

    /// <summary>Whether the frame (site, capture time) was read before; counts repeats and conflicting labels.</summary>
    private bool IsRepeat(LabelledFrame frame)
    {
        if (!_labels.TryGetValue(frame.Label, out var label))
        {
            label = _labels.Count;
            _labels.Add(frame.Label, label);
        }

        if (!_seen.TryGetValue(frame.Site, out var times))
        {
            times = [];
            _seen.Add(frame.Site, times);
        }

        if (times.TryGetValue(frame.Time.Ticks, out var first))
        {
            Repeats++;
            ConflictingRepeats += first == label ? 0 : 1;
            return true;
        }

        if (_remembered < RepeatCheckLimit)
        {
            times.Add(frame.Time.Ticks, label);
            _remembered++;
        }
        else
        {
            RepeatCheckStopped = true;
        }

        return false;
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
            RepeatNote,
            Invariant($"Sky of the {Distinct:N0} frames read: {_byState[(int)SkyState.Dark]:N0} dark, {_byState[(int)SkyState.Twilight]:N0} twilight, {_byState[(int)SkyState.Daylight]:N0} daylight, {Distinct - _byState.Sum():N0} unknown (sun elevation apparent; dark below -12 deg)"),
            includeNonDark
                ? "Sky filter: none (--include-twilight): twilight, daylight and unknown-sky frames are kept"
                : Invariant($"Excluded, sky not dark: {ExcludedSky:N0} frames ({ExcludedTwilight:N0} twilight, {ExcludedDaylight:N0} daylight, {ExcludedUnknown:N0} unknown: site not in the catalog); --include-twilight keeps them"),
            Invariant($"Excluded, labelled uncertain (out of the model's training distribution, pixel noise, daylight, or the Moon down for a moon label): {ExcludedUncertain:N0} frames"),
        };
        if (_minConfidence is { } minimum)
        {
            lines.Add(Invariant($"Excluded, confidence below {minimum:G6} (--min-confidence): {ExcludedLowConfidence + ExcludedNoConfidence:N0} frames ({ExcludedLowConfidence:N0} below it, {ExcludedNoConfidence:N0} without a confidence)"));
        }

        lines.Add(Invariant($"Frames analysed: {Kept:N0}"));
        return lines;
    }

    /// <summary>What the repeat check found, in one line.</summary>
    public string RepeatNote =>
        (Repeats == 0
            ? "Repeats (same site and capture time read more than once): none"
            : Invariant($"Repeats (same site and capture time read more than once): {Repeats:N0} rows left out, each frame counted once with the first label read; {ConflictingRepeats:N0} of them gave the frame a different label")) +
        (RepeatCheckStopped ? Invariant($" (checked over the first {RepeatCheckLimit:N0} frames only: memory)") : string.Empty);

    /// <summary>The confidence exclusion in a few words (<c> and 12 below confidence 0.9 (3 without one)</c>), or empty when no minimum is set.</summary>
    public string ConfidenceNote => _minConfidence is { } minimum
        ? Invariant($" and {ExcludedLowConfidence + ExcludedNoConfidence:N0} below confidence {minimum:G6} ({ExcludedNoConfidence:N0} without one)")
        : string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
