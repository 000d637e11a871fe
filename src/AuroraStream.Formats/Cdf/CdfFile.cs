using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AuroraStream.Formats.IO;

namespace AuroraStream.Formats.Cdf;

/// <summary>
/// A reader of the CDF version 3 internal format (CDF Internal Format Description v3.x; files
/// written by CDF 3.0 to 3.9): CDR, GDR, rVDR/zVDR, VXR/VVR, CVVR with GZIP or RLE compression,
/// ADR/AgrEDR/AzEDR attributes, all IEEE encodings (network and host byte orders), row and column
/// majority (values are always returned row-major), and records that exist only virtually: those a
/// sparse variable skips and those up to MaxRec beyond the last stored block read, as the CDF library
/// reads them, as the pad value (the VDR's PadValue, else the type's default pad) or, for
/// previous-sparse variables, as the last stored record before them.
/// </summary>
/// <remarks>
/// Metadata is read eagerly when the file is opened (a few kilobytes); record data is read lazily,
/// one record at a time, inflating compressed blocks incrementally, so an hour of THEMIS frames
/// (100-140 MB) is never held in memory. Internal records are checked before anything is allocated:
/// record sizes and offsets must lie inside the file and dimension products inside
/// <see cref="CdfReaderOptions.MaxRecordBytes"/>. Not implemented: CDF 2.x files (32-bit offsets),
/// whole-file compression (CCR), Huffman compression and VAX floating point encodings; each is
/// refused with an <see cref="InvalidDataException"/> saying so.
/// </remarks>
public sealed class CdfFile : IDisposable
{
    private const uint MagicV3 = 0xCDF30001;
    private const uint MagicUncompressed = 0x0000FFFF;
    private const uint MagicCompressed = 0xCCCC0001;

    private const int RecordCdr = 1;
    private const int RecordGdr = 2;
    private const int RecordRvdr = 3;
    private const int RecordAdr = 4;
    private const int RecordAgredr = 5;
    private const int RecordVxr = 6;
    private const int RecordVvr = 7;
    private const int RecordZvdr = 8;
    private const int RecordAzedr = 9;
    private const int RecordCpr = 11;
    private const int RecordCvvr = 13;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly CdfReaderOptions _options;
    private readonly long _length;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CdfVariable> _byName = new(StringComparer.Ordinal);

