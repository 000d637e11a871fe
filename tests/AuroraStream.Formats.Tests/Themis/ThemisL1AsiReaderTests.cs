using System.Globalization;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Formats;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.Tests.Cdf;
using AuroraStream.Formats.Themis;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.Themis;

public sealed class ThemisL1AsiReaderTests
{
    [Theory]
    [InlineData("thg_l1_asf_gako_2011010617_v01.cdf", 23, 256, "themis-asf")]
    [InlineData("thg_l1_ast_gako_20110505_v01.cdf", 1075, 32, "themis-ast")]
    public void ReadFile_RealFixture_MatchesIndependentDecodingFrameByFrame(string name, int count, int size, string imager)
    {
        var expected = ExpectedValues.Frames[name];

        var frames = ThemisL1AsiReader.ReadFile(Path.Combine(RepoPaths.L1CdfFolder, name)).ToList();

        Assert.Equal(count, frames.Count);
        Assert.Equal(expected.Length, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            var stats = f.ComputeStatistics();
            Assert.Equal(("gako", imager, size, size), (f.Site, f.Imager, f.Width, f.Height));
            Assert.Equal(expected[i].Time, f.CaptureTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            Assert.Equal((expected[i].Min, expected[i].Max, expected[i].Sum), ((int)stats.Min, (int)stats.Max, stats.Sum));
            Assert.Equal(expected[i].Sha256, ExpectedValues.PixelSha256(f.Pixels.Span));
        }
    }

    [Fact]
    public void ReadFile_FullResolution_ExposureIsEndMinusStart()
    {
        var frames = ThemisL1AsiReader.ReadFile(RepoPaths.L1AsfCdf).ToList();

        Assert.All(frames, f => Assert.InRange(f.ExposureMs!.Value, 900, 1000));
        Assert.Equal(981.72, frames[0].ExposureMs!.Value, 3);
    }

    [Fact]
    public void Read_FrameCubeLayout_YieldsFramesFromTheLastAxis()
    {
        // 2024+ layout: one [rows, columns, frames] cube, per-frame times in _time.
        const int rows = 4, columns = 5, count = 3;
        var cube = new ushort[rows * columns * count];
        for (var p = 0; p < rows * columns; p++)
        {
            for (var f = 0; f < count; f++)
            {
                cube[(p * count) + f] = (ushort)((f * 100) + p);
            }
        }

        var t0 = new DateTime(2024, 2, 1, 6, 0, 0, DateTimeKind.Utc);
        var times = Enumerable.Range(0, count).Select(i => (Array)new[] { (t0.AddSeconds(3 * i) - DateTime.UnixEpoch).TotalSeconds }).ToArray();
        var bytes = new CdfTestWriter { Gzip = true }
            .AddVariable("thg_asf_fsmi", CdfTestWriter.Uint2, [rows, columns, count], false, cube)
            .AddVariable("thg_asf_fsmi_time", CdfTestWriter.Real8, [], true, times)
            .Build();

        using var cdf = CdfFile.Open(new MemoryStream(bytes), "cube.cdf");
        var frames = ThemisL1AsiReader.Read(cdf).ToList();

        Assert.Equal(count, frames.Count);
        for (var f = 0; f < count; f++)
        {
            Assert.Equal((columns, rows), (frames[f].Width, frames[f].Height));
            Assert.Equal(t0.AddSeconds(3 * f), frames[f].CaptureTime);
            Assert.Equal(Enumerable.Range(0, rows * columns).Select(p => (ushort)((f * 100) + p)), frames[f].Pixels.ToArray());
        }
    }

    [Fact]
    public void Read_CdfWithoutImageVariable_SaysItIsNotThemisAsi()
    {
        var bytes = File.ReadAllBytes(RepoPaths.L1AsfCdf);
        Replace(bytes, "thg_asf_gako\0", "thg_mag_gako\0");

        using var cdf = CdfFile.Open(new MemoryStream(bytes), "mag.cdf");
        var e = Assert.Throws<InvalidDataException>(() => ThemisL1AsiReader.Read(cdf).ToList());

        Assert.Contains("not a THEMIS ASI L1 product", e.Message, StringComparison.Ordinal);
        Assert.Equal(FormatErrorKind.NotThemisAsi, FormatErrors.KindOf(e));
    }

    [Fact]
    public void Read_TruncatedAtEveryRecordBoundary_FailsCleanlyAfterExactFrames()
    {
        var bytes = File.ReadAllBytes(RepoPaths.L1AsfCdf);
        var expected = ExpectedValues.Frames[Path.GetFileName(RepoPaths.L1AsfCdf)];
        var cuts = CdfFileTests.RecordBoundaries(bytes).SelectMany(b => new[] { b, b + 5, b + 13 }).Where(c => c < bytes.Length).ToList();
        Assert.True(cuts.Count > 60, $"expected many record boundaries, found {cuts.Count}");

        foreach (var cut in cuts)
        {
            var frames = new List<AllSkyFrame>();
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                using var cdf = CdfFile.Open(new MemoryStream(bytes[..(int)cut]), $"cut{cut}.cdf");
                frames.AddRange(ThemisL1AsiReader.Read(cdf));
            });

            Assert.StartsWith($"cut{cut}.cdf", e.Message, StringComparison.Ordinal);
            Assert.Matches(@"\(byte offset \d+\)$", e.Message);
            for (var i = 0; i < frames.Count; i++)
            {
                Assert.Equal(expected[i].Sha256, ExpectedValues.PixelSha256(frames[i].Pixels.Span));
            }
        }
    }

    [Fact]
    public void Read_RandomBitFlips_EitherDecodesOrThrowsInvalidData()
    {
        var original = File.ReadAllBytes(RepoPaths.L1AsfCdf);
        var boundaries = CdfFileTests.RecordBoundaries(original);
        var random = new Random(2011010617);
        for (var trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = 0; k < 1 + random.Next(4); k++)
            {
                // Mostly inside descriptor records (the first 400 bytes after a boundary), some anywhere.
                var at = random.Next(3) == 0
                    ? random.Next(bytes.Length)
                    : (int)Math.Min(bytes.Length - 1, boundaries[random.Next(boundaries.Count)] + random.Next(400));
                bytes[at] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                using var cdf = CdfFile.Open(new MemoryStream(bytes), $"flip{trial}.cdf");
                foreach (var frame in ThemisL1AsiReader.Read(cdf))
                {
                    Assert.Equal(frame.Width * frame.Height, frame.Pixels.Length);
                }
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith($"flip{trial}.cdf", e.Message, StringComparison.Ordinal);
            }
        }
    }

    private static void Replace(byte[] bytes, string from, string to)
    {
        var needle = Encoding.ASCII.GetBytes(from);
        var replaced = 0;
        for (var at = bytes.AsSpan().IndexOf(needle); at >= 0; at = bytes.AsSpan().IndexOf(needle))
        {
            Encoding.ASCII.GetBytes(to).CopyTo(bytes, at);
            replaced++;
        }

        Assert.True(replaced > 0);
    }
}
