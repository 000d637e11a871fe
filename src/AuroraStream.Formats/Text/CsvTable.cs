using System.Globalization;
using AuroraStream.Formats.IO;
using CsvHelper;

namespace AuroraStream.Formats.Text;

/// <summary>
/// A CSV file as every reader of the product takes it, through CsvHelper: RFC 4180 (quoted fields
/// may hold commas, doubled quotes and line breaks), comma-separated, a UTF-8 byte order mark and
/// CRLF or LF line ends accepted, empty lines skipped, fields trimmed outside quotes, optionally
/// <c>#</c> comment lines. Malformed quoting and bad values are <see cref="InvalidDataException"/>s
/// naming the file, the line and the column.
/// </summary>
internal sealed class CsvTable : IDisposable
{
    /// <summary>The longest record read, in bytes.</summary>
    public const int MaxRecordBytes = 4 << 20;

    private readonly CsvReader _reader;
    private readonly int _lineOffset;
    private readonly string[] _header;

    private CsvTable(string path, CsvReader reader, bool hasHeader, int lineOffset)
    {
        Path = path;
        _reader = reader;
        _lineOffset = lineOffset;
        try
        {
            _header = hasHeader ? [.. reader.Headers.Select(h => h.Trim().ToLowerInvariant())] : [];
            HeaderLine = hasHeader && _header.Length > 0 ? HeaderLineOf(reader) + lineOffset : 0;
        }
        catch (CsvFormatException e)
        {
            reader.Dispose();
            throw Malformed(path, e, lineOffset);
        }
    }

    /// <summary>The file, for messages.</summary>
    public string Path { get; }

    /// <summary>The column names, trimmed and lower-case; empty without a header.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The 1-based line of the header (0 without one).</summary>
    public int HeaderLine { get; }

    /// <summary>The 1-based line where the current record starts.</summary>
    public int Line => (int)_reader.LineNumber + _lineOffset;

    /// <summary>Fields in the current record.</summary>
    public int FieldCount => _reader.FieldCount;

    /// <summary>A field of the current record, trimmed; empty when the record is shorter.</summary>
    public string this[int column] => _reader.GetString(column) ?? string.Empty;

    /// <summary>Opens a file whose first (non-comment) record is its header.</summary>
    public static CsvTable Open(string path, bool comments = false, bool hasHeader = true) =>
        new(path, CsvReader.FromFile(path, Options(comments, hasHeader)), hasHeader, 0);

    /// <summary>Reads CSV text that starts at line <paramref name="firstLine"/> of a file (after a preamble that is not CSV).</summary>
    public static CsvTable FromText(string path, string text, int firstLine, bool hasHeader = true) =>
        new(path, CsvReader.FromText(text, Options(comments: false, hasHeader)), hasHeader, firstLine - 1);

    /// <summary>The index of the first column named any of <paramref name="names"/> (lower-case), or -1.</summary>
    public int Column(params string[] names) => Array.FindIndex(_header, names.Contains);

    /// <summary>Advances to the next record; false at the end.</summary>
    public bool Read()
    {
        try
        {
            return _reader.Read();
        }
        catch (CsvFormatException e)
        {
            throw Malformed(Path, e, _lineOffset);
        }
    }

    /// <summary>An error at the current record.</summary>
    public InvalidDataException Error(string what) => FormatError.At(Path, $"line {Line}", what);

    /// <summary>An error at a field of the current record, naming its column.</summary>
    public InvalidDataException Error(int column, string what) =>
        FormatError.At(Path, $"line {Line} column {(column < _header.Length ? _header[column] : (column + 1).ToString(CultureInfo.InvariantCulture))}", what);

    /// <summary>A number (invariant culture); NaN for an empty field when <paramref name="emptyIsNaN"/>.</summary>
    public double Number(int column, bool emptyIsNaN = false)
    {
        var text = this[column];
        if (text.Length == 0 && emptyIsNaN)
        {
            return double.NaN;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(column, $"'{text}' is not a number");
    }

    /// <summary>A UTC time (<see cref="UtcTimeText"/>).</summary>
    public DateTime Time(int column, UtcTimeForms forms = UtcTimeForms.DateAndTime)
    {
        var text = this[column];
        return UtcTimeText.TryParse(text, out var utc, forms) ? utc : throw Error(column, $"'{text}' is not a time ({UtcTimeText.Expected(forms)})");
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();

    private static CsvReaderOptions Options(bool comments, bool hasHeader) => new()
    {
        Separator = ',',
        HasHeader = hasHeader,
        CommentPrefix = comments ? '#' : null,
        SkipEmptyLines = true,
        TrimWhitespace = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,

        // An unclosed quote must not pull a whole large file into one record (OATH's split rows,
        // the longest real records, are about 150 kB).
        MaxRecordSize = MaxRecordBytes,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private static int HeaderLineOf(CsvReader reader) => reader.LineNumber > 0 ? (int)reader.LineNumber : 1;

    private static InvalidDataException Malformed(string path, CsvFormatException e, int lineOffset) =>
        FormatError.At(path, e.LineNumber > 0 ? $"line {e.LineNumber + lineOffset}" : string.Empty, $"malformed CSV: {e.Message}", inner: e);
}
