using AuroraStream.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Core.Tests;

public sealed class DomainTests
{
    [Theory]
    [InlineData(AuroraClass.Arc, "arc", true)]
    [InlineData(AuroraClass.Diffuse, "diffuse", true)]
    [InlineData(AuroraClass.Discrete, "discrete", true)]
    [InlineData(AuroraClass.Cloudy, "cloudy", false)]
    [InlineData(AuroraClass.Moon, "moon", false)]
    [InlineData(AuroraClass.Clear, "clear", false)]
    public void AuroraClass_LabelsAndGrouping_FollowOath(AuroraClass c, string label, bool aurora)
    {
        Assert.Equal(label, c.ToLabel());
        Assert.Equal(aurora, c.IsAurora());
        Assert.True(AuroraClasses.TryParseLabel(label.ToUpperInvariant(), out var parsed));
        Assert.Equal(c, parsed);
    }

    [Fact]
    public void TryParseLabel_OathNoAurora_IsClear_AndUnknownIsRejected()
    {
        Assert.True(AuroraClasses.TryParseLabel("noaurora", out var clear));
        Assert.Equal(AuroraClass.Clear, clear);
        Assert.False(AuroraClasses.TryParseLabel("pulsating", out _));
    }

    [Fact]
    public void AllSkyFrame_PixelCountMismatch_IsRefused() =>
        Assert.Throws<ArgumentException>(() => Frame(2, 2, new ushort[3]));

    [Fact]
    public void AllSkyFrame_LocalTime_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new AllSkyFrame("gill", "themis19", new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Local), 1, 1, new ushort[1], null, default));

    [Fact]
    public void AllSkyFrame_ImpossibleDimension_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Frame(AllSkyFrame.MaxDimension + 1, 1, new ushort[AllSkyFrame.MaxDimension + 1]));

    [Fact]
    public void AllSkyFrame_UnixNanoseconds_KeepsMicroseconds()
    {
        var f = new AllSkyFrame("GILL", "themis19", new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc).AddTicks(631190), 1, 1, new ushort[1], 999, new FrameOrigin("x", 0));

        Assert.Equal(1394431200063119000L, f.CaptureTimeUnixNanoseconds);
        Assert.Equal("gill", f.Site);
    }

    [Fact]
    public void ImagerSite_BadLatitude_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImagerSite("gill", "Gillam", 95, -94.6));

    [Property]
    public Property PixelStatistics_AgreeWithLinqForAnyPixels(ushort[] pixels)
    {
        var s = PixelStatistics.Compute(pixels);
        if (pixels.Length == 0)
        {
            return (s.Count == 0 && double.IsNaN(s.Mean)).ToProperty();
        }

        return (s.Min == pixels.Min() && s.Max == pixels.Max() && s.Sum == pixels.Sum(p => (long)p)
            && s.Mean >= s.Min && s.Mean <= s.Max).ToProperty();
    }

    private static AllSkyFrame Frame(int w, int h, ushort[] pixels) =>
        new("gill", "themis19", new DateTime(2014, 3, 10, 6, 0, 0, DateTimeKind.Utc), w, h, pixels, null, new FrameOrigin("x", 0));
}

public sealed class SeedsTests
{
    [Fact]
    public void Combine_IsTheSplitMix64MixOfItsParts_InEveryProcess()
    {
        // Values from an independent rendering of the same formula (Python integers).
        Assert.Equal(966229316, Seeds.Combine(1, 2, 3));
        Assert.Equal(997262965, Seeds.Combine(1, 2));
    }

    [Fact]
    public void Combine_DifferentParts_GiveDifferentSeeds() =>
        Assert.Equal(10_000, Enumerable.Range(0, 100).SelectMany(a => Enumerable.Range(0, 100).Select(b => Seeds.Combine(a, b))).Distinct().Count());
}
