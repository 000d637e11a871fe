using AuroraStream.Formats.Cdf;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Formats.Tests.Cdf;

public sealed class CdfTimeTests
{
    [Fact]
    public void ToEpoch_J2000Midnight_IsTheCdfLibraryValue() =>
        Assert.Equal(63113904000000.0, CdfTime.ToEpoch(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)));

    [Fact]
    public void ToTt2000_KnownInstants_AreTheCdfLibraryValues()
    {
        // 2000-01-01T11:58:55.816 UTC is TT2000 zero; 2017-01-01 follows the 37 s leap second.
        Assert.Equal(0L, CdfTime.ToTt2000(new DateTime(2000, 1, 1, 11, 58, 55, 816, DateTimeKind.Utc)));
        Assert.Equal(536500869184000000L, CdfTime.ToTt2000(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void FromTt2000_InsideTheLeapSecond_StaysOnTheLastTickOfTheDay()
    {
        var leap = CdfTime.ToTt2000(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc)) - 500_000_000L;

        Assert.Equal(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1), CdfTime.FromTt2000(leap));
    }

    [Fact]
    public void FromFillValues_AreNull()
    {
        Assert.Null(CdfTime.FromTt2000(CdfTime.Tt2000Fill));
        Assert.Null(CdfTime.FromEpoch(CdfTime.EpochFill));
        Assert.Null(CdfTime.FromEpoch(double.NaN));
    }

    [Property(MaxTest = 500)]
    public Property Tt2000_RoundTripsEveryInstantFrom1972To2100(int seed)
    {
        var ticks = new DateTime(1972, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks
            + (long)(new Random(seed).NextDouble() * (new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks - new DateTime(1972, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks));
        var t = new DateTime(ticks, DateTimeKind.Utc);
        return (CdfTime.FromTt2000(CdfTime.ToTt2000(t)) == t).ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property Epoch_RoundTripsToTheMillisecond(int seed)
    {
        var ticks = (long)(new Random(seed).NextDouble() * DateTime.MaxValue.Ticks * 0.99);
        var t = new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        return (CdfTime.FromEpoch(CdfTime.ToEpoch(t)) == t).ToProperty();
    }
}
