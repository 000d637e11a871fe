namespace AuroraStream.Core.Stream;

/// <summary>Hysteresis of the event detector.</summary>
public sealed class AuroraEventOptions
{
    /// <summary>Aurora probability at or above which a frame counts towards an onset.</summary>
    /// <value>Default 0.6.</value>
    public double OnsetProbability { get; init; } = 0.6;

    /// <summary>Aurora probability at or below which a frame counts towards an end.</summary>
    /// <value>Default 0.4.</value>
    public double EndProbability { get; init; } = 0.4;

    /// <summary>Consecutive frames that must agree before a change is reported (3 frames = 9 s at THEMIS cadence).</summary>
    /// <value>Default 3.</value>
    public int ConfirmFrames { get; init; } = 3;

    /// <summary>Checks the settings.</summary>
    public void Validate()
    {
        if (!(EndProbability >= 0 && EndProbability < OnsetProbability && OnsetProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(OnsetProbability), $"AuroraEventOptions: need 0 <= EndProbability ({EndProbability}) < OnsetProbability ({OnsetProbability}) <= 1.");
        }

        if (ConfirmFrames is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(ConfirmFrames), ConfirmFrames, "AuroraEventOptions.ConfirmFrames must be within 1..1000.");
        }
    }
}

/// <summary>
/// Turns each site's labelled frames into events with hysteresis, so flicker does not spam: aurora
/// onset when <see cref="AuroraEventOptions.ConfirmFrames"/> consecutive frames have an aurora
/// probability of at least the onset threshold, end when as many are at most the end threshold
/// (between the two nothing changes); a label change when a new label is the top class of as many
/// consecutive frames. Frames must arrive per site in capture order; a frame not later than the
/// site's last one (a redelivery, or late) is ignored, so replays emit the same events at the same
/// timestamps. The first frames of a site set its state without an event. Not thread-safe.
/// </summary>
public sealed class AuroraEventDetector
{
    private readonly AuroraEventOptions _options;
    private readonly Dictionary<string, SiteState> _sites = new(StringComparer.Ordinal);

    /// <summary>Creates a detector.</summary>
    public AuroraEventDetector(AuroraEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Feeds a frame; returns the events it confirms (none, one or two).</summary>
    public IReadOnlyList<AuroraEvent> Observe(ClassifiedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!_sites.TryGetValue(frame.Site, out var state))
        {
            state = new SiteState();
            _sites.Add(frame.Site, state);
        }

        if (frame.CaptureTimeUnixNanoseconds <= state.LastTime)
        {
            return [];
        }

        state.LastTime = frame.CaptureTimeUnixNanoseconds;
        var events = new List<AuroraEvent>(0);
        var p = frame.Prediction.AuroraProbability;

        // Aurora presence with two thresholds.
        var vote = p >= _options.OnsetProbability ? true : p <= _options.EndProbability ? false : (bool?)null;
        if (vote is { } v && (state.Aurora is null || v != state.Aurora))
        {
            state.PresenceRun = state.PresenceCandidate == v ? state.PresenceRun + 1 : 1;
            state.PresenceSum = state.PresenceCandidate == v ? state.PresenceSum + p : p;
            state.PresenceCandidate = v;
            if (state.PresenceRun >= _options.ConfirmFrames)
            {
                if (state.Aurora is not null)
                {
                    events.Add(Event(frame, v ? AuroraEventKind.Onset : AuroraEventKind.End, state.Label ?? frame.Prediction.Label, frame.Prediction.Label, state.PresenceSum / state.PresenceRun, frame.Prediction.Confidence));
                }

                state.Aurora = v;
                state.PresenceRun = 0;
                state.PresenceCandidate = null;
            }
        }
        else
        {
            state.PresenceRun = 0;
            state.PresenceCandidate = null;
        }

        // Stable label.
        var label = frame.Prediction.Label;
        if (state.Label != label)
        {
            state.LabelRun = state.LabelCandidate == label ? state.LabelRun + 1 : 1;
            state.LabelConfidence = state.LabelCandidate == label ? state.LabelConfidence + frame.Prediction.Confidence : frame.Prediction.Confidence;
            state.LabelAurora = state.LabelCandidate == label ? state.LabelAurora + p : p;
            state.LabelCandidate = label;
            if (state.LabelRun >= _options.ConfirmFrames)
            {
                if (state.Label is { } from)
                {
                    events.Add(Event(frame, AuroraEventKind.LabelChange, from, label, state.LabelAurora / state.LabelRun, state.LabelConfidence / state.LabelRun));
                }

                state.Label = label;
                state.LabelRun = 0;
                state.LabelCandidate = null;
            }
        }
        else
        {
            state.LabelRun = 0;
            state.LabelCandidate = null;
        }

        return events;
    }

    private static AuroraEvent Event(ClassifiedFrame frame, AuroraEventKind kind, AuroraClass from, AuroraClass to, double aurora, double confidence) =>
        new(frame.Site, frame.Imager, frame.CaptureTimeUnixNanoseconds, frame.Model, kind, from, to, aurora, confidence);

    private sealed class SiteState
    {
        public long LastTime { get; set; } = long.MinValue;

        public bool? Aurora { get; set; }

        public bool? PresenceCandidate { get; set; }

        public int PresenceRun { get; set; }

        public double PresenceSum { get; set; }

        public AuroraClass? Label { get; set; }

        public AuroraClass? LabelCandidate { get; set; }

        public int LabelRun { get; set; }

        public double LabelConfidence { get; set; }

        public double LabelAurora { get; set; }
    }
}
