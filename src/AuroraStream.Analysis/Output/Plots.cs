using AuroraStream.Analysis.GeoEffect;
using AuroraStream.Analysis.Occurrence;
using AuroraStream.Analysis.Statistics;
using ScottPlot;

namespace AuroraStream.Analysis.Output;

/// <summary>
/// PNG figures of the analyses (ScottPlot). Each figure explains itself: bins are labelled as
/// intervals (<c>[a, b)</c>, the last closed) or by name, lines join adjacent bins only (a bin with
/// too few frames leaves a gap, never a line drawn across it), and what blank cells and whiskers
/// mean is written in the figure.
/// </summary>
public static class Plots
{
    private const int Width = 900;
    private const int Height = 560;
    private const int MaxTickLabels = 12;

    /// <summary>Occurrence rate vs one parameter, one line with 95% error bars per label.</summary>
    public static void Occurrence(string path, OccurrenceResult result, OccurrenceParameter parameter) =>
        BuildOccurrence(result, parameter).SavePng(path, Width, Height);

    /// <summary>Occurrence rate of one label over MLT x parameter.</summary>
    public static void Heatmap(string path, OccurrenceHeatmap heatmap, string label) =>
        BuildHeatmap(heatmap, label).SavePng(path, Width, Height);

    /// <summary>Box plots (quartiles, median, whiskers to the 10th and 90th percentiles) of one ground quantity per label.</summary>
    public static void GroundPerturbation(string path, GeoEffectResult result, string quantity, string axisLabel) =>
        BuildGroundPerturbation(result, quantity, axisLabel).SavePng(path, Width, Height);

