namespace AuroraStream.Formats.Cdf;

/// <summary>Limits for <see cref="CdfFile"/>.</summary>
public sealed class CdfReaderOptions
{
    /// <summary>Most dimensions a variable may declare (the CDF library's own limit).</summary>
    public const int MaxDimensions = 10;

    /// <summary>Shared defaults.</summary>
    public static CdfReaderOptions Default { get; } = new();

    /// <summary>Largest single record (or whole small variable read at once) accepted, in bytes.</summary>
    /// <value>Default 256 MiB: a THEMIS frame is 128 KiB; a 2024+ frame cube of an hour about 160 MB.</value>
    public long MaxRecordBytes { get; init; } = 256L * 1024 * 1024;

    internal void Validate()
    {
        if (MaxRecordBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRecordBytes), MaxRecordBytes, "CdfReaderOptions.MaxRecordBytes must be at least 1024.");
        }
    }
}
