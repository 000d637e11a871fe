using System.Text.RegularExpressions;
using AuroraStream.Core;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Themis;

/// <summary>
/// Reads frames from Berkeley THEMIS GBO Level-1 ASI CDF files: full resolution
/// (<c>thg_l1_asf_&lt;site&gt;_&lt;yyyymmddhh&gt;_v01.cdf</c>, 256x256) and thumbnails
/// (<c>thg_l1_ast_...</c>, 32x32).
/// </summary>
/// <remarks>
/// <para>Two layouts are read. Legacy (2006 onward, "Rev- 2006-10-24"): the image variable
/// <c>thg_asf_&lt;site&gt;</c> is record-varying UINT2 [rows, columns], one record per frame, with
/// per-frame start times in <c>_time</c> (REAL8 Unix seconds, "unleaped") and <c>_epoch</c>
/// (CDF EPOCH). 2024+: the frames form the last axis of a single cube [rows, columns, frames],
/// with per-frame times in <c>_time</c>.</para>
/// <para>The capture time is <c>_epoch</c> (the exposure start to the millisecond) when it has one
/// value per frame, else <c>_time</c>, which real files hold in whole seconds. The exposure is
/// <c>_tend</c> - <c>_time</c> (the measured exposure, ~982 ms) when both exist. Pixels are returned as stored, FILLVAL
/// (65535) included, top row first. Frames stream one record at a time; the 2024+ cube can only be
/// read whole, which <see cref="CdfReaderOptions.MaxRecordBytes"/> bounds. Image records that are not
/// stored (virtual records of a sparse variable) are no frames and are skipped.</para>
/// </remarks>
public static partial class ThemisL1AsiReader
{
    /// <summary>Whether a CDF holds THEMIS ASI images (a <c>thg_asf_*</c> or <c>thg_ast_*</c> variable).</summary>
    public static bool IsThemisAsi(CdfFile cdf) => FindImageVariable(cdf) is not null;

    /// <summary>Reads every frame of a file.</summary>
    public static IEnumerable<AllSkyFrame> ReadFile(string path, CdfReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadFileIterator(path, options);
    }

    /// <summary>Reads every frame of an open CDF file.</summary>
    public static IEnumerable<AllSkyFrame> Read(CdfFile cdf)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        var (image, site, product) = FindImageVariable(cdf)
            ?? throw FormatError.At(cdf.Source, string.Empty, $"a CDF file, but not a THEMIS ASI L1 product: no thg_asf_<site> or thg_ast_<site> image variable (variables: {string.Join(", ", cdf.Variables.Select(v => v.Name))})")
                .Tag(FormatErrorKind.NotThemisAsi);
        if (image.DataType != CdfDataType.UInt2)
        {
            throw FormatError.At(cdf.Source, $"variable {image.Name}", $"images are {image.DataType}, expected UINT2");
        }

        // _epoch holds the exposure start to the millisecond but has one value per frame only in
        // the legacy layout (thumbnails keep a single record); _time is whole seconds there.
        var unixTime = cdf.TryGetVariable($"{image.Name}_time");
        var epoch = cdf.TryGetVariable($"{image.Name}_epoch");
        var frameCount = image.StoredDimensions.Count == 3 ? image.StoredDimensions[2] : image.RecordCount;
        var start = epoch is not null && (epoch.RecordCount == frameCount || unixTime is null) ? epoch : unixTime
            ?? throw FormatError.At(cdf.Source, $"variable {image.Name}", "no per-frame time variable (_epoch or _time)");
        var times = cdf.ReadTimes(start);

