namespace AuroraStream.Analysis.Statistics;

/// <summary>Five-number-style summary of a sample.</summary>
/// <param name="Count">Sample size.</param>
/// <param name="Q1">25th percentile.</param>
/// <param name="Median">50th percentile.</param>
/// <param name="Q3">75th percentile.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public readonly record struct Distribution(int Count, double Q1, double Median, double Q3, double P90, double Min, double Max)
{
    /// <summary>Summarises a sample (NaN values are ignored); all NaN for an empty sample.</summary>
    public static Distribution Of(IEnumerable<double> sample)
    {
        var sorted = sample.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Distribution(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        return new Distribution(sorted.Length, Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), Quantile(sorted, 0.9), sorted[0], sorted[^1]);
    }

    /// <summary>Linear interpolation between closest ranks (Hyndman &amp; Fan type 7, numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Count - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
