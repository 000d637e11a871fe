using System.Globalization;
using System.Text.RegularExpressions;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.SpaceWeather;

/// <summary>
/// Reads NASA OMNI solar wind and IMF data, time-shifted to the bow-shock nose as published.
/// Series names are the canonical ones used across AuroraStream: <c>bavg, bx_gsm, by_gsm, bz_gsm,
/// speed, proton_density, temperature, pdyn, sym_h, ae, al, au, kp, dst</c>. Fill values become NaN,
/// never numbers.
/// </summary>
public static partial class OmniReader
{
    /// <summary>Columns of the 1-min CSV form (GFZ/SWVO export of OMNI HRO).</summary>
    public const string HighResCsvHeader = "timestamp,bavg,bx_gsm,by_gsm,bz_gsm,speed,proton_density,temperature,pdyn,sym-h";

    // OMNI fills are the largest all-9s number of a column's format; a value at or above these is
    // a fill in the CSV export (which writes empty fields for most gaps).
    private static readonly Dictionary<string, double> CsvFills = new(StringComparer.Ordinal)
    {
        ["bavg"] = 9999.99, ["bx_gsm"] = 9999.99, ["by_gsm"] = 9999.99, ["bz_gsm"] = 9999.99,
        ["speed"] = 99999.9, ["proton_density"] = 999.99, ["temperature"] = 9999999.0, ["pdyn"] = 99.99, ["sym_h"] = 99999,
    };

    // OMNIWeb high-resolution ASCII (omni_min*.asc, omni_5min*.asc): 46 columns (49 in the 5-min
    // files, which add proton fluxes), format from the OMNI HRO documentation (hroformat.txt).
    private static readonly (string Name, string Format)[] HroColumns =
    [
        ("year", "I4"), ("doy", "I4"), ("hour", "I3"), ("minute", "I3"), ("imf_sc", "I3"), ("plasma_sc", "I3"),
        ("imf_points", "I4"), ("plasma_points", "I4"), ("percent_interp", "I4"), ("timeshift", "I7"), ("rms_timeshift", "I7"),
        ("rms_phase_front_normal", "F6.2"), ("time_between_obs", "I7"), ("bavg", "F8.2"), ("bx_gsm", "F8.2"), ("by_gse", "F8.2"),
        ("bz_gse", "F8.2"), ("by_gsm", "F8.2"), ("bz_gsm", "F8.2"), ("rms_sd_b", "F8.2"), ("rms_sd_field", "F8.2"),
        ("speed", "F8.1"), ("vx_gse", "F8.1"), ("vy_gse", "F8.1"), ("vz_gse", "F8.1"), ("proton_density", "F7.2"),
        ("temperature", "F9.0"), ("pdyn", "F6.2"), ("electric_field", "F7.2"), ("plasma_beta", "F7.2"), ("alfven_mach", "F6.1"),
        ("x_gse", "F8.2"), ("y_gse", "F8.2"), ("z_gse", "F8.2"), ("bsn_x", "F8.2"), ("bsn_y", "F8.2"), ("bsn_z", "F8.2"),
        ("ae", "I6"), ("al", "I6"), ("au", "I6"), ("sym_d", "I6"), ("sym_h", "I6"), ("asy_d", "I6"), ("asy_h", "I6"),
        ("pc_n", "F7.2"), ("magnetosonic_mach", "F5.1"),
    ];

    // OMNI2 hourly (omni2_YYYY.dat), columns 1-55 of the OMNI2 documentation (omni2.text).
    private static readonly (int Column, string Name, string Format)[] Omni2Columns =
    [
        (9, "bavg", "F6.1"), (13, "bx_gsm", "F6.1"), (16, "by_gsm", "F6.1"), (17, "bz_gsm", "F6.1"),
        (23, "temperature", "F9.0"), (24, "proton_density", "F6.1"), (25, "speed", "F6.0"), (29, "pdyn", "F6.2"),
        (39, "kp10", "I3"), (41, "dst", "I6"), (42, "ae", "I5"), (53, "al", "I6"), (54, "au", "I6"),
    ];

