using System.IO.Compression;
using AuroraStream.Formats.IO;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Formats.Tests.IO;

public sealed class GzipReadStreamTests
{
    [Property(MaxTest = 200)]
    public Property Read_AnyDataCutAnywhere_WholeFileInflatesBackAndEveryShorterOneIsRefused(int seed, PositiveInt size, NonNegativeInt cutAt, bool twoMembers)
    {
        var data = Data(seed, size.Get % 300_000);
        var first = Gzip(data[..(data.Length / 2)]);
        var gz = twoMembers ? [.. first, .. Gzip(data[(data.Length / 2)..])] : Gzip(data);
        var cut = cutAt.Get % gz.Length;
        if (twoMembers && cut == first.Length && cut > 0)
        {
            // Cut exactly between members: what is left is a whole gzip file of the first half.
            cut--;
        }

        var whole = Inflate(gz, out var wholeError);
        var shorter = Inflate(gz[..cut], out var cutError);

        return (wholeError is null && whole.AsSpan().SequenceEqual(data)
            && cutError is not null && cutError.StartsWith("test.gz: ", StringComparison.Ordinal)
            && data.AsSpan().StartsWith(shorter)).ToProperty()
            .Label($"{data.Length} bytes, {gz.Length} compressed, cut at {cut}: {cutError ?? wholeError ?? "accepted"}");
    }

    [Fact]
    public void Read_MissingOnlyTheTrailer_DeliversTheDataThenNamesTheMissingTrailerAndItsOffset()
    {
        var data = Data(1, 200_000);
        var gz = Gzip(data);

        var inflated = Inflate(gz[..^8], out var error);

        Assert.Equal(data, inflated);
        Assert.Equal($"test.gz: truncated gzip: the member at byte 0 ends at byte {gz.Length - 8} without its 8-byte trailer (CRC-32 and size), so its data cannot be verified (200000 bytes inflated)", error);
    }

    [Fact]
    public void Read_CutInsideTheDeflateData_NamesTheCutOffset()
    {
        var gz = Gzip(Data(2, 200_000));

        Inflate(gz[..1000], out var error);

        Assert.StartsWith("test.gz: truncated gzip: the file ends at byte 1000 inside the deflate data of the member at byte 0", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, "corrupt gzip: CRC-32")]
    [InlineData(1, "corrupt gzip: size 1073791824 in the trailer")]
    public void Read_TrailerThatDoesNotMatchTheData_IsRefused(int fromEnd, string message)
    {
        var gz = Gzip(Data(3, 50_000));
        gz[^fromEnd] ^= 0x40;

        Inflate(gz, out var error);

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ZeroPaddingAfterTheData_IsAcceptedAndOtherTrailingBytesAreNot()
    {
        var data = Data(4, 10_000);
        var gz = Gzip(data);

        Assert.Equal(data, Inflate([.. gz, 0, 0, 0, 0], out var padded));
        Inflate([.. gz, 1, 2, 3], out var garbage);

        Assert.Null(padded);
        Assert.Contains("byte 0x01 after the end of the gzip data", garbage, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderWithNameCommentExtraAndHeaderCrc_IsParsed()
    {
        // RFC 1952 2.3: FHCRC | FEXTRA | FNAME | FCOMMENT, then the same deflate data and trailer.
        var data = Data(5, 5000);
        var plain = Gzip(data);
        var header = new List<byte> { 0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3, 2, 0, (byte)'x', (byte)'y' };
        header.AddRange("f.pgm\0"u8.ToArray());
        header.AddRange("made here\0"u8.ToArray());
        var crc = System.IO.Hashing.Crc32.HashToUInt32([.. header]);
        header.Add((byte)crc);
        header.Add((byte)(crc >> 8));

        Assert.Equal(data, Inflate([.. header, .. plain[10..]], out var error));
        Assert.Null(error);
        header[^1] ^= 1;
        Inflate([.. header, .. plain[10..]], out var badCrc);
        Assert.Contains("header CRC", badCrc, StringComparison.Ordinal);
    }

    private static byte[] Data(int seed, int length)
    {
        // Compressible like a frame: a smooth ramp with noise in the low byte.
        var random = new Random(seed);
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)(i % 2 == 0 ? (i / 2048) & 0xFF : random.Next(16));
        }

        return data;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Inflate(byte[] gz, out string? error)
    {
        using var output = new MemoryStream();
        error = null;
        try
        {
            using var stream = new GzipReadStream(new MemoryStream(gz), "test.gz");
            stream.CopyTo(output);
        }
        catch (InvalidDataException e)
        {
            error = e.Message;
        }

        return output.ToArray();
    }
}
