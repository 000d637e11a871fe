using AuroraStream.Core;

namespace AuroraStream.Training.Confidence;

/// <summary>
/// The out-of-distribution score of Lee, Lee, Lee &amp; Shin 2018 ("A Simple Unified Framework for
/// Detecting Out-of-Distribution Samples and Adversarial Attacks", NeurIPS, eq. 2): class-conditional
/// Gaussians with a tied covariance fitted to the training representations; a frame's score is its
/// smallest squared Mahalanobis distance to a class mean. The covariance is shrunk towards a scaled
/// identity (Ledoit &amp; Wolf 2004 form, fixed weight) so it is invertible with fewer frames than
/// dimensions.
/// </summary>
/// <param name="Dimension">Representation size D.</param>
/// <param name="ClassMeans">[6, D] row-major class means; a class without frames has NaN means and is skipped.</param>
/// <param name="Whitening">[D, D] row-major W with W Wᵀ = Σ⁻¹ (the inverse of the shrunk tied covariance).</param>
public sealed record MahalanobisScore(int Dimension, float[] ClassMeans, float[] Whitening)
{
    /// <summary>
    /// Fits the class means and tied covariance of representations.
    /// </summary>
    /// <param name="representations">[frames][D] representations of the training frames.</param>
    /// <param name="labels">Their classes.</param>
    /// <param name="shrinkage">Weight of the scaled identity in the covariance, in [0, 1); default 0.1.</param>
    /// <exception cref="ArgumentException">Fewer than two frames, unequal counts or widths.</exception>
    public static MahalanobisScore Fit(IReadOnlyList<float[]> representations, IReadOnlyList<AuroraClass> labels, double shrinkage = 0.1)
    {
        ArgumentNullException.ThrowIfNull(representations);
        ArgumentNullException.ThrowIfNull(labels);
        if (representations.Count < 2 || representations.Count != labels.Count)
        {
            throw new ArgumentException($"Need at least two frames and one label per frame (got {representations.Count} frames, {labels.Count} labels).", nameof(labels));
        }

        if (shrinkage is < 0 or >= 1 || double.IsNaN(shrinkage))
        {
            throw new ArgumentOutOfRangeException(nameof(shrinkage), shrinkage, "Shrinkage must be within [0, 1).");
        }

        var d = representations[0].Length;
        if (representations.Any(r => r.Length != d))
        {
            throw new ArgumentException("Every representation needs the same length.", nameof(representations));
        }

        var classes = AuroraClasses.All.Count;
        var means = new double[classes * d];
        var counts = new int[classes];
        for (var i = 0; i < representations.Count; i++)
        {
            var c = (int)labels[i];
            counts[c]++;
            for (var k = 0; k < d; k++)
            {
                means[(c * d) + k] += representations[i][k];
            }
        }

        for (var c = 0; c < classes; c++)
        {
            for (var k = 0; k < d; k++)
            {
                means[(c * d) + k] = counts[c] > 0 ? means[(c * d) + k] / counts[c] : double.NaN;
            }
        }

        var covariance = new double[d * d];
        var centred = new double[d];
        for (var i = 0; i < representations.Count; i++)
        {
            var c = (int)labels[i];
            for (var k = 0; k < d; k++)
            {
                centred[k] = representations[i][k] - means[(c * d) + k];
            }

            for (var r = 0; r < d; r++)
            {
                var v = centred[r];
                for (var s = 0; s <= r; s++)
                {
                    covariance[(r * d) + s] += v * centred[s];
                }
            }
        }

        var trace = 0.0;
        for (var r = 0; r < d; r++)
        {
            for (var s = 0; s <= r; s++)
            {
                covariance[(r * d) + s] /= representations.Count;
                covariance[(s * d) + r] = covariance[(r * d) + s];
            }

            trace += covariance[(r * d) + r];
        }

        // A floor keeps a collapsed representation (all frames equal) invertible.
        var scale = Math.Max(trace / d, 1e-8);
        for (var r = 0; r < d; r++)
        {
            for (var s = 0; s < d; s++)
            {
                covariance[(r * d) + s] = ((1 - shrinkage) * covariance[(r * d) + s]) + (r == s ? shrinkage * scale : 0);
            }

            covariance[(r * d) + r] += 1e-6 * scale;
        }

        var whitening = InverseCholeskyTranspose(covariance, d);
        return new MahalanobisScore(d, [.. means.Select(v => (float)v)], [.. whitening.Select(v => (float)v)]);
    }

    /// <summary>The score of one representation: min over classes of (x - μ_c)ᵀ Σ⁻¹ (x - μ_c).</summary>
    /// <exception cref="ArgumentException">A representation of the wrong length.</exception>
    public double Score(ReadOnlySpan<float> representation)
    {
        if (representation.Length != Dimension)
        {
            throw new ArgumentException($"A representation has {Dimension} values, not {representation.Length}.", nameof(representation));
        }

        var best = double.PositiveInfinity;
        var diff = new double[Dimension];
        for (var c = 0; c < AuroraClasses.All.Count; c++)
        {
            if (float.IsNaN(ClassMeans[c * Dimension]))
            {
                continue;
            }

            for (var k = 0; k < Dimension; k++)
            {
                diff[k] = representation[k] - ClassMeans[(c * Dimension) + k];
            }

            var total = 0.0;
            for (var j = 0; j < Dimension; j++)
            {
                var z = 0.0;
                for (var k = 0; k <= j; k++)
                {
                    // W is upper triangular (the transpose of a lower-triangular inverse): W[k, j] is 0 for k > j.
                    z += diff[k] * Whitening[(k * Dimension) + j];
                }

                total += z * z;
            }

            best = Math.Min(best, total);
        }

        return best;
    }

    /// <summary>The q-quantile (linear interpolation between order statistics) of scores.</summary>
    public static double Quantile(IReadOnlyList<double> scores, double q)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0 || q is < 0 or > 1)
        {
            throw new ArgumentException("Need scores and a quantile within [0, 1].", nameof(scores));
        }

        var sorted = scores.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    /// <summary>(L⁻¹)ᵀ for Σ = L Lᵀ (Cholesky; Golub &amp; Van Loan, Matrix Computations, 4th ed., algorithm 4.2.1).</summary>
    private static double[] InverseCholeskyTranspose(double[] a, int n)
    {
        var l = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            var sum = a[(j * n) + j];
            for (var k = 0; k < j; k++)
            {
                sum -= l[(j * n) + k] * l[(j * n) + k];
            }

            if (!(sum > 0))
            {
                throw new InvalidOperationException("The covariance is not positive definite.");
            }

            var diagonal = Math.Sqrt(sum);
            l[(j * n) + j] = diagonal;
            for (var i = j + 1; i < n; i++)
            {
                var s = a[(i * n) + j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[(i * n) + k] * l[(j * n) + k];
                }

                l[(i * n) + j] = s / diagonal;
            }
        }

        // Forward substitution for the lower-triangular inverse M = L⁻¹, stored transposed.
        var w = new double[n * n];
        for (var col = 0; col < n; col++)
        {
            for (var i = col; i < n; i++)
            {
                var s = i == col ? 1.0 : 0.0;
                for (var k = col; k < i; k++)
                {
                    s -= l[(i * n) + k] * w[(col * n) + k];
                }

                w[(col * n) + i] = s / l[(i * n) + i];
            }
        }

        // w[col, i] = M[i, col] = (Mᵀ)[col, i]: W = Mᵀ, so W Wᵀ = Mᵀ M = Σ⁻¹.
        return w;
    }
}
