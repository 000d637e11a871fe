using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuroraStream.Core;

namespace AuroraStream.Pipeline;

/// <summary>Per-site tallies for summaries.</summary>
public sealed class SiteTally
{
    // The six classes in OATH code order, then uncertain.
    private readonly int[] _labels = new int[AuroraClasses.All.Count + 1];
    private int _frames;
    private int _events;
    private int _deadLetters;

    /// <summary>Frames written.</summary>
    public int Frames => Volatile.Read(ref _frames);

    /// <summary>Events written.</summary>
    public int Events => Volatile.Read(ref _events);

    /// <summary>Messages dead-lettered.</summary>
    public int DeadLetters => Volatile.Read(ref _deadLetters);

    /// <summary>
    /// Frames written per label as written (<see cref="FramePrediction.LabelName"/>): the six classes
    /// in OATH code order, then <c>uncertain</c>, which counts under none of the six.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int>> Labels =>
        [.. AuroraClasses.All.Select(c => KeyValuePair.Create(c.ToLabel(), Volatile.Read(ref _labels[(int)c]))),
         KeyValuePair.Create(FramePrediction.UncertainLabel, Volatile.Read(ref _labels[^1]))];

    internal void Frame(FramePrediction prediction)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Increment(ref _labels[prediction.IsUncertain ? _labels.Length - 1 : (int)prediction.Label]);
    }

    internal void Event() => Interlocked.Increment(ref _events);

    internal void DeadLetter() => Interlocked.Increment(ref _deadLetters);
}

/// <summary>
/// The stream's metrics (System.Diagnostics.Metrics, meter <c>AuroraStream.Pipeline</c>) and the
/// same counts kept for the console summary.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "AuroraStream.Pipeline";

    private readonly Meter _meter;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _decoded;
    private readonly Counter<long> _classified;
    private readonly Counter<long> _written;
    private readonly Counter<long> _deadLettered;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _inferenceDuration;
    private readonly Histogram<double> _latency;
    private long _consumedCount;
    private long _decodedCount;
    private long _classifiedCount;
    private long _writtenCount;
    private long _deadLetteredCount;

    /// <summary>Creates the instruments; <paramref name="lag"/> reports consumer lag when the source knows it.</summary>
    public PipelineMetrics(Func<long?>? lag = null, IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _consumed = _meter.CreateCounter<long>("aurorastream.pipeline.frames.consumed", "{message}", "Messages read from the frames topic");
        _decoded = _meter.CreateCounter<long>("aurorastream.pipeline.frames.decoded", "{frame}", "Messages decoded into frames");
        _classified = _meter.CreateCounter<long>("aurorastream.pipeline.frames.classified", "{frame}", "Frames classified");
        _written = _meter.CreateCounter<long>("aurorastream.pipeline.frames.written", "{frame}", "Frames written to the sink");
        _deadLettered = _meter.CreateCounter<long>("aurorastream.pipeline.frames.dead_lettered", "{message}", "Messages sent to the dead-letter topic");
        _batchDuration = _meter.CreateHistogram<double>("aurorastream.pipeline.batch.duration", "ms", "Time from a batch's classification start to its sink acknowledgement");
        _inferenceDuration = _meter.CreateHistogram<double>("aurorastream.inference.batch.duration", "ms", "ONNX Runtime time per batch");
        _latency = _meter.CreateHistogram<double>("aurorastream.pipeline.capture_to_write.latency", "ms", "Capture time to sink acknowledgement");
        if (lag is not null)
        {
            _meter.CreateObservableGauge("aurorastream.pipeline.consumer.lag", () => lag() ?? 0, "{message}", "Messages behind the end of the assigned partitions");
        }
    }

    /// <summary>Per-site tallies.</summary>
    public ConcurrentDictionary<string, SiteTally> Sites { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages consumed.</summary>
    public long Consumed => Interlocked.Read(ref _consumedCount);

    /// <summary>Frames decoded.</summary>
    public long Decoded => Interlocked.Read(ref _decodedCount);

    /// <summary>Frames classified.</summary>
    public long Classified => Interlocked.Read(ref _classifiedCount);

    /// <summary>Frames written.</summary>
    public long Written => Interlocked.Read(ref _writtenCount);

    /// <summary>Messages dead-lettered.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLetteredCount);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    /// <summary>Reports the messages in flight (read, not yet written or dead-lettered) as a gauge.</summary>
    internal void ObserveInFlight(Func<int> inFlight) =>
        _meter.CreateObservableGauge("aurorastream.pipeline.in_flight", inFlight, "{message}", "Messages read but not yet written or dead-lettered");

    internal SiteTally Site(string site) => Sites.GetOrAdd(site, _ => new SiteTally());

    internal void OnConsumed()
    {
        Interlocked.Increment(ref _consumedCount);
        _consumed.Add(1);
    }

    internal void OnDecoded()
    {
        Interlocked.Increment(ref _decodedCount);
        _decoded.Add(1);
    }

    internal void OnClassified(int count, double milliseconds)
    {
        Interlocked.Add(ref _classifiedCount, count);
        _classified.Add(count);
        _inferenceDuration.Record(milliseconds);
    }

    internal void OnWritten(int count, double batchMilliseconds)
    {
        Interlocked.Add(ref _writtenCount, count);
        _written.Add(count);
        _batchDuration.Record(batchMilliseconds);
    }

    internal void OnLatency(double milliseconds) => _latency.Record(milliseconds);

    internal void OnDeadLettered(string? site)
    {
        Interlocked.Increment(ref _deadLetteredCount);
        _deadLettered.Add(1);
        if (site is not null)
        {
            Site(site).DeadLetter();
        }
    }
}
