using System.Diagnostics;
using System.Text.Json;
using AuroraStream.Core;
using AuroraStream.Training.Models;
using AuroraStream.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.SimClr;

/// <summary>Settings of SimCLR pretraining.</summary>
public sealed class SimClrOptions
{
    /// <summary>Encoder to pretrain.</summary>
    /// <value>Default <see cref="EncoderArchitecture.Compact"/>.</value>
    public EncoderArchitecture Architecture { get; init; } = EncoderArchitecture.Compact;

    /// <summary>Side of the (already preprocessed) square input frames.</summary>
    /// <value>Default 128.</value>
    public int InputSize { get; init; } = 128;

    /// <summary>Frames per step (each seen twice).</summary>
    /// <value>Default 64.</value>
    public int BatchSize { get; init; } = 64;

    /// <summary>Optimiser steps in all.</summary>
    /// <value>Default 1000.</value>
    public int Steps { get; init; } = 1000;

    /// <summary>Peak AdamW learning rate.</summary>
    /// <value>Default 1e-3.</value>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW weight decay.</summary>
    /// <value>Default 1e-4.</value>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Steps of linear warm-up before the cosine decay to zero.</summary>
    /// <value>Default 50.</value>
    public int WarmupSteps { get; init; } = 50;

    /// <summary>NT-Xent temperature.</summary>
    /// <value>Default 0.2.</value>
    public double Temperature { get; init; } = 0.2;

    /// <summary>Seed of the initial weights, the sampling and the augmentations.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; init; } = 1;

    /// <summary>Checkpoint folder: written every <see cref="CheckpointEvery"/> steps and at the end, and resumed from when present.</summary>
    /// <value>Default null: no checkpoints.</value>
    public string? CheckpointFolder { get; init; }

    /// <summary>Steps between checkpoints.</summary>
    /// <value>Default 100.</value>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Augmentation strengths.</summary>
    public AugmentationOptions Augmentation { get; init; } = new();

    internal void Validate()
    {
        if (InputSize is < 16 or > 512)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "SimClrOptions.InputSize must be within 16..512.");
        }

        // Each check names the setting that is wrong (a lumped message named BatchSize for Steps 0).
        Require(BatchSize >= 2, nameof(BatchSize), BatchSize, "at least 2");
        Require(Steps >= 1, nameof(Steps), Steps, "at least 1");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "0 or more");
        Require(CheckpointEvery >= 1, nameof(CheckpointEvery), CheckpointEvery, "at least 1");
        Require(LearningRate > 0, nameof(LearningRate), LearningRate, "positive");
        Require(Temperature > 0, nameof(Temperature), Temperature, "positive");
        Require(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "0 or more");
    }

    private static void Require(bool valid, string name, object value, string expected)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(name, value, $"SimClrOptions.{name} must be {expected}.");
        }
    }
}

/// <summary>An encoder read from a SimCLR checkpoint.</summary>
/// <param name="Architecture">Its architecture.</param>
/// <param name="InputSize">The input side it was trained at.</param>
/// <param name="Steps">Pretraining steps done.</param>
/// <param name="Encoder">The encoder (the caller owns it).</param>
public sealed record PretrainedEncoder(EncoderArchitecture Architecture, int InputSize, int Steps, Module<Tensor, Tensor> Encoder);

/// <summary>One step's report.</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Steps">Steps in all.</param>
/// <param name="Loss">This step's NT-Xent loss.</param>
/// <param name="LearningRate">This step's learning rate.</param>
/// <param name="ImagesPerSecond">Views processed per second over this step.</param>
public sealed record SimClrProgress(int Step, int Steps, double Loss, double LearningRate, double ImagesPerSecond);

/// <summary>
/// SimCLR pretraining (Chen et al. 2020) of an encoder with the paper's projection head: two
/// augmented views per frame, NT-Xent loss, AdamW with linear warm-up and cosine decay. Each step's
/// batch and augmentations depend only on the seed and the step number, so a run resumed from a
/// checkpoint draws what an uninterrupted run would. Checkpoints hold the weights and the step;
/// AdamW's moment estimates restart from zero on resume.
/// </summary>
public sealed class SimClrTrainer : IDisposable
{
    private const string StateFile = "state.json";
    private readonly SimClrOptions _options;
    private readonly Module<Tensor, Tensor> _encoder;
    private readonly ProjectionHead _head;
    private readonly ScalarSafeAdamW _optimizer;

    /// <summary>Creates a trainer, resuming from the checkpoint folder when it holds one.</summary>
    public SimClrTrainer(SimClrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        random.manual_seed(options.Seed);
        _encoder = Encoders.Create(options.Architecture);
        _head = new ProjectionHead(Encoders.RepresentationSize(options.Architecture));
        if (options.CheckpointFolder is { } folder && File.Exists(Path.Combine(folder, StateFile)))
        {
            Resume(folder);
        }

        _optimizer = new ScalarSafeAdamW(_encoder.parameters().Concat(_head.parameters()), options.LearningRate, options.WeightDecay);
    }

    /// <summary>Steps done so far (after a resume, the checkpoint's).</summary>
    public int Step { get; private set; }

