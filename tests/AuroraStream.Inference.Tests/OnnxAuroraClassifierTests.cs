using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;

namespace AuroraStream.Inference.Tests;

/// <summary>The shipped default model, served through ONNX Runtime with the preprocessing its card names.</summary>
public sealed class OnnxAuroraClassifierTests
{
    private static readonly string DefaultModel = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");

    [Fact]
    public void DefaultModel_HeldOutSyntheticFrames_ClassifiedAtLeast85Percent_AsItsCardRecords()
    {
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = DefaultModel });
        var (frames, classes) = Synthetic(classifier.Card.Preprocessing, seed: 4242, count: 96);

        var predictions = classifier.Classify(frames, classes.Count);

        var correct = predictions.Zip(classes).Count(p => p.First.Label == p.Second);
        Assert.True(correct >= 0.85 * classes.Count, $"{correct} of {classes.Count} correct");
        Assert.All(predictions, p => Assert.Equal(1.0, p.Probabilities.Sum(), 4));

        // Its card has the out-of-distribution score: every frame gets one, and frames like its training data are rarely past the threshold.
        Assert.All(predictions, p => Assert.NotNull(p.OodScore));
        Assert.True(predictions.Count(p => p.IsUncertain) <= 0.1 * classes.Count, $"{predictions.Count(p => p.IsUncertain)} uncertain");
        Assert.Null(classifier.FixedBatchSize);
        Assert.Equal(InferenceDevice.Cpu, classifier.Device);
        Assert.Null(classifier.DeviceNote);
    }

    [Fact]
    public void DefaultModel_NoiseFrames_AreUncertain_SkiesAreNot()
    {
        // Uniform noise at sky-like counts came out arc, p = 0.86, under the OOD threshold.
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = DefaultModel });
        var preprocessor = new FramePreprocessor(classifier.Card.Preprocessing);
        var random = new Random(11);
        var noise = new float[4 * preprocessor.OutputLength];
        (int Low, int High)[] ranges = [(3000, 3600), (0, 65535), (3000, 3010), (3000, 3600)];
        for (var k = 0; k < ranges.Length; k++)
        {
            var pixels = new ushort[256 * 256];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (ushort)random.Next(ranges[k].Low, ranges[k].High + 1);
            }

            preprocessor.Process(pixels, 256, 256, noise.AsSpan(k * preprocessor.OutputLength, preprocessor.OutputLength));
        }

        var (skies, classes) = Synthetic(classifier.Card.Preprocessing, seed: 31, count: 48);

        Assert.All(classifier.Classify(noise, ranges.Length), p =>
        {
            Assert.True(p.LacksStructure, $"structure {p.Structure}");
            Assert.Equal("uncertain", p.LabelName);
            Assert.Equal(1.0, p.Probabilities.Sum(), 4);
        });
        Assert.All(classifier.Classify(skies, classes.Count), p => Assert.True(p.Structure >= 0.5, $"structure {p.Structure}"));
    }

    [Fact]
    public void Classify_BatchOrOneByOne_GivesTheSameProbabilities()
    {
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = DefaultModel, IntraOpThreads = 1 });
        var (frames, classes) = Synthetic(classifier.Card.Preprocessing, seed: 7, count: 5);
        var batch = classifier.Classify(frames, 5);
        var pixels = frames.Length / 5;

        for (var i = 0; i < 5; i++)
        {
            var single = classifier.Classify(frames.AsSpan(i * pixels, pixels), 1).Single();
            Assert.Equal(batch[i].Label, single.Label);
            Assert.All(batch[i].Probabilities.Zip(single.Probabilities), p => Assert.Equal(p.First, p.Second, 5));
        }

        Assert.Throws<ArgumentException>(() => classifier.Classify(frames.AsSpan(0, pixels - 1), 1));
    }

    [Fact]
    public void Cuda_NotAvailable_FallsBackToCpuWithANote()
    {
        using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = DefaultModel, Device = InferenceDevice.Cuda });

        Assert.Equal(InferenceDevice.Cpu, classifier.Device);
        Assert.Contains("CUDA was asked for but is not available", classifier.DeviceNote, StringComparison.Ordinal);
        var (frames, _) = Synthetic(classifier.Card.Preprocessing, seed: 1, count: 1);
        Assert.Single(classifier.Classify(frames, 1));
    }

    [Fact]
    public void ModelNotMatchingItsCard_OrWithoutCard_IsRefusedNamingTheFile()
    {
        using var temp = new TempFolder();
        var model = temp.File("m.onnx");
        var bytes = File.ReadAllBytes(DefaultModel);
        File.WriteAllBytes(model, bytes);
        Assert.Contains("m.card.json: the model's card is missing", Assert.Throws<FileNotFoundException>(() => new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = model })).Message, StringComparison.Ordinal);

        File.Copy(ModelCard.PathFor(DefaultModel), temp.File("m.card.json"));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(model, bytes);
        var e = Assert.Throws<InvalidDataException>(() => new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = model }));
        Assert.Contains("m.onnx: SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains("differs from its card", e.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = temp.File("none.onnx") }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = DefaultModel, IntraOpThreads = -1 }));
    }

    [Fact]
    public void DefaultModelCard_DescribesTheModelHonestly()
    {
        var card = ModelCard.FromJson(File.ReadAllText(ModelCard.PathFor(DefaultModel)), "card");

        Assert.Equal("aurorastream-compact.onnx", card.ModelFile);
        Assert.Equal(ModelCard.Sha256Of(DefaultModel), card.Sha256);
        Assert.Contains(card.Evaluations, e => e.Name == "synthetic-held-out" && e.Accuracy >= 0.85);
        Assert.Contains(card.Evaluations, e => e.Name == "oath-5-splits");
        Assert.Contains("leave-one-scene-out", card.Notes, StringComparison.Ordinal);
        Assert.Contains(card.Evaluations, e => e.Name == "leave-one-scene-out:gill-2016-10-29");
        Assert.Contains(card.Evaluations, e => e.Name == "oath-station-night-5-fold");
        Assert.NotNull(card.Confidence);
        Assert.True(card.FlopsPerFrame > 0 && card.Parameters > 0);
    }

    internal static (float[] Frames, List<AuroraClass> Classes) Synthetic(PreprocessingParameters parameters, int seed, int count)
    {
        // The projected skies the default model was trained on (seeds of its own).
        var sky = new ProjectedSky(new SyntheticSkyOptions { Seed = seed });
        var preprocessor = new FramePreprocessor(parameters);
        var frames = new float[count * preprocessor.OutputLength];
        var classes = new List<AuroraClass>();
        for (var i = 0; i < count; i++)
        {
            var drawn = sky.Draw(i);
            preprocessor.Process(drawn.Frame.Pixels.Span, drawn.Frame.Width, drawn.Frame.Height, frames.AsSpan(i * preprocessor.OutputLength, preprocessor.OutputLength));
            classes.Add(drawn.Class);
        }

        return (frames, classes);
    }
}
