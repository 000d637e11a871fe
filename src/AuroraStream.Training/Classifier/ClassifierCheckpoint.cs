using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// Temperature and out-of-distribution score, when fitted; null for checkpoints from before they
    /// existed. Stored by <see cref="ClassifierCheckpoint"/> in two parts (scalars in JSON, arrays in
    /// <c>confidence.bin</c>), not by the serializer.
    /// </summary>
    [JsonIgnore]
    public ConfidenceModel? Confidence { get; init; }
}

/// <summary>
/// A trained classifier on disk: <c>model.bin</c> (TorchSharp weights), <c>classifier.json</c> and,
/// when the classifier has a <see cref="ConfidenceModel"/>, <c>confidence.bin</c>.
/// </summary>
/// <remarks>
/// <para>
/// The confidence model's scalars are the <c>confidence</c> object of <c>classifier.json</c>
/// (<c>temperature</c>, <c>representationSize</c>, <c>oodThreshold</c>, <c>method</c>,
/// <c>expectedCalibrationError</c>, <c>thresholdNote</c>, <c>arrays</c>: the file name); its two arrays
/// are in <c>confidence.bin</c>, version 1, all little-endian:
/// </para>
/// <code>
/// offset 0   4 bytes  magic "ASCF"
/// offset 4   uint32   version (1)
/// offset 8   int32    classes (6)
/// offset 12  int32    D, equal to the JSON's representationSize
/// offset 16  float32  class means [6, D], row-major
/// then       float32  whitening W [D, D], row-major
/// </code>
/// <para>The file is exactly 16 + 4 (6 D + D^2) bytes; a ResNet-18's (D = 512) is about 1 MB.</para>
/// </remarks>
public static class ClassifierCheckpoint
{
    /// <summary>The confidence arrays' file name in a checkpoint folder.</summary>
    public const string ConfidenceFile = "confidence.bin";

