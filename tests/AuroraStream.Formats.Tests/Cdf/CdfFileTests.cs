using System.Buffers.Binary;
using System.Text;
using AuroraStream.Formats;
using AuroraStream.Formats.Cdf;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.Cdf;

public sealed class CdfFileTests
{
    [Fact]
    public void Open_RealThemisFile_ReadsMetadata()
    {
        using var cdf = CdfFile.Open(RepoPaths.L1AsfCdf);

        Assert.Equal("3.6.1", cdf.LibraryVersion);
        Assert.Equal(1, cdf.EncodingCode);
        Assert.True(cdf.IsBigEndian);
        Assert.True(cdf.IsRowMajor);
        Assert.Equal("THEMIS", cdf.GetAttribute("Project")!.Entries[0].AsString());
        var image = cdf.GetVariable("thg_asf_gako");
        Assert.Equal(CdfDataType.UInt2, image.DataType);
        Assert.Equal([256, 256], image.Dimensions);
        Assert.Equal(23, image.RecordCount);
        Assert.Equal(CdfCompression.Gzip, image.Compression);
        Assert.Equal(65535, image.GetAttribute("FILLVAL")!.AsDouble());
        Assert.Equal("thg_asf_gako_epoch", image.GetAttribute("DEPEND_0")!.AsString());
        Assert.False(cdf.GetVariable("thg_asf_gako_column").RecordVaries);
    }

    [Fact]
    public void ReadTimes_UnixSecondsVariable_IsTheEpochTruncatedToWholeSeconds()
    {
        using var cdf = CdfFile.Open(RepoPaths.L1AsfCdf);

        var unix = cdf.ReadTimes(cdf.GetVariable("thg_asf_gako_time"));
        var epoch = cdf.ReadTimes(cdf.GetVariable("thg_asf_gako_epoch"));

        Assert.Equal(23, unix.Length);
        Assert.Equal(unix.Length, epoch.Length);
        for (var i = 0; i < unix.Length; i++)
        {
            var e = epoch[i]!.Value;
            Assert.Equal(e.AddTicks(-(e.Ticks % TimeSpan.TicksPerSecond)), unix[i]);
        }

        Assert.Equal(new DateTime(2011, 1, 6, 17, 0, 0, 53, DateTimeKind.Utc), epoch[0]);
    }

    [Fact]
    public void ReadRecords_WrongElementType_IsRefused()
    {
        using var cdf = CdfFile.Open(RepoPaths.L1AsfCdf);

        Assert.Throws<ArgumentException>(() => cdf.ReadRecords<double>(cdf.GetVariable("thg_asf_gako")));
    }