    /// <summary>Reads 1-min CSV files (<see cref="HighResCsvHeader"/>); several files are joined.</summary>
    public static SeriesSet ReadHighResCsv(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return SeriesSet.Merge(paths.Select(ReadHighResCsvFile));
    }

    /// <summary>Reads one 1-min (or 5-min) CSV file (RFC 4180: quoted fields and a byte order mark are accepted).</summary>
    public static SeriesSet ReadHighResCsvFile(string path)
    {
        using var csv = CsvTable.Open(path);
        if (string.Join(',', csv.Header) != HighResCsvHeader)
        {
            throw FormatError.At(path, "line 1", $"expected the header '{HighResCsvHeader}', found '{string.Join(',', csv.Header)}'").Tag(FormatErrorKind.UnknownFormat);
        }

        var names = HighResCsvHeader.Split(',').Skip(1).Select(n => n.Replace('-', '_')).ToArray();
        var samples = names.Select(_ => new List<(DateTime, double)>(44640)).ToArray();
        while (csv.Read())
        {
            if (csv.FieldCount != names.Length + 1)
            {
                throw csv.Error($"{csv.FieldCount} fields, expected {names.Length + 1}");
            }

            var time = csv.Time(0);
            for (var c = 0; c < names.Length; c++)
            {
                var value = csv.Number(c + 1, emptyIsNaN: true);
                if (CsvFills.TryGetValue(names[c], out var fill) && Math.Abs(value) >= fill)
                {
                    value = double.NaN;
                }

                samples[c].Add((time, value));
            }
        }

        // The export has no cadence header: 1-min files are the common case, 5-min ones exist too.
        var step = Cadence.MostCommonStep(samples[0].Select(s => s.Item1), TimeSpan.FromSeconds(1)) ?? TimeSpan.FromMinutes(1);
        return new SeriesSet(names.Select((n, c) => RegularSeries.FromSamples(n, step, samples[c])));
    }

    /// <summary>
    /// Reads OMNIWeb high-resolution ASCII files (<c>omni_min*.asc</c> 1-min or <c>omni_5min*.asc</c>).
    /// </summary>
    public static SeriesSet ReadHighResAscii(string path)
    {
        var step = TimeSpan.Zero;
        var samples = HroColumns.Select(_ => new List<(DateTime, double)>()).ToArray();
        foreach (var (lineNumber, f) in Records(path))
        {
            if (f.Length is not (46 or 49))
            {
                throw FormatError.At(path, $"line {lineNumber}", $"{f.Length} columns; OMNI HRO records have 46 (1-min) or 49 (5-min)").Tag(lineNumber == 1 ? FormatErrorKind.UnknownFormat : FormatErrorKind.Corrupt);
            }

            var time = DayOfYearTime(path, lineNumber, f[0], f[1], f[2], f[3]);
            step = f.Length == 49 ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(1);
            for (var c = 4; c < HroColumns.Length; c++)
            {
                samples[c].Add((time, ParseWithFill(path, lineNumber, HroColumns[c].Name, f[c], HroColumns[c].Format)));
            }
        }

        return new SeriesSet(Enumerable.Range(4, HroColumns.Length - 4).Select(c => RegularSeries.FromSamples(HroColumns[c].Name, step, samples[c])));
    }

    /// <summary>Reads an OMNI2 hourly file (<c>omni2_YYYY.dat</c>, 55 columns).</summary>
    public static SeriesSet ReadOmni2Hourly(string path)
    {
        var columns = Omni2Columns.Select(c => (c.Column, c.Name, c.Format)).ToList();
        return ReadColumns(path, columns, expectedColumns: 55, new TimeColumns(1, 2, 3, null), TimeSpan.FromHours(1));
    }

