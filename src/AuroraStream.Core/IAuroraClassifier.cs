using AuroraStream.Core.Models;

namespace AuroraStream.Core;

/// <summary>
/// A port that labels preprocessed frames (the ONNX Runtime adapter in production). Inputs are
/// <see cref="Models.ModelCard.Preprocessing"/>-processed frames of
/// <c>OutputSize x OutputSize</c> values, laid out one after another.
/// </summary>
public interface IAuroraClassifier : IDisposable
{
    /// <summary>The card of the model: its input size and the preprocessing it was trained with.</summary>
    ModelCard Card { get; }

    /// <summary>Classifies <paramref name="count"/> frames stored back to back in <paramref name="frames"/>.</summary>
    IReadOnlyList<FramePrediction> Classify(ReadOnlySpan<float> frames, int count);
}
