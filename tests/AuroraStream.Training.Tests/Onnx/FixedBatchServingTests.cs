using AuroraStream.Core.Models;
using AuroraStream.Inference;
using AuroraStream.TestUtilities;
using AuroraStream.Training.Onnx;
using AuroraStream.Training.Onnx.Proto;
using Google.Protobuf;

namespace AuroraStream.Training.Tests.Onnx;

/// <summary>Issue item A3: models whose input has a fixed batch size, served by the stream's classifier.</summary>
public sealed class FixedBatchServingTests
{
    private const int Pixels = 64 * 64;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Classify_FixedBatchModel_1_3_9Frames_GivesTheSymbolicBatchModelsResults(int batch)
    {
        using var fixture = new ConfidenceExportTests.Fixture(seed: 41);
        var frames = ConfidenceExportTests.SyntheticFrames(seed: 12, count: 9);
        using var symbolic = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = fixture.Package("any.onnx"), IntraOpThreads = 1 });

        // The default warm-up (8 frames) is what crashed a batch-1 model at start-up.
        using var fixedBatch = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = fixture.Package($"b{batch}.onnx", batch), IntraOpThreads = 1 });

        Assert.Null(symbolic.FixedBatchSize);
        Assert.Equal(batch, fixedBatch.FixedBatchSize);
        Assert.Equal([batch, 1, 64, 64], fixedBatch.Card.Input.Shape);
        foreach (var count in new[] { 1, 3, 9 })
        {
            var expected = symbolic.Classify(frames.AsSpan(0, count * Pixels), count);
            var actual = fixedBatch.Classify(frames.AsSpan(0, count * Pixels), count);

            Assert.Equal(count, actual.Count);
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(expected[i].Label, actual[i].Label);
                Assert.All(expected[i].Probabilities.Zip(actual[i].Probabilities), p => Assert.Equal(p.First, p.Second, 5));
                Assert.True(Math.Abs(expected[i].OodScore!.Value - actual[i].OodScore!.Value) <= 1e-5 * expected[i].OodScore!.Value, $"{count} frames, frame {i}: score {actual[i].OodScore} vs {expected[i].OodScore}");
            }
        }
    }

    [Theory]
    [InlineData(1, 3, "dimension 1 (channels) is 3")]
    [InlineData(2, 32, "dimension 2 (height) is 32")]
    [InlineData(3, -1, "dimension 3 (width) is symbolic")]
    public void Constructor_InputShapeThatCannotWork_ThrowsOneLineInvalidDataExceptionNamingTheDimension(int dimension, int value, string expected)
    {
        using var fixture = new ConfidenceExportTests.Fixture(seed: 42, withConfidence: false);
        var path = fixture.Package("m.onnx");
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var dim = proto.Graph.Input.Single().Type.TensorType.Shape.Dim[dimension];
        if (value < 0)
        {
            dim.DimParam = "W";
        }
        else
        {
            dim.DimValue = value;
        }

        File.WriteAllBytes(path, proto.ToByteArray());
        var cardPath = ModelCard.PathFor(path);
        var card = ModelCard.FromJson(File.ReadAllText(cardPath), cardPath);
        File.WriteAllText(cardPath, (card with { Sha256 = ModelCard.Sha256Of(path) }).ToJson());

        var e = Assert.Throws<InvalidDataException>(() => new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = path }));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"{path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
