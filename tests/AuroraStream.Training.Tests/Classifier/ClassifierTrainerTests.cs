using AuroraStream.Core;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Evaluation;
using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;
using AuroraStream.Training.Tests.Torch;

namespace AuroraStream.Training.Tests.Classifier;

public sealed class ClassifierTrainerTests
{
    private const int Size = 32;

    public ClassifierTrainerTests() => TorchSharp.torch.set_num_threads(1);

    [Fact]
    public void LinearProbe_FrozenEncoder_LeavesEncoderWeightsUnchanged_AndSeparatesEasyClasses()
    {
        var (frames, classes) = Bright(40, seed: 1);
        TorchSharp.torch.random.manual_seed(4);
        var encoder = Encoders.Create(EncoderArchitecture.Compact);
        var before = Weights(encoder);

        var (model, report) = ClassifierTrainer.Train(EncoderArchitecture.Compact, encoder, new LabelledSet(frames, classes), null, new ClassifierOptions { InputSize = Size, HeadEpochs = 150, BatchSize = 16 });

        using (model)
        {
            Assert.Equal(before, Weights(model.Encoder));
            var (test, truth) = Bright(20, seed: 2);
            var predictions = ClassifierTrainer.Predict(model, test, Size);
            Assert.True(predictions.Zip(truth).Count(p => new FramePrediction(p.First).Label == p.Second) >= 18);
            Assert.Equal(20, report.LabelledCounts[AuroraClass.Clear]);
            Assert.Empty(report.PseudoLabelledPerRound);
        }
    }

    [Fact]
    public void FineTune_ChangesTheEncoder_AndMlpHeadPredictsDistributions()
    {
        var (frames, classes) = Bright(24, seed: 3);
        TorchSharp.torch.random.manual_seed(5);
        var encoder = Encoders.Create(EncoderArchitecture.Compact);
        var before = Weights(encoder);

        var (model, _) = ClassifierTrainer.Train(EncoderArchitecture.Compact, encoder, new LabelledSet(frames, classes), null, new ClassifierOptions { InputSize = Size, Head = ClassifierHead.Mlp, HeadEpochs = 5, FineTune = true, FineTuneEpochs = 2, BatchSize = 8 });

        using (model)
        {
            Assert.NotEqual(before, Weights(model.Encoder));
            Assert.All(ClassifierTrainer.Predict(model, frames, Size), p => Assert.Equal(1.0, p.Sum(), 4));
        }
    }

    [Fact]
    public void FineTune_UnderConstantCollections_GivesTheQuietWeights()
    {
        var (frames, classes) = Bright(24, seed: 3);
        var quiet = FineTunedWeights(frames, classes);
        using var storm = new CollectionStorm();

        var stormy = FineTunedWeights(frames, classes);

        Assert.True(storm.Collections > 10, $"only {storm.Collections} collections");
        Assert.Equal(quiet, stormy);
    }

    [Fact]
    public void FineTune_OnRandomViews_IsReproducible_DiffersFromFlipsAlone_AndRefusesBadViews()
    {
        var (frames, classes) = Bright(24, seed: 3);
        var views = AugmentationOptions.FineTuning(0.85);

        var once = FineTunedWeights(frames, classes, views);
        var again = FineTunedWeights(frames, classes, views);
        var flipsOnly = FineTunedWeights(frames, classes);

        Assert.Equal(once, again);
        Assert.NotEqual(flipsOnly, once);
        var bad = new AugmentationOptions { MinCropScale = 0 };
        Assert.Throws<ArgumentOutOfRangeException>(() => FineTunedWeights(frames, classes, bad));
    }

    [Fact]
    public void SelfTraining_AddsTheSameNumberOfConfidentFramesPerPredictedClass()
    {
        var (frames, classes) = Bright(40, seed: 6);
        var (unlabelled, _) = Bright(60, seed: 7);
        TorchSharp.torch.random.manual_seed(8);

        var (model, report) = ClassifierTrainer.Train(EncoderArchitecture.Compact, Encoders.Create(EncoderArchitecture.Compact), new LabelledSet(frames, classes), unlabelled, new ClassifierOptions { InputSize = Size, HeadEpochs = 100, BatchSize = 16, SelfTrainingRounds = 2, PseudoLabelThreshold = 0.6 });

        using (model)
        {
            Assert.Equal(2, report.PseudoLabelledPerRound.Count);

            // Two classes are predicted, each contributing the same count: an even total.
            Assert.All(report.PseudoLabelledPerRound, n => Assert.Equal(0, n % 2));
            Assert.True(report.PseudoLabelledPerRound[^1] > 0);
        }
    }

