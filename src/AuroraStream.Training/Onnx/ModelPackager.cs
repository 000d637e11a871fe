using AuroraStream.Core.Models;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Models;

namespace AuroraStream.Training.Onnx;

/// <summary>Exports a trained classifier as the deployable pair: <c>name.onnx</c> and its card <c>name.card.json</c>.</summary>
public static class ModelPackager
{
    /// <summary>Writes the ONNX model and its card; returns the card.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="info">Its description; its <see cref="ClassifierInfo.Confidence"/>, when set, is built into the graph and the card.</param>
    /// <param name="modelPath">The <c>.onnx</c> file to write.</param>
    /// <param name="notes">Notes for the card.</param>
    /// <param name="batchSize">A fixed batch size for runtimes that need one; null for any batch size.</param>
    public static ModelCard Export(AuroraModel model, ClassifierInfo info, string modelPath, string? notes = null, int? batchSize = null)
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
        }, new OnnxExportOptions { Confidence = info.Confidence, BatchSize = batchSize });
        var confidence = info.Confidence;
        var card = new ModelCard
        {
            Name = name,
            Architecture = $"{info.Architecture.ToString().ToLowerInvariant()} encoder + {info.Head.ToString().ToLowerInvariant()} head",
            RepresentationSize = Encoders.RepresentationSize(info.Architecture),
            Input = new ModelInputSpec(OnnxExporter.InputName, [batchSize ?? -1, 1, size, size], "float32", OnnxExporter.ProbabilitiesName, OnnxExporter.RepresentationName, confidence is null ? null : OnnxExporter.OodScoreName),
            Preprocessing = info.Preprocessing,
            Training = info.Training,
            Evaluations = info.Evaluations,
            FlopsPerFrame = ModelCost.FlopsPerFrame(info.Architecture, info.Head, size) + (confidence is null ? 0 : ModelCost.OodScoreFlopsPerFrame(confidence.RepresentationSize)),
            Parameters = model.parameters().Sum(p => p.numel()),
            ModelFile = Path.GetFileName(modelPath),
            Sha256 = ModelCard.Sha256Of(modelPath),
            Notes = notes,
            Confidence = confidence is null ? null : new ModelConfidence
            {
                Temperature = confidence.Temperature,
                OodThreshold = confidence.OodThreshold,
                Method = confidence.Method,
                ExpectedCalibrationError = confidence.ExpectedCalibrationError,
                ThresholdNote = confidence.ThresholdNote,
            },
        };
        File.WriteAllText(ModelCard.PathFor(modelPath), card.ToJson());
        return card;
    }
}
