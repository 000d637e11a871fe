using System.Buffers;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using Microsoft.ML.OnnxRuntime;

namespace AuroraStream.Inference;

/// <summary>
/// Runs an exported AuroraStream model in ONNX Runtime: one session, checked against the model's
/// card (file hash, input name and shape, outputs), warmed up at construction, inputs passed as
/// <see cref="OrtValue"/>s over pooled arrays, only the probabilities (and, when the card names it,
/// the out-of-distribution score) fetched. Thread-safe: ONNX Runtime sessions may run concurrently.
/// </summary>
/// <remarks>
/// Each frame's input is also measured for structure (<see cref="SkyStructure"/>): a frame of pixel
/// noise is labelled <c>uncertain</c> whatever the model says.
/// A model whose input has a fixed batch size B (some converters and runtimes make one) is run in
/// chunks of B frames, the last padded with zero frames whose outputs are discarded.
/// </remarks>
public sealed class OnnxAuroraClassifier : IAuroraClassifier
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _pixels;
    private readonly double? _oodThreshold;

    /// <summary>Loads the model and its card; throws <see cref="InvalidDataException"/> naming the file when they do not match.</summary>
    public OnnxAuroraClassifier(OnnxClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(options.ModelPath))
        {
            throw new FileNotFoundException($"{options.ModelPath}: model file not found", options.ModelPath);
        }

        var cardPath = ModelCard.PathFor(options.ModelPath);
        if (!File.Exists(cardPath))
        {
            throw new FileNotFoundException($"{cardPath}: the model's card is missing (every model needs its card beside it)", cardPath);
        }

        Card = ModelCard.FromJson(File.ReadAllText(cardPath), cardPath);
        var sha = ModelCard.Sha256Of(options.ModelPath);
        if (!string.Equals(sha, Card.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{options.ModelPath}: SHA-256 {sha} differs from its card's {Card.Sha256} (model and card do not belong together)");
        }

        var size = Card.Preprocessing.OutputSize;
        _pixels = size * size;
        _inputNames = [Card.Input.Name];
        _outputNames = Card.Input.OodScore is { } ood ? [Card.Input.Probabilities, ood] : [Card.Input.Probabilities];
        _oodThreshold = Card.Confidence?.OodThreshold;
        (_session, DeviceNote) = CreateSession(options);
        try
        {
            FixedBatchSize = CheckShapes(options.ModelPath, size);
            if (options.WarmUpBatchSize > 0)
            {
                var warmUp = FixedBatchSize ?? options.WarmUpBatchSize;
                try
                {
                    Classify(new float[warmUp * _pixels], warmUp);
                }
                catch (OnnxRuntimeException e)
                {
                    throw new InvalidDataException($"{options.ModelPath}: the model fails a warm-up run of {warmUp} blank frames: {FirstLine(e.Message)}", e);
                }
            }
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }

        Device = DeviceNote is null ? options.Device : InferenceDevice.Cpu;
    }

    /// <inheritdoc />
    public ModelCard Card { get; }

    /// <summary>The device inference actually runs on.</summary>
    public InferenceDevice Device { get; }

    /// <summary>Why the asked-for device is not used, when it is not (e.g. CUDA unavailable).</summary>
    public string? DeviceNote { get; }

    /// <summary>The model's fixed batch size, or null when it takes any; calls are run in chunks of it.</summary>
    public int? FixedBatchSize { get; }

    /// <inheritdoc />
    public IReadOnlyList<FramePrediction> Classify(ReadOnlySpan<float> frames, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (frames.Length != count * _pixels)
        {
            throw new ArgumentException($"{count} frames of {_pixels} values need {count * _pixels} values, not {frames.Length}.", nameof(frames));
        }

        var result = new FramePrediction[count];
        var structures = new double[count];
        for (var i = 0; i < count; i++)
        {
            structures[i] = SkyStructure.Autocorrelation(frames.Slice(i * _pixels, _pixels), Card.Preprocessing.OutputSize, Card.Preprocessing.MaskRadiusFraction);
        }

        var chunk = FixedBatchSize ?? count;
        var buffer = ArrayPool<float>.Shared.Rent(chunk * _pixels);
        try
        {
            for (var start = 0; start < count; start += chunk)
            {
                var n = Math.Min(chunk, count - start);
                frames.Slice(start * _pixels, n * _pixels).CopyTo(buffer);

                // Padding for a fixed batch size: zero frames (the pool's arrays hold earlier data).
                buffer.AsSpan(n * _pixels, (chunk - n) * _pixels).Clear();
                Run(buffer.AsMemory(0, chunk * _pixels), chunk, result.AsSpan(start, n), structures.AsSpan(start, n));
            }

            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Runs one batch of <paramref name="batch"/> frames and fills <paramref name="result"/> from its first outputs, with each frame's measured structure.</summary>
    private void Run(Memory<float> frames, int batch, Span<FramePrediction> result, ReadOnlySpan<double> structures)
    {
        var side = Card.Preprocessing.OutputSize;
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, frames, [batch, 1, side, side]);
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var classes = AuroraClasses.All.Count;
        var probabilities = outputs[0].GetTensorDataAsSpan<float>();
        var scores = outputs.Count > 1 ? outputs[1].GetTensorDataAsSpan<float>() : default;
        if (probabilities.Length != batch * classes || (outputs.Count > 1 && scores.Length != batch))
        {
            throw new InvalidDataException($"{Card.ModelFile}: a batch of {batch} gave {probabilities.Length} probabilities and {scores.Length} scores, not {batch * classes} and {(outputs.Count > 1 ? batch : 0)}");
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] = outputs.Count > 1
                ? new FramePrediction(probabilities.Slice(i * classes, classes), scores[i], _oodThreshold, structure: structures[i])
                : new FramePrediction(probabilities.Slice(i * classes, classes), structure: structures[i]);
        }
    }

    /// <summary>Checks the model's input and outputs against the card; returns the fixed batch size, if any.</summary>
    private int? CheckShapes(string modelPath, int size)
    {
        var input = _session.InputMetadata.TryGetValue(Card.Input.Name, out var meta)
            ? meta
            : throw new InvalidDataException($"{modelPath}: no input '{Card.Input.Name}' (the card's input name)");
        var dims = input.Dimensions;
        var shape = $"input '{Card.Input.Name}' has shape [{string.Join(",", dims)}]";
        if (dims.Length != 4)
        {
            throw new InvalidDataException($"{modelPath}: {shape}, not the 4 dimensions [N,1,{size},{size}] the card says");
        }

        string[] names = ["batch", "channels", "height", "width"];
        int[] wanted = [dims[0], 1, size, size];
        for (var i = 1; i < 4; i++)
        {
            if (dims[i] != wanted[i])
            {
                throw new InvalidDataException($"{modelPath}: {shape}: dimension {i} ({names[i]}) is {Dim(dims[i])}, the card's preprocessing gives {wanted[i]}");
            }
        }

        int? batch = dims[0] switch
        {
            -1 => null,
            > 0 and <= 4096 => dims[0],
            _ => throw new InvalidDataException($"{modelPath}: {shape}: dimension 0 (batch) {dims[0]} is neither symbolic nor within 1..4096"),
        };
        CheckOutput(modelPath, Card.Input.Probabilities, batch, AuroraClasses.All.Count);
        if (Card.Input.OodScore is { } ood)
        {
            CheckOutput(modelPath, ood, batch, null);
        }

        return batch;
    }

    private void CheckOutput(string modelPath, string name, int? batch, int? width)
    {
        if (!_session.OutputMetadata.TryGetValue(name, out var output))
        {
            throw new InvalidDataException($"{modelPath}: no output '{name}' (the card names it)");
        }

        var dims = output.Dimensions;
        var n = batch is { } b ? Dim(b) : "N";
        var expected = width is { } w ? $"[{n},{Dim(w)}]" : $"[{n}]";
        if (dims.Length != (width is null ? 1 : 2) || (dims[0] != -1 && dims[0] != (batch ?? -1)) || (width is { } c && dims[1] != c))
        {
            throw new InvalidDataException($"{modelPath}: output '{name}' has shape [{string.Join(",", dims)}], not {expected}");
        }
    }

    private static string Dim(int value) => value < 0 ? "symbolic" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static (InferenceSession Session, string? Note) CreateSession(OnnxClassifierOptions options)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        string? note = null;
        if (options.Device == InferenceDevice.Cuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                note = $"CUDA was asked for but is not available ({FirstLine(e.Message)}); running on the CPU. GPU hosts need the build with -p:OnnxRuntimeGpu=true and CUDA installed.";
            }
        }

        try
        {
            return (new InferenceSession(options.ModelPath, sessionOptions), note);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{options.ModelPath}: ONNX Runtime cannot load the model: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
