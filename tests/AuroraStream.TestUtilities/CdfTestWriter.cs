using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AuroraStream.TestUtilities;

/// <summary>
/// Writes small CDF 3 files (zVariables, one VVR or GZIP CVVR per run of stored records, attributes)
/// in either byte order and majority, for reader tests of the variants no real fixture covers:
/// sparse records (pad or previous), pad values, MaxRec beyond the last stored record. Values are
/// given row-major; the writer lays them out column-major when asked.
/// </summary>
public sealed class CdfTestWriter
{
    /// <summary>CDF type codes used by the tests.</summary>
    public const int Uint2 = 12;

    /// <summary>REAL8.</summary>
    public const int Real8 = 22;

    /// <summary>EPOCH.</summary>
    public const int Epoch = 31;

    /// <summary>EPOCH16 (each record: seconds and picoseconds, two doubles).</summary>
    public const int Epoch16 = 32;

    /// <summary>TIME_TT2000.</summary>
    public const int Tt2000 = 33;

    /// <summary>CHAR.</summary>
    public const int Char = 51;

    private readonly List<Variable> _variables = [];
    private readonly List<Attribute> _attributes = [];

    /// <summary>Whether data are little-endian (encoding 6, IBMPC) instead of network (1).</summary>
    public bool LittleEndian { get; init; }

    /// <summary>Row majority (else column).</summary>
    public bool RowMajor { get; init; } = true;

    /// <summary>Whether variable data go in GZIP CVVRs.</summary>
    public bool Gzip { get; init; }

    /// <summary>Adds a zVariable. Each record is a typed array (ushort[], double[], long[]) in row-major order.</summary>
    public CdfTestWriter AddVariable(string name, int type, int[] dims, bool recordVaries, params Array[] records)
    {
        _variables.Add(new Variable(name, type, dims, recordVaries, records));
        return this;
    }

    /// <summary>
    /// Adds a record-varying zVariable with records that are not stored (null entries): each run of
    /// stored records is one block. <paramref name="sparse"/> is the VDR's SRecords (0 none, 1 pad,
    /// 2 previous); <paramref name="padValue"/>, when given, is the VDR's PadValue (one value);
    /// <paramref name="maxRecord"/> defaults to the last record given.
    /// </summary>
    public CdfTestWriter AddSparseVariable(string name, int type, int[] dims, Array?[] records, int sparse, Array? padValue = null, int? maxRecord = null)
    {
        _variables.Add(new Variable(name, type, dims, true, records) { Sparse = sparse, Pad = padValue, MaxRecord = maxRecord });
        return this;
    }

    /// <summary>Adds a variable-scope attribute entry.</summary>
    public CdfTestWriter AddVariableAttribute(string attribute, string variable, int type, Array value)
    {
        var a = _attributes.FirstOrDefault(x => x.Name == attribute && !x.Global);
        if (a is null)
        {
            a = new Attribute(attribute, false, []);
            _attributes.Add(a);
        }

        a.Entries.Add((_variables.FindIndex(v => v.Name == variable), type, value));
        return this;
    }

    /// <summary>Adds a global attribute with one string entry.</summary>
    public CdfTestWriter AddGlobalAttribute(string attribute, string text)
    {
        _attributes.Add(new Attribute(attribute, true, [(0, Char, Encoding.ASCII.GetBytes(text))]));
        return this;
    }

