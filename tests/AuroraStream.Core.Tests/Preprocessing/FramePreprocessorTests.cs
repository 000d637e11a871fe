using AuroraStream.Core.Preprocessing;
using AuroraStream.Formats.Stream0;
using AuroraStream.TestUtilities;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Core.Tests.Preprocessing;

public sealed class FramePreprocessorTests
{
    [Theory]
    [InlineData("20140310_0600_gill_themis19_full.pgm.gz", 128)]
    [InlineData("20140310_0600_gill_themis19_full.pgm.gz", 224)]
    [InlineData("20140310_0603_gill_themis19_full.pgm.gz", 128)]
    [InlineData("20140310_0603_gill_themis19_full.pgm.gz", 224)]
    public void Process_RealFrame_MatchesTheNumpyReference(string file, int size)
    {
        using var doc = ExpectedValues.Document("preprocessing.json");
        var e = doc.RootElement.GetProperty($"{file}:{size}");
        var frame = Stream0PgmReader.ReadFile(Path.Combine(RepoPaths.Stream0Folder, file)).First();
        var preprocessor = new FramePreprocessor(new PreprocessingParameters { OutputSize = size });
        var output = new float[size * size];

        preprocessor.Process(frame.Pixels.Span, frame.Width, frame.Height, output);

        Assert.Equal(e.GetProperty("p1").GetDouble(), FramePreprocessor.Percentile(frame.Pixels.Span, 1), 9);
        Assert.Equal(e.GetProperty("p99").GetDouble(), FramePreprocessor.Percentile(frame.Pixels.Span, 99), 9);
        Assert.Equal(e.GetProperty("sum").GetDouble(), output.Sum(v => (double)v), 2);
        Assert.Equal(e.GetProperty("max").GetDouble(), output.Max(), 6);
        Assert.Equal(e.GetProperty("center").GetDouble(), output[(size / 2 * size) + (size / 2)], 5);
        Assert.Equal(e.GetProperty("at_40_60").GetDouble(), output[(40 * size) + 60], 5);
        Assert.Equal(e.GetProperty("nonzero").GetInt32(), output.Count(v => v > 0));
    }

