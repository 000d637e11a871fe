using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Analysis.Occurrence;
using ScottPlot;

namespace AuroraStream.Analysis.Output;

/// <summary>PNG figures of the analyses (ScottPlot).</summary>
public static class Plots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Occurrence rate vs one parameter, one line with 95% error bars per label.</summary>
    public static void Occurrence(string path, OccurrenceResult result, OccurrenceParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(parameter);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var labels = result.FramesPerLabel.Keys.Order(StringComparer.Ordinal).ToList();
        for (var k = 0; k < labels.Count; k++)
        {
            var rows = result.Rows.Where(r => r.Parameter == parameter.Name && r.Label == labels[k] && !double.IsNaN(r.Rate)).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var xs = rows.Select(r => (r.BinLow + r.BinHigh) / 2).ToArray();
            var ys = rows.Select(r => r.Rate).ToArray();
            var color = palette.GetColor(k);
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = labels[k];
            line.LineWidth = 2;
            var bars = new ScottPlot.Plottables.ErrorBar(
                xs,
                ys,
                null,
                null,
                [.. rows.Select(r => r.Rate - r.CiLow)],
                [.. rows.Select(r => r.CiHigh - r.Rate)])
            {
                LineColor = color,
            };
            plot.Add.Plottable(bars);
        }

        if (!plot.GetPlottables().Any())
        {
            NoData(plot, parameter.Bins.Low(0), parameter.Bins.High(parameter.Bins.Count - 1), $"No bin has {result.MinCount} or more frames with a valid {parameter.Name}");
        }

        plot.Title($"Occurrence vs {parameter.Label}");
        plot.XLabel(parameter.Label);
        plot.YLabel($"Occurrence rate (bins with >= {result.MinCount} frames)");
        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Occurrence rate of one label over MLT x parameter.</summary>
    public static void Heatmap(string path, OccurrenceHeatmap heatmap, string label)
    {
        ArgumentNullException.ThrowIfNull(heatmap);
        var rates = heatmap.Rates(label);

        // Rows of the image run top-down: flip so that MLT grows upwards.
        var rows = rates.GetLength(0);
        var cols = rates.GetLength(1);
        var flipped = new double[rows, cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                flipped[rows - 1 - i, j] = rates[i, j];
            }
        }

        var plot = new Plot();
        if (flipped.Cast<double>().All(double.IsNaN))
        {
            NoData(plot, heatmap.Parameter.Bins.Low(0), heatmap.Parameter.Bins.High(cols - 1), $"No cell has {heatmap.MinCount} or more frames with valid MLT and {heatmap.Parameter.Name}");
            plot.Axes.SetLimitsY(heatmap.Mlt.Low(0), heatmap.Mlt.High(rows - 1));
            plot.Title($"Occurrence of '{label}' by MLT and {heatmap.Parameter.Label}");
            plot.SavePng(path, Width, Height);
            return;
        }

        var map = plot.Add.Heatmap(flipped);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        // ScottPlot spans the extent from the first to the last cell's anchor: with lower-left anchors,
        // that is the first to the last bin's low edge (the bins are uniform).
        map.CellAlignment = Alignment.LowerLeft;
        map.Extent = new CoordinateRect(heatmap.Parameter.Bins.Low(0), heatmap.Parameter.Bins.Low(cols - 1), heatmap.Mlt.Low(0), heatmap.Mlt.Low(rows - 1));
        map.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(map);
        plot.Title($"Occurrence of '{label}' by MLT and {heatmap.Parameter.Label}");
        plot.XLabel(heatmap.Parameter.Label);
        plot.YLabel("Magnetic local time (h)");
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Box plots (quartiles, median, whiskers to the 10th and 90th percentiles) of one ground quantity per label.</summary>
    public static void GroundPerturbation(string path, GeoEffectResult result, string quantity, string axisLabel)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var labels = result.Samples.Keys.Where(k => k.Quantity == quantity).Select(k => k.Label).Order(StringComparer.Ordinal).ToList();
        var ticks = new List<Tick>();
        for (var i = 0; i < labels.Count; i++)
        {
            var sorted = result.Samples[(labels[i], quantity)].Order().ToArray();
            if (sorted.Length == 0)
            {
                continue;
            }

            plot.Add.Box(new Box
            {
                Position = i,
                BoxMin = Statistics.Distribution.Quantile(sorted, 0.25),
                BoxMiddle = Statistics.Distribution.Quantile(sorted, 0.5),
                BoxMax = Statistics.Distribution.Quantile(sorted, 0.75),
                WhiskerMin = Statistics.Distribution.Quantile(sorted, 0.1),
                WhiskerMax = Statistics.Distribution.Quantile(sorted, 0.9),
            });
            ticks.Add(new Tick(i, $"{labels[i]} (n={sorted.Length})"));
        }

        if (ticks.Count == 0)
        {
            NoData(plot, -1, 1, $"No frame has a {quantity} value");
        }
        else
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        }

        plot.Title($"{axisLabel} at the co-located magnetometer, by label");
        plot.YLabel(axisLabel);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>An empty figure says why instead of failing on an empty axis range.</summary>
    private static void NoData(Plot plot, double xMin, double xMax, string why)
    {
        plot.Axes.SetLimits(xMin, xMax, 0, 1);
        var text = plot.Add.Text(why, (xMin + xMax) / 2, 0.5);
        text.Alignment = Alignment.MiddleCenter;
        text.LabelFontSize = 16;
    }
}
