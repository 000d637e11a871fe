using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.Cdf;

/// <summary>Conversions of the CDF time types to UTC <see cref="DateTime"/>.</summary>
public static class CdfTime
{
    /// <summary>CDF EPOCH of 0001-01-01T00:00:00 (.NET's tick zero): year 0 is a leap year, 366 days.</summary>
    private const double EpochOfTickZeroMs = 366.0 * 86_400_000.0;

    /// <summary>The TT2000 FILLVAL, -9223372036854775808; the pad value is one above it.</summary>
    public const long Tt2000Fill = long.MinValue;

    /// <summary>The EPOCH FILLVAL -1.0E31.</summary>
    public const double EpochFill = -1.0e31;

    /// <summary>TT - UTC at J2000: 32 s (TAI-UTC) + 32.184 s (TT-TAI), in ns.</summary>
    private const long J2000OffsetNs = 64_184_000_000L;

    private static readonly DateTime J2000Noon = new(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    // TAI-UTC (s) from each date on, 1972 onward (IERS Bulletin C). TT2000 is defined from 1972;
    // earlier times use the 1972 offset, as the CDF library does for its integer leap seconds.
    private static readonly (DateTime From, int TaiMinusUtc)[] LeapSeconds =
    [
        (new DateTime(1972, 1, 1, 0, 0, 0, DateTimeKind.Utc), 10),
        (new DateTime(1972, 7, 1, 0, 0, 0, DateTimeKind.Utc), 11),
        (new DateTime(1973, 1, 1, 0, 0, 0, DateTimeKind.Utc), 12),
        (new DateTime(1974, 1, 1, 0, 0, 0, DateTimeKind.Utc), 13),
        (new DateTime(1975, 1, 1, 0, 0, 0, DateTimeKind.Utc), 14),
        (new DateTime(1976, 1, 1, 0, 0, 0, DateTimeKind.Utc), 15),
        (new DateTime(1977, 1, 1, 0, 0, 0, DateTimeKind.Utc), 16),
        (new DateTime(1978, 1, 1, 0, 0, 0, DateTimeKind.Utc), 17),
        (new DateTime(1979, 1, 1, 0, 0, 0, DateTimeKind.Utc), 18),
        (new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc), 19),
        (new DateTime(1981, 7, 1, 0, 0, 0, DateTimeKind.Utc), 20),
        (new DateTime(1982, 7, 1, 0, 0, 0, DateTimeKind.Utc), 21),
        (new DateTime(1983, 7, 1, 0, 0, 0, DateTimeKind.Utc), 22),
        (new DateTime(1985, 7, 1, 0, 0, 0, DateTimeKind.Utc), 23),
        (new DateTime(1988, 1, 1, 0, 0, 0, DateTimeKind.Utc), 24),
        (new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc), 25),
        (new DateTime(1991, 1, 1, 0, 0, 0, DateTimeKind.Utc), 26),
        (new DateTime(1992, 7, 1, 0, 0, 0, DateTimeKind.Utc), 27),
        (new DateTime(1993, 7, 1, 0, 0, 0, DateTimeKind.Utc), 28),
        (new DateTime(1994, 7, 1, 0, 0, 0, DateTimeKind.Utc), 29),
        (new DateTime(1996, 1, 1, 0, 0, 0, DateTimeKind.Utc), 30),
        (new DateTime(1997, 7, 1, 0, 0, 0, DateTimeKind.Utc), 31),
        (new DateTime(1999, 1, 1, 0, 0, 0, DateTimeKind.Utc), 32),
        (new DateTime(2006, 1, 1, 0, 0, 0, DateTimeKind.Utc), 33),
        (new DateTime(2009, 1, 1, 0, 0, 0, DateTimeKind.Utc), 34),
        (new DateTime(2012, 7, 1, 0, 0, 0, DateTimeKind.Utc), 35),
        (new DateTime(2015, 7, 1, 0, 0, 0, DateTimeKind.Utc), 36),
        (new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc), 37),
    ];

    /// <summary>Converts CDF EPOCH (ms since 0000-01-01) to UTC; null for FILLVAL or out of range.</summary>
    public static DateTime? FromEpoch(double epochMs)
    {
        if (!double.IsFinite(epochMs) || epochMs <= EpochFill || epochMs < EpochOfTickZeroMs)
        {
            return null;
        }

        // Whole milliseconds and the fraction apart: ms x 10^4 exceeds a double's 53-bit mantissa.
        var whole = Math.Floor(epochMs);
        var ticks = ((long)whole - (long)EpochOfTickZeroMs) * TimeSpan.TicksPerMillisecond
            + (long)Math.Round((epochMs - whole) * TimeSpan.TicksPerMillisecond);
        return ticks >= DateTime.MaxValue.Ticks ? null : new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>Converts UTC to CDF EPOCH milliseconds.</summary>
    public static double ToEpoch(DateTime utc) =>
        (double)((utc.Ticks / TimeSpan.TicksPerMillisecond) + (long)EpochOfTickZeroMs) + ((double)(utc.Ticks % TimeSpan.TicksPerMillisecond) / TimeSpan.TicksPerMillisecond);

    /// <summary>Converts CDF EPOCH16 (seconds, picoseconds) to UTC, truncated to 100 ns; null for fill.</summary>
    public static DateTime? FromEpoch16(double seconds, double picoseconds)
    {
        if (!double.IsFinite(seconds) || seconds <= EpochFill || seconds < EpochOfTickZeroMs / 1000)
        {
            return null;
        }

        var ticks = (((long)Math.Floor(seconds) - ((long)EpochOfTickZeroMs / 1000)) * TimeSpan.TicksPerSecond) + (long)Math.Floor(picoseconds / 100_000);
        return ticks < 0 || ticks >= DateTime.MaxValue.Ticks ? null : new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>
    /// Converts TT2000 (ns since 2000-01-01T12:00:00 TT) to UTC, truncated to 100 ns; null for fill.
    /// A time inside a leap second maps to 23:59:59.9999999 of that day.
    /// </summary>
    public static DateTime? FromTt2000(long tt2000)
    {
        if (tt2000 is Tt2000Fill or Tt2000Fill + 1)
        {
            return null;
        }

        // TT = UTC + (TAI-UTC) + 32.184 s on clock labels, so TT2000 = (UTC - J2000 noon)
        // + (TAI-UTC - 32 s) + 64.184 s; TAI-UTC was 32 s at the epoch.
        var sinceNoon = tt2000 - J2000OffsetNs;
        var utcApprox = J2000Noon.AddTicks(sinceNoon / 100);
        var leap = TaiMinusUtc(utcApprox.AddSeconds(-(TaiMinusUtc(utcApprox) - 32)));
        var utc = J2000Noon.AddTicks((sinceNoon - ((leap - 32) * 1_000_000_000L)) / 100);
        var settled = TaiMinusUtc(utc);
        if (settled != leap)
        {
            // Inside an inserted leap second: UTC has no representation, stay on the last tick of the day.
            return UtcTimeText.InsideLeapSecond(utc.Date.AddDays(-1));
        }

        return utc;
    }

    /// <summary>Converts UTC to TT2000 nanoseconds; throws <see cref="OverflowException"/> beyond the 64-bit range (about 1707..2292), never wraps.</summary>
    public static long ToTt2000(DateTime utc) =>
        checked(((utc - J2000Noon).Ticks * 100) + ((TaiMinusUtc(utc) - 32) * 1_000_000_000L) + J2000OffsetNs);

    private static int TaiMinusUtc(DateTime utc)
    {
        var result = LeapSeconds[0].TaiMinusUtc;
        foreach (var (from, offset) in LeapSeconds)
        {
            if (utc >= from)
            {
                result = offset;
            }
            else
            {
                break;
            }
        }

        return result;
    }
}
