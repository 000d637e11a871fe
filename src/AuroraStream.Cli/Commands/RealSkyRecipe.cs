using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Formats.Detection;
using AuroraStream.Synthetic;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Confidence;
using AuroraStream.Training.Evaluation;
using AuroraStream.Training.Models;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary>Which synthetic sky the trainer draws.</summary>
public enum SkyGenerator
{
    /// <summary><see cref="SyntheticSky"/>: image-plane shapes on a bias-only sky (the generator before real skies were measured).</summary>
    Legacy,

    /// <summary><see cref="ProjectedSky"/>: aurora at 110 km projected through the fisheye onto a sky with airglow, twilight and horizon.</summary>
    Projected,
}

/// <summary>
/// The parts of classifier training that are about real skies: frames labelled by scene, hybrids
/// (real frames with synthetic aurora), the leave-one-scene-out evaluation, calibration, the
/// out-of-distribution threshold and the realism of the synthetic frames.
/// </summary>
internal static class RealSkyRecipe
{
    /// <summary>The scene (site-night, by UT date) of a frame.</summary>
    public static string SceneOf(string site, DateTime time) => string.Create(CultureInfo.InvariantCulture, $"{site}-{time:yyyy-MM-dd}");

    /// <summary>Seeded synthetic frames of either generator, preprocessed.</summary>
    public static List<(PreparedFrame Frame, AuroraClass Class)> Synthetic(SkyGenerator generator, int count, int seed, FramePreprocessor preprocessor)
    {
        if (generator == SkyGenerator.Legacy)
        {
            return TrainingInputs.Synthetic(count, seed, preprocessor);
        }

        var sky = new ProjectedSky(new SyntheticSkyOptions { Seed = seed });
        return TrainingInputs.Prepare(count, preprocessor, sky.Draw, $"projected(seed {seed})");
    }

    /// <summary>
    /// Real frames labelled clear with synthetic aurora drawn over them (<see cref="AuroraOverlay"/>),
    /// labelled with the form drawn. Each keeps its background's scene, so a held-out scene's
    /// hybrids are held out with it.
    /// </summary>
    public static List<TrainingItem> Hybrids(IReadOnlyList<string> inputs, IReadOnlyCollection<(PreparedFrame Frame, AuroraClass Class)> labelled, int count, int seed, FramePreprocessor preprocessor, ICollection<string> failures)
    {
        var clear = labelled.Where(l => l.Class == AuroraClass.Clear).Select(l => (l.Frame.Site, l.Frame.Time)).ToHashSet();
        var backgrounds = new List<AllSkyFrame>();
        foreach (var (path, kind) in AsiFiles.FrameFiles(inputs, (_, e) => failures.Add(e.Message)))
        {
            try
            {
                backgrounds.AddRange(AsiFiles.ReadFrames(path, kind).Where(f => clear.Contains((f.Site, f.CaptureTime))));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                failures.Add(e.Message);
            }
        }

        if (backgrounds.Count == 0 || count == 0)
        {
            return [];
        }

        AuroraClass[] forms = [AuroraClass.Arc, AuroraClass.Diffuse, AuroraClass.Discrete];
        var drawn = TrainingInputs.Prepare(
            count,
            preprocessor,
            i =>
            {
                var form = forms[i % forms.Length];
                var background = backgrounds[(i / forms.Length) % backgrounds.Count];
                return new SyntheticFrame(AuroraOverlay.Apply(background, form, Core.Seeds.Combine(seed, i, 0xA1B2)), form);
            },
            $"hybrid(seed {seed})");
        return [.. drawn.Select(d => new TrainingItem(d.Frame.Pixels, d.Class, "hybrid", SceneOf(d.Frame.Site, d.Frame.Time)))];
    }

    /// <summary>Per-scene results of the leave-one-scene-out folds and of the final model on the same frames.</summary>
    public static List<ModelEvaluation> SceneEvaluations(IReadOnlyList<SceneFold> folds, double temperature, AuroraModel final, IReadOnlyList<TrainingItem> items, int side, ConfidenceModel? confidence)
    {
        var evaluations = new List<ModelEvaluation>();
        foreach (var fold in folds)
        {
            evaluations.Add(Describe($"leave-one-scene-out:{fold.Scene}", fold.Classes, fold.Logits, fold.OodScores, fold.OodThreshold, temperature, "a model trained without this scene (nor hybrids built on it)"));
        }

        foreach (var scene in LeaveOneSceneOut.Scenes(items))
        {
            var frames = items.Where(i => i.IsReal && i.Scene == scene).ToList();
            var (logits, representations) = ClassifierTrainer.Infer(final, [.. frames.Select(f => f.Pixels)], side);
            var scores = confidence is null ? null : representations.Select(r => new MahalanobisScore(confidence.RepresentationSize, confidence.ClassMeans, confidence.Whitening).Score(r)).ToList();
            evaluations.Add(Describe($"shipped-model:{scene}", [.. frames.Select(f => f.Class)], logits, scores, confidence?.OodThreshold, temperature, "the shipped model, which learnt from these frames (not a generalisation figure)"));
        }

        return evaluations;
    }

    /// <summary>
    /// The temperature fitted on held-out logits: the real frames of each held-out scene and the
    /// held-out synthetic frames, both scored by the fold models that did not see them.
    /// </summary>
    public static (double Temperature, double EceBefore, double EceAfter, int Frames) Calibrate(IReadOnlyList<SceneFold> folds, IReadOnlyList<AuroraClass> syntheticClasses)
    {
        var logits = folds.SelectMany(f => f.Logits).Concat(folds.SelectMany(f => f.SyntheticLogits)).ToList();
        var classes = folds.SelectMany(f => f.Classes).Concat(folds.SelectMany(_ => syntheticClasses)).ToList();
        var temperature = TemperatureScaling.Fit(logits, classes);
        var before = TemperatureScaling.ExpectedCalibrationError([.. logits.Select(l => TemperatureScaling.Softmax(l, 1))], classes);
        var after = TemperatureScaling.ExpectedCalibrationError([.. logits.Select(l => TemperatureScaling.Softmax(l, temperature))], classes);
        return (temperature, before, after, logits.Count);
    }

    private static ModelEvaluation Describe(string name, IReadOnlyList<AuroraClass> classes, IReadOnlyList<float[]> logits, IReadOnlyList<double>? scores, double? threshold, double temperature, string what)
    {
        var matrix = new ConfusionMatrix();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var confidentWrong = 0;
        var uncertain = 0;
        for (var i = 0; i < classes.Count; i++)
        {
            var prediction = new FramePrediction(TemperatureScaling.Softmax(logits[i], temperature), scores?[i], threshold);
            matrix.Add(classes[i], prediction.Label);
            labels[prediction.LabelName] = labels.GetValueOrDefault(prediction.LabelName) + 1;
            uncertain += prediction.IsUncertain ? 1 : 0;
            confidentWrong += !prediction.IsUncertain && prediction.Label != classes[i] && prediction.Confidence >= 0.9 ? 1 : 0;
        }

        var truth = string.Join(" ", classes.GroupBy(c => c).Select(g => Invariant($"{g.Key.ToLabel()} {g.Count()}")));
        var said = string.Join(" ", labels.OrderByDescending(kv => kv.Value).Select(kv => Invariant($"{kv.Key} {kv.Value}")));
        return new ModelEvaluation(name, matrix.Total, matrix.Accuracy, null, matrix.TwoClassAccuracy, Invariant($"{what}; labelled {truth}; said {said}; uncertain {uncertain}; wrong with p >= 0.9 and not uncertain: {confidentWrong}"));
    }
}
