using AuroraStream.Core.Preprocessing;
using AuroraStream.Synthetic;
using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;
using AuroraStream.Training.Tests.Torch;
using AuroraStream.TestUtilities;

namespace AuroraStream.Training.Tests.SimClr;

public sealed class SimClrTrainerTests
{
    private const int Size = 64;

    // One libtorch thread: multithreaded reductions are not bit-reproducible, and a learning test
    // must not depend on the order threads finish in.
    public SimClrTrainerTests() => TorchSharp.torch.set_num_threads(1);

    private static readonly Lazy<IReadOnlyList<float[]>> Frames = new(() =>
    {
        var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = 5 });
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = Size });
        return [.. Enumerable.Range(0, 48).Select(i =>
        {
            var frame = sky.Draw(i).Frame;
            var output = new float[Size * Size];
            preprocessor.Process(frame.Pixels.Span, frame.Width, frame.Height, output);
            return output;
        })];
    });

    private static SimClrOptions Options(int steps, string? folder = null) => new()
    {
        InputSize = Size,
        BatchSize = 16,
        Steps = steps,
        WarmupSteps = 5,
        LearningRate = 2e-3,
        Seed = 3,
        CheckpointFolder = folder,
        CheckpointEvery = 2,
    };

    [Fact]
    public void LearningRate_WarmsUpLinearlyThenDecaysByCosine()
    {
        using var trainer = new SimClrTrainer(new SimClrOptions { Steps = 105, WarmupSteps = 5, LearningRate = 1e-3 });

        Assert.Equal(2e-4, trainer.LearningRateAt(0), 12);
        Assert.Equal(1e-3, trainer.LearningRateAt(4), 12);
        Assert.Equal(1e-3, trainer.LearningRateAt(5), 12);
        Assert.Equal(0.5e-3, trainer.LearningRateAt(55), 12);
        Assert.Equal(0, trainer.LearningRateAt(105), 12);
    }

    [Fact]
    public async Task Train_SyntheticSky_LowersTheContrastiveLoss()
    {
        using var trainer = new SimClrTrainer(Options(60));
        var reports = new List<SimClrProgress>();

        var losses = await trainer.TrainAsync(Frames.Value, new Progress(reports.Add));

        Assert.Equal(60, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        var first = losses.Take(8).Average();
        var last = losses.TakeLast(8).Average();
        Assert.True(last < first - 0.1, $"loss {first:0.000} -> {last:0.000}");
        Assert.Equal(60, reports[^1].Step);
        Assert.All(reports, r => Assert.True(r.ImagesPerSecond > 0));
    }

    [Fact]
    public async Task Train_UnderConstantCollections_GivesTheQuietLossesAndWeights()
    {
        var (quietLosses, quietWeights) = await Run();
        using var storm = new CollectionStorm();

        var (stormyLosses, stormyWeights) = await Run();

        Assert.True(storm.Collections > 10, $"only {storm.Collections} collections");
        Assert.Equal(quietLosses, stormyLosses);
        Assert.Equal(quietWeights, stormyWeights);

        static async Task<(IReadOnlyList<double> Losses, float[] Weights)> Run()
        {
            using var trainer = new SimClrTrainer(Options(8));
            var losses = await trainer.TrainAsync(Frames.Value);
            return (losses, Weights(trainer));
        }
    }

    [Fact]
    public async Task Checkpoint_Resume_RestoresWeightsAndStep_AndRefusesAnotherModel()
    {
        using var temp = new TempFolder();
        float[] saved;
        using (var trainer = new SimClrTrainer(Options(4, temp.Path)))
        {
            await trainer.TrainAsync(Frames.Value);
            saved = Weights(trainer);
        }

        using var resumed = new SimClrTrainer(Options(6, temp.Path));

        Assert.Equal(4, resumed.Step);
        Assert.Equal(saved, Weights(resumed));
        var more = await resumed.TrainAsync(Frames.Value);
        Assert.Equal(2, more.Count);
        Assert.Equal(6, resumed.Step);
        Assert.Throws<InvalidDataException>(() => new SimClrTrainer(new SimClrOptions { InputSize = 128, CheckpointFolder = temp.Path, Architecture = EncoderArchitecture.Compact }));
    }

    private static float[] Weights(SimClrTrainer trainer) => ModuleWeights.Of(trainer.Encoder);

    private sealed class Progress(Action<SimClrProgress> report) : IProgress<SimClrProgress>
    {
        public void Report(SimClrProgress value) => report(value);
    }
}
