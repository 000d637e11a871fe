using System.Globalization;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.SpaceWeather;

/// <summary>
/// Reads the planetary Kp index as a 3-hour series named <c>kp</c>: GFZ Potsdam's
/// <c>Kp_ap_Ap_SN_F107_since_1932</c> (the text form with <c>#</c> comments and the CSV form with
/// a header) and CelesTrak's <c>SW-All.txt</c> (its OBSERVED block). Missing values (-1) are NaN.
/// </summary>
public static class KpReader
{
    /// <summary>Reads a Kp file of any supported form, chosen by its content.</summary>
    public static RegularSeries Read(string path)
    {
        using (var reader = new StreamReader(path))
        {
            var first = reader.ReadLine() ?? string.Empty;
            if (first.StartsWith("DATATYPE CssiSpaceWeather", StringComparison.Ordinal))
            {
                return ReadCelesTrak(path);
            }

            if (IsGfzCsvHeader(first) || first.StartsWith('#') || char.IsAsciiDigit(first.FirstOrDefault()))
            {
                return ReadGfz(path);
            }
        }

        throw FormatError.At(path, "line 1", "neither a GFZ Kp_ap_Ap_SN_F107 file nor a CelesTrak SW-All file").Tag(FormatErrorKind.UnknownFormat);
    }

    /// <summary>
    /// GFZ: <c>YYYY MM DD days days_m Bsr dB Kp1..Kp8 ap1..ap8 Ap SN F10.7obs F10.7adj D</c>, as text
    /// (whitespace-separated, <c>#</c> comments) or as CSV with that header (RFC 4180 through CsvHelper;
    /// columns found by name).
    /// </summary>
    public static RegularSeries ReadGfz(string path)
    {
        using (var reader = new StreamReader(path))
        {
            if (IsGfzCsvHeader(reader.ReadLine() ?? string.Empty))
            {
                return ReadGfzCsv(path);
            }
        }

        var samples = new List<(DateTime, double)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("YYYY", StringComparison.Ordinal))
            {
                continue;
            }

            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 15)
            {
                throw FormatError.At(path, $"line {lineNumber}", $"{f.Length} fields; a GFZ Kp record has 28");
            }

            var day = ParseDate(path, lineNumber, f[0], f[1], f[2]);
            for (var k = 0; k < 8; k++)
            {
                samples.Add((day.AddHours(3 * k), ParseKp(path, lineNumber, f[7 + k], 1)));
            }
        }

        return RegularSeries.FromSamples("kp", TimeSpan.FromHours(3), samples);
    }

    private static bool IsGfzCsvHeader(string line) => line.Replace("\"", string.Empty, StringComparison.Ordinal).StartsWith("YYYY,MM,DD,", StringComparison.Ordinal);

    private static RegularSeries ReadGfzCsv(string path)
    {
        using var csv = CsvTable.Open(path);
        int[] date = [csv.Column("yyyy"), csv.Column("mm"), csv.Column("dd")];
        var kp = Enumerable.Range(1, 8).Select(k => csv.Column($"kp{k}")).ToArray();
        if (date.Contains(-1) || kp.Contains(-1))
        {
            throw FormatError.At(path, "line 1", "a GFZ Kp CSV needs the columns YYYY, MM, DD and Kp1..Kp8").Tag(FormatErrorKind.UnknownFormat);
        }

        var samples = new List<(DateTime, double)>();
        while (csv.Read())
        {
            var day = ParseDate(path, csv.Line, csv[date[0]], csv[date[1]], csv[date[2]]);
            for (var k = 0; k < 8; k++)
            {
                samples.Add((day.AddHours(3 * k), ParseKp(path, csv.Line, csv[kp[k]], 1, $"Kp{k + 1}")));
            }
        }

        return RegularSeries.FromSamples("kp", TimeSpan.FromHours(3), samples);
    }

    /// <summary>CelesTrak: <c>yyyy mm dd BSRN ND Kp1..Kp8 (x10) Sum ap1..ap8 ...</c> between BEGIN and END OBSERVED.</summary>
    public static RegularSeries ReadCelesTrak(string path)
    {
        var samples = new List<(DateTime, double)>();
        var inObserved = false;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.StartsWith("BEGIN OBSERVED", StringComparison.Ordinal))
            {
                inObserved = true;
                continue;
            }

            if (line.StartsWith("END OBSERVED", StringComparison.Ordinal))
            {
                break;
            }

            if (!inObserved || line.Length == 0)
            {
                continue;
            }

            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 13)
            {
                throw FormatError.At(path, $"line {lineNumber}", $"{f.Length} fields; a CelesTrak observed record has at least 13");
            }

            var day = ParseDate(path, lineNumber, f[0], f[1], f[2]);
            for (var k = 0; k < 8; k++)
            {
                samples.Add((day.AddHours(3 * k), ParseKp(path, lineNumber, f[5 + k], 10)));
            }
        }

        if (samples.Count == 0)
        {
            throw FormatError.At(path, string.Empty, "no BEGIN OBSERVED block with records").Tag(FormatErrorKind.UnknownFormat);
        }

        return RegularSeries.FromSamples("kp", TimeSpan.FromHours(3), samples);
    }

    private static DateTime ParseDate(string path, int line, string y, string m, string d) =>
        int.TryParse(y, CultureInfo.InvariantCulture, out var year) && int.TryParse(m, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(d, CultureInfo.InvariantCulture, out var day) && year is >= 1900 and <= 2200 && month is >= 1 and <= 12
            && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc)
            : throw FormatError.At(path, $"line {line}", $"'{y} {m} {d}' is not a date");

    private static double ParseKp(string path, int line, string text, double scale, string? column = null)
    {
        var where = column is null ? $"line {line}" : $"line {line} column {column}";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            throw FormatError.At(path, where, $"Kp '{text}' is not a number");
        }

        if (v < 0)
        {
            return double.NaN;
        }

        v /= scale;
        return v <= 9 ? v : throw FormatError.At(path, where, $"Kp {v} is outside 0..9");
    }
}
