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

    /// <summary>
    /// Longest gap between a site's consecutive frames over which its state is kept. After a longer gap
    /// (the imager stopped for the day, a data outage, an archive replay jumping to another night) the
    /// site starts afresh, as at the start of the stream: what the sky did before the gap says nothing
    /// about now, so no event compares the two.
    /// </summary>
    /// <value>Default 5 minutes (100 frames at the THEMIS cadence of 3 s).</value>
    public TimeSpan MaxGap { get; init; } = TimeSpan.FromMinutes(5);

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

        if (MaxGap <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGap), MaxGap, "AuroraEventOptions.MaxGap must be positive.");
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
/// timestamps. The first frames of a site set its state without an event, and so do the first frames
/// after a gap longer than <see cref="AuroraEventOptions.MaxGap"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// <para>Onsets come only from frames whose sky is known to be dark (<see cref="ClassifiedFrame.IsDark"/>)
/// and whose prediction is not uncertain: twilight, daylight and unknown-sky frames neither start nor
/// confirm an onset (scattered sunlight, or no way of knowing, makes their aurora probability meaningless
/// for an onset). Such a frame with an aurora probability at or below the end threshold still votes for an
/// end, so an aurora in progress when the sky brightens ends once the frames no longer show it; one above
/// the end threshold interrupts a run of onset votes (as a frame between the thresholds does). Their labels
/// take part in label changes as usual.</para>
/// <para>An uncertain frame (<see cref="FramePrediction.IsUncertain"/>) votes for nothing: it interrupts a
/// run of onset or end votes and a run of a new label, so neither an onset, an end nor a label change is
/// confirmed across it.</para>
/// </remarks>
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

        if (state.LastTime != long.MinValue && frame.CaptureTimeUnixNanoseconds - state.LastTime > _options.MaxGap.Ticks * 100)
        {
            state.Forget();
        }

        state.LastTime = frame.CaptureTimeUnixNanoseconds;
        var events = new List<AuroraEvent>(0);
        var p = frame.Prediction.AuroraProbability;
        if (frame.Prediction.IsUncertain)
        {
            state.Presence.Reset();
            state.LabelRun.Reset();
            return events;
        }

        // Aurora presence with two thresholds: between them nothing changes. Only a dark sky votes for aurora.
        var vote = p >= _options.OnsetProbability ? (frame.IsDark ? true : (bool?)null) : p <= _options.EndProbability ? false : (bool?)null;
        if (vote is { } v && v != state.Aurora)
        {
            if (state.Presence.Confirm(v, p, 0, _options.ConfirmFrames))
            {
                if (state.Aurora is not null)
                {
                    events.Add(Event(frame, v ? AuroraEventKind.Onset : AuroraEventKind.End, state.Label ?? frame.Prediction.Label, frame.Prediction.Label, state.Presence.MeanA, frame.Prediction.Confidence));
                }

                state.Aurora = v;
                state.Presence.Reset();
            }
        }
        else
        {
            state.Presence.Reset();
        }

        // Stable label.
        var label = frame.Prediction.Label;
        if (state.Label != label)
        {
            if (state.LabelRun.Confirm(label, frame.Prediction.Confidence, p, _options.ConfirmFrames))
            {
                if (state.Label is { } from)
                {
                    events.Add(Event(frame, AuroraEventKind.LabelChange, from, label, state.LabelRun.MeanB, state.LabelRun.MeanA));
                }

                state.Label = label;
                state.LabelRun.Reset();
            }
        }
        else
        {
            state.LabelRun.Reset();
        }

        return events;
    }

    private static AuroraEvent Event(ClassifiedFrame frame, AuroraEventKind kind, AuroraClass from, AuroraClass to, double aurora, double confidence) =>
        new(frame.Site, frame.Imager, frame.CaptureTimeUnixNanoseconds, frame.Model, kind, from, to, aurora, confidence);

    private sealed class SiteState
    {
        public long LastTime { get; set; } = long.MinValue;

        public bool? Aurora { get; set; }

        public AuroraClass? Label { get; set; }

        public Run<bool> Presence { get; } = new();

        public Run<AuroraClass> LabelRun { get; } = new();

        /// <summary>Back to the state of a site never seen (but for <see cref="LastTime"/>).</summary>
        public void Forget()
        {
            Aurora = null;
            Label = null;
            Presence.Reset();
            LabelRun.Reset();
        }
    }

    /// <summary>Consecutive frames voting for one candidate state, with the sums of two values over them.</summary>
    private sealed class Run<T>
        where T : struct
    {
        private T? _candidate;
        private int _count;
        private double _sumA;
        private double _sumB;

        public double MeanA => _sumA / _count;

        public double MeanB => _sumB / _count;

        /// <summary>Counts a vote; true once <paramref name="confirm"/> consecutive votes agree.</summary>
        public bool Confirm(T value, double a, double b, int confirm)
        {
            if (_candidate is { } c && EqualityComparer<T>.Default.Equals(c, value))
            {
                _count++;
                _sumA += a;
                _sumB += b;
            }
            else
            {
                _candidate = value;
                _count = 1;
                _sumA = a;
                _sumB = b;
            }

            return _count >= confirm;
        }

        public void Reset()
        {
            _candidate = null;
            _count = 0;
            _sumA = 0;
            _sumB = 0;
        }
    }
}
