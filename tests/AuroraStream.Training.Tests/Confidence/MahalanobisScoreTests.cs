using AuroraStream.Core;
using AuroraStream.Training.Confidence;

namespace AuroraStream.Training.Tests.Confidence;

public sealed class MahalanobisScoreTests
{
    [Fact]
    public void Score_EqualsTheDirectQuadraticForm_WithAGaussJordanInverse()
    {
        var random = new Random(3);
        const int d = 7;
        var (x, y) = Sample(random, 300, d);
        var fitted = MahalanobisScore.Fit(x, y, shrinkage: 0.2);

        // Independent route: the shrunk tied covariance built here, inverted by Gauss-Jordan elimination.
        var inverse = Invert(ShrunkCovariance(x, y, d, 0.2), d);
        for (var t = 0; t < 20; t++)
        {
            var probe = Enumerable.Range(0, d).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
            var expected = double.PositiveInfinity;
            foreach (var c in y.Distinct())
            {
                var mean = Mean(x, y, c, d);
                var diff = probe.Select((v, k) => v - mean[k]).ToArray();
                var q = 0.0;
                for (var r = 0; r < d; r++)
                {
                    for (var s = 0; s < d; s++)
                    {
                        q += diff[r] * inverse[(r * d) + s] * diff[s];
                    }
                }

                expected = Math.Min(expected, q);
            }

            Assert.Equal(expected, fitted.Score(probe), expected * 1e-4);
        }
    }

    [Fact]
    public void Score_FarFromEveryClass_IsFarAboveTheTrainingQuantile()
    {
        var random = new Random(5);
        var (x, y) = Sample(random, 400, 5);
        var fitted = MahalanobisScore.Fit(x, y);
        var threshold = MahalanobisScore.Quantile([.. x.Select(r => fitted.Score(r))], 0.99);

        Assert.True(fitted.Score([40, -40, 40, -40, 40]) > 10 * threshold);
        Assert.True(fitted.Score(Mean(x, y, AuroraClass.Arc, 5).Select(v => (float)v).ToArray()) < 1e-6);
    }

    [Fact]
    public void Quantile_InterpolatesLinearly() =>
        Assert.Equal(2.5, MahalanobisScore.Quantile([4, 1, 3, 2], 0.5), 12);

    [Fact]
    public void Fit_TooFewFrames_Throws() =>
        Assert.Throws<ArgumentException>(() => MahalanobisScore.Fit([new float[3]], [AuroraClass.Arc]));

    private static (List<float[]> X, List<AuroraClass> Y) Sample(Random random, int n, int d)
    {
        var x = new List<float[]>();
        var y = new List<AuroraClass>();
        for (var i = 0; i < n; i++)
        {
            var c = (AuroraClass)(i % 3);
            var shared = random.NextDouble() - 0.5;
            x.Add([.. Enumerable.Range(0, d).Select(k => (float)((int)c * (k + 1) * 0.7 + shared * (k % 2 == 0 ? 2 : -1) + (random.NextDouble() - 0.5)))]);
            y.Add(c);
        }

        return (x, y);
    }

    private static double[] Mean(List<float[]> x, List<AuroraClass> y, AuroraClass c, int d)
    {
        var rows = x.Where((_, i) => y[i] == c).ToList();
        return [.. Enumerable.Range(0, d).Select(k => rows.Average(r => (double)r[k]))];
    }

    private static double[] ShrunkCovariance(List<float[]> x, List<AuroraClass> y, int d, double shrinkage)
    {
        var sigma = new double[d * d];
        for (var i = 0; i < x.Count; i++)
        {
            var mean = Mean(x, y, y[i], d);
            for (var r = 0; r < d; r++)
            {
                for (var s = 0; s < d; s++)
                {
                    sigma[(r * d) + s] += (x[i][r] - mean[r]) * (x[i][s] - mean[s]) / x.Count;
                }
            }
        }

        var scale = Enumerable.Range(0, d).Sum(k => sigma[(k * d) + k]) / d;
        for (var r = 0; r < d; r++)
        {
            for (var s = 0; s < d; s++)
            {
                sigma[(r * d) + s] = ((1 - shrinkage) * sigma[(r * d) + s]) + (r == s ? shrinkage * scale : 0);
            }

            sigma[(r * d) + r] += 1e-6 * scale;
        }

        return sigma;
    }

    private static double[] Invert(double[] a, int n)
    {
        var m = new double[n, 2 * n];
        for (var r = 0; r < n; r++)
        {
            for (var s = 0; s < n; s++)
            {
                m[r, s] = a[(r * n) + s];
            }

            m[r, n + r] = 1;
        }

        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r, col]));
            for (var k = 0; k < 2 * n; k++)
            {
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            }

            var p = m[col, col];
            for (var k = 0; k < 2 * n; k++)
            {
                m[col, k] /= p;
            }

            for (var r = 0; r < n; r++)
            {
                if (r != col)
                {
                    var f = m[r, col];
                    for (var k = 0; k < 2 * n; k++)
                    {
                        m[r, k] -= f * m[col, k];
                    }
                }
            }
        }

        var inverse = new double[n * n];
        for (var r = 0; r < n; r++)
        {
            for (var s = 0; s < n; s++)
            {
                inverse[(r * n) + s] = m[r, n + s];
            }
        }

        return inverse;
    }
}
