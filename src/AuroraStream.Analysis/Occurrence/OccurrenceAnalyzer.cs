using AuroraStream.Analysis.Statistics;
using AuroraStream.Core;

namespace AuroraStream.Analysis.Occurrence;

/// <summary>Settings of an occurrence analysis.</summary>
public sealed class OccurrenceOptions
{
    /// <summary>Bins with fewer valid frames get no rate (their counts are still written).</summary>
    /// <value>Default 100 frames (5 minutes of one imager).</value>
    public int MinCount { get; init; } = 100;

    /// <summary>The parameter of the MLT x parameter heat map.</summary>
    /// <value>Default <c>bz</c>.</value>
    public string HeatmapParameter { get; init; } = "bz";

    internal void Validate(IReadOnlyList<OccurrenceParameter> parameters)
    {
        if (MinCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinCount), MinCount, "OccurrenceOptions.MinCount must be at least 1.");
        }

        if (!parameters.Any(p => p.Name == HeatmapParameter))
        {
            throw new ArgumentException($"OccurrenceOptions.HeatmapParameter '{HeatmapParameter}' is not one of: {string.Join(", ", parameters.Select(p => p.Name))}.", nameof(HeatmapParameter));
        }
    }
}

/// <summary>One row of the tidy occurrence table.</summary>
/// <param name="Parameter">Parameter name.</param>
/// <param name="BinLow">Lower bin edge.</param>
/// <param name="BinHigh">Upper bin edge.</param>
/// <param name="Label">Label.</param>
/// <param name="NLabel">Frames with the label in the bin.</param>
/// <param name="NValid">Frames with a valid parameter value in the bin.</param>
/// <param name="Rate">NLabel / NValid, NaN below the minimum count.</param>
/// <param name="CiLow">Wilson 95% lower bound, NaN below the minimum count.</param>
/// <param name="CiHigh">Wilson 95% upper bound, NaN below the minimum count.</param>
public sealed record OccurrenceRow(string Parameter, double BinLow, double BinHigh, string Label, long NLabel, long NValid, double Rate, double CiLow, double CiHigh);

/// <summary>Why frames were left out of one parameter's table.</summary>
/// <param name="Parameter">Parameter name.</param>
/// <param name="Used">Frames binned.</param>
/// <param name="Missing">Frames whose inputs were missing (fill values, gaps, no station coordinates).</param>
/// <param name="OutOfRange">Frames outside the bins.</param>
public sealed record ParameterCoverage(string Parameter, long Used, long Missing, long OutOfRange);

/// <summary>
/// Streams labelled frames into per-parameter, per-bin counts: the occurrence rate of a label in a
/// bin is frames with that label / valid frames in the bin. Memory is independent of the number of
/// frames.
/// </summary>
public sealed class OccurrenceAnalyzer
{
    private readonly IReadOnlyList<OccurrenceParameter> _parameters;
    private readonly OccurrenceOptions _options;
    private readonly long[][] _valid;
    private readonly Dictionary<string, long[][]> _byLabel = new(StringComparer.Ordinal);
    private readonly long[] _missing;
    private readonly long[] _outOfRange;
    private readonly Dictionary<string, long> _sites = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _labels = new(StringComparer.Ordinal);
    private readonly int _heatmapIndex;
    private readonly int _mltIndex;
    private readonly long[,] _heatValid;
    private readonly Dictionary<string, long[,]> _heatByLabel = new(StringComparer.Ordinal);

    /// <summary>Creates an analyzer.</summary>
    public OccurrenceAnalyzer(IReadOnlyList<OccurrenceParameter> parameters, OccurrenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _options = options ?? new OccurrenceOptions();
        _options.Validate(parameters);
        _parameters = parameters;
        _valid = [.. parameters.Select(p => new long[p.Bins.Count])];
        _missing = new long[parameters.Count];
        _outOfRange = new long[parameters.Count];
        _heatmapIndex = parameters.ToList().FindIndex(p => p.Name == _options.HeatmapParameter);
        _mltIndex = parameters.ToList().FindIndex(p => p.Name == "mlt");
        _heatValid = new long[_mltIndex >= 0 ? parameters[_mltIndex].Bins.Count : 0, parameters[_heatmapIndex].Bins.Count];
    }

    /// <summary>Frames added.</summary>
    public long Frames { get; private set; }

    /// <summary>Earliest frame time.</summary>
    public DateTime? First { get; private set; }

    /// <summary>Latest frame time.</summary>
    public DateTime? Last { get; private set; }

    /// <summary>Adds one frame.</summary>
    public void Add(LabelledFrame frame)
    {
        Frames++;
        First = First is { } f && f <= frame.Time ? f : frame.Time;
        Last = Last is { } l && l >= frame.Time ? l : frame.Time;
        _sites[frame.Site] = _sites.GetValueOrDefault(frame.Site) + 1;
        _labels[frame.Label] = _labels.GetValueOrDefault(frame.Label) + 1;
        if (!_byLabel.TryGetValue(frame.Label, out var counts))
        {
            _byLabel[frame.Label] = counts = [.. _parameters.Select(p => new long[p.Bins.Count])];
            _heatByLabel[frame.Label] = new long[_heatValid.GetLength(0), _heatValid.GetLength(1)];
        }

        Span<int> bins = stackalloc int[_parameters.Count];
        for (var p = 0; p < _parameters.Count; p++)
        {
            var value = _parameters[p].Value(frame);
            if (double.IsNaN(value))
            {
                _missing[p]++;
                bins[p] = -1;
                continue;
            }

            var bin = _parameters[p].Bins.Find(value);
            bins[p] = bin;
            if (bin < 0)
            {
                _outOfRange[p]++;
                continue;
            }

            _valid[p][bin]++;
            counts[p][bin]++;
        }

        if (_mltIndex >= 0 && bins[_mltIndex] >= 0 && bins[_heatmapIndex] >= 0)
        {
            _heatValid[bins[_mltIndex], bins[_heatmapIndex]]++;
            _heatByLabel[frame.Label][bins[_mltIndex], bins[_heatmapIndex]]++;
        }
    }

