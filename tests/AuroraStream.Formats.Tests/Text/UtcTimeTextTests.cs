using System.Globalization;
using AuroraStream.Formats.Cdf;
using AuroraStream.Formats.Text;

namespace AuroraStream.Formats.Tests.Text;

public sealed class UtcTimeTextTests
{
    [Theory]
    [InlineData("2020-01-01T06:00:00Z", "2020-01-01T06:00:00.0000000")]
    [InlineData("2020-01-01 06:00:00+00:00", "2020-01-01T06:00:00.0000000")]
    [InlineData("2020-01-01 06:00:00", "2020-01-01T06:00:00.0000000")]
    [InlineData("2020-01-01t06:00z", "2020-01-01T06:00:00.0000000")]
    [InlineData(" 2020-01-01T06:00:00.063119Z ", "2020-01-01T06:00:00.0631190")]
    [InlineData("2020-01-01T06:00:00.123456789Z", "2020-01-01T06:00:00.1234567")]
    [InlineData("2020-01-01T07:30:00+01:30", "2020-01-01T06:00:00.0000000")]
    [InlineData("2020-01-01T01:00:00-0500", "2020-01-01T06:00:00.0000000")]
    [InlineData("2019-12-31T22:00:00-08", "2020-01-01T06:00:00.0000000")]
    [InlineData("2014-03-10 06:00:00.046307 UTC", "2014-03-10T06:00:00.0463070")]
    [InlineData("20200101 06:00:00", "2020-01-01T06:00:00.0000000")]
    [InlineData("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.9999999")]
    [InlineData("2016-12-31 23:59:60.999", "2016-12-31T23:59:59.9999999")]
    [InlineData("2015-07-01T01:59:60.5+02:00", "2015-06-30T23:59:59.9999999")]
    public void TryParse_IsoForms_GiveUtc(string text, string expected)
    {
        Assert.True(UtcTimeText.TryParse(text, out var utc));
        Assert.Equal(expected, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2020-13-01T00:00:00Z")]
    [InlineData("2020-02-30T00:00:00Z")]
    [InlineData("2020-01-01T24:00:00Z")]
    [InlineData("2020-01-01T06:00:00.")]
    [InlineData("2020-01-01T06:00:00+25:00")]
    [InlineData("2020-01-01T06:00:00 PST")]
    [InlineData("2020-01-01T12:00:60Z")]
    [InlineData("2016-12-30T23:59:60Z")]
    [InlineData("2016-12-31T23:59:61Z")]
    [InlineData("2020-01-01")]
    public void TryParse_NotATime_IsRefused(string text) =>
        Assert.False(UtcTimeText.TryParse(text, out _));

    [Fact]
    public void TryParse_DateOnlyWhereAllowed_IsMidnightUtc()
    {
        Assert.True(UtcTimeText.TryParse("2020-01-01", out var utc, UtcTimeForms.DateOnly));
        Assert.Equal(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), utc);
    }

    [Fact]
    public void LeapSecond_MapsWhereTheCdfTt2000ReaderMapsIt()
    {
        // TT2000 of 2016-12-31T23:59:60.5 UTC: half a second before 2017-01-01T00:00:00, whose TAI-UTC is 37 s.
        var insideLeap = CdfTime.ToTt2000(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc)) - 500_000_000;

        Assert.True(UtcTimeText.TryParse("2016-12-31T23:59:60.5Z", out var fromText));
        Assert.Equal(CdfTime.FromTt2000(insideLeap), fromText);
    }

    [Fact]
    public void TryCreateFromDayOfYear_LastDayOfALeapYear_IsDecember31()
    {
        Assert.True(UtcTimeText.TryCreateFromDayOfYear(2016, 366, 23, 59, 60, out var utc));
        Assert.Equal(new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1), utc);
        Assert.False(UtcTimeText.TryCreateFromDayOfYear(2015, 366, 0, 0, 0, out _));
    }
}
