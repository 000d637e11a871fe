using AuroraStream.Core;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Synthetic;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Evaluation;
using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;
using Xunit.Abstractions;

namespace AuroraStream.Training.Tests.Classifier;

/// <summary>The whole training path, on synthetic skies: SimCLR pretraining, then the classifier; tested on held-out frames.</summary>
public sealed class SyntheticLearningTests(ITestOutputHelper output)
{
    private const int Size = 64;

    [Fact]
    public async Task SimClrThenFineTunedClassifier_HeldOutSyntheticFrames_AtLeast90PercentSixClass()
    {
        TorchSharp.torch.set_num_threads(1);
        var unlabelled = Draw(seed: 101, count: 192).Select(f => f.Pixels).ToList();
        var labelled = Draw(seed: 202, count: 180);
        var heldOut = Draw(seed: 303, count: 120);

        using var pretraining = new SimClrTrainer(new SimClrOptions { InputSize = Size, BatchSize = 32, Steps = 40, WarmupSteps = 5, LearningRate = 2e-3, Seed = 7 });
        await pretraining.TrainAsync(unlabelled);
        var (model, report) = ClassifierTrainer.Train(
            EncoderArchitecture.Compact,
            pretraining.Encoder,
            new LabelledSet([.. labelled.Select(f => f.Pixels)], [.. labelled.Select(f => f.Class)]),
            unlabelled,
            new ClassifierOptions { InputSize = Size, HeadEpochs = 60, FineTune = true, FineTuneEpochs = 12, FineTuneLearningRate = 1e-3, BatchSize = 32, SelfTrainingRounds = 1, Seed = 7 });

        using (model)
        {
            var predictions = ClassifierTrainer.Predict(model, [.. heldOut.Select(f => f.Pixels)], Size);
            var matrix = new ConfusionMatrix();
            for (var i = 0; i < heldOut.Count; i++)
            {
                matrix.Add(heldOut[i].Class, new FramePrediction(predictions[i]).Label);
            }

            output.WriteLine($"held-out 6-class {matrix.Accuracy:0.000}, 2-class {matrix.TwoClassAccuracy:0.000}, pseudo-labelled {string.Join(",", report.PseudoLabelledPerRound)}");
            Assert.True(matrix.Accuracy >= 0.90, $"held-out six-class accuracy {matrix.Accuracy:0.000}");
            Assert.Equal(120, matrix.Total);
            Assert.Single(report.PseudoLabelledPerRound);
        }
    }

    internal static List<(float[] Pixels, AuroraClass Class)> Draw(int seed, int count)
    {
        var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = seed });
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = Size });
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var drawn = sky.Draw(i);
            var pixels = new float[Size * Size];
            preprocessor.Process(drawn.Frame.Pixels.Span, drawn.Frame.Width, drawn.Frame.Height, pixels);
            return (pixels, drawn.Class);
        })];
    }
}
