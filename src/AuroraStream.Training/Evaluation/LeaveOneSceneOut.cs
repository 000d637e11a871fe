using AuroraStream.Core;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Confidence;
using AuroraStream.Training.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AuroraStream.Training.Evaluation;

/// <summary>One labelled training frame and where it came from.</summary>
/// <param name="Pixels">Preprocessed frame, InputSize x InputSize.</param>
/// <param name="Class">Its label.</param>
/// <param name="Source">Kind of source: <c>synthetic</c>, <c>hybrid</c> (a real frame with synthetic aurora), <c>real</c> or <c>oath</c>.</param>
/// <param name="Scene">The site-night it shows (<c>site-YYYY-MM-DD</c>, UT date), or null for a purely synthetic frame.</param>
/// <param name="Sky">Sun and Moon at the frame's site and capture time for a real frame (the sky rules of <see cref="Core.Sky.SkyConsistency"/> apply to its label), or null.</param>
public sealed record TrainingItem(float[] Pixels, AuroraClass Class, string Source, string? Scene, Core.Sky.SkyConditions? Sky = null)
{
    /// <summary>Whether the frame is a real sky (a file or an OATH image), the frames evaluated by scene.</summary>
    public bool IsReal => Source is "real" or "oath";
}

/// <summary>What a model held out of one scene said about it.</summary>
/// <param name="Scene">The held-out scene.</param>
/// <param name="Classes">True class of each of its real frames.</param>
/// <param name="Logits">[frames][6] logits of the fold's model.</param>
/// <param name="OodScores">Out-of-distribution score of each frame under the fold's model.</param>
/// <param name="OodThreshold">The fold model's threshold, chosen as the final model's is.</param>
/// <param name="SyntheticLogits">Logits of the fold's model on the held-out synthetic frames.</param>
/// <param name="ReferenceScores">The fold model's scores of in-distribution frames (held-out synthetic and real training frames), from which any quantile threshold is taken; null when not kept.</param>
/// <param name="Skies">Sun and Moon of each frame (null where unknown), so that its label is scored under the sky rules as the stream writes it; null when not kept.</param>
public sealed record SceneFold(string Scene, IReadOnlyList<AuroraClass> Classes, IReadOnlyList<float[]> Logits, IReadOnlyList<double> OodScores, double OodThreshold, IReadOnlyList<float[]> SyntheticLogits, IReadOnlyList<double>? ReferenceScores = null, IReadOnlyList<Core.Sky.SkyConditions?>? Skies = null);

/// <summary>
/// Leave-one-scene-out evaluation: for each scene of real frames, a classifier is trained on every
/// other frame (synthetic frames, and real and hybrid frames of other scenes; never a frame of the
/// held-out scene, nor a hybrid built on one) and scored on that scene's real frames. Frames of
/// one site-night are so alike that a random split would measure recognising the night, not the
/// sky. A scene with fewer than <see cref="MinFrames"/> real frames gets no fold of its own (its
/// frames stay in every fold's training); <see cref="Scenes"/> still lists it.
/// </summary>
public static class LeaveOneSceneOut
{
    /// <summary>Fewest real frames a scene needs for a fold of its own.</summary>
    public const int MinFrames = 5;

