using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Training;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Evaluation;
using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream train simclr|classifier</c>.</summary>
internal static class TrainCommand
{
    internal const string PretrainingFile = "pretraining.json";

    /// <summary>The checkpoint file with every held-out logit the temperature was fitted on (<see cref="RealSkyRecipe.WriteHeldOutLogits"/>).</summary>
    internal const string HeldOutLogitsFile = "calibration-logits.csv";

    public static Command Create(TextWriter output, TextWriter error) => new("train", "Train models offline (TorchSharp): SimCLR pretraining, then the classifier.")
    {
        SimClr(output, error),
        Classifier(output, error),
    };

    private static Command SimClr(TextWriter output, TextWriter error)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Unlabelled frames: stream0 PGM / L1 CDF files or folders.", Arity = ArgumentArity.ZeroOrMore };
        var synthetic = new Option<int>("--synthetic") { Description = "Add this many seeded synthetic frames." }.AtLeast(0);
        var syntheticSeed = new Option<int>("--synthetic-seed") { Description = "Seed of the synthetic frames.", DefaultValueFactory = _ => 11 };
        var outDir = new Option<string>("--out") { Description = "Checkpoint folder (resumed from when it holds one).", Required = true };
        var architecture = new Option<EncoderArchitecture>("--architecture") { Description = "Encoder: Compact or ResNet18.", DefaultValueFactory = _ => EncoderArchitecture.Compact };
        var size = new Option<int>("--size") { Description = "Input side in pixels.", DefaultValueFactory = _ => 128 }.Within(16, 512);
        var steps = new Option<int>("--steps") { Description = "Optimiser steps.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var batch = new Option<int>("--batch") { Description = "Frames per step (two views each).", DefaultValueFactory = _ => 64 }.AtLeast(2);
        var lr = new Option<double>("--lr") { Description = "Peak AdamW learning rate.", DefaultValueFactory = _ => 1e-3 }.Positive();
        var warmup = new Option<int>("--warmup") { Description = "Warm-up steps.", DefaultValueFactory = _ => 50 }.AtLeast(0);
        var temperature = new Option<double>("--temperature") { Description = "NT-Xent temperature.", DefaultValueFactory = _ => 0.2 }.Positive();
        var seed = new Option<int>("--seed") { Description = "Seed of weights, sampling and augmentations.", DefaultValueFactory = _ => 1 };
        var threads = Threads();
        var maxFrames = new Option<int>("--max-frames") { Description = "Read at most this many frames from the inputs.", DefaultValueFactory = _ => 100_000 }.AtLeast(0);
        var maskRadius = MaskRadius();
        var generator = Generator();
        var command = new Command("simclr", "Pretrain an encoder with SimCLR on unlabelled frames (files, folders, synthetic).")
        {
            inputs, synthetic, syntheticSeed, outDir, architecture, size, steps, batch, lr, warmup, temperature, seed, threads, maxFrames, maskRadius, generator,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunTorchAsync(error, async () =>
        {
            SetThreads(result.GetValue(threads));
            var preprocessing = new PreprocessingParameters { OutputSize = result.GetValue(size), MaskRadiusFraction = result.GetValue(maskRadius) ?? new PreprocessingParameters().MaskRadiusFraction };
            preprocessing.Validate();
            var preprocessor = new FramePreprocessor(preprocessing);
            var failures = new List<string>();
            var frames = TrainingInputs.DropRepeats(TrainingInputs.LoadFrames(result.GetValue(inputs) ?? [], preprocessor, failures, result.GetValue(maxFrames), cancellationToken, DuplicatesNote(error)), "used in training", error.WriteLine);
            var real = frames.Count;
            var syntheticCount = result.GetValue(synthetic);
            frames.AddRange(RealSkyRecipe.Synthetic(result.GetValue(generator), syntheticCount, result.GetValue(syntheticSeed), preprocessor).Select(s => s.Frame));
            CommandRunner.ReportFailures(error, failures);
            if (frames.Count < 2)
            {
                throw new ArgumentException($"SimCLR needs at least 2 frames; found {real} in the inputs and asked for {syntheticCount} synthetic (use --synthetic N or give files)");
            }

            var options = new SimClrOptions
            {
                Architecture = result.GetValue(architecture),
                InputSize = preprocessing.OutputSize,
                BatchSize = result.GetValue(batch),
                Steps = result.GetValue(steps),
                LearningRate = result.GetValue(lr),
                WarmupSteps = result.GetValue(warmup),
                Temperature = result.GetValue(temperature),
                Seed = result.GetValue(seed),
                CheckpointFolder = result.GetValue(outDir),
            };
            output.WriteLine(Invariant($"simclr: {frames.Count} frames ({real} from files, {syntheticCount} synthetic), {options.Architecture} at {options.InputSize} px, {options.Steps} steps of {options.BatchSize}"));
            using var trainer = new SimClrTrainer(options);
            if (trainer.Step > 0)
            {
                output.WriteLine(Invariant($"simclr: resuming at step {trainer.Step}"));
            }

            IReadOnlyList<double> losses = [];
            var images = new List<double>();
            await RunProgress.RunAsync(error, "simclr", options.Steps, async report =>
            {
                losses = await trainer.TrainAsync(
                    [.. frames.Select(f => f.Pixels)],
                    new Reporter<SimClrProgress>(p =>
                    {
                        images.Add(p.ImagesPerSecond);
                        report(p.Step, Invariant($"loss {p.Loss:0.000} lr {p.LearningRate:0.0e0} {p.ImagesPerSecond:0} img/s"));
                    }),
                    cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var sources = (result.GetValue(inputs) ?? []).Select(Path.GetFileName).ToList();
            var description = Invariant($"SimCLR (NT-Xent, temperature {options.Temperature}, AdamW {options.LearningRate:0.0e0} warm-up {options.WarmupSteps} + cosine), {trainer.Step} steps of {options.BatchSize} frames x 2 views, on {PretrainingFrames(real, sources, syntheticCount, result.GetValue(generator), result.GetValue(syntheticSeed))}; field-of-view mask radius {preprocessing.MaskRadiusFraction}");
            File.WriteAllText(Path.Combine(options.CheckpointFolder!, PretrainingFile), JsonSerializer.Serialize(new PretrainingRecord(description, frames.Count, trainer.Step, preprocessing.MaskRadiusFraction)));
            if (losses.Count > 0)
            {
                output.WriteLine(Invariant($"simclr: loss {losses.Take(10).Average():0.000} (first 10 steps) -> {losses.TakeLast(10).Average():0.000} (last 10), median {Median(images):0} images/s; checkpoint in {options.CheckpointFolder}"));
            }

            return failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Classifier(TextWriter output, TextWriter error)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Labelled frames (stream0 PGM / L1 CDF files or folders), labelled by --labels.", Arity = ArgumentArity.ZeroOrMore };
        var labels = new Option<string[]>("--labels") { Description = "Label CSV file (time,site,label...) for the inputs; repeat --labels for several." };
        var encoder = new Option<string?>("--encoder") { Description = "SimCLR checkpoint folder of the encoder; without it the encoder starts random." };
        var architecture = new Option<EncoderArchitecture>("--architecture") { Description = "Encoder when no --encoder is given.", DefaultValueFactory = _ => EncoderArchitecture.Compact };
        var size = new Option<int?>("--size") { Description = "Input side when no --encoder is given (default 128)." }.Within(16, 512);
        var synthetic = new Option<int>("--synthetic") { Description = "Add this many labelled synthetic frames." }.AtLeast(0);
        var syntheticSeed = new Option<int>("--synthetic-seed") { Description = "Seed of the labelled synthetic frames.", DefaultValueFactory = _ => 21 };
        var oath = new Option<string?>("--oath") { Description = "Add the images found in an OATH data set folder (classifications.csv, images/)." };
        var unlabelled = new Option<string[]>("--unlabelled") { Description = "Unlabelled frames (files or folders) for self-training.", AllowMultipleArgumentsPerToken = true };
        var unlabelledSynthetic = new Option<int>("--unlabelled-synthetic") { Description = "Add this many unlabelled synthetic frames for self-training." }.AtLeast(0);
        var head = new Option<ClassifierHead>("--head") { Description = "Linear (probe) or Mlp.", DefaultValueFactory = _ => ClassifierHead.Linear };
        var fineTune = new Option<bool>("--fine-tune") { Description = "Fine-tune the whole encoder after training the head." };
        var headEpochs = new Option<int>("--head-epochs") { DefaultValueFactory = _ => 200, Description = "Epochs of head training." }.AtLeast(1);
        var fineTuneAugment = new Option<bool>("--fine-tune-augment") { Description = "Fine-tune on random views too (any rotation, brightness, contrast, gamma, light blur and noise), not only flips and quarter turns." };
        var fineTuneEpochs = new Option<int>("--fine-tune-epochs") { DefaultValueFactory = _ => 10, Description = "Epochs of fine-tuning." }.AtLeast(0);
        var headLr = new Option<double>("--lr") { DefaultValueFactory = _ => 1e-2, Description = "Head learning rate." }.Positive();
        var fineTuneLr = new Option<double>("--fine-tune-lr") { DefaultValueFactory = _ => 3e-4, Description = "Fine-tuning learning rate." }.Positive();
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64, Description = "Frames per step." }.AtLeast(1);
        var rounds = new Option<int>("--self-training") { Description = "Self-training rounds." }.AtLeast(0);
        var threshold = new Option<double>("--threshold") { DefaultValueFactory = _ => 0.9, Description = "Pseudo-label probability threshold." }.AboveAtMost(0, 1);
        var holdout = new Option<int>("--holdout-synthetic") { Description = "Evaluate on this many held-out synthetic frames (seeds of their own) and record it." }.AtLeast(0);
        var holdoutSeeds = new Option<int>("--holdout-seeds") { Description = "Draw the held-out synthetic frames from this many generator seeds (consecutive, none used in training), in equal shares; a seed fixes the projected generator's lenses and star catalogue, so one seed measures one sky set-up.", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed." };
        var generator = Generator();
        var realRepeat = new Option<int>("--real-repeat") { Description = "Use each labelled real frame (files and OATH) this many times per epoch (each time in a random orientation).", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var hybrid = new Option<int>("--hybrid") { Description = "Add this many hybrids: labelled clear real frames with synthetic aurora (arc, diffuse, discrete) drawn over them." }.AtLeast(0);
        var loso = new Option<bool>("--leave-one-scene-out") { Description = "Evaluate by scene: one model per site-night of real frames, trained without it, scored on it; recorded in the card." };
        var foldConcurrency = new Option<int>("--fold-concurrency") { Description = "Leave-one-scene-out folds trained at the same time, sharing libtorch's threads (the compact model's small convolutions use two threads poorly, so 2 folds side by side finish sooner on 2 cores).", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var confidence = new Option<bool>("--confidence") { Description = "Fit temperature scaling and the out-of-distribution threshold (needs --holdout-synthetic; uses the leave-one-scene-out folds when run)." };
        var oodQuantile = new Option<double>("--ood-quantile") { Description = "Quantile of in-distribution scores (held-out synthetic and real training frames) taken as the OOD threshold.", DefaultValueFactory = _ => 0.99 }.AboveAtMost(0, 1);
        var maskRadius = MaskRadius();
        var realism = new Option<int>("--realism") { Description = "Measure realism with this many frames of each generator: ROC AUC of real vs synthetic on the encoder's representations." }.AtLeast(0);
        var threads = Threads();
        var outDir = new Option<string>("--out") { Description = "Classifier checkpoint folder (model.bin, classifier.json); export it with `aurorastream export`.", Required = true };
        var command = new Command("classifier", "Train the six-class classifier on an encoder: labelled files, synthetic frames and/or OATH images; linear or MLP head, optional fine-tuning and self-training.")
        {
            inputs, labels, encoder, architecture, size, synthetic, syntheticSeed, oath, unlabelled, unlabelledSynthetic, head, fineTune, fineTuneAugment, headEpochs, fineTuneEpochs,
            headLr, fineTuneLr, batch, rounds, threshold, holdout, holdoutSeeds, seed, generator, realRepeat, hybrid, loso, foldConcurrency, confidence, oodQuantile, realism, maskRadius, threads, outDir,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunTorchAsync(error, async () =>
        {
            SetThreads(result.GetValue(threads));
            if (result.GetResult(foldConcurrency) is { Implicit: false } && !result.GetValue(loso))
            {
                throw new UsageException($"{foldConcurrency.Name} sets how many {loso.Name} folds train at once: give it with {loso.Name}");
            }

            if (result.GetValue(holdoutSeeds) is > 1 and var seedsAsked && seedsAsked > result.GetValue(holdout))
            {
                throw new UsageException(Invariant($"{holdoutSeeds.Name} {seedsAsked} needs at least as many {holdout.Name} frames (got {result.GetValue(holdout)})"));
            }

            var failures = new List<string>();
            PretrainedEncoder? pretrained = result.GetValue(encoder) is { } folder ? SimClrTrainer.LoadEncoder(folder) : null;
            var side = pretrained?.InputSize ?? result.GetValue(size) ?? 128;
            if (pretrained is not null && result.GetValue(size) is { } asked && asked != side)
            {
                throw new UsageException($"--size {asked} differs from the encoder's input size {side} (leave --size out with --encoder)");
            }

            var arch = pretrained?.Architecture ?? result.GetValue(architecture);
            // The classifier sees frames prepared as its encoder was pretrained on them.
            var pretrainedMask = result.GetValue(encoder) is { } pretrainedFolder ? ReadPretraining(pretrainedFolder)?.MaskRadiusFraction : null;
            if (pretrainedMask is { } m && result.GetValue(maskRadius) is { } askedMask && askedMask != m)
            {
                throw new ArgumentException(Invariant($"--mask-radius {askedMask} differs from the encoder's {m} (its pretraining.json)"));
            }

            var preprocessing = new PreprocessingParameters { OutputSize = side, MaskRadiusFraction = result.GetValue(maskRadius) ?? pretrainedMask ?? new PreprocessingParameters().MaskRadiusFraction };
            preprocessing.Validate();
            var preprocessor = new FramePreprocessor(preprocessing);
            var sources = new List<string>();
            var items = new List<TrainingItem>();
            var sky = result.GetValue(generator);
            var repeat = result.GetValue(realRepeat);

            var inputPaths = result.GetValue(inputs) ?? [];
            var labelPaths = result.GetValue(labels) ?? [];
            if (inputPaths.Length > 0 != labelPaths.Length > 0)
            {
                throw new UsageException("labelled inputs need --labels and --labels need inputs");
            }

            var labelledFrames = new HashSet<(string, DateTime)>();
            if (inputPaths.Length > 0)
            {
                var joined = TrainingInputs.Join(TrainingInputs.DropRepeats(TrainingInputs.LoadFrames(inputPaths, preprocessor, failures, cancellationToken: cancellationToken, onDuplicates: DuplicatesNote(error)), "used in training", error.WriteLine), labelPaths, failures);
                items.AddRange(joined.Select(j => new TrainingItem(j.Frame.Pixels, j.Class, "real", RealSkyRecipe.SceneOf(j.Frame.Site, j.Frame.Time), j.Frame.Sky)));
                var scenes = joined.Select(j => RealSkyRecipe.SceneOf(j.Frame.Site, j.Frame.Time)).Distinct().Count();
                labelledFrames.UnionWith(joined.Select(j => (j.Frame.Site, j.Frame.Time)));
                sources.Add(Invariant($"{joined.Count} labelled real frames from {string.Join(", ", TrainingInputs.Contributing(inputPaths, joined.Select(j => j.Frame.File)).Select(Path.GetFileName))} ({scenes} scenes; {TrainingInputs.Counts(joined.Select(j => j.Class))}){(repeat > 1 ? $", each used {repeat} times per epoch" : string.Empty)}"));
                if (result.GetValue(hybrid) is > 0 and var hybrids)
                {
                    var made = RealSkyRecipe.Hybrids(inputPaths, joined, hybrids, result.GetValue(syntheticSeed) + 31, preprocessor, failures);
                    items.AddRange(made);
                    sources.Add(Invariant($"{made.Count} hybrid frames: synthetic aurora at 110 km drawn over the labelled clear real frames ({TrainingInputs.Counts(made.Select(m => m.Class))})"));
                }
            }

            if (result.GetValue(synthetic) is > 0 and var n)
            {
                var drawn = RealSkyRecipe.Synthetic(sky, n, result.GetValue(syntheticSeed), preprocessor);
                items.AddRange(drawn.Select(d => new TrainingItem(d.Frame.Pixels, d.Class, "synthetic", null)));
                sources.Add(Invariant($"{n} synthetic frames, {sky.ToString().ToLowerInvariant()} generator (seed {result.GetValue(syntheticSeed)})"));
            }

            if (result.GetValue(oath) is { } oathRoot)
            {
                var data = TrainingInputs.LoadOath(oathRoot, preprocessor, failures);
                var found = Enumerable.Range(0, data.Frames.Length).Where(i => data.Frames[i] is not null).ToList();
                var origins = Formats.Oath.OathOrigins.TryLoad(oathRoot);
                items.AddRange(found.Select(i => new TrainingItem(data.Frames[i]!, data.Classes[i], "oath", "oath:" + (origins?.Find(data.Dataset.Entries[i].PictureNumber)?.StationNight ?? "unknown"))));
                sources.Add(Invariant($"{found.Count} OATH images ({data.Dataset.Entries.Count} labelled entries in {oathRoot})"));
                output.WriteLine(Invariant($"classifier: OATH {oathRoot}: {found.Count} of {data.Dataset.Entries.Count} images found"));
            }

            if (items.Count == 0)
            {
                throw new ArgumentException("no labelled frames: give inputs with --labels, --synthetic N or --oath DIR");
            }

            var unlabelledRead = TrainingInputs.DropRepeats(TrainingInputs.LoadFrames(result.GetValue(unlabelled) ?? [], preprocessor, failures, cancellationToken: cancellationToken, onDuplicates: DuplicatesNote(error)), "used in training", error.WriteLine);
            var alsoLabelled = unlabelledRead.Count(f => labelledFrames.Contains((f.Site, f.Time)));
            if (alsoLabelled > 0)
            {
                // A labelled frame pseudo-labelled again would be trained on twice, once perhaps under another label.
                error.WriteLine(Invariant($"note: {alsoLabelled} of the {unlabelledRead.Count} --unlabelled frame(s) are labelled frames too (same site and capture time) and are used as labelled only"));
            }

            var unlabelledFrames = unlabelledRead.Where(f => !labelledFrames.Contains((f.Site, f.Time))).Select(f => f.Pixels).ToList();
            unlabelledFrames.AddRange(TrainingInputs.Synthetic(result.GetValue(unlabelledSynthetic), result.GetValue(syntheticSeed) + 7919, preprocessor).Select(s => s.Frame.Pixels));
            CommandRunner.ReportFailures(error, failures);
            var options = new ClassifierOptions
            {
                InputSize = side,
                Head = result.GetValue(head),
                FineTune = result.GetValue(fineTune),
                HeadEpochs = result.GetValue(headEpochs),
                FineTuneEpochs = result.GetValue(fineTuneEpochs),
                HeadLearningRate = result.GetValue(headLr),
                FineTuneLearningRate = result.GetValue(fineTuneLr),
                FineTuneAugmentation = result.GetValue(fineTuneAugment) ? AugmentationOptions.FineTuning(preprocessing.MaskRadiusFraction) : null,
                BatchSize = result.GetValue(batch),
                SelfTrainingRounds = result.GetValue(rounds),
                PseudoLabelThreshold = result.GetValue(threshold),
                Seed = result.GetValue(seed),
            };
            var training = items.SelectMany(i => Enumerable.Repeat(i, i.IsReal ? repeat : 1)).ToList();
            var frames = training.Select(t => t.Pixels).ToList();
            var classes = training.Select(t => t.Class).ToList();
            output.WriteLine(Invariant($"classifier: {frames.Count} labelled frames ({TrainingInputs.Counts(classes)}), {unlabelledFrames.Count} unlabelled; {arch} at {side} px, {options.Head} head{(options.FineTune ? (options.FineTuneAugmentation is null ? ", fine-tuned" : ", fine-tuned on random views") : string.Empty)}"));
            var epochsPerRound = options.HeadEpochs + (options.FineTune ? options.FineTuneEpochs : 0);
            var roundsRun = unlabelledFrames.Count > 0 ? options.SelfTrainingRounds : 0;
            AuroraModel? model = null;
            ClassifierReport? report = null;
            await RunProgress.RunAsync(error, "classifier", epochsPerRound * (roundsRun + 1), report2 =>
            {
                var done = 0;
                (model, report) = ClassifierTrainer.Train(
                    arch,
                    pretrained?.Encoder ?? Encoders.Create(arch),
                    new LabelledSet(frames, classes),
                    unlabelledFrames,
                    options,
                    new Reporter<ClassifierProgress>(p => report2(++done, Invariant($"round {p.Round} {p.Phase} loss {p.Loss:0.000}"))),
                    cancellationToken);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            using var trained = model!;
            var evaluations = new List<ModelEvaluation>();
            var heldOut = new List<TrainingItem>();
            if (result.GetValue(holdout) is > 0 and var h)
            {
                var drawn = RealSkyRecipe.HeldOutSynthetic(sky, h, result.GetValue(holdoutSeeds), result.GetValue(syntheticSeed) + 104_729, preprocessor);
                heldOut.AddRange(drawn.Select(x => new TrainingItem(x.Frame.Pixels, x.Class, "synthetic", null)));
                var (matrix, predicted) = Score(trained, [.. heldOut.Select(x => x.Pixels)], [.. heldOut.Select(x => x.Class)], side);
                var perSeed = RealSkyRecipe.PerSeed(drawn, predicted);
                evaluations.Add(new ModelEvaluation("synthetic-held-out", matrix.Total, matrix.Accuracy, BenchmarkEvaluation.Std(perSeed.Select(p => p.Accuracy)), matrix.TwoClassAccuracy, RealSkyRecipe.DescribeHeldOut(sky, perSeed)));
                output.WriteLine(Invariant($"classifier: held-out synthetic 6-class accuracy {matrix.Accuracy:0.000}, 2-class {matrix.TwoClassAccuracy:0.000} ({matrix.Total} frames{(perSeed.Count > 1 ? $"; per seed {string.Join(", ", perSeed.Select(p => $"{p.Seed} {p.Accuracy:0.000}"))}" : string.Empty)})"));
                output.WriteLine("classifier: held-out synthetic confusion (rows true, columns predicted; arc diffuse discrete cloudy moon clear): " + string.Join(" | ", matrix.Rows.Select(r => string.Join(" ", r))));
            }

            IReadOnlyList<SceneFold> folds = [];
            if (result.GetValue(loso))
            {
                var foldEncoder = result.GetValue(encoder);
                folds = LeaveOneSceneOut.Run(
                    arch,
                    () => foldEncoder is null ? Encoders.Create(arch) : SimClrTrainer.LoadEncoder(foldEncoder).Encoder,
                    training,
                    heldOut,
                    options,
                    result.GetValue(oodQuantile),
                    scene => output.WriteLine($"classifier: leave-one-scene-out: training without {scene}"),
                    cancellationToken,
                    result.GetValue(foldConcurrency));
            }

            ConfidenceModel? confidenceModel = null;
            IReadOnlyList<SceneFold> calibrationFolds = [];
            var temperature = 1.0;
            if (result.GetValue(confidence))
            {
                if (heldOut.Count == 0)
                {
                    throw new ArgumentException("--confidence needs --holdout-synthetic N: the threshold and temperature are fitted on held-out frames");
                }

                var (ood, oodThreshold, _) = LeaveOneSceneOut.FitOod(trained, training, heldOut, side, result.GetValue(oodQuantile));
                Calibration calibration;
                string calibrationSet;
                calibrationFolds = folds;
                if (folds.Count > 0)
                {
                    calibration = RealSkyRecipe.Calibrate(folds, [.. heldOut.Select(x => x.Class)]);
                    calibrationSet = Invariant($"the real frames of each held-out scene and the {heldOut.Count} held-out synthetic frames, scored by the {folds.Count} leave-one-scene-out models");
                }
                else
                {
                    var (logits, _) = ClassifierTrainer.Infer(trained, [.. heldOut.Select(x => x.Pixels)], side);
                    var fold = new SceneFold("the trained model", [], [], [], 0, logits);
                    calibration = RealSkyRecipe.Calibrate([fold], [.. heldOut.Select(x => x.Class)]);
                    calibrationSet = Invariant($"the {heldOut.Count} held-out synthetic frames");
                    calibrationFolds = [fold];
                }

                temperature = calibration.Temperature;
                confidenceModel = new ConfidenceModel
                {
                    Temperature = temperature,
                    RepresentationSize = ood.Dimension,
                    ClassMeans = ood.ClassMeans,
                    Whitening = ood.Whitening,
                    OodThreshold = oodThreshold,
                    Method = Invariant($"temperature scaling (Guo et al. 2017) fitted on {calibration.Frames} held-out frames ({calibrationSet}; {calibration.Weighting}; their logits in {HeldOutLogitsFile}); out-of-distribution score = smallest squared Mahalanobis distance of the representation to a class mean, tied covariance shrunk 10% to the identity (Lee et al. 2018), fitted on the {training.Count} training frames"),
                    ExpectedCalibrationError = calibration.Errors[0].After,
                    ThresholdNote = Invariant($"the {result.GetValue(oodQuantile):0.###} quantile of the scores of in-distribution frames (the held-out synthetic frames and the real training frames); ECE (10 bins) before -> after temperature scaling: {calibration.Describe()}"),
                };
                output.WriteLine(Invariant($"classifier: temperature {temperature:0.000}; ECE {calibration.Describe()}; OOD threshold {oodThreshold:0.0}"));
            }

            if (folds.Count > 0)
            {
                var sceneResults = RealSkyRecipe.SceneEvaluations(folds, temperature, trained, items, side, confidenceModel, confidenceModel is null ? null : RealSkyRecipe.TemperaturesWithout(folds, [.. heldOut.Select(x => x.Class)]));
                evaluations.AddRange(sceneResults);
                foreach (var e in sceneResults)
                {
                    output.WriteLine(Invariant($"classifier: {e.Name}: {e.Frames} frames, 6-class {e.Accuracy:0.000}, 2-class {e.TwoClassAccuracy:0.000}; {e.Notes}"));
                }
            }

            if (result.GetValue(realism) is > 0 and var realismFrames)
            {
                var real = items.Where(i => i.IsReal).ToList();
                var (_, realRepresentations) = ClassifierTrainer.Infer(trained, [.. real.Select(r => r.Pixels)], side);
                foreach (var g in Enum.GetValues<SkyGenerator>())
                {
                    var synthetic = RealSkyRecipe.Synthetic(g, realismFrames, result.GetValue(syntheticSeed) + 7_777, preprocessor);
                    var (_, syntheticRepresentations) = ClassifierTrainer.Infer(trained, [.. synthetic.Select(x => x.Frame.Pixels)], side);
                    var name = g.ToString().ToLowerInvariant();
                    var auc = RealismAuc.Compute(realRepresentations, [.. real.Select(r => r.Scene!)], syntheticRepresentations, options.Seed);
                    evaluations.Add(new ModelEvaluation($"realism-auc:{name}", real.Count + realismFrames, auc, null, auc, Invariant($"ROC AUC of a logistic regression separating {real.Count} real frames (held out by scene) from {realismFrames} {name} synthetic frames on this model's representations; 0.5 = indistinguishable (the accuracy fields hold the AUC)")));
                    var imageAuc = RealismAuc.Compute(
                        [.. real.Select(r => SkyImageStatistics.Compute(r.Pixels, side, preprocessing.MaskRadiusFraction))],
                        [.. real.Select(r => r.Scene!)],
                        [.. synthetic.Select(x => SkyImageStatistics.Compute(x.Frame.Pixels, side, preprocessing.MaskRadiusFraction))],
                        options.Seed);
                    evaluations.Add(new ModelEvaluation($"realism-auc-image:{name}", real.Count + realismFrames, imageAuc, null, imageAuc, Invariant($"ROC AUC of a logistic regression separating {real.Count} real frames (held out by scene) from {realismFrames} {name} synthetic frames on {SkyImageStatistics.Names.Count} image statistics of the model input (SkyImageStatistics: radial profile, azimuthal asymmetry, percentiles, autocorrelation, roughness), independent of the model; 0.5 = indistinguishable (the accuracy fields hold the AUC)")));
                    output.WriteLine(Invariant($"classifier: realism AUC, {name} generator: {auc:0.000} on the model's representations, {imageAuc:0.000} on image statistics ({real.Count} real, {realismFrames} synthetic)"));
                }
            }

            var pretrainingRecord = result.GetValue(encoder) is { } encoderFolder ? ReadPretraining(encoderFolder) : null;
            var info = new ClassifierInfo
            {
                Architecture = arch,
                Head = options.Head,
                Preprocessing = preprocessing,
                Training = new ModelTraining
                {
                    Pretraining = pretrainingRecord?.Description ?? (pretrained is null ? "none (random initial encoder)" : Invariant($"SimCLR, {pretrained.Steps} steps")),
                    PretrainingFrames = pretrainingRecord?.Frames ?? 0,
                    PretrainingSteps = pretrained?.Steps ?? 0,
                    Head = options.Head.ToString().ToLowerInvariant(),
                    FineTuned = options.FineTune,
                    FineTuning = options.FineTune ? FineTuningRecord(options) : null,
                    LabelledSources = sources,
                    LabelledCounts = report!.LabelledCounts.ToDictionary(kv => kv.Key.ToLabel(), kv => kv.Value),
                    SelfTrainingRounds = report.PseudoLabelledPerRound.Count,
                    PseudoLabelled = report.PseudoLabelledPerRound.LastOrDefault(),
                    Seed = options.Seed,
                },
                Evaluations = evaluations,
                Confidence = confidenceModel,
            };
            ClassifierCheckpoint.Save(result.GetValue(outDir)!, trained, info);
            if (confidenceModel is not null)
            {
                RealSkyRecipe.WriteHeldOutLogits(Path.Combine(result.GetValue(outDir)!, HeldOutLogitsFile), calibrationFolds, [.. heldOut.Select(x => x.Class)]);
            }

            output.WriteLine(Invariant($"classifier: saved to {result.GetValue(outDir)}{(report.PseudoLabelledPerRound.Count > 0 ? $"; pseudo-labelled per round: {string.Join(", ", report.PseudoLabelledPerRound)}" : string.Empty)}"));
            return failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed;
        }).ConfigureAwait(false));
        return command;
    }

    internal static (ConfusionMatrix Matrix, AuroraClass[] Predicted) Score(AuroraModel model, IReadOnlyList<float[]> frames, IReadOnlyList<AuroraClass> classes, int side)
    {
        var predicted = ClassifierTrainer.Predict(model, frames, side).Select(p => new FramePrediction(p).Label).ToArray();
        var matrix = new ConfusionMatrix();
        for (var i = 0; i < frames.Count; i++)
        {
            matrix.Add(classes[i], predicted[i]);
        }

        return (matrix, predicted);
    }

    internal static PretrainingRecord? ReadPretraining(string folder)
    {
        var path = Path.Combine(folder, PretrainingFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<PretrainingRecord>(File.ReadAllText(path)) : null;
    }

    /// <summary>
    /// The frames SimCLR saw, for the card: both sources when there are both, else only the one
    /// (<c>2000 synthetic frames (projected generator, seed 11)</c>, never <c>0 real ()</c>).
    /// </summary>
    internal static string PretrainingFrames(int real, IReadOnlyList<string?> inputs, int synthetic, SkyGenerator generator, int seed)
    {
        var files = Invariant($"({string.Join(", ", inputs)})");
        var drawn = Invariant($"({generator.ToString().ToLowerInvariant()} generator, seed {seed})");
        return (real, synthetic) switch
        {
            (> 0, > 0) => Invariant($"{real + synthetic} frames: {real} real {files}, {synthetic} synthetic {drawn}"),
            (> 0, _) => Invariant($"{real} real frames {files}"),
            _ => Invariant($"{synthetic} synthetic frames {drawn}"),
        };
    }

    /// <summary>Writes the note for frames skipped because inputs overlap.</summary>
    private static Action<int, int> DuplicatesNote(TextWriter error) => (frames, files) => error.WriteLine($"note: {TrainingInputs.DuplicatesNote(frames, files)}");

    /// <summary>The card's account of fine-tuning: epochs, schedule, batch and the views.</summary>
    internal static string FineTuningRecord(ClassifierOptions options)
    {
        var views = options.FineTuneAugmentation is { } a
            ? Invariant($"flips, quarter turns and random views (rotation +-{a.MaxRotationDegrees} deg, {(a.MinCropScale >= 1 ? "no crops" : $"crops keeping {a.MinCropScale} of the field")}, brightness +-{a.Brightness}, contrast +-{a.Contrast}, gamma up to {a.MaxGamma}, blur sigma up to {a.MaxBlurSigma} px in {a.BlurProbability} of frames, noise up to {a.MaxNoise})")
            : "flips and quarter turns";
        return Invariant($"{options.FineTuneEpochs} epoch{(options.FineTuneEpochs == 1 ? string.Empty : "s")}, AdamW {options.FineTuneLearningRate:0.0e0} with cosine decay, batch {options.BatchSize}; {views}");
    }

    private static Option<double?> MaskRadius() => new Option<double?>("--mask-radius")
    {
        Description = "Radius of the circular field-of-view mask as a fraction of half the frame width (default 0.85, or the encoder's; 0.85 keeps the sky above about 15 degrees, 1.0 keeps the horizon, where distant aurora is).",
    }.Accepting(v => v is null or (>= 0 and <= 2), "a fraction from 0 (no mask) to 2");

    private static Option<SkyGenerator> Generator() => new("--generator")
    {
        Description = "Synthetic sky: Legacy (image-plane shapes on a bias-only sky) or Projected (aurora at 110 km through the fisheye, airglow, twilight, horizon).",
        DefaultValueFactory = _ => SkyGenerator.Legacy,
    };

    internal static Option<int> Threads() => new Option<int>("--threads") { Description = "libtorch CPU threads (0: its default).", DefaultValueFactory = _ => 0 }.AtLeast(0);

    internal static void SetThreads(int threads)
    {
        if (threads < 0)
        {
            throw new ArgumentException($"--threads must be 0 or more (got {threads})");
        }

        if (threads > 0)
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    private static double Median(List<double> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    // MaskRadiusFraction: the field-of-view mask the frames were prepared with (null in checkpoints made before it was recorded).
    internal sealed record PretrainingRecord(string Description, int Frames, int Steps, double? MaskRadiusFraction = null);
}

/// <summary>An <see cref="IProgress{T}"/> that reports synchronously, on the caller's thread.</summary>
internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
