using AuroraStream.Core.Preprocessing;

namespace AuroraStream.Core.Tests.Preprocessing;

public sealed class SkyImageStatisticsTests
{
    private const int Side = 64;

    [Fact]
    public void Compute_RadialGradient_RingMeansRiseToTheHorizon_SectorsAgree_StructureHigh()
    {
        var input = Frame((x, y) => (float)(Math.Sqrt((x * x) + (y * y)) / 32));

        var s = Named(SkyImageStatistics.Compute(input, Side, 1.0));

        Assert.Equal(19, SkyImageStatistics.Names.Count);
        for (var i = 1; i < 8; i++)
        {
            Assert.True(s[$"ring{i}_mean"] > s[$"ring{i - 1}_mean"], $"ring {i}");
        }

        Assert.True(s["sector_mean_sd"] < 0.01);
        Assert.True(s["p5"] < s["p50"] && s["p50"] < s["p95"]);
        Assert.True(s["autocorrelation_lag1"] > 0.95);
        Assert.True(s["autocorrelation_lag4"] > 0.8);
    }

    [Fact]
    public void Compute_OneBrightHalf_IsLopsidedInAzimuth()
    {
        var s = Named(SkyImageStatistics.Compute(Frame((x, _) => x > 0 ? 1f : 0f), Side, 1.0));

        Assert.True(s["sector_mean_range"] > 0.9);
        Assert.True(s["sector_mean_sd"] > 0.4);
    }

    [Fact]
    public void Compute_Noise_HasNoStructureAndIsRough_PixelsOutsideTheDiscDoNotCount()
    {
        var random = new Random(5);
        var input = Frame((_, _) => (float)random.NextDouble());

        var s = SkyImageStatistics.Compute(input, Side, 0.85);
        var named = Named(s);
        Assert.InRange(named["autocorrelation_lag1"], -0.1, 0.1);
        Assert.True(named["roughness"] > 1);

        // The corners lie outside the 0.85 disc: changing them changes nothing.
        input[0] = 100;
        input[^1] = -100;
        Assert.Equal(s, SkyImageStatistics.Compute(input, Side, 0.85));
    }

    [Fact]
    public void Compute_WrongLength_NamesBothSizes() =>
        Assert.Contains("64 x 64 input has 4096 values, not 10", Assert.Throws<ArgumentException>(() => SkyImageStatistics.Compute(new float[10], Side, 1.0)).Message, StringComparison.Ordinal);

    /// <summary>A 64 px frame from a function of (x, y) measured from the centre.</summary>
    private static float[] Frame(Func<double, double, float> value)
    {
        var input = new float[Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                input[(y * Side) + x] = value(x - 31.5, y - 31.5);
            }
        }

        return input;
    }

    private static Dictionary<string, float> Named(float[] values) =>
        SkyImageStatistics.Names.Zip(values).ToDictionary(p => p.First, p => p.Second);
}
