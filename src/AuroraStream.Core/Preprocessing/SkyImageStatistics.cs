namespace AuroraStream.Core.Preprocessing;

/// <summary>
/// A fixed set of image statistics of one model input, chosen to describe how an all-sky frame
/// looks without any trained model: how brightness runs from zenith to horizon, how lopsided it is
/// in azimuth, how its values are spread, how far its structure extends and how rough it is. A
/// realism measure on these (<c>RealismAuc</c> in the trainer) does not move when the model is
/// retrained, as one on a model's representation does.
/// </summary>
/// <remarks>
/// <para>All statistics are over the centred disc of the field of view (the pixels whose centre lies
/// inside 98% of the mask radius, the disc <see cref="SkyStructure"/> uses too), on the preprocessed input
/// (percentile-stretched, so a frame's gain and offset do not count). In order
/// (<see cref="Names"/>):</para>
/// <list type="number">
/// <item>radial profile: the mean of 8 annuli of equal width from the zenith (centre) to the edge;</item>
/// <item>azimuthal asymmetry: the standard deviation and the range of the means of 8 sectors of 45 deg;</item>
/// <item>the 5th, 25th, 50th, 75th and 95th percentiles of the values;</item>
/// <item>the spatial autocorrelation (Moran's I) at lags 1, 2 and 4 pixels;</item>
/// <item>roughness: the mean absolute difference of horizontally and vertically adjacent pixels,
/// divided by the standard deviation of the values (0 for a constant disc).</item>
/// </list>
/// <para>Statistics of this kind (radial profiles, moments, texture) are the hand-made features of
/// auroral image classification before learnt ones (e.g. Syrjäsuo &amp; Donovan 2004, Ann. Geophys.
/// 22, 1103).</para>
/// </remarks>
public static class SkyImageStatistics
{
    private const int Annuli = 8;
    private const int Sectors = 8;
    private static readonly double[] Percentiles = [0.05, 0.25, 0.5, 0.75, 0.95];
    private static readonly int[] Lags = [1, 2, 4];

    /// <summary>The name of each statistic, in the order <see cref="Compute"/> returns them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        .. Enumerable.Range(0, Annuli).Select(i => $"ring{i}_mean"),
        "sector_mean_sd",
        "sector_mean_range",
        .. Percentiles.Select(p => $"p{p * 100:0}"),
        .. Lags.Select(l => $"autocorrelation_lag{l}"),
        "roughness",
    ];

    /// <summary>Computes the statistics of one preprocessed frame.</summary>
    /// <param name="input">One model input, <paramref name="side"/> x <paramref name="side"/> values, row-major.</param>
    /// <param name="side">Side of the input in pixels, at least 8.</param>
    /// <param name="maskRadiusFraction">The preprocessing's mask radius as a fraction of half the side; 0 (no mask) uses the inscribed disc.</param>
    /// <returns><see cref="Names"/>.Count values (19), dimensionless, in the input's units where they are levels.</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not <paramref name="side"/> squared values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is below 8, or the fraction is outside [0, 1].</exception>
    public static float[] Compute(ReadOnlySpan<float> input, int side, double maskRadiusFraction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 8);
        if (!(maskRadiusFraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maskRadiusFraction), maskRadiusFraction, "The mask radius is a fraction of half the side, 0 to 1.");
        }

        if (input.Length != side * side)
        {
            throw new ArgumentException($"A {side} x {side} input has {side * side} values, not {input.Length}.", nameof(input));
        }

        var disc = FieldOfViewDisc.For(side, maskRadiusFraction);
        var (centre, radius) = (disc.Centre, disc.Radius);
        var (ringSum, ringCount) = (new double[Annuli], new int[Annuli]);
        var (sectorSum, sectorCount) = (new double[Sectors], new int[Sectors]);
        var values = new List<float>(side * side);
        var (roughness, differences) = (0.0, 0);
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                if (!disc.Inside[(y * side) + x])
                {
                    continue;
                }

                var (dx, dy) = (x - centre, y - centre);
                var r = Math.Sqrt((dx * dx) + (dy * dy));

                var v = input[(y * side) + x];
                values.Add(v);
                var ring = Math.Min(Annuli - 1, (int)(r / radius * Annuli));
                ringSum[ring] += v;
                ringCount[ring]++;
                var sector = Math.Min(Sectors - 1, (int)((Math.Atan2(dy, dx) + Math.PI) / (2 * Math.PI) * Sectors));
                sectorSum[sector] += v;
                sectorCount[sector]++;
                if (disc.Contains(x + 1, y))
                {
                    roughness += Math.Abs(input[(y * side) + x + 1] - v);
                    differences++;
                }

                if (disc.Contains(x, y + 1))
                {
                    roughness += Math.Abs(input[((y + 1) * side) + x] - v);
                    differences++;
                }
            }
        }

        var result = new List<float>(Names.Count);
        result.AddRange(ringSum.Select((s, i) => ringCount[i] > 0 ? (float)(s / ringCount[i]) : 0f));
        var sectorMeans = sectorSum.Select((s, i) => sectorCount[i] > 0 ? s / sectorCount[i] : 0).ToArray();
        var sectorMean = sectorMeans.Average();
        result.Add((float)Math.Sqrt(sectorMeans.Sum(m => (m - sectorMean) * (m - sectorMean)) / Sectors));
        result.Add((float)(sectorMeans.Max() - sectorMeans.Min()));
        values.Sort();
        result.AddRange(Percentiles.Select(p => values[(int)Math.Round(p * (values.Count - 1))]));
        foreach (var lag in Lags)
        {
            result.Add((float)SkyStructure.Autocorrelation(input, side, maskRadiusFraction, lag));
        }

        var mean = values.Average(v => (double)v);
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        result.Add(sd > 0 && differences > 0 ? (float)(roughness / differences / sd) : 0f);
        return [.. result];
    }
}
