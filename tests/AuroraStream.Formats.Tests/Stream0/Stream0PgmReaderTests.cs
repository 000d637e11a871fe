using System.Globalization;
using System.IO.Compression;
using System.Text;
using AuroraStream.Core;
using AuroraStream.Formats;
using AuroraStream.Formats.Stream0;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.Stream0;

public sealed class Stream0PgmReaderTests
{
    public static TheoryData<string> Fixtures() => [.. Directory.GetFiles(RepoPaths.Stream0Folder).Select(p => Path.GetFileName(p)).Order()];

    public static TheoryData<string, string> OtherImagers() => new()
    {
        { "20220307_0600_gill_nir-216_8446.pgm.gz", "TREx near-infrared imager" },
        { "20230503_0600_luck_spect-02_spectra.pgm.gz", "TREx spectrograph" },
        { "20130205_0500_rabb_rainbow-08_full.pgm.gz", "Rainbow colour imager" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadFile_RealFixture_MatchesIndependentDecodingFrameByFrame(string name)
    {
        var expected = ExpectedValues.Frames[name];

        var frames = Stream0PgmReader.ReadFile(Path.Combine(RepoPaths.Stream0Folder, name)).ToList();

        Assert.Equal(expected.Length, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            var stats = f.ComputeStatistics();
            Assert.Equal(i, f.Origin.Index);
            Assert.Equal(expected[i].Time, f.CaptureTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            Assert.Equal((expected[i].Min, expected[i].Max, expected[i].Sum), ((int)stats.Min, (int)stats.Max, stats.Sum));
            Assert.Equal(expected[i].Sha256, ExpectedValues.PixelSha256(f.Pixels.Span));
        }
    }

    [Fact]
    public void ReadFile_FirstFrame_CarriesFileLevelKeysAndPerFrameExposure()
    {
        var frames = Stream0PgmReader.ReadFile(RepoPaths.Stream0Gz).ToList();

        Assert.All(frames, f =>
        {
            Assert.Equal("gill", f.Site);
            Assert.Equal("themis19", f.Imager);
            Assert.Equal(256, f.Width);
            Assert.Equal(256, f.Height);
            Assert.Equal(999, f.ExposureMs);
        });
        Assert.Equal(new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc).AddTicks(631190), frames[0].CaptureTime);
    }

    [Fact]
    public void ReadFile_PlainAndGzip_DecodeTheSameWay()
    {
        using var temp = new TempFolder();
        var plain = File.ReadAllBytes(RepoPaths.Stream0Plain);
        var gz = temp.Write("20140310_0605_gill_themis19_full.pgm.gz", Gzip(plain));

        var fromPlain = Stream0PgmReader.ReadFile(RepoPaths.Stream0Plain).Select(f => ExpectedValues.PixelSha256(f.Pixels.Span));
        var fromGz = Stream0PgmReader.ReadFile(gz).Select(f => ExpectedValues.PixelSha256(f.Pixels.Span));

        Assert.Equal(fromPlain, fromGz);
    }

    [Theory]
    [MemberData(nameof(OtherImagers))]
    public void ReadFile_OtherInstrument_ThrowsNamingTheProduct(string name, string product)
    {
        var path = RepoPaths.Data("other-imagers", name);

        var e = Assert.Throws<InvalidDataException>(() => Stream0PgmReader.ReadFile(path).ToList());

        Assert.Contains(product, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a THEMIS ASI frame", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(FormatErrorKind.NotThemisAsi, FormatErrors.KindOf(e));
    }

    [Fact]
    public void ReadFile_OtherInstrumentAllowed_DecodesItsFrames()
    {
        var path = RepoPaths.Data("other-imagers", "20130205_0500_rabb_rainbow-08_full.pgm.gz");

        var frames = Stream0PgmReader.ReadFile(path, new Stream0ReaderOptions { RequireThemisAsi = false }).ToList();

        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.Equal((512, 256), (f.Width, f.Height)));
    }

    [Fact]
    public void Read_TruncatedAtEveryHeaderBoundary_YieldsCompleteFramesThenThrowsWithOffset()
    {
        var bytes = FirstFrames(3);
        var frameStarts = FindFrameStarts(bytes);
        var cuts = HeaderBoundaries(bytes, frameStarts);
        Assert.True(cuts.Count > 60, $"expected many header boundaries, found {cuts.Count}");
        var expected = ExpectedValues.Frames[Path.GetFileName(RepoPaths.Stream0Plain)];

        foreach (var cut in cuts)
        {
            var completeBefore = frameStarts[..^1].Count(s => s + FrameLength(bytes, s) <= cut);
            var frames = new List<AllSkyFrame>();
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                foreach (var f in Stream0PgmReader.Read(new MemoryStream(bytes[..cut]), "cut.pgm"))
                {
                    frames.Add(f);
                }
            });

            Assert.True(completeBefore == frames.Count, $"cut at {cut}: expected {completeBefore} complete frames, got {frames.Count}; {e.Message}");
            for (var i = 0; i < frames.Count; i++)
            {
                Assert.Equal(expected[i].Sha256, ExpectedValues.PixelSha256(frames[i].Pixels.Span));
            }

            Assert.StartsWith("cut.pgm: ", e.Message, StringComparison.Ordinal);
            Assert.Matches(@"\(byte offset \d+\)$", e.Message);
        }
    }