    /// <summary>
    /// Reads an OMNIWeb subset (<c>.lst</c>) of any resolution using the column description of its
    /// <c>.fmt</c> file (items numbered 1..N with a name and a Fortran format). The time columns are
    /// found by name (<c>Year</c>, <c>Day</c>/<c>DOY</c>, <c>Hour</c>, <c>Minute</c>) and give the
    /// resolution: hourly or daily lists have no Minute column; the 1-min and 5-min lists of the
    /// high-resolution OMNI form, whose .fmt files look alike, are told apart by the most common
    /// spacing of their rows. Item names of both the hourly OMNI2 form ("SW Plasma Speed, km/s") and
    /// the high-resolution form ("Speed, km/s", "Flow speed, km/s", "Proton Density, n/cc") map to the
    /// canonical series names.
    /// </summary>
    public static SeriesSet ReadOmniWebList(string listPath, string formatPath)
    {
        var items = new List<(int Column, string Name, string Format)>();
        int? year = null, day = null, hour = null, minute = null;
        var total = 0;
        foreach (var line in File.ReadLines(formatPath))
        {
            var m = FormatItem().Match(line);
            if (!m.Success)
            {
                continue;
            }

            var column = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            total = Math.Max(total, column);
            var description = m.Groups["name"].Value.Trim();
            switch (description.ToUpperInvariant())
            {
                case "YEAR":
                    year = column;
                    continue;
                case "DAY" or "DOY" or "DAY OF YEAR":
                    day = column;
                    continue;
                case "HOUR" or "HR":
                    hour = column;
                    continue;
                case "MINUTE" or "MIN":
                    minute = column;
                    continue;
            }

            if (CanonicalName(description) is { } name)
            {
                items.Add((column, name, m.Groups["fmt"].Value));
            }
        }

        if (items.Count == 0)
        {
            throw FormatError.At(formatPath, string.Empty, "no column descriptions ('N NAME FORMAT') of parameters AuroraStream reads").Tag(FormatErrorKind.UnknownFormat);
        }

        if (year is null || day is null)
        {
            throw FormatError.At(formatPath, string.Empty, "no Year and Day (or DOY) columns").Tag(FormatErrorKind.UnknownFormat);
        }

        TimeSpan? step = minute is not null ? null : hour is not null ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        return ReadColumns(listPath, items, total, new TimeColumns(year.Value, day.Value, hour, minute), step);
    }

