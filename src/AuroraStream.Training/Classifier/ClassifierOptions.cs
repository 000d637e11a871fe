using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;

namespace AuroraStream.Training.Classifier;

/// <summary>Settings of classifier training on top of an encoder.</summary>
public sealed class ClassifierOptions
{
    /// <summary>Side of the (already preprocessed) square input frames.</summary>
    /// <value>Default 128.</value>
    public int InputSize { get; init; } = 128;

    /// <summary>The head over the representation.</summary>
    /// <value>Default <see cref="ClassifierHead.Linear"/> (a linear probe).</value>
    public ClassifierHead Head { get; init; } = ClassifierHead.Linear;

    /// <summary>Epochs of head training on frozen representations.</summary>
    /// <value>Default 200 (cheap: representations are computed once per round).</value>
    public int HeadEpochs { get; init; } = 200;

    /// <summary>AdamW learning rate of head training.</summary>
    /// <value>Default 1e-2.</value>
    public double HeadLearningRate { get; init; } = 1e-2;

    /// <summary>Whether the whole encoder is fine-tuned with the head after head training.</summary>
    /// <value>Default false.</value>
    public bool FineTune { get; init; }

    /// <summary>Epochs of fine-tuning.</summary>
    /// <value>Default 10.</value>
    public int FineTuneEpochs { get; init; } = 10;

    /// <summary>AdamW learning rate of fine-tuning.</summary>
    /// <value>Default 3e-4.</value>
    public double FineTuneLearningRate { get; init; } = 3e-4;

    /// <summary>
    /// Random views used in fine-tuning on top of the flips and quarter turns (any rotation about
    /// the zenith, crops, brightness, contrast, gamma, blur, noise; <see cref="AllSkyAugmenter"/>),
    /// or null for flips and quarter turns alone. Its mask radius must be the preprocessing's.
    /// </summary>
    /// <value>Default null.</value>
    public AugmentationOptions? FineTuneAugmentation { get; init; }

    /// <summary>Frames per step.</summary>
    /// <value>Default 64.</value>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW weight decay.</summary>
    /// <value>Default 1e-4.</value>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Self-training rounds: pseudo-label the unlabelled frames, add the confident ones class-balanced, retrain.</summary>
    /// <value>Default 0.</value>
    public int SelfTrainingRounds { get; init; }

    /// <summary>Smallest top-class probability for a pseudo-label to be used.</summary>
    /// <value>Default 0.9.</value>
    public double PseudoLabelThreshold { get; init; } = 0.9;

    /// <summary>Seed of the head's initial weights, the shuffling and the augmentations.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        if (InputSize is < 16 or > 512)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "ClassifierOptions.InputSize must be within 16..512.");
        }

        // Each check names the setting that is wrong.
        Require(HeadEpochs >= 1, nameof(HeadEpochs), HeadEpochs, "at least 1");
        Require(FineTuneEpochs >= 0, nameof(FineTuneEpochs), FineTuneEpochs, "0 or more");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Require(SelfTrainingRounds >= 0, nameof(SelfTrainingRounds), SelfTrainingRounds, "0 or more");
        Require(HeadLearningRate > 0, nameof(HeadLearningRate), HeadLearningRate, "positive");
        Require(FineTuneLearningRate > 0, nameof(FineTuneLearningRate), FineTuneLearningRate, "positive");
        Require(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "0 or more");
        FineTuneAugmentation?.Validate();

        if (PseudoLabelThreshold is <= 0 or > 1 || double.IsNaN(PseudoLabelThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(PseudoLabelThreshold), PseudoLabelThreshold, "ClassifierOptions.PseudoLabelThreshold must be within (0, 1].");
        }
    }

    private static void Require(bool valid, string name, object value, string expected)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(name, value, $"ClassifierOptions.{name} must be {expected}.");
        }
    }
}
