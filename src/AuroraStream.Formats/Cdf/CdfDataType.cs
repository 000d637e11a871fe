namespace AuroraStream.Formats.Cdf;

/// <summary>CDF data types (CDF Internal Format Description, v3.x, section 2.5).</summary>
public enum CdfDataType
{
    /// <summary>1-byte signed integer.</summary>
    Int1 = 1,

    /// <summary>2-byte signed integer.</summary>
    Int2 = 2,

    /// <summary>4-byte signed integer.</summary>
    Int4 = 4,

    /// <summary>8-byte signed integer.</summary>
    Int8 = 8,

    /// <summary>1-byte unsigned integer.</summary>
    UInt1 = 11,

    /// <summary>2-byte unsigned integer.</summary>
    UInt2 = 12,

    /// <summary>4-byte unsigned integer.</summary>
    UInt4 = 14,

    /// <summary>4-byte IEEE float.</summary>
    Real4 = 21,

    /// <summary>8-byte IEEE float.</summary>
    Real8 = 22,

    /// <summary>Milliseconds since 0000-01-01T00:00:00, as an 8-byte float.</summary>
    Epoch = 31,

    /// <summary>Two 8-byte floats: seconds since 0000-01-01 and picoseconds.</summary>
    Epoch16 = 32,

    /// <summary>Nanoseconds since J2000 (2000-01-01T12:00:00 TT), 8-byte integer.</summary>
    TimeTt2000 = 33,

    /// <summary>1-byte signed integer (alias of INT1).</summary>
    Byte = 41,

    /// <summary>4-byte float (alias of REAL4).</summary>
    Float = 44,

    /// <summary>8-byte float (alias of REAL8).</summary>
    Double = 45,

    /// <summary>Character (byte) strings.</summary>
    Char = 51,

    /// <summary>Unsigned character strings.</summary>
    UChar = 52,
}

/// <summary>Sizes and kinds of <see cref="CdfDataType"/>.</summary>
public static class CdfDataTypes
{
    /// <summary>Bytes per element; 0 for an unknown type.</summary>
    public static int SizeOf(CdfDataType type) => type switch
    {
        CdfDataType.Int1 or CdfDataType.UInt1 or CdfDataType.Byte or CdfDataType.Char or CdfDataType.UChar => 1,
        CdfDataType.Int2 or CdfDataType.UInt2 => 2,
        CdfDataType.Int4 or CdfDataType.UInt4 or CdfDataType.Real4 or CdfDataType.Float => 4,
        CdfDataType.Int8 or CdfDataType.Real8 or CdfDataType.Double or CdfDataType.Epoch or CdfDataType.TimeTt2000 => 8,
        CdfDataType.Epoch16 => 16,
        _ => 0,
    };

    /// <summary>
    /// Size of the unit whose byte order the encoding governs (EPOCH16 is two doubles).
    /// </summary>
    public static int SwapUnit(CdfDataType type) => type == CdfDataType.Epoch16 ? 8 : SizeOf(type);

    /// <summary>Whether values are character strings.</summary>
    public static bool IsString(CdfDataType type) => type is CdfDataType.Char or CdfDataType.UChar;

    /// <summary>
    /// The pad value the CDF library (3.x) uses for a variable without one of its own, as the bytes
    /// of one value in host order: INT1 -127, UINT1 254, INT2 -32767, UINT2 65534, INT4 -2147483647,
    /// UINT4 4294967294, INT8 and TT2000 -9223372036854775807, REAL4/REAL8 -1.0E30, EPOCH and EPOCH16
    /// 0.0 (0000-01-01), strings blanks (CDF User's Guide, "Pad values").
    /// </summary>
    public static byte[] DefaultPad(CdfDataType type, int numElements = 1)
    {
        var value = type switch
        {
            CdfDataType.Int1 or CdfDataType.Byte => [unchecked((byte)(sbyte)-127)],
            CdfDataType.UInt1 => [254],
            CdfDataType.Int2 => BitConverter.GetBytes((short)-32767),
            CdfDataType.UInt2 => BitConverter.GetBytes((ushort)65534),
            CdfDataType.Int4 => BitConverter.GetBytes(-2147483647),
            CdfDataType.UInt4 => BitConverter.GetBytes(4294967294u),
            CdfDataType.Int8 or CdfDataType.TimeTt2000 => BitConverter.GetBytes(long.MinValue + 1),
            CdfDataType.Real4 or CdfDataType.Float => BitConverter.GetBytes(-1.0e30f),
            CdfDataType.Real8 or CdfDataType.Double => BitConverter.GetBytes(-1.0e30),
            CdfDataType.Epoch => BitConverter.GetBytes(0.0),
            CdfDataType.Epoch16 => new byte[16],
            CdfDataType.Char or CdfDataType.UChar => Enumerable.Repeat((byte)' ', Math.Max(1, numElements)).ToArray(),
            _ => new byte[Math.Max(1, SizeOf(type))],
        };
        return value;
    }
}