    private const string WeightsFile = "model.bin";
    private const string InfoFile = "classifier.json";
    private const uint ConfidenceVersion = 1;
    private const int ConfidenceHeaderBytes = 16;
    private static ReadOnlySpan<byte> ConfidenceMagic => "ASCF"u8;

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
        WriteInfo(folder, info);
    }

    /// <summary>Reads the description of a checkpoint, with its confidence model when it has one.</summary>
    public static ClassifierInfo ReadInfo(string folder)
    {
        var path = Path.Combine(folder, InfoFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{folder}: not a classifier checkpoint (no {InfoFile})", path);
        }

        ClassifierInfo info;
        ConfidenceHeader? header;
        try
        {
            var text = File.ReadAllText(path);
            info = JsonSerializer.Deserialize<ClassifierInfo>(text, Json) ?? throw new InvalidDataException($"{path}: empty");
            header = JsonSerializer.Deserialize<StoredConfidence>(text, Json)?.Confidence;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return header is null ? info : info with { Confidence = ReadConfidence(folder, path, header, info.Architecture) };
    }

    /// <summary>Updates the description (e.g. adds an evaluation); writes or removes <c>confidence.bin</c> to match.</summary>
    public static void WriteInfo(string folder, ClassifierInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var json = JsonSerializer.SerializeToNode(info, Json)!.AsObject();
        var arrays = Path.Combine(folder, ConfidenceFile);
        if (info.Confidence is { } confidence)
        {
            confidence.Validate($"{folder}: the classifier's confidence model", info.Architecture);
            WriteConfidenceArrays(arrays, confidence);
            json["confidence"] = JsonSerializer.SerializeToNode(ConfidenceHeader.Of(confidence), Json);
        }
        else
        {
            // A file left from an earlier save would describe another fit.
            File.Delete(arrays);
        }

        File.WriteAllText(Path.Combine(folder, InfoFile), json.ToJsonString(Json));
    }

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

    private static void WriteConfidenceArrays(string path, ConfidenceModel confidence)
    {
        var bytes = new byte[ConfidenceHeaderBytes + (4 * (confidence.ClassMeans.Length + confidence.Whitening.Length))];
        ConfidenceMagic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ConfidenceVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), AuroraModel.Classes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), confidence.RepresentationSize);
        var offset = ConfidenceHeaderBytes;
        foreach (var v in confidence.ClassMeans.Concat(confidence.Whitening))
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), v);
            offset += 4;
        }

        File.WriteAllBytes(path, bytes);
    }

    private static ConfidenceModel ReadConfidence(string folder, string infoPath, ConfidenceHeader header, EncoderArchitecture architecture)
    {
        if (header.Arrays != ConfidenceFile)
        {
            throw new InvalidDataException($"{infoPath}: confidence arrays are in '{header.Arrays}', not the {ConfidenceFile} this version reads");
        }

        var d = header.RepresentationSize;
        if (d is < 1 or > ConfidenceModel.MaxRepresentationSize)
        {
            throw new InvalidDataException($"{infoPath}: confidence representation size {d} is not within 1..{ConfidenceModel.MaxRepresentationSize}");
        }

        var path = Path.Combine(folder, ConfidenceFile);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: missing ({InfoFile} has a confidence model whose arrays are in it)");
        }

        var means = AuroraModel.Classes * d;
        var expected = ConfidenceHeaderBytes + (4L * (means + ((long)d * d)));
        var length = new FileInfo(path).Length;
        if (length < ConfidenceHeaderBytes)
        {
            throw new InvalidDataException($"{path}: {length} bytes, shorter than the {ConfidenceHeaderBytes}-byte header");
        }

        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan(0, 4).SequenceEqual(ConfidenceMagic))
        {
            throw new InvalidDataException($"{path}: offset 0: magic is not \"ASCF\" (not a confidence file)");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) is var version && version != ConfidenceVersion)
        {
            throw new InvalidDataException($"{path}: offset 4: version {version} is not the supported {ConfidenceVersion}");
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) is var classes && classes != AuroraModel.Classes)
        {
            throw new InvalidDataException($"{path}: offset 8: {classes} classes, not {AuroraModel.Classes}");
        }

        if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) is var fileD && fileD != d)
        {
            throw new InvalidDataException($"{path}: offset 12: representation size {fileD} differs from {InfoFile}'s {d}");
        }

        if (bytes.LongLength != expected)
        {
            throw new InvalidDataException($"{path}: {bytes.LongLength} bytes, not the {expected} of 6 means and a {d} x {d} whitening");
        }

        var values = new float[means + (d * d)];
        for (var i = 0; i < values.Length; i++)
        {
            var offset = ConfidenceHeaderBytes + (4 * i);
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset));
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidDataException($"{path}: offset {offset}: {(i < means ? "class mean" : "whitening")} value {values[i]}");
            }
        }

        var confidence = new ConfidenceModel
        {
            Temperature = header.Temperature,
            RepresentationSize = d,
            ClassMeans = values[..means],
            Whitening = values[means..],
            OodThreshold = header.OodThreshold,
            Method = header.Method,
            ExpectedCalibrationError = header.ExpectedCalibrationError,
            ThresholdNote = header.ThresholdNote,
        };
        confidence.Validate(infoPath, architecture);
        return confidence;
    }

    private sealed record StoredConfidence(ConfidenceHeader? Confidence);

    /// <summary>The confidence model as <c>classifier.json</c> holds it: everything but the arrays.</summary>
    private sealed record ConfidenceHeader(double Temperature, int RepresentationSize, double OodThreshold, string? Method, double? ExpectedCalibrationError, string? ThresholdNote, string Arrays)
    {
        public static ConfidenceHeader Of(ConfidenceModel c) =>
            new(c.Temperature, c.RepresentationSize, c.OodThreshold, c.Method, c.ExpectedCalibrationError, c.ThresholdNote, ConfidenceFile);
    }
}
