namespace AuroraStream.Training.Evaluation;

/// <summary>
/// How well synthetic frames pass for real ones: the ROC AUC of an L2-regularised logistic
/// regression that separates real from synthetic representations, scored out of fold. Real frames
/// are split by scene (a site-night), so the classifier cannot win by recognising one night's
/// frames; synthetic frames are split at random into the same number of folds. 0.5 means the two
/// cannot be told apart, 1.0 means every synthetic frame is recognised.
/// </summary>
/// <remarks>
/// The AUC is the Mann-Whitney statistic (Hanley &amp; McNeil 1982, Radiology 143:29): the
/// probability that a random real frame scores above a random synthetic one, ties counting half.
/// Features are standardised on each training fold; the regression is fitted by full-batch
/// gradient descent (400 steps, rate 0.5, L2 weight 1e-2).
/// </remarks>
public static class RealismAuc
{
    /// <summary>Computes the out-of-fold AUC.</summary>
    /// <param name="real">Representations [frames][D] of real frames.</param>
    /// <param name="realScenes">The scene of each real frame; one fold per scene.</param>
    /// <param name="synthetic">Representations [frames][D] of synthetic frames.</param>
    /// <param name="seed">Seed of the synthetic frames' fold assignment.</param>
    /// <returns>AUC in [0, 1].</returns>
    /// <exception cref="ArgumentException">Fewer than two scenes, no synthetic frames, or widths that differ.</exception>
    public static double Compute(IReadOnlyList<float[]> real, IReadOnlyList<string> realScenes, IReadOnlyList<float[]> synthetic, int seed)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(realScenes);
        ArgumentNullException.ThrowIfNull(synthetic);
        if (real.Count != realScenes.Count)
        {
            throw new ArgumentException($"{real.Count} real frames but {realScenes.Count} scenes.", nameof(realScenes));
        }

        var scenes = realScenes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (scenes.Count < 2 || synthetic.Count < scenes.Count)
        {
            throw new ArgumentException($"Need real frames from at least two scenes and at least one synthetic frame per scene (got {scenes.Count} scenes, {synthetic.Count} synthetic).", nameof(real));
        }

        var d = real[0].Length;
        if (real.Concat(synthetic).Any(r => r.Length != d))
        {
            throw new ArgumentException("Every representation needs the same length.", nameof(synthetic));
        }

        var random = new Random(seed);
        var syntheticFold = Enumerable.Range(0, synthetic.Count).Select(i => i % scenes.Count).ToArray();
        random.Shuffle(syntheticFold);
        var realScores = new List<double>();
        var syntheticScores = new List<double>();
        for (var fold = 0; fold < scenes.Count; fold++)
        {
            var trainX = new List<float[]>();
            var trainY = new List<int>();
            for (var i = 0; i < real.Count; i++)
            {
                if (realScenes[i] != scenes[fold])
                {
                    trainX.Add(real[i]);
                    trainY.Add(1);
                }
            }

            for (var i = 0; i < synthetic.Count; i++)
            {
                if (syntheticFold[i] != fold)
                {
                    trainX.Add(synthetic[i]);
                    trainY.Add(0);
                }
            }

            var model = Logistic.Fit(trainX, trainY);
            for (var i = 0; i < real.Count; i++)
            {
                if (realScenes[i] == scenes[fold])
                {
                    realScores.Add(model.Score(real[i]));
                }
            }

            for (var i = 0; i < synthetic.Count; i++)
            {
                if (syntheticFold[i] == fold)
                {
                    syntheticScores.Add(model.Score(synthetic[i]));
                }
            }
        }

        return MannWhitney(realScores, syntheticScores);
    }

    /// <summary>P(a positive scores above a negative), ties counting half.</summary>
    public static double MannWhitney(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        if (positives.Count == 0 || negatives.Count == 0)
        {
            throw new ArgumentException("Need at least one positive and one negative score.", nameof(positives));
        }

        var sortedNegatives = negatives.Order().ToArray();
        var wins = 0.0;
        foreach (var p in positives)
        {
            var below = LowerBound(sortedNegatives, p);
            var notAbove = UpperBound(sortedNegatives, p);
            wins += below + (0.5 * (notAbove - below));
        }

        return wins / ((double)positives.Count * negatives.Count);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private sealed class Logistic(double[] mean, double[] scale, double[] weights, double bias)
    {
        public static Logistic Fit(IReadOnlyList<float[]> x, IReadOnlyList<int> y)
        {
            var d = x[0].Length;
            var mean = new double[d];
            var scale = new double[d];
            foreach (var row in x)
            {
                for (var k = 0; k < d; k++)
                {
                    mean[k] += row[k];
                }
            }

            for (var k = 0; k < d; k++)
            {
                mean[k] /= x.Count;
            }

            foreach (var row in x)
            {
                for (var k = 0; k < d; k++)
                {
                    scale[k] += (row[k] - mean[k]) * (row[k] - mean[k]);
                }
            }

            for (var k = 0; k < d; k++)
            {
                scale[k] = Math.Sqrt(scale[k] / x.Count) is var s && s > 1e-12 ? s : 1;
            }

            // Class weights balance real and synthetic, whichever has more frames.
            var positives = y.Count(v => v == 1);
            var weightOf = new[] { 0.5 * x.Count / Math.Max(1, x.Count - positives), 0.5 * x.Count / Math.Max(1, positives) };
            var w = new double[d];
            var b = 0.0;
            var z = new double[d];
            for (var step = 0; step < 400; step++)
            {
                var gradient = new double[d];
                var gradientBias = 0.0;
                for (var i = 0; i < x.Count; i++)
                {
                    var t = b;
                    for (var k = 0; k < d; k++)
                    {
                        z[k] = (x[i][k] - mean[k]) / scale[k];
                        t += w[k] * z[k];
                    }

                    var error = weightOf[y[i]] * ((1 / (1 + Math.Exp(-t))) - y[i]);
                    for (var k = 0; k < d; k++)
                    {
                        gradient[k] += error * z[k];
                    }

                    gradientBias += error;
                }

                for (var k = 0; k < d; k++)
                {
                    w[k] -= 0.5 * ((gradient[k] / x.Count) + (1e-2 * w[k]));
                }

                b -= 0.5 * gradientBias / x.Count;
            }

            return new Logistic(mean, scale, w, b);
        }

        public double Score(float[] row)
        {
            var t = bias;
            for (var k = 0; k < row.Length; k++)
            {
                t += weights[k] * (row[k] - mean[k]) / scale[k];
            }

            return t;
        }
    }
}
