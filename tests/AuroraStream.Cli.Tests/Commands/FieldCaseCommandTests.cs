using AuroraStream.Core;
using AuroraStream.Formats.Stream0;
using AuroraStream.TestUtilities;
using static AuroraStream.Cli.Tests.Commands.CliRunner;

namespace AuroraStream.Cli.Tests.Commands;

/// <summary>The field cases (tests/data/field-cases) as a user meets them: named, counted, exit 2, and the rest goes on.</summary>
[Collection("cli stream")]
public sealed class FieldCaseCommandTests
{
    private static readonly string Model = Path.Combine(RepoPaths.Root, "onnx-models", "aurorastream-compact.onnx");

    [Fact]
    public async Task Inspect_FieldCases_NamesEachBadInputKeepsTheCompleteFramesAndExitsTwo()
    {
        var truncated = RepoPaths.Data("field-cases", "stream0-truncated");
        var poison = RepoPaths.Data("field-cases", "poison-site");

        var (code, output, error) = await RunAsync("inspect", "--json", truncated, poison);

        Assert.Equal(2, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 + 5 + 10, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains("gill\\\\", StringComparison.Ordinal));
        Assert.Contains($"error: {truncated}/20200101_0600_gill_themis99_full.pgm.gz: frame 2: truncated gzip: the file ends at byte 238233 inside the deflate data", error, StringComparison.Ordinal);
        Assert.Contains($"error: {truncated}/20200101_0602_gill_themis99_full.pgm.gz: after frame 4: truncated gzip: the member at byte 0 ends at byte 397048 without its 8-byte trailer", error, StringComparison.Ordinal);
        Assert.Contains($"error: {truncated}/20200101_0603_gill_themis99_full.pgm.gz: empty file (0 bytes)", error, StringComparison.Ordinal);
        Assert.Contains($"error: {poison}/20200101_0601_gill_themis99_full.pgm.gz: frame 0: site 'gill\\' is not a site code: expected 4 lower-case ASCII letters, as THEMIS uses (e.g. gill) (5 frames refused)", error, StringComparison.Ordinal);
        Assert.Contains("inspected 6 file(s): 17 frame(s); 4 failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_TruncatedFiles_ClassifiesTheCompleteFramesBeforeTheCut()
    {
        var truncated = RepoPaths.Data("field-cases", "stream0-truncated");

        var (code, output, error) = await RunAsync("classify", "--model", Model, truncated);

        // Both cut files are copies of one minute (06:00:00 on): the 0602 file's first two frames repeat the
        // 0600 file's two complete ones, so 5 frames get a label, not 2 + 5.
        Assert.Equal(2, code);
        Assert.Equal(5, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("warning: 2 frame(s) repeat the site and capture time of a frame already classified", error, StringComparison.Ordinal);
        Assert.Contains("classify: 5 frames with aurorastream-compact, 3 input(s) failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_PoisonSite_ClassifiesTheGoodFramesAndNamesTheRefusedOnes()
    {
        var poison = RepoPaths.Data("field-cases", "poison-site");

        var (code, output, error) = await RunAsync("classify", "--model", Model, poison);

        Assert.Equal(2, code);
        Assert.Equal(10, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"error: {poison}/20200101_0601_gill_themis99_full.pgm.gz: frame 0: site 'gill\\' is not a site code", error, StringComparison.Ordinal);
        Assert.Contains("classify: 10 frames with aurorastream-compact, 1 input(s) failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_Thumbnails_AreRefusedAsTheStreamRefusesThem()
    {
        // 32x32 L1 thumbnails: the stream dead-letters them (wrong dimensions); classify labelled them.
        var (code, output, error) = await RunAsync("classify", "--model", Model, RepoPaths.L1AstCdf, RepoPaths.L1AsfCdf);

        Assert.Equal(2, code);
        Assert.Equal(23, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"error: {RepoPaths.L1AstCdf}: frame 0: wrong dimensions: 32x32, expected 256x256", error, StringComparison.Ordinal);
        Assert.Contains("(1075 frames refused)", error, StringComparison.Ordinal);
        Assert.Contains("classify: 23 frames with aurorastream-compact, 1 input(s) failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_PoisonSite_WritesTenFramesDeadLettersFiveWithTheReasonAndExitsTwo()
    {
        using var temp = new TempFolder();

        var (code, output, error) = await RunAsync("demo", "--input", RepoPaths.Data("field-cases", "poison-site"), "--out", temp.Path, "--model", Model);

        Assert.Equal(2, code);
        Assert.Contains("demo: 10 frames written to", output, StringComparison.Ordinal);
        Assert.Contains(", 5 dead-lettered", output, StringComparison.Ordinal);

        // The per-site table's dead-letter column adds up to the total: the refused frames have no site of their own.
        char[] bars = ['│', '|'];
        var rows = output.Split('\n').Where(l => l.IndexOfAny(bars) >= 0).Select(l => l.Split(bars, StringSplitOptions.TrimEntries)).ToList();
        Assert.Equal("5", Assert.Single(rows, r => r.Contains("(no valid site)"))[^2]);
        Assert.Equal(5, rows.Where(r => int.TryParse(r[^2], out _)).Sum(r => int.Parse(r[^2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(5, error.Split('\n').Count(l => l.StartsWith("error: dead-lettered (validate): 20200101_0601_gill_themis99_full.pgm.gz#", StringComparison.Ordinal) && l.Contains("site 'gill\\' is not a site code", StringComparison.Ordinal)));
        Assert.Equal(10, File.ReadLines(Path.Combine(temp.Path, "aurora.lp")).Count(l => l.StartsWith("aurora_frame,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Demo_MissingInput_OneLineExitTwo_NothingStarted()
    {
        using var temp = new TempFolder();

        var (code, output, error) = await RunAsync("demo", "--input", temp.File("nonexistent"), "--out", temp.File("out"), "--model", Model);

        Assert.Equal(2, code);
        Assert.Equal($"error: {temp.File("nonexistent")}: no such file or directory", error.Trim());
        Assert.Empty(output);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public async Task Demo_RunTwiceIntoTheSameFolder_KeepsOneRowPerFrame()
    {
        using var temp = new TempFolder();
        var input = RepoPaths.Data("field-cases", "poison-site", "20200101_0600_gill_themis99_full.pgm.gz");

        for (var run = 0; run < 2; run++)
        {
            var (code, _, error) = await RunAsync("demo", "--input", input, "--out", temp.Path, "--model", Model);
            Assert.True(code == 0, error);
        }

        Assert.Equal(5, File.ReadLines(Path.Combine(temp.Path, "labels.csv")).Count() - 1);
        Assert.Equal(5, File.ReadLines(Path.Combine(temp.Path, "aurora.lp")).Count(l => l.StartsWith("aurora_frame,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Classify_NoiseFrames_AreUncertainWithTheirStructure_TheRealFramesBesideThemAreNot()
    {
        // A camera reading out noise at sky-like counts: the model called it arc, p = 0.86.
        using var temp = new TempFolder();
        var random = new Random(2);
        var frames = Enumerable.Range(0, 3).Select(k =>
        {
            var pixels = new ushort[256 * 256];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (ushort)random.Next(3000, 3601);
            }

            return new AllSkyFrame("gill", "themis19", new DateTime(2016, 10, 29, 4, 0, 3 * k, DateTimeKind.Utc), 256, 256, pixels, 1000, default);
        }).ToList();
        var noise = Path.Combine(temp.Path, "20161029_0400_gill_themis19_full.pgm.gz");
        Stream0PgmWriter.WriteFile(noise, frames);

        var (code, output, error) = await RunAsync("classify", "--model", Model, "--json", noise, RepoPaths.Data("themis-asi", "stream0-from-npz"));

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(23, lines.Count);
        var fromNoise = lines.Where(l => l.GetProperty("file").GetString() == noise).ToList();
        Assert.Equal(3, fromNoise.Count);
        Assert.All(fromNoise, l =>
        {
            Assert.Equal("uncertain", l.GetProperty("label").GetString());
            Assert.InRange(l.GetProperty("structure").GetDouble(), -0.1, 0.1);
            Assert.StartsWith("no-structure", l.GetProperty("uncertain_reason").GetString(), StringComparison.Ordinal);
        });
        Assert.All(lines.Except(fromNoise), l =>
        {
            Assert.NotEqual("uncertain", l.GetProperty("label").GetString());
            Assert.True(l.GetProperty("structure").GetDouble() >= 0.8);
            Assert.False(l.TryGetProperty("uncertain_reason", out _));
        });
    }

    [Fact]
    public async Task Demo_TruncatedFieldCasesAndATimeBeyond2262_CountsEachInputFailureAndPublishesTheCompleteFrames()
    {
        using var temp = new TempFolder();
        var input = Path.Combine(temp.Path, "in");
        foreach (var file in Directory.GetFiles(RepoPaths.Data("field-cases", "stream0-truncated")))
        {
            temp.Write(Path.Combine("in", Path.GetFileName(file)), File.ReadAllBytes(file));
        }

        var template = Stream0PgmReader.ReadFile(RepoPaths.Data("field-cases", "poison-site", "20200101_0602_gill_themis99_full.pgm.gz")).First();
        Stream0PgmWriter.WriteFile(Path.Combine(input, "26000101_0000_gill_themis99_full.pgm.gz"), [new AllSkyFrame("gill", "themis99", new DateTime(2600, 1, 1, 0, 0, 0, DateTimeKind.Utc), 256, 256, template.Pixels, 1000, default)]);

        var (code, output, error) = await RunAsync("demo", "--input", input, "--out", Path.Combine(temp.Path, "out"), "--model", Model);

        Assert.Equal(2, code);
        Assert.Contains("demo: 7 frames written to", output, StringComparison.Ordinal);
        Assert.Contains("20200101_0600_gill_themis99_full.pgm.gz: frame 2: truncated gzip", error, StringComparison.Ordinal);
        Assert.Contains("20200101_0602_gill_themis99_full.pgm.gz: after frame 4: truncated gzip", error, StringComparison.Ordinal);
        Assert.Contains("20200101_0603_gill_themis99_full.pgm.gz: empty file (0 bytes)", error, StringComparison.Ordinal);
        Assert.Contains("capture time 2600-01-01T00:00:00.000000Z cannot be sent", error, StringComparison.Ordinal);
        Assert.DoesNotContain("2015-06-13", File.ReadAllText(Path.Combine(temp.Path, "out", "labels.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PlausibleWindowSettingOutOfRange_FailsNamingTheSetting()
    {
        var (code, _, error) = await RunAsync("run", "--set", "Pipeline:EarliestCaptureTime=1800-01-01", "--bootstrap", "127.0.0.1:1");

        Assert.Equal(2, code);
        Assert.Contains("Pipeline:EarliestCaptureTime must be within 1970-01-01..2200-01-01 (UTC)", error, StringComparison.Ordinal);
    }
}
