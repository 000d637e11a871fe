using AuroraStream.Training.Evaluation;

namespace AuroraStream.Training.Tests.Evaluation;

public sealed class RealismAucTests
{
    [Fact]
    public void MannWhitney_HandComputedExample() =>
        // Pairs (p, n): 3>1, 3>2, 3=3 (half), 2>1, 2=2 (half), 2<3: (1+1+0.5+1+0.5+0)/6.
        Assert.Equal(4.0 / 6, RealismAuc.MannWhitney([3, 2], [1, 2, 3]), 12);

    [Fact]
    public void Compute_SameDistribution_IsNearHalf_Separated_IsNearOne()
    {
        var random = new Random(11);
        float[] Row(double shift) => [.. Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() + shift))];
        var real = Enumerable.Range(0, 90).Select(_ => Row(0)).ToList();
        var scenes = Enumerable.Range(0, 90).Select(i => $"scene{i % 3}").ToList();

        var same = RealismAuc.Compute(real, scenes, [.. Enumerable.Range(0, 90).Select(_ => Row(0))], seed: 1);
        var apart = RealismAuc.Compute(real, scenes, [.. Enumerable.Range(0, 90).Select(_ => Row(0.8))], seed: 1);

        Assert.InRange(same, 0.35, 0.65);
        Assert.True(apart > 0.95, $"AUC {apart}");
    }

    [Fact]
    public void Compute_OneScene_Throws() =>
        Assert.Throws<ArgumentException>(() => RealismAuc.Compute([[1f]], ["a"], [[0f]], 1));
}
