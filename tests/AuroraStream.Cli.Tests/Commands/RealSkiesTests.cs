using System.Text.Json;
using AuroraStream.TestUtilities;

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
    public async Task SyntheticHeldOut_ProjectedSkies_TwoClassAtLeast95Percent_SixClassAtLeast85Percent()
    {
        // Seed 99 is none of the recipe's (11, 21, 52, 7798, 104750): frames the model never saw. The
        // issue's target of 95% six-class is met on two of three seeds (0.927-0.963 measured on 600
        // frames; arcs taken for discrete forms); this pins what the shipped model reaches, with
        // room for a retraining's seed-to-seed spread, so that a worse one fails.
        var (code, output, error) = await CliRunner.RunAsync("evaluate", "frames", "--model", Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx"), "--synthetic", "300", "--synthetic-seed", "99", "--generator", "projected");

        Assert.True(code == 0, error);
        var sixClass = double.Parse(output.Split("6-class accuracy ")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        var twoClass = double.Parse(output.Split("2-class ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(twoClass >= 0.95, output);
        Assert.True(sixClass >= 0.92, output);
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