    /// <summary>Maps an OMNIWeb column description to a canonical series name, or null when not used.</summary>
    /// <remarks>
    /// Names as OMNIWeb writes them in .fmt files: hourly OMNI2 ("Scalar B, nT", "SW Plasma Speed,
    /// km/s", "SW Proton Density, N/cm^3", "Kp index", "Dst-index, nT") and high-resolution OMNI
    /// ("Field magnitude average, nT", "BX, nT (GSE, GSM)", "BY, nT (GSM)", "Speed, km/s" or "Flow
    /// speed, km/s", "Proton Density, n/cc", "Temperature, K", "Flow pressure, nPa", "AE-index, nT",
    /// "SYM/H, nT"; HRO_format.txt). BX is the same axis in GSE and GSM.
    /// </remarks>
    internal static string? CanonicalName(string description)
    {
        var d = string.Join(' ', description.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        bool Starts(params string[] prefixes) => prefixes.Any(p => d.StartsWith(p, StringComparison.Ordinal));
        return d switch
        {
            _ when Starts("SCALAR B", "FIELD MAGNITUDE AVERAGE") => "bavg",
            _ when Starts("BX, NT") => "bx_gsm",
            _ when Starts("BY, NT (GSM)") => "by_gsm",
            _ when Starts("BZ, NT (GSM)") => "bz_gsm",
            _ when Starts("SW PLASMA SPEED", "FLOW SPEED", "SPEED, KM/S", "PLASMA SPEED") || d == "SPEED" => "speed",
            _ when Starts("SW PROTON DENSITY", "PROTON DENSITY") => "proton_density",
            _ when Starts("SW PLASMA TEMPERATURE", "TEMPERATURE, K", "PROTON TEMPERATURE") => "temperature",
            _ when Starts("FLOW PRESSURE") => "pdyn",
            _ when d == "KP" || Starts("KP INDEX", "KP-INDEX") => "kp10",
            _ when Starts("DST") => "dst",
            _ when Starts("AE-INDEX", "AE ", "AE,") || d == "AE" => "ae",
            _ when Starts("AL-INDEX") => "al",
            _ when Starts("AU-INDEX") => "au",
            _ when Starts("SYM/H", "SYM-H") => "sym_h",
            _ => null,
        };
    }

    /// <summary>1-based positions of the time columns of a fixed-column file.</summary>
    private readonly record struct TimeColumns(int Year, int DayOfYear, int? Hour, int? Minute);

    // step: the cadence, or null for minute data (the most common spacing of the rows).
    private static SeriesSet ReadColumns(string path, List<(int Column, string Name, string Format)> columns, int expectedColumns, TimeColumns time, TimeSpan? step)
    {
        var samples = columns.Select(_ => new List<(DateTime, double)>(8784)).ToArray();
        var times = new List<DateTime>(8784);
        foreach (var (lineNumber, f) in Records(path))
        {
            if (f.Length != expectedColumns)
            {
                throw FormatError.At(path, $"line {lineNumber}", $"{f.Length} columns, expected {expectedColumns}").Tag(lineNumber == 1 ? FormatErrorKind.UnknownFormat : FormatErrorKind.Corrupt);
            }

            var t = DayOfYearTime(path, lineNumber, f[time.Year - 1], f[time.DayOfYear - 1], time.Hour is { } h ? f[h - 1] : "0", time.Minute is { } m ? f[m - 1] : "0");
            times.Add(t);
            for (var k = 0; k < columns.Count; k++)
            {
                var (column, name, format) = columns[k];
                samples[k].Add((t, ParseWithFill(path, lineNumber, name, f[column - 1], format)));
            }
        }

        var cadence = step ?? Cadence.MostCommonStep(times, TimeSpan.FromMinutes(1)) ?? TimeSpan.FromMinutes(1);
        var series = columns.Select((c, k) => RegularSeries.FromSamples(c.Name, cadence, samples[k])).ToList();

        // OMNI stores Kp x 10 (e.g. 37 = 3.7, written 4-); AuroraStream's kp is the plain number.
        var kp10 = series.FirstOrDefault(s => s.Name == "kp10");
        if (kp10 is not null)
        {
            series.Add(new RegularSeries("kp", kp10.Start, kp10.Step, [.. kp10.Values.ToArray().Select(v => v / 10)]));
        }

        return new SeriesSet(series);
    }

    /// <summary>The whitespace-separated fields of each non-blank line, with its 1-based number.</summary>
    private static IEnumerable<(int Line, string[] Fields)> Records(string path)
    {
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (lineNumber, line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }

    private static DateTime DayOfYearTime(string path, int line, string year, string doy, string hour, string minute)
    {
        if (!int.TryParse(year, CultureInfo.InvariantCulture, out var y) || !int.TryParse(doy, CultureInfo.InvariantCulture, out var d)
            || !int.TryParse(hour, CultureInfo.InvariantCulture, out var h) || !int.TryParse(minute, CultureInfo.InvariantCulture, out var m)
            || y is < 1950 or > 2200 || !UtcTimeText.TryCreateFromDayOfYear(y, d, h, m, 0, out var time))
        {
            throw FormatError.At(path, $"line {line}", $"'{year} {doy} {hour} {minute}' is not a year, day of year, hour and minute");
        }

        return time;
    }

    /// <summary>The largest all-9s value a Fortran format holds with a leading blank (F6.1 -> 999.9).</summary>
    internal static double FillFor(string format)
    {
        var m = FortranFormat().Match(format);
        if (!m.Success)
        {
            return double.PositiveInfinity;
        }

        var width = int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture) - 1;
        if (m.Groups["t"].Value is "I" or "i")
        {
            return Math.Pow(10, width) - 1;
        }

        var decimals = m.Groups["d"].Success ? int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture) : 0;
        var integerDigits = width - 1 - decimals;
        return Math.Pow(10, integerDigits) - Math.Pow(10, -decimals);
    }

    private static double ParseWithFill(string path, int line, string name, string text, string format)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw FormatError.At(path, $"line {line} column {name}", $"'{text}' is not a number");
        }

        var fill = FillFor(format);
        return Math.Abs(value) >= fill - (fill * 1e-9) ? double.NaN : value;
    }

    [GeneratedRegex(@"^\s*(?<n>\d+)\s+(?<name>.+?)\s+(?<fmt>[IF]\d+(\.\d+)?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex FormatItem();

    [GeneratedRegex(@"^(?<t>[IFif])(?<w>\d+)(\.(?<d>\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex FortranFormat();
}
