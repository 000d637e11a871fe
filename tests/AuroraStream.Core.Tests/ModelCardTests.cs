using AuroraStream.Core.Models;
using AuroraStream.TestUtilities;

namespace AuroraStream.Core.Tests;

public sealed class ModelCardTests
{
    [Fact]
    public void Sha256Of_TheFips180Vector_IsItsPublishedDigestInLowerCaseHex()
    {
        using var temp = new TempFolder();
        var model = temp.Write("abc.onnx", "abc"u8.ToArray());

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ModelCard.Sha256Of(model));
    }

    [Fact]
    public void PathFor_AModelFile_IsTheCardBesideIt() =>
        Assert.Equal(Path.Combine("onnx-models", "compact.card.json"), ModelCard.PathFor(Path.Combine("onnx-models", "compact.onnx")));

    [Fact]
    public void FromJson_ShippedCardFromBeforeConfidence_LoadsWithoutScoreOrSection()
    {
        // The card of the default model shipped before confidence was added (tests/data/models).
        var path = RepoPaths.Data("models", "aurorastream-compact-2026-11-24.card.json");

        var card = ModelCard.FromJson(File.ReadAllText(path), path);

        Assert.Equal(1, card.Schema);
        Assert.Null(card.Input.OodScore);
        Assert.Null(card.Confidence);
        Assert.DoesNotContain("oodScore", card.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("confidence", card.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_CardWithConfidence_RoundTrips()
    {
        var card = Card() with
        {
            Input = new ModelInputSpec("frames", [-1, 1, 64, 64], "float32", "probabilities", "representation", "ood_score"),
            Confidence = new ModelConfidence { Temperature = 1.8, OodThreshold = 412.5, Method = "temperature scaling; Mahalanobis", ExpectedCalibrationError = 0.031, ThresholdNote = "95th percentile of held-out scores" },
        };

        var read = ModelCard.FromJson(card.ToJson(), "card.json");

        Assert.Equal("ood_score", read.Input.OodScore);
        Assert.Equal(card.Confidence, read.Confidence);
        Assert.Contains("\"oodThreshold\": 412.5", card.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ScoreWithoutThreshold_OrBadTemperature_IsRefusedNamingTheSetting()
    {
        var withScore = Card() with { Input = new ModelInputSpec("frames", [-1, 1, 64, 64], "float32", "probabilities", "representation", "ood_score") };
        var confidence = new ModelConfidence { Temperature = 1.5, OodThreshold = 10 };

        Assert.Contains("input.oodScore names output 'ood_score' but the card has no confidence section", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson(withScore.ToJson(), "card.json")).Message, StringComparison.Ordinal);
        Assert.Contains("input.oodScore names no output", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson((Card() with { Confidence = confidence }).ToJson(), "card.json")).Message, StringComparison.Ordinal);
        Assert.StartsWith("card.json: confidence.temperature 0 is not a positive number", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson((withScore with { Confidence = confidence with { Temperature = 0 } }).ToJson(), "card.json")).Message, StringComparison.Ordinal);
    }

    private static ModelCard Card() => new()
    {
        Name = "m",
        Architecture = "compact",
        RepresentationSize = 256,
        Input = new ModelInputSpec("frames", [-1, 1, 64, 64], "float32", "probabilities", "representation"),
        Preprocessing = new AuroraStream.Core.Preprocessing.PreprocessingParameters(),
        Training = new ModelTraining { Head = "linear" },
        FlopsPerFrame = 1,
        Parameters = 1,
        ModelFile = "m.onnx",
        Sha256 = new string('a', 64),
    };
}
