using AuroraStream.Cli.Commands;
using AuroraStream.Core.Preprocessing;
using AuroraStream.Core;
using AuroraStream.Synthetic;
using AuroraStream.TestUtilities;

namespace AuroraStream.Cli.Tests.Commands;

public sealed class TrainingInputsTests
{
    [Fact]
    public void Join_AFrameLabelledTwoWays_IsLeftOut_AndTheConflictNamesBothFiles_ALabelRepeatedAlikeJoinsOnce()
    {
        using var temp = new TempFolder();
        var t0 = new DateTime(2014, 3, 10, 6, 0, 0, 63, DateTimeKind.Utc);
        var t1 = t0.AddSeconds(3);
        var first = temp.Write("a.csv", System.Text.Encoding.ASCII.GetBytes($"time,site,label\n{t0:O},gill,moon\n{t1:O},gill,moon\n"));
        var second = temp.Write("b.csv", System.Text.Encoding.ASCII.GetBytes($"time,site,label\n{t0:O},gill,arc\n{t1:O},gill,moon\n"));
        PreparedFrame[] frames = [new("gill", t0, "f", 0, []), new("gill", t1, "f", 1, [])];
        var failures = new List<string>();

        var joined = TrainingInputs.Join(frames, [first, second], failures);

        var only = Assert.Single(joined);
        Assert.Equal((t1, AuroraClass.Moon), (only.Frame.Time, only.Class));
        var failure = Assert.Single(failures);
        Assert.Contains($"{second}: gill 2014-03-10T06:00:00.063000Z is labelled arc here and moon in {first}: the frame is left out", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void DropRepeats_TwoCopiesOfAFile_EachFrameKeptOnce_TheFirstRepeatNamedWithWhatItRepeats()
    {
        // Two copies of one minute (samples/ and tests/data hold some) read through different paths.
        using var temp = new TempFolder();
        var copy = Path.Combine(temp.Path, Path.GetFileName(RepoPaths.Stream0Gz));
        File.Copy(RepoPaths.Stream0Gz, copy);
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = 16 });
        var failures = new List<string>();
        var frames = TrainingInputs.LoadFrames([RepoPaths.Stream0Gz, copy], preprocessor, failures);
        var warnings = new List<string>();

        var kept = TrainingInputs.DropRepeats(frames, "used in training", warnings.Add);

        Assert.Empty(failures);
        Assert.Equal((40, 20), (frames.Count, kept.Count));
        Assert.All(kept, f => Assert.Equal(RepoPaths.Stream0Gz, f.File));
        Assert.Equal(20, kept.Select(f => f.Time).Distinct().Count());
        var warning = Assert.Single(warnings);
        Assert.StartsWith($"warning: 20 frame(s) repeat the site and capture time of a frame already read and were skipped (each frame is used in training once); first: {copy} frame 0 repeats {RepoPaths.Stream0Gz} frame 0 (gill 2014-03-10T06:00:00.063Z)", warning, StringComparison.Ordinal);

        warnings.Clear();
        Assert.Equal(20, TrainingInputs.DropRepeats(kept, "scored", warnings.Add).Count);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Contributing_NamesTheInputsHoldingAUsedFile_FolderOrFile_InTheOrderGiven()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("a"));
        Directory.CreateDirectory(temp.File("ab"));
        var used = temp.Write(Path.Combine("a", "x.pgm"), [1]);
        var unused = temp.Write(Path.Combine("ab", "y.pgm"), [1]);

        Assert.Equal([temp.File("a")], TrainingInputs.Contributing([temp.File("ab"), temp.File("a")], [used]));
        Assert.Equal([unused, temp.Path], TrainingInputs.Contributing([unused, temp.Path, temp.File("a")], [unused]));
        Assert.Empty(TrainingInputs.Contributing([temp.File("a")], []));
    }

    [Fact]
    public void Synthetic_PreparedInParallel_EachFrameIsItsOwnPreprocessedDraw()
    {
        // Frames are drawn and preprocessed on several threads; a preprocessor shared between them
        // mixed frames' histograms and scratch images (found in the stream, fixed in both places).
        var parameters = new PreprocessingParameters { OutputSize = 32 };

        var prepared = TrainingInputs.Synthetic(200, 17, new FramePreprocessor(parameters));

        var sky = new SyntheticSky(new SyntheticSkyOptions { Seed = 17 });
        var alone = new FramePreprocessor(parameters);
        var expected = new float[alone.OutputLength];
        Assert.Equal(200, prepared.Count);
        for (var i = 0; i < prepared.Count; i++)
        {
            var drawn = sky.Draw(i);
            alone.Process(drawn.Frame.Pixels.Span, drawn.Frame.Width, drawn.Frame.Height, expected);
            Assert.True(expected.AsSpan().SequenceEqual(prepared[i].Frame.Pixels), $"synthetic frame {i} differs from its own preprocessing");
            Assert.Equal(drawn.Class, prepared[i].Class);
        }
    }
}
