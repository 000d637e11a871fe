using System.Buffers;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using Microsoft.ML.OnnxRuntime;

namespace AuroraStream.Inference;

/// <summary>
/// Runs an exported AuroraStream model in ONNX Runtime: one session, checked against the model's
/// card (file hash, input name and size), warmed up at construction, inputs passed as
/// <see cref="OrtValue"/>s over pooled arrays, only the probabilities output fetched. Thread-safe:
/// ONNX Runtime sessions may run concurrently.
/// </summary>
public sealed class OnnxAuroraClassifier : IAuroraClassifier
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _pixels;

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
        _outputNames = [Card.Input.Probabilities];
        (_session, DeviceNote) = CreateSession(options);
        try
        {
            var input = _session.InputMetadata.TryGetValue(Card.Input.Name, out var meta)
                ? meta
                : throw new InvalidDataException($"{options.ModelPath}: no input '{Card.Input.Name}' (the card's input name)");
            if (input.Dimensions is not [_, 1, var h, var w] || h != size || w != size)
            {
                throw new InvalidDataException($"{options.ModelPath}: input shape [{string.Join(",", input.Dimensions)}] is not [N,1,{size},{size}] as the card says");
            }

            if (!_session.OutputMetadata.ContainsKey(Card.Input.Probabilities))
            {
                throw new InvalidDataException($"{options.ModelPath}: no output '{Card.Input.Probabilities}'");
            }

            if (options.WarmUpBatchSize > 0)
            {
                Classify(new float[options.WarmUpBatchSize * _pixels], options.WarmUpBatchSize);
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

    /// <inheritdoc />
    public IReadOnlyList<FramePrediction> Classify(ReadOnlySpan<float> frames, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (frames.Length != count * _pixels)
        {
            throw new ArgumentException($"{count} frames of {_pixels} values need {count * _pixels} values, not {frames.Length}.", nameof(frames));
        }

        var buffer = ArrayPool<float>.Shared.Rent(frames.Length);
        try
        {
            frames.CopyTo(buffer);
            var side = Card.Preprocessing.OutputSize;
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, frames.Length), [count, 1, side, side]);
            using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            var classes = AuroraClasses.All.Count;
            var result = new FramePrediction[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = new FramePrediction(probabilities.Slice(i * classes, classes));
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
