namespace AuroraStream.Formats;

/// <summary>
/// What kind of refusal an <see cref="InvalidDataException"/> from a reader is. The exception type
/// is sealed, so the kind travels in <see cref="Exception.Data"/>; the pipeline uses it to pick the
/// dead-letter reason.
/// </summary>
public static class FormatErrors
{
    /// <summary>Key in <see cref="Exception.Data"/> holding a <see cref="FormatErrorKind"/>.</summary>
    public const string KindKey = "AuroraStream.FormatErrorKind";

    /// <summary>The kind of a reader's refusal; <see cref="FormatErrorKind.Corrupt"/> when untagged.</summary>
    public static FormatErrorKind KindOf(Exception exception) =>
        exception.Data[KindKey] is FormatErrorKind kind ? kind : FormatErrorKind.Corrupt;

    internal static InvalidDataException Tag(this InvalidDataException exception, FormatErrorKind kind)
    {
        exception.Data[KindKey] = kind;
        return exception;
    }
}

/// <summary>Why a reader refused its input.</summary>
public enum FormatErrorKind
{
    /// <summary>Truncated, corrupted or otherwise malformed.</summary>
    Corrupt,

    /// <summary>Well-formed, but another instrument's product (TREx, Rainbow, REGO...).</summary>
    NotThemisAsi,

    /// <summary>Not a format AuroraStream reads.</summary>
    UnknownFormat,

    /// <summary>A valid file using a feature this reader does not implement.</summary>
    Unsupported,
}
