using System.Diagnostics.Metrics;

namespace AuroraStream.Influx;

/// <summary>Options of <see cref="InfluxMetricsExporter"/>.</summary>
public sealed class InfluxMetricsExporterOptions
{
    /// <summary>Measurement the points go to.</summary>
    /// <value>Default <c>aurora_pipeline</c>.</value>
    public string Measurement { get; init; } = "aurora_pipeline";

    /// <summary>Time between points.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Meters whose instruments are exported (exact names).</summary>
    /// <value>Default none.</value>
    public IReadOnlyList<string> Meters { get; init; } = [];

    /// <summary>Tags on every point (e.g. instance, model); empty values are left out.</summary>
    /// <value>Default none.</value>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Instrument-name prefixes dropped to make field names (the first that matches); dots become underscores.</summary>
    /// <value>Default <c>aurorastream.pipeline.</c>, <c>aurorastream.</c>.</value>
    public IReadOnlyList<string> StripPrefixes { get; init; } = ["aurorastream.pipeline.", "aurorastream."];

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Measurement))
        {
            throw new ArgumentException("InfluxMetricsExporterOptions.Measurement must not be empty.", nameof(Measurement));
        }

        if (Interval < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "InfluxMetricsExporterOptions.Interval must be at least 100 ms.");
        }

        if (Meters.Count == 0)
        {
            throw new ArgumentException("InfluxMetricsExporterOptions.Meters must name at least one meter.", nameof(Meters));
        }
    }
}

/// <summary>
/// Writes the process's System.Diagnostics.Metrics instruments to InfluxDB as one point per
/// interval, so dashboards read the pipeline's health with the same InfluxQL as its data.
/// Counters are written as running totals (integer fields; rates come from
/// <c>non_negative_derivative</c>, which also absorbs restarts), histograms as the interval's
/// <c>_count</c>, <c>_mean</c>, <c>_p50</c>, <c>_p99</c> and <c>_max</c>, observable gauges as their
/// value when the point is made. Totals count from when the exporter starts listening, so create it
/// before the instruments record. Export is best effort: a failed write is reported, never thrown
/// into the stream, and the next point carries the totals on.
/// </summary>
public sealed class InfluxMetricsExporter : IAsyncDisposable
{
    private const int MaxSamplesPerInterval = 20_000;
    private readonly InfluxMetricsExporterOptions _options;
    private readonly InfluxWriter _writer;
    private readonly TimeProvider _time;
    private readonly Action<string>? _onError;
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _sums = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, double> _gauges = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Samples> _histograms = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _points;
    private int _disposed;

