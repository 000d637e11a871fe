namespace AuroraStream.Core.Preprocessing;

/// <summary>
/// Whether a model input shows a sky at all: the lag-1 spatial autocorrelation of the preprocessed
/// frame inside its field of view. A sky, at the model's scale, is smooth: the airglow and the lens
/// brighten toward the horizon, aurora, cloud and moonlight span many pixels, so neighbouring pixels
/// share most of the frame's variance. A frame of pixel noise (a camera reading out without light,
/// a corrupt readout) shares none of it, and the classifier, which has never seen such a frame, can
/// still give it a confident aurora label that its out-of-distribution score does not catch.
/// </summary>
/// <remarks>
/// <para>The statistic is Moran's I with rook (4-neighbour) adjacency (Moran 1950, Biometrika 37, 17;
/// Cliff &amp; Ord 1981, <i>Spatial Processes</i>, ch. 1): the mean product of the deviations from the
/// frame's mean over horizontally and vertically adjacent pairs of pixels, both inside the field of
/// view, divided by the variance over those pixels. It is 1 for a smooth gradient, about 0 (standard
/// deviation about 0.013 for the 64 px input) for independent noise, and negative for a checkerboard.</para>
/// <para>Measured on the 64 px input of the default model (mask radius 1.0): the 163 real THEMIS frames
/// here 0.86-0.95 and the 10 OATH images 0.95-0.98; 1,800 held-out projected synthetic frames of all six
/// classes 0.54-1.00 (dark clear skies lowest); the legacy generator's clear skies (a flat background,
/// stars and shot noise, 306 frames) 0.12-0.20, the least structured skies seen; uniform noise at
/// 3000-3600 counts, over the full 16-bit range or 3000-3010 counts, and a bias with Gaussian read noise
/// (350 frames), -0.04 to 0.03. <see cref="MinimumAutocorrelation"/> sits between them, about five
/// standard deviations of a noise frame's value above 0.</para>
/// </remarks>
public static class SkyStructure
{
    /// <summary>
    /// Lag-1 autocorrelation below which the input is taken as noise, not a sky: neighbouring pixels
    /// share under a tenth of its variance.
    /// </summary>
    public const double MinimumAutocorrelation = 0.1;

    /// <summary>
    /// Lag-1 spatial autocorrelation (Moran's I, 4-neighbour) of one preprocessed frame over the
    /// centred disc of its field of view.
    /// </summary>
    /// <param name="input">One model input, <paramref name="side"/> x <paramref name="side"/> values, row-major.</param>
    /// <param name="side">Side of the input in pixels.</param>
    /// <param name="maskRadiusFraction">The preprocessing's mask radius as a fraction of half the side (the card's
    /// <see cref="PreprocessingParameters.MaskRadiusFraction"/>); 0 (no mask) uses the inscribed disc.</param>
    /// <returns>The autocorrelation, at most 1; 0 for a frame that is constant over the disc (no structure at all).</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not <paramref name="side"/> squared values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is below 2, or the fraction is outside [0, 1].</exception>
    public static double Autocorrelation(ReadOnlySpan<float> input, int side, double maskRadiusFraction) => Autocorrelation(input, side, maskRadiusFraction, lag: 1);

    /// <summary>
    /// Spatial autocorrelation (Moran's I) of one preprocessed frame over the centred disc of its field
    /// of view between pixels <paramref name="lag"/> apart along a row or a column: how far structure
    /// extends (<see cref="SkyImageStatistics"/> uses lags 1, 2 and 4).
    /// </summary>
    /// <param name="input">One model input, <paramref name="side"/> x <paramref name="side"/> values, row-major.</param>
    /// <param name="side">Side of the input in pixels.</param>
    /// <param name="maskRadiusFraction">The preprocessing's mask radius as a fraction of half the side; 0 (no mask) uses the inscribed disc.</param>
    /// <param name="lag">Distance between the paired pixels, in pixels, at least 1 and below <paramref name="side"/>.</param>
    /// <returns>The autocorrelation, at most 1; 0 for a frame that is constant over the disc.</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not <paramref name="side"/> squared values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is below 2, the fraction is outside [0, 1], or the lag is outside [1, side).</exception>
    public static double Autocorrelation(ReadOnlySpan<float> input, int side, double maskRadiusFraction, int lag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(lag, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lag, side);
        if (!(maskRadiusFraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maskRadiusFraction), maskRadiusFraction, "The mask radius is a fraction of half the side, 0 to 1.");
        }

        if (input.Length != side * side)
        {
            throw new ArgumentException($"A {side} x {side} input has {side * side} values, not {input.Length}.", nameof(input));
        }

        var disc = FieldOfViewDisc.For(side, maskRadiusFraction);
        if (disc.Count < 2)
        {
            return 0;
        }

        var inside = disc.Inside;
        var count = disc.Count;
        var sum = 0.0;
        for (var i = 0; i < inside.Length; i++)
        {
            if (inside[i])
            {
                sum += input[i];
            }
        }

        var mean = sum / count;
        var (variance, covariance, pairs) = (0.0, 0.0, 0);
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var i = (y * side) + x;
                if (!inside[i])
                {
                    continue;
                }

                var d = input[i] - mean;
                variance += d * d;
                if (x + lag < side && inside[i + lag])
                {
                    covariance += d * (input[i + lag] - mean);
                    pairs++;
                }

                if (y + lag < side && inside[i + (lag * side)])
                {
                    covariance += d * (input[i + (lag * side)] - mean);
                    pairs++;
                }
            }
        }

        return variance <= 0 || pairs == 0 ? 0 : Math.Min(1, covariance / pairs / (variance / count));
    }
}
