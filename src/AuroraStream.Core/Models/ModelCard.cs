using System.Text.Json;
using System.Text.Json.Serialization;
using AuroraStream.Core.Preprocessing;

namespace AuroraStream.Core.Models;

/// <summary>
/// What a model is and how to feed it, stored as JSON beside the ONNX file
/// (<c>name.onnx</c> -> <c>name.card.json</c>): architecture, input and outputs, the preprocessing it
/// was trained with (the stream applies exactly these), what it was trained on, how it scored, its
/// cost and the model file's SHA-256.
/// </summary>
public sealed record ModelCard
{
    /// <summary>The card schema this code writes and reads.</summary>
    public const int CurrentSchema = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Card schema version.</summary>
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>Model name, written into every prediction (the InfluxDB <c>model</c> tag).</summary>
    public required string Name { get; init; }

    /// <summary>Encoder architecture (<c>compact</c>, <c>resnet18</c>) and classifier head.</summary>
    public required string Architecture { get; init; }

    /// <summary>Size of the representation output.</summary>
    public required int RepresentationSize { get; init; }

    /// <summary>Input and output tensors.</summary>
    public required ModelInputSpec Input { get; init; }

    /// <summary>Class labels in output order.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [.. AuroraClasses.All.Select(c => c.ToLabel())];

    /// <summary>The preprocessing the model was trained with; <see cref="PreprocessingParameters.OutputSize"/> is the input side.</summary>
    public required PreprocessingParameters Preprocessing { get; init; }

    /// <summary>What the model was trained on and how.</summary>
    public required ModelTraining Training { get; init; }

    /// <summary>Evaluations, each on named data.</summary>
    public IReadOnlyList<ModelEvaluation> Evaluations { get; init; } = [];

    /// <summary>Floating-point operations per frame (multiply and add counted apart) of one forward pass.</summary>
    public required long FlopsPerFrame { get; init; }

    /// <summary>Trainable parameters.</summary>
    public required long Parameters { get; init; }

    /// <summary>File name of the ONNX model, relative to the card.</summary>
    public required string ModelFile { get; init; }

    /// <summary>Lower-case hex SHA-256 of the model file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>What the numbers mean and what the model is not.</summary>
    public string? Notes { get; init; }

    /// <summary>The card's path for a model file.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".card.json");

    /// <summary>A model file's digest as <see cref="Sha256"/> records it: lower-case hex SHA-256 of its bytes.</summary>
    public static string Sha256Of(string modelPath)
    {
        using var stream = File.OpenRead(modelPath);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>Serialises the card.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and checks a card; errors name <paramref name="source"/> and what was wrong.</summary>
    public static ModelCard FromJson(string json, string source)
    {
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a model card ({e.Message})", e);
        }

        if (card is null)
        {
            throw new InvalidDataException($"{source}: empty model card");
        }

        if (card.Schema != CurrentSchema)
        {
            throw new InvalidDataException($"{source}: model card schema {card.Schema} is not the supported {CurrentSchema}");
        }

        if (!card.Classes.SequenceEqual(AuroraClasses.All.Select(c => c.ToLabel())))
        {
            throw new InvalidDataException($"{source}: classes [{string.Join(", ", card.Classes)}] are not the OATH six in order");
        }

        try
        {
            card.Preprocessing.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        if (card.Sha256.Length != 64 || !card.Sha256.All(Uri.IsHexDigit))
        {
            throw new InvalidDataException($"{source}: sha256 '{card.Sha256}' is not 64 hex digits");
        }

        return card;
    }
}

/// <summary>The model's tensors.</summary>
/// <param name="Name">Input name.</param>
/// <param name="Shape">Input shape; -1 is the dynamic batch size.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Probabilities">Output of class probabilities [N, 6].</param>
/// <param name="Representation">Output of the representation [N, D].</param>
public sealed record ModelInputSpec(string Name, IReadOnlyList<int> Shape, string DataType, string Probabilities, string Representation);

/// <summary>How a model was trained.</summary>
public sealed record ModelTraining
{
    /// <summary>Self-supervised pretraining, if any: method, data, frames, steps.</summary>
    public string? Pretraining { get; init; }

    /// <summary>Frames seen by pretraining.</summary>
    public int PretrainingFrames { get; init; }

    /// <summary>Pretraining optimiser steps.</summary>
    public int PretrainingSteps { get; init; }

    /// <summary>Classifier head (<c>linear</c> or <c>mlp</c>).</summary>
    public required string Head { get; init; }

    /// <summary>Whether the encoder was fine-tuned with the head.</summary>
    public bool FineTuned { get; init; }

    /// <summary>Where the labelled frames came from.</summary>
    public IReadOnlyList<string> LabelledSources { get; init; } = [];

    /// <summary>Labelled frames per class label.</summary>
    public IReadOnlyDictionary<string, int> LabelledCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Self-training rounds run.</summary>
    public int SelfTrainingRounds { get; init; }

    /// <summary>Pseudo-labelled frames used in the last round.</summary>
    public int PseudoLabelled { get; init; }

    /// <summary>Seed of the run.</summary>
    public int Seed { get; init; }
}

/// <summary>One evaluation of a model.</summary>
/// <param name="Name">What was evaluated, e.g. <c>synthetic-held-out</c>, <c>oath-5-splits</c>.</param>
/// <param name="Frames">Test frames.</param>
/// <param name="Accuracy">Six-class accuracy (mean over splits when there are several).</param>
/// <param name="AccuracyStd">Standard deviation over splits, when there are several.</param>
/// <param name="TwoClassAccuracy">Aurora vs no-aurora accuracy from the six-class confusion matrix.</param>
/// <param name="Notes">What the figure means.</param>
public sealed record ModelEvaluation(string Name, int Frames, double Accuracy, double? AccuracyStd, double TwoClassAccuracy, string? Notes);
