using AuroraStream.Analysis.Statistics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Analysis.Tests;

public sealed class StatisticsTests
{
    [Theory]
    [InlineData(5, 10, 0.236593, 0.763407)]
    [InlineData(0, 10, 0.0, 0.277533)]
    [InlineData(10, 10, 0.722467, 1.0)]
    [InlineData(1, 100, 0.001767, 0.054488)]
    public void Wilson_KnownCases_MatchPublishedValues(long k, long n, double low, double high)
    {
        var (l, h) = WilsonInterval.Compute(k, n);

        Assert.Equal(low, l, 5);
        Assert.Equal(high, h, 5);
    }

    [Theory]
    [InlineData(0L, 7L)]
    [InlineData(0L, 1234567L)]
    [InlineData(7L, 7L)]
    [InlineData(99991L, 99991L)]
    public void Wilson_AllOrNone_EndsExactlyAtZeroOrOne(long k, long n)
    {
        var (low, high) = WilsonInterval.Compute(k, n);

        Assert.True(k == 0 ? low == 0.0 : high == 1.0, $"({low:R}, {high:R})");
    }

    [Fact]
    public void Wilson_NoTrials_IsUndefined() => Assert.True(double.IsNaN(WilsonInterval.Compute(0, 0).Low));

    [Property(MaxTest = 1000)]
    public Property Wilson_BracketsTheProportionWithinZeroAndOne(PositiveInt trials, NonNegativeInt raw)
    {
        var n = trials.Get;
        var k = raw.Get % (n + 1);
        var (low, high) = WilsonInterval.Compute(k, n);
        var p = (double)k / n;
        var (mirrorLow, mirrorHigh) = WilsonInterval.Compute(n - k, n);
        return (low >= 0 && low <= p + 1e-12 && high >= p - 1e-12 && high <= 1
            && Math.Abs(low - (1 - mirrorHigh)) < 1e-9 && Math.Abs(high - (1 - mirrorLow)) < 1e-9).ToProperty();
    }

    [Property(MaxTest = 2000)]
    public Property Bins_EveryValueInRangeFallsInExactlyTheBinHoldingIt(NormalFloat value)
    {
        var edges = BinEdges.Uniform(-10, 10, 2);
        var v = value.Get;
        var bin = edges.Find(v);
        if (v < -10 || v > 10)
        {
            return (bin == -1).ToProperty();
        }

        var holds = bin >= 0 && edges.Low(bin) <= v && (v < edges.High(bin) || (bin == edges.Count - 1 && v == edges.High(bin)));
        var unique = Enumerable.Range(0, edges.Count).Count(b => edges.Low(b) <= v && (v < edges.High(b) || (b == edges.Count - 1 && v == edges.High(b)))) == 1;
        return (holds && unique).ToProperty();
    }

    [Fact]
    public void Bins_NaNAndEdges_AreHandled()
    {
        var kp = BinEdges.Uniform(0, 9, 1);

        Assert.Equal(-1, kp.Find(double.NaN));
        Assert.Equal(0, kp.Find(0));
        Assert.Equal(3, kp.Find(3));
        Assert.Equal(8, kp.Find(9));
        Assert.Throws<ArgumentException>(() => new BinEdges([1, 1]));
    }

    [Fact]
    public void Quantiles_FollowLinearInterpolationBetweenRanks()
    {
        var d = Distribution.Of([4, 1, 3, 2, double.NaN]);

        Assert.Equal((4, 1.75, 2.5, 3.25, 3.7, 1.0, 4.0), (d.Count, d.Q1, d.Median, d.Q3, d.P90, d.Min, d.Max));
        Assert.Equal(0, Distribution.Of([]).Count);
    }
}
