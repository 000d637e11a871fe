using System.Globalization;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Sky;
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
    /// Held-out synthetic frames: <paramref name="count"/> frames drawn in equal shares (the first
    /// seeds take the remainder) from <paramref name="seeds"/> consecutive generator seeds starting
    /// at <paramref name="firstSeed"/>. A projected sky's seed fixes its 16 lenses and its star
    /// catalogue, so frames of one seed share one set-up and accuracy moves from seed to seed more
    /// than the frames' count explains (docs/training-and-models.md); several seeds measure the generator.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seeds"/> is below 1 or above <paramref name="count"/>.</exception>
    public static List<(PreparedFrame Frame, AuroraClass Class, int Seed)> HeldOutSynthetic(SkyGenerator generator, int count, int seeds, int firstSeed, FramePreprocessor preprocessor)
    {
        if (seeds < 1 || seeds > count)
        {
            throw new ArgumentOutOfRangeException(nameof(seeds), seeds, Invariant($"--holdout-seeds must be between 1 and the --holdout-synthetic count ({count})"));
        }

        var drawn = new List<(PreparedFrame, AuroraClass, int)>(count);
        for (var k = 0; k < seeds; k++)
        {
            var share = (count / seeds) + (k < count % seeds ? 1 : 0);
            drawn.AddRange(Synthetic(generator, share, firstSeed + k, preprocessor).Select(x => (x.Frame, x.Class, firstSeed + k)));
        }

        return drawn;
    }

    /// <summary>Six-class accuracy of each seed's frames, in seed order; <paramref name="predicted"/> is parallel to <paramref name="drawn"/>.</summary>
    public static List<(int Seed, int Frames, double Accuracy)> PerSeed(IReadOnlyList<(PreparedFrame Frame, AuroraClass Class, int Seed)> drawn, IReadOnlyList<AuroraClass> predicted) =>
        [.. drawn.Select((d, i) => (d.Seed, Right: d.Class == predicted[i]))
            .GroupBy(x => x.Seed)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Count(), (double)g.Count(x => x.Right) / g.Count()))];

    /// <summary>The card's note on the held-out synthetic figure: generator, seeds, per-seed accuracy.</summary>
    public static string DescribeHeldOut(SkyGenerator generator, IReadOnlyList<(int Seed, int Frames, double Accuracy)> perSeed)
    {
        var frames = perSeed.Sum(p => p.Frames);
        var from = perSeed.Count == 1
            ? Invariant($"a seed not used in training (seed {perSeed[0].Seed})")
            : Invariant($"{perSeed.Count} seeds not used in training ({perSeed[0].Seed}-{perSeed[^1].Seed}, each its own lenses and star catalogue); per seed {string.Join(", ", perSeed.Select(p => $"{p.Seed} {p.Accuracy:0.000} ({p.Frames})"))}");
        return Invariant($"{frames} synthetic frames ({generator.ToString().ToLowerInvariant()} generator) from {from}; measures learning on the generator's classes, not on real skies");
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

        // Two copies of a file give each background once, as the labelled frames are used once.
        backgrounds = [.. backgrounds.DistinctBy(f => (f.Site, f.CaptureTime))];
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

    /// <summary>
    /// Per-scene results of the leave-one-scene-out folds and of the final model on the same frames.
    /// With <paramref name="temperaturesWithout"/> (<see cref="TemperaturesWithout"/>), each fold's
    /// note also counts its confident wrong labels under the temperature fitted without that scene:
    /// the shipped temperature was fitted on these very frames, so its count is in-sample.
    /// </summary>
    public static List<ModelEvaluation> SceneEvaluations(IReadOnlyList<SceneFold> folds, double temperature, AuroraModel final, IReadOnlyList<TrainingItem> items, int side, ConfidenceModel? confidence, IReadOnlyDictionary<string, double>? temperaturesWithout = null)
    {
        var evaluations = new List<ModelEvaluation>();
        foreach (var fold in folds)
        {
            var evaluation = Describe($"leave-one-scene-out:{fold.Scene}", fold.Classes, fold.Logits, fold.OodScores, fold.OodThreshold, fold.Skies, temperature, "a model trained without this scene (nor hybrids built on it)");
            if (temperaturesWithout?.TryGetValue(fold.Scene, out var without) == true)
            {
                var outOfSample = Score(fold.Classes, fold.Logits, fold.OodScores, fold.OodThreshold, fold.Skies, without);
                evaluation = evaluation with { Notes = evaluation.Notes + Invariant($"; under the temperature fitted without this scene's frames (T {without:0.00}): wrong with p >= 0.9 and not uncertain: {outOfSample.ConfidentWrong}") };
            }

            evaluations.Add(fold.ReferenceScores is { Count: > 0 } reference ? evaluation with { Notes = evaluation.Notes + "; " + ThresholdChoices(fold.OodScores, reference) } : evaluation);
        }

        foreach (var scene in LeaveOneSceneOut.Scenes(items))
        {
            var frames = items.Where(i => i.IsReal && i.Scene == scene).ToList();
            var (logits, representations) = ClassifierTrainer.Infer(final, [.. frames.Select(f => f.Pixels)], side);
            var scores = confidence is null ? null : representations.Select(r => new MahalanobisScore(confidence.RepresentationSize, confidence.ClassMeans, confidence.Whitening).Score(r)).ToList();
            evaluations.Add(Describe($"shipped-model:{scene}", [.. frames.Select(f => f.Class)], logits, scores, confidence?.OodThreshold, [.. frames.Select(f => f.Sky)], temperature, "the shipped model, which learnt from these frames (not a generalisation figure)"));
        }

        return evaluations;
    }

    /// <summary>
    /// The temperature fitted on held-out logits: the real frames of each held-out scene and the
    /// held-out synthetic frames, both scored by the fold models that did not see them. Real skies
    /// are what the labels are for, and their frames are few: the real frames together weigh as
    /// much as the synthetic ones (<see cref="RealShare"/>), and each held-out scene the same as
    /// every other, whatever its frame count (a 120-frame night would otherwise outweigh a 9-image
    /// one thirteen times). Unweighted, 7,200 synthetic frames against 172 real ones set the
    /// temperature where the synthetic frames want it and leave the unseen nights' confident
    /// errors standing (docs/training-and-models.md). The calibration error is given before and
    /// after, first weighted as fitted (when there are both kinds), then unweighted for the whole
    /// set and for each part: the parts pull the temperature opposite ways (frames of an unseen
    /// night are often wrong and confident; synthetic frames of the training generator are mostly
    /// right).
    /// </summary>
    /// <param name="folds">The leave-one-scene-out folds, or one fold with no real frames (synthetic only).</param>
    /// <param name="syntheticClasses">The class of each held-out synthetic frame, in the order of each fold's <see cref="SceneFold.SyntheticLogits"/>.</param>
    public static Calibration Calibrate(IReadOnlyList<SceneFold> folds, IReadOnlyList<AuroraClass> syntheticClasses)
    {
        (List<float[]> Logits, List<AuroraClass> Classes) real = ([.. folds.SelectMany(f => f.Logits)], [.. folds.SelectMany(f => f.Classes)]);
        (List<float[]> Logits, List<AuroraClass> Classes) synthetic = ([.. folds.SelectMany(f => f.SyntheticLogits)], [.. folds.SelectMany(_ => syntheticClasses)]);
        (List<float[]> Logits, List<AuroraClass> Classes) all = ([.. real.Logits, .. synthetic.Logits], [.. real.Classes, .. synthetic.Classes]);
        var scenes = folds.Count(f => f.Logits.Count > 0);
        var realShare = scenes == 0 ? 0 : synthetic.Logits.Count == 0 ? 1 : RealShare;
        List<double> weights =
        [
            .. folds.SelectMany(f => f.Logits.Select(_ => realShare / scenes / f.Logits.Count)),
            .. synthetic.Logits.Select(_ => (1 - realShare) / synthetic.Logits.Count),
        ];
        var temperature = TemperatureScaling.Fit(all.Logits, all.Classes, weights);
        var parts = new List<CalibrationError>();
        var weighted = scenes > 0 && synthetic.Logits.Count > 0 ? weights : null;
        if (weighted is not null)
        {
            parts.Add(Error("all held-out, weighted as fitted", all.Logits, all.Classes, weighted));
        }

        foreach (var (name, (logits, classes)) in new[] { ("all held-out", all), ("real frames of held-out scenes", real), ("held-out synthetic", synthetic) })
        {
            if (logits.Count > 0)
            {
                parts.Add(Error(name, logits, classes, null));
            }
        }

        var weighting = scenes == 0 || synthetic.Logits.Count == 0
            ? (scenes == 0 ? "every frame weighs the same" : Invariant($"each of the {scenes} held-out scenes weighs the same"))
            : Invariant($"the real frames weigh {realShare:0.##} of the fit, shared equally by the {scenes} held-out scenes, the synthetic frames {1 - realShare:0.##}");
        return new Calibration(temperature, all.Logits.Count, parts, weighting);

        CalibrationError Error(string name, List<float[]> logits, List<AuroraClass> classes, IReadOnlyList<double>? w) => new(
            name,
            logits.Count,
            TemperatureScaling.ExpectedCalibrationError([.. logits.Select(l => TemperatureScaling.Softmax(l, 1))], classes, weights: w),
            TemperatureScaling.ExpectedCalibrationError([.. logits.Select(l => TemperatureScaling.Softmax(l, temperature))], classes, weights: w));
    }

    /// <summary>
    /// For each leave-one-scene-out fold, the temperature <see cref="Calibrate"/> fits on every other
    /// fold (their real frames and their held-out synthetic frames): a temperature that never saw
    /// the scene's labels, so the scene's confident wrong labels under it are an out-of-sample count.
    /// Empty with fewer than two folds.
    /// </summary>
    public static IReadOnlyDictionary<string, double> TemperaturesWithout(IReadOnlyList<SceneFold> folds, IReadOnlyList<AuroraClass> syntheticClasses) =>
        folds.Count < 2
            ? new Dictionary<string, double>()
            : folds.ToDictionary(f => f.Scene, f => Calibrate([.. folds.Where(g => !ReferenceEquals(g, f))], syntheticClasses).Temperature, StringComparer.Ordinal);

    /// <summary>The share of the temperature fit given to the real frames of held-out scenes when there are synthetic frames too (<see cref="Calibrate"/>).</summary>
    public const double RealShare = 0.5;

    /// <summary>
    /// Writes every held-out logit the temperature was fitted on, one frame per row, so the fit and
    /// its calibration errors can be checked or redone without retraining:
    /// <c>set,scene,model,label,arc,diffuse,discrete,cloudy,moon,clear</c> where set is <c>real</c>
    /// or <c>synthetic</c>, scene is the frame's site-night (<c>synthetic</c> for drawn frames),
    /// model names the model that scored it (<c>without:SCENE</c>, a leave-one-scene-out model; <c>final</c>, the trained model when there are no folds) and the last six columns
    /// are its logits (before the temperature) in <see cref="AuroraClasses.All"/> order.
    /// </summary>
    public static void WriteHeldOutLogits(string path, IReadOnlyList<SceneFold> folds, IReadOnlyList<AuroraClass> syntheticClasses)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("set,scene,model," + string.Join(",", AuroraClasses.All.Select(c => c.ToLabel()).Prepend("label")));
        foreach (var fold in folds)
        {
            var model = fold.Classes.Count > 0 ? "without:" + fold.Scene : "final";
            var rows = fold.Classes.Select((c, i) => ("real", fold.Scene, c, fold.Logits[i]))
                .Concat(syntheticClasses.Select((c, i) => ("synthetic", "synthetic", c, fold.SyntheticLogits[i])));
            foreach (var (set, scene, label, logits) in rows)
            {
                writer.WriteLine(string.Join(",", new[] { set, scene, model, label.ToLabel() }.Concat(logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
            }
        }
    }

    /// <summary>
    /// How many of a held-out scene's frames a threshold at each usual quantile q of the fold's
    /// in-distribution scores would flag; such a threshold flags 1 - q of the in-distribution frames
    /// by construction. Together: what choosing the threshold on held-out data trades.
    /// </summary>
    internal static string ThresholdChoices(IReadOnlyList<double> sceneScores, IReadOnlyList<double> reference)
    {
        double[] quantiles = [0.9, 0.95, 0.99];
        var parts = quantiles.Select(q =>
        {
            var t = MahalanobisScore.Quantile(reference, q);
            return Invariant($"{sceneScores.Count(s => s > t)}/{sceneScores.Count} at the {q:0.##} quantile ({t:0})");
        });
        return "frames an OOD threshold would flag: " + string.Join(", ", parts);
    }

    /// <summary>The labels as the stream writes them (calibrated, then under the sky rules), counted: confusion, labels said, uncertain, and wrong with p &gt;= 0.9 and not uncertain.</summary>
    private static (ConfusionMatrix Matrix, Dictionary<string, int> Labels, int Uncertain, int ConfidentWrong) Score(IReadOnlyList<AuroraClass> classes, IReadOnlyList<float[]> logits, IReadOnlyList<double>? scores, double? threshold, IReadOnlyList<SkyConditions?>? skies, double temperature)
    {
        var matrix = new ConfusionMatrix();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var confidentWrong = 0;
        var uncertain = 0;
        for (var i = 0; i < classes.Count; i++)
        {
            var prediction = SkyConsistency.Apply(new FramePrediction(TemperatureScaling.Softmax(logits[i], temperature), scores?[i], threshold), skies?[i]);
            matrix.Add(classes[i], prediction.Label);
            labels[prediction.LabelName] = labels.GetValueOrDefault(prediction.LabelName) + 1;
            uncertain += prediction.IsUncertain ? 1 : 0;
            confidentWrong += !prediction.IsUncertain && prediction.Label != classes[i] && prediction.Confidence >= 0.9 ? 1 : 0;
        }

        return (matrix, labels, uncertain, confidentWrong);
    }

    /// <summary>A scene's figures for the labels as the stream writes them: calibrated, then under the sky rules (<see cref="SkyConsistency"/>) where the frame's sky is known.</summary>
    private static ModelEvaluation Describe(string name, IReadOnlyList<AuroraClass> classes, IReadOnlyList<float[]> logits, IReadOnlyList<double>? scores, double? threshold, IReadOnlyList<SkyConditions?>? skies, double temperature, string what)
    {
        var (matrix, labels, uncertain, confidentWrong) = Score(classes, logits, scores, threshold, skies, temperature);
        var truth = string.Join(" ", classes.GroupBy(c => c).Select(g => Invariant($"{g.Key.ToLabel()} {g.Count()}")));
        var said = string.Join(" ", labels.OrderByDescending(kv => kv.Value).Select(kv => Invariant($"{kv.Key} {kv.Value}")));
        var ood = scores is { Count: > 0 } && threshold is { } t ? Invariant($"; median OOD score {MahalanobisScore.Quantile([.. scores], 0.5):0} (threshold {t:0})") : string.Empty;
        return new ModelEvaluation(name, matrix.Total, matrix.Accuracy, null, matrix.TwoClassAccuracy, Invariant($"{what}; labelled {truth}; said {said}; uncertain {uncertain}; wrong with p >= 0.9 and not uncertain: {confidentWrong}{ood}"));
    }
}

/// <summary>The expected calibration error (10 bins) of one set of held-out frames before and after temperature scaling.</summary>
/// <param name="Set">Which frames.</param>
/// <param name="Frames">How many.</param>
/// <param name="Before">ECE of softmax(logits).</param>
/// <param name="After">ECE of softmax(logits / T).</param>
internal sealed record CalibrationError(string Set, int Frames, double Before, double After);

/// <summary>A fitted temperature and its calibration errors, the first over all the frames it was fitted on (weighted as fitted when the fit was weighted).</summary>
/// <param name="Temperature">T.</param>
/// <param name="Frames">Frames it was fitted on.</param>
/// <param name="Errors">ECE of all frames, then of each kind present.</param>
/// <param name="Weighting">How the frames were weighted in the fit, in words.</param>
internal sealed record Calibration(double Temperature, int Frames, IReadOnlyList<CalibrationError> Errors, string Weighting)
{
    /// <summary>One line: <c>set N frames ECE a -> b</c> per set, semicolon-separated.</summary>
    public string Describe() => string.Join("; ", Errors.Select(e => Invariant($"{e.Set} ({e.Frames} frames) {e.Before:0.000} -> {e.After:0.000}")));
}
