using System.Globalization;
using AuroraStream.Core;

namespace AuroraStream.Cli.Commands;

/// <summary>
/// The frames of one file that <c>inspect</c> and <c>classify</c> refuse because their site or imager
/// is not one AuroraStream accepts (<see cref="FrameIdentity"/>; the stream dead-letters them), named
/// in one error line per file rather than printed as if they were good.
/// </summary>
internal sealed class FrameRefusals(string path)
{
    private int _count;
    private string? _first;

    /// <summary>Whether the frame is refused (and counted).</summary>
    public bool Refuses(AllSkyFrame frame)
    {
        if (FrameIdentity.Problem(frame) is not { } problem)
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
