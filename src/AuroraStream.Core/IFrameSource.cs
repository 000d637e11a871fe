namespace AuroraStream.Core;

/// <summary>A port that yields all-sky frames in source order.</summary>
public interface IFrameSource
{
    /// <summary>A short description of the source for messages (a path, a topic).</summary>
    string Description { get; }

    /// <summary>
    /// Streams frames. A failure after some frames were yielded surfaces as an exception from the
    /// enumerator once every complete frame before it has been yielded.
    /// </summary>
    IAsyncEnumerable<AllSkyFrame> ReadFramesAsync(CancellationToken cancellationToken = default);
}
