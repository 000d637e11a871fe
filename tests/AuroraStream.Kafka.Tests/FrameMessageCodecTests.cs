using AuroraStream.Core;
using AuroraStream.Core.Stream;
using AuroraStream.Synthetic;

namespace AuroraStream.Kafka.Tests;

public sealed class FrameMessageCodecTests
{
    private static readonly FrameMessageCodec Codec = new();

    [Fact]
    public void EncodeDecode_SyntheticFrame_RoundTripsEveryField()
    {
        var frame = Frame("fsmi", "themis12", 256, exposure: 1000.0);

        var decoded = Codec.Decode(Message(FrameMessageCodec.Encode(frame)), out var reason);

        Assert.Null(reason);
        Assert.NotNull(decoded);
        Assert.Equal(frame.Site, decoded.Site);
        Assert.Equal(frame.Imager, decoded.Imager);
        Assert.Equal(frame.CaptureTimeUnixNanoseconds, decoded.CaptureTimeUnixNanoseconds);
        Assert.Equal(1000.0, decoded.ExposureMs);
        Assert.Equal(frame.Origin.Index, decoded.Origin.Index);
        Assert.True(frame.Pixels.Span.SequenceEqual(decoded.Pixels.Span));
    }

    [Fact]
    public void Decode_RandomBytes_IsUndecodable()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);

        Assert.Null(Codec.Decode(Message(bytes), out var reason));
        Assert.StartsWith("undecodable", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TruncatedMessage_SaysWhy()
    {
        var bytes = FrameMessageCodec.Encode(Frame("gill", "themis19", 256));

        Assert.Null(Codec.Decode(Message(bytes[..(bytes.Length / 2)]), out var reason));
        Assert.NotNull(reason);
        Assert.True(reason.Contains("truncated", StringComparison.OrdinalIgnoreCase) || reason.StartsWith("undecodable", StringComparison.Ordinal), reason);
    }

    [Fact]
    public void Decode_WrongDimensions_NamesBothSizes()
    {
        var bytes = FrameMessageCodec.Encode(Frame("gill", "themis19", 100));

        Assert.Null(Codec.Decode(Message(bytes), out var reason));
        Assert.Equal("wrong dimensions: 100x100, expected 256x256 (gill themis19)", reason);
    }

    [Fact]
    public void Decode_OtherImager_IsNotATHEMISFrame()
    {
        var bytes = FrameMessageCodec.Encode(Frame("gill", "rego-654", 256));

        Assert.Null(Codec.Decode(Message(bytes), out var reason));
        Assert.Equal("not a THEMIS ASI frame: imager 'rego-654' (site gill)", reason);
    }

    [Fact]
    public void Decode_EmptyMessage_IsRefused()
    {
        Assert.Null(Codec.Decode(Message([]), out var reason));
        Assert.NotNull(reason);
    }

    [Fact]
    public void Decode_AfterARelease_ReusesThatBufferForTheNextFrameAndKeepsUnreleasedFramesIntact()
    {
        var codec = new FrameMessageCodec();
        var (a, b, c) = (Frame("gill", "themis19", 256, index: 1), Frame("gill", "themis19", 256, index: 2), Frame("gill", "themis19", 256, index: 3));

        var first = codec.Decode(Message(FrameMessageCodec.Encode(a)), out _)!;
        var kept = codec.Decode(Message(FrameMessageCodec.Encode(b)), out _)!;
        codec.Release(first);
        var next = codec.Decode(Message(FrameMessageCodec.Encode(c)), out _)!;

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first.Pixels, out var released));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(next.Pixels, out var reused));
        Assert.Same(released.Array, reused.Array);
        Assert.True(c.Pixels.Span.SequenceEqual(next.Pixels.Span));
        Assert.True(b.Pixels.Span.SequenceEqual(kept.Pixels.Span));
    }

    [Fact]
    public void Constructor_ImpossibleFrameSize_IsNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FrameMessageCodec(new FrameValidationOptions { Width = 0 }));

        Assert.Contains("FrameValidationOptions.Width", e.Message, StringComparison.Ordinal);
    }

    internal static AllSkyFrame Frame(string site, string imager, int size, double? exposure = null, int index = 0)
    {
        var drawn = new SyntheticSky(new SyntheticSkyOptions { Seed = 4, Site = site }).Draw(index).Frame;
        var pixels = size == drawn.Width ? drawn.Pixels : drawn.Pixels[..(size * size)];
        return new AllSkyFrame(site, imager, drawn.CaptureTime, size, size, pixels, exposure, new FrameOrigin("test.pgm", index));
    }

    private static InboundMessage Message(byte[] value) => new(0, 0, "gill", value);
}
