using AuroraStream.Core.Models;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Models;

namespace AuroraStream.Training.Onnx;

/// <summary>Exports a trained classifier as the deployable pair: <c>name.onnx</c> and its card <c>name.card.json</c>.</summary>
public static class ModelPackager
{
    /// <summary>Writes the ONNX model and its card; returns the card.</summary>
    public static ModelCard Export(AuroraModel model, ClassifierInfo info, string modelPath, string? notes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var name = Path.GetFileNameWithoutExtension(modelPath);
        var size = info.Preprocessing.OutputSize;
        if (Path.GetDirectoryName(Path.GetFullPath(modelPath)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        OnnxExporter.Export(model, size, modelPath, new Dictionary<string, string>
        {
            ["name"] = name,
            ["architecture"] = info.Architecture.ToString(),
            ["head"] = info.Head.ToString(),
            ["input_size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var card = new ModelCard
        {
            Name = name,
            Architecture = $"{info.Architecture.ToString().ToLowerInvariant()} encoder + {info.Head.ToString().ToLowerInvariant()} head",
            RepresentationSize = Encoders.RepresentationSize(info.Architecture),
            Input = new ModelInputSpec(OnnxExporter.InputName, [-1, 1, size, size], "float32", OnnxExporter.ProbabilitiesName, OnnxExporter.RepresentationName),
            Preprocessing = info.Preprocessing,
            Training = info.Training,
            Evaluations = info.Evaluations,
            FlopsPerFrame = ModelCost.FlopsPerFrame(info.Architecture, info.Head, size),
            Parameters = model.parameters().Sum(p => p.numel()),
            ModelFile = Path.GetFileName(modelPath),
            Sha256 = ModelCard.Sha256Of(modelPath),
            Notes = notes,
        };
        File.WriteAllText(ModelCard.PathFor(modelPath), card.ToJson());
        return card;
    }
}
