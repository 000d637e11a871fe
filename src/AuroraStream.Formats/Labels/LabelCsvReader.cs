using System.Globalization;
using System.Runtime.CompilerServices;
using AuroraStream.Core;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.Labels;

/// <summary>
/// Reads per-frame label CSV files: lines starting with <c>#</c> are comments; the header names the
/// columns. Time: <c>time</c> or <c>timestamp</c> (ISO 8601 UTC), or <c>date</c> (yyyyMMdd) plus
/// <c>time</c> (HH:mm:ss[.fff]). Label: <c>label</c> or <c>prediction_str</c>. Site: a <c>site</c>
/// column, else the file name (<c>YYYYMMDD_site_...</c>, as in the Troyer et al. 2020 model
/// predictions). Optional <c>confidence</c>. The stream's file store writes this form too.
/// </summary>
public sealed class LabelCsvSource(IReadOnlyList<string> paths) : ILabelSource
{
    /// <inheritdoc />
    public string Description => string.Join(", ", paths);

    /// <summary>The label files found under the paths, in ordinal order.</summary>
    public IEnumerable<string> Files() =>
        paths.SelectMany(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
            : (IEnumerable<string>)[p]);

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
        using var reader = new StreamReader(path);
        string[]? header = null;
        int timeColumn = -1, dateColumn = -1, labelColumn = -1, siteColumn = -1, confidenceColumn = -1;
        string? fileSite = null;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split(',');
            if (header is null)
            {
                header = [.. f.Select(h => h.Trim().ToLowerInvariant())];
                dateColumn = Array.IndexOf(header, "date");
                timeColumn = Array.FindIndex(header, h => h is "time" or "timestamp");
                labelColumn = Array.FindIndex(header, h => h is "label" or "prediction_str");
                siteColumn = Array.IndexOf(header, "site");
                confidenceColumn = Array.IndexOf(header, "confidence");
                if (timeColumn < 0 || labelColumn < 0)
                {
                    throw FormatError.At(path, $"line {lineNumber}", "a label file needs a time (or timestamp) and a label (or prediction_str) column").Tag(FormatErrorKind.UnknownFormat);
                }

                if (siteColumn < 0)
                {
                    var parts = Path.GetFileName(path).Split('_');
                    fileSite = parts.Length >= 2 && parts[1].Length == 4 ? parts[1].ToLowerInvariant()
                        : throw FormatError.At(path, $"line {lineNumber}", "no site column, and the file name does not follow YYYYMMDD_site_...");
                }

                continue;
            }

            if (f.Length < header.Length)
            {
                throw FormatError.At(path, $"line {lineNumber}", $"{f.Length} fields, expected {header.Length}");
            }

            var time = ParseTime(path, lineNumber, dateColumn >= 0 ? f[dateColumn] : null, f[timeColumn]);
            var site = siteColumn >= 0 ? f[siteColumn].Trim().ToLowerInvariant() : fileSite!;
            double? confidence = confidenceColumn >= 0 && double.TryParse(f[confidenceColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : null;
            var label = f[labelColumn].Trim().ToLowerInvariant();
            if (label.Length == 0)
            {
                throw FormatError.At(path, $"line {lineNumber}", "empty label");
            }

            yield return new LabelledFrame(site, time, label, confidence);
        }
    }

    private static DateTime ParseTime(string path, int line, string? date, string time)
    {
        var text = date is null ? time.Trim() : $"{date.Trim()} {time.Trim()}";
        return UtcTimeText.TryParse(text, out var t)
            ? t
            : throw FormatError.At(path, $"line {line}", $"'{text}' is not a time ({UtcTimeText.Expected()})");
    }
}
