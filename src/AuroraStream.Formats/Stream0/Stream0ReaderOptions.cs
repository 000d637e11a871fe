namespace AuroraStream.Formats.Stream0;

/// <summary>Limits and policy for <see cref="Stream0PgmReader"/>.</summary>
public sealed class Stream0ReaderOptions
{
    /// <summary>Shared defaults.</summary>
    public static Stream0ReaderOptions Default { get; } = new();

    /// <summary>
    /// Most bytes a gzip file may inflate to before it is refused.
    /// </summary>
    /// <value>Default 256 MiB: a one-minute THEMIS file is 2.6 MB, an hour of them 160 MB.</value>
    public long MaxDecompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most bytes one frame header (magic, comments, sizes) may take.</summary>
    /// <value>Default 64 KiB; real headers are under 2 KiB.</value>
    public int MaxHeaderBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Whether frames of other instruments in the same container (TREx, Rainbow, REGO) are refused.
    /// </summary>
    /// <value>Default true: AuroraStream classifies THEMIS ASI frames only.</value>
    public bool RequireThemisAsi { get; init; } = true;

    internal void Validate()
    {
        if (MaxDecompressedBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecompressedBytes), MaxDecompressedBytes, "Stream0ReaderOptions.MaxDecompressedBytes must be at least 1024.");
        }

        if (MaxHeaderBytes < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeaderBytes), MaxHeaderBytes, "Stream0ReaderOptions.MaxHeaderBytes must be at least 64.");
        }
    }
}
