using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuroraStream.TestUtilities;

/// <summary>One frame as the independent decoding saw it (tests/data/expected/frames.json).</summary>
public sealed record ExpectedFrame(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("time")] string Time,
    [property: JsonPropertyName("min")] int Min,
    [property: JsonPropertyName("max")] int Max,
    [property: JsonPropertyName("sum")] long Sum,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>Expected values derived by a second route (see tests/data/README.md).</summary>
public static class ExpectedValues
{
    private static readonly Lazy<IReadOnlyDictionary<string, ExpectedFrame[]>> FramesLazy = new(() =>
        JsonSerializer.Deserialize<Dictionary<string, ExpectedFrame[]>>(File.ReadAllText(RepoPaths.Data("expected", "frames.json")))!);

    /// <summary>Expected frames by file name.</summary>
    public static IReadOnlyDictionary<string, ExpectedFrame[]> Frames => FramesLazy.Value;

    /// <summary>A parsed JSON document of tests/data/expected.</summary>
    public static JsonDocument Document(string name) => JsonDocument.Parse(File.ReadAllText(RepoPaths.Data("expected", name)));

    /// <summary>SHA-256 of pixels as little-endian uint16, the form the expected values use.</summary>
    public static string PixelSha256(ReadOnlySpan<ushort> pixels)
    {
        var bytes = BitConverter.IsLittleEndian
            ? MemoryMarshal.AsBytes(pixels).ToArray()
            : [.. pixels.ToArray().SelectMany(p => new[] { (byte)p, (byte)(p >> 8) })];
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