    /// <summary>Starts listening and writing.</summary>
    public InfluxMetricsExporter(InfluxConnectionOptions connection, InfluxMetricsExporterOptions options, TimeProvider? timeProvider = null, Action<string>? onError = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _onError = onError;

        // Metrics must not hold the stream back: a few quick retries, then the point is dropped.
        _writer = new InfluxWriter(connection, new InfluxRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(1) }, handler, timeProvider);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_options.Meters.Contains(instrument.Meter.Name, StringComparer.Ordinal))
            {
                var field = FieldName(instrument.Name);
                if (IsIntegerSum(instrument))
                {
                    // A counter is a field from the start (zero), so "no dead letters" is a zero, not a missing series.
                    lock (_lock)
                    {
                        _counters.TryAdd(field, 0);
                    }
                }

                listener.EnableMeasurementEvents(instrument, field);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, field) => Record(instrument, (string)field!, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, field) => Record(instrument, (string)field!, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, field) => Record(instrument, (string)field!, value));
        _listener.Start();
        _loop = LoopAsync(_stop.Token);
    }

    /// <summary>Points written so far.</summary>
    public long PointsWritten => Interlocked.Read(ref _points);

    /// <summary>Makes and writes one point now (also done every interval and on dispose).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Snapshot() is not { } line)
        {
            return;
        }

        try
        {
            var outcome = await _writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            if (outcome.Rejected is { } why)
            {
                _onError?.Invoke($"metrics point rejected: {why}");
            }
            else
            {
                Interlocked.Increment(ref _points);
            }
        }
        catch (Exception e) when (e is InfluxException or HttpRequestException or IOException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            _onError?.Invoke($"metrics point not written: {e.Message}");
        }
    }

    /// <summary>Stops the timer and writes a last point with the final totals.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        using (var last = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await FlushAsync(last.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _onError?.Invoke("metrics: the last point was not written within 5 s");
            }
        }

        _listener.Dispose();
        _writer.Dispose();
        _stop.Dispose();
    }

    /// <summary>The field name of an instrument: the first matching prefix dropped, dots as underscores.</summary>
    public string FieldName(string instrumentName)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        var prefix = _options.StripPrefixes.FirstOrDefault(p => instrumentName.StartsWith(p, StringComparison.Ordinal));
        return (prefix is null ? instrumentName : instrumentName[prefix.Length..]).Replace('.', '_');
    }

    private void Record(Instrument instrument, string field, double value)
    {
        lock (_lock)
        {
            switch (instrument)
            {
                case var _ when IsIntegerSum(instrument):
                    _counters[field] = _counters.GetValueOrDefault(field) + (long)value;
                    break;
                case Counter<double> or UpDownCounter<double>:
                    _sums[field] = _sums.GetValueOrDefault(field) + value;
                    break;
                case Histogram<long> or Histogram<int> or Histogram<double>:
                    if (!_histograms.TryGetValue(field, out var samples))
                    {
                        _histograms[field] = samples = new Samples();
                    }

                    samples.Add(value);
                    break;
                default:
                    _gauges[field] = value;
                    break;
            }
        }
    }

    /// <summary>Counters written as integer running totals.</summary>
    private static bool IsIntegerSum(Instrument instrument) => instrument is Counter<long> or Counter<int> or UpDownCounter<long> or UpDownCounter<int>;

    private string? Snapshot()
    {
        // Observable gauges report only when asked; their callbacks land in Record under the lock.
        _listener.RecordObservableInstruments();
        var line = new LineBuilder().Measurement(_options.Measurement);
        foreach (var (key, value) in _options.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            line.Tag(key, value);
        }

        var fields = 0;
        lock (_lock)
        {
            foreach (var (field, total) in _counters)
            {
                line.Field(field, total);
                fields++;
            }

            foreach (var (field, value) in _sums.Concat(_gauges))
            {
                line.Field(field, value);
                fields++;
            }

            foreach (var (field, samples) in _histograms)
            {
                line.Field(field + "_count", (long)samples.Count);
                fields++;
                if (samples.Count > 0)
                {
                    var sorted = samples.TakeSorted();
                    line.Field(field + "_mean", Math.Round(samples.Sum / samples.Count, 3))
                        .Field(field + "_p50", Math.Round(Quantile(sorted, 0.50), 3))
                        .Field(field + "_p99", Math.Round(Quantile(sorted, 0.99), 3))
                        .Field(field + "_max", Math.Round(samples.Max, 3));
                }

                samples.Reset();
            }
        }

        return fields == 0 ? null : line.Timestamp(checked(_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000)).ToString();
    }

    private static double Quantile(double[] sorted, double q)
    {
        // Nearest rank: an observed value, so p99 of few samples is a real latency, not an interpolation.
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed; the last point is written by DisposeAsync.
        }
    }

    /// <summary>One interval's observations of a histogram; beyond the cap, a uniform reservoir keeps the quantiles honest.</summary>
    private sealed class Samples
    {
        private readonly List<double> _values = [];
        private readonly Random _random = new(17);

        public int Count { get; private set; }

        public double Sum { get; private set; }

        public double Max { get; private set; } = double.MinValue;

        public void Add(double value)
        {
            Count++;
            Sum += value;
            Max = Math.Max(Max, value);
            if (_values.Count < MaxSamplesPerInterval)
            {
                _values.Add(value);
            }
            else if (_random.Next(Count) is var slot && slot < MaxSamplesPerInterval)
            {
                _values[slot] = value;
            }
        }

        public double[] TakeSorted()
        {
            var sorted = _values.ToArray();
            Array.Sort(sorted);
            return sorted;
        }

        public void Reset()
        {
            _values.Clear();
            Count = 0;
            Sum = 0;
            Max = double.MinValue;
        }
    }
}
