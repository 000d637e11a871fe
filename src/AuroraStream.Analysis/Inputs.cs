using AuroraStream.Formats.SpaceWeather;

namespace AuroraStream.Analysis;

/// <summary>Loads the analyses' inputs from files and folders, choosing each reader by file name and content.</summary>
public static class Inputs
{
    /// <summary>
    /// OMNI from any mix of 1-min CSV (<c>*.csv</c>), OMNIWeb high-resolution ASCII (<c>*.asc</c>),
    /// OMNI2 hourly (<c>omni2_*.dat</c>) and OMNIWeb lists (<c>*.lst</c> with a <c>.fmt</c> or
    /// <c>.fmt.txt</c> beside it); folders are walked.
    /// </summary>
    public static SeriesSet LoadOmni(IEnumerable<string> paths)
    {
        var sets = new List<SeriesSet>();
        foreach (var file in Expand(paths))
        {
            var name = Path.GetFileName(file).ToLowerInvariant();
            if (name.EndsWith(".csv", StringComparison.Ordinal))
            {
                sets.Add(OmniReader.ReadHighResCsvFile(file));
            }
            else if (name.EndsWith(".asc", StringComparison.Ordinal))
            {
                sets.Add(OmniReader.ReadHighResAscii(file));
            }
            else if (name.EndsWith(".dat", StringComparison.Ordinal))
            {
                sets.Add(OmniReader.ReadOmni2Hourly(file));
            }
            else if (name.EndsWith(".lst", StringComparison.Ordinal))
            {
                var stem = file[..^4];
                var format = new[] { stem + ".fmt", stem + ".fmt.txt" }.FirstOrDefault(File.Exists)
                    ?? throw new FileNotFoundException($"{file}: an OMNIWeb list needs its column description {Path.GetFileName(stem)}.fmt (or .fmt.txt) beside it", stem + ".fmt");
                sets.Add(OmniReader.ReadOmniWebList(file, format));
            }
        }

        return sets.Count > 0 ? SeriesSet.Merge(sets) : throw new FileNotFoundException($"no OMNI files (*.csv, *.asc, *.dat, *.lst) in {string.Join(", ", paths)}");
    }

    /// <summary>Magnetometer files (IAGA-2002 <c>*.min</c>/<c>*.sec</c>, THEMIS GMAG <c>*.cdf</c>); folders are walked.</summary>
    public static IReadOnlyList<MagnetometerSeries> LoadMagnetometers(IEnumerable<string> paths)
    {
        var files = Expand(paths).Where(f => f.EndsWith(".min", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".sec", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".cdf", StringComparison.OrdinalIgnoreCase)).ToList();
        return files.Count > 0
            ? [.. files.Select(MagnetometerReader.Read)]
            : throw new FileNotFoundException($"no magnetometer files (*.min, *.sec, *.cdf) in {string.Join(", ", paths)}");
    }

    /// <summary>Files under the paths; a path that is neither a file nor a folder is reported.</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    yield return f;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                throw new FileNotFoundException($"{path}: no such file or directory", path);
            }
        }
    }

    /// <summary>Whether an exception is an input problem the CLI reports in one line (not a bug).</summary>
    public static bool IsInputError(Exception e) => e is InvalidDataException or IOException or UnauthorizedAccessException || (e is AggregateException a && a.InnerExceptions.All(IsInputError));
}
