using AuroraStream.Core;
using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;
using AuroraStream.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.Classifier;

/// <summary>Frames (preprocessed, InputSize x InputSize each) with their classes.</summary>
/// <param name="Frames">The frames.</param>
/// <param name="Classes">The class of each frame.</param>
public sealed record LabelledSet(IReadOnlyList<float[]> Frames, IReadOnlyList<AuroraClass> Classes)
{
    /// <summary>Frames per class, all six listed.</summary>
    public IReadOnlyDictionary<AuroraClass, int> Counts() =>
        AuroraClasses.All.ToDictionary(c => c, c => Classes.Count(x => x == c));
}

/// <summary>One epoch's report.</summary>
/// <param name="Phase"><c>head</c> or <c>fine-tune</c>.</param>
/// <param name="Round">0 for the labelled data alone, then the self-training round.</param>
/// <param name="Epoch">Epochs done in this phase.</param>
/// <param name="Epochs">Epochs of this phase.</param>
/// <param name="Loss">Mean cross-entropy of the epoch.</param>
public sealed record ClassifierProgress(string Phase, int Round, int Epoch, int Epochs, double Loss);

/// <summary>What a classifier run did.</summary>
/// <param name="LabelledCounts">Labelled frames per class.</param>
/// <param name="PseudoLabelledPerRound">Pseudo-labelled frames added in each self-training round.</param>
public sealed record ClassifierReport(IReadOnlyDictionary<AuroraClass, int> LabelledCounts, IReadOnlyList<int> PseudoLabelledPerRound);

/// <summary>
/// Trains the classifier on top of an encoder: the head on frozen representations (a linear probe or
/// a small MLP), optionally the whole model fine-tuned (with flips and quarter turns, which leave an
/// all-sky image's class unchanged, and optionally milder random views:
/// <see cref="ClassifierOptions.FineTuneAugmentation"/>), then optional self-training rounds as in Johnson et al.: the
/// unlabelled frames the current model labels with at least the threshold probability are added,
/// the same number per class (the count of the rarest confidently predicted class), and training
/// repeats on the union. Pseudo-labels are redrawn each round from the current model.
/// </summary>
public static class ClassifierTrainer
{
    private static readonly Lock Initialisation = new();

    /// <summary>
    /// Trains a model over <paramref name="encoder"/>, which the model takes over. Several models
    /// may be trained at once from different threads (each its own encoder).
    /// </summary>
    public static (AuroraModel Model, ClassifierReport Report) Train(
        EncoderArchitecture architecture,
        Module<Tensor, Tensor> encoder,
        LabelledSet labelled,
        IReadOnlyList<float[]>? unlabelled,
        ClassifierOptions options,
        IProgress<ClassifierProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var pixels = options.InputSize * options.InputSize;
        if (labelled.Frames.Count == 0 || labelled.Frames.Count != labelled.Classes.Count)
        {
            throw new ArgumentException($"The labelled set needs at least one frame and one class per frame (got {labelled.Frames.Count} frames, {labelled.Classes.Count} classes).", nameof(labelled));
        }

        CheckSizes(labelled.Frames, pixels, "labelled");
        CheckSizes(unlabelled ?? [], pixels, "unlabelled");
        AuroraModel model;
        lock (Initialisation)
        {
            // torch's generator is global: seeding and drawing the head's weights together keeps
            // them the same when several models are trained at once (LeaveOneSceneOut's folds).
            random.manual_seed(options.Seed);
            model = new AuroraModel(architecture, encoder, options.Head);
        }

        var pseudo = new List<int>();
        var training = labelled;
        for (var round = 0; round <= (unlabelled is { Count: > 0 } ? options.SelfTrainingRounds : 0); round++)
        {
            if (round > 0)
            {
                var added = PseudoLabel(model, unlabelled!, options);
                pseudo.Add(added.Frames.Count);
                training = new LabelledSet([.. labelled.Frames, .. added.Frames], [.. labelled.Classes, .. added.Classes]);
            }

            TrainHead(model, training, options, round, progress, cancellationToken);
            if (options.FineTune && options.FineTuneEpochs > 0)
            {
                FineTune(model, training, options, round, progress, cancellationToken);
            }
        }

        model.eval();
        return (model, new ClassifierReport(labelled.Counts(), pseudo));
    }

