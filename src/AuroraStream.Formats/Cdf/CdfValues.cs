using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AuroraStream.Formats.Cdf;

/// <summary>Byte-order and numeric conversions of CDF element data.</summary>
internal static class CdfValues
{
    /// <summary>Swaps each <paramref name="unit"/>-byte element in place.</summary>
    public static void SwapInPlace(Span<byte> data, int unit)
    {
        switch (unit)
        {
            case 1:
                return;
            case 2:
                var s = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(s, s);
                return;
            case 4:
                var i = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(i, i);
                return;
            case 8:
                var l = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(l, l);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(unit), unit, "Element size must be 1, 2, 4 or 8.");
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, swapping each <paramref name="unit"/>-byte element.</summary>
    public static void SwapCopy(ReadOnlySpan<byte> source, Span<byte> destination, int unit)
    {
        switch (unit)
        {
            case 1:
                source.CopyTo(destination);
                return;
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(destination));
                return;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(destination));
                return;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(destination));
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(unit), unit, "Element size must be 1, 2, 4 or 8.");
        }
    }

    /// <summary>Converts host-order element bytes of a numeric or time type to doubles.</summary>
    public static double[] ToDoubles(ReadOnlySpan<byte> data, CdfDataType type)
    {
        var size = CdfDataTypes.SwapUnit(type);
        if (size == 0 || CdfDataTypes.IsString(type))
        {
            return [];
        }

        var n = data.Length / size;
        var result = new double[n];
        for (var k = 0; k < n; k++)
        {
            var e = data.Slice(k * size, size);
            result[k] = type switch
            {
                CdfDataType.Int1 or CdfDataType.Byte => (sbyte)e[0],
                CdfDataType.UInt1 => e[0],
                CdfDataType.Int2 => MemoryMarshal.Read<short>(e),
                CdfDataType.UInt2 => MemoryMarshal.Read<ushort>(e),
                CdfDataType.Int4 => MemoryMarshal.Read<int>(e),
                CdfDataType.UInt4 => MemoryMarshal.Read<uint>(e),
                CdfDataType.Int8 or CdfDataType.TimeTt2000 => MemoryMarshal.Read<long>(e),
                CdfDataType.Real4 or CdfDataType.Float => MemoryMarshal.Read<float>(e),
                CdfDataType.Real8 or CdfDataType.Double or CdfDataType.Epoch or CdfDataType.Epoch16 => MemoryMarshal.Read<double>(e),
                _ => double.NaN,
            };
        }

        return result;
    }
}
