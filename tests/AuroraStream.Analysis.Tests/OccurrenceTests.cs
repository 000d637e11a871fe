using AuroraStream.Analysis.Occurrence;
using AuroraStream.Analysis.Statistics;
using AuroraStream.Core;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.TestUtilities;

namespace AuroraStream.Analysis.Tests;

public sealed class OccurrenceTests
{
    private static readonly DateTime T0 = new(2020, 2, 18, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Ten minutes of Bz: -5 for five minutes, then +5; minute 7 missing.</summary>
    private static SeriesSet Omni()
    {
        double[] bz = [-5, -5, -5, -5, -5, 5, 5, double.NaN, 5, 5];
        return new SeriesSet([new RegularSeries("bz_gsm", T0, TimeSpan.FromMinutes(1), bz), new RegularSeries("by_gsm", T0, TimeSpan.FromMinutes(1), [.. bz.Select(_ => 1.0)])]);
    }

    [Fact]
    public void Analyze_HandMadeFrames_GivesExactRatesIntervalsAndExclusions()
    {
        var conditions = new SpaceWeatherConditions(Omni(), null, null, null, TimeSpan.Zero);
        var analyzer = new OccurrenceAnalyzer(conditions.Parameters(), new OccurrenceOptions { MinCount = 4 });
        // Southward minutes: 4 of 5 frames "arc"; northward: 1 of 4 (minute 7 has no Bz).
        string[] labels = ["arc", "arc", "arc", "arc", "clear", "arc", "clear", "clear", "clear", "clear"];
        for (var m = 0; m < 10; m++)
        {
            analyzer.Add(new LabelledFrame("gill", T0.AddMinutes(m).AddSeconds(30), labels[m], null));
        }

        var result = analyzer.Result();
        var south = result.Find("bz", "arc", -5)!;
        var north = result.Find("bz", "arc", 5)!;
        var bz = result.Coverage.Single(c => c.Parameter == "bz");

        Assert.Equal((4L, 5L, 0.8), (south.NLabel, south.NValid, south.Rate));
        Assert.Equal(WilsonInterval.Compute(4, 5), (south.CiLow, south.CiHigh));
        Assert.Equal((1L, 4L, 0.25), (north.NLabel, north.NValid, north.Rate));
        Assert.Equal((9L, 1L, 0L), (bz.Used, bz.Missing, bz.OutOfRange));
        Assert.Equal(10, result.Coverage.Single(c => c.Parameter == "kp").Missing);
        Assert.Equal(10, result.Coverage.Single(c => c.Parameter == "mlt").Missing);
        Assert.Equal(10, result.Coverage.Single(c => c.Parameter == "ut_hour").Used);
        Assert.Equal(10, result.Frames);
    }

    [Fact]
    public void Analyze_BinBelowMinimumCount_HasCountsButNoRate()
    {
        var conditions = new SpaceWeatherConditions(Omni(), null, null, null, TimeSpan.Zero);
        var analyzer = new OccurrenceAnalyzer(conditions.Parameters(), new OccurrenceOptions { MinCount = 6 });
        for (var m = 0; m < 5; m++)
        {
            analyzer.Add(new LabelledFrame("gill", T0.AddMinutes(m), "arc", null));
        }

        var row = analyzer.Result().Find("bz", "arc", -5)!;

        Assert.Equal((5L, 5L), (row.NLabel, row.NValid));
        Assert.True(double.IsNaN(row.Rate) && double.IsNaN(row.CiLow));
    }

    [Fact]
    public void Analyze_ExtraLag_ShiftsTheConditionsBack()
    {
        var conditions = new SpaceWeatherConditions(Omni(), null, null, null, TimeSpan.FromMinutes(5));
        var bz = conditions.Parameters().Single(p => p.Name == "bz");

        Assert.Equal(-5, bz.Value(new LabelledFrame("gill", T0.AddMinutes(6), "arc", null)));
        // By = +1, Bz = -5 five minutes earlier: dawn-dusk positive, southward, 168.7 deg.
        Assert.Equal(168.690067525979, conditions.Parameters().Single(p => p.Name == "clock_angle").Value(new LabelledFrame("gill", T0.AddMinutes(6), "arc", null)), 9);
    }

    [Fact]
    public void Options_UnknownHeatmapParameter_NamesTheSetting()
    {
        var conditions = new SpaceWeatherConditions(Omni(), null, null, null, TimeSpan.Zero);

        var e = Assert.Throws<ArgumentException>(() => new OccurrenceAnalyzer(conditions.Parameters(), new OccurrenceOptions { HeatmapParameter = "dst" }));

        Assert.Contains("HeatmapParameter 'dst'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// What published studies agree on and these data show: frames without aurora are rarer under
    /// southward IMF (Bz &lt; -2 nT) than under northward (Bz &gt; 2 nT), and rarer at Kp &gt;= 3 than at
    /// Kp &lt;= 1. Troyer et al. 2020 CNN labels, OMNI 1-min 2020, GFZ Kp.
    /// </summary>
    [SharedDataFact("labels/troyer-2020/model-predictions")]
    public async Task RealData_NoAurora_IsRarerUnderSouthwardImfAndHighKp()
    {
        var omni = OmniReader.ReadHighResCsv(Enumerable.Range(1, 4).Select(m => SharedData.Find($"omni/OMNI_HIGH_RES_1min_2020{m:D2}.csv")!));
        var kp = KpReader.Read(RepoPaths.Data("indices", "Kp_ap_Ap_SN_F107_since_1932.csv"));
        var conditions = new SpaceWeatherConditions(omni, kp, null, null, TimeSpan.Zero);
        var bz = conditions.Parameters().Single(p => p.Name == "bz").Value;
        var kpValue = conditions.Parameters().Single(p => p.Name == "kp").Value;
        var classes = new BinEdges([0, 1, 2, 3]);
        OccurrenceParameter[] parameters =
        [
            new("bz_class", "0: Bz < -2, 1: between, 2: Bz > 2", classes, f => bz(f) is var v && double.IsNaN(v) ? v : v < -2 ? 0.5 : v > 2 ? 2.5 : 1.5),
            new("kp_class", "0: Kp <= 1, 1: between, 2: Kp >= 3", classes, f => kpValue(f) is var v && double.IsNaN(v) ? v : v <= 1 ? 0.5 : v >= 3 ? 2.5 : 1.5),
        ];
        var analyzer = new OccurrenceAnalyzer(parameters, new OccurrenceOptions { HeatmapParameter = "bz_class" });

        await foreach (var frame in new LabelCsvSource([SharedData.Find("labels/troyer-2020/model-predictions")!]).ReadLabelsAsync(new LabelQuery()))
        {
            analyzer.Add(frame);
        }

        var result = analyzer.Result();
        var south = result.Find("bz_class", "no_aurora", 0.5)!;
        var north = result.Find("bz_class", "no_aurora", 2.5)!;
        var quiet = result.Find("kp_class", "no_aurora", 0.5)!;
        var active = result.Find("kp_class", "no_aurora", 2.5)!;

        Assert.True(result.Frames > 700_000, $"{result.Frames} frames");
        Assert.True(south.NValid > 10_000 && north.NValid > 10_000 && quiet.NValid > 10_000 && active.NValid > 10_000);
        Assert.True(south.CiHigh < north.CiLow, $"no_aurora southward {south.Rate:0.000} [{south.CiLow:0.000}, {south.CiHigh:0.000}] vs northward {north.Rate:0.000} [{north.CiLow:0.000}, {north.CiHigh:0.000}]");
        Assert.True(active.CiHigh < quiet.CiLow, $"no_aurora Kp>=3 {active.Rate:0.000} vs Kp<=1 {quiet.Rate:0.000}");
    }
}
