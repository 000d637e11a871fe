using System.Text.Json;
using System.Text.Json.Serialization;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Training.Models;

namespace AuroraStream.Training.Classifier;

/// <summary>What a trained classifier is, kept beside its weights until it is exported.</summary>
public sealed record ClassifierInfo
{
    /// <summary>Encoder architecture.</summary>
    public required EncoderArchitecture Architecture { get; init; }

    /// <summary>Classifier head.</summary>
    public required ClassifierHead Head { get; init; }

    /// <summary>The preprocessing of the training frames (its output size is the input side).</summary>
    public required PreprocessingParameters Preprocessing { get; init; }

    /// <summary>Training data and method.</summary>
    public required ModelTraining Training { get; init; }

    /// <summary>Evaluations so far.</summary>
    public IReadOnlyList<ModelEvaluation> Evaluations { get; init; } = [];
}

/// <summary>A trained classifier on disk: <c>model.bin</c> (TorchSharp weights) and <c>classifier.json</c>.</summary>
public static class ClassifierCheckpoint
{
    private const string WeightsFile = "model.bin";
    private const string InfoFile = "classifier.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes the weights and the description to a folder.</summary>
    public static void Save(string folder, AuroraModel model, ClassifierInfo info)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(folder);
        model.save(Path.Combine(folder, WeightsFile));
        File.WriteAllText(Path.Combine(folder, InfoFile), JsonSerializer.Serialize(info, Json));
    }

    /// <summary>Reads the description of a checkpoint.</summary>
    public static ClassifierInfo ReadInfo(string folder)
    {
        var path = Path.Combine(folder, InfoFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{folder}: not a classifier checkpoint (no {InfoFile})", path);
        }

        try
        {
            return JsonSerializer.Deserialize<ClassifierInfo>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Updates the description (e.g. adds an evaluation).</summary>
    public static void WriteInfo(string folder, ClassifierInfo info) =>
        File.WriteAllText(Path.Combine(folder, InfoFile), JsonSerializer.Serialize(info, Json));

    /// <summary>Loads the model of a checkpoint in inference mode.</summary>
    public static (AuroraModel Model, ClassifierInfo Info) Load(string folder)
    {
        var info = ReadInfo(folder);
        var model = new AuroraModel(info.Architecture, info.Head);
        try
        {
            model.load(Path.Combine(folder, WeightsFile));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{folder}: {WeightsFile} does not hold a {info.Architecture} model with a {info.Head} head ({e.Message})", e);
        }

        model.eval();
        return (model, info);
    }
}
