using AuroraStream.Training.Classifier;
using AuroraStream.Training.SimClr;

namespace AuroraStream.Training.Tests.SimClr;

/// <summary>A wrong training setting is named in the message, not a neighbour checked with it.</summary>
public sealed class TrainingOptionsValidationTests
{
    [Theory]
    [InlineData(nameof(SimClrOptions.Steps))]
    [InlineData(nameof(SimClrOptions.BatchSize))]
    [InlineData(nameof(SimClrOptions.WarmupSteps))]
    [InlineData(nameof(SimClrOptions.CheckpointEvery))]
    [InlineData(nameof(SimClrOptions.LearningRate))]
    [InlineData(nameof(SimClrOptions.Temperature))]
    [InlineData(nameof(SimClrOptions.WeightDecay))]
    public void SimClrOptions_OneBadSetting_MessageNamesThatSetting(string setting)
    {
        var options = setting switch
        {
            nameof(SimClrOptions.Steps) => new SimClrOptions { Steps = 0 },
            nameof(SimClrOptions.BatchSize) => new SimClrOptions { BatchSize = 1 },
            nameof(SimClrOptions.WarmupSteps) => new SimClrOptions { WarmupSteps = -1 },
            nameof(SimClrOptions.CheckpointEvery) => new SimClrOptions { CheckpointEvery = 0 },
            nameof(SimClrOptions.LearningRate) => new SimClrOptions { LearningRate = 0 },
            nameof(SimClrOptions.Temperature) => new SimClrOptions { Temperature = double.NaN },
            _ => new SimClrOptions { WeightDecay = -1 },
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, e.ParamName);
        Assert.StartsWith($"SimClrOptions.{setting} must be ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(ClassifierOptions.HeadEpochs))]
    [InlineData(nameof(ClassifierOptions.FineTuneEpochs))]
    [InlineData(nameof(ClassifierOptions.BatchSize))]
    [InlineData(nameof(ClassifierOptions.SelfTrainingRounds))]
    [InlineData(nameof(ClassifierOptions.HeadLearningRate))]
    [InlineData(nameof(ClassifierOptions.FineTuneLearningRate))]
    public void ClassifierOptions_OneBadSetting_MessageNamesThatSetting(string setting)
    {
        var options = setting switch
        {
            nameof(ClassifierOptions.HeadEpochs) => new ClassifierOptions { HeadEpochs = 0 },
            nameof(ClassifierOptions.FineTuneEpochs) => new ClassifierOptions { FineTuneEpochs = -1 },
            nameof(ClassifierOptions.BatchSize) => new ClassifierOptions { BatchSize = 0 },
            nameof(ClassifierOptions.SelfTrainingRounds) => new ClassifierOptions { SelfTrainingRounds = -1 },
            nameof(ClassifierOptions.HeadLearningRate) => new ClassifierOptions { HeadLearningRate = -1e-3 },
            _ => new ClassifierOptions { FineTuneLearningRate = 0 },
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, e.ParamName);
        Assert.StartsWith($"ClassifierOptions.{setting} must be ", e.Message, StringComparison.Ordinal);
    }
}
