using AuroraStream.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AuroraStream.Core.Tests;

public sealed class UnixNanosecondsTests
{
    [Fact]
    public void CaptureTimeUnixNanoseconds_TimeAfter2262_ThrowsInsteadOfWrappingRound()
    {
        var frame = new AllSkyFrame("gill", "themis19", new DateTime(2600, 1, 1, 0, 0, 0, DateTimeKind.Utc), 1, 1, new ushort[1], null, default);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => frame.CaptureTimeUnixNanoseconds);

        Assert.Contains("2600-01-01T00:00:00.0000000Z has no Unix-nanosecond form", e.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public Property UnixNanoseconds_AnyTime_RoundTripsInsideTheInt64RangeAndIsRefusedOutside(long ticks)
    {
        var time = new DateTime((long)((ulong)ticks % (ulong)DateTime.MaxValue.Ticks), DateTimeKind.Utc);
        var inside = time >= UnixNanoseconds.MinValue && time <= UnixNanoseconds.MaxValue;

        var ok = UnixNanoseconds.TryFrom(time, out var ns);

        return (ok == inside && (!ok || (UnixNanoseconds.ToDateTime(ns) == time && ns == (time - DateTime.UnixEpoch).Ticks * 100))).ToProperty();
    }
}
