using AuroraStream.Core;
using AuroraStream.Core.Stream;

namespace AuroraStream.Influx;

/// <summary>
/// The stream's points as line protocol: <c>aurora_frame</c> (tags site, imager, label, model,
/// ut_hour, sky; fields p_arc..p_clear, p_aurora, confidence, class, aurora, sun_elevation,
/// moon_elevation, moon_illumination, ood_score, structure, uncertain_reason; time = capture time in ns)
/// and <c>aurora_event</c> (tags site, imager, model, kind; fields from, to, p_aurora, confidence).
/// A point is identified by measurement, tags and time, so writing a frame twice leaves one point.
/// </summary>
/// <remarks>
/// Three columns exist for the dashboards, because InfluxQL can neither aggregate a tag nor take
/// the hour of a timestamp: <c>ut_hour</c> (tag, "00".."23", the capture's UT hour, for occurrence
/// by hour of day), <c>class</c> (string field, the same value as the label tag, for state
/// timelines) and <c>aurora</c> (integer field, 1 when the label is arc, diffuse or discrete, so
/// <c>mean("aurora")</c> is the aurora fraction).
/// <para>The label (tag <c>label</c> and field <c>class</c>) is <see cref="FramePrediction.LabelName"/>:
/// <c>uncertain</c> for a frame the model's out-of-distribution score rejects, whose most probable class
/// the sky rules out, whose input is pixel noise, or taken in daylight (its six probabilities are still
/// written, with <c>ood_score</c>, <c>structure</c>, the input's lag-1 autocorrelation, below 0.1 for
/// noise, and <c>uncertain_reason</c>, <see cref="FramePrediction.UncertainReason"/>). An uncertain frame has no <c>aurora</c> field, so the aurora
/// fraction is taken over the frames the model is sure of. The tag <c>sky</c> is <c>dark</c>,
/// <c>twilight</c>, <c>daylight</c> or <c>unknown</c> (site not in the catalog, and then no
/// sun/moon fields); <c>sun_elevation</c> and <c>moon_elevation</c> are apparent (refracted) elevations in
/// degrees, <c>moon_illumination</c> the Moon's illuminated fraction 0..1.</para>
/// </remarks>
public static class AuroraPoints
{
    /// <summary>Measurement of labelled frames.</summary>
    public const string FrameMeasurement = "aurora_frame";

    /// <summary>Measurement of events.</summary>
    public const string EventMeasurement = "aurora_event";

    private static readonly string[] HourTags = [.. Enumerable.Range(0, 24).Select(h => h.ToString("00", System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Appends one frame's point.</summary>
    public static void Append(LineBuilder lines, ClassifiedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(frame);
        var p = frame.Prediction;
        lines.Measurement(FrameMeasurement)
            .Tag("site", frame.Site).Tag("imager", frame.Imager).Tag("label", p.LabelName).Tag("model", frame.Model)
            .Tag("ut_hour", UtHour(frame.CaptureTimeUnixNanoseconds)).Tag("sky", frame.SkyTag);
        foreach (var c in AuroraClasses.All)
        {
            lines.Field($"p_{c.ToLabel()}", Math.Round((double)p[c], 6));
        }

        lines.Field("p_aurora", Math.Round((double)p.AuroraProbability, 6))
            .Field("confidence", Math.Round((double)p.Confidence, 6))
            .Field("class", p.LabelName);
        if (!p.IsUncertain)
        {
            lines.Field("aurora", p.Label.IsAurora() ? 1L : 0L);
        }

        if (frame.Sky is { } sky)
        {
            lines.Field("sun_elevation", Math.Round(sky.SunApparentElevationDeg, 3))
                .Field("moon_elevation", Math.Round(sky.MoonApparentElevationDeg, 3))
                .Field("moon_illumination", Math.Round(sky.MoonIlluminatedFraction, 4));
        }

        if (p.OodScore is { } ood && double.IsFinite(ood))
        {
            lines.Field("ood_score", Math.Round(ood, 6));
        }

        if (p.Structure is { } structure && double.IsFinite(structure))
        {
            lines.Field("structure", Math.Round(structure, 4));
        }

        if (p.UncertainReason is { } reason)
        {
            lines.Field("uncertain_reason", reason);
        }

        lines.Timestamp(frame.CaptureTimeUnixNanoseconds);
    }

    /// <summary>
    /// Why a frame's point cannot be written as line protocol (a tag value ending in a backslash, a
    /// line break, a probability that is not finite...), or null when it can.
    /// </summary>
    public static string? Check(ClassifiedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        try
        {
            Append(new LineBuilder(), frame);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>The UT hour of a time as the <c>ut_hour</c> tag writes it: "00".."23".</summary>
    public static string UtHour(long unixNanoseconds)
    {
        var hour = (int)((unixNanoseconds % (24 * 3600 * 1_000_000_000L) + 24 * 3600 * 1_000_000_000L) % (24 * 3600 * 1_000_000_000L) / (3600 * 1_000_000_000L));
        return HourTags[hour];
    }

    /// <summary>Appends one event's point.</summary>
    public static void Append(LineBuilder lines, AuroraEvent e)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(e);
        lines.Measurement(EventMeasurement)
            .Tag("site", e.Site).Tag("imager", e.Imager).Tag("model", e.Model).Tag("kind", Kind(e.Kind))
            .Field("from", e.From.ToLabel())
            .Field("to", e.To.ToLabel())
            .Field("p_aurora", Math.Round(e.AuroraProbability, 6))
            .Field("confidence", Math.Round(e.Confidence, 6))
            .Timestamp(e.TimeUnixNanoseconds);
    }

    /// <summary>The event kind as written: onset, end, label_change.</summary>
    public static string Kind(AuroraEventKind kind) => kind switch
    {
        AuroraEventKind.Onset => "onset",
        AuroraEventKind.End => "end",
        AuroraEventKind.LabelChange => "label_change",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>Writes the stream's points to InfluxDB, split into requests of at most <c>maxPointsPerRequest</c>.</summary>
public sealed class InfluxPredictionSink(InfluxConnectionOptions options, InfluxRetryOptions? retry = null, int maxPointsPerRequest = 5000) : IPredictionSink
{
    private readonly InfluxWriter _writer = new(options, retry);

    /// <inheritdoc />
    public string Description => $"InfluxDB {options}";

    /// <inheritdoc />
    public async Task<SinkWriteResult> WriteAsync(IReadOnlyList<ClassifiedFrame> frames, IReadOnlyList<AuroraEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(events);
        var lines = new LineBuilder();
        var points = 0;
        foreach (var frame in frames)
        {
            AuroraPoints.Append(lines, frame);
            if (++points == maxPointsPerRequest && await FlushAsync(lines, cancellationToken).ConfigureAwait(false) is { } rejected)
            {
                return new SinkWriteResult(rejected);
            }

            points %= maxPointsPerRequest;
        }

        foreach (var e in events)
        {
            AuroraPoints.Append(lines, e);
        }

        return new SinkWriteResult(await FlushAsync(lines, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public string? CheckWritable(ClassifiedFrame frame) => AuroraPoints.Check(frame);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string?> FlushAsync(LineBuilder lines, CancellationToken cancellationToken)
    {
        if (lines.Length == 0)
        {
            return null;
        }

        var outcome = await _writer.WriteAsync(lines.ToString(), cancellationToken).ConfigureAwait(false);
        lines.Clear();
        return outcome.Rejected;
    }
}
