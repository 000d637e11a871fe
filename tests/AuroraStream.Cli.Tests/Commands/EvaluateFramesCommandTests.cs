using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary><c>evaluate frames</c> as a user runs it: which frames it scores, and what it says about them.</summary>
public sealed class EvaluateFramesCommandTests
{
    private static readonly string Model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");
    private static readonly string Labels = RepoPaths.Data("real-skies", "real-skies-labels.csv");

    [Fact]
    public async Task Frames_OverlappingInputs_ScoresEveryFrameOnce_AndNotesTheDuplicatesSkipped()
    {
        // The folder, a file inside it (20 frames), and the folder again by another spelling of its path
        // (120 frames): 120 frames to score, 140 reached a second time.
        var again = Path.Combine(RepoPaths.Stream0Folder, "..", "stream0-pgm") + Path.DirectorySeparatorChar;

        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--labels", Labels, RepoPaths.Stream0Folder, RepoPaths.Stream0Gz, again);

        Assert.True(code == 0, error);
        Assert.Contains(" on 120 frames", output, StringComparison.Ordinal);
        Assert.Contains("support ", output, StringComparison.Ordinal);
        var note = Assert.Single(Lines(error), l => l.Contains("duplicate", StringComparison.Ordinal));
        Assert.StartsWith("note: 140 duplicate frame(s) skipped", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_LabelsGivenAsAFolder_AreRead_AMissingLabelFileIsNamed()
    {
        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--labels", Path.GetDirectoryName(Labels)!, RepoPaths.Stream0Gz);

        Assert.True(code == 0, error);
        Assert.Contains(" on 20 frames", output, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("evaluate", "frames", "--model", Model, "--labels", Labels + ".missing", RepoPaths.Stream0Gz);

        Assert.Equal(2, code);
        Assert.Contains($"error: {Labels}.missing: no such file or directory", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_L1Thumbnails_AreRefusedByNameAsClassifyRefusesThem_NotCountedAsUnlabelled()
    {
        // The l1-cdf folder holds the Gakona full-resolution file (23 labelled frames) and a file of
        // 32x32 thumbnails, which classify refuses and which no model input could be made of.
        var thumbnails = Path.Combine(Path.GetDirectoryName(RepoPaths.L1AsfCdf)!, "thg_l1_ast_gako_20110505_v01.cdf");

        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--labels", Labels, Path.GetDirectoryName(RepoPaths.L1AsfCdf)!);

        Assert.Equal(2, code);
        Assert.Contains(" on 23 frames", output, StringComparison.Ordinal);
        var refusal = Assert.Single(Lines(error), l => l.Contains(thumbnails, StringComparison.Ordinal));
        Assert.Contains("wrong dimensions: 32x32, expected 256x256", refusal, StringComparison.Ordinal);
        Assert.Contains("frames refused)", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("left out: no row", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_TwoCopiesOfAFile_AreScoredOnce_AndTheRepeatsNamed()
    {
        // A byte-identical copy of a Gillam 2014 minute in another folder: 20 frames, not 40.
        using var temp = new TempFolder();
        File.Copy(RepoPaths.Stream0Gz, Path.Combine(temp.Path, Path.GetFileName(RepoPaths.Stream0Gz)));

        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--labels", Labels, RepoPaths.Stream0Gz, temp.Path);

        Assert.True(code == 0, error);
        Assert.Contains(" on 20 frames", output, StringComparison.Ordinal);
        Assert.Contains("warning: 20 frame(s) repeat the site and capture time of a frame already read and were skipped", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_DistinctInputs_NoDuplicateNote()
    {
        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--labels", Labels, RepoPaths.Stream0Gz, RepoPaths.L1AsfCdf);

        Assert.True(code == 0, error);
        Assert.Contains(" on 43 frames", output, StringComparison.Ordinal);
        Assert.DoesNotContain("duplicate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_Synthetic_SummaryNamesTheGeneratorAndSeed()
    {
        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--synthetic", "12", "--synthetic-seed", "5", "--generator", "legacy");

        Assert.True(code == 0, error);
        var summary = Assert.Single(Lines(output), l => l.StartsWith("evaluate: ", StringComparison.Ordinal));
        Assert.Contains("on 12 frames (12 synthetic: legacy generator, seed 5)", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_SyntheticOverSeveralSeeds_NamesTheSeedsAndScoresEach()
    {
        var (code, output, error) = await RunAsync("evaluate", "frames", "--model", Model, "--synthetic", "12", "--synthetic-seed", "5", "--synthetic-seeds", "3", "--generator", "legacy");

        Assert.True(code == 0, error);
        var summary = Assert.Single(Lines(output), l => l.StartsWith("evaluate: ", StringComparison.Ordinal));
        Assert.Contains("on 12 frames (12 synthetic: legacy generator, seeds 5-7)", summary, StringComparison.Ordinal);
        var perSeed = Assert.Single(Lines(output), l => l.StartsWith("  synthetic per seed: ", StringComparison.Ordinal));
        Assert.Matches(@"^  synthetic per seed: 5 [01]\.\d{3} \(4\), 6 [01]\.\d{3} \(4\), 7 [01]\.\d{3} \(4\); standard deviation \d\.\d{3}$", perSeed);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}
