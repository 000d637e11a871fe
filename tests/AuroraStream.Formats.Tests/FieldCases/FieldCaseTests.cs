using System.Text;
using AuroraStream.Formats.Labels;
using AuroraStream.Formats.SpaceWeather;
using AuroraStream.Formats.Stream0;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.FieldCases;

/// <summary>
/// Inputs from the field (tests/data/field-cases and small files written here) that the readers
/// refused or read wrongly: leap seconds (B4), cadence from the first two samples (B5), OMNIWeb
/// lists of 1-min and 5-min resolution (B6). Only the readers' long-standing public surface is used,
/// so each test also runs against the code before the fix.
/// </summary>
public sealed class FieldCaseTests
{
    private static readonly DateTime LastTickOf2016 = new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1);

    private static string FieldCase(params string[] parts) => RepoPaths.Data(["field-cases", .. parts]);

    private static double H(double x, double y) => Math.Sqrt((x * x) + (y * y));

    [Fact]
    public void Iaga2002_LeapSecondRow_IsReadAndSharesTheLastSecondOfTheDay()
    {
        var mag = MagnetometerReader.Read(FieldCase("iaga", "tst20161231dsec.sec"));

        var h = mag.Horizontal;
        Assert.Equal("tst", mag.Station);
        Assert.Equal(TimeSpan.FromSeconds(1), h.Step);
        Assert.Equal(new DateTime(2016, 12, 31, 23, 59, 55, DateTimeKind.Utc), h.Start);
        Assert.Equal(10, h.Count);
        Assert.Equal(10, h.ValidCount);
        Assert.Equal(H(12058, 1000), h.ValueAt(LastTickOf2016.AddSeconds(-1)));

        // 23:59:60 maps to 23:59:59.9999999 (as CDF TT2000 times inside a leap second do): it lands in
        // the 23:59:59 cell, where the later sample wins; 00:00:00 stays the next day's first cell.
        Assert.Equal(H(12060, 1000), h.ValueAt(LastTickOf2016));
        Assert.Equal(H(12100, 1000), h.ValueAt(LastTickOf2016.AddTicks(1)));
        Assert.Equal(H(12104, 1000), h.ValueAt(new DateTime(2017, 1, 1, 0, 0, 4, DateTimeKind.Utc)));
    }

    [Fact]
    public void LabelCsv_LeapSecondTimes_MapToTheLastTickOfTheDay()
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("time,site,label\n2016-12-31T23:59:60Z,tst,arc\n2016-12-31 23:59:60.5,tst,clear\n2017-01-01T00:59:60.25+01:00,tst,arc\n"));

        var frames = LabelCsvSource.ReadFile(path).ToList();

        Assert.Equal([LastTickOf2016, LastTickOf2016, LastTickOf2016], frames.Select(f => f.Time));
        Assert.All(frames, f => Assert.Equal(DateTimeKind.Utc, f.Time.Kind));
    }

    [Theory]
    [InlineData("2020-01-01T12:00:60Z")]
    [InlineData("2016-12-30T23:59:60Z")]
    public void LabelCsv_SecondSixtyThatIsNoLeapSecond_IsRefusedNamingTheLine(string time)
    {
        using var temp = new TempFolder();
        var path = temp.Write("labels.csv", Encoding.ASCII.GetBytes($"time,site,label\n2020-01-01T00:00:00Z,gill,arc\n{time},gill,arc\n"));

        var e = Assert.Throws<InvalidDataException>(() => LabelCsvSource.ReadFile(path).ToList());

        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OmniCsv_LeapSecondTimestamp_IsRead()
    {
        using var temp = new TempFolder();
        string Row(string time, double bz) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{time},4.6,-3.3,3.2,{bz},295.3,5.22,24613.0,0.91,-6\n");
        var path = temp.Write("OMNI_HIGH_RES_1min_201612.csv", Encoding.ASCII.GetBytes(
            OmniReader.HighResCsvHeader + "\n" + Row("2016-12-31 23:58:00", -1) + Row("2016-12-31 23:59:00", -2) + Row("2016-12-31 23:59:60", -3)
            + Row("2017-01-01 00:00:00", -4) + Row("2017-01-01 00:01:00", -5)));

        var bz = OmniReader.ReadHighResCsvFile(path)["bz_gsm"]!;

        Assert.Equal(TimeSpan.FromMinutes(1), bz.Step);
        Assert.Equal(-3, bz.ValueAt(LastTickOf2016.AddSeconds(-30)));
        Assert.Equal(-4, bz.ValueAt(LastTickOf2016.AddTicks(1)));
    }

    [Fact]
    public void Stream0_ImageRequestStartInALeapSecond_IsAccepted()
    {
        Assert.True(Stream0PgmReader.TryParseUcalgaryTime("2016-12-31 23:59:60.250000 UTC", out var t));
        Assert.Equal(LastTickOf2016, t);
        Assert.False(Stream0PgmReader.TryParseUcalgaryTime("2016-12-31 23:58:60.250000 UTC", out _));
    }
}