    [Fact]
    public void Read_TruncatedExactlyBetweenFrames_ReturnsTheWholeFramesWithoutError()
    {
        var bytes = FirstFrames(3);
        var starts = FindFrameStarts(bytes);

        var frames = Stream0PgmReader.Read(new MemoryStream(bytes[..starts[2]]), "two.pgm").ToList();

        Assert.Equal(2, frames.Count);
    }

    [Fact]
    public void Read_TruncatedGzip_YieldsCompleteFramesThenThrowsNamingTheFile()
    {
        var gz = File.ReadAllBytes(RepoPaths.Stream0Gz);
        foreach (var fraction in new[] { 0.05, 0.33, 0.5, 0.77, 0.999 })
        {
            var cut = (int)(gz.Length * fraction);
            var count = 0;
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                foreach (var _ in Stream0PgmReader.Read(new MemoryStream(gz[..cut]), "cut.pgm.gz"))
                {
                    count++;
                }
            });

            Assert.InRange(count, (int)(20 * fraction) - 2, 20);
            Assert.StartsWith("cut.pgm.gz: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ReadFile_FieldCaseGzipCutMidFrame_KeepsTheCompleteFramesAndNamesTheCut()
    {
        var path = RepoPaths.Data("field-cases", "stream0-truncated", "20200101_0600_gill_themis99_full.pgm.gz");
        var frames = new List<AllSkyFrame>();

        var e = Assert.Throws<InvalidDataException>(() => frames.AddRange(Stream0PgmReader.ReadFile(path)));

        Assert.Equal(2, frames.Count);
        Assert.Equal($"{path}: frame 2: truncated gzip: the file ends at byte 238233 inside the deflate data of the member at byte 0 (375451 bytes inflated); the frame has 112788 of its 131072 pixel bytes (byte offset 375451)", e.Message);
    }

    [Fact]
    public void ReadFile_FieldCaseGzipWithoutItsTrailer_YieldsItsFramesThenRefusesTheFile()
    {
        var path = RepoPaths.Data("field-cases", "stream0-truncated", "20200101_0602_gill_themis99_full.pgm.gz");
        var frames = new List<AllSkyFrame>();

        var e = Assert.Throws<InvalidDataException>(() => frames.AddRange(Stream0PgmReader.ReadFile(path)));

        Assert.Equal(5, frames.Count);
        Assert.StartsWith($"{path}: after frame 4: truncated gzip: the member at byte 0 ends at byte 397048 without its 8-byte trailer (CRC-32 and size)", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("frames 0-4 are complete (byte offset 656169)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipWithWrongCrc_NoFrameIsUsed_TheDamageCannotBePlaced()
    {
        var gz = GzipWithWrongCrc(FirstFrames(3));

        var (count, e) = Count(new MemoryStream(gz), "crc.pgm.gz");

        Assert.Equal(0, count);
        Assert.StartsWith("crc.pgm.gz: frame 0: corrupt gzip: CRC-32", e.Message, StringComparison.Ordinal);
        Assert.Contains("no frame of the file is used", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipWithACorruptCompressedByteMidFile_NoFrameIsLabelledFromDamagedData()
    {
        // A byte of the deflate data changed a third of the way in: inflation may well run to the end
        // and only the CRC-32 then shows the damage; no frame may have been yielded before that.
        var gz = Gzip(FirstFrames(3));
        for (var at = gz.Length / 3; at < (gz.Length / 3) + 64; at += 8)
        {
            var corrupt = (byte[])gz.Clone();
            corrupt[at] ^= 0x10;

            var (count, e) = Count(new MemoryStream(corrupt), "mid.pgm.gz");

            Assert.True(count == 0, $"byte {at}: {count} frame(s), then {e.Message}");
            Assert.Contains("no frame of the file is used", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_GzipOfTwoMembers_SecondDamaged_YieldsOnlyTheVerifiedMembersFrames()
    {
        var three = FirstFrames(3);
        var two = FirstFrames(2);
        var second = GzipWithWrongCrc(three[two.Length..]);

        var (count, e) = Count(new MemoryStream([.. Gzip(two), .. second]), "two.pgm.gz");

        Assert.Equal(2, count);
        Assert.StartsWith("two.pgm.gz: frame 2: corrupt gzip: CRC-32", e.Message, StringComparison.Ordinal);
        Assert.Contains("only frames 0-1 (verified) are used", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipWithWrongCrc_FromAStreamThatCannotSeek_IsRefusedAfterItsFrames()
    {
        var gz = GzipWithWrongCrc(FirstFrames(3));

        var (count, e) = Count(new BufferedStream(new ForwardOnly(gz)), "crc.pgm.gz");

        Assert.Equal(3, count);
        Assert.Contains("crc.pgm.gz: after frame 2: corrupt gzip: CRC-32", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The data gzipped, its trailer's CRC-32 off by one bit.</summary>
    private static byte[] GzipWithWrongCrc(byte[] data)
    {
        var gz = Gzip(data);
        gz[^8] ^= 0x01;
        return gz;
    }

    private static (int Count, InvalidDataException Error) Count(Stream stream, string name)
    {
        var count = 0;
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var _ in Stream0PgmReader.Read(stream, name))
            {
                count++;
            }
        });
        return (count, e);
    }

    /// <summary>A stream that reads forward only, like a socket or a pipe.</summary>
    private sealed class ForwardOnly(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public void Read_RandomBitFlips_EitherDecodesOrThrowsInvalidData()
    {
        var plain = FirstFrames(3);
        var gz = Gzip(plain);
        var random = new Random(20140310);
        for (var trial = 0; trial < 400; trial++)
        {
            var source = trial % 2 == 0 ? plain : gz;
            var corrupt = (byte[])source.Clone();
            var flips = 1 + random.Next(8);
            for (var k = 0; k < flips; k++)
            {
                // Half the flips land in the first 2 KiB, where the headers live.
                var at = random.Next(2) == 0 ? random.Next(Math.Min(2048, corrupt.Length)) : random.Next(corrupt.Length);
                corrupt[at] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                foreach (var f in Stream0PgmReader.Read(new MemoryStream(corrupt), $"flip{trial}.pgm"))
                {
                    Assert.Equal(f.Width * f.Height, f.Pixels.Length);
                }
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith($"flip{trial}.pgm: ", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Read_GzipBombOfValidFrames_StopsAtTheCap()
    {
        // One gzip member holding a valid zero frame, repeated: 2 KB on disk per 128 KB inflated.
        var frame = Encoding.ASCII.GetBytes("P5\n#\"Site unique ID\" gill\n#\"Imager unique ID\" themis19\n#\"Image request start\" 2014-03-10 06:00:00.000000 UTC\n256 256\n65535\n")
            .Concat(new byte[256 * 256 * 2]).ToArray();
        var member = Gzip(frame);
        using var bomb = new MemoryStream();
        for (var i = 0; i < 200; i++)
        {
            bomb.Write(member);
        }

        var options = new Stream0ReaderOptions { MaxDecompressedBytes = 4 * 1024 * 1024 };
        var count = 0;

        var e = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var _ in Stream0PgmReader.Read(new MemoryStream(bomb.ToArray()), "bomb.pgm.gz", options))
            {
                count++;
            }
        });

        Assert.Contains("exceeds the cap of 4194304 bytes", e.Message, StringComparison.Ordinal);
        Assert.InRange(count, 30, 32);
    }

    [Theory]
    [InlineData("P5\n99999 256\n65535\n", "impossible dimensions 99999x256")]
    [InlineData("P5\n256 0\n65535\n", "impossible dimensions 256x0")]
    [InlineData("P5\n256 256\n70000\n", "maxval 70000")]
    [InlineData("P6\n256 256\n65535\n", "expected magic 'P5'")]
    [InlineData("P5\n256 x56\n65535\n", "unexpected 'x'")]
    [InlineData("P5\n256 256\n65535X", "expected one whitespace byte after maxval")]
    [InlineData("P5\n99999999999 256\n65535\n", "header number too large")]
    public void Read_BadHeader_RefusesBeforeAllocatingWithAClearMessage(string header, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            Stream0PgmReader.Read(new MemoryStream(Encoding.ASCII.GetBytes(header)), "bad.pgm").ToList());

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.pgm: frame 0: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LaterFrameChangesDimensions_Throws()
    {
        var bytes = FirstFrames(2);
        var starts = FindFrameStarts(bytes);
        var text = Encoding.Latin1.GetString(bytes);
        var dims = text.IndexOf("256 256\n65535\n", starts[1], StringComparison.Ordinal);
        var corrupt = (byte[])bytes.Clone();
        corrupt[dims + 2] = (byte)'5'; // 256 -> 255 columns

        var frames = new List<AllSkyFrame>();
        var e = Assert.Throws<InvalidDataException>(() => frames.AddRange(Stream0PgmReader.Read(new MemoryStream(corrupt), "dims.pgm")));

        Assert.Single(frames);
        Assert.Contains("frame 1: 255x256 (16-bit) differs from frame 0's 256x256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyInput_Throws()
    {
        var e = Assert.Throws<InvalidDataException>(() => Stream0PgmReader.Read(new MemoryStream([]), "empty.pgm").ToList());

        Assert.Contains("empty file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithoutTime_ThrowsNamingTheKey()
    {
        var frame = Encoding.ASCII.GetBytes("P5\n#\"Site unique ID\" gill\n#\"Imager unique ID\" themis19\n2 2\n65535\n").Concat(new byte[8]).ToArray();

        var e = Assert.Throws<InvalidDataException>(() =>
            Stream0PgmReader.Read(new MemoryStream(frame), "notime.pgm", new Stream0ReaderOptions { RequireThemisAsi = false }).ToList());

        Assert.Contains("no \"Image request start\" time", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LaterFrameWithoutItsOwnTime_IsRefused_NotGivenFrameZerosTime()
    {
        // Real frames, frame 1's "Image request start" line removed: before, it took frame 0's time.
        var bytes = FirstFrames(3);
        var starts = FindFrameStarts(bytes);
        var header = Encoding.ASCII.GetString(bytes, starts[1], 4096);
        var line = header.IndexOf("#\"Image request start\"", StringComparison.Ordinal);
        var end = header.IndexOf('\n', line) + 1;
        byte[] edited = [.. bytes[..(starts[1] + line)], .. bytes[(starts[1] + end)..]];
        var frames = new List<AllSkyFrame>();

        var e = Assert.Throws<InvalidDataException>(() => frames.AddRange(Stream0PgmReader.Read(new MemoryStream(edited), "notime.pgm")));

        Assert.Single(frames);
        Assert.Contains("notime.pgm: frame 1: header has no \"Image request start\" time", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2014-03-10 06:00:00.063119 UTC", "2014-03-10T06:00:00.0631190")]
    [InlineData("2022-03-07 06:00:00.000000 UTC ", "2022-03-07T06:00:00.0000000")]
    [InlineData("2014-03-10 06:00:00 UTC", "2014-03-10T06:00:00.0000000")]
    [InlineData("2014-03-10 06:00:00.123456789 UTC", "2014-03-10T06:00:00.1234567")]
    public void TryParseUcalgaryTime_Variants_ParseToUtcTicks(string text, string expected)
    {
        Assert.True(Stream0PgmReader.TryParseUcalgaryTime(text, out var t));
        Assert.Equal(expected, t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Utc, t.Kind);
    }

    [Theory]
    [InlineData("2014-13-10 06:00:00 UTC")]
    [InlineData("yesterday")]
    [InlineData("2014-03-10 06:00:00.")]
    [InlineData("2014-03-10 06:00:00.12a UTC")]
    public void TryParseUcalgaryTime_Garbage_IsRejected(string text) =>
        Assert.False(Stream0PgmReader.TryParseUcalgaryTime(text, out _));

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The first n frames of the plain fixture, as bytes.</summary>
    private static byte[] FirstFrames(int n)
    {
        var bytes = File.ReadAllBytes(RepoPaths.Stream0Plain);
        var starts = FindFrameStarts(bytes);
        return bytes[..starts[n]];
    }

    /// <summary>Frame starts found independently of the reader: header text, then w*h*2 bytes.</summary>
    private static List<int> FindFrameStarts(byte[] bytes)
    {
        var starts = new List<int>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            starts.Add(pos);
            pos = HeaderEnd(bytes, pos) + (256 * 256 * 2);
        }

        starts.Add(bytes.Length);
        return starts;
    }

    private static int HeaderEnd(byte[] bytes, int start)
    {
        var text = Encoding.Latin1.GetString(bytes, start, Math.Min(4096, bytes.Length - start));
        var at = text.IndexOf("\n65535\n", StringComparison.Ordinal);
        return start + at + 7;
    }

    private static int FrameLength(byte[] bytes, int start) => HeaderEnd(bytes, start) - start + (256 * 256 * 2);

    /// <summary>Every line end inside each header, each header start + 1, and points inside the raster.</summary>
    private static List<int> HeaderBoundaries(byte[] bytes, List<int> starts)
    {
        var cuts = new SortedSet<int>();
        foreach (var start in starts[..^1])
        {
            var end = HeaderEnd(bytes, start);
            cuts.Add(start + 1);
            for (var i = start; i < end; i++)
            {
                if (bytes[i] == '\n')
                {
                    cuts.Add(i);
                    cuts.Add(i + 1);
                }
            }

            cuts.Add(end + 1);
            cuts.Add(end + 70000);
            cuts.Add(end + (256 * 256 * 2) - 1);
        }

        cuts.RemoveWhere(c => c <= 0 || c >= bytes.Length || starts.Contains(c));
        return [.. cuts];
    }
}
