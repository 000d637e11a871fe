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

        Events.Validate();
    }
}
