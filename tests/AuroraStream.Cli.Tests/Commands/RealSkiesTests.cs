using System.Globalization;
using System.Text.Json;
using AuroraStream.Cli.Commands;
using AuroraStream.Core;
using AuroraStream.Core.Models;
using AuroraStream.TestUtilities;
using AuroraStream.Training.Confidence;
using AuroraStream.Training.Evaluation;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary>
/// The shipped default model on the real THEMIS frames of this repository, through <c>classify</c>
/// as a user runs it (the targets). The model learnt from these frames; the
/// leave-one-scene-out figures in its card are the estimate for nights it has not seen.
/// </summary>
public sealed class RealSkiesTests
{
    private static readonly string[] AuroraLabels = ["arc", "diffuse", "discrete"];

    [Fact]
    public async Task Gillam2016_AuroraLowOnTheHorizon_IsLabelledAurora_AtLeast95Percent()
    {
        var frames = await ClassifyAsync(RepoPaths.Data("themis-asi", "stream0-from-npz"));

        Assert.Equal(20, frames.Count);
        var aurora = frames.Count(f => AuroraLabels.Contains(f.Label));
        Assert.True(aurora >= 0.95 * frames.Count, $"{aurora} of {frames.Count} labelled aurora: {Summary(frames)}");
        Assert.All(frames, f => Assert.Equal("dark", f.Sky));
    }

    [Fact]
    public async Task Gillam2014_MoonThroughCloud_IsMoonOrCloudy_AtLeast90Percent_NeverAuroraNorClear()
    {
        var frames = await ClassifyAsync(RepoPaths.Stream0Folder);

        Assert.Equal(120, frames.Count);
        var moonOrCloudy = frames.Count(f => f.Label is "moon" or "cloudy");
        Assert.True(moonOrCloudy >= 0.9 * frames.Count, $"{moonOrCloudy} of {frames.Count} moon or cloudy: {Summary(frames)}");
        Assert.DoesNotContain(frames, f => AuroraLabels.Contains(f.Label) || f.Label == "clear");
        Assert.All(frames, f => Assert.InRange(f.MoonElevation!.Value, 27, 30));
    }

    [Fact]
    public async Task Gakona2011_NauticalTwilight_NeverMoon_AllTwilight()
    {
        var frames = await ClassifyAsync(RepoPaths.L1AsfCdf);

        Assert.Equal(23, frames.Count);
        Assert.DoesNotContain(frames, f => f.Label == "moon");
        Assert.All(frames, f => Assert.Equal("twilight", f.Sky));
    }

