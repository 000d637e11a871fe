using AuroraStream.Core;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Evaluation;
using AuroraStream.Training.Models;

namespace AuroraStream.Training.Tests.Evaluation;

public sealed class LeaveOneSceneOutTests
{
    private const int Size = 16;

    public LeaveOneSceneOutTests() => TorchSharp.torch.set_num_threads(1);

    [Fact]
    public void Run_OneFoldPerSceneWithEnoughFrames_EachRealFrameScoredOnce()
    {
        var random = new Random(3);
        TrainingItem Item(AuroraClass c, string source, string? scene) =>
            new([.. Enumerable.Range(0, Size * Size).Select(_ => (float)((c == AuroraClass.Arc ? 0.7 : 0.1) + (0.2 * random.NextDouble())))], c, source, scene);
        var sceneA = Enumerable.Range(0, 6).Select(i => Item(i % 2 == 0 ? AuroraClass.Arc : AuroraClass.Clear, "real", "gill-2016-10-29")).ToList();
        var sceneB = Enumerable.Range(0, 6).Select(_ => Item(AuroraClass.Clear, "real", "gako-2011-01-06")).ToList();
        var small = Enumerable.Range(0, 2).Select(_ => Item(AuroraClass.Arc, "oath", "oath:unknown")).ToList();
        var hybridOfA = Item(AuroraClass.Arc, "hybrid", "gill-2016-10-29");
        var synthetic = Enumerable.Range(0, 20).Select(i => Item(i % 2 == 0 ? AuroraClass.Arc : AuroraClass.Clear, "synthetic", null)).ToList();

        // Real frames twice each, as --real-repeat 2 gives them.
        List<TrainingItem> items = [.. sceneA, .. sceneA, .. sceneB, .. sceneB, .. small, hybridOfA, .. synthetic];
        var folds = LeaveOneSceneOut.Run(
            EncoderArchitecture.Compact,
            () => { TorchSharp.torch.random.manual_seed(1); return Encoders.Create(EncoderArchitecture.Compact); },
            items,
            synthetic.Take(6).ToList(),
            new ClassifierOptions { InputSize = Size, HeadEpochs = 2, BatchSize = 8 },
            0.99);

        Assert.Equal(["gako-2011-01-06", "gill-2016-10-29"], folds.Select(f => f.Scene));
        Assert.All(folds, f => Assert.Equal(6, f.Classes.Count));
        Assert.All(folds, f => Assert.Equal(6, f.OodScores.Count));
        Assert.Equal(sceneA.Select(a => a.Class), folds[1].Classes);
        Assert.Equal(3, LeaveOneSceneOut.Scenes(items).Count);
    }
}
