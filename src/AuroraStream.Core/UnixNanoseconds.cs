using System.Globalization;

namespace AuroraStream.Core;

/// <summary>
/// Conversions between UTC times and nanoseconds since the Unix epoch, the form of the wire
/// (<c>capture_time_unix_ns</c>) and of InfluxDB timestamps. A signed 64-bit count of nanoseconds
/// spans 1677-09-21 to 2262-04-11; a time outside that span has no such form, and converting it
/// throws instead of wrapping round (2600-01-01 used to become 2015-06-13).
/// </summary>
public static class UnixNanoseconds
{
    /// <summary>Earliest time with a Unix-nanosecond form (1677-09-21T00:12:43.1452242Z).</summary>
    public static DateTime MinValue { get; } = DateTime.UnixEpoch.AddTicks(long.MinValue / 100);

    /// <summary>Latest time with a Unix-nanosecond form (2262-04-11T23:47:16.8547758Z).</summary>
    public static DateTime MaxValue { get; } = DateTime.UnixEpoch.AddTicks(long.MaxValue / 100);

    /// <summary>Nanoseconds since the Unix epoch of a UTC time, false when it has none (outside 1677..2262).</summary>
    public static bool TryFrom(DateTime utc, out long nanoseconds)
    {
        nanoseconds = 0;
        if (utc < MinValue || utc > MaxValue)
        {
            return false;
        }

        nanoseconds = (utc - DateTime.UnixEpoch).Ticks * 100;
        return true;
    }

    /// <summary>Nanoseconds since the Unix epoch of a UTC time; throws <see cref="ArgumentOutOfRangeException"/> outside 1677..2262.</summary>
    public static long From(DateTime utc) => TryFrom(utc, out var ns)
        ? ns
        : throw new ArgumentOutOfRangeException(nameof(utc), utc, string.Create(CultureInfo.InvariantCulture, $"{utc:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'} has no Unix-nanosecond form (a signed 64-bit count spans {MinValue:yyyy-MM-dd} to {MaxValue:yyyy-MM-dd})."));

    /// <summary>The UTC time of a nanosecond count, truncated to 100 ns (every count has one).</summary>
    public static DateTime ToDateTime(long nanoseconds) => DateTime.UnixEpoch.AddTicks(nanoseconds / 100);
}
