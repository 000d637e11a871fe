using System.Text.Json;
using AuroraStream.Core.Models;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary>train simclr -> train classifier -> evaluate oath -> export -> classify, as a user runs them.</summary>
public sealed class TrainingCommandsTests
{
    private static readonly string[] Labels = ["arc", "diffuse", "discrete", "cloudy", "moon", "clear"];

    [Fact]
    public async Task TrainSimClr_FramesFromOneSourceOnly_PretrainingNamesThatSourceWithoutAnEmptyOther()
    {
        using var temp = new TempFolder();

        var (code, _, error) = await RunAsync("train", "simclr", "--synthetic", "8", "--synthetic-seed", "3", "--generator", "projected", "--size", "32", "--steps", "1", "--batch", "4", "--warmup", "0", "--out", temp.File("synthetic"), "--threads", "1");
        Assert.True(code == 0, error);
        var description = Pretraining(temp.File("synthetic"));
        Assert.Contains(" on 8 synthetic frames (projected generator, seed 3);", description, StringComparison.Ordinal);
        Assert.DoesNotContain("real", description, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("train", "simclr", RepoPaths.Stream0Gz, "--size", "32", "--steps", "1", "--batch", "4", "--warmup", "0", "--out", temp.File("real"), "--threads", "1");
        Assert.True(code == 0, error);
        description = Pretraining(temp.File("real"));
        Assert.Contains($" on 20 real frames ({Path.GetFileName(RepoPaths.Stream0Gz)});", description, StringComparison.Ordinal);
        Assert.DoesNotContain("synthetic", description, StringComparison.Ordinal);

        static string Pretraining(string folder)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "pretraining.json")));
            return json.RootElement.GetProperty("Description").GetString()!;
        }
    }

    [Fact]
    public async Task TrainClassifier_RealSkiesRecipe_RecordsScenesConfidenceAndBothRealismMeasures()
    {
        // The make-model recipe in small: labelled real frames of three site-nights, leave-one-scene-out,
        // the confidence model and realism, which the unit tests cover only in parts.
        using var temp = new TempFolder();
        var classifier = temp.File("classifier");

        var (code, output, error) = await RunAsync(
            "train", "classifier", RepoPaths.Stream0Folder, RepoPaths.L1AsfCdf, RepoPaths.Data("themis-asi", "stream0-from-npz"),
            "--labels", RepoPaths.Data("real-skies", "real-skies-labels.csv"), "--size", "32", "--mask-radius", "1.0", "--generator", "projected",
            "--synthetic", "36", "--head", "linear", "--head-epochs", "3", "--holdout-synthetic", "24", "--leave-one-scene-out", "--confidence",
            "--realism", "60", "--seed", "3", "--threads", "1", "--out", classifier);

        Assert.True(code == 0, error);
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(classifier, "classifier.json")));
        var evaluations = info.RootElement.GetProperty("evaluations").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("accuracy").GetDouble());
        Assert.Equal(["gako-2011-01-06", "gill-2014-03-10", "gill-2016-10-29"], evaluations.Keys.Where(k => k.StartsWith("leave-one-scene-out:", StringComparison.Ordinal)).Select(k => k["leave-one-scene-out:".Length..]).Order());
        Assert.True(info.RootElement.GetProperty("confidence").GetProperty("oodThreshold").GetDouble() > 0);

        // The image-statistics measure does not depend on the model: the legacy generator (a sky that
        // darkens toward the edge, image-plane shapes) is told from real frames far better than the
        // projected one, whatever the model learnt.
        var legacy = evaluations["realism-auc-image:legacy"];
        var projected = evaluations["realism-auc-image:projected"];
        Assert.InRange(evaluations["realism-auc:legacy"], 0, 1);
        Assert.InRange(evaluations["realism-auc:projected"], 0, 1);
        Assert.True(legacy > 0.8 && projected < legacy - 0.2, $"image-statistics realism AUC: legacy {legacy:0.000}, projected {projected:0.000}");
        Assert.Contains(FormattableString.Invariant($"realism AUC, legacy generator: {evaluations["realism-auc:legacy"]:0.000} on the model's representations, {legacy:0.000} on image statistics (163 real, 60 synthetic)"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainEvaluateExportClassify_SmallRun_ProducesAModelTheCliServes()
    {
        using var temp = new TempFolder();
        var simclr = temp.File("simclr");
        var classifier = temp.File("classifier");
        var model = temp.File("small.onnx");

        var (code, output, error) = await RunAsync("train", "simclr", RepoPaths.Samples, "--synthetic", "24", "--size", "32", "--steps", "3", "--batch", "8", "--warmup", "1", "--out", simclr, "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Contains("simclr: 167 frames (143 from files, 24 synthetic)", output, StringComparison.Ordinal);
        Assert.Contains("simclr: 3/3 loss", error, StringComparison.Ordinal);

        (code, output, error) = await RunAsync("train", "classifier", "--encoder", simclr, "--synthetic", "36", "--oath", RepoPaths.Data("oath"), "--head", "mlp", "--head-epochs", "5", "--fine-tune", "--fine-tune-augment", "--fine-tune-epochs", "1", "--holdout-synthetic", "12", "--out", classifier);
        Assert.True(code == 0, error);
        Assert.Contains("OATH " + RepoPaths.Data("oath") + ": 10 of 5824 images found", output, StringComparison.Ordinal);
        Assert.Contains("46 labelled frames", output, StringComparison.Ordinal);
        Assert.Contains("Mlp head, fine-tuned on random views", output, StringComparison.Ordinal);

        (code, output, error) = await RunAsync("evaluate", "oath", "--oath", RepoPaths.Data("oath"), "--checkpoint", classifier, "--head-epochs", "5", "--report", temp.File("report"));
        Assert.True(code == 0, error);
        Assert.Contains("5824 labelled entries, 10 images found, 5 splits", output, StringComparison.Ordinal);
        using (var report = JsonDocument.Parse(File.ReadAllText(temp.File("report/oath-benchmark.json"))))
        {
            Assert.Equal(5, report.RootElement.GetProperty("splits").GetArrayLength());
            Assert.Equal(10, report.RootElement.GetProperty("imagesFound").GetInt32());
        }

        Assert.Contains("Clausen & Nickisch 2018", File.ReadAllText(temp.File("report/oath-benchmark.md")), StringComparison.Ordinal);

        (code, output, error) = await RunAsync("export", "--checkpoint", classifier, "--out", model, "--notes", "test model");
        Assert.True(code == 0, error);
        var card = ModelCard.FromJson(File.ReadAllText(temp.File("small.card.json")), "card");
        Assert.Equal(32, card.Preprocessing.OutputSize);
        Assert.Equal(["synthetic-held-out", "oath-5-splits", "oath-station-night-5-fold"], card.Evaluations.Select(e => e.Name));
        Assert.Equal("mlp", card.Training.Head);
        Assert.Equal(3, card.Training.PretrainingSteps);
        Assert.True(card.Training.FineTuned);
        Assert.StartsWith("1 epoch, AdamW 3.0e-4 with cosine decay, batch 64; flips, quarter turns and random views (rotation +-180 deg, no crops, brightness +-0.05", card.Training.FineTuning, StringComparison.Ordinal);

        (code, output, error) = await RunAsync("classify", RepoPaths.Stream0Gz, "--model", model, "--json");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ExpectedValues.Frames[Path.GetFileName(RepoPaths.Stream0Gz)].Count(), lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.Equal(i, root.GetProperty("index").GetInt32());
            Assert.Equal("gill", root.GetProperty("site").GetString());
            Assert.Equal(ExpectedValues.Frames[Path.GetFileName(RepoPaths.Stream0Gz)][i].Time[..23], root.GetProperty("time").GetString()![..23]);
            var label = root.GetProperty("label").GetString()!;
            Assert.Contains(label, Labels.Append("uncertain"));
            var probabilities = root.GetProperty("probabilities").EnumerateObject().ToList();
            Assert.Equal(Labels, probabilities.Select(p => p.Name));
            Assert.Equal(1.0, probabilities.Sum(p => p.Value.GetDouble()), 4);
            if (label != "uncertain")
            {
                Assert.Equal(probabilities.Max(p => p.Value.GetDouble()), probabilities.Single(p => p.Name == label).Value.GetDouble());
            }
        }

        // A fixed batch of 3 (issue A3): served in chunks, the last padded, the same labels.
        var fixedModel = temp.File("fixed3.onnx");
        (code, _, error) = await RunAsync("export", "--checkpoint", classifier, "--out", fixedModel, "--batch", "3");
        Assert.True(code == 0, error);
        Assert.Equal([3, 1, 32, 32], ModelCard.FromJson(File.ReadAllText(temp.File("fixed3.card.json")), "card").Input.Shape);
        (code, var fixedOutput, error) = await RunAsync("classify", RepoPaths.Stream0Gz, "--model", fixedModel, "--json");
        Assert.True(code == 0, error);
        var fixedLines = fixedOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Length, fixedLines.Length);
        Assert.Equal(lines.Select(Label), fixedLines.Select(Label));

        (code, _, error) = await RunAsync("export", "--checkpoint", classifier, "--out", temp.File("zero.onnx"), "--batch", "0");
        Assert.Equal(2, code);
        Assert.Contains("--batch 0: the batch size must be within 1..4096", error, StringComparison.Ordinal);
    }

    private static string? Label(string jsonLine)
    {
        using var doc = JsonDocument.Parse(jsonLine);
        return doc.RootElement.GetProperty("label").GetString();
    }

    [Fact]
    public async Task Classify_MissingModelOrBadInput_ExitsTwoNamingTheProblem()
    {
        using var temp = new TempFolder();

        var (code, _, error) = await RunAsync("classify", RepoPaths.Stream0Gz, "--model", temp.File("none.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("none.onnx: model file not found", error, StringComparison.Ordinal);

        (code, var output, error) = await RunAsync("classify", RepoPaths.Stream0Gz, temp.File("missing.pgm"), "--model", Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("missing.pgm: no such file or directory", error, StringComparison.Ordinal);
        Assert.Equal(ExpectedValues.Frames[Path.GetFileName(RepoPaths.Stream0Gz)].Count(), output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task TrainClassifier_CopiesOfALabelledFile_UsedOnce_AsLabelledOnly_TheSourceNamesWhereTheFramesCameFrom()
    {
        // The Gillam 2016 minute under three paths: its folder and a copy as labelled inputs, another copy as --unlabelled.
        using var temp = new TempFolder();
        var npz = RepoPaths.Data("themis-asi", "stream0-from-npz");
        var name = Path.GetFileName(Directory.GetFiles(npz).Single());
        Directory.CreateDirectory(temp.File("copy"));
        Directory.CreateDirectory(temp.File("pool"));
        File.Copy(Path.Combine(npz, name), Path.Combine(temp.File("copy"), name));
        File.Copy(Path.Combine(npz, name), Path.Combine(temp.File("pool"), name));
        var classifier = temp.File("classifier");

        var (code, output, error) = await RunAsync(
            "train", "classifier", npz, temp.File("copy"), "--labels", RepoPaths.Data("real-skies", "real-skies-labels.csv"), "--unlabelled", temp.File("pool"),
            "--self-training", "1", "--size", "16", "--synthetic", "12", "--head", "linear", "--head-epochs", "1", "--threads", "1", "--out", classifier);

        Assert.True(code == 0, error);
        Assert.Contains("warning: 20 frame(s) repeat the site and capture time of a frame already read and were skipped (each frame is used in training once)", error, StringComparison.Ordinal);
        Assert.Contains("note: 20 of the 20 --unlabelled frame(s) are labelled frames too (same site and capture time) and are used as labelled only", error, StringComparison.Ordinal);
        Assert.Contains("32 labelled frames (", output, StringComparison.Ordinal);
        Assert.Contains("), 0 unlabelled;", output, StringComparison.Ordinal);
        var info = File.ReadAllText(Path.Combine(classifier, "classifier.json"));
        Assert.Contains("20 labelled real frames from stream0-from-npz (1 scenes;", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainClassifier_FoldConcurrencyWithoutLeaveOneSceneOut_IsABadCommandLine()
    {
        using var temp = new TempFolder();

        var (code, _, error) = await RunAsync("train", "classifier", "--synthetic", "12", "--fold-concurrency", "2", "--out", temp.File("c"));

        Assert.Equal(1, code);
        Assert.Contains("--fold-concurrency sets how many --leave-one-scene-out folds train at once: give it with --leave-one-scene-out", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainClassifier_NoLabelledFrames_ExitsTwoSayingWhatToGive()
    {
        using var temp = new TempFolder();

        var (code, _, error) = await RunAsync("train", "classifier", "--out", temp.File("c"));

        Assert.Equal(2, code);
        Assert.Contains("no labelled frames: give inputs with --labels, --synthetic N or --oath DIR", error, StringComparison.Ordinal);
    }
}
