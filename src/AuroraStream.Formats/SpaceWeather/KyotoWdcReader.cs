using System.Globalization;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.SpaceWeather;

/// <summary>
/// Reads Kyoto WDC minute-value files of the AE indices (<c>AEALAOAU</c> records: AE, AL, AU, AO)
/// and of ASY/SYM (<c>ASYSYM</c> records: SYM-H, SYM-D, ASY-H, ASY-D). One record holds one hour:
/// date <c>YYMMDD</c> at column 13, component at 19, hour at 20-21, index name at 22-24, then 60
/// values of 6 characters from column 35 and the hourly mean. 99999 is missing.
/// Series names: <c>ae, al, au, ao, sym_h, sym_d, asy_h, asy_d</c>.
/// </summary>
public static class KyotoWdcReader
{
    private const int ValuesStart = 34;
    private const int ValueWidth = 6;

    /// <summary>Reads one or more files into 1-min series.</summary>
    public static SeriesSet Read(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var samples = new Dictionary<string, List<(DateTime, double)>>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var name = SeriesName(line) ?? throw FormatError.At(path, $"line {lineNumber}", $"not a Kyoto WDC AE or ASY/SYM record: '{line[..Math.Min(24, line.Length)]}'").Tag(lineNumber == 1 ? FormatErrorKind.UnknownFormat : FormatErrorKind.Corrupt);
                if (line.Length < ValuesStart + (60 * ValueWidth))
                {
                    throw FormatError.At(path, $"line {lineNumber}", $"{line.Length} characters; a record holds 60 values from column {ValuesStart + 1}");
                }

                var hourStart = ParseHour(path, lineNumber, line);
                if (!samples.TryGetValue(name, out var list))
                {
                    samples[name] = list = [];
                }

                for (var minute = 0; minute < 60; minute++)
                {
                    var text = line.AsSpan(ValuesStart + (minute * ValueWidth), ValueWidth).Trim();
                    if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                    {
                        throw FormatError.At(path, $"line {lineNumber} minute {minute}", $"'{text}' is not an integer");
                    }

                    list.Add((hourStart.AddMinutes(minute), value is 99999 or -99999 ? double.NaN : value));
                }
            }
        }

        return new SeriesSet(samples.Select(kv => RegularSeries.FromSamples(kv.Key, TimeSpan.FromMinutes(1), kv.Value)));
    }

    private static string? SeriesName(string line)
    {
        if (line.Length < 24)
        {
            return null;
        }

        var index = line.Substring(21, 3).Trim();
        if (line.StartsWith("AEALAOAU", StringComparison.Ordinal))
        {
            return index is "AE" or "AL" or "AU" or "AO" ? index.ToLowerInvariant() : null;
        }

        if (line.StartsWith("ASYSYM", StringComparison.Ordinal) && index is "SYM" or "ASY" && line[18] is 'H' or 'D')
        {
            return $"{index.ToLowerInvariant()}_{char.ToLowerInvariant(line[18])}";
        }

        return null;
    }

    private static DateTime ParseHour(string path, int line, string text)
    {
        // Two-digit years: Kyoto's minute AE starts in 1975 and SYM-H in 1981.
        if (!int.TryParse(text.AsSpan(12, 2), CultureInfo.InvariantCulture, out var yy) || !int.TryParse(text.AsSpan(14, 2), CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text.AsSpan(16, 2), CultureInfo.InvariantCulture, out var day) || !int.TryParse(text.AsSpan(19, 2), CultureInfo.InvariantCulture, out var hour)
            || month is < 1 or > 12 || hour is < 0 or > 23)
        {
            throw FormatError.At(path, $"line {line}", $"'{text.Substring(12, 9)}' is not YYMMDD?HH");
        }

        var year = yy >= 70 ? 1900 + yy : 2000 + yy;
        return UtcTimeText.TryCreate(year, month, day, hour, 0, 0, 0, TimeSpan.Zero, out var time)
            ? time
            : throw FormatError.At(path, $"line {line}", $"day {day} does not exist in {year}-{month:D2}");
    }
}
