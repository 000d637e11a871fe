using AuroraStream.Core.Sky;

namespace AuroraStream.Core;

/// <summary>
/// A frame's label as the analysis reads it back: from the stream's outputs or from label files of
/// other models, so the label is any name (the OATH six, or e.g. <c>pulsating</c>, <c>no_aurora</c>).
/// </summary>
/// <param name="Site">Site code, lower case.</param>
/// <param name="Time">Capture time, UTC.</param>
/// <param name="Label">Label name, lower case.</param>
/// <param name="Confidence">Probability of the label, when known.</param>
/// <param name="Sky">The sky state stored with the label (the stream's <c>sky</c> column or tag), or null when the source has none or it is <c>unknown</c>.</param>
public readonly record struct LabelledFrame(string Site, DateTime Time, string Label, double? Confidence, SkyState? Sky = null);

/// <summary>A port that yields labelled frames (label files, InfluxDB, the stream's file store).</summary>
public interface ILabelSource
{
    /// <summary>A short description for reports (a path, a database).</summary>
    string Description { get; }

    /// <summary>Streams labelled frames, optionally limited to a time window and sites.</summary>
    IAsyncEnumerable<LabelledFrame> ReadLabelsAsync(LabelQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Which labels to read.</summary>
/// <param name="From">Inclusive start, or null for no limit.</param>
/// <param name="To">Exclusive end, or null for no limit.</param>
/// <param name="Sites">Site codes to keep (lower case); empty keeps all.</param>
public sealed record LabelQuery(DateTime? From = null, DateTime? To = null, IReadOnlySet<string>? Sites = null)
{
    /// <summary>Whether a frame passes the window and site filter.</summary>
    public bool Accepts(string site, DateTime time) =>
        (From is not { } f || time >= f) && (To is not { } t || time < t) && (Sites is not { Count: > 0 } s || s.Contains(site));
}