    /// <summary>Class probabilities [frames][6] of a model in inference mode.</summary>
    public static float[][] Predict(AuroraModel model, IReadOnlyList<float[]> frames, int inputSize, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(frames);
        model.eval();
        var result = new float[frames.Count][];
        using var _ = no_grad();
        for (var start = 0; start < frames.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, frames.Count - start);
            var (probabilities, _) = model.forward(Batch(frames, start, count, inputSize));
            var values = probabilities.data<float>().ToArray();
            for (var i = 0; i < count; i++)
            {
                result[start + i] = values.AsSpan(i * AuroraModel.Classes, AuroraModel.Classes).ToArray();
            }
        }

        return result;
    }

    /// <summary>Logits [frames][6] and representations [frames][D] of a model in inference mode.</summary>
    public static (float[][] Logits, float[][] Representations) Infer(AuroraModel model, IReadOnlyList<float[]> frames, int inputSize, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(frames);
        model.eval();
        var logits = new float[frames.Count][];
        var representations = new float[frames.Count][];
        using var _ = no_grad();
        for (var start = 0; start < frames.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, frames.Count - start);
            var representation = model.Encoder.forward(Batch(frames, start, count, inputSize));
            var z = model.Classifier.forward(representation).data<float>().ToArray();
            var r = representation.data<float>().ToArray();
            var d = r.Length / count;
            for (var i = 0; i < count; i++)
            {
                logits[start + i] = z.AsSpan(i * AuroraModel.Classes, AuroraModel.Classes).ToArray();
                representations[start + i] = r.AsSpan(i * d, d).ToArray();
            }
        }

        return (logits, representations);
    }

    private static void TrainHead(AuroraModel model, LabelledSet data, ClassifierOptions options, int round, IProgress<ClassifierProgress>? progress, CancellationToken cancellationToken)
    {
        // Frozen encoder in inference mode: representations are computed once and the head trains on them.
        model.Encoder.eval();
        using var representations = Represent(model.Encoder, data.Frames, options.InputSize, options.BatchSize);
        using var targets = tensor(data.Classes.Select(c => (long)c).ToArray());
        using var optimizer = new ScalarSafeAdamW(model.Classifier.parameters(), options.HeadLearningRate, options.WeightDecay);
        using var loss = CrossEntropyLoss();
        model.Classifier.train();
        var shuffle = new Random(Seeds.Combine(options.Seed, round, 0x4EAD));
        for (var epoch = 0; epoch < options.HeadEpochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var order = Permutation(shuffle, data.Frames.Count);
            var total = 0.0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var index = tensor(order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray());
                var output = loss.forward(model.Classifier.forward(representations.index_select(0, index)), targets.index_select(0, index));
                optimizer.ZeroGrad();
                output.backward();
                optimizer.Step();
                total += output.item<float>() * index.shape[0];
            }

            progress?.Report(new ClassifierProgress("head", round, epoch + 1, options.HeadEpochs, total / order.Length));
        }
    }

    private static void FineTune(AuroraModel model, LabelledSet data, ClassifierOptions options, int round, IProgress<ClassifierProgress>? progress, CancellationToken cancellationToken)
    {
        using var optimizer = new ScalarSafeAdamW(model.parameters(), options.FineTuneLearningRate, options.WeightDecay);
        using var loss = CrossEntropyLoss();
        using var augmenter = options.FineTuneAugmentation is { } views ? new AllSkyAugmenter(views, Seeds.Combine(options.Seed, round, 0xA7F1)) : null;
        model.train();
        var shuffle = new Random(Seeds.Combine(options.Seed, round, 0xF17E));
        for (var epoch = 0; epoch < options.FineTuneEpochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Cosine decay over the epochs (Loshchilov & Hutter 2017, without restarts): large steps
            // first, small ones to settle.
            optimizer.LearningRate = options.FineTuneLearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / options.FineTuneEpochs));
            var order = Permutation(shuffle, data.Frames.Count);
            var total = 0.0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(options.BatchSize, order.Length - start);
                var frames = order.AsSpan(start, count).ToArray().Select(i => data.Frames[(int)i]).ToList();
                var x = Symmetry(Batch(frames, 0, count, options.InputSize), shuffle);
                x = augmenter?.Apply(x) ?? x;
                var y = tensor(order.AsSpan(start, count).ToArray().Select(i => (long)data.Classes[(int)i]).ToArray());
                var output = loss.forward(model.Logits(x), y);
                optimizer.ZeroGrad();
                output.backward();
                optimizer.Step();
                total += output.item<float>() * count;
            }

            progress?.Report(new ClassifierProgress("fine-tune", round, epoch + 1, options.FineTuneEpochs, total / order.Length));
        }

        model.eval();
    }

    private static LabelledSet PseudoLabel(AuroraModel model, IReadOnlyList<float[]> unlabelled, ClassifierOptions options)
    {
        var probabilities = Predict(model, unlabelled, options.InputSize, options.BatchSize);
        var confident = new List<(int Index, AuroraClass Class, float P)>();
        for (var i = 0; i < probabilities.Length; i++)
        {
            var prediction = new FramePrediction(probabilities[i]);
            if (prediction.Confidence >= options.PseudoLabelThreshold)
            {
                confident.Add((i, prediction.Label, prediction.Confidence));
            }
        }

        var byClass = confident.GroupBy(c => c.Class).ToList();
        if (byClass.Count == 0)
        {
            return new LabelledSet([], []);
        }

        // Class-balanced: as many per class as the rarest confidently predicted class has, most confident first.
        var perClass = byClass.Min(g => g.Count());
        var chosen = byClass.SelectMany(g => g.OrderByDescending(c => c.P).ThenBy(c => c.Index).Take(perClass)).OrderBy(c => c.Index).ToList();
        return new LabelledSet([.. chosen.Select(c => unlabelled[c.Index])], [.. chosen.Select(c => c.Class)]);
    }

    private static Tensor Represent(Module<Tensor, Tensor> encoder, IReadOnlyList<float[]> frames, int inputSize, int batchSize)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (var start = 0; start < frames.Count; start += batchSize)
        {
            using var batch = Batch(frames, start, Math.Min(batchSize, frames.Count - start), inputSize);
            parts.Add(encoder.forward(batch));
        }

        var all = cat(parts, 0);
        foreach (var part in parts)
        {
            part.Dispose();
        }

        return all;
    }

    private static Tensor Batch(IReadOnlyList<float[]> frames, int start, int count, int inputSize)
    {
        var pixels = inputSize * inputSize;
        var values = new float[count * pixels];
        for (var i = 0; i < count; i++)
        {
            frames[start + i].CopyTo(values, i * pixels);
        }

        return tensor(values, [count, 1, inputSize, inputSize]);
    }

    /// <summary>A random element of the dihedral group (flip, quarter turns) per batch.</summary>
    private static Tensor Symmetry(Tensor x, Random random)
    {
        var turned = x.rot90(random.Next(4), (2, 3));
        return random.Next(2) == 0 ? turned : turned.flip(3);
    }

    private static long[] Permutation(Random random, int count)
    {
        var order = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        return order;
    }

    private static void CheckSizes(IReadOnlyList<float[]> frames, int pixels, string name)
    {
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].Length != pixels)
            {
                throw new ArgumentException($"The {name} frame {i} has {frames[i].Length} values, not {pixels}.");
            }
        }
    }
}
