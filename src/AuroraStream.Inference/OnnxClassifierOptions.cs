namespace AuroraStream.Inference;

/// <summary>Where inference runs.</summary>
public enum InferenceDevice
{
    /// <summary>The CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; falls back to the CPU, with a note, when unavailable.</summary>
    Cuda,
}

/// <summary>Settings of the ONNX Runtime classifier.</summary>
public sealed class OnnxClassifierOptions
{
    /// <summary>Path of the ONNX model; its card must be beside it (<c>name.card.json</c>).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Execution device.</summary>
    /// <value>Default <see cref="InferenceDevice.Cpu"/>.</value>
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 lets it choose (one per physical core).</summary>
    /// <value>Default 0.</value>
    public int IntraOpThreads { get; init; }

    /// <summary>Frames per warm-up run at construction (0 skips the warm-up).</summary>
    /// <value>Default 8.</value>
    public int WarmUpBatchSize { get; init; } = 8;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException("OnnxClassifierOptions.ModelPath is required.", nameof(ModelPath));
        }

        if (IntraOpThreads is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "OnnxClassifierOptions.IntraOpThreads must be within 0..256.");
        }

        if (WarmUpBatchSize is < 0 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(WarmUpBatchSize), WarmUpBatchSize, "OnnxClassifierOptions.WarmUpBatchSize must be within 0..4096.");
        }
    }
}
