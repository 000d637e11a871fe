namespace AuroraStream.Formats.SpaceWeather;

/// <summary>
/// Values on a regular UTC time grid (1-min OMNI, 3-hour Kp...); NaN marks missing. Lookup of the
/// sample covering an instant is O(1), which keeps the join of millions of frames cheap.
/// </summary>
public sealed class RegularSeries
{
    private readonly double[] _values;

    /// <summary>Creates a series.</summary>
    public RegularSeries(string name, DateTime start, TimeSpan step, double[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Step must be positive.");
        }

        Name = name;
        Start = DateTime.SpecifyKind(start, DateTimeKind.Utc);
        Step = step;
        _values = values;
    }

    /// <summary>Parameter name (e.g. <c>bz_gsm</c>, <c>kp</c>).</summary>
    public string Name { get; }

    /// <summary>Start of the first sample's interval.</summary>
    public DateTime Start { get; }

    /// <summary>Sample spacing.</summary>
    public TimeSpan Step { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _values.Length;

    /// <summary>End of the last sample's interval.</summary>
    public DateTime End => Start + (Step * Count);

    /// <summary>The raw samples.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Number of samples that are not missing.</summary>
    public int ValidCount => _values.Count(v => !double.IsNaN(v));

    /// <summary>The sample whose interval [start, start + step) holds <paramref name="utc"/>; NaN outside.</summary>
    public double ValueAt(DateTime utc)
    {
        var offset = utc.Ticks - Start.Ticks;
        if (offset < 0)
        {
            return double.NaN;
        }

        var index = offset / Step.Ticks;
        return index < _values.Length ? _values[index] : double.NaN;
    }

    /// <summary>The time of sample <paramref name="index"/>.</summary>
    public DateTime TimeOf(int index) => Start + (Step * index);

    /// <summary>
    /// Builds a series from timed samples on a grid of <paramref name="step"/> (times are floored to
    /// the grid; a later duplicate replaces an earlier one; gaps become NaN).
    /// </summary>
    public static RegularSeries FromSamples(string name, TimeSpan step, IEnumerable<(DateTime Time, double Value)> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var list = samples.ToList();
        if (list.Count == 0)
        {
            return new RegularSeries(name, DateTime.UnixEpoch, step, []);
        }

        var first = list.Min(s => s.Time.Ticks);
        var last = list.Max(s => s.Time.Ticks);
        var start = first - (first % step.Ticks);
        var count = checked((int)(((last - start) / step.Ticks) + 1));
        var values = new double[count];
        Array.Fill(values, double.NaN);
        foreach (var (time, value) in list)
        {
            values[(time.Ticks - start) / step.Ticks] = value;
        }

        return new RegularSeries(name, new DateTime(start, DateTimeKind.Utc), step, values);
    }

    /// <summary>Joins series of the same name and step (e.g. monthly files) into one, later values winning.</summary>
    public static RegularSeries Concatenate(IReadOnlyList<RegularSeries> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var step = parts[0].Step;
        if (parts.Any(p => p.Step != step || p.Name != parts[0].Name))
        {
            throw new ArgumentException("Series to join must share name and step.", nameof(parts));
        }

        return FromSamples(parts[0].Name, step, parts.SelectMany(p => Enumerable.Range(0, p.Count).Select(i => (p.TimeOf(i), p._values[i]))));
    }
}

/// <summary>Named series from one source (an OMNI file set, a Kp file...).</summary>
public sealed class SeriesSet
{
    private readonly Dictionary<string, RegularSeries> _series = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a set.</summary>
    public SeriesSet(IEnumerable<RegularSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
        {
            _series[s.Name] = s;
        }
    }

    /// <summary>Names present.</summary>
    public IEnumerable<string> Names => _series.Keys;

    /// <summary>A series by name, or null.</summary>
    public RegularSeries? this[string name] => _series.GetValueOrDefault(name);

    /// <summary>
    /// Merges sets: series of the same name and step are concatenated; where one name comes at
    /// several cadences (1-min and hourly OMNI), the finest wins.
    /// </summary>
    public static SeriesSet Merge(IEnumerable<SeriesSet> sets) =>
        new(sets.SelectMany(s => s._series.Values)
            .GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Select(byName => byName.GroupBy(s => s.Step).OrderBy(g => g.Key).First())
            .Select(g => RegularSeries.Concatenate([.. g])));
}