    /// <summary>The occurrence figure, not yet rendered.</summary>
    public static Plot BuildOccurrence(OccurrenceResult result, OccurrenceParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(parameter);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var labels = result.FramesPerLabel.Keys.Order(StringComparer.Ordinal).ToList();
        for (var k = 0; k < labels.Count; k++)
        {
            var rows = result.Rows.Where(r => r.Parameter == parameter.Name && r.Label == labels[k] && !double.IsNaN(r.Rate)).OrderBy(r => r.BinLow).ToList();
            var color = palette.GetColor(k);
            var first = true;
            foreach (var segment in Segments(rows, parameter.Bins))
            {
                var xs = segment.Select(r => Centre(r, parameter.Bins)).ToArray();
                var ys = segment.Select(r => r.Rate).ToArray();
                var line = plot.Add.Scatter(xs, ys, color);
                line.LineWidth = 2;
                line.MarkerSize = 6;
                line.LegendText = first ? labels[k] : string.Empty;
                first = false;
                plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, null, null, [.. segment.Select(r => r.Rate - r.CiLow)], [.. segment.Select(r => r.CiHigh - r.Rate)]) { LineColor = color });
            }
        }

        if (!plot.GetPlottables().Any())
        {
            NoData(plot, -0.5, parameter.Bins.Count - 0.5, $"No bin has {result.MinCount} or more frames with a valid {parameter.Name}");
        }
        else
        {
            plot.Axes.SetLimits(-0.5, parameter.Bins.Count - 0.5, 0, 1);
        }

        // The notes go under the axis and the legend beside the plot, where they cover no data.
        plot.Axes.Bottom.TickGenerator = BinTicks(parameter.Bins, parameter.BinNames);
        plot.Title($"Occurrence vs {parameter.Label}");
        plot.XLabel($"{BinsLabel(parameter)}\n{OccurrenceNote(result.MinCount)}");
        plot.YLabel($"Occurrence rate (bins with >= {result.MinCount} frames)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The heat map figure, not yet rendered.</summary>
    public static Plot BuildHeatmap(OccurrenceHeatmap heatmap, string label)
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
        plot.Title($"Occurrence of '{label}' by MLT and {heatmap.Parameter.Label}");
        plot.Axes.Bottom.TickGenerator = BinTicks(heatmap.Parameter.Bins, heatmap.Parameter.BinNames);
        plot.XLabel($"{BinsLabel(heatmap.Parameter)}\nBlank cells: fewer than {heatmap.MinCount} frames (no rate shown).");
        plot.YLabel("Magnetic local time (h)");
        if (flipped.Cast<double>().All(double.IsNaN))
        {
            NoData(plot, -0.5, cols - 0.5, $"No cell has {heatmap.MinCount} or more frames with valid MLT and {heatmap.Parameter.Name}");
            plot.Axes.SetLimitsY(heatmap.Mlt.Low(0), heatmap.Mlt.High(rows - 1));
            return plot;
        }

        // Column j spans [j - 0.5, j + 0.5] (its tick at its centre), row i spans MLT bin i. ScottPlot
        // anchors the extent at the first and last cells' lower-left corners.
        var map = plot.Add.Heatmap(flipped);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.CellAlignment = Alignment.LowerLeft;
        map.Extent = new CoordinateRect(-0.5, cols - 1.5, heatmap.Mlt.Low(0), heatmap.Mlt.Low(rows - 1));
        map.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(map).Label = "Occurrence rate";
        plot.Axes.SetLimits(-0.5, cols - 0.5, heatmap.Mlt.Low(0), heatmap.Mlt.High(rows - 1));
        return plot;
    }

    /// <summary>The box-plot figure, not yet rendered.</summary>
    public static Plot BuildGroundPerturbation(GeoEffectResult result, string quantity, string axisLabel)
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

        plot.XLabel(WhiskerNote);
        plot.Title($"{axisLabel} at the co-located magnetometer, by label");
        plot.YLabel(axisLabel);
        return plot;
    }

    /// <summary>Runs of rows in adjacent bins: a line is drawn within a run, never across a gap.</summary>
    public static IReadOnlyList<IReadOnlyList<OccurrenceRow>> Segments(IReadOnlyList<OccurrenceRow> rows, BinEdges bins)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(bins);
        var segments = new List<IReadOnlyList<OccurrenceRow>>();
        var current = new List<OccurrenceRow>();
        var previous = int.MinValue;
        foreach (var row in rows.OrderBy(r => r.BinLow))
        {
            var bin = bins.Find(row.BinLow);
            if (current.Count > 0 && bin != previous + 1)
            {
                segments.Add(current);
                current = [];
            }

            current.Add(row);
            previous = bin;
        }

        if (current.Count > 0)
        {
            segments.Add(current);
        }

        return segments;
    }

    /// <summary>Ticks at bin centres (bin i at x = i), labelled by name or interval, at most twelve labels.</summary>
    public static ScottPlot.TickGenerators.NumericManual BinTicks(BinEdges bins, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var every = (int)Math.Ceiling(bins.Count / (double)MaxTickLabels);
        var ticks = Enumerable.Range(0, bins.Count)
            .Where(i => i % every == 0)
            .Select(i => new Tick(i, names is not null && i < names.Count ? names[i] : bins.Interval(i)))
            .ToArray();
        return new ScottPlot.TickGenerators.NumericManual(ticks);
    }

    /// <summary>What the boxes and whiskers of the box plots are (under the axis).</summary>
    public const string WhiskerNote = "Box: 25th to 75th percentile; line: median; whiskers: 10th to 90th percentile.";

    /// <summary>The note under an occurrence figure.</summary>
    public static string OccurrenceNote(int minCount) =>
        $"Lines join adjacent bins only; a missing point is a bin with fewer than {minCount} frames. Bars: 95% Wilson interval.";

    private static string BinsLabel(OccurrenceParameter parameter) =>
        parameter.BinNames is null ? $"{parameter.Label}, bins [low, high), the last [low, high]" : parameter.Label;

    private static double Centre(OccurrenceRow row, BinEdges bins) => bins.Find(row.BinLow);

    /// <summary>An empty figure says why instead of failing on an empty axis range.</summary>
    private static void NoData(Plot plot, double xMin, double xMax, string why)
    {
        plot.Axes.SetLimits(xMin, xMax, 0, 1);
        var text = plot.Add.Text(why, (xMin + xMax) / 2, 0.5);
        text.Alignment = Alignment.MiddleCenter;
        text.LabelFontSize = 16;
    }
}
