using System.Globalization;
using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Oath;

/// <summary>A run of OATH picture numbers taken at one station on one UT date.</summary>
/// <param name="Station">THEMIS site code, lower case.</param>
/// <param name="Date">UT date of the frames.</param>
/// <param name="FirstPicture">First picture number of the run (inclusive).</param>
/// <param name="LastPicture">Last picture number of the run (inclusive).</param>
public sealed record OathOriginBlock(string Station, DateOnly Date, int FirstPicture, int LastPicture)
{
    /// <summary>The station-night key, e.g. <c>inuv-2013-01-07</c>.</summary>
    public string StationNight => string.Create(CultureInfo.InvariantCulture, $"{Station}-{Date:yyyy-MM-dd}");
}

/// <summary>
/// Where each OATH image came from: <c>files_origin_blocks.csv</c> (<c>station,date,first_utc,last_utc,picnum_first,picnum_last</c>),
/// the runs of OATH v1.1 <c>images/files_origin.csv</c> (Clausen &amp; Nickisch 2018) grouped by station and UT date.
/// Used to hold out whole station-nights.
/// </summary>
public sealed class OathOrigins
{
    /// <summary>File name looked for in an OATH folder.</summary>
    public const string BlocksFile = "files_origin_blocks.csv";

    private const string Header = "station,date,first_utc,last_utc,picnum_first,picnum_last";

    private OathOrigins(IReadOnlyList<OathOriginBlock> blocks) => Blocks = blocks;

    /// <summary>The runs, in file order.</summary>
    public IReadOnlyList<OathOriginBlock> Blocks { get; }

    /// <summary>Reads the blocks file of an OATH folder, or returns null when the folder has none.</summary>
    /// <exception cref="InvalidDataException">A malformed file; the message names the file and line.</exception>
    public static OathOrigins? TryLoad(string root)
    {
        var path = Path.Combine(root, BlocksFile);
        return File.Exists(path) ? Read(path) : null;
    }

    /// <summary>Reads a blocks file.</summary>
    /// <exception cref="InvalidDataException">A malformed file; the message names the file and line.</exception>
    public static OathOrigins Read(string path)
    {
        var blocks = new List<OathOriginBlock>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (number == 1)
            {
                if (line.Trim() != Header)
                {
                    throw FormatError.At(path, "line 1", $"expected the header '{Header}'");
                }

                continue;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length != 6
                || !DateOnly.TryParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || !int.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first || f[0].Trim().Length == 0)
            {
                throw FormatError.At(path, $"line {number}", "expected station,YYYY-MM-DD,HH:MM:SS,HH:MM:SS,first picNum,last picNum (first <= last)");
            }

            blocks.Add(new OathOriginBlock(f[0].Trim().ToLowerInvariant(), date, first, last));
        }

        return new OathOrigins(blocks);
    }

    /// <summary>The run holding a picture number, or null when none does.</summary>
    public OathOriginBlock? Find(int pictureNumber) => Blocks.FirstOrDefault(b => pictureNumber >= b.FirstPicture && pictureNumber <= b.LastPicture);
}
