namespace AuroraStream.Formats.Detection;

/// <summary>
/// Tells THEMIS ASI frames from the other UCalgary instruments that share the stream0 container
/// (TREx NIR, RGB and Blueline, the TREx spectrograph, REGO, the NORSTAR Rainbow colour imager).
/// </summary>
public static class ImagerProducts
{
    /// <summary>Width and height of a THEMIS ASI full-resolution frame.</summary>
    public const int ThemisFullSize = 256;

    private static readonly (string Prefix, string Name)[] KnownFamilies =
    [
        ("nir-", "TREx near-infrared imager"),
        ("spect-", "TREx spectrograph"),
        ("rgb-", "TREx RGB colour imager"),
        ("blue-", "TREx Blueline imager"),
        ("rego-", "REGO redline imager"),
        ("rainbow-", "NORSTAR Rainbow colour imager"),
        ("mosaic-", "mosaic product"),
    ];

    /// <summary>Whether an imager id names a THEMIS ASI camera (<c>themis</c> followed by its number).</summary>
    public static bool IsThemisImagerId(string? imager) =>
        imager is not null && imager.StartsWith("themis", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Null when the frame is a THEMIS ASI full-resolution frame; otherwise a sentence saying what
    /// it is instead, for the error message.
    /// </summary>
    public static string? DescribeIfNotThemisAsi(string? project, string? imager, int width, int height)
    {
        var dims = $"{width}x{height}";
        if (IsThemisImagerId(imager))
        {
            return width == ThemisFullSize && height == ThemisFullSize
                ? null
                : $"THEMIS imager '{imager}' with {dims} frames, but THEMIS ASI frames are {ThemisFullSize}x{ThemisFullSize}";
        }

        foreach (var (prefix, name) in KnownFamilies)
        {
            if (imager is not null && imager.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return $"a {name} (project '{project ?? "?"}', imager '{imager}', {dims} frames), not a THEMIS ASI frame";
            }
        }

        return $"an unknown imager (project '{project ?? "?"}', imager '{imager ?? "?"}', {dims} frames), not a THEMIS ASI frame";
    }
}