        // _tend - _time is the measured exposure (both on the whole-second base of _time).
        var end = cdf.TryGetVariable($"{image.Name}_tend");
        var exposures = end is not null && unixTime is not null ? Exposures(cdf.ReadTimes(unixTime), cdf.ReadTimes(end)) : null;
        var imager = $"themis-{product}";
        return image.StoredDimensions.Count switch
        {
            2 => ThenCheckComplete(cdf, ReadRecordPerFrame(cdf, image, site, imager, start, times, exposures)),
            3 => ThenCheckComplete(cdf, ReadFrameCube(cdf, image, site, imager, start, times, exposures)),
            _ => throw FormatError.At(cdf.Source, $"variable {image.Name}", $"images have {image.StoredDimensions.Count} dimensions; expected [rows, columns] per record or a [rows, columns, frames] cube"),
        };
    }

    private static IEnumerable<AllSkyFrame> ReadFileIterator(string path, CdfReaderOptions? options)
    {
        using var cdf = CdfFile.Open(path, options);
        foreach (var frame in Read(cdf))
        {
            yield return frame;
        }
    }

    private static IEnumerable<AllSkyFrame> ThenCheckComplete(CdfFile cdf, IEnumerable<AllSkyFrame> frames)
    {
        var count = 0;
        foreach (var frame in frames)
        {
            count++;
            yield return frame;
        }

        if (cdf.IsTruncated)
        {
            throw FormatError.At(cdf.Source, string.Empty, $"truncated: {cdf.Length} of the {cdf.DeclaredLength} bytes the GDR declares; {count} complete frame(s) were read", cdf.Length);
        }
    }

    private static (CdfVariable Variable, string Site, string Product)? FindImageVariable(CdfFile cdf)
    {
        foreach (var v in cdf.Variables)
        {
            var m = ImageVariableName().Match(v.Name);
            if (m.Success)
            {
                return (v, m.Groups["site"].Value, m.Groups["product"].Value);
            }
        }

        return null;
    }

    private static IEnumerable<AllSkyFrame> ReadRecordPerFrame(CdfFile cdf, CdfVariable image, string site, string imager, CdfVariable timeVariable, DateTime?[] times, double?[]? exposures)
    {
        var (height, width) = (image.StoredDimensions[0], image.StoredDimensions[1]);
        var expected = 0;
        foreach (var record in cdf.ReadRecords<ushort>(image))
        {
            if (record.Number != expected)
            {
                throw FormatError.At(cdf.Source, $"variable {image.Name}", $"record {expected} is missing (next stored record is {record.Number})");
            }

            expected++;
            if (record.IsVirtual)
            {
                // Not stored (a sparse record, or past the last stored block): no frame was captured.
                continue;
            }

            yield return MakeFrame(cdf, site, imager, timeVariable, times, exposures, record.Number, width, height, record.Values);
        }

        if (expected != times.Length)
        {
            throw FormatError.At(cdf.Source, $"variable {image.Name}", $"{expected} image records but {times.Length} times in {timeVariable.Name}");
        }
    }

    private static IEnumerable<AllSkyFrame> ReadFrameCube(CdfFile cdf, CdfVariable image, string site, string imager, CdfVariable timeVariable, DateTime?[] times, double?[]? exposures)
    {
        var (height, width, frames) = (image.StoredDimensions[0], image.StoredDimensions[1], image.StoredDimensions[2]);
        if (frames != times.Length)
        {
            throw FormatError.At(cdf.Source, $"variable {image.Name}", $"a cube of {frames} frames but {times.Length} times in {timeVariable.Name}");
        }

        var cube = cdf.ReadRecords<ushort>(image).FirstOrDefault();
        if (cube.Values is null)
        {
            yield break;
        }

        var pixels = width * height;
        for (var f = 0; f < frames; f++)
        {
            var frame = new ushort[pixels];
            for (var p = 0; p < pixels; p++)
            {
                frame[p] = cube.Values[((long)p * frames) + f];
            }

            yield return MakeFrame(cdf, site, imager, timeVariable, times, exposures, f, width, height, frame);
        }
    }

    private static AllSkyFrame MakeFrame(CdfFile cdf, string site, string imager, CdfVariable timeVariable, DateTime?[] times, double?[]? exposures, int index, int width, int height, ushort[] pixels)
    {
        if (index >= times.Length)
        {
            throw FormatError.At(cdf.Source, $"frame {index}", $"no time: {timeVariable.Name} has only {times.Length} records");
        }

        var time = times[index] ?? throw FormatError.At(cdf.Source, $"frame {index}", $"{timeVariable.Name} holds a fill value");
        var exposure = exposures is not null && index < exposures.Length ? exposures[index] : null;
        return new AllSkyFrame(site, imager, time, width, height, pixels, exposure, new FrameOrigin(cdf.Source, index));
    }

    private static double?[] Exposures(DateTime?[] starts, DateTime?[] ends) =>
        [.. starts.Zip(ends, (s, e) => s is { } a && e is { } b && b >= a ? Math.Round((b - a).TotalMilliseconds, 3) : (double?)null)];

    [GeneratedRegex("^thg_(?<product>as[ft])_(?<site>[a-z0-9]{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageVariableName();
}
