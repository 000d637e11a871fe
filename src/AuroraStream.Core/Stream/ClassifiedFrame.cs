using AuroraStream.Core.Sky;

namespace AuroraStream.Core.Stream;

/// <summary>A frame the stream has labelled: what is written as one <c>aurora_frame</c> point.</summary>
/// <param name="Site">Site code, lower case.</param>
/// <param name="Imager">Imager name.</param>
/// <param name="CaptureTimeUnixNanoseconds">Capture time, ns since the Unix epoch (the point's timestamp).</param>
/// <param name="Model">Model name (from its card).</param>
/// <param name="Prediction">The classifier's output.</param>
/// <param name="Origin">Source file and frame index.</param>
/// <param name="Sky">Sun and Moon over the site at the capture time, or null when the site's coordinates are unknown.</param>
public sealed record ClassifiedFrame(string Site, string Imager, long CaptureTimeUnixNanoseconds, string Model, FramePrediction Prediction, FrameOrigin Origin, SkyConditions? Sky = null)
{
    /// <summary>The <c>sky</c> tag: <c>dark</c>, <c>twilight</c>, <c>daylight</c> or <c>unknown</c>.</summary>
    public string SkyTag => SiteSky.Tag(Sky);

    /// <summary>Whether the sky is known to be dark (sun below -12 degrees).</summary>
    public bool IsDark => Sky is { Sky: SkyState.Dark };

    /// <summary>Capture time, UTC (100 ns resolution).</summary>
    public DateTime CaptureTime => DateTime.UnixEpoch.AddTicks(CaptureTimeUnixNanoseconds / 100);
}

/// <summary>What changed at a site.</summary>
public enum AuroraEventKind
{
    /// <summary>Aurora began: the aurora probability rose above the onset threshold and stayed there.</summary>
    Onset,

    /// <summary>Aurora ended: the aurora probability fell below the end threshold and stayed there.</summary>
    End,

    /// <summary>The stable label changed.</summary>
    LabelChange,
}

/// <summary>A per-site state change, written as one <c>aurora_event</c> point at the time of the frame that confirmed it.</summary>
/// <param name="Site">Site code.</param>
/// <param name="Imager">Imager name.</param>
/// <param name="TimeUnixNanoseconds">Capture time of the confirming frame, ns since the Unix epoch.</param>
/// <param name="Model">Model name.</param>
/// <param name="Kind">What changed.</param>
/// <param name="From">Stable label before.</param>
/// <param name="To">Stable label after.</param>
/// <param name="AuroraProbability">Mean aurora probability over the confirming frames.</param>
/// <param name="Confidence">Mean probability of the new label over the confirming frames.</param>
public sealed record AuroraEvent(string Site, string Imager, long TimeUnixNanoseconds, string Model, AuroraEventKind Kind, AuroraClass From, AuroraClass To, double AuroraProbability, double Confidence);
