namespace AuroraStream.Analysis.Statistics;

/// <summary>The Wilson score interval for a binomial proportion (Wilson 1927).</summary>
public static class WilsonInterval
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// The interval for <paramref name="successes"/> of <paramref name="trials"/>; (NaN, NaN) when
    /// there are no trials.
    /// </summary>
    public static (double Low, double High) Compute(long successes, long trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0)
        {
            return (double.NaN, double.NaN);
        }

        var n = (double)trials;
        var p = successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n))) / denominator;

        // At p = 0 the lower end is exactly 0 and at p = 1 the upper end exactly 1 (centre and half
        // are then equal); rounding would leave them a few 1e-19 off, printed as such in the tidy CSV.
        return (successes == 0 ? 0 : Math.Max(0, centre - half), successes == trials ? 1 : Math.Min(1, centre + half));
    }
}
