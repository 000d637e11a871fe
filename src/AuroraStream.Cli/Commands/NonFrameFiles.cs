using System.Globalization;
using AuroraStream.Formats.Detection;
using AuroraStream.Formats.IdlSave;
using AuroraStream.Formats.Oath;

namespace AuroraStream.Cli.Commands;

/// <summary>
/// What <c>inspect</c> and <c>classify</c> say about a file found in a folder that holds no frames:
/// a skymap or an OATH PNG is described, anything else is an unrecognised file, skipped.
/// </summary>
internal static class NonFrameFiles
{
    /// <summary>The note for a file of no frame-bearing kind, after its path.</summary>
    public const string Unrecognised = "unrecognised file (not stream0 PGM, CDF, IDL SAVE or PNG): skipped";

    /// <summary>
    /// The description of a file that holds no frames; reading a skymap or a PNG may throw
    /// <see cref="InvalidDataException"/> or <see cref="IOException"/>.
    /// </summary>
    public static string Describe(string path, AsiFileKind kind) => kind switch
    {
        AsiFileKind.IdlSave => DescribeSkymap(path),
        AsiFileKind.Png => DescribePng(path),
        _ => Unrecognised,
    };

    /// <summary>The summary's words for the unrecognised files skipped in folders.</summary>
    public static string Skipped(int count) => string.Create(CultureInfo.InvariantCulture, $"{count} unrecognised file(s) in folders skipped");

    private static string DescribeSkymap(string path)
    {
        var s = ThemisSkymap.Read(path);
        var outside = s.FullElevation.Count(float.IsNaN);
        return string.Create(CultureInfo.InvariantCulture, $"skymap for {s.Site} {s.Imager}, valid from {s.ValidFrom:yyyy-MM-dd'T'HH'Z'}, {s.Width}x{s.Height}, {outside} pixels outside the field of view (no frames)");
    }

    private static string DescribePng(string path)
    {
        var png = PngImage.Decode(File.ReadAllBytes(path), path);
        return $"PNG image {png.Width}x{png.Height}, {png.BitDepth}-bit, {png.Channels} channel(s) (an OATH image has no capture time: no frames)";
    }
}
