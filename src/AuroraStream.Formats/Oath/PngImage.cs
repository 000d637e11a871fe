using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Oath;

/// <summary>A decoded PNG: samples per channel, row-major, top row first.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.</param>
/// <param name="BitDepth">8 or 16.</param>
/// <param name="Samples">Width x Height x Channels samples, interleaved.</param>
public sealed record PngImage(int Width, int Height, int Channels, int BitDepth, ushort[] Samples)
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Whether the bytes start with the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    /// <summary>One channel as a plane of Width x Height samples.</summary>
    public ushort[] Channel(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        var plane = new ushort[Width * Height];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = Samples[(i * Channels) + channel];
        }

        return plane;
    }

    /// <summary>
    /// Decodes a non-interlaced greyscale or truecolour PNG of bit depth 8 or 16 (PNG 1.2 / ISO
    /// 15948), checking every chunk's CRC.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a PNG, corrupt, or a variant not implemented.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> png, string source)
    {
        if (!HasSignature(png))
        {
            throw FormatError.At(source, "signature", "not a PNG file", 0).Tag(FormatErrorKind.UnknownFormat);
        }

        var pos = 8;
        int width = 0, height = 0, bitDepth = 0, colorType = -1;
        using var idat = new MemoryStream();
        var sawEnd = false;
        while (!sawEnd)
        {
            if (pos + 12 > png.Length)
            {
                throw FormatError.At(source, "chunk", "file ends before the IEND chunk", pos);
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            var type = Encoding.ASCII.GetString(png.Slice(pos + 4, 4));
            if (length > int.MaxValue || pos + 12 + (long)length > png.Length)
            {
                throw FormatError.At(source, $"chunk {type}", $"length {length} runs past the end of the file", pos);
            }

            var data = png.Slice(pos + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]);
            if (Crc32(png.Slice(pos + 4, 4 + (int)length)) != crc)
            {
                throw FormatError.At(source, $"chunk {type}", "CRC mismatch", pos);
            }

            switch (type)
            {
                case "IHDR":
                    if (length != 13)
                    {
                        throw FormatError.At(source, "IHDR", $"length {length}, expected 13", pos);
                    }

                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    if (width is < 1 or > 16384 || height is < 1 or > 16384)
                    {
                        throw FormatError.At(source, "IHDR", $"impossible dimensions {width}x{height}", pos + 8);
                    }

                    if (bitDepth is not (8 or 16) || colorType is not (0 or 2 or 4 or 6))
                    {
                        throw FormatError.At(source, "IHDR", $"bit depth {bitDepth} with colour type {colorType} is not implemented (8 or 16 bit grey or truecolour)", pos + 8).Tag(FormatErrorKind.Unsupported);
                    }

                    if (data[10] != 0 || data[11] != 0 || data[12] != 0)
                    {
                        throw FormatError.At(source, "IHDR", "interlaced or non-standard compression/filter method is not implemented", pos + 8).Tag(FormatErrorKind.Unsupported);
                    }

                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }

            pos += 12 + (int)length;
        }

        if (colorType < 0)
        {
            throw FormatError.At(source, "IHDR", "missing", 8);
        }

        var channels = colorType switch { 0 => 1, 4 => 2, 2 => 3, _ => 4 };
        var bytesPerPixel = channels * bitDepth / 8;
        var stride = width * bytesPerPixel;
        var raw = new byte[(long)(stride + 1) * height];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true))
        {
            int got;
            try
            {
                got = z.ReadUpTo(raw);
            }
            catch (InvalidDataException e)
            {
                throw FormatError.At(source, "IDAT", $"image data does not inflate: {e.Message}", null, e);
            }

            if (got < raw.Length)
            {
                throw FormatError.At(source, "IDAT", $"image data inflates to {got} bytes, expected {raw.Length}");
            }
        }

        Unfilter(raw, stride, height, bytesPerPixel, source);
        var samples = new ushort[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var o = y * width * channels;
            if (bitDepth == 16)
            {
                for (var i = 0; i < width * channels; i++)
                {
                    samples[o + i] = BinaryPrimitives.ReadUInt16BigEndian(row[(2 * i)..]);
                }
            }
            else
            {
                for (var i = 0; i < width * channels; i++)
                {
                    samples[o + i] = row[i];
                }
            }
        }

        return new PngImage(width, height, channels, bitDepth, samples);
    }

    private static void Unfilter(byte[] raw, int stride, int height, int bpp, string source)
    {
        for (var y = 0; y < height; y++)
        {
            var start = y * (stride + 1);
            var filter = raw[start];
            var row = raw.AsSpan(start + 1, stride);
            var prior = y == 0 ? default : raw.AsSpan(start - stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= bpp ? row[i - bpp] : 0;
                int b = y > 0 ? prior[i] : 0;
                int c = i >= bpp && y > 0 ? prior[i - bpp] : 0;
                row[i] = filter switch
                {
                    0 => row[i],
                    1 => (byte)(row[i] + a),
                    2 => (byte)(row[i] + b),
                    3 => (byte)(row[i] + ((a + b) >> 1)),
                    4 => (byte)(row[i] + Paeth(a, b, c)),
                    _ => throw FormatError.At(source, $"row {y}", $"unknown filter type {filter}"),
                };
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFFu;
    }
}
