using System.Globalization;
using AuroraStream.Core.Stream;

namespace AuroraStream.Pipeline;

/// <summary>Settings of the stream's Dataflow graph.</summary>
public sealed class PipelineOptions
{
    /// <summary>Messages decoded and preprocessed in parallel.</summary>
    /// <value>Default: the processor count.</value>
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Frames per inference batch.</summary>
    /// <value>Default 32.</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>Longest wait before a partial batch is classified.</summary>
    /// <value>Default 250 ms (bounds latency at live rates).</value>
    public TimeSpan BatchTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages each stage may hold; with every stage bounded, a slow sink stops consumption.</summary>
    /// <value>Default 128.</value>
    public int StageCapacity { get; set; } = 128;

    /// <summary>
    /// The most messages the graph can hold at once (read from the broker, not yet written or
    /// dead-lettered): decode, preprocess, batch and dead-letter stages hold up to
    /// <see cref="StageCapacity"/> each, classify and write two batches each, and the feeding loop
    /// one. Memory of the graph is bounded by this times a frame's size (about 300 KB decoded and
    /// preprocessed), whatever the speed of the sink.
    /// </summary>
    public int InFlightLimit => (4 * StageCapacity) + (4 * BatchSize) + 1;

    /// <summary>Event hysteresis.</summary>
    public AuroraEventOptions Events { get; set; } = new();

    /// <summary>
    /// Earliest plausible capture time (UTC; a time without a zone is taken as UTC). A frame
    /// captured earlier is dead-lettered with the reason (stage <c>validate</c>).
    /// </summary>
    /// <value>Default 2004-01-01T00:00:00Z: before the first THEMIS GBO imager ran (2004-05).</value>
    public DateTime EarliestCaptureTime { get; set; } = new(2004, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// How far after now (the stream's <see cref="TimeProvider"/>) a capture time may lie; a frame
    /// captured later is dead-lettered with the reason. Guards against imager clocks gone wrong and
    /// times that would not fit InfluxDB's 64-bit nanoseconds (which end in 2262).
    /// </summary>
    /// <value>Default 1 day.</value>
    public TimeSpan MaxCaptureTimeAhead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Checks the settings, naming the wrong one.</summary>
    public void Validate()
    {
        if (Parallelism is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "Pipeline:Parallelism must be within 1..256.");
        }

        if (BatchSize is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Pipeline:BatchSize must be within 1..4096.");
        }

        if (BatchTimeout <= TimeSpan.Zero || BatchTimeout > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(BatchTimeout), BatchTimeout, "Pipeline:BatchTimeout must be within (0, 5 min].");
        }

        if (StageCapacity < BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(StageCapacity), StageCapacity, $"Pipeline:StageCapacity must be at least Pipeline:BatchSize ({BatchSize}).");
        }

        var earliest = EarliestUtc;
        if (earliest < new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc) || earliest > new DateTime(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc))
        {
            throw new ArgumentOutOfRangeException(nameof(EarliestCaptureTime), EarliestCaptureTime, "Pipeline:EarliestCaptureTime must be within 1970-01-01..2200-01-01 (UTC).");
        }

        if (MaxCaptureTimeAhead < TimeSpan.Zero || MaxCaptureTimeAhead > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCaptureTimeAhead), MaxCaptureTimeAhead, "Pipeline:MaxCaptureTimeAhead must be within 0..366 days.");
        }

        Events.Validate();
    }

    /// <summary>
    /// Why a capture time is outside the plausible window <see cref="EarliestCaptureTime"/> ..
    /// <paramref name="now"/> + <see cref="MaxCaptureTimeAhead"/>, or null when it is inside.
    /// </summary>
    public string? CaptureTimeProblem(DateTime captureTime, DateTimeOffset now)
    {
        var latest = now.UtcDateTime + MaxCaptureTimeAhead;
        if (captureTime >= EarliestUtc && captureTime <= latest)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"capture time {captureTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} is outside the plausible window {EarliestUtc:yyyy-MM-dd'T'HH:mm:ss'Z'} (Pipeline:EarliestCaptureTime) to {latest:yyyy-MM-dd'T'HH:mm:ss'Z'} (now + Pipeline:MaxCaptureTimeAhead)");
    }

    private DateTime EarliestUtc => EarliestCaptureTime.Kind switch
    {
        DateTimeKind.Local => EarliestCaptureTime.ToUniversalTime(),
        _ => DateTime.SpecifyKind(EarliestCaptureTime, DateTimeKind.Utc),
    };
}
