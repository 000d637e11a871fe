using System.Globalization;
using System.Text;

namespace AuroraStream.Formats.Cdf;

/// <summary>An attribute: global (entries numbered 0..n) or variable-scoped (one entry per variable).</summary>
public sealed class CdfAttribute
{
    internal CdfAttribute(string name, int number, bool isGlobal, IReadOnlyList<CdfAttributeEntry> entries)
    {
        Name = name;
        Number = number;
        IsGlobal = isGlobal;
        Entries = entries;
    }

    /// <summary>Attribute name.</summary>
    public string Name { get; }

    /// <summary>Attribute number.</summary>
    public int Number { get; }

    /// <summary>Whether the scope is global (else variable).</summary>
    public bool IsGlobal { get; }

    /// <summary>All entries, in file order.</summary>
    public IReadOnlyList<CdfAttributeEntry> Entries { get; }
}

/// <summary>One attribute entry; values are already in host byte order.</summary>
public sealed class CdfAttributeEntry
{
    private readonly byte[] _data;

    internal CdfAttributeEntry(int entryNumber, bool isZEntry, CdfDataType dataType, int numElements, byte[] hostOrderData)
    {
        EntryNumber = entryNumber;
        IsZEntry = isZEntry;
        DataType = dataType;
        NumElements = numElements;
        _data = hostOrderData;
    }

    /// <summary>Entry number: for variable attributes, the variable number.</summary>
    public int EntryNumber { get; }

    /// <summary>Whether the entry belongs to a zVariable (AzEDR).</summary>
    public bool IsZEntry { get; }

    /// <summary>Data type of the values.</summary>
    public CdfDataType DataType { get; }

    /// <summary>Number of elements (characters for strings).</summary>
    public int NumElements { get; }

    /// <summary>The value as text when it is a string; null otherwise.</summary>
    public string? AsString() =>
        CdfDataTypes.IsString(DataType) ? Encoding.Latin1.GetString(_data).TrimEnd('\0', ' ') : null;

    /// <summary>The values as doubles (numeric and time types); empty for strings.</summary>
    public IReadOnlyList<double> AsDoubles() =>
        CdfDataTypes.IsString(DataType) ? [] : CdfValues.ToDoubles(_data, DataType);

    /// <summary>The first value as a double, or null for strings or empty entries.</summary>
    public double? AsDouble() => AsDoubles() is { Count: > 0 } values ? values[0] : null;

    /// <summary>The raw element bytes in host order.</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <inheritdoc />
    public override string ToString() =>
        AsString() ?? string.Join(", ", AsDoubles().Select(d => d.ToString("R", CultureInfo.InvariantCulture)));
}