    /// <summary>The encoder being trained.</summary>
    public Module<Tensor, Tensor> Encoder => _encoder;

    /// <summary>The learning rate of a step: linear warm-up, then cosine decay to zero.</summary>
    public double LearningRateAt(int step)
    {
        if (step < _options.WarmupSteps)
        {
            return _options.LearningRate * (step + 1) / _options.WarmupSteps;
        }

        var progress = (double)(step - _options.WarmupSteps) / Math.Max(1, _options.Steps - _options.WarmupSteps);
        return _options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }

    /// <summary>
    /// Trains until <see cref="SimClrOptions.Steps"/> on preprocessed frames (each InputSize x
    /// InputSize values in [0, 1]); returns the losses of the steps run.
    /// </summary>
    public async Task<IReadOnlyList<double>> TrainAsync(IReadOnlyList<float[]> frames, IProgress<SimClrProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var pixels = _options.InputSize * _options.InputSize;
        if (frames.Count < 2 || frames.Any(f => f.Length != pixels))
        {
            throw new ArgumentException($"SimCLR needs at least 2 frames of {_options.InputSize}x{_options.InputSize} values.", nameof(frames));
        }

        var losses = new List<double>();
        _encoder.train();
        _head.train();
        while (Step < _options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var loss = TrainStep(frames, pixels);
            losses.Add(loss);
            Step++;
            progress?.Report(new SimClrProgress(Step, _options.Steps, loss, LearningRateAt(Step - 1), 2 * _options.BatchSize / watch.Elapsed.TotalSeconds));
            if (_options.CheckpointFolder is { } folder && (Step % _options.CheckpointEvery == 0 || Step == _options.Steps))
            {
                SaveCheckpoint(folder);
            }

            await Task.Yield();
        }

        _encoder.eval();
        return losses;
    }

    /// <summary>Writes the weights and the step to a folder.</summary>
    public void SaveCheckpoint(string folder)
    {
        Directory.CreateDirectory(folder);
        _encoder.save(Path.Combine(folder, "encoder.bin"));
        _head.save(Path.Combine(folder, "head.bin"));
        File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(new CheckpointState(Step, _options.Architecture.ToString(), _options.InputSize, _options.Seed)));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _head.Dispose();
        _encoder.Dispose();
    }

    private double TrainStep(IReadOnlyList<float[]> frames, int pixels)
    {
        using var scope = NewDisposeScope();
        _optimizer.LearningRate = LearningRateAt(Step);

        // Batch and views depend on (seed, step) only: resuming draws what an uninterrupted run would.
        var sampler = new Random(Seeds.Combine(_options.Seed, Step, 0x51CC));
        var batch = new float[_options.BatchSize * pixels];
        for (var i = 0; i < _options.BatchSize; i++)
        {
            frames[sampler.Next(frames.Count)].CopyTo(batch, i * pixels);
        }

        using var augmenter = new AllSkyAugmenter(_options.Augmentation, Seeds.Combine(_options.Seed, Step, 0xA06));
        var x = tensor(batch, [_options.BatchSize, 1, _options.InputSize, _options.InputSize]);
        var first = _head.forward(_encoder.forward(augmenter.Apply(x)));
        var second = _head.forward(_encoder.forward(augmenter.Apply(x)));
        var loss = NtXentLoss.Compute(first, second, _options.Temperature);
        _optimizer.ZeroGrad();
        loss.backward();
        _optimizer.Step();
        return loss.item<float>();
    }

    private void Resume(string folder)
    {
        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(folder, StateFile)))
            ?? throw new InvalidDataException($"{folder}: unreadable {StateFile}");
        if (state.Architecture != _options.Architecture.ToString() || state.InputSize != _options.InputSize)
        {
            throw new InvalidDataException($"{folder}: the checkpoint is of a {state.Architecture} at {state.InputSize} px, not of this run's {_options.Architecture} at {_options.InputSize} px.");
        }

        _encoder.load(Path.Combine(folder, "encoder.bin"));
        _head.load(Path.Combine(folder, "head.bin"));
        Step = state.Step;
    }

    /// <summary>Loads the encoder of a checkpoint folder, for classifier training.</summary>
    public static PretrainedEncoder LoadEncoder(string folder)
    {
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
        {
            throw new FileNotFoundException($"{folder}: not a SimCLR checkpoint (no {StateFile})", statePath);
        }

        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath))
            ?? throw new InvalidDataException($"{statePath}: empty");
        if (!Enum.TryParse<EncoderArchitecture>(state.Architecture, out var architecture))
        {
            throw new InvalidDataException($"{statePath}: unknown architecture '{state.Architecture}'");
        }

        var encoder = Encoders.Create(architecture);
        try
        {
            encoder.load(Path.Combine(folder, "encoder.bin"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            encoder.Dispose();
            throw new InvalidDataException($"{folder}: encoder.bin does not hold a {architecture} encoder ({e.Message})", e);
        }

        return new PretrainedEncoder(architecture, state.InputSize, state.Step, encoder);
    }

    private sealed record CheckpointState(int Step, string Architecture, int InputSize, int Seed);
}
