using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Core;
using AuroraStream.Formats.SpaceWeather;

namespace AuroraStream.Analysis.Tests;

public sealed class GeoEffectTests
{
    private static readonly DateTime Day = new(2020, 2, 18, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A day of 1-min H: 12000 nT with a 1 nT wiggle, except a disturbed hour 06 UT ramping 10 nT/min.</summary>
    private static MagnetometerSeries Station()
    {
        var h = new double[1440];
        for (var m = 0; m < 1440; m++)
        {
            h[m] = m / 60 == 6 ? 12000 + (10 * (m - 360)) : 12000 + (m % 2);
        }

        return new MagnetometerSeries("gill", new RegularSeries("h", Day, TimeSpan.FromMinutes(1), h));
    }

    [Fact]
    public void Analyze_DisturbedAndQuietFrames_GiveExactDistributions()
    {
        var analyzer = new GeoEffectAnalyzer([Station()]);
        for (var m = 361; m < 420; m++)
        {
            analyzer.Add(new LabelledFrame("gill", Day.AddMinutes(m).AddSeconds(12), "discrete", null));
        }

        for (var m = 600; m < 660; m++)
        {
            analyzer.Add(new LabelledFrame("gill", Day.AddMinutes(m), "clear", null));
        }

        analyzer.Add(new LabelledFrame("rank", Day.AddMinutes(600), "clear", null));
        analyzer.Add(new LabelledFrame("gill", Day.AddDays(2), "clear", null));

        var result = analyzer.Result();
        var discrete = result.Rows.Single(r => r.Label == "discrete" && r.Quantity == "dbdt").Distribution;
        var clear = result.Rows.Single(r => r.Label == "clear" && r.Quantity == "dbdt").Distribution;
        var deltaDiscrete = result.Rows.Single(r => r.Label == "discrete" && r.Quantity == "delta_h").Distribution;

        Assert.Equal((59, 10.0, 10.0), (discrete.Count, discrete.Median, discrete.P90));
        Assert.Equal((60, 1.0), (clear.Count, clear.Median));
        Assert.Equal(12000.5, result.Baselines[("gill", DateOnly.FromDateTime(Day))]);
        Assert.Equal(10 * 30 - 0.5, deltaDiscrete.Median);
        Assert.Equal((1L, 1L, 119L), (result.NoMagnetometer, result.NoData, result.Joined));
    }
}