    /// <summary>
    /// Runs one fold per scene, <paramref name="concurrency"/> folds at a time. With more than one
    /// at a time, libtorch's CPU threads are shared out among them for the run (each fold's thread
    /// gets <c>max(1, threads / concurrency)</c>; the calling thread's setting is restored
    /// afterwards, and a pool thread that ran a fold keeps its count until set again): the compact
    /// model's small convolutions scale poorly across threads (1.4x from 1 to 2 on a 2-core
    /// machine), so two folds side by side on one thread each finish sooner than one after the
    /// other on two. The folds and their order in the result do not depend on the concurrency:
    /// encoders are made in scene order before any fold starts, and each fold's classifier is
    /// seeded and initialised under a lock (<see cref="ClassifierTrainer.Train"/>); a fold's
    /// numbers may differ from a sequential run in the last bits, as libtorch's sums on another
    /// thread count do.
    /// </summary>
    /// <param name="architecture">Encoder architecture.</param>
    /// <param name="newEncoder">Makes a fresh copy of the starting encoder (e.g. the SimCLR one) for each fold; called once per fold, in scene order, before the folds start.</param>
    /// <param name="items">All labelled frames.</param>
    /// <param name="syntheticHeldOut">Synthetic frames of a seed not used in training, for the OOD threshold and calibration.</param>
    /// <param name="options">Classifier training settings of each fold.</param>
    /// <param name="oodQuantile">Quantile of in-distribution scores taken as the OOD threshold.</param>
    /// <param name="onFold">Called with each fold's scene as it starts training (from the fold's thread, one call at a time).</param>
    /// <param name="cancellationToken">Cancels between epochs.</param>
    /// <param name="concurrency">Folds trained at the same time, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="concurrency"/> is below 1.</exception>
    public static IReadOnlyList<SceneFold> Run(
        EncoderArchitecture architecture,
        Func<Module<Tensor, Tensor>> newEncoder,
        IReadOnlyList<TrainingItem> items,
        IReadOnlyList<TrainingItem> syntheticHeldOut,
        ClassifierOptions options,
        double oodQuantile,
        Action<string>? onFold = null,
        CancellationToken cancellationToken = default,
        int concurrency = 1)
    {
        ArgumentNullException.ThrowIfNull(newEncoder);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(syntheticHeldOut);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        // Items may repeat (a real frame used several times an epoch): each is evaluated once.
        var distinct = items.Distinct().ToList();
        var scenes = Scenes(items).Where(scene => distinct.Count(i => i.IsReal && i.Scene == scene) >= MinFrames).ToList();
        var encoders = scenes.Select(_ => newEncoder()).ToList();
        var folds = new SceneFold[scenes.Count];
        var threads = torch.get_num_threads();
        var parallel = Math.Min(concurrency, scenes.Count);
        if (parallel > 1)
        {
            torch.set_num_threads(Math.Max(1, threads / parallel));
        }

        try
        {
            Parallel.For(0, scenes.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = cancellationToken }, k =>
            {
                var scene = scenes[k];
                lock (folds)
                {
                    // libtorch keeps an OpenMP thread count per thread, taken from the global setting
                    // the first time a thread runs an operation: a pool thread that ran one before
                    // would keep its old count, so each fold's thread is set again.
                    if (parallel > 1)
                    {
                        torch.set_num_threads(Math.Max(1, threads / parallel));
                    }

                    onFold?.Invoke(scene);
                }

                var training = items.Where(i => i.Scene != scene).ToList();
                var test = distinct.Where(i => i.Scene == scene && i.IsReal).ToList();
                var (model, _) = ClassifierTrainer.Train(architecture, encoders[k], new LabelledSet([.. training.Select(t => t.Pixels)], [.. training.Select(t => t.Class)]), null, options, null, cancellationToken);
                using (model)
                {
                    var ood = FitOod(model, training, syntheticHeldOut, options.InputSize, oodQuantile);
                    var (logits, representations) = ClassifierTrainer.Infer(model, [.. test.Select(t => t.Pixels)], options.InputSize);
                    var (syntheticLogits, _) = ClassifierTrainer.Infer(model, [.. syntheticHeldOut.Select(t => t.Pixels)], options.InputSize);
                    folds[k] = new SceneFold(scene, [.. test.Select(t => t.Class)], logits, [.. representations.Select(r => ood.Score.Score(r))], ood.Threshold, syntheticLogits, ood.ReferenceScores, [.. test.Select(t => t.Sky)]);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            if (parallel > 1)
            {
                torch.set_num_threads(threads);
            }
        }

        return folds;
    }

    /// <summary>The scenes that hold real frames, in ordinal order.</summary>
    public static IReadOnlyList<string> Scenes(IEnumerable<TrainingItem> items) =>
        [.. items.Where(i => i.IsReal && i.Scene is not null).Select(i => i.Scene!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Fits the Mahalanobis score on a model's training representations and takes as threshold the
    /// <paramref name="quantile"/> of the scores of in-distribution frames (<c>ReferenceScores</c>):
    /// the held-out synthetic frames and the real training frames.
    /// </summary>
    public static (MahalanobisScore Score, double Threshold, IReadOnlyList<double> ReferenceScores) FitOod(AuroraModel model, IReadOnlyList<TrainingItem> training, IReadOnlyList<TrainingItem> syntheticHeldOut, int inputSize, double quantile)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(syntheticHeldOut);
        var (_, representations) = ClassifierTrainer.Infer(model, [.. training.Select(t => t.Pixels)], inputSize);
        var score = MahalanobisScore.Fit(representations, [.. training.Select(t => t.Class)]);
        var reference = syntheticHeldOut.Concat(training.Where(t => t.IsReal)).ToList();
        var (_, referenceRepresentations) = ClassifierTrainer.Infer(model, [.. reference.Select(t => t.Pixels)], inputSize);
        var scores = referenceRepresentations.Select(r => score.Score(r)).ToList();
        return (score, MahalanobisScore.Quantile(scores, quantile), scores);
    }
}
