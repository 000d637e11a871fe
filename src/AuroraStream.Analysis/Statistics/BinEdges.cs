namespace AuroraStream.Analysis.Statistics;

/// <summary>
/// Strictly increasing bin edges: bin i is [edge i, edge i+1), and the last bin also holds its
/// upper edge (so Kp 9 and MLT 24 have a home).
/// </summary>
public sealed class BinEdges
{
    private readonly double[] _edges;

    /// <summary>Creates edges; at least two, strictly increasing, finite.</summary>
    public BinEdges(IEnumerable<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        _edges = [.. edges];
        if (_edges.Length < 2)
        {
            throw new ArgumentException("At least two edges are needed.", nameof(edges));
        }

        for (var i = 0; i < _edges.Length; i++)
        {
            if (!double.IsFinite(_edges[i]) || (i > 0 && _edges[i] <= _edges[i - 1]))
            {
                throw new ArgumentException($"Edges must be finite and strictly increasing (edge {i} is {_edges[i]}).", nameof(edges));
            }
        }
    }

    /// <summary>Number of bins.</summary>
    public int Count => _edges.Length - 1;

    /// <summary>Lower edge of bin i.</summary>
    public double Low(int bin) => _edges[bin];

    /// <summary>Upper edge of bin i.</summary>
    public double High(int bin) => _edges[bin + 1];

    /// <summary>Even edges from <paramref name="from"/> to <paramref name="to"/> in steps of <paramref name="step"/>.</summary>
    public static BinEdges Uniform(double from, double to, double step)
    {
        var n = (int)Math.Round((to - from) / step);
        return new BinEdges(Enumerable.Range(0, n + 1).Select(i => from + (i * step)));
    }

    /// <summary>
    /// The bin as an interval in the usual notation: <c>[low, high)</c>, the last bin <c>[low, high]</c>
    /// (it holds its upper edge). Edges are written with up to 3 decimals, invariant culture.
    /// </summary>
    public string Interval(int bin) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"[{Low(bin):0.###}, {High(bin):0.###}{(bin == Count - 1 ? "]" : ")")}");

    /// <summary>The bin holding <paramref name="value"/>, or -1 when it is NaN or outside the edges.</summary>
    public int Find(double value)
    {
        if (double.IsNaN(value) || value < _edges[0] || value > _edges[^1])
        {
            return -1;
        }

        if (value == _edges[^1])
        {
            return Count - 1;
        }

        var i = Array.BinarySearch(_edges, value);
        return i >= 0 ? i : ~i - 1;
    }
}