    [Fact]
    public void Train_WrongFrameSizeOrNoFrames_ThrowsNamingTheProblem()
    {
        var encoder = Encoders.Create(EncoderArchitecture.Compact);

        var e = Assert.Throws<ArgumentException>(() => ClassifierTrainer.Train(EncoderArchitecture.Compact, encoder, new LabelledSet([new float[10]], [AuroraClass.Arc]), null, new ClassifierOptions { InputSize = Size }));
        Assert.Contains("labelled frame 0 has 10 values", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ClassifierTrainer.Train(EncoderArchitecture.Compact, encoder, new LabelledSet([], []), null, new ClassifierOptions { InputSize = Size }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassifierTrainer.Train(EncoderArchitecture.Compact, encoder, new LabelledSet([new float[Size * Size]], [AuroraClass.Arc]), null, new ClassifierOptions { InputSize = Size, PseudoLabelThreshold = 1.5 }));
    }

    [Fact]
    public void Benchmark_RunsEverySplitWithImages_SkipsOthers_AndAggregates()
    {
        var (frames, classes) = Bright(30, seed: 9);
        var withMissing = frames.Select((f, i) => i == 29 ? null : f).ToArray();
        var splits = new List<BenchmarkSplit>
        {
            new(1, [.. Enumerable.Range(0, 20)], [.. Enumerable.Range(20, 10)]),
            new(2, [.. Enumerable.Range(10, 20)], [.. Enumerable.Range(0, 10)]),
            new(3, [29], [.. Enumerable.Range(0, 5)]),
        };

        var report = BenchmarkEvaluation.Run("bright-dark", withMissing, classes, splits, EncoderArchitecture.Compact, () =>
        {
            TorchSharp.torch.random.manual_seed(2);
            return Encoders.Create(EncoderArchitecture.Compact);
        }, new ClassifierOptions { InputSize = Size, HeadEpochs = 80, BatchSize = 16 }, "test");

        Assert.Equal(29, report.ImagesFound);
        Assert.Equal((20, 9, 1), (report.Splits[0].TrainFrames, report.Splits[0].TestFrames, report.Splits[0].Missing));
        Assert.Equal("no training images found", report.Splits[2].Skipped);
        Assert.Null(report.Splits[2].Accuracy);
        var run = report.Splits.Take(2).Select(s => s.Accuracy!.Value).ToList();
        Assert.Equal(run.Average(), report.MeanAccuracy!.Value, 12);
        Assert.Equal(Math.Abs(run[0] - run[1]) / Math.Sqrt(2), report.AccuracyStd!.Value, 12);
        Assert.Equal(19, report.PooledConfusion.Sum(r => r.Sum()));
        Assert.Contains("| Clausen & Nickisch 2018", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("Only 29 of 30 images were found", report.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("\"meanAccuracy\"", report.ToJson(), StringComparison.Ordinal);
    }

    private static float[] FineTunedWeights(List<float[]> frames, List<AuroraClass> classes, AugmentationOptions? views = null)
    {
        TorchSharp.torch.random.manual_seed(5);
        var (model, _) = ClassifierTrainer.Train(EncoderArchitecture.Compact, Encoders.Create(EncoderArchitecture.Compact), new LabelledSet(frames, classes), null, new ClassifierOptions { InputSize = Size, Head = ClassifierHead.Mlp, HeadEpochs = 5, FineTune = true, FineTuneEpochs = 3, BatchSize = 8, FineTuneAugmentation = views });
        using (model)
        {
            return Weights(model);
        }
    }

    /// <summary>Two classes that any encoder separates: bright noisy frames are arcs, dark ones clear.</summary>
    private static (List<float[]> Frames, List<AuroraClass> Classes) Bright(int count, int seed)
    {
        var random = new Random(seed);
        var frames = new List<float[]>();
        var classes = new List<AuroraClass>();
        for (var i = 0; i < count; i++)
        {
            var bright = i % 2 == 0;
            frames.Add([.. Enumerable.Range(0, Size * Size).Select(_ => (float)((bright ? 0.7 : 0.1) + (0.2 * random.NextDouble())))]);
            classes.Add(bright ? AuroraClass.Arc : AuroraClass.Clear);
        }

        return (frames, classes);
    }

    private static float[] Weights(TorchSharp.torch.nn.Module module) => ModuleWeights.Of(module);
}