    private CdfFile(Stream stream, string source, bool leaveOpen, CdfReaderOptions options)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options;
        Source = source;
        _length = stream.Length;
        try
        {
            Parse();
        }
        catch
        {
            if (!leaveOpen)
            {
                stream.Dispose();
            }

            throw;
        }
    }

    /// <summary>The file name used in messages.</summary>
    public string Source { get; }

    /// <summary>CDF library version, release and increment that wrote the file, e.g. 3.6.3.</summary>
    public string LibraryVersion { get; private set; } = string.Empty;

    /// <summary>The CDR encoding code (1 = network, 6 = IBM PC...).</summary>
    public int EncodingCode { get; private set; }

    /// <summary>Whether values are stored big-endian.</summary>
    public bool IsBigEndian { get; private set; }

    /// <summary>Whether the file is row-major (else column-major; values are transposed on read).</summary>
    public bool IsRowMajor { get; private set; }

    /// <summary>The file length the GDR declares (its end-of-file offset).</summary>
    public long DeclaredLength { get; private set; }

    /// <summary>Actual length of the file or stream.</summary>
    public long Length => _length;

    /// <summary>
    /// Whether the file is shorter than its GDR declares: records near the end are missing, and
    /// reading the variables stored there fails.
    /// </summary>
    public bool IsTruncated => _length < DeclaredLength;

    /// <summary>All variables, r then z, in number order.</summary>
    public IReadOnlyList<CdfVariable> Variables { get; private set; } = [];

    /// <summary>All attributes, in number order.</summary>
    public IReadOnlyList<CdfAttribute> Attributes { get; private set; } = [];

    /// <summary>Opens a file for reading.</summary>
    /// <exception cref="InvalidDataException">Not a CDF v3 file, or its metadata is corrupt.</exception>
    public static CdfFile Open(string path, CdfReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        return new CdfFile(stream, path, leaveOpen: false, options ?? CdfReaderOptions.Default);
    }

    /// <summary>Opens a seekable stream holding a CDF file.</summary>
    public static CdfFile Open(Stream stream, string source, bool leaveOpen = false, CdfReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("A CDF stream must be readable and seekable.", nameof(stream));
        }

        options ??= CdfReaderOptions.Default;
        options.Validate();
        return new CdfFile(stream, source, leaveOpen, options);
    }

    /// <summary>Whether the bytes start like a CDF v3 file (or a CDF of another version).</summary>
    public static bool HasCdfMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && (BinaryPrimitives.ReadUInt32BigEndian(head) & 0xFFFF0000) == 0xCDF20000
            || head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == MagicV3;

    /// <summary>A global attribute by name, or null.</summary>
    public CdfAttribute? GetAttribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>A variable by name, or null.</summary>
    public CdfVariable? TryGetVariable(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A variable by name.</summary>
    /// <exception cref="InvalidDataException">The file has no such variable.</exception>
    public CdfVariable GetVariable(string name) =>
        TryGetVariable(name) ?? throw FormatError.At(Source, string.Empty, $"no variable '{name}' (has: {string.Join(", ", Variables.Select(v => v.Name))})");

    /// <summary>
    /// Streams the records 0..MaxRec of a variable in record order, each as a new array of
    /// <typeparamref name="T"/> in host byte order and row-major order. Records that are not stored
    /// (skipped by a sparse variable, or after the last stored block) are yielded as the CDF library
    /// reads them, marked by <see cref="CdfRecord{T}.Source"/>: the pad value, or for
    /// <see cref="CdfSparseRecords.Previous"/> a copy of the last stored record before them.
    /// <typeparamref name="T"/> must match the element size (ushort for UINT2, double for REAL8 and
    /// EPOCH, long for TT2000...).
    /// </summary>
    public IEnumerable<CdfRecord<T>> ReadRecords<T>(CdfVariable variable, int firstRecord = 0, int lastRecord = int.MaxValue)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(variable);
        var size = CdfDataTypes.SizeOf(variable.DataType);
        var elementSize = CdfDataTypes.IsString(variable.DataType) ? 1 : CdfDataTypes.SwapUnit(variable.DataType);
        if (Marshal.SizeOf<T>() != elementSize)
        {
            throw new ArgumentException($"{typeof(T).Name} does not match {variable.Name}'s type {variable.DataType} ({size} bytes).", nameof(T));
        }

        if (variable.Compression is CdfCompression.Huffman or CdfCompression.AdaptiveHuffman)
        {
            throw FormatError.At(Source, $"variable {variable.Name}", $"{variable.Compression} compression is not implemented by this reader").Tag(FormatErrorKind.Unsupported);
        }

        return ReadRecordsIterator<T>(variable, firstRecord, lastRecord);
    }

    /// <summary>
    /// Reads every value of a small variable (times, coordinates) as doubles, records concatenated.
    /// The values of records that hold only the pad value because they are not stored are NaN: for
    /// analysis they are missing, not numbers (previous-sparse records keep the value they repeat).
    /// </summary>
    public double[] ReadAllAsDoubles(CdfVariable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable.RecordBytes * variable.RecordCount > _options.MaxRecordBytes)
        {
            throw FormatError.At(Source, $"variable {variable.Name}", $"{variable.RecordBytes * variable.RecordCount} bytes is too large to read whole; stream its records");
        }

        // By swap unit, not element size: an EPOCH16 value is two doubles.
        return CdfDataTypes.SwapUnit(variable.DataType) switch
        {
            1 => ToDoubles<byte>(variable),
            2 => ToDoubles<ushort>(variable),
            4 => ToDoubles<uint>(variable),
            8 => ToDoubles<ulong>(variable),
            _ => throw FormatError.At(Source, $"variable {variable.Name}", $"type {variable.DataType} cannot be read as numbers").Tag(FormatErrorKind.Unsupported),
        };
    }

    private double[] ToDoubles<T>(CdfVariable variable)
        where T : unmanaged
    {
        var result = new List<double>();
        foreach (var r in ReadRecords<T>(variable))
        {
            var values = CdfValues.ToDoubles(MemoryMarshal.AsBytes(r.Values.AsSpan()), variable.DataType);
            if (r.Source == CdfRecordSource.Pad)
            {
                Array.Fill(values, double.NaN);
            }

            result.AddRange(values);
        }

        return [.. result];
    }

    /// <summary>
    /// Reads a time variable (EPOCH, EPOCH16, TT2000, or REAL8 Unix seconds) as UTC; fill values
    /// become null.
    /// </summary>
    public DateTime?[] ReadTimes(CdfVariable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        switch (variable.DataType)
        {
            case CdfDataType.TimeTt2000:
                return [.. ReadRecords<long>(variable).SelectMany(r => r.Values).Select(CdfTime.FromTt2000)];
            case CdfDataType.Epoch:
                return [.. ReadAllAsDoubles(variable).Select(CdfTime.FromEpoch)];
            case CdfDataType.Epoch16:
                var pairs = ReadAllAsDoubles(variable);
                return [.. Enumerable.Range(0, pairs.Length / 2).Select(i => CdfTime.FromEpoch16(pairs[2 * i], pairs[(2 * i) + 1]))];
            case CdfDataType.Real8 or CdfDataType.Double or CdfDataType.Real4 or CdfDataType.Float:
                var fill = variable.GetAttribute("FILLVAL")?.AsDouble();
                return [.. ReadAllAsDoubles(variable).Select(s => FromUnixSeconds(s, fill))];
            default:
                throw FormatError.At(Source, $"variable {variable.Name}", $"type {variable.DataType} is not a time type").Tag(FormatErrorKind.Unsupported);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private static DateTime? FromUnixSeconds(double seconds, double? fill)
    {
        if (!double.IsFinite(seconds) || (fill is { } f && seconds == f) || Math.Abs(seconds) > 2e11)
        {
            return null;
        }

        return DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }

    private IEnumerable<CdfRecord<T>> ReadRecordsIterator<T>(CdfVariable variable, int firstRecord, int lastRecord)
        where T : unmanaged
    {
        var recordBytes = checked((int)variable.RecordBytes);
        var last = Math.Min(lastRecord, variable.MaxRecord);
        var next = Math.Max(0, firstRecord);
        var previousSparse = variable.SparseRecordKind == CdfSparseRecords.Previous;
        T[]? previous = null;
        Block? skipped = null;
        T[]? pad = null;

        // A record that is not stored: what the CDF library returns for it.
        CdfRecord<T> Virtual(int record)
        {
            if (previousSparse)
            {
                if (previous is null && skipped is { } before)
                {
                    previous = ReadBlockRecords<T>(variable, before, before.Last).Last().Values;
                }

                if (previous is not null)
                {
                    return new CdfRecord<T>(record, (T[])previous.Clone(), CdfRecordSource.Previous);
                }
            }

            pad ??= PadRecord<T>(variable, recordBytes);
            return new CdfRecord<T>(record, (T[])pad.Clone(), CdfRecordSource.Pad);
        }

        foreach (var block in EnumerateBlocks(variable, variable.VxrHead, 0))
        {
            if (block.First > last)
            {
                break;
            }

            for (; next < block.First && next <= last; next++)
            {
                yield return Virtual(next);
            }

            if (block.Last < next)
            {
                // Wholly before firstRecord: read only if a previous-sparse gap needs its last record.
                skipped = block;
                continue;
            }

            foreach (var stored in ReadBlockRecords<T>(variable, block, last))
            {
                if (stored.Number < next)
                {
                    if (previousSparse)
                    {
                        previous = stored.Values;
                    }

                    continue;
                }

                if (previousSparse)
                {
                    previous = (T[])stored.Values.Clone();
                }

                yield return stored;
                next = stored.Number + 1;
            }
        }

        for (; next <= last; next++)
        {
            yield return Virtual(next);
        }
    }

    /// <summary>The stored records of one block up to <paramref name="last"/>, host order, row-major.</summary>
    private IEnumerable<CdfRecord<T>> ReadBlockRecords<T>(CdfVariable variable, Block block, int last)
        where T : unmanaged
    {
        var recordBytes = checked((int)variable.RecordBytes);
        var unit = CdfDataTypes.SwapUnit(variable.DataType);
        var swap = unit > 1 && IsBigEndian == BitConverter.IsLittleEndian;
        var transpose = !IsRowMajor && variable.StoredDimensions.Count > 1;
        using var data = OpenBlock(variable, block, recordBytes);
        for (var record = block.First; record <= block.Last && record <= last; record++)
        {
            // Uninitialised: every byte is overwritten by the read below or the record fails.
            var values = GC.AllocateUninitializedArray<T>(recordBytes / Marshal.SizeOf<T>());
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            var got = ReadBlock(data, bytes, variable, record, block);
            if (got < recordBytes)
            {
                throw FormatError.At(Source, $"variable {variable.Name} record {record}", $"data block ends early: expected {recordBytes} bytes, got {got}", block.Offset);
            }

            if (swap)
            {
                CdfValues.SwapInPlace(bytes, unit);
            }

            if (transpose)
            {
                values = ColumnToRowMajor(values, variable.StoredDimensions, variable.NumElements);
            }

            yield return new CdfRecord<T>(record, values);
        }
    }

    /// <summary>A record of pad values: the variable's pad value (host order) repeated for every value.</summary>
    private static T[] PadRecord<T>(CdfVariable variable, int recordBytes)
        where T : unmanaged
    {
        var values = new T[recordBytes / Marshal.SizeOf<T>()];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var pad = variable.EffectivePad;
        for (var at = 0; at + pad.Length <= bytes.Length; at += pad.Length)
        {
            pad.CopyTo(bytes[at..]);
        }

        return values;
    }

    private int ReadBlock(Stream data, Span<byte> destination, CdfVariable variable, int record, Block block)
    {
        try
        {
            return data.ReadUpTo(destination);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(Source, StringComparison.Ordinal))
        {
            throw FormatError.At(Source, $"variable {variable.Name} record {record}", $"compressed block does not inflate: {e.Message}", block.Offset, e);
        }
    }

    private static T[] ColumnToRowMajor<T>(T[] values, IReadOnlyList<int> dims, int elementsPerValue)
    {
        var result = new T[values.Length];
        var n = dims.Count;
        Span<int> index = stackalloc int[n];
        var count = values.Length / elementsPerValue;
        for (var rowMajor = 0; rowMajor < count; rowMajor++)
        {
            var rest = rowMajor;
            for (var d = n - 1; d >= 0; d--)
            {
                index[d] = rest % dims[d];
                rest /= dims[d];
            }

            var colMajor = 0;
            for (var d = n - 1; d >= 0; d--)
            {
                colMajor = (colMajor * dims[d]) + index[d];
            }

            Array.Copy(values, colMajor * elementsPerValue, result, rowMajor * elementsPerValue, elementsPerValue);
        }

        return result;
    }

    private readonly record struct Block(int First, int Last, long Offset, bool Compressed, long DataOffset, long DataLength);

    private IEnumerable<Block> EnumerateBlocks(CdfVariable variable, long vxrOffset, int depth)
    {
        if (depth > 16)
        {
            throw FormatError.At(Source, $"variable {variable.Name}", "VXR tree deeper than 16 levels (a loop?)", vxrOffset);
        }

        var visited = 0;
        var previousLast = -1;
        for (var vxr = vxrOffset; vxr != 0;)
        {
            if (++visited > 1_000_000)
            {
                throw FormatError.At(Source, $"variable {variable.Name}", "VXR chain does not end (a loop?)", vxr);
            }

            var header = ReadRecordHeader(vxr, RecordVxr, 28, $"variable {variable.Name} VXR");
            var next = header.Int64(12);
            var entries = header.Int32(20);
            var used = header.Int32(24);
            if (entries < 0 || used < 0 || used > entries || 28 + (16L * entries) > header.Size)
            {
                throw FormatError.At(Source, $"variable {variable.Name} VXR", $"entry counts {used}/{entries} do not fit a {header.Size}-byte record", vxr);
            }

            var body = ReadAt(vxr + 28, checked(16 * entries), $"variable {variable.Name} VXR entries");
            for (var e = 0; e < used; e++)
            {
                var first = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4 * e));
                var last = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan((4 * entries) + (4 * e)));
                var offset = BinaryPrimitives.ReadInt64BigEndian(body.AsSpan((8 * entries) + (8 * e)));
                if (first < 0 || last < first || last > variable.MaxRecord || first <= previousLast)
                {
                    throw FormatError.At(Source, $"variable {variable.Name} VXR entry {e}", $"record range {first}..{last} is invalid (max record {variable.MaxRecord}, previous {previousLast})", vxr);
                }

                CheckOffset(offset, $"variable {variable.Name} VXR entry {e}");
                var target = ReadRecordHeader(offset, -1, 12, $"variable {variable.Name} records {first}..{last}");
                switch (target.Type)
                {
                    case RecordVxr:
                        foreach (var inner in EnumerateBlocks(variable, offset, depth + 1))
                        {
                            yield return inner;
                        }

                        break;
                    case RecordVvr:
                        var expected = 12 + ((long)(last - first + 1) * variable.RecordBytes);
                        if (target.Size < expected)
                        {
                            throw FormatError.At(Source, $"variable {variable.Name} VVR", $"holds {target.Size} bytes, records {first}..{last} need {expected}", offset);
                        }

                        yield return new Block(first, last, offset, false, offset + 12, expected - 12);
                        break;
                    case RecordCvvr:
                        var cvvr = ReadRecordHeader(offset, RecordCvvr, 24, $"variable {variable.Name} CVVR");
                        var compressedSize = cvvr.Int64(16);
                        if (compressedSize < 0 || 24 + compressedSize > cvvr.Size)
                        {
                            throw FormatError.At(Source, $"variable {variable.Name} CVVR", $"compressed size {compressedSize} does not fit a {cvvr.Size}-byte record", offset);
                        }

                        yield return new Block(first, last, offset, true, offset + 24, compressedSize);
                        break;
                    default:
                        throw FormatError.At(Source, $"variable {variable.Name} VXR entry {e}", $"points at a record of type {target.Type}, expected VXR, VVR or CVVR", offset);
                }

                previousLast = last;
            }

            next = next == vxr ? throw FormatError.At(Source, $"variable {variable.Name} VXR", "points at itself", vxr) : next;
            vxr = next;
        }
    }

    private Stream OpenBlock(CdfVariable variable, Block block, int recordBytes)
    {
        var window = new WindowStream(this, block.DataOffset, block.DataLength);
        if (!block.Compressed)
        {
            return window;
        }

        var inflatedCap = (long)(block.Last - block.First + 1) * recordBytes;
        return variable.Compression switch
        {
            CdfCompression.Gzip => new CappedReadStream(new GzipReadStream(window, $"{Source}: variable {variable.Name} records {block.First}..{block.Last} (CVVR at byte {block.Offset})"), inflatedCap, $"{Source}: variable {variable.Name} records {block.First}..{block.Last}"),
            CdfCompression.Rle => new CappedReadStream(new ZeroRunLengthStream(window), inflatedCap, $"{Source}: variable {variable.Name} records {block.First}..{block.Last}"),
            _ => throw FormatError.At(Source, $"variable {variable.Name}", $"a compressed block but the variable's compression is {variable.Compression}", block.Offset),
        };
    }

    private void Parse()
    {
        if (_length < 8 + 312)
        {
            throw FormatError.At(Source, string.Empty, $"{_length} bytes is too short for a CDF file", 0).Tag(_length < 4 ? FormatErrorKind.UnknownFormat : FormatErrorKind.Corrupt);
        }

        var magic = ReadAt(0, 8, "magic");
        var m1 = BinaryPrimitives.ReadUInt32BigEndian(magic);
        var m2 = BinaryPrimitives.ReadUInt32BigEndian(magic.AsSpan(4));
        if (m1 != MagicV3)
        {
            if ((m1 & 0xFFFF0000) == 0xCDF20000 || m1 == 0x0000FFFF)
            {
                throw FormatError.At(Source, "magic", $"a CDF 2.x file (0x{m1:X8}); this reader implements CDF 3", 0).Tag(FormatErrorKind.Unsupported);
            }

            throw FormatError.At(Source, "magic", $"not a CDF file: 0x{m1:X8}", 0).Tag(FormatErrorKind.UnknownFormat);
        }

        if (m2 == MagicCompressed)
        {
            throw FormatError.At(Source, "magic", "whole-file compressed CDF (CCR) is not implemented; decompress it with the CDF tools' cdfconvert", 4).Tag(FormatErrorKind.Unsupported);
        }

        if (m2 != MagicUncompressed)
        {
            throw FormatError.At(Source, "magic", $"unknown second magic word 0x{m2:X8}", 4);
        }

        var cdr = ReadRecordHeader(8, RecordCdr, 56, "CDR");
        var gdrOffset = cdr.Int64(12);
        var version = cdr.Int32(20);
        var release = cdr.Int32(24);
        EncodingCode = cdr.Int32(28);
        var flags = cdr.Int32(32);
        var increment = cdr.Int32(44);
        LibraryVersion = $"{version}.{release}.{increment}";
        if (version != 3)
        {
            throw FormatError.At(Source, "CDR", $"version {version}.{release}; this reader implements CDF 3", 8).Tag(FormatErrorKind.Unsupported);
        }

        IsRowMajor = (flags & 1) != 0;
        IsBigEndian = EncodingCode switch
        {
            1 or 2 or 5 or 7 or 9 or 11 or 12 or 18 => true,
            4 or 6 or 13 or 16 or 17 or 19 => false,
            3 or 14 or 15 or 20 or 21 => throw FormatError.At(Source, "CDR", $"encoding {EncodingCode} uses VAX floating point, which this reader does not implement", 8 + 28).Tag(FormatErrorKind.Unsupported),
            _ => throw FormatError.At(Source, "CDR", $"unknown encoding {EncodingCode}", 8 + 28),
        };

        CheckOffset(gdrOffset, "CDR GDR offset");
        var gdr = ReadRecordHeader(gdrOffset, RecordGdr, 84, "GDR");
        var rVdrHead = gdr.Int64(12);
        var zVdrHead = gdr.Int64(20);
        var adrHead = gdr.Int64(28);
        DeclaredLength = gdr.Int64(36);

        var nrVars = gdr.Int32(44);
        var numAttr = gdr.Int32(48);
        var rNumDims = gdr.Int32(56);
        var nzVars = gdr.Int32(60);
        if (rNumDims is < 0 or > CdfReaderOptions.MaxDimensions || 84 + (4L * rNumDims) > gdr.Size)
        {
            throw FormatError.At(Source, "GDR", $"rNumDims {rNumDims} is invalid", gdrOffset + 56);
        }

        if (nrVars < 0 || nzVars < 0 || numAttr < 0 || nrVars + nzVars > 100_000 || numAttr > 100_000)
        {
            throw FormatError.At(Source, "GDR", $"implausible counts: {nrVars} rVariables, {nzVars} zVariables, {numAttr} attributes", gdrOffset);
        }

        var rDims = new int[rNumDims];
        for (var i = 0; i < rNumDims; i++)
        {
            rDims[i] = gdr.Int32(84 + (4 * i));
        }

        var variables = new List<CdfVariable>();
        variables.AddRange(ReadVdrChain(rVdrHead, nrVars, isZ: false, rDims));
        variables.AddRange(ReadVdrChain(zVdrHead, nzVars, isZ: true, rDims));
        Variables = variables;
        foreach (var v in variables)
        {
            _byName.TryAdd(v.Name, v);
        }

        Attributes = ReadAdrChain(adrHead, numAttr);
        var rByNumber = variables.Where(v => !v.IsZVariable).ToDictionary(v => v.Number);
        var zByNumber = variables.Where(v => v.IsZVariable).ToDictionary(v => v.Number);
        var perVariable = variables.ToDictionary(v => v, _ => new Dictionary<string, CdfAttributeEntry>(StringComparer.Ordinal));
        foreach (var attribute in Attributes.Where(a => !a.IsGlobal))
        {
            foreach (var entry in attribute.Entries)
            {
                if ((entry.IsZEntry ? zByNumber : rByNumber).TryGetValue(entry.EntryNumber, out var v))
                {
                    perVariable[v][attribute.Name] = entry;
                }
            }
        }

        foreach (var (v, attrs) in perVariable)
        {
            v.Attributes = attrs;
        }
    }

    private List<CdfVariable> ReadVdrChain(long head, int count, bool isZ, int[] rDims)
    {
        var result = new List<CdfVariable>();
        var kind = isZ ? "zVDR" : "rVDR";
        for (var offset = head; offset != 0 && result.Count < count;)
        {
            var where = $"{kind} {result.Count}";
            var h = ReadRecordHeader(offset, isZ ? RecordZvdr : RecordRvdr, isZ ? 344 : 340, where);
            var next = h.Int64(12);
            var dataType = (CdfDataType)h.Int32(20);
            var maxRec = h.Int32(24);
            var vxrHead = h.Int64(28);
            var flags = h.Int32(44);
            var sRecords = h.Int32(48);
            var numElems = h.Int32(64);
            var num = h.Int32(68);
            var cprOffset = h.Int64(72);
            var name = h.String(84, 256);
            where = $"variable {name}";
            if (CdfDataTypes.SizeOf(dataType) == 0)
            {
                throw FormatError.At(Source, where, $"unknown data type {(int)dataType}", offset + 20);
            }

            if (numElems < 1 || (!CdfDataTypes.IsString(dataType) && numElems != 1) || numElems > 65536)
            {
                throw FormatError.At(Source, where, $"NumElems {numElems} is invalid for {dataType}", offset + 64);
            }

            if (maxRec < -1)
            {
                throw FormatError.At(Source, where, $"MaxRec {maxRec} is negative", offset + 24);
            }

            int[] dims;
            var pos = 340;
            if (isZ)
            {
                var zNumDims = h.Int32(340);
                if (zNumDims is < 0 or > CdfReaderOptions.MaxDimensions || 344 + (8L * zNumDims) > h.Size)
                {
                    throw FormatError.At(Source, where, $"zNumDims {zNumDims} is invalid", offset + 340);
                }

                dims = new int[zNumDims];
                for (var i = 0; i < zNumDims; i++)
                {
                    dims[i] = h.Int32(344 + (4 * i));
                }

                pos = 344 + (4 * zNumDims);
            }
            else
            {
                dims = rDims;
                if (340 + (4L * dims.Length) > h.Size)
                {
                    throw FormatError.At(Source, where, "record too short for its DimVarys", offset);
                }
            }

            var varys = new bool[dims.Length];
            for (var i = 0; i < dims.Length; i++)
            {
                varys[i] = h.Int32(pos + (4 * i)) != 0;
            }

            pos += 4 * dims.Length;
            long product = 1;
            foreach (var d in dims)
            {
                if (d < 1)
                {
                    throw FormatError.At(Source, where, $"dimension size {d} is invalid", offset);
                }

                product *= d;
                if (product * CdfDataTypes.SizeOf(dataType) * numElems > _options.MaxRecordBytes)
                {
                    throw FormatError.At(Source, where, $"a record of [{string.Join(",", dims)}] exceeds the {_options.MaxRecordBytes}-byte limit", offset);
                }
            }

            var elementBytes = CdfDataTypes.SizeOf(dataType) * numElems;
            byte[]? pad = null;
            if ((flags & 2) != 0 && pos + elementBytes <= h.Size)
            {
                pad = ReadAt(offset + pos, elementBytes, $"{where} pad value");
                if (IsBigEndian == BitConverter.IsLittleEndian)
                {
                    CdfValues.SwapInPlace(pad, CdfDataTypes.SwapUnit(dataType));
                }
            }

            var compression = CdfCompression.None;
            if ((flags & 4) != 0)
            {
                CheckOffset(cprOffset, $"{where} CPR offset");
                var cpr = ReadRecordHeader(cprOffset, RecordCpr, 24, $"{where} CPR");
                compression = (CdfCompression)cpr.Int32(12);
                if (compression is not (CdfCompression.Gzip or CdfCompression.Rle or CdfCompression.Huffman or CdfCompression.AdaptiveHuffman))
                {
                    throw FormatError.At(Source, where, $"unknown compression type {(int)compression}", cprOffset + 12);
                }
            }

            if (sRecords is < 0 or > 2)
            {
                throw FormatError.At(Source, where, $"SRecords {sRecords} is not 0 (none), 1 (pad) or 2 (previous)", offset + 48);
            }

            result.Add(new CdfVariable(name, num, isZ, dataType, numElems, dims, varys, (flags & 1) != 0, (CdfSparseRecords)sRecords, maxRec, vxrHead, compression, pad));
            if (next != 0)
            {
                CheckOffset(next, $"{where} next VDR");
            }

            offset = next == offset ? throw FormatError.At(Source, where, "VDR points at itself", offset) : next;
        }

        if (result.Count != count)
        {
            throw FormatError.At(Source, "GDR", $"declares {count} {(isZ ? "z" : "r")}Variables, the chain holds {result.Count}", head);
        }

        return result;
    }

    private List<CdfAttribute> ReadAdrChain(long head, int count)
    {
        var result = new List<CdfAttribute>();
        for (var offset = head; offset != 0 && result.Count < count;)
        {
            var h = ReadRecordHeader(offset, RecordAdr, 324, $"ADR {result.Count}");
            var next = h.Int64(12);
            var agrHead = h.Int64(20);
            var scope = h.Int32(28);
            var num = h.Int32(32);
            var azHead = h.Int64(48);
            var name = h.String(68, 256);
            var entries = new List<CdfAttributeEntry>();
            entries.AddRange(ReadAedrChain(agrHead, isZ: false, name));
            entries.AddRange(ReadAedrChain(azHead, isZ: true, name));
            result.Add(new CdfAttribute(name, num, scope is 1 or 3, entries));
            offset = next == offset ? throw FormatError.At(Source, $"attribute {name}", "ADR points at itself", offset) : next;
        }

        return result;
    }

    private IEnumerable<CdfAttributeEntry> ReadAedrChain(long head, bool isZ, string attribute)
    {
        var guard = 0;
        for (var offset = head; offset != 0;)
        {
            if (++guard > 1_000_000)
            {
                throw FormatError.At(Source, $"attribute {attribute}", "AEDR chain does not end", offset);
            }

            var h = ReadRecordHeader(offset, isZ ? RecordAzedr : RecordAgredr, 56, $"attribute {attribute} entry");
            var next = h.Int64(12);
            var dataType = (CdfDataType)h.Int32(24);
            var entryNum = h.Int32(28);
            var numElems = h.Int32(32);
            var size = CdfDataTypes.SizeOf(dataType);
            if (size == 0 || numElems < 0 || 56 + ((long)numElems * size) > h.Size)
            {
                throw FormatError.At(Source, $"attribute {attribute} entry {entryNum}", $"{numElems} x {dataType} does not fit a {h.Size}-byte record", offset);
            }

            var data = ReadAt(offset + 56, numElems * size, $"attribute {attribute} entry {entryNum}");
            if (IsBigEndian == BitConverter.IsLittleEndian && !CdfDataTypes.IsString(dataType))
            {
                CdfValues.SwapInPlace(data, CdfDataTypes.SwapUnit(dataType));
            }

            yield return new CdfAttributeEntry(entryNum, isZ, dataType, numElems, data);
            offset = next == offset ? throw FormatError.At(Source, $"attribute {attribute}", "AEDR points at itself", offset) : next;
        }
    }

    private void CheckOffset(long offset, string where)
    {
        if (offset < 8 || offset >= _length)
        {
            throw FormatError.At(Source, where, offset >= _length
                ? $"offset {offset} lies past the end of the {_length}-byte file: the file is truncated (its transfer was cut, or it is still being written), or the pointer is corrupt"
                : $"offset {offset} lies inside the file's 8-byte magic numbers: the pointer is corrupt", offset);
        }
    }

    private RecordHeader ReadRecordHeader(long offset, int expectedType, int minimumSize, string where)
    {
        CheckOffset(offset, where);
        var head = ReadAt(offset, 12, where);
        var size = BinaryPrimitives.ReadInt64BigEndian(head);
        var type = BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(8));
        if (expectedType >= 0 && type != expectedType)
        {
            throw FormatError.At(Source, where, $"expected internal record type {expectedType}, found {type}", offset + 8);
        }

        if (size < minimumSize || size > _length - offset)
        {
            throw FormatError.At(Source, where, size > _length - offset && size >= minimumSize
                ? $"record size {size} runs past the end of the {_length}-byte file ({_length - offset} bytes left): the file is truncated (its transfer was cut, or it is still being written), or the size is corrupt"
                : $"record size {size} is invalid (at least {minimumSize}, at most {_length - offset} to the end of the file)", offset);
        }

        // Descriptor records are small and read whole (capped); data records are only peeked at
        // here and streamed later.
        var toRead = expectedType is RecordVvr or RecordCvvr || expectedType < 0 ? minimumSize : (int)Math.Min(size, 65536);
        var bytes = toRead == 12 ? head : ReadAt(offset, toRead, where);
        return new RecordHeader(this, offset, size, type, bytes, where);
    }

    internal byte[] ReadAt(long offset, int count, string where)
    {
        if (count < 0 || offset < 0 || offset + count > _length)
        {
            throw FormatError.At(Source, where, $"{count} bytes at this offset run past the end of the {_length}-byte file", offset);
        }

        var buffer = new byte[count];
        var got = ReadAt(offset, buffer);
        if (got < count)
        {
            throw FormatError.At(Source, where, $"file ends early: expected {count} bytes, got {got}", offset + got);
        }

        return buffer;
    }

    internal int ReadAt(long offset, Span<byte> destination)
    {
        lock (_gate)
        {
            _stream.Position = offset;
            return _stream.ReadUpTo(destination);
        }
    }

    private readonly struct RecordHeader(CdfFile file, long offset, long size, int type, byte[] bytes, string where)
    {
        public long Size => size;

        public int Type => type;

        public int Int32(int at) => BinaryPrimitives.ReadInt32BigEndian(Slice(at, 4));

        public long Int64(int at) => BinaryPrimitives.ReadInt64BigEndian(Slice(at, 8));

        public string String(int at, int length)
        {
            var raw = Slice(at, length);
            var end = raw.IndexOf((byte)0);
            return Encoding.Latin1.GetString(end < 0 ? raw : raw[..end]).TrimEnd();
        }

        private ReadOnlySpan<byte> Slice(int at, int length) =>
            at + length <= bytes.Length
                ? bytes.AsSpan(at, length)
                : throw FormatError.At(file.Source, where, $"field at +{at} lies past the record's {bytes.Length} bytes read", offset + at);
    }
}

/// <summary>Where the values of a record come from.</summary>
public enum CdfRecordSource
{
    /// <summary>Stored in the file.</summary>
    Stored,

    /// <summary>Not stored: the pad value.</summary>
    Pad,

    /// <summary>Not stored, previous-sparse: a copy of the last stored record before it.</summary>
    Previous,
}

/// <summary>One record of a variable.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <param name="Number">0-based record number.</param>
/// <param name="Values">The record's values, host order, row-major.</param>
/// <param name="Source">Whether the record is stored or exists only virtually.</param>
public readonly record struct CdfRecord<T>(int Number, T[] Values, CdfRecordSource Source = CdfRecordSource.Stored)
{
    /// <summary>Whether the record is not stored in the file (read as the CDF library defines it).</summary>
    public bool IsVirtual => Source != CdfRecordSource.Stored;
}
