using System.CommandLine;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core.Sky;
using AuroraStream.Formats.Oath;
using AuroraStream.Inference;
using AuroraStream.Training.Classifier;
using AuroraStream.Training.Evaluation;
using AuroraStream.Training.Models;
using AuroraStream.Training.SimClr;
using static System.FormattableString;

namespace AuroraStream.Cli.Commands;

/// <summary><c>aurorastream evaluate oath|frames</c>.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter output, TextWriter error) => new("evaluate", "Evaluate models: the OATH benchmark protocol, or an exported model on labelled frames.")
    {
        Oath(output, error),
        Frames(output, error),
    };

    private static Command Oath(TextWriter output, TextWriter error)
    {
        var root = new Option<string>("--oath") { Description = "OATH data set folder (classifications.csv, train_test_split.csv, images/).", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Classifier checkpoint: its encoder and head type are evaluated, and the result is recorded in it." };
        var encoder = new Option<string?>("--encoder") { Description = "SimCLR checkpoint folder whose encoder is evaluated (instead of --checkpoint)." };
        var head = new Option<ClassifierHead>("--head") { Description = "Head with --encoder: Linear or Mlp.", DefaultValueFactory = _ => ClassifierHead.Linear };
        var fineTune = new Option<bool>("--fine-tune") { Description = "Fine-tune the encoder in every split." };
        var headEpochs = new Option<int>("--head-epochs") { DefaultValueFactory = _ => 200, Description = "Epochs of head training per split." }.AtLeast(1);
        var fineTuneEpochs = new Option<int>("--fine-tune-epochs") { DefaultValueFactory = _ => 10, Description = "Epochs of fine-tuning per split." }.AtLeast(0);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed." };
        var report = new Option<string>("--report") { Description = "Folder for oath-benchmark.json and oath-benchmark.md.", Required = true };
        var threads = TrainCommand.Threads();
        var command = new Command("oath", "The OATH benchmark under two protocols side by side: as published (a classifier per split of train_test_split.csv, 70/30, five splits) and with station-nights held out (group 5-fold by station and UT date); 6-class mean and std, 2-class from the confusion matrix, per-class scores; JSON and markdown with the published figures.")
        {
            root, checkpoint, encoder, head, fineTune, headEpochs, fineTuneEpochs, seed, report, threads,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunTorchAsync(error, () =>
        {
            TrainCommand.SetThreads(result.GetValue(threads));
            var (architecture, side, factory, headKind, method) = EncoderSource(result.GetValue(checkpoint), result.GetValue(encoder), result.GetValue(head));
            var failures = new List<string>();
            // The images are prepared as the evaluated encoder was trained (a checkpoint records its preprocessing).
            var preprocessing = result.GetValue(checkpoint) is { } trainedAt ? ClassifierCheckpoint.ReadInfo(trainedAt).Preprocessing : new PreprocessingParameters { OutputSize = side };
            var data = TrainingInputs.LoadOath(result.GetValue(root)!, new FramePreprocessor(preprocessing), failures);
            CommandRunner.ReportFailures(error, failures);
            var found = data.Frames.Count(f => f is not null);
            output.WriteLine(Invariant($"evaluate: OATH {result.GetValue(root)}: {data.Dataset.Entries.Count} labelled entries, {found} images found, {data.Splits.Count} splits"));
            var options = new ClassifierOptions
            {
                InputSize = side,
                Head = headKind,
                FineTune = result.GetValue(fineTune),
                HeadEpochs = result.GetValue(headEpochs),
                FineTuneEpochs = result.GetValue(fineTuneEpochs),
                Seed = result.GetValue(seed),
            };
            var benchmark = BenchmarkEvaluation.Run(
                $"OATH v1.1 layout at {result.GetValue(root)}",
                data.Frames,
                data.Classes,
                data.Splits,
                architecture,
                factory,
                options,
                Invariant($"{method}; {headKind} head{(options.FineTune ? ", fine-tuned" : string.Empty)}, {options.HeadEpochs} epochs per split"),
                new Reporter<string>(line => output.WriteLine($"evaluate: {line}")),
                cancellationToken);
            output.WriteLine(Invariant($"evaluate: published splits: 6-class {Show(benchmark.MeanAccuracy)} ± {Show(benchmark.AccuracyStd)}, 2-class {Show(benchmark.MeanTwoClassAccuracy)}"));
            var origins = OathOrigins.TryLoad(result.GetValue(root)!)
                ?? throw new ArgumentException($"{result.GetValue(root)}: no {OathOrigins.BlocksFile} (the station and UT date of each image), so the station-night-held-out protocol cannot be run");
            string? GroupOf(int i) => origins.Find(data.Dataset.Entries[i].PictureNumber)?.StationNight;
            var leakage = StationNightFolds.Leakage(data.Classes, GroupOf, data.Splits);
            var (nightSplits, nightNote) = StationNightFolds.Make(data.Classes, GroupOf, [.. data.Frames.Select(f => f is not null)], folds: 5);
            var heldOut = BenchmarkEvaluation.Run(
                $"OATH v1.1 layout at {result.GetValue(root)}, station-nights held out",
                data.Frames,
                data.Classes,
                nightSplits,
                architecture,
                factory,
                options,
                Invariant($"{method}; {headKind} head{(options.FineTune ? ", fine-tuned" : string.Empty)}, {options.HeadEpochs} epochs per fold; stratified group 5-fold by station-night"),
                new Reporter<string>(line => output.WriteLine($"evaluate: station-night {line}")),
                cancellationToken);
            output.WriteLine(Invariant($"evaluate: station-nights held out: 6-class {Show(heldOut.MeanAccuracy)} ± {Show(heldOut.AccuracyStd)}, 2-class {Show(heldOut.MeanTwoClassAccuracy)}{(nightNote is null ? string.Empty : $" ({nightNote})")}"));
            var folder = result.GetValue(report)!;
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "oath-benchmark.json"), benchmark.ToJson());
            File.WriteAllText(Path.Combine(folder, "oath-station-night.json"), heldOut.ToJson());
            File.WriteAllText(Path.Combine(folder, "oath-benchmark.md"), StationNightFolds.CompareMarkdown(benchmark, heldOut, leakage, nightNote));
            output.WriteLine($"evaluate: report in {folder}");
            if (result.GetValue(checkpoint) is { } cp)
            {
                var info = ClassifierCheckpoint.ReadInfo(cp);
                var subset = found < data.Dataset.Entries.Count ? "a subset, not comparable with the published 82%/92%" : "the full set";
                var evaluations = new[]
                {
                    Record("oath-5-splits", benchmark, Invariant($"OATH published 70/30 splits with {found} of {data.Dataset.Entries.Count} images found ({subset}); {leakage.TestImagesSharingANight} of {leakage.TestImages} test entries share a station-night with training")),
                    Record("oath-station-night-5-fold", heldOut, Invariant($"OATH with station-nights held out (stratified group 5-fold) on {found} of {data.Dataset.Entries.Count} images ({subset}){(nightNote is null ? string.Empty : $"; {nightNote}")}")),
                }.OfType<ModelEvaluation>().ToList();
                ClassifierCheckpoint.WriteInfo(cp, info with { Evaluations = [.. info.Evaluations.Where(e => evaluations.All(n => n.Name != e.Name)), .. evaluations] });
            }

            return Task.FromResult(failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed);
        }).ConfigureAwait(false));
        return command;
    }

    private static ModelEvaluation? Record(string name, BenchmarkReport report, string notes) =>
        report.MeanAccuracy is { } mean
            ? new ModelEvaluation(name, report.Splits.Where(s => s.Accuracy is not null).Sum(s => s.TestFrames), mean, report.AccuracyStd, report.MeanTwoClassAccuracy ?? mean, notes)
            : null;

    private static Command Frames(TextWriter output, TextWriter error)
    {
        var model = new Option<string>("--model") { Description = "Exported model (.onnx with its card beside it).", Required = true };
        var inputs = new Argument<string[]>("inputs") { Description = "Frame files or folders, labelled by --labels.", Arity = ArgumentArity.ZeroOrMore };
        var labels = new Option<string[]>("--labels") { Description = "Label CSV file (time,site,label...) for the inputs; repeat --labels for several." };
        var synthetic = new Option<int>("--synthetic") { Description = "Evaluate on this many synthetic frames." }.AtLeast(0);
        var syntheticSeed = new Option<int>("--synthetic-seed") { Description = "Their seed (the first of them with --synthetic-seeds).", DefaultValueFactory = _ => 99 };
        var syntheticSeeds = new Option<int>("--synthetic-seeds") { Description = "Draw the synthetic frames from this many consecutive seeds, in equal shares (the card's held-out figure: --synthetic-seed 104750 --synthetic-seeds 6).", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var generator = new Option<SkyGenerator>("--generator") { Description = "Synthetic sky: Projected (the default model's) or Legacy.", DefaultValueFactory = _ => SkyGenerator.Projected };
        var command = new Command("frames", "Evaluate an exported model in ONNX Runtime on labelled frames (files with label CSVs, or synthetic); real frames are scored on their most probable class after the sky rules (no moon with the Moon down); how many the stream would label uncertain, and why, is counted apart.")
        {
            model, inputs, labels, synthetic, syntheticSeed, syntheticSeeds, generator,
        };
        command.SetAction(async (result, cancellationToken) => await CommandRunner.RunAsync(error, () =>
        {
            // What to score is a command-line matter, refused as one (exit 1) before the model is loaded.
            // Not a command validator: System.CommandLine skips the options' own checks after one fails.
            var hasInputs = result.GetValue(inputs) is { Length: > 0 };
            var hasLabels = result.GetValue(labels) is { Length: > 0 };
            if (hasInputs && !hasLabels)
            {
                throw new UsageException($"frame files and folders need {labels.Name}: the label CSV (time,site,label...) of their frames");
            }

            if (hasLabels && !hasInputs)
            {
                throw new UsageException($"{labels.Name} needs the frame files or folders it labels");
            }

            if (!hasInputs && result.GetValue(synthetic) == 0)
            {
                throw new UsageException($"'aurorastream evaluate frames' needs frames to score: frame files or folders with {labels.Name}, or {synthetic.Name} N");
            }

            if (result.GetValue(syntheticSeeds) is > 1 and var seedsAsked && seedsAsked > result.GetValue(synthetic))
            {
                throw new UsageException(Invariant($"{syntheticSeeds.Name} {seedsAsked} needs at least as many {synthetic.Name} frames (got {result.GetValue(synthetic)})"));
            }

            using var classifier = new OnnxAuroraClassifier(new OnnxClassifierOptions { ModelPath = result.GetValue(model)! });
            var preprocessor = new FramePreprocessor(classifier.Card.Preprocessing);
            var failures = new List<string>();
            var labelled = new List<(float[] Pixels, AuroraClass Class, SkyConditions? Sky)>();
            var read = 0;
            var labelFiles = result.GetValue(labels) ?? [];
            if ((result.GetValue(inputs) ?? []) is { Length: > 0 } paths)
            {
                var frames = TrainingInputs.LoadFrames(paths, preprocessor, failures, cancellationToken: cancellationToken, onDuplicates: (n, files) => error.WriteLine($"note: {TrainingInputs.DuplicatesNote(n, files)}"), fullSizeOnly: true);
                frames = TrainingInputs.DropRepeats(frames, "scored", error.WriteLine);
                read = frames.Count;
                var joined = TrainingInputs.Join(frames, labelFiles, failures);
                labelled.AddRange(joined.Select(j => (j.Frame.Pixels, j.Class, j.Frame.Sky)));
                if (joined.Count < read)
                {
                    error.WriteLine(Invariant($"evaluate: {read - joined.Count} of {read} frames are left out: no row in the label files, or labels in conflict (above)"));
                }
            }

            var real = labelled.Count;
            var syntheticCount = result.GetValue(synthetic);
            List<(PreparedFrame Frame, AuroraClass Class, int Seed)> drawn = syntheticCount == 0 ? [] : RealSkyRecipe.HeldOutSynthetic(result.GetValue(generator), syntheticCount, result.GetValue(syntheticSeeds), result.GetValue(syntheticSeed), preprocessor);
            labelled.AddRange(drawn.Select(s => (s.Frame.Pixels, s.Class, (SkyConditions?)null)));
            CommandRunner.ReportFailures(error, failures);
            if (labelled.Count == 0)
            {
                // The command line asked for frames (checked above): the inputs did not give any.
                throw new ArgumentException(read == 0
                    ? "no frames read from the inputs: nothing to evaluate on"
                    : Invariant($"{read} frames read, none with a row in the label files (rows match a frame by site and capture time)"));
            }

            var scored = syntheticCount == 0
                ? string.Empty
                : Invariant($" ({(real > 0 ? $"{real} real, " : string.Empty)}{syntheticCount} synthetic: {result.GetValue(generator).ToString().ToLowerInvariant()} generator, {(result.GetValue(syntheticSeeds) == 1 ? $"seed {result.GetValue(syntheticSeed)}" : $"seeds {result.GetValue(syntheticSeed)}-{result.GetValue(syntheticSeed) + result.GetValue(syntheticSeeds) - 1}")})");

            var matrix = new ConfusionMatrix();
            var said = new AuroraClass[labelled.Count];
            var uncertain = new Dictionary<string, int>(StringComparer.Ordinal);
            var pixels = preprocessor.OutputLength;
            const int Batch = 32;
            for (var start = 0; start < labelled.Count; start += Batch)
            {
                var count = Math.Min(Batch, labelled.Count - start);
                var buffer = new float[count * pixels];
                for (var i = 0; i < count; i++)
                {
                    labelled[start + i].Pixels.CopyTo(buffer, i * pixels);
                }

                var predictions = classifier.Classify(buffer, count);
                for (var i = 0; i < count; i++)
                {
                    // Synthetic frames carry no sky: their moon is drawn whatever the real Moon does.
                    var prediction = SkyConsistency.Apply(predictions[i], labelled[start + i].Sky);
                    matrix.Add(labelled[start + i].Class, prediction.Label);
                    said[start + i] = prediction.Label;
                    if (prediction.UncertainReason is { } reason)
                    {
                        uncertain[reason] = uncertain.GetValueOrDefault(reason) + 1;
                    }
                }
            }

            output.WriteLine(Invariant($"evaluate: {classifier.Card.Name} on {matrix.Total} frames{scored}: 6-class accuracy {matrix.Accuracy:0.000}, 2-class {matrix.TwoClassAccuracy:0.000} (most probable class); {uncertain.Values.Sum()} the stream would label uncertain{(uncertain.Count == 0 ? string.Empty : $" ({string.Join(", ", uncertain.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => Invariant($"{u.Key} {u.Value}")))})")}"));
            foreach (var c in matrix.PerClass())
            {
                output.WriteLine(Invariant($"  {c.Label,-9} support {c.Support,5}  precision {Show(c.Precision)}  recall {Show(c.Recall)}  F1 {Show(c.F1)}"));
            }

            WriteConfusion(output, matrix);
            if (result.GetValue(syntheticSeeds) > 1)
            {
                var perSeed = RealSkyRecipe.PerSeed(drawn, said[real..]);
                output.WriteLine(Invariant($"  synthetic per seed: {string.Join(", ", perSeed.Select(p => $"{p.Seed} {p.Accuracy:0.000} ({p.Frames})"))}; standard deviation {BenchmarkEvaluation.Std(perSeed.Select(p => p.Accuracy)):0.000}"));
            }

            return Task.FromResult(failures.Count == 0 ? AuroraStreamCli.Success : AuroraStreamCli.InputFailed);
        }).ConfigureAwait(false));
        return command;
    }

    /// <summary>The confusion matrix, rows the true class and columns the most probable class.</summary>
    private static void WriteConfusion(TextWriter output, ConfusionMatrix matrix)
    {
        output.WriteLine(Invariant($"  confusion (rows true, columns said): {string.Join(' ', AuroraClasses.All.Select(c => $"{c.ToLabel(),8}"))}"));
        foreach (var actual in AuroraClasses.All)
        {
            output.WriteLine(Invariant($"  {actual.ToLabel(),-37}{string.Join(' ', AuroraClasses.All.Select(said => $"{matrix[actual, said],8}"))}"));
        }
    }

    private static (EncoderArchitecture Architecture, int Side, Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>> Factory, ClassifierHead Head, string Method)
        EncoderSource(string? checkpoint, string? encoder, ClassifierHead head)
    {
        if (checkpoint is null == encoder is null)
        {
            throw new UsageException("give exactly one of --checkpoint (a trained classifier) or --encoder (a SimCLR checkpoint)");
        }

        if (checkpoint is not null)
        {
            var info = ClassifierCheckpoint.ReadInfo(checkpoint);
            return (info.Architecture, info.Preprocessing.OutputSize, () =>
            {
                // A fresh copy of the trained encoder for every split; the head is trained anew.
                var (model, _) = ClassifierCheckpoint.Load(checkpoint);
                using (model)
                {
                    return model.CloneEncoder();
                }
            }, info.Head, $"encoder of {checkpoint}");
        }

        var first = SimClrTrainer.LoadEncoder(encoder!);
        first.Encoder.Dispose();
        return (first.Architecture, first.InputSize, () => SimClrTrainer.LoadEncoder(encoder!).Encoder, head, $"SimCLR encoder of {encoder} ({first.Steps} steps)");
    }

    private static string Show(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "    -";
}