    [Fact]
    public async Task SyntheticHeldOut_TheCardsSixSeeds_SixClassAtLeast95Percent_AsTheCardSays()
    {
        // The target on the card's own held-out set: 1,800 projected frames from six seeds
        // none of the recipe's training sets uses (104750-104755; a seed fixes the generator's 16
        // lenses and star catalogue, so one seed alone measures one sky set-up), scored here in ONNX
        // Runtime as the stream runs the model. The card's figure (scored in TorchSharp when the model
        // was trained) must be what the exported model does.
        var model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");
        var card = ModelCard.FromJson(File.ReadAllText(ModelCard.PathFor(model)), "card");
        var heldOut = Assert.Single(card.Evaluations, e => e.Name == "synthetic-held-out");
        Assert.Equal(1800, heldOut.Frames);
        Assert.Contains("from 6 seeds not used in training (104750-104755", heldOut.Notes, StringComparison.Ordinal);

        var (code, output, error) = await CliRunner.RunAsync("evaluate", "frames", "--model", model, "--synthetic", "1800", "--synthetic-seed", "104750", "--synthetic-seeds", "6", "--generator", "projected");

        Assert.True(code == 0, error);
        var sixClass = double.Parse(output.Split("6-class accuracy ")[1].Split(',')[0], CultureInfo.InvariantCulture);
        var twoClass = double.Parse(output.Split("2-class ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(sixClass >= 0.95, output);
        Assert.True(twoClass >= 0.95, output);
        Assert.InRange(sixClass, heldOut.Accuracy - 0.003, heldOut.Accuracy + 0.003);
    }

    [Fact]
    public void UnseenNights_ConfidentWrongLabels_AreWhatTheCardsHeldOutLogitsGive_NoneInSample()
    {
        // The goal for confidence, on the estimate the card has: each real scene scored by the
        // leave-one-scene-out model that never saw it. The temperature in the card (and in the ONNX
        // graph) must be the fit the trainer makes on the held-out logits shipped beside the model;
        // under it no real frame of an unseen night is wrong with p >= 0.9. That temperature saw
        // these frames' labels, so the card also counts each scene under the temperature fitted
        // without it, and those counts must be what the logits give too.
        var model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");
        var card = ModelCard.FromJson(File.ReadAllText(ModelCard.PathFor(model)), "card");
        var rows = File.ReadAllLines(Path.ChangeExtension(model, ".calibration-logits.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var folds = rows.GroupBy(r => r[2]).Select(g =>
        {
            var real = g.Where(r => r[0] == "real").ToList();
            return new SceneFold(g.Key["without:".Length..], [.. real.Select(Class)], [.. real.Select(Logits)], [.. real.Select(_ => 0.0)], 0, [.. g.Where(r => r[0] == "synthetic").Select(Logits)]);
        }).ToList();
        var syntheticClasses = rows.Where(r => r[0] == "synthetic" && r[2] == rows[0][2]).Select(Class).ToList();

        var calibration = RealSkyRecipe.Calibrate(folds, syntheticClasses);
        var without = RealSkyRecipe.TemperaturesWithout(folds, syntheticClasses);

        Assert.Equal(4, folds.Count);
        Assert.Equal(card.Confidence!.Temperature, calibration.Temperature, 6);
        Assert.Contains(calibration.Describe(), card.Confidence.ThresholdNote, StringComparison.Ordinal);
        foreach (var fold in folds)
        {
            var notes = Assert.Single(card.Evaluations, e => e.Name == "leave-one-scene-out:" + fold.Scene).Notes;
            Assert.Contains("uncertain 0;", notes, StringComparison.Ordinal);
            Assert.Equal(0, ConfidentWrong(fold, calibration.Temperature));
            Assert.Contains("wrong with p >= 0.9 and not uncertain: 0;", notes, StringComparison.Ordinal);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"(T {without[fold.Scene]:0.00}): wrong with p >= 0.9 and not uncertain: {ConfidentWrong(fold, without[fold.Scene])};"), notes, StringComparison.Ordinal);

            // The goal out of sample too: no frame of a night its model never saw is wrong
            // at p >= 0.9 under a temperature fitted without that night either. The margin is small
            // (docs/training-and-models.md: Gillam 2014 at p <= 0.83 here, 0.91 in a run whose
            // folds summed on two threads), so a retraining must be checked against it.
            Assert.Equal(0, ConfidentWrong(fold, without[fold.Scene]));
        }

        static int ConfidentWrong(SceneFold fold, double temperature) => fold.Classes
            .Select((truth, i) => (Truth: truth, Said: new FramePrediction(TemperatureScaling.Softmax(fold.Logits[i], temperature))))
            .Count(x => x.Said.Label != x.Truth && x.Said.Confidence >= 0.9);
        static AuroraClass Class(string[] row) => AuroraClasses.TryParseLabel(row[3], out var c) ? c : throw new InvalidDataException(row[3]);
        static float[] Logits(string[] row) => [.. row.Skip(4).Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
    }

    private static string Summary(IEnumerable<Classified> frames) =>
        string.Join(", ", frames.GroupBy(f => f.Label).Select(g => $"{g.Key} {g.Count()}"));

    private static async Task<List<Classified>> ClassifyAsync(string path)
    {
        var (code, output, error) = await CliRunner.RunAsync("classify", path, "--json");
        Assert.True(code == 0, error);
        var frames = new List<Classified>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            frames.Add(new Classified(
                root.GetProperty("label").GetString()!,
                root.GetProperty("sky").GetString()!,
                root.TryGetProperty("moon_elevation", out var moon) && moon.ValueKind == JsonValueKind.Number ? moon.GetDouble() : null));
        }

        return frames;
    }

    private sealed record Classified(string Label, string Sky, double? MoonElevation);
}
