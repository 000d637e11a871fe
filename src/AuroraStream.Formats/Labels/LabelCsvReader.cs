using System.Runtime.CompilerServices;
using AuroraStream.Core;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.Labels;

/// <summary>
/// Reads per-frame label CSV files (RFC 4180 through CsvHelper: quoted fields, a byte order mark,
/// CRLF): lines starting with <c>#</c> are comments; the header names the columns. Time:
/// <c>time</c> or <c>timestamp</c> (ISO 8601: Z, an offset such as pandas' <c>+00:00</c>, or none
/// for UTC; T or a space; fractions), or <c>date</c> (yyyyMMdd) plus <c>time</c> (HH:mm:ss[.fff]). Label: <c>label</c> or <c>prediction_str</c>. Site: a <c>site</c>
/// column, else the file name (<c>YYYYMMDD_site_...</c>, as in the Troyer et al. 2020 model
/// predictions). Optional <c>confidence</c> and <c>sky</c> (dark, twilight, daylight; anything else is
/// read as not known). The stream's file store writes this form too.
/// </summary>
public sealed class LabelCsvSource(IReadOnlyList<string> paths) : ILabelSource
{
    /// <inheritdoc />
    public string Description => string.Join(", ", paths);

    /// <summary>
    /// The label files found under the paths, in ordinal order within a folder; a file reached through
    /// more than one path (a folder and a file inside it, one path spelt twice, a symbolic link) comes once.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    public IEnumerable<string> Files() =>
        paths.SelectMany(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
            : File.Exists(p) ? (IEnumerable<string>)[p] : throw new FileNotFoundException($"{p}: no such file or directory", p))
            .DistinctBy(FilePaths.Canonical, FilePaths.Comparer);

    /// <inheritdoc />
    public async IAsyncEnumerable<LabelledFrame> ReadLabelsAsync(LabelQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var file in Files())
        {
            var count = 0;
            foreach (var frame in ReadFile(file))
            {
                if (query.Accepts(frame.Site, frame.Time))
                {
                    yield return frame;
                }

                if (++count % 65536 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }
            }
        }
    }

    /// <summary>Reads one file.</summary>
    public static IEnumerable<LabelledFrame> ReadFile(string path)
    {
        using var csv = CsvTable.Open(path, comments: true);
        if (csv.Header.Count == 0)
        {
            // Only comments or nothing (the Troyer et al. files of nights without frames): no labels.
            yield break;
        }

        var dateColumn = csv.Column("date");
        var timeColumn = csv.Column("time", "timestamp");
        var labelColumn = csv.Column("label", "prediction_str");
        var siteColumn = csv.Column("site");
        var confidenceColumn = csv.Column("confidence");
        var skyColumn = csv.Column("sky");
        if (timeColumn < 0 || labelColumn < 0)
        {
            throw FormatError.At(path, $"line {Math.Max(1, csv.HeaderLine)}", "a label file needs a time (or timestamp) and a label (or prediction_str) column").Tag(FormatErrorKind.UnknownFormat);
        }

        string? fileSite = null;
        if (siteColumn < 0)
        {
            var parts = Path.GetFileName(path).Split('_');
            fileSite = parts.Length >= 2 && parts[1].Length == 4 ? parts[1].ToLowerInvariant()
                : throw FormatError.At(path, $"line {csv.HeaderLine}", "no site column, and the file name does not follow YYYYMMDD_site_...");
        }

        // A bad row is reported with the next ones (up to MaxRowErrors) before the file is refused, so a
        // file with several is mended in one go; the rows read before it have been yielded by then.
        var errors = new List<string>();
        var bad = 0;
        while (csv.Read())
        {
            LabelledFrame row;
            try
            {
                row = ParseRow(csv, dateColumn, timeColumn, labelColumn, siteColumn, confidenceColumn, skyColumn, fileSite);
            }
            catch (InvalidDataException e)
            {
                bad++;
                if (errors.Count < MaxRowErrors)
                {
                    errors.Add(e.Message);
                }

                continue;
            }

            if (bad == 0)
            {
                yield return row;
            }
        }

        if (bad > 0)
        {
            throw new InvalidDataException(bad == 1
                ? errors[0]
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bad} bad rows in {path}{(bad > errors.Count ? $", the first {errors.Count}" : string.Empty)}: {string.Join("; ", errors)}"));
        }
    }

    /// <summary>Bad rows of one file named in its error before the rest are only counted.</summary>
    public const int MaxRowErrors = 10;

    private static LabelledFrame ParseRow(CsvTable csv, int dateColumn, int timeColumn, int labelColumn, int siteColumn, int confidenceColumn, int skyColumn, string? fileSite)
    {
        if (csv.FieldCount < csv.Header.Count)
        {
            throw csv.Error($"{csv.FieldCount} fields, expected {csv.Header.Count}");
        }

        var time = ParseTime(csv, dateColumn, timeColumn);
        var site = siteColumn >= 0 ? csv[siteColumn].ToLowerInvariant() : fileSite!;
        double? confidence = confidenceColumn >= 0 && csv[confidenceColumn].Length > 0 ? csv.Number(confidenceColumn) : null;
        if (confidence is { } p && !(p is >= 0 and <= 1))
        {
            throw csv.Error(confidenceColumn, $"'{csv[confidenceColumn]}' is not a probability (0 to 1; a percentage is not one)");
        }

        var label = csv[labelColumn].ToLowerInvariant();
        if (label.Length == 0)
        {
            throw csv.Error(labelColumn, "empty label");
        }

        SkyState? sky = skyColumn >= 0 && SkyConditions.TryParse(csv[skyColumn], out var s) ? s : null;
        return new LabelledFrame(site, time, label, confidence, sky);
    }

    private static DateTime ParseTime(CsvTable csv, int dateColumn, int timeColumn)
    {
        if (dateColumn < 0)
        {
            return csv.Time(timeColumn);
        }

        var text = $"{csv[dateColumn]} {csv[timeColumn]}";
        return UtcTimeText.TryParse(text, out var t)
            ? t
            : throw csv.Error(timeColumn, $"'{text}' (date and time) is not a time ({UtcTimeText.Expected()})");
    }
}
