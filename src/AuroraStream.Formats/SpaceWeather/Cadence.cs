using System.Globalization;
using System.Text.RegularExpressions;

namespace AuroraStream.Formats.SpaceWeather;

/// <summary>
/// The sampling interval of a regularly sampled file: from its header where the format has one
/// (IAGA-2002 "Data Interval Type", the ISTP <c>Time_resolution</c> attribute of a CDF), else the most
/// common spacing of its samples. Never from the first two samples: a file missing samples at its
/// start would take the gap for its cadence and fold the samples after it together.
/// </summary>
public static partial class Cadence
{
    /// <summary>
    /// Parses an interval written as text: <c>1-minute</c>, <c>filtered 1-minute (00:15-01:45)</c>,
    /// <c>1-second (instantaneous)</c>, <c>Average 1-Second</c>, <c>0.5 sec</c>, <c>5 min</c>,
    /// <c>1 hour</c>, <c>1-day</c>. Null when the text names no interval.
    /// </summary>
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var m = IntervalText().Match(text);
        if (!m.Success || !double.TryParse(m.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return null;
        }

        var unit = m.Groups["unit"].Value.ToLowerInvariant();
        var step = unit switch
        {
            _ when unit.StartsWith("ms", StringComparison.Ordinal) || unit.StartsWith("milli", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(n),
            _ when unit.StartsWith('s') => TimeSpan.FromSeconds(n),
            _ when unit.StartsWith('m') => TimeSpan.FromMinutes(n),
            _ when unit.StartsWith('h') => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return step > TimeSpan.Zero ? step : null;
    }

    /// <summary>
    /// The most common spacing of the distinct sample times, each spacing rounded to a multiple of
    /// <paramref name="quantum"/> (clock jitter of stored floating-point times); of equally common
    /// spacings the smallest. Null when there are fewer than two distinct times.
    /// </summary>
    public static TimeSpan? MostCommonStep(IEnumerable<DateTime> times, TimeSpan quantum)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (quantum <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(quantum), quantum, "The quantum must be positive.");
        }

        var sorted = times.Select(t => t.Ticks).Distinct().Order().ToArray();
        var counts = new Dictionary<long, int>();
        for (var i = 1; i < sorted.Length; i++)
        {
            var step = (long)Math.Round((double)(sorted[i] - sorted[i - 1]) / quantum.Ticks) * quantum.Ticks;
            if (step > 0)
            {
                counts[step] = counts.GetValueOrDefault(step) + 1;
            }
        }

        return counts.Count == 0 ? null : TimeSpan.FromTicks(counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key);
    }

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)\s*-?\s*(?<unit>milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IntervalText();
}