    /// <summary>The file's bytes.</summary>
    public byte[] Build()
    {
        var o = new Output();
        o.Bytes([0xCD, 0xF3, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF]);

        // CDR
        o.I64(312);
        o.I32(1);
        var gdrPatch = o.Position;
        o.I64(0);
        o.I32(3);
        o.I32(9);
        o.I32(LittleEndian ? 6 : 1);
        o.I32((RowMajor ? 1 : 0) | 2);
        o.I32(0);
        o.I32(0);
        o.I32(0);
        o.I32(-1);
        o.I32(-1);
        o.Bytes(new byte[256]);

        // GDR
        var gdr = o.Position;
        o.Patch64(gdrPatch, gdr);
        o.I64(84);
        o.I32(2);
        o.I64(0);
        var zHeadPatch = o.Position;
        o.I64(0);
        var adrHeadPatch = o.Position;
        o.I64(0);
        var eofPatch = o.Position;
        o.I64(0);
        o.I32(0);
        o.I32(_attributes.Count);
        o.I32(-1);
        o.I32(0);
        o.I32(_variables.Count);
        o.I64(0);
        o.I32(0);
        o.I32(-1);
        o.I32(0);

        var previousNext = zHeadPatch;
        for (var n = 0; n < _variables.Count; n++)
        {
            var v = _variables[n];
            var size = SizeOf(v.Type);
            var vdr = o.Position;
            o.Patch64(previousNext, vdr);
            var padBytes = v.Pad is null ? [] : Encode(v.Pad, size, [v.Pad.Length]);
            var vdrSize = 344 + (8 * v.Dims.Length) + padBytes.Length;
            o.I64(vdrSize);
            o.I32(8);
            previousNext = o.Position;
            o.I64(0);
            o.I32(v.Type);
            o.I32(v.MaxRecord ?? (v.Records.Length - 1));
            var vxrHeadPatch = o.Position;
            o.I64(0);
            var vxrTailPatch = o.Position;
            o.I64(0);
            o.I32((v.RecordVaries ? 1 : 0) | (v.Pad is null ? 0 : 2) | (Gzip ? 4 : 0));
            o.I32(v.Sparse);
            o.I32(0);
            o.I32(-1);
            o.I32(-1);
            o.I32(v.Type == Char ? v.Records.First(r => r is not null)!.Length : 1);
            o.I32(n);
            var cprPatch = o.Position;
            o.I64(Gzip ? 0 : -1);
            o.I32(0);
            var name = new byte[256];
            Encoding.ASCII.GetBytes(v.Name).CopyTo(name, 0);
            o.Bytes(name);
            o.I32(v.Dims.Length);
            foreach (var d in v.Dims)
            {
                o.I32(d);
            }

            foreach (var _ in v.Dims)
            {
                o.I32(-1);
            }

            o.Bytes(padBytes);

            if (Gzip)
            {
                var cpr = o.Position;
                o.Patch64(cprPatch, cpr);
                o.I64(28);
                o.I32(11);
                o.I32(5);
                o.I32(0);
                o.I32(1);
                o.I32(6);
            }

            // Each run of stored (non-null) records is one VVR or CVVR.
            var runs = new List<(int First, int Last)>();
            for (var r = 0; r < v.Records.Length; r++)
            {
                if (v.Records[r] is null)
                {
                    continue;
                }

                if (runs.Count > 0 && runs[^1].Last == r - 1)
                {
                    runs[^1] = (runs[^1].First, r);
                }
                else
                {
                    runs.Add((r, r));
                }
            }

            if (runs.Count == 0)
            {
                continue;
            }

            var vxr = o.Position;
            o.Patch64(vxrHeadPatch, vxr);
            o.Patch64(vxrTailPatch, vxr);
            o.I64(28 + (16 * runs.Count));
            o.I32(6);
            o.I64(0);
            o.I32(runs.Count);
            o.I32(runs.Count);
            foreach (var (first, _) in runs)
            {
                o.I32(first);
            }

            foreach (var (_, last) in runs)
            {
                o.I32(last);
            }

            var offsetPatch = o.Position;
            foreach (var _ in runs)
            {
                o.I64(0);
            }

            for (var k = 0; k < runs.Count; k++)
            {
                var data = new MemoryStream();
                for (var r = runs[k].First; r <= runs[k].Last; r++)
                {
                    data.Write(Encode(v.Records[r]!, size, v.Dims));
                }

                o.Patch64(offsetPatch + (8 * k), o.Position);
                if (Gzip)
                {
                    var compressed = new MemoryStream();
                    using (var gz = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                    {
                        gz.Write(data.ToArray());
                    }

                    o.I64(24 + compressed.Length);
                    o.I32(13);
                    o.I32(0);
                    o.I64(compressed.Length);
                    o.Bytes(compressed.ToArray());
                }
                else
                {
                    o.I64(12 + data.Length);
                    o.I32(7);
                    o.Bytes(data.ToArray());
                }
            }
        }

        var previousAdr = adrHeadPatch;
        for (var a = 0; a < _attributes.Count; a++)
        {
            var attr = _attributes[a];
            var adr = o.Position;
            o.Patch64(previousAdr, adr);
            o.I64(324);
            o.I32(4);
            previousAdr = o.Position;
            o.I64(0);
            var agrPatch = o.Position;
            o.I64(0);
            o.I32(attr.Global ? 1 : 2);
            o.I32(a);
            o.I32(attr.Global ? attr.Entries.Count : 0);
            o.I32(attr.Global ? attr.Entries.Count - 1 : -1);
            o.I32(0);
            var azPatch = o.Position;
            o.I64(0);
            o.I32(attr.Global ? 0 : attr.Entries.Count);
            o.I32(attr.Global ? -1 : attr.Entries.Max(e => e.Number));
            o.I32(0);
            var name = new byte[256];
            Encoding.ASCII.GetBytes(attr.Name).CopyTo(name, 0);
            o.Bytes(name);
            var previousEntry = attr.Global ? agrPatch : azPatch;
            foreach (var (number, type, value) in attr.Entries)
            {
                var encoded = type == Char ? (byte[])value : Encode(value, SizeOf(type), [value.Length]);
                var aedr = o.Position;
                o.Patch64(previousEntry, aedr);
                o.I64(56 + encoded.Length);
                o.I32(attr.Global ? 5 : 9);
                previousEntry = o.Position;
                o.I64(0);
                o.I32(a);
                o.I32(type);
                o.I32(number);
                o.I32(type == Char ? encoded.Length : value.Length);
                o.I32(0);
                o.I32(0);
                o.I32(0);
                o.I32(-1);
                o.I32(-1);
                o.Bytes(encoded);
            }
        }

        o.Patch64(eofPatch, o.Position);
        return o.ToArray();
    }

    private byte[] Encode(Array values, int size, int[] dims)
    {
        var n = values.Length;
        var order = RowMajor || dims.Length < 2 ? Enumerable.Range(0, n).ToArray() : ColumnMajorOrder(dims);
        var bytes = new byte[n * size];
        for (var k = 0; k < n; k++)
        {
            var span = bytes.AsSpan(k * size, size);
            var value = values.GetValue(order[k])!;
            switch (value)
            {
                case ushort u when LittleEndian: BinaryPrimitives.WriteUInt16LittleEndian(span, u); break;
                case ushort u: BinaryPrimitives.WriteUInt16BigEndian(span, u); break;
                case double d when LittleEndian: BinaryPrimitives.WriteDoubleLittleEndian(span, d); break;
                case double d: BinaryPrimitives.WriteDoubleBigEndian(span, d); break;
                case long l when LittleEndian: BinaryPrimitives.WriteInt64LittleEndian(span, l); break;
                case long l: BinaryPrimitives.WriteInt64BigEndian(span, l); break;
                case byte b: span[0] = b; break;
                default: throw new ArgumentException($"Unsupported value type {value.GetType()}.");
            }
        }

        return bytes;
    }

    /// <summary>For each column-major storage slot, the row-major index of the value stored there.</summary>
    private static int[] ColumnMajorOrder(int[] dims)
    {
        var n = dims.Aggregate(1, (a, b) => a * b);
        var order = new int[n];
        var index = new int[dims.Length];
        for (var slot = 0; slot < n; slot++)
        {
            var rest = slot;
            for (var d = 0; d < dims.Length; d++)
            {
                index[d] = rest % dims[d];
                rest /= dims[d];
            }

            var rowMajor = 0;
            for (var d = 0; d < dims.Length; d++)
            {
                rowMajor = (rowMajor * dims[d]) + index[d];
            }

            order[slot] = rowMajor;
        }

        return order;
    }

    /// <summary>Bytes per array element handed to the writer (EPOCH16 comes as two doubles).</summary>
    private static int SizeOf(int type) => type switch { Uint2 => 2, Real8 or Epoch or Epoch16 or Tt2000 => 8, Char => 1, _ => throw new ArgumentException($"type {type}") };

    private sealed record Variable(string Name, int Type, int[] Dims, bool RecordVaries, Array?[] Records)
    {
        public int Sparse { get; init; }

        public Array? Pad { get; init; }

        public int? MaxRecord { get; init; }
    }

    private sealed record Attribute(string Name, bool Global, List<(int Number, int Type, Array Value)> Entries);

    private sealed class Output
    {
        private readonly MemoryStream _stream = new();

        public long Position => _stream.Position;

        public void Bytes(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

        public void I32(int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, v);
            _stream.Write(b);
        }

        public void I64(long v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, v);
            _stream.Write(b);
        }

        public void Patch64(long at, long value)
        {
            var here = _stream.Position;
            _stream.Position = at;
            I64(value);
            _stream.Position = here;
        }

        public byte[] ToArray() => _stream.ToArray();
    }
}
