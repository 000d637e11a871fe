using System.Diagnostics;

namespace AuroraStream.Benchmarks;

/// <summary>
/// Medians of repeated timings. Paired measurements alternate (ABAB...), so clock and thermal
/// drift of a shared machine fall on both alike.
/// </summary>
internal static class Timing
{
    /// <summary>Median seconds per run of each action, sampled alternately within a total budget.</summary>
    public static (double A, double B) Interleaved(Action a, Action b, double seconds, int samples = 15, int warmUp = 3)
    {
        for (var i = 0; i < warmUp; i++)
        {
            a();
            b();
        }

        var ta = new List<double>();
        var tb = new List<double>();
        for (var s = 0; s < samples; s++)
        {
            ta.Add(TimePerRun(a, seconds / (2 * samples)));
            tb.Add(TimePerRun(b, seconds / (2 * samples)));
        }

        return (Median(ta), Median(tb));
    }

    /// <summary>Median seconds per run of an action within a total budget.</summary>
    public static double MedianSeconds(Action action, double seconds, int warmUp, int samples = 7)
    {
        for (var i = 0; i < warmUp; i++)
        {
            action();
        }

        var times = new List<double>();
        for (var s = 0; s < samples; s++)
        {
            times.Add(TimePerRun(action, seconds / samples));
        }

        return Median(times);
    }

    /// <summary>The median of a list (sorts it).</summary>
    public static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>A percentile (0-100) of a list, nearest rank (sorts it).</summary>
    public static double Percentile(List<double> values, double percent)
    {
        values.Sort();
        var rank = (int)Math.Ceiling(percent / 100 * values.Count) - 1;
        return values[Math.Clamp(rank, 0, values.Count - 1)];
    }

    private static double TimePerRun(Action action, double seconds)
    {
        var runs = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds || runs == 0)
        {
            action();
            runs++;
        }

        return watch.Elapsed.TotalSeconds / runs;
    }
}
