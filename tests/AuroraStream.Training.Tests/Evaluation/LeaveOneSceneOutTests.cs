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

    [Fact]
    public void Run_FoldsSideBySide_GiveWhatFoldsOneAfterTheOtherGive_AndTheThreadSettingIsRestored()
    {
        var random = new Random(5);
        TrainingItem Item(AuroraClass c, string source, string? scene) =>
            new([.. Enumerable.Range(0, Size * Size).Select(_ => (float)((c == AuroraClass.Arc ? 0.7 : 0.1) + (0.2 * random.NextDouble())))], c, source, scene);
        var scenes = new[] { "gako-2011-01-06", "gill-2014-03-10", "gill-2016-10-29" };
        var real = scenes.SelectMany((scene, k) => Enumerable.Range(0, 6).Select(i => Item((i + k) % 2 == 0 ? AuroraClass.Arc : AuroraClass.Clear, "real", scene))).ToList();
        var synthetic = Enumerable.Range(0, 16).Select(i => Item(i % 2 == 0 ? AuroraClass.Arc : AuroraClass.Clear, "synthetic", null)).ToList();
        List<TrainingItem> items = [.. real, .. synthetic];
        var options = new ClassifierOptions { InputSize = Size, HeadEpochs = 2, BatchSize = 8, FineTune = true, FineTuneEpochs = 1 };
        IReadOnlyList<SceneFold> Folds(int concurrency)
        {
            var started = new List<string>();
            var folds = LeaveOneSceneOut.Run(
                EncoderArchitecture.Compact,
                () => { TorchSharp.torch.random.manual_seed(1); return Encoders.Create(EncoderArchitecture.Compact); },
                items,
                synthetic.Take(4).ToList(),
                options,
                0.99,
                started.Add,
                concurrency: concurrency);
            Assert.Equal(scenes, started.Order(StringComparer.Ordinal));
            return folds;
        }

        var oneAfterTheOther = Folds(1);
        var sideBySide = Folds(3);

        Assert.Equal(scenes, sideBySide.Select(f => f.Scene));
        for (var k = 0; k < scenes.Length; k++)
        {
            Assert.Equal(oneAfterTheOther[k].Classes, sideBySide[k].Classes);
            Assert.Equal(oneAfterTheOther[k].Logits.SelectMany(l => l), sideBySide[k].Logits.SelectMany(l => l));
            Assert.Equal(oneAfterTheOther[k].OodScores, sideBySide[k].OodScores);
        }

        Assert.Equal(1, TorchSharp.torch.get_num_threads());
        Assert.Throws<ArgumentOutOfRangeException>(() => LeaveOneSceneOut.Run(EncoderArchitecture.Compact, () => Encoders.Create(EncoderArchitecture.Compact), items, synthetic, options, 0.99, concurrency: 0));
    }
}
