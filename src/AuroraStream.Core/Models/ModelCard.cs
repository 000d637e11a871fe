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
/// <remarks>
/// Schema 1 throughout: <see cref="Confidence"/> and <see cref="ModelInputSpec.OodScore"/> were added
/// as optional members, so cards written before them still load (with both null). A reader older
/// than them ignores both and serves the same (calibrated) probabilities without flagging frames
/// uncertain.
/// </remarks>
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

    /// <summary>How the probabilities were calibrated and where the out-of-distribution threshold lies; null for a model without them.</summary>
    public ModelConfidence? Confidence { get; init; }

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

        if (string.IsNullOrEmpty(card.Input.OodScore) != (card.Confidence is null))
        {
            throw new InvalidDataException(card.Confidence is null
                ? $"{source}: input.oodScore names output '{card.Input.OodScore}' but the card has no confidence section with its threshold"
                : $"{source}: the confidence section has a threshold but input.oodScore names no output to compare it with");
        }

        if (card.Confidence is { } confidence)
        {
            if (!double.IsFinite(confidence.Temperature) || confidence.Temperature <= 0)
            {
                throw new InvalidDataException($"{source}: confidence.temperature {confidence.Temperature} is not a positive number");
            }

            if (!double.IsFinite(confidence.OodThreshold))
            {
                throw new InvalidDataException($"{source}: confidence.oodThreshold {confidence.OodThreshold} is not a number");
            }
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
/// <param name="OodScore">Output of the out-of-distribution score [N], when the model has one (see <see cref="ModelCard.Confidence"/>).</param>
public sealed record ModelInputSpec(string Name, IReadOnlyList<int> Shape, string DataType, string Probabilities, string Representation, string? OodScore = null);

/// <summary>
/// How a model's probabilities were calibrated and when its frames are uncertain. The temperature is
/// already applied inside the model; it is here to be read, not applied again.
/// </summary>
public sealed record ModelConfidence
{
    /// <summary>Temperature the logits are divided by before the softmax (Guo et al. 2017).</summary>
    public required double Temperature { get; init; }

    /// <summary>Out-of-distribution score (squared Mahalanobis distance to the nearest class mean, Lee et al. 2018) above which a frame is uncertain.</summary>
    public required double OodThreshold { get; init; }

    /// <summary>How the two were fitted.</summary>
    public string? Method { get; init; }

    /// <summary>Expected calibration error on held-out data after scaling.</summary>
    public double? ExpectedCalibrationError { get; init; }

    /// <summary>How the threshold was chosen.</summary>
    public string? ThresholdNote { get; init; }
}

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

    /// <summary>How it was fine-tuned (epochs, learning rate, batch, the views it saw); null when it was not, or not recorded.</summary>
    public string? FineTuning { get; init; }

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
