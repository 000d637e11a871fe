using AuroraStream.Analysis.Occurrence;
using AuroraStream.Analysis.Output;
using AuroraStream.Analysis.Statistics;
using ScottPlot;

namespace AuroraStream.Analysis.Tests;

public sealed class PlotsTests
{
    private static readonly OccurrenceParameter Month = new("month", "Month", BinEdges.Uniform(1, 13, 1), f => f.Time.Month) { BinNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] };
    private static readonly OccurrenceParameter Bz = new("bz", "IMF Bz GSM (nT)", BinEdges.Uniform(-10, 10, 2), _ => 0);

    [Fact]
    public void Occurrence_EmptyBins_LeaveAGap_NoLineIsDrawnAcrossThem()
    {
        // January to March and December have data; April to November do not.
        var result = Result(Month, [1, 2, 3, 12]);

        var plot = Plots.BuildOccurrence(result, Month);

        var lines = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l =>
        {
            var xs = l.Data.GetScatterPoints().Select(p => p.X).ToList();
            Assert.All(xs.Zip(xs.Skip(1)), pair => Assert.Equal(1, pair.Second - pair.First));
        });
        Assert.Single(lines, l => !string.IsNullOrEmpty(l.LegendText));
    }

    [Fact]
    public void Occurrence_Months_AreNamedAtWholeTicks()
    {
        var ticks = RenderedTicks(Plots.BuildOccurrence(Result(Month, [1, 2, 3]), Month));
        Assert.Equal(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], ticks.Select(t => t.Label));
        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Position), t.Position));
    }

    [Fact]
    public void Occurrence_NumericBins_SayWhichEdgeIsOpen()
    {
        var ticks = RenderedTicks(Plots.BuildOccurrence(Result(Bz, [-10, -8]), Bz));

        Assert.Equal("[-10, -8)", ticks[0].Label);
        Assert.Equal("[8, 10]", ticks[^1].Label);
    }

    [Fact]
    public void Heatmap_ExplainsBlankCells_AndBoxPlot_ExplainsWhiskers()
    {
        var valid = new long[24, 10];
        valid[3, 4] = 500;
        var heatmap = new OccurrenceHeatmap(BinEdges.Uniform(0, 24, 1), Bz, valid, new Dictionary<string, long[,]> { ["arc"] = new long[24, 10] }, 100);
        var heat = Plots.BuildHeatmap(heatmap, "arc");
        Assert.Contains("Blank cells: fewer than 100 frames", heat.Axes.Bottom.Label.Text, StringComparison.Ordinal);
        Assert.Empty(heat.GetPlottables().OfType<ScottPlot.Plottables.Annotation>());

        var geo = new GeoEffect.GeoEffectResult([], new Dictionary<(string, string), List<double>> { [("arc", "dH")] = [1, 2, 3, 4, 5] }, 5, 5, 0, 0, new Dictionary<(string, DateOnly), double>());
        var box = Plots.BuildGroundPerturbation(geo, "dH", "dH (nT)");
        Assert.Contains("whiskers: 10th to 90th percentile", box.Axes.Bottom.Label.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Heatmap_CellsSitOnTheirBins_AndAnEmptyMapStillNamesTheBins()
    {
        var valid = new long[24, 10];
        valid[3, 4] = 500;
        var heatmap = new OccurrenceHeatmap(BinEdges.Uniform(0, 24, 1), Bz, valid, new Dictionary<string, long[,]> { ["arc"] = new long[24, 10] }, 100);

        var map = Plots.BuildHeatmap(heatmap, "arc").GetPlottables().OfType<ScottPlot.Plottables.Heatmap>().Single();
        var empty = RenderedTicks(Plots.BuildHeatmap(heatmap with { Valid = new long[24, 10] }, "arc"));

        // Ten columns of width 1 centred on ticks 0..9; 24 rows of one hour from MLT 0.
        Assert.Equal(-0.5, map.Extent!.Value.Left, 9);
        Assert.Equal(9.5, map.Extent!.Value.Left + (10 * map.CellWidth), 9);
        Assert.Equal(0, map.Extent!.Value.Bottom, 9);
        Assert.Equal(24, map.Extent!.Value.Bottom + (24 * map.CellHeight), 9);
        Assert.Equal("[-10, -8)", empty[0].Label);
    }

    private static Tick[] RenderedTicks(Plot plot)
    {
        // Tick generators fill their ticks when the plot is laid out.
        plot.GetImage(900, 560).Dispose();
        return plot.Axes.Bottom.TickGenerator.Ticks;
    }

    private static OccurrenceResult Result(OccurrenceParameter parameter, double[] binLows)
    {
        var rows = binLows.Select(low =>
        {
            var bin = parameter.Bins.Find(low);
            return new OccurrenceRow(parameter.Name, parameter.Bins.Low(bin), parameter.Bins.High(bin), "arc", 30, 100, 0.3, 0.2, 0.4);
        }).ToList();
        return new OccurrenceResult(rows, [], new Dictionary<string, long>(), new Dictionary<string, long> { ["arc"] = 400 }, 400, null, null, [parameter], null, 100);
    }
}
