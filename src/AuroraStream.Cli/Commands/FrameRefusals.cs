using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Formats.Detection;

namespace AuroraStream.Cli.Commands;

/// <summary>
/// The frames of one file that <c>inspect</c> and <c>classify</c> refuse because their site or imager
/// is not one AuroraStream accepts (<see cref="FrameIdentity"/>; the stream dead-letters them), and,
/// with <paramref name="fullSizeOnly"/> (<c>classify</c>), frames that are not 256x256 (the stream's
/// default dimensions: a 32x32 L1 thumbnail shows no form a label could be given for), and frames whose
/// capture time <paramref name="captureTimeProblem"/> rejects (<c>classify</c>: the stream's plausible
/// window, 2004 to a day ahead, so that a year-1800 or 2099 frame gets no label and no sky), named in one
/// error line per file rather than printed as if they were good.
/// </summary>
internal sealed class FrameRefusals(string path, bool fullSizeOnly = false, Func<DateTime, string?>? captureTimeProblem = null)
{
    private int _count;
    private string? _first;

    /// <summary>Whether the frame is refused (and counted).</summary>
    public bool Refuses(AllSkyFrame frame)
    {
        var problem = FrameIdentity.Problem(frame)
            ?? (fullSizeOnly && (frame.Width != ImagerProducts.ThemisFullSize || frame.Height != ImagerProducts.ThemisFullSize)
                ? string.Create(CultureInfo.InvariantCulture, $"wrong dimensions: {frame.Width}x{frame.Height}, expected {ImagerProducts.ThemisFullSize}x{ImagerProducts.ThemisFullSize}, as the stream does (thumbnails are not classified)")
                : null)
            ?? captureTimeProblem?.Invoke(frame.CaptureTime);
        if (problem is null)
        {
            return false;
        }

        _count++;
        _first ??= string.Create(CultureInfo.InvariantCulture, $"frame {frame.Origin.Index}: {problem}");
        return true;
    }

    /// <summary>The error line for the file, or null when nothing was refused.</summary>
    public string? Message => _first is null
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"{path}: {_first}{(_count > 1 ? $" ({_count} frames refused)" : string.Empty)}");
}