    [Fact]
    public void Process_ConstantFrame_BecomesZeros()
    {
        var output = new float[16 * 16];
        Array.Fill(output, 7f);

        new FramePreprocessor(new PreprocessingParameters { OutputSize = 16 }).Process(Enumerable.Repeat((ushort)3000, 64 * 64).ToArray(), 64, 64, output);

        Assert.All(output, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Process_MostlyOneValue_FallsBackToMinMax()
    {
        // 99% of pixels equal: p1 == p99, so the frame is scaled by its min and max instead.
        var pixels = Enumerable.Repeat((ushort)3000, 100 * 100).ToArray();
        pixels[0] = 3500;
        var output = new float[100 * 100];

        new FramePreprocessor(new PreprocessingParameters { OutputSize = 100, MaskRadiusFraction = 0 }).Process(pixels, 100, 100, output);

        Assert.Equal(1f, output[0]);
        Assert.Equal(0f, output[1]);
    }

    [Fact]
    public void Process_ElevationCutoff_MasksLowPixels()
    {
        var pixels = Enumerable.Range(0, 8 * 8).Select(i => (ushort)(1000 + (i * 37))).ToArray();
        var elevation = Enumerable.Range(0, 64).Select(i => i % 8 < 4 ? 5f : 45f).ToArray();
        elevation[63] = float.NaN;
        var output = new float[64];

        new FramePreprocessor(new PreprocessingParameters { OutputSize = 8, MaskRadiusFraction = 0, MinElevationDegrees = 10 }).Process(pixels, 8, 8, output, elevation);

        Assert.All(Enumerable.Range(0, 64).Where(i => i % 8 < 4 || i == 63), i => Assert.Equal(0f, output[i]));
        Assert.True(output[62] > 0);
    }

    [Fact]
    public void Parameters_Invalid_AreNamed()
    {
        Assert.Contains("OutputSize", Assert.Throws<ArgumentOutOfRangeException>(() => new FramePreprocessor(new PreprocessingParameters { OutputSize = 4 })).Message, StringComparison.Ordinal);
        Assert.Contains("LowPercentile", Assert.Throws<ArgumentOutOfRangeException>(() => new FramePreprocessor(new PreprocessingParameters { LowPercentile = 99, HighPercentile = 1 })).Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 200)]
    public Property Process_AnyFrame_StaysWithinZeroAndOneAndZeroOutsideTheCircle(int seed)
    {
        var random = new Random(seed);
        var pixels = Enumerable.Range(0, 32 * 32).Select(_ => (ushort)random.Next(65536)).ToArray();
        var output = new float[32 * 32];

        new FramePreprocessor(new PreprocessingParameters { OutputSize = 32 }).Process(pixels, 32, 32, output);

        return (output.All(v => v is >= 0 and <= 1) && output[0] == 0 && output[31] == 0 && output[32 * 31] == 0).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property Percentile_MatchesSortedRankInterpolation(int seed)
    {
        var random = new Random(seed);
        var pixels = Enumerable.Range(0, 1 + random.Next(500)).Select(_ => (ushort)random.Next(65536)).ToArray();
        var p = random.NextDouble() * 100;
        var sorted = pixels.Order().ToArray();
        var h = (sorted.Length - 1) * p / 100;
        var lo = (int)Math.Floor(h);
        var expected = sorted[lo] + ((h - lo) * (sorted[Math.Min(lo + 1, sorted.Length - 1)] - sorted[lo]));
        return (Math.Abs(FramePreprocessor.Percentile(pixels, p) - expected) < 1e-9).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property Process_EveryPixel_IsTheScalingFormulaExactly(int seed)
    {
        // The scaling is applied through a table over the frame's count range, with the counts beyond
        // the percentiles filled as 0 and 1: each value must still be the formula's, bit for bit,
        // including saturated pixels and percentiles that fall between two counts.
        var random = new Random(seed);
        var floor = random.Next(60000);
        var spread = 1 + random.Next(65536 - floor);
        var pixels = Enumerable.Range(0, 24 * 24).Select(_ => random.Next(10) == 0 ? ushort.MaxValue : (ushort)(floor + random.Next(spread))).ToArray();
        var low = random.NextDouble() * 20;
        var parameters = new PreprocessingParameters { OutputSize = 24, MaskRadiusFraction = 0, LowPercentile = low, HighPercentile = low + 1 + (random.NextDouble() * (99 - low)) };
        var output = new float[24 * 24];

        new FramePreprocessor(parameters).Process(pixels, 24, 24, output);

        var p1 = FramePreprocessor.Percentile(pixels, parameters.LowPercentile);
        var scale = FramePreprocessor.Percentile(pixels, parameters.HighPercentile) - p1;
        if (scale <= 0)
        {
            p1 = pixels.Min();
            scale = pixels.Max() - p1;
        }

        var expected = pixels.Select(p => scale > 0 ? (float)Math.Clamp((p - p1) * (1.0 / scale), 0, 1) : 0f).ToArray();
        return expected.AsSpan().SequenceEqual(output).Label($"low {p1}, scale {scale}");
    }

    [Property(MaxTest = 100)]
    public Property Process_OneInstanceOverManyFramesAndSizes_SameAsAFreshInstanceWithThePerPixelMask(int seed)
    {
        // The preprocessor keeps its histogram and disk runs between frames; reuse must not change a result,
        // and the disk's row runs must mask exactly what the per-pixel test does.
        var random = new Random(seed);
        var parameters = new PreprocessingParameters { OutputSize = 16, MaskRadiusFraction = 0.5 + random.NextDouble() };
        var reused = new FramePreprocessor(parameters);
        for (var n = 0; n < 4; n++)
        {
            var size = 16 * (1 + random.Next(3)) + (random.Next(2) * 5);
            var floor = random.Next(60000);
            var pixels = Enumerable.Range(0, size * size).Select(_ => (ushort)(floor + random.Next(65536 - floor))).ToArray();
            var expected = new float[16 * 16];
            var actual = new float[16 * 16];
            // The reference: the per-pixel mask path (an elevation map that masks nothing beyond the disk).
            var elevation = Enumerable.Repeat(90f, size * size).ToArray();
            new FramePreprocessor(parameters with { MinElevationDegrees = 1 }).Process(pixels, size, size, expected, elevation);
            reused.Process(pixels, size, size, actual);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                return false.ToProperty();
            }
        }

        return true.ToProperty();
    }

    [Fact]
    public void Process_OneInstanceCalledFromTwoThreadsAtOnce_RefusesTheOverlapAndNeverReturnsAMixedFrame()
    {
        // Two different frames through one instance from two threads: overlapping calls must throw, and
        // every call that returns must have produced its own frame exactly (the shared scratch state untouched).
        var parameters = new PreprocessingParameters();
        var frames = new[] { 11, 12 }.Select(seed => new Random(seed)).Select(r => Enumerable.Range(0, 256 * 256).Select(_ => (ushort)r.Next(2000, 60000)).ToArray()).ToArray();
        var expected = frames.Select(f =>
        {
            var output = new float[parameters.OutputSize * parameters.OutputSize];
            new FramePreprocessor(parameters).Process(f, 256, 256, output);
            return output;
        }).ToArray();
        var shared = new FramePreprocessor(parameters);
        using var start = new Barrier(2);
        var refused = new int[2];
        var wrong = new int[2];

        var threads = Enumerable.Range(0, 2).Select(worker => new Thread(() =>
        {
            var output = new float[parameters.OutputSize * parameters.OutputSize];
            start.SignalAndWait();
            for (var i = 0; i < 400; i++)
            {
                try
                {
                    shared.Process(frames[worker], 256, 256, output);
                }
                catch (InvalidOperationException)
                {
                    refused[worker]++;
                    continue;
                }

                wrong[worker] += output.AsSpan().SequenceEqual(expected[worker]) ? 0 : 1;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal([0, 0], wrong);
        Assert.True(refused.Sum() > 0, "800 calls from two threads never overlapped");

        // The instance is usable again once the calls are over.
        var after = new float[parameters.OutputSize * parameters.OutputSize];
        shared.Process(frames[0], 256, 256, after);
        Assert.Equal(expected[0], after);
    }
}
