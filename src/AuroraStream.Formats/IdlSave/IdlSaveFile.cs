using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.IdlSave;

/// <summary>An IDL array: typed .NET data in row-major order (IDL's first, fastest dimension last).</summary>
/// <param name="Dimensions">Sizes, slowest first (the reverse of IDL's notation).</param>
/// <param name="Data">A typed array: byte[], short[], int[], float[], double[], ushort[], uint[], long[], ulong[] or string[].</param>
public sealed record IdlArray(IReadOnlyList<int> Dimensions, Array Data);

/// <summary>An IDL structure (or array of structures): one field dictionary per element.</summary>
/// <param name="Name">Structure name (empty for anonymous structures).</param>
/// <param name="Elements">Fields of each element, by upper-case tag name.</param>
public sealed record IdlStruct(string Name, IReadOnlyList<IReadOnlyDictionary<string, object?>> Elements)
{
    /// <summary>A field of the first element.</summary>
    public object? this[string tag] => Elements.Count > 0 && Elements[0].TryGetValue(tag, out var v) ? v : null;
}

/// <summary>
/// Reads the variables of an IDL SAVE file (the XDR-based format of IDL 5.4 to 9.x,
/// record format 0x0004 uncompressed and 0x0006 zlib-compressed per record): scalars, arrays of
/// the numeric and string types, and nested structures. Heap variables (pointers, objects) are read
/// as their integer heap indices. Only variables are returned; timestamps, notices and compiled
/// code are skipped.
/// </summary>
public static class IdlSaveFile
{
    private const int RecordVariable = 2;
    private const int RecordEndMarker = 6;

    /// <summary>Largest single array accepted, in bytes; guards allocations against corrupt sizes.</summary>
    public const long MaxArrayBytes = 256L * 1024 * 1024;

    /// <summary>Whether the bytes start with an IDL SAVE signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == (byte)'S' && head[1] == (byte)'R' && head[2] == 0 && head[3] is 4 or 6;

    /// <summary>Reads every variable of a file, by upper-case name.</summary>
    /// <exception cref="InvalidDataException">Not an IDL SAVE file, or it is corrupt.</exception>
    public static IReadOnlyDictionary<string, object?> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var length = new FileInfo(path).Length;
        if (length > 4 * MaxArrayBytes)
        {
            throw FormatError.At(path, string.Empty, $"{length} bytes is larger than any skymap; refusing to load it", 0);
        }

        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads every variable of a file held in memory.</summary>
    public static IReadOnlyDictionary<string, object?> Read(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 4 || !HasSignature(bytes))
        {
            throw FormatError.At(source, "signature", "not an IDL SAVE file: expected 'SR' 00 04 or 00 06", 0).Tag(FormatErrorKind.UnknownFormat);
        }

        var compressed = bytes[3] == 6;
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        var structs = new Dictionary<string, StructDesc>(StringComparer.Ordinal);
        long position = 4;
        var recordIndex = 0;
        while (true)
        {
            if (position + 16 > bytes.Length)
            {
                throw FormatError.At(source, $"record {recordIndex}", "file ends before the END marker", position);
            }

            var header = new XdrReader(bytes, source, position, bytes.Length);
            var rectype = header.Int32();
            var nextLow = header.UInt32();
            var nextHigh = header.UInt32();
            header.Skip(4);
            var next = (long)nextLow + ((long)nextHigh << 32);
            if (rectype == RecordEndMarker)
            {
                break;
            }

            if (next <= position || next > bytes.Length)
            {
                throw FormatError.At(source, $"record {recordIndex} (type {rectype})", $"next-record offset {next} is invalid", position + 4);
            }

            if (rectype == RecordVariable)
            {
                var bodyStart = position + 16;
                XdrReader body;
                if (compressed)
                {
                    var inflated = Inflate(bytes, bodyStart, next, source, recordIndex);
                    body = new XdrReader(inflated, source, 0, inflated.Length);
                }
                else
                {
                    body = new XdrReader(bytes, source, bodyStart, next);
                }

                var (name, value) = ReadVariable(body, structs, recordIndex);
                variables[name] = value;
            }

            position = next;
            recordIndex++;
        }

