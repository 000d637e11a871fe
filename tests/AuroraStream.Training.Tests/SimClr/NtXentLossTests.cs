using AuroraStream.Training.SimClr;
using static TorchSharp.torch;

namespace AuroraStream.Training.Tests.SimClr;

public sealed class NtXentLossTests
{
    [Fact]
    public void Compute_SmallBatch_EqualsTheDefinitionComputedByHand()
    {
        using var scope = NewDisposeScope();
        var random = new Random(5);
        const int n = 3, d = 4;
        const double t = 0.5;
        var a = Enumerable.Range(0, n * d).Select(_ => random.NextDouble() - 0.5).ToArray();
        var b = Enumerable.Range(0, n * d).Select(_ => random.NextDouble() - 0.5).ToArray();

        using var loss = NtXentLoss.Compute(tensor(a.Select(v => (float)v).ToArray(), [n, d]), tensor(b.Select(v => (float)v).ToArray(), [n, d]), t);

        Assert.Equal(ByHand(a, b, n, d, t), loss.item<float>(), 5);
    }

    [Fact]
    public void Compute_IdenticalViews_ScoreBetterThanUnrelatedOnes()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var x = randn(16, 8);
        using var y = randn(16, 8);

        using var same = NtXentLoss.Compute(x, x.clone(), 0.1);
        using var unrelated = NtXentLoss.Compute(x, y, 0.1);

        Assert.True(same.item<float>() < unrelated.item<float>() - 1, $"{same.item<float>()} vs {unrelated.item<float>()}");
    }

    [Fact]
    public void Compute_BadArguments_AreRefused()
    {
        using var scope = NewDisposeScope();
        using var x = zeros(4, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => NtXentLoss.Compute(x, x, 0));
        Assert.Throws<ArgumentException>(() => NtXentLoss.Compute(x, zeros(5, 8), 0.1));
    }

    /// <summary>loss = mean over the 2N views of -log(exp(s(i, partner)) / sum over k != i of exp(s(i, k))).</summary>
    private static double ByHand(double[] a, double[] b, int n, int d, double t)
    {
        var z = new double[2 * n][];
        for (var i = 0; i < 2 * n; i++)
        {
            var v = (i < n ? a : b).Skip((i % n) * d).Take(d).ToArray();
            var norm = Math.Sqrt(v.Sum(x => x * x));
            z[i] = [.. v.Select(x => x / norm)];
        }

        double total = 0;
        for (var i = 0; i < 2 * n; i++)
        {
            var partner = i < n ? i + n : i - n;
            double denominator = 0;
            for (var k = 0; k < 2 * n; k++)
            {
                if (k != i)
                {
                    denominator += Math.Exp(Dot(z[i], z[k]) / t);
                }
            }

            total += -Math.Log(Math.Exp(Dot(z[i], z[partner]) / t) / denominator);
        }

        return total / (2 * n);
    }

    private static double Dot(double[] x, double[] y) => x.Zip(y, (p, q) => p * q).Sum();
}