    [Fact]
    public void GetVariable_Missing_ThrowsNamingTheVariablesPresent()
    {
        using var cdf = CdfFile.Open(RepoPaths.L1AsfCdf);

        var e = Assert.Throws<InvalidDataException>(() => cdf.GetVariable("thg_mag_gako"));

        Assert.Contains("no variable 'thg_mag_gako'", e.Message, StringComparison.Ordinal);
        Assert.Contains("thg_asf_gako_time", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    public void ReadRecords_WrittenVariants_ReturnRowMajorHostOrderValues(bool littleEndian, bool rowMajor, bool gzip)
    {
        var records = Enumerable.Range(0, 3).Select(r => Enumerable.Range(0, 12).Select(i => (ushort)((r * 1000) + i)).ToArray()).ToArray();
        var bytes = new CdfTestWriter { LittleEndian = littleEndian, RowMajor = rowMajor, Gzip = gzip }
            .AddVariable("grid", CdfTestWriter.Uint2, [3, 4], true, records)
            .Build();

        using var cdf = CdfFile.Open(new MemoryStream(bytes), "variant.cdf");
        var read = cdf.ReadRecords<ushort>(cdf.GetVariable("grid")).ToList();

        Assert.Equal(!littleEndian, cdf.IsBigEndian);
        Assert.Equal(rowMajor, cdf.IsRowMajor);
        Assert.Equal([0, 1, 2], read.Select(r => r.Number));
        for (var r = 0; r < 3; r++)
        {
            Assert.Equal(records[r], read[r].Values);
        }
    }

    [Fact]
    public void ReadTimes_Tt2000AndEpochVariables_ConvertToUtc()
    {
        var times = new[] { new DateTime(2016, 12, 31, 23, 59, 59, DateTimeKind.Utc), new DateTime(2017, 1, 1, 0, 0, 1, DateTimeKind.Utc).AddTicks(1234567) };
        var bytes = new CdfTestWriter { LittleEndian = true }
            .AddVariable("t_tt2000", CdfTestWriter.Tt2000, [], true, [.. times.Select(t => (Array)new[] { CdfTime.ToTt2000(t) })])
            .AddVariable("t_epoch", CdfTestWriter.Epoch, [], true, [.. times.Select(t => (Array)new[] { CdfTime.ToEpoch(t) })])
            .Build();

        using var cdf = CdfFile.Open(new MemoryStream(bytes), "times.cdf");

        Assert.Equal(times.Select(t => (DateTime?)t), cdf.ReadTimes(cdf.GetVariable("t_tt2000")));
        Assert.Equal(times.Select(t => (DateTime?)t.AddTicks(-(t.Ticks % TimeSpan.TicksPerMillisecond))), cdf.ReadTimes(cdf.GetVariable("t_epoch")).Select(t => t?.AddTicks(-(t.Value.Ticks % TimeSpan.TicksPerMillisecond))));
    }

    [Fact]
    public void ReadTimes_Epoch16Variable_ConvertsSecondsAndPicoseconds()
    {
        // EPOCH16 = seconds since 0000-01-01 and picoseconds within the second.
        var t = new DateTime(2011, 1, 6, 17, 0, 3, DateTimeKind.Utc);
        var seconds = CdfTime.ToEpoch(t) / 1000;
        var bytes = new CdfTestWriter()
            .AddVariable("t_epoch16", CdfTestWriter.Epoch16, [], true, new[] { seconds, 38_123_456_700.0 }, new[] { seconds + 3, 0.0 })
            .Build();

        using var cdf = CdfFile.Open(new MemoryStream(bytes), "epoch16.cdf");

        Assert.Equal([t.AddTicks(381_234), t.AddSeconds(3)], cdf.ReadTimes(cdf.GetVariable("t_epoch16")));
    }

    [Fact]
    public void Open_Cdf2Magic_IsRefusedAsUnsupported()
    {
        var bytes = File.ReadAllBytes(RepoPaths.L1AsfCdf);
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0xCDF26002);

        var e = Assert.Throws<InvalidDataException>(() => CdfFile.Open(new MemoryStream(bytes), "v2.cdf"));

        Assert.Contains("CDF 2.x", e.Message, StringComparison.Ordinal);
        Assert.Equal(FormatErrorKind.Unsupported, FormatErrors.KindOf(e));
    }

    [Fact]
    public void Open_WholeFileCompression_IsRefusedAsUnsupported()
    {
        var bytes = File.ReadAllBytes(RepoPaths.L1AsfCdf);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), 0xCCCC0001);

        var e = Assert.Throws<InvalidDataException>(() => CdfFile.Open(new MemoryStream(bytes), "ccr.cdf"));

        Assert.Contains("whole-file compressed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_000_000, "offset ")]
    [InlineData(-1, "record size ")]
    public void ReadingPastTheEnd_OfACutFile_SaysTheFileIsTruncated(int cut, string what)
    {
        // The real Gakona file cut at 1 MB (its metadata lies past the cut) or one byte short of its
        // end (its last record runs past it): the message names the file and what a cut file means.
        var bytes = File.ReadAllBytes(RepoPaths.L1AsfCdf);
        var length = cut > 0 ? cut : bytes.Length + cut;

        using var temp = new TempFolder();
        var path = temp.Write("cut.cdf", bytes[..length]);

        var e = Assert.ThrowsAny<InvalidDataException>(() => AuroraStream.Formats.Themis.ThemisL1AsiReader.ReadFile(path).ToList());

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.Contains($"past the end of the {length}-byte file", e.Message, StringComparison.Ordinal);
        Assert.Contains("the file is truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NotACdf_SaysSo()
    {
        var e = Assert.Throws<InvalidDataException>(() => CdfFile.Open(new MemoryStream(Encoding.ASCII.GetBytes(new string('x', 400))), "text.cdf"));

        Assert.Contains("not a CDF file", e.Message, StringComparison.Ordinal);
        Assert.Equal(FormatErrorKind.UnknownFormat, FormatErrors.KindOf(e));
    }

    /// <summary>
    /// Internal records are contiguous from offset 8; this walk, independent of the reader, gives
    /// every record boundary of the real file.
    /// </summary>
    internal static List<long> RecordBoundaries(byte[] bytes)
    {
        var boundaries = new List<long>();
        long offset = 8;
        while (offset + 12 <= bytes.Length)
        {
            boundaries.Add(offset);
            var size = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan((int)offset));
            if (size <= 0)
            {
                break;
            }

            offset += size;
        }

        return boundaries;
    }
}
