namespace AuroraStream.Core;

/// <summary>Where a frame came from: the file (or message source) and its 0-based index in it.</summary>
/// <param name="Source">File path or other source identifier.</param>
/// <param name="Index">0-based position of the frame in the source.</param>
public readonly record struct FrameOrigin(string Source, int Index)
{
    /// <inheritdoc />
    public override string ToString() => $"{Source}#{Index}";
}
