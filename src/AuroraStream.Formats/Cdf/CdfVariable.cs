namespace AuroraStream.Formats.Cdf;

/// <summary>Compression of a variable's records.</summary>
public enum CdfCompression
{
    /// <summary>Stored as plain VVRs.</summary>
    None = 0,

    /// <summary>Run-length encoding of zero bytes.</summary>
    Rle = 1,

    /// <summary>Huffman (not implemented by this reader).</summary>
    Huffman = 2,

    /// <summary>Adaptive Huffman (not implemented by this reader).</summary>
    AdaptiveHuffman = 3,

    /// <summary>GZIP, the compression THEMIS files use.</summary>
    Gzip = 5,
}

/// <summary>
/// What the CDF library returns for a record that is not stored (the VDR's SRecords field; cdf.h
/// NO_SPARSERECORDS, PAD_SPARSERECORDS, PREV_SPARSERECORDS).
/// </summary>
public enum CdfSparseRecords
{
    /// <summary>Not sparse: records that were never written read as the pad value.</summary>
    None = 0,

    /// <summary>Sparse, missing records read as the pad value.</summary>
    Pad = 1,

    /// <summary>Sparse, missing records read as the last stored record before them (the pad value when there is none).</summary>
    Previous = 2,
}

/// <summary>A variable's description from its rVDR or zVDR.</summary>
public sealed class CdfVariable
{
    internal CdfVariable(
        string name,
        int number,
        bool isZVariable,
        CdfDataType dataType,
        int numElements,
        int[] dimensions,
        bool[] dimensionVaries,
        bool recordVaries,
        CdfSparseRecords sparseRecords,
        int maxRecord,
        long vxrHead,
        CdfCompression compression,
        byte[]? padValue)
    {
        Name = name;
        Number = number;
        IsZVariable = isZVariable;
        DataType = dataType;
        NumElements = numElements;
        Dimensions = dimensions;
        DimensionVaries = dimensionVaries;
        RecordVaries = recordVaries;
        SparseRecordKind = sparseRecords;
        MaxRecord = maxRecord;
        VxrHead = vxrHead;
        Compression = compression;
        PadValue = padValue;
        EffectivePad = padValue ?? CdfDataTypes.DefaultPad(dataType, numElements);
        StoredDimensions = [.. dimensions.Where((_, i) => dimensionVaries[i])];
        long values = 1;
        foreach (var d in StoredDimensions)
        {
            values *= d;
        }

        ValuesPerRecord = values;
        RecordBytes = values * CdfDataTypes.SizeOf(dataType) * numElements;
    }

    /// <summary>Variable name.</summary>
    public string Name { get; }

    /// <summary>Variable number within its kind (r or z).</summary>
    public int Number { get; }

    /// <summary>Whether this is a zVariable (else an rVariable).</summary>
    public bool IsZVariable { get; }

    /// <summary>Element data type.</summary>
    public CdfDataType DataType { get; }

    /// <summary>Elements per value: the string length for CHAR, else 1.</summary>
    public int NumElements { get; }

    /// <summary>Declared dimension sizes of one record, slowest first.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Whether each dimension varies; a non-varying one is stored with size 1.</summary>
    public IReadOnlyList<bool> DimensionVaries { get; }

    /// <summary>The dimensions actually stored (varying ones), slowest first, in row-major order.</summary>
    public IReadOnlyList<int> StoredDimensions { get; }

    /// <summary>Whether records vary (else only record 0 exists).</summary>
    public bool RecordVaries { get; }

    /// <summary>Whether the variable has sparse records.</summary>
    public bool SparseRecords => SparseRecordKind != CdfSparseRecords.None;

    /// <summary>What records that are not stored read as.</summary>
    public CdfSparseRecords SparseRecordKind { get; }

    /// <summary>Highest record number written, -1 when none.</summary>
    public int MaxRecord { get; }

    /// <summary>Number of records (<see cref="MaxRecord"/> + 1).</summary>
    public int RecordCount => MaxRecord + 1;

    /// <summary>How records are compressed.</summary>
    public CdfCompression Compression { get; }

    /// <summary>Values (of <see cref="NumElements"/> elements each) in one record.</summary>
    public long ValuesPerRecord { get; }

    /// <summary>Bytes in one record.</summary>
    public long RecordBytes { get; }

    /// <summary>Variable attributes (FILLVAL, UNITS, DEPEND_0...) by attribute name.</summary>
    public IReadOnlyDictionary<string, CdfAttributeEntry> Attributes { get; internal set; } = new Dictionary<string, CdfAttributeEntry>();

    internal long VxrHead { get; }

    /// <summary>The VDR's pad value (host order), null when it has none.</summary>
    internal byte[]? PadValue { get; }

    /// <summary>The pad value of one value (host order): the VDR's, else the type's default.</summary>
    internal byte[] EffectivePad { get; }

    /// <summary>A variable attribute, or null.</summary>
    public CdfAttributeEntry? GetAttribute(string name) => Attributes.TryGetValue(name, out var e) ? e : null;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} {DataType}[{string.Join(",", Dimensions)}] records={RecordCount} {Compression}";
}
