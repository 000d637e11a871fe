namespace AuroraStream.Formats.IO;

/// <summary>
/// Builds the one-line <see cref="InvalidDataException"/> messages every reader uses:
/// <c>file: where: what (byte offset N)</c>.
/// </summary>
internal static class FormatError
{
    public static InvalidDataException At(string source, string where, string what, long? offset = null, Exception? inner = null)
    {
        var at = offset is { } o ? $" (byte offset {o})" : string.Empty;
        var place = string.IsNullOrEmpty(where) ? string.Empty : $"{where}: ";
        return new InvalidDataException($"{source}: {place}{what}{at}", inner);
    }
}
