using System.Globalization;
using AuroraStream.Core;

namespace AuroraStream.Training.Confidence;

/// <summary>
/// Temperature scaling (Guo, Pleiss, Sun &amp; Weinberger 2017, "On Calibration of Modern Neural
/// Networks", ICML, section 4.2): one scalar T &gt; 0 divides the logits before the softmax, fitted by
/// minimising the negative log-likelihood of held-out labels. It changes confidences, never the
/// most probable class.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Smallest and largest temperature searched.</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 50;

    /// <summary>
    /// The temperature minimising the (weighted) mean negative log-likelihood of
    /// <paramref name="labels"/> under softmax(logits / T). The NLL is convex in 1/T, so a
    /// golden-section search over log T finds the minimum (to 1e-4 in log T).
    /// </summary>
    /// <param name="logits">[frames][6] logits.</param>
    /// <param name="labels">The true class of each frame.</param>
    /// <param name="weights">Optional weight of each frame (finite, &gt;= 0, not all 0; only their ratios matter): a frame of weight 2 counts as two copies of it. Null weighs every frame 1.</param>
    /// <returns>T within [<see cref="MinTemperature"/>, <see cref="MaxTemperature"/>].</returns>
    /// <exception cref="ArgumentException">No frames, counts or widths that do not match, or weights that are negative, not finite or all 0.</exception>
    public static double Fit(IReadOnlyList<float[]> logits, IReadOnlyList<AuroraClass> labels, IReadOnlyList<double>? weights = null)
    {
        Check(logits, labels, weights);
        double lo = Math.Log(MinTemperature), hi = Math.Log(MaxTemperature);
        var phi = (Math.Sqrt(5) - 1) / 2;
        double a = hi - (phi * (hi - lo)), b = lo + (phi * (hi - lo));
        double fa = NegativeLogLikelihood(logits, labels, Math.Exp(a), weights), fb = NegativeLogLikelihood(logits, labels, Math.Exp(b), weights);
        while (hi - lo > 1e-4)
        {
            if (fa <= fb)
            {
                hi = b;
                (b, fb) = (a, fa);
                a = hi - (phi * (hi - lo));
                fa = NegativeLogLikelihood(logits, labels, Math.Exp(a), weights);
            }
            else
            {
                lo = a;
                (a, fa) = (b, fb);
                b = lo + (phi * (hi - lo));
                fb = NegativeLogLikelihood(logits, labels, Math.Exp(b), weights);
            }
        }

        return Math.Exp((lo + hi) / 2);
    }

    /// <summary>Mean negative log-likelihood (nats per frame) of the labels under softmax(logits / T), weighted by <paramref name="weights"/> when given (as in <see cref="Fit"/>).</summary>
    /// <exception cref="ArgumentException">As <see cref="Fit"/>.</exception>
    public static double NegativeLogLikelihood(IReadOnlyList<float[]> logits, IReadOnlyList<AuroraClass> labels, double temperature, IReadOnlyList<double>? weights = null)
    {
        Check(logits, labels, weights);
        var total = 0.0;
        var weight = 0.0;
        for (var i = 0; i < logits.Count; i++)
        {
            var z = logits[i];
            var max = double.NegativeInfinity;
            foreach (var v in z)
            {
                max = Math.Max(max, v / temperature);
            }

            var sum = 0.0;
            foreach (var v in z)
            {
                sum += Math.Exp((v / temperature) - max);
            }

            var w = weights?[i] ?? 1;
            total -= w * ((z[(int)labels[i]] / temperature) - max - Math.Log(sum));
            weight += w;
        }

        return total / weight;
    }

    /// <summary>softmax(logits / T) of one frame.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        var max = double.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v / temperature);
        }

        var p = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = Math.Exp((logits[i] / temperature) - max);
            sum += p[i];
        }

        return [.. p.Select(v => (float)(v / sum))];
    }

    /// <summary>
    /// Expected calibration error (Naeini, Cooper &amp; Hauskrecht 2015; as in Guo et al. 2017, eq. 3):
    /// frames binned by top-class probability into equal-width bins, the frame-weighted mean of
    /// |accuracy - mean confidence| over bins. 0 is perfect; in [0, 1]. With
    /// <paramref name="weights"/>, each frame counts its weight in the bins' counts, accuracies and
    /// confidences (as <see cref="Fit"/> counts it).
    /// </summary>
    /// <param name="probabilities">[frames][6] probabilities.</param>
    /// <param name="labels">True classes.</param>
    /// <param name="bins">Number of equal-width confidence bins (default 10).</param>
    /// <param name="weights">Optional weight of each frame, as in <see cref="Fit"/>; null weighs every frame 1.</param>
    /// <exception cref="ArgumentException">As <see cref="Fit"/>.</exception>
    public static double ExpectedCalibrationError(IReadOnlyList<float[]> probabilities, IReadOnlyList<AuroraClass> labels, int bins = 10, IReadOnlyList<double>? weights = null)
    {
        Check(probabilities, labels, weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var count = new double[bins];
        var correct = new double[bins];
        var confidence = new double[bins];
        for (var i = 0; i < probabilities.Count; i++)
        {
            var prediction = new FramePrediction(probabilities[i]);
            var bin = Math.Min(bins - 1, (int)(prediction.Confidence * bins));
            var w = weights?[i] ?? 1;
            count[bin] += w;
            confidence[bin] += w * prediction.Confidence;
            correct[bin] += prediction.Label == labels[i] ? w : 0;
        }

        var total = count.Sum();
        var ece = 0.0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                ece += Math.Abs((correct[b] / count[b]) - (confidence[b] / count[b])) * count[b] / total;
            }
        }

        return ece;
    }

    private static void Check(IReadOnlyList<float[]> rows, IReadOnlyList<AuroraClass> labels, IReadOnlyList<double>? weights)
    {
        Check(rows, labels);
        if (weights is null)
        {
            return;
        }

        if (weights.Count != rows.Count)
        {
            throw new ArgumentException($"Need one weight per frame (got {weights.Count} weights, {rows.Count} frames).", nameof(weights));
        }

        for (var i = 0; i < weights.Count; i++)
        {
            if (!double.IsFinite(weights[i]) || weights[i] < 0)
            {
                throw new ArgumentException($"Weight {weights[i].ToString(CultureInfo.InvariantCulture)} of frame {i} is not a finite number >= 0.", nameof(weights));
            }
        }

        if (weights.All(w => w == 0))
        {
            throw new ArgumentException("Every weight is 0: nothing to fit.", nameof(weights));
        }
    }

    private static void Check(IReadOnlyList<float[]> rows, IReadOnlyList<AuroraClass> labels)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        if (rows.Count == 0 || rows.Count != labels.Count)
        {
            throw new ArgumentException($"Need at least one frame and one label per frame (got {rows.Count} frames, {labels.Count} labels).", nameof(labels));
        }

        if (rows.Any(r => r.Length != AuroraClasses.All.Count))
        {
            throw new ArgumentException($"Every row needs {AuroraClasses.All.Count} values.", nameof(rows));
        }
    }
}
