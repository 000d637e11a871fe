using AuroraStream.Analysis.Statistics;
using AuroraStream.Core;
using AuroraStream.Formats.SpaceWeather;

namespace AuroraStream.Analysis.GeoEffect;

/// <summary>Distribution of one ground quantity under one label.</summary>
/// <param name="Label">Label.</param>
/// <param name="Quantity"><c>dbdt</c> (|dB/dt| of H, nT/min) or <c>delta_h</c> (H minus the quiet baseline, nT).</param>
/// <param name="Distribution">Count, quartiles, median, 90th percentile.</param>
public sealed record GeoEffectRow(string Label, string Quantity, Distribution Distribution);

/// <summary>The output of a geoeffectiveness analysis.</summary>
/// <param name="Rows">Per label and quantity.</param>
/// <param name="Samples">The raw samples per label and quantity (for box plots).</param>
/// <param name="Frames">Labelled frames read.</param>
/// <param name="Joined">Frames with a co-located magnetometer value.</param>
/// <param name="NoMagnetometer">Frames at sites without magnetometer data.</param>
/// <param name="NoData">Frames at times the magnetometer has no value (gaps, outside its span).</param>
/// <param name="Baselines">Quiet-time baseline per station and UT day.</param>
public sealed record GeoEffectResult(
    IReadOnlyList<GeoEffectRow> Rows,
    IReadOnlyDictionary<(string Label, string Quantity), List<double>> Samples,
    long Frames,
    long Joined,
    long NoMagnetometer,
    long NoData,
    IReadOnlyDictionary<(string Station, DateOnly Day), double> Baselines);

/// <summary>
/// For each label, how strongly the ground field is disturbed at the co-located magnetometer (same
/// site code) in the frame's minute: |dB/dt| of the horizontal component H, and H minus a
/// quiet-time baseline. The baseline of a station and UT day is the median H over that day's three
/// quietest hours (smallest standard deviation of H) - a simple stand-in for a full quiet-day curve.
/// </summary>
public sealed class GeoEffectAnalyzer
{
    private const int QuietHours = 3;
    private readonly Dictionary<string, MagnetometerSeries> _stations;
    private readonly Dictionary<(string, DateOnly), double> _baselines = [];
    private readonly Dictionary<(string Label, string Quantity), List<double>> _samples = [];
    private long _frames;
    private long _joined;
    private long _noMagnetometer;
    private long _noData;

    /// <summary>Creates an analyzer over 1-minute magnetometer series (others are averaged to minutes).</summary>
    public GeoEffectAnalyzer(IEnumerable<MagnetometerSeries> magnetometers)
    {
        ArgumentNullException.ThrowIfNull(magnetometers);
        _stations = magnetometers.Select(m => m.ToMinutes()).GroupBy(m => m.Station, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key.ToLowerInvariant(), g => g.Count() == 1 ? g.First() : new MagnetometerSeries(g.Key, RegularSeries.Concatenate([.. g.Select(m => m.Horizontal)])));
        foreach (var (station, series) in _stations)
        {
            foreach (var (day, baseline) in QuietBaselines(series.Horizontal))
            {
                _baselines[(station, day)] = baseline;
            }
        }
    }

    /// <summary>Adds one labelled frame.</summary>
    public void Add(LabelledFrame frame)
    {
        _frames++;
        if (!_stations.TryGetValue(frame.Site, out var mag))
        {
            _noMagnetometer++;
            return;
        }

        var minute = new DateTime(frame.Time.Ticks - (frame.Time.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
        var h = mag.Horizontal.ValueAt(minute);
        var before = mag.Horizontal.ValueAt(minute.AddMinutes(-1));
        if (double.IsNaN(h))
        {
            _noData++;
            return;
        }

        _joined++;
        if (!double.IsNaN(before))
        {
            Sample(frame.Label, "dbdt").Add(Math.Abs(h - before));
        }

        if (_baselines.TryGetValue((frame.Site, DateOnly.FromDateTime(minute)), out var baseline))
        {
            Sample(frame.Label, "delta_h").Add(h - baseline);
        }
    }

    /// <summary>The distributions so far.</summary>
    public GeoEffectResult Result()
    {
        var rows = _samples.OrderBy(kv => kv.Key.Label, StringComparer.Ordinal).ThenBy(kv => kv.Key.Quantity, StringComparer.Ordinal)
            .Select(kv => new GeoEffectRow(kv.Key.Label, kv.Key.Quantity, Distribution.Of(kv.Value))).ToList();
        return new GeoEffectResult(rows, _samples, _frames, _joined, _noMagnetometer, _noData, _baselines.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Median H over each UT day's three quietest whole hours.</summary>
    internal static IEnumerable<(DateOnly Day, double Baseline)> QuietBaselines(RegularSeries h)
    {
        var hours = new Dictionary<DateTime, List<double>>();
        for (var i = 0; i < h.Count; i++)
        {
            var v = h.Values[i];
            if (double.IsNaN(v))
            {
                continue;
            }

            var t = h.TimeOf(i);
            var hour = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
            if (!hours.TryGetValue(hour, out var list))
            {
                hours[hour] = list = [];
            }

            list.Add(v);
        }

        foreach (var day in hours.Where(kv => kv.Value.Count >= 30).GroupBy(kv => DateOnly.FromDateTime(kv.Key)))
        {
            var quiet = day.OrderBy(kv => StandardDeviation(kv.Value)).Take(QuietHours).SelectMany(kv => kv.Value).ToList();
            yield return (day.Key, Distribution.Of(quiet).Median);
        }
    }

    private List<double> Sample(string label, string quantity)
    {
        if (!_samples.TryGetValue((label, quantity), out var list))
        {
            _samples[(label, quantity)] = list = [];
        }

        return list;
    }

    private static double StandardDeviation(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