        return variables;
    }

    private static byte[] Inflate(byte[] bytes, long start, long end, string source, int recordIndex)
    {
        try
        {
            using var input = new MemoryStream(bytes, (int)start, (int)(end - start), writable: false);
            using var zlib = new ZLibStream(new CappedReadStream(input, end - start, source), CompressionMode.Decompress);
            using var capped = new CappedReadStream(zlib, MaxArrayBytes * 2, source);
            using var output = new MemoryStream();
            capped.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw FormatError.At(source, $"record {recordIndex}", $"compressed record does not inflate: {e.Message}", start, e);
        }
    }

    private static (string Name, object? Value) ReadVariable(XdrReader r, Dictionary<string, StructDesc> structs, int recordIndex)
    {
        var name = r.String();
        var where = $"record {recordIndex} variable {name}";
        var typecode = r.Int32();
        var flags = r.Int32();
        if ((flags & 2) != 0)
        {
            throw r.Error(where, "system variables are not read");
        }

        ArrayDesc? array = null;
        StructDesc? structure = null;
        if ((flags & 32) != 0)
        {
            array = ReadArrayDesc(r, where);
            structure = ReadStructDesc(r, structs, where);
        }
        else if ((flags & 4) != 0)
        {
            array = ReadArrayDesc(r, where);
        }

        if (typecode == 0)
        {
            return (name, null);
        }

        var start = r.Int32();
        if (start != 7)
        {
            throw r.Error(where, $"expected the data start marker 7, found {start}");
        }

        object? value = structure is not null
            ? ReadStructure(r, array!, structure, where)
            : array is not null ? ReadArray(r, typecode, array, where) : ReadScalar(r, typecode, where);
        return (name, value);
    }

    private sealed record ArrayDesc(long NBytes, long NElements, int[] Dims);

    private sealed record TagDesc(string Name, int Typecode, bool IsArray, bool IsStruct);

    private sealed record StructDesc(string Name, TagDesc[] Tags, Dictionary<string, ArrayDesc> Arrays, Dictionary<string, StructDesc> Structs);

    private static ArrayDesc ReadArrayDesc(XdrReader r, string where)
    {
        var start = r.Int32();
        long nbytes, nelements;
        int ndims;
        int[] dims;
        if (start == 8)
        {
            r.Skip(4);
            nbytes = r.Int32();
            nelements = r.Int32();
            ndims = r.Int32();
            r.Skip(8);
            var nmax = r.Int32();
            if (nmax is < 0 or > 8 || ndims < 0 || ndims > nmax)
            {
                throw r.Error(where, $"array descriptor with {ndims} of {nmax} dimensions");
            }

            dims = new int[nmax];
            for (var i = 0; i < nmax; i++)
            {
                dims[i] = r.Int32();
            }
        }
        else if (start == 18)
        {
            r.Skip(4);
            nbytes = r.Int64();
            nelements = r.Int64();
            ndims = r.Int32();
            r.Skip(8);
            const int nmax = 8;
            if (ndims is < 0 or > nmax)
            {
                throw r.Error(where, $"array descriptor with {ndims} dimensions");
            }

            dims = new int[nmax];
            for (var i = 0; i < nmax; i++)
            {
                var d = r.Int64();
                dims[i] = d is >= 0 and <= int.MaxValue ? (int)d : throw r.Error(where, $"dimension {d} out of range");
            }
        }
        else
        {
            throw r.Error(where, $"expected an array descriptor (8 or 18), found {start}");
        }

        if (nelements < 0 || nbytes < 0 || nbytes > MaxArrayBytes)
        {
            throw r.Error(where, $"array of {nelements} elements in {nbytes} bytes is invalid or too large");
        }

        var used = dims.Take(ndims).ToArray();
        long product = 1;
        foreach (var d in used)
        {
            product *= d;
        }

        if (product != nelements)
        {
            throw r.Error(where, $"dimensions [{string.Join(",", used)}] do not make {nelements} elements");
        }

        return new ArrayDesc(nbytes, nelements, used);
    }

    private static StructDesc ReadStructDesc(XdrReader r, Dictionary<string, StructDesc> known, string where)
    {
        var start = r.Int32();
        if (start != 9)
        {
            throw r.Error(where, $"expected a structure descriptor (9), found {start}");
        }

        var name = r.String();
        var predef = r.Int32();
        var ntags = r.Int32();
        r.Int32(); // nbytes of one element
        if ((predef & 1) != 0)
        {
            return known.TryGetValue(name, out var defined)
                ? defined
                : throw r.Error(where, $"structure {name} refers to a definition that has not appeared");
        }

        if (ntags is < 0 or > 10_000)
        {
            throw r.Error(where, $"structure {name} declares {ntags} tags");
        }

        var raw = new (int Typecode, bool IsArray, bool IsStruct)[ntags];
        for (var i = 0; i < ntags; i++)
        {
            var offset = r.Int32();
            if (offset == -1)
            {
                r.Int64();
            }

            var typecode = r.Int32();
            var tagflags = r.Int32();
            raw[i] = (typecode, (tagflags & 4) != 0, (tagflags & 32) != 0);
        }

        var tags = new TagDesc[ntags];
        for (var i = 0; i < ntags; i++)
        {
            tags[i] = new TagDesc(r.String(), raw[i].Typecode, raw[i].IsArray, raw[i].IsStruct);
        }

        var arrays = new Dictionary<string, ArrayDesc>(StringComparer.Ordinal);
        foreach (var tag in tags.Where(t => t.IsArray))
        {
            arrays[tag.Name] = ReadArrayDesc(r, $"{where}.{tag.Name}");
        }

        var structs = new Dictionary<string, StructDesc>(StringComparer.Ordinal);
        foreach (var tag in tags.Where(t => t.IsStruct))
        {
            structs[tag.Name] = ReadStructDesc(r, known, $"{where}.{tag.Name}");
        }

        if ((predef & 6) != 0)
        {
            r.String(); // class name
            var nsuper = r.Int32();
            if (nsuper is < 0 or > 1000)
            {
                throw r.Error(where, $"structure {name} declares {nsuper} superclasses");
            }

            for (var i = 0; i < nsuper; i++)
            {
                r.String();
            }

            for (var i = 0; i < nsuper; i++)
            {
                ReadStructDesc(r, known, where);
            }
        }

        var desc = new StructDesc(name, tags, arrays, structs);
        if (name.Length > 0)
        {
            known[name] = desc;
        }

        return desc;
    }

    private static IdlStruct ReadStructure(XdrReader r, ArrayDesc array, StructDesc desc, string where)
    {
        if (array.NElements > 1_000_000)
        {
            throw r.Error(where, $"structure array of {array.NElements} elements is too large");
        }

        var elements = new List<IReadOnlyDictionary<string, object?>>((int)array.NElements);
        for (var i = 0; i < array.NElements; i++)
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in desc.Tags)
            {
                var at = $"{where}.{tag.Name}";
                fields[tag.Name] = tag.IsStruct
                    ? ReadStructure(r, desc.Arrays[tag.Name], desc.Structs[tag.Name], at)
                    : tag.IsArray ? ReadArray(r, tag.Typecode, desc.Arrays[tag.Name], at) : ReadScalar(r, tag.Typecode, at);
            }

            elements.Add(fields);
        }

        return new IdlStruct(desc.Name, elements);
    }

    private static IdlArray ReadArray(XdrReader r, int typecode, ArrayDesc desc, string where)
    {
        var n = checked((int)desc.NElements);
        var dims = desc.Dims.Reverse().ToArray();
        Array data;
        switch (typecode)
        {
            case 1:
                // The length word before byte data is 0 in files from some IDL versions (the gako
                // skymap has it); the array descriptor is authoritative.
                r.Int32();
                data = r.Bytes(n);
                break;
            case 2:
                data = ReadEach(n, () => (short)r.Int32());
                break;
            case 12:
                data = ReadEach(n, () => (ushort)r.UInt32());
                break;
            case 3:
                data = ReadEach(n, r.Int32);
                break;
            case 13:
                data = ReadEach(n, r.UInt32);
                break;
            case 14:
                data = ReadEach(n, r.Int64);
                break;
            case 15:
                data = ReadEach(n, () => (ulong)r.Int64());
                break;
            case 4:
                data = r.Floats(n);
                break;
            case 5:
                data = ReadEach(n, r.Double);
                break;
            case 6:
                data = ReadEach(2 * n, () => r.Float());
                dims = [.. dims, 2];
                break;
            case 9:
                data = ReadEach(2 * n, r.Double);
                dims = [.. dims, 2];
                break;
            case 7:
                data = ReadEach(n, r.StringData);
                break;
            case 10 or 11:
                data = ReadEach(n, r.Int32);
                break;
            default:
                throw r.Error(where, $"unknown IDL type code {typecode}");
        }

        r.Align();
        return new IdlArray(dims, data);
    }

    private static T[] ReadEach<T>(int n, Func<T> read)
    {
        var result = new T[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = read();
        }

        return result;
    }

    private static object ReadScalar(XdrReader r, int typecode, string where)
    {
        switch (typecode)
        {
            case 1:
                if (r.Int32() != 1)
                {
                    throw r.Error(where, "byte scalar without its length word 1");
                }

                var b = r.Bytes(1)[0];
                r.Align();
                return b;
            case 2: return (short)r.Int32();
            case 3: return r.Int32();
            case 4: return r.Float();
            case 5: return r.Double();
            case 6: return new[] { r.Float(), r.Float() };
            case 7: return r.StringData();
            case 9: return new[] { r.Double(), r.Double() };
            case 10 or 11: return r.Int32();
            case 12: return (ushort)r.UInt32();
            case 13: return r.UInt32();
            case 14: return r.Int64();
            case 15: return (ulong)r.Int64();
            default: throw r.Error(where, $"unknown IDL type code {typecode}");
        }
    }

    /// <summary>Big-endian (XDR) reads with 32-bit alignment and bounds checks.</summary>
    private sealed class XdrReader(byte[] bytes, string source, long start, long end)
    {
        private readonly long _start = start;
        private long _pos = start;

        public InvalidDataException Error(string where, string what) => FormatError.At(source, where, what, _pos);

        public void Skip(int n) => Take(n);

        public void Align()
        {
            var rel = (_pos - _start) % 4;
            if (rel != 0)
            {
                Take((int)(4 - rel));
            }
        }

        public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public float Float() => BinaryPrimitives.ReadSingleBigEndian(Take(4));

        public double Double() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

        public byte[] Bytes(int n) => Take(n).ToArray();

        public float[] Floats(int n)
        {
            var span = Take(checked(4 * n));
            var result = new float[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = BinaryPrimitives.ReadSingleBigEndian(span.Slice(4 * i, 4));
            }

            return result;
        }

        /// <summary>A name or tag: length, characters, aligned.</summary>
        public string String()
        {
            var length = Int32();
            if (length < 0 || length > 65536)
            {
                throw Error("string", $"length {length} is invalid");
            }

            var text = Encoding.Latin1.GetString(Take(length));
            Align();
            return text;
        }

        /// <summary>String data: length, then (when non-empty) the length again and the characters.</summary>
        public string StringData()
        {
            var length = Int32();
            if (length == 0)
            {
                return string.Empty;
            }

            return String();
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || _pos + n > end)
            {
                throw FormatError.At(source, "data", $"{n} bytes needed, {end - _pos} left in the record", _pos);
            }

            var span = bytes.AsSpan((int)_pos, n);
            _pos += n;
            return span;
        }
    }
}