    /// <summary>The tables so far.</summary>
    public OccurrenceResult Result()
    {
        var rows = new List<OccurrenceRow>();
        var labels = _labels.Keys.Order(StringComparer.Ordinal).ToArray();
        for (var p = 0; p < _parameters.Count; p++)
        {
            var bins = _parameters[p].Bins;
            for (var b = 0; b < bins.Count; b++)
            {
                var n = _valid[p][b];
                foreach (var label in labels)
                {
                    var k = _byLabel[label][p][b];
                    var enough = n >= _options.MinCount;
                    var (low, high) = enough ? WilsonInterval.Compute(k, n) : (double.NaN, double.NaN);
                    rows.Add(new OccurrenceRow(_parameters[p].Name, bins.Low(b), bins.High(b), label, k, n, enough ? (double)k / n : double.NaN, low, high));
                }
            }
        }

        var coverage = _parameters.Select((p, i) => new ParameterCoverage(p.Name, _valid[i].Sum(), _missing[i], _outOfRange[i])).ToList();
        var heatmap = _mltIndex < 0 ? null : new OccurrenceHeatmap(
            _parameters[_mltIndex].Bins,
            _parameters[_heatmapIndex],
            _heatValid,
            _heatByLabel.ToDictionary(kv => kv.Key, kv => kv.Value),
            _options.MinCount);
        return new OccurrenceResult(rows, coverage, _sites.ToDictionary(), _labels.ToDictionary(), Frames, First, Last, _parameters, heatmap, _options.MinCount);
    }
}

/// <summary>The output of an occurrence analysis.</summary>
/// <param name="Rows">The tidy table.</param>
/// <param name="Coverage">Per parameter: frames used and left out, and why.</param>
/// <param name="FramesPerSite">Frames per site.</param>
/// <param name="FramesPerLabel">Frames per label.</param>
/// <param name="Frames">Frames read.</param>
/// <param name="First">Earliest frame.</param>
/// <param name="Last">Latest frame.</param>
/// <param name="Parameters">The parameters, in table order.</param>
/// <param name="Heatmap">MLT x parameter counts, when MLT is among the parameters.</param>
/// <param name="MinCount">The minimum count applied.</param>
public sealed record OccurrenceResult(
    IReadOnlyList<OccurrenceRow> Rows,
    IReadOnlyList<ParameterCoverage> Coverage,
    IReadOnlyDictionary<string, long> FramesPerSite,
    IReadOnlyDictionary<string, long> FramesPerLabel,
    long Frames,
    DateTime? First,
    DateTime? Last,
    IReadOnlyList<OccurrenceParameter> Parameters,
    OccurrenceHeatmap? Heatmap,
    int MinCount)
{
    /// <summary>The row of a parameter, label and bin holding <paramref name="value"/>.</summary>
    public OccurrenceRow? Find(string parameter, string label, double value) =>
        Rows.FirstOrDefault(r => r.Parameter == parameter && r.Label == label && value >= r.BinLow && value < r.BinHigh);

    /// <summary>Pooled rate of a label over the bins of a parameter whose range lies within [low, high].</summary>
    public (long NLabel, long NValid) Pooled(string parameter, string label, double low, double high)
    {
        var rows = Rows.Where(r => r.Parameter == parameter && r.Label == label && r.BinLow >= low && r.BinHigh <= high).ToList();
        return (rows.Sum(r => r.NLabel), rows.Sum(r => r.NValid));
    }
}

/// <summary>Counts over MLT bins x one parameter's bins.</summary>
/// <param name="Mlt">MLT bins (rows).</param>
/// <param name="Parameter">The other parameter (columns).</param>
/// <param name="Valid">Valid frames per cell.</param>
/// <param name="ByLabel">Frames per label per cell.</param>
/// <param name="MinCount">Cells with fewer valid frames have no rate.</param>
public sealed record OccurrenceHeatmap(BinEdges Mlt, OccurrenceParameter Parameter, long[,] Valid, IReadOnlyDictionary<string, long[,]> ByLabel, int MinCount)
{
    /// <summary>Rates of a label per cell, NaN below the minimum count.</summary>
    public double[,] Rates(string label)
    {
        var rates = new double[Valid.GetLength(0), Valid.GetLength(1)];
        var counts = ByLabel.TryGetValue(label, out var c) ? c : new long[Valid.GetLength(0), Valid.GetLength(1)];
        for (var i = 0; i < Valid.GetLength(0); i++)
        {
            for (var j = 0; j < Valid.GetLength(1); j++)
            {
                rates[i, j] = Valid[i, j] >= MinCount ? (double)counts[i, j] / Valid[i, j] : double.NaN;
            }
        }

        return rates;
    }
}
