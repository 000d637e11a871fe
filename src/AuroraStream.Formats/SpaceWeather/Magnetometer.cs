using System.Globalization;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.IO;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.SpaceWeather;

/// <summary>One station's horizontal field magnitude H (nT) on a regular grid.</summary>
/// <param name="Station">Station code, lower case.</param>
/// <param name="Horizontal">H, NaN where missing.</param>
public sealed record MagnetometerSeries(string Station, RegularSeries Horizontal)
{
    /// <summary>Averages to 1-minute samples (minutes without data are NaN); 1-min data are returned as they are.</summary>
    public MagnetometerSeries ToMinutes()
    {
        if (Horizontal.Step == TimeSpan.FromMinutes(1))
        {
            return this;
        }

        var sums = new Dictionary<long, (double Sum, int N)>();
        for (var i = 0; i < Horizontal.Count; i++)
        {
            var v = Horizontal.Values[i];
            if (double.IsNaN(v))
            {
                continue;
            }

            var minute = Horizontal.TimeOf(i).Ticks / TimeSpan.TicksPerMinute;
            sums[minute] = sums.TryGetValue(minute, out var s) ? (s.Sum + v, s.N + 1) : (v, 1);
        }

        var samples = sums.Select(kv => (new DateTime(kv.Key * TimeSpan.TicksPerMinute, DateTimeKind.Utc), kv.Value.Sum / kv.Value.N));
        return this with { Horizontal = RegularSeries.FromSamples("h", TimeSpan.FromMinutes(1), samples) };
    }
}

/// <summary>Reads ground magnetometer files.</summary>
public static class MagnetometerReader
{
    /// <summary>Reads IAGA-2002 (<c>.min</c>, <c>.sec</c>) or THEMIS GMAG L2 CDF, chosen by content.</summary>
    public static MagnetometerSeries Read(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using (var f = File.OpenRead(path))
        {
            head = head[..f.ReadUpTo(head)];
        }

        return CdfFile.HasCdfMagic(head) ? ReadThemisGmagCdf(path) : ReadIaga2002(path);
    }

    /// <summary>
    /// IAGA-2002: 70-character header lines ending in <c>|</c>, then
    /// <c>DATE TIME DOY XXXc1 XXXc2 XXXc3 XXXc4</c>. H is taken directly (HDZF) or as
    /// sqrt(X^2 + Y^2) (XYZF). 99999 and 88888 are missing. The cadence is the header's
    /// "Data Interval Type" (else the most common spacing of the rows); missing rows are gaps. A
    /// leap-second row (<c>23:59:60</c>) maps to the last tick of its day (<see cref="UtcTimeText"/>).
    /// </summary>
    public static MagnetometerSeries ReadIaga2002(string path)
    {
        string? code = null;
        string? reported = null;
        string? interval = null;
        var columnsSeen = false;
        var samples = new List<(DateTime, double)>(1440);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!columnsSeen)
            {
                var key = line.Length > 24 ? line[..24].Trim() : line.Trim();
                var value = line.Length > 24 ? line[24..].TrimEnd('|', ' ') : string.Empty;
                if (key == "IAGA CODE")
                {
                    code = value.Trim().ToLowerInvariant();
                }
                else if (key == "Reported")
                {
                    reported = value.Trim().ToUpperInvariant();
                }
                else if (key == "Data Interval Type")
                {
                    interval = value.Trim();
                }
                else if (line.StartsWith("DATE", StringComparison.Ordinal))
                {
                    columnsSeen = true;
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 6 || !UtcTimeText.TryParse($"{f[0]} {f[1]}", out var time))
            {
                throw FormatError.At(path, $"line {lineNumber}", $"not an IAGA-2002 data line: '{line}'");
            }

            var c1 = Component(path, lineNumber, f[3]);
            var c2 = Component(path, lineNumber, f[4]);
            var h = reported?.StartsWith('H') == true ? c1 : Math.Sqrt((c1 * c1) + (c2 * c2));
            samples.Add((time, h));
        }

        if (code is null || reported is null || !columnsSeen)
        {
            throw FormatError.At(path, string.Empty, "not an IAGA-2002 file: no 'IAGA CODE', 'Reported' or column header line").Tag(FormatErrorKind.UnknownFormat);
        }

        if (reported is not ("HDZF" or "HDZG" or "XYZF" or "XYZG" or "HDZ" or "XYZ"))
        {
            throw FormatError.At(path, "Reported", $"components '{reported}' are not HDZ or XYZ").Tag(FormatErrorKind.Unsupported);
        }

        var step = Cadence.Parse(interval) ?? Cadence.MostCommonStep(samples.Select(s => s.Item1), TimeSpan.FromMilliseconds(1)) ?? TimeSpan.FromMinutes(1);
        return new MagnetometerSeries(code, RegularSeries.FromSamples("h", step, samples));
    }

    /// <summary>
    /// THEMIS GMAG L2 CDF (<c>thg_l2_mag_&lt;site&gt;_&lt;date&gt;_v01.cdf</c>): <c>thg_mag_&lt;site&gt;</c>
    /// [records, 3] H, D, Z in nT with <c>thg_mag_&lt;site&gt;_time</c> (Unix s), read with the
    /// foundation's CDF reader. Returned at the file's cadence (the ISTP global attribute
    /// <c>Time_resolution</c>, else the most common spacing of the times, to the millisecond); use
    /// <see cref="MagnetometerSeries.ToMinutes"/>.
    /// </summary>
    public static MagnetometerSeries ReadThemisGmagCdf(string path)
    {
        using var cdf = CdfFile.Open(path);
        var variable = cdf.Variables.FirstOrDefault(v => v.Name.StartsWith("thg_mag_", StringComparison.Ordinal) && v.Name.Length == 12)
            ?? throw FormatError.At(path, string.Empty, $"a CDF file without a thg_mag_<site> variable (variables: {string.Join(", ", cdf.Variables.Select(v => v.Name))})").Tag(FormatErrorKind.UnknownFormat);
        var site = variable.Name[8..];
        var times = cdf.ReadTimes(cdf.GetVariable($"{variable.Name}_time"));
        var values = cdf.ReadAllAsDoubles(variable);
        var perRecord = (int)variable.ValuesPerRecord;
        if (perRecord != 3 || values.Length != times.Length * 3)
        {
            throw FormatError.At(path, $"variable {variable.Name}", $"{values.Length} values for {times.Length} times; expected 3 (H, D, Z) per record");
        }

        var fill = variable.GetAttribute("FILLVAL")?.AsDouble();
        var samples = new List<(DateTime, double)>(times.Length);
        for (var i = 0; i < times.Length; i++)
        {
            if (times[i] is { } t)
            {
                var h = values[3 * i];
                samples.Add((t, fill is { } f && h == f ? double.NaN : h));
            }
        }

        var step = Cadence.Parse(cdf.GetAttribute("Time_resolution")?.Entries.FirstOrDefault()?.AsString())
            ?? Cadence.MostCommonStep(samples.Select(s => s.Item1), TimeSpan.FromMilliseconds(1))
            ?? TimeSpan.FromSeconds(1);
        return new MagnetometerSeries(site, RegularSeries.FromSamples("h", step, samples));
    }

    private static double Component(string path, int line, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            throw FormatError.At(path, $"line {line}", $"'{text}' is not a number");
        }

        return v is >= 88888 ? double.NaN : v;
    }
}
